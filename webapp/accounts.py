"""Consultants' accounts: sign-in with Flask-Login, password hashes, lock-out, the `users` command.

Passwords are stored as scrypt hashes (werkzeug.security). A session cookie names the consultant
*and* their session version: signing out everywhere or changing the password raises the version,
so every older cookie stops working (Flask's signed cookies cannot be revoked otherwise). The
session is cleared before a sign-in, so a session id planted before sign-in is never reused
(session fixation). After `MAX_FAILURES` wrong passwords in a row an account is locked for
`LOCK_MINUTES`, counted in the database so that every app process sees the same count.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import click
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response

from .models import ApiToken, Consultancy, Consultant, utcnow
from .views.common import database
from .views.rounds_api import token_digest

F = TypeVar("F", bound=Callable[..., Any])
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 12

accounts = Blueprint("accounts", __name__, url_prefix="/consultant")
login_manager = LoginManager()
login_manager.login_view = "accounts.sign_in"
login_manager.login_message = ""  # the sign-in page says what it is for


@dataclass(frozen=True)
class SignedIn:
    """The consultant of a request (Flask-Login's user object), detached from the database."""

    id: int
    consultancy_id: int
    email: str
    name: str
    session_version: int
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session version."""
        return f"{self.id}:{self.session_version}"


def signed_in() -> SignedIn:
    """The consultant of this request (only inside views that require sign-in)."""
    user: SignedIn = current_user._get_current_object()
    return user


def consultant_only(view: F) -> F:
    """Flask-Login's `login_required`, typed: the view needs a signed-in consultant."""
    return cast(F, login_required(view))


def load_user(user_id: str) -> SignedIn | None:
    """The consultant of a session cookie, unless their session version has moved on."""
    ident, _sep, version = user_id.partition(":")
    if not (ident.isdigit() and version.isdigit()):
        return None
    with database().transaction() as db:
        row = db.get(Consultant, int(ident))
        if row is None or row.session_version != int(version):
            return None
        return _signed_in(row)


def _signed_in(row: Consultant) -> SignedIn:
    return SignedIn(row.id, row.consultancy_id, row.email, row.name, row.session_version)


def init_accounts(app: Flask) -> None:
    """Sign-in for consultants, password-reset links, and the `flask users` command."""
    from . import password_reset  # noqa: F401  # its page and command join `accounts` and `users`

    login_manager.user_loader(load_user)
    login_manager.init_app(app)
    app.register_blueprint(accounts)
    app.cli.add_command(users)


# --- passwords and lock-out --------------------------------------------------------------------


def authenticate(db: Session, email: str, password: str) -> Consultant | None:
    """The consultant if the password is right and the account is not locked; counts failures."""
    row = db.scalar(select(Consultant).where(Consultant.email == email.strip().lower()))
    if row is None:
        check_password_hash(_DUMMY_HASH, password)  # the same work: no timing oracle for emails
        return None
    now = utcnow()
    if row.locked_until is not None and _aware(row.locked_until) > now:
        return None
    if not check_password_hash(row.password_hash, password):
        row.failed_logins += 1
        if row.failed_logins >= MAX_FAILURES:
            row.locked_until, row.failed_logins = now + timedelta(minutes=LOCK_MINUTES), 0
        return None
    row.failed_logins, row.locked_until = 0, None
    return row


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns: they are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


_DUMMY_HASH = generate_password_hash("not a password of anyone")


def create_consultant(
    db: Session, email: str, password: str, consultancy: str, name: str = ""
) -> Consultant:
    """A new consultant in a consultancy (created when it does not exist yet)."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")
    email = email.strip().lower()
    if "@" not in email or db.scalar(select(Consultant).where(Consultant.email == email)):
        raise ValueError(f"{email!r} is not a new e-mail address")
    tenant = db.scalar(select(Consultancy).where(Consultancy.name == consultancy))
    if tenant is None:
        tenant = Consultancy(name=consultancy)
        db.add(tenant)
        db.flush()
    row = Consultant(
        consultancy_id=tenant.id,
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
    )
    db.add(row)
    db.flush()
    return row


# --- views -------------------------------------------------------------------------------------


@accounts.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    """The consultants' sign-in form."""
    if request.method == "GET":
        return render_template("audits/sign_in.html", email="", failed=False)
    email = request.form.get("email", "")
    with database().transaction() as db:
        row = authenticate(db, email, request.form.get("password", ""))
        user = _signed_in(row) if row else None
    if user is None:
        return render_template("audits/sign_in.html", email=email, failed=True), 401
    session.clear()  # a fresh session: nothing planted before sign-in survives it
    login_user(user)
    return redirect(url_for("audits.clients"), 303)


@accounts.post("/sign-out")
@consultant_only
def sign_out() -> Response:
    """Sign out here; with `everywhere`, every other session of this consultant too."""
    if request.form.get("everywhere"):
        with database().transaction() as db:
            row = db.get(Consultant, signed_in().id)
            if row is not None:
                row.session_version += 1
    logout_user()
    session.clear()
    flash(_("You are signed out."), "saved")
    return redirect(url_for("accounts.sign_in"), 303)


@accounts.route("/tokens", methods=["GET", "POST"])
@consultant_only
def tokens() -> str:
    """The consultant's API tokens; POST makes one and shows it this once."""
    made = ""
    with database().transaction() as db:
        if request.method == "POST":
            made = "tqm_" + secrets.token_urlsafe(32)
            label = request.form.get("label", "").strip()[:100]
            db.add(
                ApiToken(consultant_id=signed_in().id, token_hash=token_digest(made), label=label)
            )
            db.flush()
        query = select(ApiToken).where(ApiToken.consultant_id == signed_in().id)
        rows = db.scalars(query.order_by(ApiToken.id)).all()
        return render_template("audits/tokens.html", tokens=rows, made=made)


@accounts.post("/tokens/<int:token_id>/revoke")
@consultant_only
def revoke_token(token_id: int) -> Response:
    """Revoke one of the consultant's own API tokens."""
    with database().transaction() as db:
        row = db.get(ApiToken, token_id)
        if row is None or row.consultant_id != signed_in().id:
            abort(404)
        row.revoked = True
    flash(_("The token is revoked."), "saved")
    return redirect(url_for("accounts.tokens"), 303)


# --- the admin command -------------------------------------------------------------------------


users = AppGroup("users", help="Consultants' accounts.")  # its commands run in an app context


@users.command("create")
@click.argument("email")
@click.option("--consultancy", required=True, help="The consultancy (tenant); created if new.")
@click.option("--name", default="", help="The consultant's name.")
@click.password_option(help="At least 12 characters (asked for when not given).")
def create_user(email: str, consultancy: str, name: str, password: str) -> None:
    """Create a consultant who can sign in at /consultant/sign-in."""
    try:
        with database().transaction() as db:
            create_consultant(db, email, password, consultancy, name)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(f"created {email.strip().lower()} in {consultancy!r}")
    current_app.logger.info("consultant %s created", email)
