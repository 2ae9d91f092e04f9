"""Response headers every page gets, CSRF protection, and the error pages (HTML or JSON)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; "  # the download buttons fetch the file to show that it is on its way
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # resume tokens are in URLs: never leak them
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
csrf = CSRFProtect()


def init_security(app: Flask) -> None:
    """CSRF on every form, the headers, and error handlers."""
    csrf.init_app(app)
    app.after_request(add_headers)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)


def add_headers(response: Response) -> Response:
    """Security headers; private pages (under /a/) are never cached."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/a/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def wants_json() -> bool:
    """API requests get JSON errors; pages get HTML."""
    return request.path.startswith("/api/")


def json_error(status: int, message: str) -> tuple[Response, int]:
    """The API's error body: the same shape as a list of problems."""
    problem = {"file": "request", "line": None, "col": None, "pointer": "$", "message": message}
    return jsonify(errors=[problem]), status


def csrf_error(error: CSRFError) -> tuple[str, int]:
    """A form posted without a valid token: nothing was saved; say how to retry."""
    return render_template("error.html", code=400, kind="csrf"), 400


def http_error(error: HTTPException) -> Any:
    """404, 405, 413, 415 and friends, as JSON for the API and as a page otherwise.

    The exception's own headers are kept: a 405 must say which methods are allowed (`Allow`,
    RFC 9110), a 401 how to authenticate.
    """
    code = error.code or 500
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    if wants_json():
        body, status = json_error(code, error.description or error.name)
        return body, status, headers
    return render_template("error.html", code=code, kind=str(code)), code, headers


def unexpected_error(error: Exception) -> Any:
    """The last resort: log it, answer 500 without details (tests make sure inputs never get here)."""
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
    if wants_json():
        return json_error(500, "internal error")
    return render_template("error.html", code=500, kind="500"), InternalServerError.code
