"""Per-client rate limits (Flask-Limiter): starting assessments, the score API, consultants'
sign-in, reports rendered on request, and batch uploads.

A client is its address (behind trusted proxies, the one ProxyFix derives from X-Forwarded-For).
Counters live in memory by default, one set per process; with RATELIMIT_STORAGE_URI (for example
redis://127.0.0.1:6379/0) every process and host shares them. The limits themselves are the
settings named in LIMITED ("10 per minute; 200 per day" syntax). The report queue's state pages
are not limited: they refresh themselves every 2 s, and asking again never renders a report twice
(one job per report); what costs a render is limited: the in-request download, the round report,
a retry.
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

# The views limited: the setting that holds each one's limit, and the methods counted.
LIMITED: dict[str, tuple[str, tuple[str, ...]]] = {
    "survey.start": ("TQM_LIMIT_START", ("POST",)),
    "api.score": ("TQM_LIMIT_API", ("POST",)),
    "accounts.sign_in": ("TQM_LIMIT_SIGN_IN", ("POST",)),
    "results.download": ("TQM_LIMIT_REPORT", ("GET",)),
    "report_queue.retry": ("TQM_LIMIT_REPORT", ("POST",)),
    "audits.report": ("TQM_LIMIT_REPORT", ("GET",)),
    "audits.round_report_retry": ("TQM_LIMIT_REPORT", ("POST",)),
    "batch_uploads.upload": ("TQM_LIMIT_UPLOAD", ("POST",)),
    "batch_uploads.retry": ("TQM_LIMIT_UPLOAD", ("POST",)),
}


def init_limits(app: Flask) -> None:
    """A limiter of the app's own (its state is per app: tests make many apps in one process)
    on the views in LIMITED, and the 429 answer (page or JSON, with Retry-After)."""
    app.config.setdefault("RATELIMIT_ENABLED", not app.config.get("TESTING"))
    limiter = Limiter(key_func=get_remote_address, headers_enabled=True, app=app)
    app.extensions["tqm_limiter"] = limiter
    for endpoint, (setting, methods) in LIMITED.items():
        limit = _setting(app, setting)
        view = app.view_functions[endpoint]
        # a scope per setting: the report views share one allowance, as do the upload views
        limited: Any = limiter.shared_limit(limit, setting.lower(), methods=list(methods))(view)
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
