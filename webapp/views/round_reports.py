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
from flask import abort, current_app, jsonify, redirect, render_template, url_for
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from assessment.engine.result import Result
from assessment.render import FORMATS, render

from .. import rounds as store
from ..catalog import framework_of
from ..i18n import current_lang
from ..jobs import ReportKey, ReportState, queue_enabled, report_bytes, report_key, request_report
from .audits import _questionnaire, _round, audits
from .common import database

REPORT_FORMATS = ("pdf", "docx")  # formats made from the frozen result alone
REFRESH_SECONDS = 2


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


def _queued(round_id: int, fmt: str, retry: bool = False) -> tuple[ReportKey, ReportState, str]:
    """The report's key and state (a job enqueued if needed) and its file name; without the
    queue, abort to the report rendered in the request."""
    result, filename = _frozen(round_id, fmt)
    if not queue_enabled(current_app):
        abort(redirect(url_for(".report", round_id=round_id, fmt=fmt), 303))
    key = report_key(current_app, round_id, result, fmt, current_lang(), scope="round-")
    return key, request_report(current_app, key, None, result, retry=retry), filename


@audits.get("/rounds/<int:round_id>/report/<fmt>")
def round_report_wait(round_id: int, fmt: str) -> Response:
    """Where the round's report is; while it is being rendered the page asks again every 2 s."""
    state = _queued(round_id, fmt)[1].state
    page = render_template(
        "audits/report_status.html", round_id=round_id, fmt=fmt, label=fmt.upper(), state=state
    )
    response = FlaskResponse(page, headers={"Cache-Control": "no-store"})
    if state in ("queued", "started"):
        response.headers["Refresh"] = str(REFRESH_SECONDS)  # polling without script (CSP)
    return response


@audits.get("/rounds/<int:round_id>/report/<fmt>/status")
def round_report_status(round_id: int, fmt: str) -> Response:
    """The report's state as JSON: state, ready, and the file's address once it is ready."""
    state = _queued(round_id, fmt)[1]
    download = url_for(".round_report_file", round_id=round_id, fmt=fmt) if state.ready else None
    return jsonify(state=state.state, ready=state.ready, download=download)


@audits.get("/rounds/<int:round_id>/report/<fmt>/file")
def round_report_file(round_id: int, fmt: str) -> Response:
    """The rendered report, whole; when there is none (yet), the state page."""
    key, state, filename = _queued(round_id, fmt)
    body = report_bytes(current_app, key) if state.ready else None
    if body is None:  # not rendered yet, or expired in between: never a partial file
        return redirect(url_for(".round_report_wait", round_id=round_id, fmt=fmt), 303)
    return _download(body, fmt, filename)


@audits.post("/rounds/<int:round_id>/report/<fmt>/retry")
def round_report_retry(round_id: int, fmt: str) -> Response:
    """Render a failed report again (the form carries the CSRF token)."""
    _queued(round_id, fmt, retry=True)
    return redirect(url_for(".round_report_wait", round_id=round_id, fmt=fmt), 303)
