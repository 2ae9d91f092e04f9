"""The blueprints: pages (start, language), survey (answering), results (and downloads), the\nreport queue (reports rendered by workers), api, audits (consultants' clients and rounds)."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint to the app."""
    from . import audit_exports, round_reports  # noqa: F401  # their routes join `audits`
    from .api import api
    from .audits import audits
    from .batch_uploads import batch_uploads
    from .pages import pages
    from .report_queue import report_queue
    from .results import results
    from .rounds_api import rounds_api
    from .survey import survey

    for blueprint in (pages, survey, results, report_queue, api, audits, batch_uploads, rounds_api):
        app.register_blueprint(blueprint)
