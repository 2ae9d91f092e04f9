"""The start page, the language switch, the health check and the readiness check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response

from ..catalog import frameworks, library, minutes
from ..i18n import COOKIE, COOKIE_AGE, LANGUAGES
from ..readiness import readiness

pages = Blueprint("pages", __name__)


@pages.get("/")
def index() -> str:
    """What the assessment is, and the questionnaires to choose from (shortest first)."""
    questionnaires = sorted(library().questionnaires.values(), key=lambda q: len(q.questions))
    return render_template(
        "index.html", questionnaires=questionnaires, minutes=minutes, frameworks=frameworks()
    )


@pages.post("/lang")
def switch_language() -> Response:
    """Remember the chosen language in a cookie and go back to the page the form was on."""
    response = redirect(safe_next(request.form.get("next", "")), 303)
    return remember_language(response, request.form.get("lang", ""))


def remember_language(response: Response, lang: str) -> Response:
    """The response with the language cookie set, when `lang` is one of the languages."""
    if lang in LANGUAGES:
        response.set_cookie(
            COOKIE,
            lang,
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def safe_next(target: str) -> str:
    """A local path to return to; anything else (other hosts, schemes) becomes '/'."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@pages.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness for load balancers."""
    return {"status": "ok"}


@pages.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness for load balancers: the database (and Redis, when used) answer; 503 naming what
    failed otherwise (webapp/readiness.py). The database guard lets it through (webapp/db.py)."""
    body, status = readiness()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, status
