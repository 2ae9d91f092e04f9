"""A round's export (XLSX and JSON), on the consultant audits' blueprint: tenant-scoped like every
audits view (another consultancy's round answers 404)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.utils import secure_filename
from werkzeug.wrappers import Response

from .. import rounds as store
from ..catalog import framework_of
from ..i18n import current_lang, role_labels
from ..round_export import export_document, export_result, export_workbook
from .audits import _outcome, _questionnaire, _round, audits
from .common import database

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(round_id: int) -> tuple[dict[str, Any], Any, str]:
    """The export document, the questionnaire and a file name for the round."""
    lang = current_lang()
    with database().transaction() as db:
        found, client = _round(db, round_id)
        questionnaire = _questionnaire(found)
        frozen = store.frozen(db, found.id, lang)
        outcome = None if frozen else _outcome(db, found, client, lang)
        document = export_document(db, found, client, questionnaire, export_result(frozen, outcome))
        name = secure_filename(f"{client.name}_{found.title}_{lang}") or "round"
    return document, questionnaire, name


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    headers = {  # respondents' answers: never kept in a shared cache
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }
    return Response(body, mimetype=mimetype, headers=headers)


@audits.get("/rounds/<int:round_id>/export.xlsx")
def export_xlsx(round_id: int) -> Response:
    """The whole round as a workbook: summary, one sheet per role shown, reconciliation log."""
    document, questionnaire, name = _export(round_id)
    body = export_workbook(
        document, questionnaire, current_lang(), role_labels([framework_of(questionnaire)])
    )
    return _download(body, XLSX, f"{name}.xlsx")


@audits.get("/rounds/<int:round_id>/export.json")
def export_json(round_id: int) -> Response:
    """The whole round as JSON (`tqm-round-export/1`), anonymised as the round says."""
    document, _questionnaire_used, name = _export(round_id)
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"{name}.json")
