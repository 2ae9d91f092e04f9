"""The report queue's pages: the state of a report being rendered by a worker, and its file.

    GET  /a/<token>/report/<fmt>          the state page (refreshes itself until the report is ready)
    GET  /a/<token>/report/<fmt>/status   the same as JSON, for scripts
    GET  /a/<token>/report/<fmt>/file     the report, whole; until then, back to the state page
    POST /a/<token>/report/<fmt>/retry    a failed report rendered again

Only with REDIS_URL set (webapp/jobs.py); without it each of these sends the person to the
download that renders in the request (results.download), today's behaviour.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask import Response as FlaskResponse
from werkzeug.wrappers import Response

from assessment.render import FORMATS

from ..i18n import current_lang
from ..jobs import (
    QUEUED_FORMATS,
    ReportKey,
    ReportState,
    queue_enabled,
    report_key,
    request_report,
)
from .report_pages import QueuedReport
from .results import _outcome, content_disposition, download_name

report_queue = Blueprint("report_queue", __name__)


@report_queue.before_request
def only_through_the_queue() -> Response | None:
    """Formats the queue renders only; without the queue, the download rendered in the request."""
    args = request.view_args or {}
    if args.get("fmt") not in QUEUED_FORMATS:
        abort(404)
    if queue_enabled(current_app):
        return None
    return redirect(url_for("results.download", token=args["token"], fmt=args["fmt"]), 303)


@report_queue.after_request
def never_cached(response: Response) -> Response:
    """A report's state changes from one request to the next."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _report(token: str, fmt: str) -> QueuedReport:
    """The assessment's report in `fmt`, in the interface language."""

    def find(retry: bool) -> tuple[ReportKey, ReportState]:
        current, answers, result = _outcome(token)
        key = report_key(current_app, current.record.id, result, fmt, current_lang())
        return key, request_report(current_app, key, answers, result, retry=retry)

    def send(key: ReportKey, body: bytes) -> Response:
        name = download_name(_outcome(token)[2], FORMATS[fmt].suffix, key.lang)
        headers = {"Content-Disposition": content_disposition(name)}
        return FlaskResponse(body, mimetype=FORMATS[fmt].mimetype, headers=headers)

    return QueuedReport(find, send, "report_status.html", ".", {"token": token, "fmt": fmt})


@report_queue.get("/a/<token>/report/<fmt>")
def wait(token: str, fmt: str) -> Response:
    """The report's state page (QueuedReport.wait)."""
    return _report(token, fmt).wait()


@report_queue.get("/a/<token>/report/<fmt>/status")
def status(token: str, fmt: str) -> Response:
    """The report's state as JSON (QueuedReport.status)."""
    return _report(token, fmt).status()


@report_queue.get("/a/<token>/report/<fmt>/file")
def file(token: str, fmt: str) -> Response:
    """The rendered report, whole (QueuedReport.file)."""
    return _report(token, fmt).file()


@report_queue.post("/a/<token>/report/<fmt>/retry")
def retry(token: str, fmt: str) -> Response:
    """Render a failed report again (QueuedReport.retry)."""
    return _report(token, fmt).retry()


@report_queue.app_template_global()
def report_link(token: str, fmt: str) -> tuple[str, bool]:
    """For a download button: its address and whether it is the file itself (True: give the link
    the `download` attribute) or, with the queue, the state page of a report being rendered."""
    if fmt in QUEUED_FORMATS and queue_enabled(current_app):
        return url_for("report_queue.wait", token=token, fmt=fmt), False
    return url_for("results.download", token=token, fmt=fmt), True
