"""Database tables: an assessment (one respondent's answers to one questionnaire version), its answers,
the notes kept when it moved to a later version, and the stored results of a finished one.

The schema is created and changed only by the Alembic migrations in webapp/migrations; a test
checks that these models and the migrations agree.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
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


class PageTime(Base):
    """When one survey page (a dimension) of an assessment was shown and saved, and the seconds
    between each showing and the save that followed it, summed (webapp/reading.py)."""

    __tablename__ = "page_times"

    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    dimension_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    shown_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


# --- consultant audits: tenants, accounts, clients, rounds, invitations, reconciliation -------


class Consultancy(Base):
    """A tenant: its consultants see only its clients."""

    __tablename__ = "consultancies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Consultant(Base):
    """A person who signs in; belongs to one consultancy."""

    __tablename__ = "consultants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultancy_id: Mapped[int] = mapped_column(
        ForeignKey("consultancies.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    # Raised on sign-out everywhere and on a password change: old session cookies stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    """A consultant's token for the rounds API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultant_id: Mapped[int] = mapped_column(
        ForeignKey("consultants.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PasswordReset(Base):
    """A one-time password-reset link issued by command; only the token's SHA-256 is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultant_id: Mapped[int] = mapped_column(
        ForeignKey("consultants.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Client(Base):
    """An organisation a consultancy audits."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    consultancy_id: Mapped[int] = mapped_column(
        ForeignKey("consultancies.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(Integer, nullable=True)  # people; feeds the roadmap
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Round(Base):
    """One round of assessment of a client: a questionnaire version, respondents by role."""

    __tablename__ = "rounds"
    __table_args__ = (CheckConstraint("status IN ('open', 'signed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[str] = mapped_column(String(100))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    min_group: Mapped[int] = mapped_column(Integer, default=3)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    targets: Mapped[str] = mapped_column(Text, default="{}")  # JSON: dimension -> index
    status: Mapped[str] = mapped_column(String(10), default="open")
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    signed_by: Mapped[int | None] = mapped_column(
        ForeignKey("consultants.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Invitation(Base):
    """A respondent's private link into a round: one assessment, with its role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")  # empty in anonymous rounds
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgreedAnswer(Base):
    """The value a consultant agreed for an item after reconciliation (originals unchanged)."""

    __tablename__ = "agreed_answers"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who changed what in a round, when, from what to what, and why."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    consultant_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultants.id", ondelete="SET NULL"), nullable=True
    )
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FrozenResult(Base):
    """A signed-off round's result document in one language: it renders the same forever."""

    __tablename__ = "frozen_results"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(5), primary_key=True)
    document: Mapped[str] = mapped_column(Text)  # the tqm-result/1 JSON


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
