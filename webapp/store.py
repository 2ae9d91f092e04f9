"""Reading and writing assessments and answers (inside a transaction the caller opens).

Concurrency: each question of an assessment has one row; a page submit upserts the page's answers
in one transaction, so two tabs saving the same question leave the later write ("last write wins",
per question). Questions a submit does not answer are left as they were.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response
from assessment.engine.migration import KeptNote

from .models import (
    Answer,
    Assessment,
    AssessmentNote,
    FinishedAssessment,
    FinishedResult,
    Invitation,
    Round,
    utcnow,
)

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 bits, 43 characters
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class Record:
    """An assessment as the views see it (detached from the database session)."""

    id: int
    questionnaire_id: str
    questionnaire_version: int
    organisation: str
    role: str | None
    finished: bool = False


def token_hash(token: str) -> str:
    """The SHA-256 (hex) stored in place of a resume token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_assessment(
    session: Session, questionnaire: Questionnaire, organisation: str, role: str | None
) -> str:
    """Store a new assessment; return its resume token (shown once, never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = Assessment(
        token_hash=token_hash(token),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        organisation=organisation,
        role=role or None,
    )
    session.add(row)
    session.flush()
    return token


def find_assessment(session: Session, token: str) -> Record | None:
    """The assessment of a resume token, or None (malformed tokens never reach the database)."""
    if not TOKEN_PATTERN.match(token):
        return None
    row = session.scalar(select(Assessment).where(Assessment.token_hash == token_hash(token)))
    if row is None:
        return None
    finished = session.get(FinishedAssessment, row.id) is not None
    return Record(
        row.id,
        row.questionnaire_id,
        row.questionnaire_version,
        row.organisation,
        row.role,
        finished,
    )


def stored_responses(session: Session, assessment_id: int) -> dict[str, Response]:
    """Every stored answer of an assessment, by question id."""
    rows = session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
    return {
        row.question_id: Response(row.value, row.status, row.evidence, row.note) for row in rows
    }


def save_responses(session: Session, assessment_id: int, responses: Mapping[str, Response]) -> None:
    """Upsert the answers (last write wins per question) and touch the assessment."""
    if not responses:
        return
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Answer.__table__).values(_rows(assessment_id, responses, now))
    changed = {c: stmt.excluded[c] for c in ("status", "value", "evidence", "note", "updated_at")}
    session.execute(
        stmt.on_conflict_do_update(index_elements=["assessment_id", "question_id"], set_=changed)
    )
    session.execute(update(Assessment).where(Assessment.id == assessment_id).values(updated_at=now))


def _rows(
    assessment_id: int, responses: Mapping[str, Response], now: datetime
) -> list[dict[str, object]]:
    return [
        {"assessment_id": assessment_id, "question_id": qid, "status": r.status, "value": r.value,
         "evidence": r.evidence, "note": r.note, "updated_at": now}
        for qid, r in responses.items()
    ]  # fmt: skip


def invitation_closed(session: Session, assessment_id: int) -> bool:
    """Whether the assessment is a round's invitation that no longer takes answers.

    That is: the consultant withdrew it, it expired, or its round is signed off.
    """
    row = session.scalar(select(Invitation).where(Invitation.assessment_id == assessment_id))
    if row is None:
        return False
    if row.revoked or session.get(Round, row.round_id).status != "open":  # type: ignore[union-attr]
        return True
    if row.expires_at is None:
        return False
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return expires < utcnow()


# --- versions: moving an assessment to a later questionnaire version -------------------------


def lock_assessment(session: Session, assessment_id: int) -> tuple[int, bool] | None:
    """Its questionnaire version and whether it is finished, the row locked for this transaction
    (SQLite transactions hold the write lock from their start already)."""
    version = session.scalar(
        select(Assessment.questionnaire_version)
        .where(Assessment.id == assessment_id)
        .with_for_update()
    )
    if version is None:
        return None
    return version, session.get(FinishedAssessment, assessment_id) is not None


def replace_responses(
    session: Session,
    assessment_id: int,
    version: int,
    responses: Mapping[str, Response],
    notes: Sequence[KeptNote],
) -> None:
    """Store an assessment's answers to another questionnaire version (inside the caller's
    transaction): the answers replaced, the notes kept, the version changed."""
    now = utcnow()
    session.execute(delete(Answer).where(Answer.assessment_id == assessment_id))
    if responses:
        session.execute(insert(Answer), _rows(assessment_id, responses, now))
    if notes:
        session.execute(insert(AssessmentNote), [_note_row(assessment_id, n, now) for n in notes])
    session.execute(
        update(Assessment)
        .where(Assessment.id == assessment_id)
        .values(questionnaire_version=version, updated_at=now)
    )


def _note_row(assessment_id: int, kept: KeptNote, now: datetime) -> dict[str, object]:
    r = kept.response
    return {"assessment_id": assessment_id, "question_id": kept.question,
            "from_version": kept.from_version, "reason": kept.reason[:300], "status": r.status,
            "value": r.value, "evidence": r.evidence, "note": r.note, "created_at": now}  # fmt: skip


def stored_notes(session: Session, assessment_id: int) -> list[KeptNote]:
    """The answers kept as notes when the assessment moved to a later version, oldest first."""
    rows = session.scalars(
        select(AssessmentNote)
        .where(AssessmentNote.assessment_id == assessment_id)
        .order_by(AssessmentNote.id)
    )
    return [
        KeptNote(
            r.question_id, r.from_version, r.reason, Response(r.value, r.status, r.evidence, r.note)
        )
        for r in rows
    ]


# --- finished assessments: their result documents, stored once --------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What finishing stores: the scoring inputs and the result document in each language."""

    questionnaire_version: int
    pack_id: str
    pack_version: str
    pack_sha256: str
    questionnaire: str  # JSON
    answers: str  # JSON
    documents: Mapping[str, tuple[str, str]]  # lang -> (result JSON, action titles JSON)


def store_finished(session: Session, assessment_id: int, snapshot: Snapshot) -> None:
    """Mark the assessment finished and keep its results (inside the caller's transaction)."""
    s = snapshot
    session.add(
        FinishedAssessment(
            assessment_id=assessment_id, questionnaire_version=s.questionnaire_version,
            pack_id=s.pack_id, pack_version=s.pack_version, pack_sha256=s.pack_sha256,
            questionnaire=s.questionnaire, answers=s.answers, finished_at=utcnow(),
        )
    )  # fmt: skip
    session.flush()
    for lang, (document, actions) in s.documents.items():
        session.add(
            FinishedResult(
                assessment_id=assessment_id, lang=lang, document=document, actions=actions
            )
        )


def finished_documents(
    session: Session, assessment_id: int, lang: str
) -> tuple[str, str, str, str] | None:
    """A finished assessment's (result JSON, action titles JSON, questionnaire JSON, answers
    JSON) in a language, or None when it is not finished."""
    row = session.execute(
        select(
            FinishedResult.document,
            FinishedResult.actions,
            FinishedAssessment.questionnaire,
            FinishedAssessment.answers,
        )
        .join(FinishedAssessment)
        .where(FinishedResult.assessment_id == assessment_id, FinishedResult.lang == lang)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


def finished_questionnaire(session: Session, assessment_id: int) -> str | None:
    """The questionnaire (JSON, its file format) a finished assessment was scored with."""
    return session.scalar(
        select(FinishedAssessment.questionnaire).where(
            FinishedAssessment.assessment_id == assessment_id
        )
    )
