"""What the survey and results views share: the database, the assessment behind a token, and
what the versions of its questionnaire change."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import abort, current_app

from assessment.content.library import build_questionnaire
from assessment.content.model import Dimension, Question, Questionnaire
from assessment.engine.answers import Response
from assessment.engine.migration import Change, KeptNote
from assessment.engine.reading import Timing

from ..catalog import library
from ..db import Database
from ..i18n import current_lang
from ..reading import respondent_timing
from ..store import (
    Record,
    find_assessment,
    finished_questionnaire,
    invitation_closed,
    stored_notes,
    stored_responses,
)


@dataclass(frozen=True)
class Current:
    """The assessment a request is about, with its questionnaire and stored answers."""

    token: str
    record: Record
    questionnaire: Questionnaire
    responses: dict[str, Response]

    # The respondent is asked only their role's questions (an invitation's role in a round, the
    # role chosen at the start of a self-assessment; every question without a role): the pages,
    # the progress counts, the review and the finish all count these, never the questionnaire's.
    @property
    def role(self) -> str | None:
        return self.record.role or None

    @property
    def questions(self) -> tuple[Question, ...]:
        """The questions this respondent is asked."""
        return self.questionnaire.questions_for(self.role)

    def questions_in(self, dimension: Dimension) -> tuple[Question, ...]:
        """The questions of a dimension this respondent is asked."""
        return self.questionnaire.dimension_questions(dimension, self.role)

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions with at least one question this respondent is asked (their sections)."""
        return tuple(d for d in self.questionnaire.dimensions if self.questions_in(d))

    def answered_in(self, dimension_id: str) -> int:
        """How many of the dimension's questions this respondent is asked have an answer."""
        dim = self.questionnaire.dimension(dimension_id)
        return sum(q.id in self.responses for q in self.questions_in(dim)) if dim else 0

    @property
    def answered(self) -> int:
        """How many of the questions this respondent is asked have an answer."""
        return sum(q.id in self.responses for q in self.questions)


def database() -> Database:
    """The app's database."""
    db: Database = current_app.extensions["tqm_db"]
    return db


def load_current(token: str) -> Current:
    """The assessment of a resume token, or 404 (the same for malformed and unknown tokens)."""
    with database().transaction() as session:
        record = find_assessment(session, token)
        if record is None:
            abort(404)
        responses = stored_responses(session, record.id)
        if invitation_closed(session, record.id):
            abort(410)
        # An assessment continues on the version it was started on, whatever is installed since;
        # a finished one keeps the questionnaire it was finished with, even if that is gone.
        questionnaire = library().find(record.questionnaire_id, record.questionnaire_version)
        stored = finished_questionnaire(session, record.id) if questionnaire is None else None
    if stored is not None:
        questionnaire = build_questionnaire(json.loads(stored), "stored")
    if questionnaire is None:
        abort(404)
    return Current(token, record, questionnaire, responses)


def current_timing(current: Current) -> Timing | None:
    """How long the respondent took over their answers (None when the pages were not timed)."""
    with database().transaction() as session:
        return respondent_timing(
            session, current.record.id, current.questionnaire, current.role, current.responses
        )


def newer_version(current: Current) -> Questionnaire | None:
    """The latest version of the assessment's questionnaire, when it is later than the one the
    assessment is on and the assessment is not finished (a finished one never changes)."""
    latest = library().questionnaires.get(current.record.questionnaire_id)
    if current.record.finished or latest is None:
        return None
    return latest if latest.version > current.questionnaire.version else None


@dataclass(frozen=True)
class NoteRow:
    """An answer kept as a note, as the overview shows it."""

    question: str  # the question's text in the version it was asked in (its id when unknown)
    kept: KeptNote


def kept_notes(current: Current, lang: str | None = None) -> list[NoteRow]:
    """The answers kept as notes when the assessment moved to a later version."""
    with database().transaction() as session:
        notes = stored_notes(session, current.record.id)
    lang = lang or current_lang()
    rows = []
    for kept in notes:
        asked = library().find(current.record.questionnaire_id, kept.from_version)
        text = (
            asked.question(kept.question).text.get(lang)
            if asked and kept.question in asked.question_ids
            else kept.question
        )
        rows.append(NoteRow(text, kept))
    return rows


CHANGE_ORDER = ("added", "removed", "reworded", "renamed", "split", "merged", "rescaled")


def change_groups(
    changes: Sequence[Change], versions: Mapping[int, Questionnaire]
) -> dict[str, list[str]]:
    """The question texts a move changes, by kind of change (English texts are keyed by kind;
    the template names each kind in the interface language)."""
    lang = current_lang()
    groups: dict[str, list[str]] = {kind: [] for kind in CHANGE_ORDER}
    for change in changes:
        version = change.from_version if change.kind == "removed" else change.to_version
        q = versions[version]
        text = (
            q.question(change.question).text.get(lang)
            if change.question in q.question_ids
            else change.question
        )
        if text not in groups[change.kind]:
            groups[change.kind].append(text)
    return {kind: texts for kind, texts in groups.items() if texts}
