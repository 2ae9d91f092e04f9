"""What the survey and results views share: the database, and the assessment behind a token."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app

from assessment.content.model import Questionnaire
from assessment.engine.answers import Response

from ..catalog import library
from ..db import Database
from ..store import Record, find_assessment, invitation_closed, stored_responses


@dataclass(frozen=True)
class Current:
    """The assessment a request is about, with its questionnaire and stored answers."""

    token: str
    record: Record
    questionnaire: Questionnaire
    responses: dict[str, Response]

    def answered_in(self, dimension_id: str) -> int:
        """How many questions of a dimension have an answer."""
        dim = self.questionnaire.dimension(dimension_id)
        return sum(q.id in self.responses for q in dim.questions) if dim else 0

    @property
    def answered(self) -> int:
        """How many questions have an answer."""
        return sum(q.id in self.responses for q in self.questionnaire.questions)


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
    questionnaire = library().questionnaires.get(record.questionnaire_id)
    if questionnaire is None:
        abort(404)
    return Current(token, record, questionnaire, responses)
