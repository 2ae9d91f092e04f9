"""Password-reset links: there is no e-mail server, so an admin issues a one-time link by command
(`flask --app webapp users reset-link EMAIL`) and passes it on; the consultant sets a new password
on the page it opens.

A link carries 256 random bits; the database keeps only their SHA-256, so a copy of the database
cannot be turned into links. A link works once and until it expires (24 hours by default);
issuing a new one withdraws the older ones. Setting the password raises the consultant's session
version (every session signed in before ends) and lifts a lock-out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import click
from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from .accounts import MIN_PASSWORD, _aware, accounts, users
from .models import Consultant, PasswordReset, utcnow
from .views.common import database

DEFAULT_HOURS = 24
MAX_PASSWORD = 1024  # hashing a huge "password" is work for nothing


def digest(token: str) -> str:
    """What the database keeps of a reset token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(db: Session, consultant: Consultant, hours: float = DEFAULT_HOURS) -> str:
    """A new one-time token for the consultant (shown once); their older unused links stop."""
    now = utcnow()
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.consultant_id == consultant.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)  # 32 bytes: 256 bits
    expires = now + timedelta(hours=hours)
    db.add(PasswordReset(consultant_id=consultant.id, token_hash=digest(token), expires_at=expires))
    db.flush()
    return token


def find(db: Session, token: str) -> PasswordReset | None:
    """The reset a token names (used or not), or None."""
    if not 20 <= len(token) <= 100:
        return None
    return db.scalar(select(PasswordReset).where(PasswordReset.token_hash == digest(token)))


def usable(reset: PasswordReset) -> bool:
    """Whether a link still works: not used, not expired."""
    return reset.used_at is None and _aware(reset.expires_at) > utcnow()


def password_problems(password: str, again: str) -> list[str]:
    """What is wrong with a new password (the rules of `users create`)."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(_("The password needs at least %(n)d characters.", n=MIN_PASSWORD))
    elif len(password) > MAX_PASSWORD:
        problems.append(_("The password may have at most %(n)d characters.", n=MAX_PASSWORD))
    if password != again:
        problems.append(_("The two passwords differ."))
    return problems


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@accounts.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response | tuple[str, int]:
    """The page a reset link opens: a new password, twice; 404 for an unknown link, 410 for a
    used or expired one. Never cached: the token is in the address."""
    after_this_request(_no_store)
    with database().transaction() as db:
        reset = find(db, token)
        if reset is None:
            abort(404)
        if not usable(reset):
            return render_template("audits/reset.html", gone=True, problems=[]), 410
        if request.method == "GET":
            return render_template("audits/reset.html", gone=False, problems=[])
        password = request.form.get("password", "")
        problems = password_problems(password, request.form.get("again", ""))
        if problems:
            return render_template("audits/reset.html", gone=False, problems=problems), 422
        consultant = db.get(Consultant, reset.consultant_id)
        if consultant is None:
            abort(404)
        consultant.password_hash = generate_password_hash(password)
        consultant.session_version += 1  # every session signed in before this ends
        consultant.failed_logins, consultant.locked_until = 0, None
        reset.used_at = utcnow()
    flash(_("Your new password is set. Sign in with it."), "saved")
    return redirect(url_for("accounts.sign_in"), 303)


@users.command("reset-link")
@click.argument("email")
@click.option(
    "--hours", default=DEFAULT_HOURS, show_default=True, type=click.FloatRange(0.1, 24 * 14)
)
@click.option(
    "--base-url",
    default="http://localhost:5000",
    show_default=True,
    help="The address consultants reach the app at.",
)
def reset_link(email: str, hours: float, base_url: str) -> None:
    """Print a one-time link that lets the consultant set a new password (pass it on)."""
    with database().transaction() as db:
        consultant = db.scalar(select(Consultant).where(Consultant.email == email.strip().lower()))
        if consultant is None:
            raise click.UsageError(f"no consultant has the e-mail address {email!r}")
        token = issue(db, consultant, hours)
    with current_app.test_request_context(base_url=base_url):
        link = url_for("accounts.reset_password", token=token, _external=True)
    click.echo(link)
    click.echo(f"valid once, for {hours:g} hours; a new link withdraws this one", err=True)
    current_app.logger.info("password reset link issued for consultant %s", email)
