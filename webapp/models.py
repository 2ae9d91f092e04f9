"""Database tables: an assessment (one respondent's answers to one questionnaire version), its answers,
the notes kept when it moved to a later version, and the stored results of a finished one.

The schema is created and changed only by the Alembic migrations in webapp/migrations; a test
checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Assessment(Base):
    """One respondent's run through a questionnaire, reached only through its private link."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 (hex) of the resume token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Answer(Base):
    """The latest answer to one question of an assessment (last write wins)."""

    __tablename__ = "answers"
    __table_args__ = (
        CheckConstraint("status IN ('value', 'na', 'unknown')", name="status"),
        CheckConstraint("(status = 'value') = (value IS NOT NULL)", name="value_iff_status"),
    )

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentNote(Base):
    """An answer an earlier questionnaire version held that moving to a later one could not carry
    over (a removed question, a value off the new scale): kept on the assessment, never dropped."""

    __tablename__ = "assessment_notes"
    __table_args__ = (
        CheckConstraint("status IN ('value', 'na', 'unknown')", name="status"),
        CheckConstraint("(status = 'value') = (value IS NOT NULL)", name="value_iff_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(200))
    from_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FinishedAssessment(Base):
    """What a finished assessment was scored with, kept so its results never change afterwards:
    the questionnaire (its file format) and the answers document it was computed from."""

    __tablename__ = "finished_assessments"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    pack_id: Mapped[str] = mapped_column(String(100))
    pack_version: Mapped[str] = mapped_column(String(40))
    pack_sha256: Mapped[str] = mapped_column(String(64))
    questionnaire: Mapped[str] = mapped_column(Text)  # JSON, questionnaire.schema.json
    answers: Mapped[str] = mapped_column(Text)  # JSON, answers.schema.json
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FinishedResult(Base):
    """A finished assessment's result document in one interface language, as it was shown."""

    __tablename__ = "finished_results"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("finished_assessments.assessment_id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(10), primary_key=True)
    document: Mapped[str] = mapped_column(Text)  # JSON, result.schema.json (tqm-result/1)
    actions: Mapped[str] = mapped_column(Text)  # JSON: action id -> title, for the results page
