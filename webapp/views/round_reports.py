"""A signed-off round's report (PDF, Word), on the consultant audits' blueprint: tenant-scoped
like every audits view (another consultancy's round answers 404).

    GET  /consultant/rounds/<id>/report.<fmt>          the report, rendered in the request; with
                                                      REDIS_URL, the state page below instead
    GET  /consultant/rounds/<id>/report/<fmt>          the state page of the report in the queue
    GET  /consultant/rounds/<id>/report/<fmt>/status   the same as JSON
    GET  /consultant/rounds/<id>/report/<fmt>/file     the report, whole
    POST /consultant/rounds/<id>/report/<fmt>/retry    a failed report rendered again

With the queue (webapp/jobs.py) a round's report is keyed as an assessment's is: the round (scope
`round-`), the hash of its frozen result, the format and the language.
"""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import abort, current_app, redirect, url_for
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from assessment.engine.result import Result
from assessment.render import FORMATS, render

from .. import rounds as store
from ..catalog import framework_of
from ..i18n import current_lang
from ..jobs import ReportKey, ReportState, queue_enabled, report_key, request_report
from .audits import _questionnaire, _round, audits
from .common import database
from .report_pages import QueuedReport

REPORT_FORMATS = ("pdf", "docx")  # formats made from the frozen result alone


def _frozen(round_id: int, fmt: str) -> tuple[Result, str]:
    """The round's signed-off result in the interface language and the report's file name
    (404: another consultancy's round or an unknown format; 409: not signed off)."""
    if fmt not in REPORT_FORMATS:
        abort(404)
    lang = current_lang()
    with database().transaction() as db:
        found, client = _round(db, round_id)
        document = store.frozen(db, found.id, lang)
    if document is None:
        abort(409)
    name = secure_filename(f"{client.name}_{found.title}_{lang}") or "report"
    framework = framework_of(_questionnaire(found))
    return Result.from_document(document, framework), f"{name}.{fmt}"


def _download(body: bytes | str, fmt: str, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return FlaskResponse(body, mimetype=FORMATS[fmt].mimetype, headers=headers)


@audits.get("/rounds/<int:round_id>/report.<fmt>")
def report(round_id: int, fmt: str) -> Response:
    """The signed-off round's report (tagged PDF or editable Word), from the frozen result."""
    from .results import pdf_isolated

    result, filename = _frozen(round_id, fmt)
    if queue_enabled(current_app):  # rendered by a worker
        return redirect(url_for(".round_report_wait", round_id=round_id, fmt=fmt), 303)
    lang = current_lang()
    body = pdf_isolated(result, lang) if fmt == "pdf" else render(fmt, result, None, lang)  # type: ignore[arg-type]
    return _download(body, fmt, filename)


def _queued(round_id: int, fmt: str) -> QueuedReport:
    """The round's report in `fmt`, in the interface language; without the queue, abort to the
    report rendered in the request."""
    result, filename = _frozen(round_id, fmt)
    if not queue_enabled(current_app):
        abort(redirect(url_for(".report", round_id=round_id, fmt=fmt), 303))
    key = report_key(current_app, round_id, result, fmt, current_lang(), scope="round-")

    def find(retry: bool) -> tuple[ReportKey, ReportState]:
        return key, request_report(current_app, key, None, result, retry=retry)

    def send(_key: ReportKey, body: bytes) -> Response:
        return _download(body, fmt, filename)

    args = {"round_id": round_id, "fmt": fmt}
    return QueuedReport(find, send, "audits/report_status.html", ".round_report_", args)


@audits.get("/rounds/<int:round_id>/report/<fmt>")
def round_report_wait(round_id: int, fmt: str) -> Response:
    """The round's report's state page (QueuedReport.wait)."""
    return _queued(round_id, fmt).wait()


@audits.get("/rounds/<int:round_id>/report/<fmt>/status")
def round_report_status(round_id: int, fmt: str) -> Response:
    """The round's report's state as JSON (QueuedReport.status)."""
    return _queued(round_id, fmt).status()


@audits.get("/rounds/<int:round_id>/report/<fmt>/file")
def round_report_file(round_id: int, fmt: str) -> Response:
    """The round's rendered report, whole (QueuedReport.file)."""
    return _queued(round_id, fmt).file()


@audits.post("/rounds/<int:round_id>/report/<fmt>/retry")
def round_report_retry(round_id: int, fmt: str) -> Response:
    """Render the round's failed report again (QueuedReport.retry)."""
    return _queued(round_id, fmt).retry()
