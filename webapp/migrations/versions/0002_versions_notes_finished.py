"""Questionnaire versions: notes kept when an assessment moves to a later version, and the stored
results of finished assessments (so they render the same whatever content is installed later).

Existing assessments keep their questionnaire version and answers; none is finished yet.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the notes, finished assessments and finished results tables."""
    op.create_table(
        "assessment_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=200), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'value') = (value IS NOT NULL)",
            name=op.f("ck_assessment_notes_value_iff_status"),
        ),
        sa.CheckConstraint(
            "status IN ('value', 'na', 'unknown')", name=op.f("ck_assessment_notes_status")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_notes_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_notes")),
    )
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_notes_assessment_id"), ["assessment_id"], unique=False
        )

    op.create_table(
        "finished_assessments",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("pack_id", sa.String(length=100), nullable=False),
        sa.Column("pack_version", sa.String(length=40), nullable=False),
        sa.Column("pack_sha256", sa.String(length=64), nullable=False),
        sa.Column("questionnaire", sa.Text(), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_finished_assessments_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_finished_assessments")),
    )
    op.create_table(
        "finished_results",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["finished_assessments.assessment_id"],
            name=op.f("fk_finished_results_assessment_id_finished_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", "lang", name=op.f("pk_finished_results")),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("finished_results")
    op.drop_table("finished_assessments")
    with op.batch_alter_table("assessment_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_notes_assessment_id"))

    op.drop_table("assessment_notes")
