"""Batch uploads: a signed-in consultant uploads a CSV or XLSX of many organisations (what
`tqm batch` reads) and gets the results workbook.

    GET  /consultant/batches                      the upload form
    POST /consultant/batches                      the upload (CSRF token, size limits)
    GET  /consultant/batches/<batch_id>           the batch's state page (refreshes itself)
    GET  /consultant/batches/<batch_id>/status    the same as JSON, for scripts
    GET  /consultant/batches/<batch_id>/file      the results workbook, whole
    POST /consultant/batches/<batch_id>/retry     a failed batch run again

With REDIS_URL the file is an RQ job (webapp/batch_jobs.py) and the upload leads to its state
page; a batch is seen only by its consultancy (another's answers 404). Without REDIS_URL the file
is scored inside the request, so it must be small (TQM_BATCH_INLINE_BYTES), and the upload's
answer is the workbook itself; the batch addresses then find nothing (404).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import Response as FlaskResponse
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from assessment.problems import ProblemsFound

from ..accounts import consultant_only, signed_in
from ..batch_files import problem_lines, score_upload, upload_kind
from ..batch_jobs import (
    BatchJob,
    batch_name,
    batch_of,
    batch_state,
    batch_workbook,
    enqueue_batch,
    new_batch,
    retry_batch,
)
from ..catalog import library
from ..i18n import current_lang
from ..jobs import queue_enabled

batch_uploads = Blueprint("batch_uploads", __name__, url_prefix="/consultant/batches")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFRESH_SECONDS = 2
FORM_OVERHEAD = 16 * 1024  # bytes of a multipart body beside the file (boundaries, token)


@batch_uploads.before_request
@consultant_only
def _signed_in_only() -> None:
    """Every page here is a consultant's."""


@batch_uploads.record_once
def _allow_large_uploads_first(state: BlueprintSetupState) -> None:
    """The upload may be larger than other requests. Trap: the CSRF check is an app-level
    before_request that reads the form (so the body) before any blueprint's own runs; the limit
    must be raised before it, hence first in the app's list."""
    state.app.before_request_funcs.setdefault(None, []).insert(0, _upload_size)


def _upload_size() -> None:
    if request.endpoint == "batch_uploads.upload":
        request.max_content_length = size_limit() + FORM_OVERHEAD


@batch_uploads.after_request
def _never_cached(response: Response) -> Response:
    """A batch's state changes from one request to the next, and its workbook holds answers."""
    response.headers["Cache-Control"] = "no-store"
    return response


def size_limit() -> int:
    """The largest file accepted: with the queue TQM_BATCH_MAX_BYTES, else (scored inside the
    request) TQM_BATCH_INLINE_BYTES."""
    key = "TQM_BATCH_MAX_BYTES" if queue_enabled(current_app) else "TQM_BATCH_INLINE_BYTES"
    return int(current_app.config[key])


def _form(problems: list[str], status: int = 200, name: str = "") -> tuple[str, int]:
    limit_kib = size_limit() // 1024
    page = render_template(
        "audits/batch_upload.html", problems=problems, name=name, limit_kib=limit_kib
    )
    return page, status


@batch_uploads.get("/")
def form() -> tuple[str, int]:
    """The upload form, with the size limit and the columns the file needs."""
    return _form([])


@batch_uploads.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> tuple[str, int]:
    """413, naming the limit (the body was refused before it was read whole)."""
    return _form([_too_large_message()], 413)


def _too_large_message() -> str:
    return str(_("The file is larger than the limit of %(kib)d KiB.", kib=size_limit() // 1024))


@batch_uploads.post("/")
def upload() -> Response | tuple[str, int]:
    """Score the uploaded file: a job with the queue, else here and now (the workbook itself)."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _form([_("Choose a CSV or XLSX file to upload.")], 422)
    name = secure_filename(sent.filename) or "upload"
    kind = upload_kind(sent.filename)
    if kind is None:
        return _form([_("The file must be a CSV (.csv) or an Excel workbook (.xlsx).")], 422, name)
    data = sent.read(size_limit() + 1)
    if len(data) > size_limit():
        return _form([_too_large_message()], 413, name)
    if queue_enabled(current_app):
        batch = new_batch(current_app)
        consultancy = signed_in().consultancy_id
        enqueue_batch(current_app, batch, (data, kind, name), consultancy, current_lang())
        return redirect(url_for(".wait", batch_id=batch.batch_id), 303)
    return _inline(data, kind, name)


def _inline(data: bytes, kind: str, name: str) -> Response | tuple[str, int]:
    """The file scored inside the request: the workbook, or 422 with every problem named."""
    try:
        workbook, _summary = score_upload(data, kind, name, library(), current_lang())
    except ProblemsFound as exc:
        return _form(problem_lines(exc.problems), 422, name)
    return _workbook(workbook, name)


def _workbook(body: bytes, name: str) -> Response:
    stem = name.rsplit(".", 1)[0]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    headers = {"Content-Disposition": f'attachment; filename="{stem}-results-{stamp}.xlsx"'}
    return FlaskResponse(body, mimetype=XLSX, headers=headers)


def _batch(batch_id: str) -> BatchJob:
    """The consultancy's batch; another's (or none, or no queue) answers 404."""
    if not queue_enabled(current_app):
        abort(404)
    batch = batch_of(current_app, batch_id, signed_in().consultancy_id)
    if batch is None:
        abort(404)
    return batch


@batch_uploads.get("/<batch_id>")
def wait(batch_id: str) -> Response:
    """Where the batch is; while it runs the page asks again every 2 s."""
    batch = _batch(batch_id)
    state = batch_state(current_app, batch)
    page = render_template(
        "audits/batch_status.html",
        batch_id=batch_id,
        name=batch_name(current_app, batch),
        state=state,
        percent=round(state.progress * 100),
    )
    response = FlaskResponse(page)
    if state.state in ("queued", "started"):
        response.headers["Refresh"] = str(REFRESH_SECONDS)  # polling without script (CSP)
    return response


@batch_uploads.get("/<batch_id>/status")
def status(batch_id: str) -> Response:
    """The batch's state as JSON: state, progress, counts, problems, the workbook's address."""
    state = batch_state(current_app, _batch(batch_id))
    download = url_for(".file", batch_id=batch_id) if state.ready else None
    return jsonify(
        state=state.state,
        progress=state.progress,
        summary=state.summary or None,
        problems=state.problems,
        download=download,
    )


@batch_uploads.get("/<batch_id>/file")
def file(batch_id: str) -> Response:
    """The results workbook, whole; when there is none (yet), the state page."""
    batch = _batch(batch_id)
    body = batch_workbook(current_app, batch)
    if body is None:  # not done yet, problems, or expired: never a partial file
        return redirect(url_for(".wait", batch_id=batch_id), 303)
    return _workbook(body, batch_name(current_app, batch))


@batch_uploads.post("/<batch_id>/retry")
def retry(batch_id: str) -> Response:
    """Run a failed batch again (the form carries the CSRF token)."""
    retry_batch(current_app, _batch(batch_id))
    return redirect(url_for(".wait", batch_id=batch_id), 303)
