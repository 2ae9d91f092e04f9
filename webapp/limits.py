"""Per-client rate limits (Flask-Limiter): starting assessments and the score API.

A client is its address (behind trusted proxies, the one ProxyFix derives from X-Forwarded-For).
Counters live in memory by default, one set per process; with RATELIMIT_STORAGE_URI (for example
redis://127.0.0.1:6379/0) every process and host shares them. The limits themselves are the
settings TQM_LIMIT_START and TQM_LIMIT_API ("10 per minute; 200 per day" syntax).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, render_template
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from .security import json_error, wants_json

# The views limited, with the setting that holds their limit (POST only for the start page).
LIMITED = {"survey.start": "TQM_LIMIT_START", "api.score": "TQM_LIMIT_API"}


def init_limits(app: Flask) -> None:
    """A limiter of the app's own (its state is per app: tests make many apps in one process)
    on the views in LIMITED, and the 429 answer (page or JSON, with Retry-After)."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING"))
    limiter = Limiter(key_func=get_remote_address, headers_enabled=True, app=app)
    app.extensions["tqm_limiter"] = limiter
    for endpoint, setting in LIMITED.items():
        limit = _setting(app, setting)
        view = app.view_functions[endpoint]
        limited: Any = limiter.limit(limit, methods=["POST"])(view)  # a view again (sync)
        app.view_functions[endpoint] = limited
    app.register_error_handler(RateLimitExceeded, too_many)


def _setting(app: Flask, key: str) -> Callable[[], str]:
    return lambda: str(app.config[key])


def retry_after() -> int:
    """Seconds until the client's exhausted limit lets a request through again (at least 1)."""
    limiter: Limiter = current_app.extensions["tqm_limiter"]
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def too_many(error: RateLimitExceeded) -> Any:
    """429: what happened and when to try again, in the interface language (JSON for the API)."""
    seconds = retry_after()
    headers = {"Retry-After": str(seconds)}
    if wants_json():
        message = f"too many requests from this client ({error.description}); retry in {seconds} s"
        body, status = json_error(429, message)
        return body, status, headers
    page = render_template("error.html", code=429, kind="429", seconds=seconds)
    return page, 429, headers
