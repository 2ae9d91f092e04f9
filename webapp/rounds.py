"""Consultant audits in the database: clients, rounds, invitations, agreed answers, sign-off.

Every read goes through the consultancy (tenant) of the signed-in consultant: `client_of` and
`round_of` return None for another consultancy's ids, which the views turn into 404, so a
consultant can neither see nor guess what belongs to another tenant. The caller opens the
transaction (`Database.transaction()`), as in store.py.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response, parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.reading import Timing
from assessment.engine.statistics import beyond_tolerance
from assessment.io.source import Document

from .answering import raw_answer
from .catalog import library
from .models import (
    AgreedAnswer,
    Answer,
    AuditEvent,
    Client,
    FrozenResult,
    Invitation,
    Round,
    utcnow,
)
from .reading import respondent_timing, timed
from .store import create_assessment, find_assessment, stored_responses

MAX_INVITATIONS = 500  # per request: the work of one request stays bounded


@dataclass(frozen=True)
class RoleProgress:
    """How far the respondents of one role are."""

    role: str
    invited: int
    started: int
    finished: int


@dataclass(frozen=True)
class Spread:
    """An item whose respondents disagree: the values they gave."""

    question_id: str
    values: tuple[float, ...]

    @property
    def range(self) -> float:
        return max(self.values) - min(self.values)


# --- tenant-scoped lookups --------------------------------------------------------------------


def client_of(db: Session, consultancy_id: int, client_id: int) -> Client | None:
    """The client, if it belongs to the consultancy."""
    client = db.get(Client, client_id)
    return client if client is not None and client.consultancy_id == consultancy_id else None


def round_of(db: Session, consultancy_id: int, round_id: int) -> Round | None:
    """The round, if its client belongs to the consultancy."""
    found = db.get(Round, round_id)
    if found is None or client_of(db, consultancy_id, found.client_id) is None:
        return None
    return found


def clients(db: Session, consultancy_id: int) -> Sequence[Client]:
    """The consultancy's clients, by name."""
    query = select(Client).where(Client.consultancy_id == consultancy_id).order_by(Client.name)
    return db.scalars(query).all()


def rounds(db: Session, client_id: int) -> Sequence[Round]:
    """A client's rounds, oldest first."""
    query = select(Round).where(Round.client_id == client_id).order_by(Round.created_at, Round.id)
    return db.scalars(query).all()


# --- invitations and progress -----------------------------------------------------------------


def invite(
    db: Session,
    found: Round,
    client: Client,
    questionnaire: Questionnaire,
    people: Sequence[tuple[str, str]],
    expires: datetime | None = None,
) -> list[tuple[Invitation, str]]:
    """One invitation (and assessment) per (role, name); returns each with its token, shown once."""
    out = []
    for role, name in people[:MAX_INVITATIONS]:
        token = create_assessment(db, questionnaire, client.name, role)
        record = find_assessment(db, token)
        assert record is not None  # just created in this transaction
        invitation = Invitation(
            round_id=found.id,
            assessment_id=record.id,
            role=role,
            name="" if found.anonymous else name,
            expires_at=expires,
        )
        db.add(invitation)
        out.append((invitation, token))
    db.flush()
    return out


def invitations(db: Session, round_id: int) -> Sequence[Invitation]:
    """A round's invitations, in the order they were made."""
    query = select(Invitation).where(Invitation.round_id == round_id).order_by(Invitation.id)
    return db.scalars(query).all()


def progress(
    db: Session, round_id: int, questionnaire: Questionnaire
) -> tuple[list[RoleProgress], dict[int, str]]:
    """Invited / started / finished per role, and each invitation's state by id (a query, and
    one per role: a respondent has finished when every question their role is asked that is
    required has an answer)."""
    rows = invitations(db, round_id)
    answered = _counts(db, [r.assessment_id for r in rows], None)
    required: dict[str, list[str]] = {}
    complete: dict[int, int] = {}
    for role in sorted({r.role for r in rows}):
        asked = [q.id for q in questionnaire.questions_for(role) if q.required]
        required[role] = asked
        complete |= _counts(db, [r.assessment_id for r in rows if r.role == role], asked)
    state: dict[int, str] = {}
    for row in rows:
        if row.revoked:
            state[row.id] = "revoked"
        elif complete.get(row.assessment_id, 0) == len(required[row.role]):
            state[row.id] = "finished"
        else:
            state[row.id] = "started" if answered.get(row.assessment_id) else "invited"
    return _by_role(rows, state), state


def _counts(
    db: Session, assessments: Sequence[int], questions: Sequence[str] | None
) -> dict[int, int]:
    """Stored answers per assessment (only to `questions`, when given)."""
    query = select(Answer.assessment_id, func.count()).where(Answer.assessment_id.in_(assessments))
    if questions is not None:
        query = query.where(Answer.question_id.in_(questions))
    return {int(a): int(n) for a, n in db.execute(query.group_by(Answer.assessment_id))}


def _by_role(rows: Sequence[Invitation], state: Mapping[int, str]) -> list[RoleProgress]:
    roles = sorted({row.role for row in rows})
    out = []
    for role in roles:
        mine = [state[r.id] for r in rows if r.role == role and state[r.id] != "revoked"]
        finished = mine.count("finished")
        out.append(RoleProgress(role, len(mine), finished + mine.count("started"), finished))
    return out


def finished_responses(
    db: Session, round_id: int, state: Mapping[int, str]
) -> list[tuple[Invitation, dict[str, Response]]]:
    """The answers of every finished respondent."""
    return [
        (row, stored_responses(db, row.assessment_id))
        for row in invitations(db, round_id)
        if state.get(row.id) == "finished"
    ]


# --- answers documents for the library ----------------------------------------------------------


def round_document(
    found: Round,
    client: Client,
    respondents: Sequence[tuple[Invitation, Mapping[str, Response]]],
) -> dict[str, Any]:
    """Every finished respondent as one answers document (the same format as the files)."""
    responses = [
        {
            "respondent": {"id": f"i{row.id}", "role": row.role},
            "answers": {qid: raw_answer(r) for qid, r in answers.items()},
        }
        for row, answers in respondents
    ]
    return {
        "questionnaire": f"{found.questionnaire_id}@{found.questionnaire_version}",
        "organisation": client.name,
        "responses": responses,
        "target": json.loads(found.targets or "{}"),
    }


def agreed_document(
    self_assessed: Mapping[str, Any], agreed: Mapping[str, AgreedAnswer]
) -> dict[str, Any]:
    """The respondents' answers with every reconciled item set to its agreed value.

    Each respondent's answer to a reconciled item is replaced (so the item's mean is the agreed
    value and the roles' profiles stay); the agreed evidence and note go with the first one.
    """
    responses = []
    for number, response in enumerate(self_assessed["responses"]):
        answers = dict(response["answers"])
        for qid, row in agreed.items():
            entry: dict[str, Any] = {"value": _plain(row.value)}
            if number == 0:
                entry.update(
                    {k: v for k, v in (("evidence", row.evidence), ("note", row.note)) if v}
                )
            answers[qid] = entry
        responses.append({**response, "answers": answers})
    return {**self_assessed, "responses": responses}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def spreads(document: Mapping[str, Any]) -> list[Spread]:
    """Items whose respondents disagree beyond the consensus tolerance, widest first."""
    values: dict[str, list[float]] = {}
    for response in document["responses"]:
        for qid, raw in response["answers"].items():
            value = raw["value"] if isinstance(raw, dict) else raw
            if isinstance(value, int | float):
                values.setdefault(qid, []).append(float(value))
    found = [Spread(qid, tuple(v)) for qid, v in values.items() if len(v) > 1]
    wide = [s for s in found if beyond_tolerance(s.values)]  # the engine's one definition
    return sorted(wide, key=lambda s: (-s.range, s.question_id))


def round_outcome(
    db: Session, found: Round, client: Client, questionnaire: Questionnaire, lang: str
) -> dict[str, Any] | None:
    """Self-assessed and agreed results of the finished respondents; None below the minimum.

    Roles with fewer respondents than the round's smallest group are listed in `hidden_roles`:
    pages and exports never show their profile on its own.
    """
    _by_role, state = progress(db, found.id, questionnaire)
    respondents = finished_responses(db, found.id, state)
    if len(respondents) < found.min_group:
        return None
    document = round_document(found, client, respondents)
    agreed = agreed_answers(db, found.id)
    timings = [
        respondent_timing(db, row.assessment_id, questionnaire, row.role, answers)
        for row, answers in respondents
    ]
    own = _assess(Document("round", document), lang, timings)
    # the agreed result rests on the same answers wherever no value was agreed: it says so too
    verdict = _assess(Document("agreed", agreed_document(document, agreed)), lang, timings)
    hidden = {role for role, n in own["respondents"]["by_role"].items() if n < found.min_group}
    return {
        "self": own,
        "agreed": verdict,
        "spreads": spreads(document),
        "agreed_items": agreed,
        "hidden_roles": hidden,
        "count": len(respondents),
    }


def visible(result: Mapping[str, Any], hidden: set[str]) -> dict[str, Any]:
    """A result without the per-role figures of groups too small to stay anonymous."""
    dimensions = {
        dim: {**scores, "by_role": {r: v for r, v in scores["by_role"].items() if r not in hidden}}
        for dim, scores in result["dimensions"].items()
    }
    return {**result, "dimensions": dimensions}


def _assess(document: Document, lang: str, timings: Sequence[Timing | None] = ()) -> dict[str, Any]:
    """The result document; with the respondents' page timings, the reading-time finding too."""
    result = assess(parse_answers(document, library()), library(), langs=(lang,))
    return timed(result, timings).to_document(lang)


# --- reconciliation, sign-off, trend ------------------------------------------------------------


def agreed_answers(db: Session, round_id: int) -> dict[str, AgreedAnswer]:
    """The agreed values of a round, by question id."""
    rows = db.scalars(select(AgreedAnswer).where(AgreedAnswer.round_id == round_id))
    return {row.question_id: row for row in rows}


def agree(
    db: Session,
    found: Round,
    question_id: str,
    entry: tuple[float, str, str],
    consultant_id: int,
) -> None:
    """Record the agreed value, evidence and note of an item, and log the change."""
    value, evidence, note = entry
    row = db.get(AgreedAnswer, (found.id, question_id))
    before = "" if row is None else _format(row.value)
    if row is None:
        row = AgreedAnswer(round_id=found.id, question_id=question_id, value=value)
        db.add(row)
    row.value, row.evidence, row.note, row.updated_at = value, evidence, note, utcnow()
    log(db, found.id, consultant_id, "agree", question_id, before, _format(value), note)


def _format(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def log(
    db: Session,
    round_id: int,
    consultant_id: int | None,
    action: str,
    subject: str,
    change: tuple[str, str] | str = "",
    after: str = "",
    reason: str = "",
) -> None:
    """One line of the round's audit log."""
    before = change if isinstance(change, str) else change[0]
    db.add(
        AuditEvent(
            round_id=round_id,
            consultant_id=consultant_id,
            action=action,
            subject=subject,
            before=before,
            after=after,
            reason=reason,
        )
    )


def audit_log(db: Session, round_id: int) -> Sequence[AuditEvent]:
    """The round's audit log, oldest first."""
    query = select(AuditEvent).where(AuditEvent.round_id == round_id).order_by(AuditEvent.id)
    return db.scalars(query).all()


def sign_off(
    db: Session, found: Round, documents: Mapping[str, Mapping[str, Any]], consultant_id: int
) -> None:
    """Freeze the round: its result documents (one per language) are stored for good."""
    for lang, document in documents.items():
        db.add(FrozenResult(round_id=found.id, lang=lang, document=json.dumps(document)))
    found.status, found.signed_at, found.signed_by = "signed", utcnow(), consultant_id
    log(db, found.id, consultant_id, "sign_off", found.title, "open", "signed")


def frozen(db: Session, round_id: int, lang: str) -> dict[str, Any] | None:
    """A signed-off round's result document in a language."""
    row = db.get(FrozenResult, (round_id, lang))
    return None if row is None else dict(json.loads(row.document))


def deadline_passed(found: Round, now: datetime) -> bool:
    """Whether the round's deadline is behind us."""
    if found.deadline is None:
        return False
    deadline = (
        found.deadline if found.deadline.tzinfo else found.deadline.replace(tzinfo=now.tzinfo)
    )
    return deadline < now
