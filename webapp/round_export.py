"""A whole round as one export: a JSON document (`tqm-round-export/1`) and a workbook built from it
(a Summary sheet, one sheet per role with each respondent's answers, the Reconciliation log).

Anonymity holds in the export as on the pages: in an anonymous round respondents are numbered,
never named, and ordered by their answers rather than by invitation (so the order in which links
were handed out cannot tell who answered what); a role with fewer finished respondents than the
round's smallest group gets no answers at all, only its counts. Every text cell of the workbook is
written by `text_cell` (never a formula).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.render.xlsx import text_cell

from . import rounds as store
from .answering import raw_answer
from .models import AuditEvent, Client, Consultant, Round

SCHEMA = "tqm-round-export/1"
BOLD = Font(bold=True)


def export_document(
    db: Session,
    found: Round,
    client: Client,
    questionnaire: Questionnaire,
    result: tuple[str, Mapping[str, Any] | None],
) -> dict[str, Any]:
    """The round as data; `result` is its status (signed, provisional, waiting) and document."""
    by_role, state = store.progress(db, found.id, questionnaire)
    finished = store.finished_responses(db, found.id, state)
    counts = {p.role: p.finished for p in by_role}
    shown = [role for role, n in counts.items() if n >= found.min_group]
    status, document = result
    return {
        "schema": SCHEMA,
        "round": _round_facts(found, client),
        "progress": [
            {"role": p.role, "invited": p.invited, "started": p.started, "finished": p.finished}
            for p in by_role
        ],
        "withheld_roles": [role for role in counts if role not in shown],
        "respondents": {role: _respondents(found, finished, role) for role in shown},
        "agreed": {
            qid: {"value": row.value, "evidence": row.evidence, "note": row.note}
            for qid, row in sorted(store.agreed_answers(db, found.id).items())
        },
        "reconciliation": _log(db, store.audit_log(db, found.id)),
        "result_status": status,
        "result": store.visible(document, set(counts) - set(shown)) if document else None,
    }


def export_result(
    frozen: Mapping[str, Any] | None, outcome: Mapping[str, Any] | None
) -> tuple[str, Mapping[str, Any] | None]:
    """The result an export carries: the frozen one once signed off, else the provisional agreed
    one, else none yet (too few have finished)."""
    if frozen is not None:
        return "signed", frozen
    return ("provisional", outcome["agreed"]) if outcome else ("waiting", None)


def _round_facts(found: Round, client: Client) -> dict[str, Any]:
    return {
        "id": found.id,
        "title": found.title,
        "client": client.name,
        "questionnaire": found.questionnaire_id,
        "questionnaire_version": found.questionnaire_version,
        "anonymous": found.anonymous,
        "min_group": found.min_group,
        "status": found.status,
        "deadline": found.deadline.date().isoformat() if found.deadline else None,
        "signed_at": found.signed_at.isoformat() if found.signed_at else None,
    }


def _respondents(found: Round, finished: Sequence[Any], role: str) -> list[dict[str, Any]]:
    """The finished respondents of one role, numbered; named only in a named round."""
    people = [
        (row.name, {qid: raw_answer(r) for qid, r in sorted(answers.items())})
        for row, answers in finished
        if row.role == role
    ]
    if found.anonymous:
        people.sort(key=lambda person: json.dumps(person[1], sort_keys=True))
    out = []
    for number, (name, answers) in enumerate(people, start=1):
        entry: dict[str, Any] = {"respondent": f"{role}-{number}"}
        if not found.anonymous and name:
            entry["name"] = name
        out.append({**entry, "answers": answers})
    return out


def _log(db: Session, events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
    """The audit log with each consultant's e-mail address (who, when, what, from, to, why)."""
    ids = {e.consultant_id for e in events if e.consultant_id is not None}
    query = select(Consultant.id, Consultant.email).where(Consultant.id.in_(ids))
    emails = {int(i): str(email) for i, email in db.execute(query)} if ids else {}
    return [
        {
            "who": emails.get(e.consultant_id, "") if e.consultant_id is not None else "",
            "when": e.at.isoformat(),
            "action": e.action,
            "subject": e.subject,
            "from": e.before,
            "to": e.after,
            "why": e.reason,
        }
        for e in events
    ]


# --- the workbook --------------------------------------------------------------------------------


def export_workbook(
    document: Mapping[str, Any], questionnaire: Questionnaire, lang: str, role_labels: Any
) -> bytes:
    """The export document as XLSX: Summary, one sheet per role shown, Reconciliation log."""
    book = Workbook(write_only=True)
    _summary(book, document, role_labels)
    for role, people in document["respondents"].items():
        _role_sheet(book, str(role_labels[role]), people, questionnaire, lang)
    log = _sheet(book, _("Reconciliation log"), [_("Who"), _("When"), _("Action"), _("Item"),
                                                   _("From"), _("To"), _("Why")])  # fmt: skip
    for e in document["reconciliation"]:
        _append(log, [e["who"], e["when"], e["action"], e["subject"], e["from"], e["to"], e["why"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, header: Sequence[str]) -> Any:
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, h, BOLD) for h in header])
    return sheet


def _append(sheet: Any, values: Sequence[Any]) -> None:
    """A row: numbers stay numbers, every other value is a text cell (never a formula)."""
    sheet.append(
        [v if v is None or isinstance(v, int | float) else text_cell(sheet, str(v)) for v in values]
    )


def _summary(book: Workbook, document: Mapping[str, Any], role_labels: Any) -> None:
    facts, result = document["round"], document["result"]
    sheet = _sheet(book, _("Summary"), [_("Round"), facts["title"]])
    rows: list[list[Any]] = [
        [_("Client"), facts["client"]],
        [_("Questionnaire"), f"{facts['questionnaire']}@{facts['questionnaire_version']}"],
        [_("Anonymous answers"), _("yes") if facts["anonymous"] else _("no")],
        [_("Smallest group shown (respondents)"), facts["min_group"]],
        [_("Status"), _("signed off") if facts["status"] == "signed" else _("open")],
        [_("Result"), _result_status(document["result_status"])],
        [],
        [_("Role"), _("Invited"), _("Started"), _("Finished"), _("Answers in this export")],
    ]
    withheld = set(document["withheld_roles"])
    for p in document["progress"]:
        shown = _("no (fewer than the smallest group)") if p["role"] in withheld else _("yes")
        rows.append([str(role_labels.get(p["role"], p["role"])), p["invited"], p["started"],
                     p["finished"], shown])  # fmt: skip
    if result:
        rows += [[], [_("Dimension"), _("Level"), _("Index")],
                 [_("Overall"), result["overall"]["level"], result["overall"]["index"]]]  # fmt: skip
        rows += [[d["title"], d["level"], d["index"]] for d in result["dimensions"].values()]
    for row in rows:
        _append(sheet, row)


def _result_status(status: str) -> str:
    if status == "signed":
        return str(_("frozen at sign-off"))
    if status == "provisional":
        return str(_("provisional"))
    return str(_("not yet: too few respondents have finished"))


def _role_sheet(
    book: Workbook,
    title: str,
    people: Sequence[Mapping[str, Any]],
    questionnaire: Questionnaire,
    lang: str,
) -> None:
    header = [_("Respondent"), _("Name"), _("Question id"), _("Question"), _("Answer"),
              _("Evidence"), _("Note")]  # fmt: skip
    sheet = _sheet(book, title, header)
    for person in people:
        for qid, raw in person["answers"].items():
            answer = raw if not isinstance(raw, dict) else raw.get("value")
            extra = raw if isinstance(raw, dict) else {}
            text = (
                questionnaire.question(qid).text.get(lang)
                if qid in questionnaire.question_ids
                else ""
            )
            _append(sheet, [person["respondent"], person.get("name", ""), qid, text, answer,
                            extra.get("evidence", ""), extra.get("note", "")])  # fmt: skip
