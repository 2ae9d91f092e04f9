"""Reading and writing assessments and answers (inside a transaction the caller opens).

Concurrency: each question of an assessment has one row; a page submit upserts the page's answers
in one transaction, so two tabs saving the same question leave the later write ("last write wins",
per question). Questions a submit does not answer are left as they were.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response

from .models import Answer, Assessment, Invitation, Round, utcnow

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
    return Record(
        row.id, row.questionnaire_id, row.questionnaire_version, row.organisation, row.role
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
