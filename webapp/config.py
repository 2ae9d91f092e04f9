"""Configuration: defaults, then the environment, then the caller's dict; the instance secret key;
the errors that stop start-up."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from assessment.problems import ProblemsFound, UsageError

MAX_BODY = 1024 * 1024  # bytes; larger requests get 413 (README "Limits")
ENV_KEYS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "TQM_ENV",
    "TQM_CONTENT",
    "TQM_PROXY_HOPS",
    "TQM_PDF_TIMEOUT",
    "TQM_SCORE_TIMEOUT",
    "TQM_LIMIT_START",
    "TQM_LIMIT_API",
    "TQM_LIMIT_SIGN_IN",
    "TQM_LIMIT_REPORT",
    "TQM_LIMIT_UPLOAD",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_KEY_PREFIX",
    "TQM_REDIS_NAMESPACE",
    "TQM_REPORT_TTL",
    "TQM_BATCH_MAX_BYTES",
    "TQM_BATCH_INLINE_BYTES",
    "TQM_BATCH_TIMEOUT",
)

DEFAULTS: dict[str, Any] = {
    "MAX_CONTENT_LENGTH": MAX_BODY,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    # A respondent may spend an hour on an audit page: the CSRF token lives as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
    # Flask-WTF's HTTPS check wants a Referer from the same host, but Referrer-Policy is
    # no-referrer (resume tokens are in URLs), so browsers send none: rely on the token alone.
    "WTF_CSRF_SSL_STRICT": False,
    "BABEL_DEFAULT_LOCALE": "en",
    "TQM_ENV": "development",
    "TQM_PDF_TIMEOUT": 25.0,  # seconds; below gunicorn's default 30 s worker timeout
    "TQM_SCORE_TIMEOUT": 20.0,  # seconds of one /api/v1/score request (webapp/deadline.py)
    "TQM_PROXY_HOPS": 0,  # trusted reverse proxies in front (X-Forwarded-* headers), e.g. 1
    # Per client (webapp/limits.py); counters in memory unless RATELIMIT_STORAGE_URI names Redis.
    "TQM_LIMIT_START": "10 per minute; 200 per day",
    "TQM_LIMIT_API": "60 per minute",
    "TQM_LIMIT_SIGN_IN": "10 per minute; 50 per hour",  # POSTs: password guessing per address
    "TQM_LIMIT_REPORT": "30 per minute",  # downloads rendered in the request, queue retries
    "TQM_LIMIT_UPLOAD": "10 per hour",  # batch files
    # Batch uploads (webapp/batch_jobs.py): the largest file with the queue, and without it (the
    # file is scored inside the request, so it must stay small), and a batch job's time limit.
    "TQM_BATCH_MAX_BYTES": 8 * 1024 * 1024,
    "TQM_BATCH_INLINE_BYTES": 256 * 1024,
    "TQM_BATCH_TIMEOUT": 900,
    "RATELIMIT_STORAGE_URI": "memory://",
}


class ConfigurationError(UsageError, click.ClickException):
    """The app cannot start with this configuration; `flask` prints it without a traceback."""


class ContentProblems(ProblemsFound, click.ClickException):
    """The content has problems, so the app cannot start; `flask` prints them, each located."""

    def format_message(self) -> str:
        return self.render()

    def __str__(self) -> str:  # what gunicorn's traceback shows
        return self.render()


def configure(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill app.config: defaults < environment < overrides; derive what is missing."""
    app.config.update(DEFAULTS)
    app.config.update({k: os.environ[k] for k in ENV_KEYS if os.environ.get(k)})
    app.config.update(overrides or {})
    if app.config["TQM_ENV"] == "production":
        _production(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'tqm.sqlite3'}"
    app.config["DATABASE_URL"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config["TQM_PDF_TIMEOUT"] = float(app.config["TQM_PDF_TIMEOUT"])
    app.config["TQM_SCORE_TIMEOUT"] = float(app.config["TQM_SCORE_TIMEOUT"])
    for key in ("TQM_BATCH_MAX_BYTES", "TQM_BATCH_INLINE_BYTES", "TQM_BATCH_TIMEOUT"):
        app.config[key] = int(app.config[key])
    hops = int(app.config["TQM_PROXY_HOPS"])
    if hops:
        # Private links are absolute URLs: behind a proxy they need its scheme and host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]


def _production(app: Flask) -> None:
    """Production needs a SECRET_KEY from outside (shared by every worker) and Secure cookies."""
    if not app.config.get("SECRET_KEY"):
        raise ConfigurationError(
            "TQM_ENV=production needs SECRET_KEY in the environment "
            '(e.g. SECRET_KEY=$(python -c "import secrets; print(secrets.token_hex(32))"))'
        )
    app.config["SESSION_COOKIE_SECURE"] = True


def instance_folder(overrides: Mapping[str, Any] | None) -> str | None:
    """Where the app keeps its SQLite database and secret key (README "The web app"):
    TQM_INSTANCE (the caller's config, else the environment); in a source checkout, Flask's
    default (<checkout>/instance); once installed, a per-user folder (None: Flask's default)."""
    given = (overrides or {}).get("TQM_INSTANCE") or os.environ.get("TQM_INSTANCE")
    if given:
        return str(Path(given).expanduser().resolve())
    if (Path(__file__).resolve().parents[1] / "pyproject.toml").is_file():
        return None  # a checkout: <checkout>/instance, as before
    return str(user_data_folder())


def user_data_folder() -> Path:
    """The per-user folder of the installed app: ~/.local/share/tqm-maturity ($XDG_DATA_HOME) on
    Linux, ~/Library/Application Support/tqm-maturity on macOS, %LOCALAPPDATA%\\tqm-maturity on
    Windows."""
    home = Path.home()
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "tqm-maturity"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "tqm-maturity"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "tqm-maturity"


def instance_secret(folder: Path) -> str:
    """The key in folder/secret_key (mode 0600), created once; safe when workers race."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: the first writer wins, the file is complete when seen
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def normalise_database_url(url: str) -> str:
    """'postgres://' and 'postgresql://' use psycopg 3 (the driver installed with the web extra)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
