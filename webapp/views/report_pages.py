"""The pages of one report in the queue (webapp/jobs.py): its state page, the same as JSON, the
file and the retry. An assessment's report (views/report_queue.py) and a signed-off round's
(views/round_reports.py) find their report each their own way and answer alike from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response as FlaskResponse
from flask import current_app, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..jobs import ReportKey, ReportState, report_bytes

REFRESH_SECONDS = 2


@dataclass(frozen=True)
class QueuedReport:
    """One report's pages. `find(retry)` gives its key and state (a job enqueued if needed, run
    again if `retry`); `send` answers with the file; `endpoint` is the prefix of the pages'
    endpoints ('.' + 'wait', 'file', 'retry'); `args` are the address's arguments, given to the
    template with the addresses of the pages (`pages`)."""

    find: Callable[[bool], tuple[ReportKey, ReportState]]
    send: Callable[[ReportKey, bytes], Response]
    template: str
    endpoint: str
    args: dict[str, Any]

    def _url(self, page: str) -> str:
        return url_for(f"{self.endpoint}{page}", **self.args)

    def wait(self) -> Response:
        """Where the report is; while it is being rendered the page asks again every 2 s."""
        state = self.find(False)[1].state
        label = str(self.args["fmt"]).upper()
        pages = {name: self._url(name) for name in ("file", "retry", "wait")}
        page = render_template(self.template, label=label, state=state, pages=pages, **self.args)
        response = FlaskResponse(page, headers={"Cache-Control": "no-store"})
        if state in ("queued", "started"):
            response.headers["Refresh"] = str(REFRESH_SECONDS)  # polling without script (CSP)
        return response

    def status(self) -> Response:
        """The report's state as JSON: state, ready, and the file's address once it is ready."""
        state = self.find(False)[1]
        download = self._url("file") if state.ready else None
        return jsonify(state=state.state, ready=state.ready, download=download)

    def file(self) -> Response:
        """The rendered report, whole; when there is none (yet), the state page."""
        key, state = self.find(False)
        body = report_bytes(current_app, key) if state.ready else None
        if body is None:  # not rendered yet, or expired in between: never a partial file
            return redirect(self._url("wait"), 303)
        return self.send(key, body)

    def retry(self) -> Response:
        """Render a failed report again (the form carries the CSRF token)."""
        self.find(True)
        return redirect(self._url("wait"), 303)
