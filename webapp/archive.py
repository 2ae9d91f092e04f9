"""Finished assessments: their results computed once, stored, and shown the same ever after.

An assessment is finished when the respondent presses "Finish" on the review page with every
required question answered. At that moment the result document is stored for every interface
language, with the questionnaire version, the rule pack's version and sha256, the questionnaire
itself (its file format) and the answers it was computed from. Its results page and its PDF, XLSX
and JSON downloads are then rendered from what was stored, so installing later questionnaire
versions or rule packs never changes them; its answers can no longer be changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from assessment.content.library import Library, build_questionnaire
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.source import Document

from .answering import answers_document
from .catalog import library, questionnaire_data
from .i18n import LANGUAGES
from .reading import timed
from .store import Snapshot, finished_documents, store_finished
from .views.common import Current, current_timing, database


@dataclass(frozen=True)
class Archived:
    """What a finished assessment's pages and downloads are rendered from."""

    result: Result
    answers: AnswerSet
    actions: dict[str, str]  # action id -> title in the language of `result`


def finish(current: Current) -> None:
    """Compute the results in every language and store them; the assessment is then finished.

    Raises ProblemsFound when the answers cannot be scored (nothing is stored then).
    """
    record, questionnaire = current.record, current.questionnaire
    document = answers_document(record, questionnaire, current.responses)
    answers = parse_answers(Document("assessment", document), library())
    pack = library().pack_for(questionnaire.id, questionnaire.version)
    result = timed(assess(answers, library(), langs=LANGUAGES), [current_timing(current)])
    documents = {}
    for lang in LANGUAGES:
        titles = {a.id: a.title.get(lang) for a in pack.actions.values()}
        documents[lang] = (_json(result.to_document(lang)), _json(titles))
    snapshot = Snapshot(
        questionnaire.version,
        pack.id,
        pack.version,
        pack.sha256,
        _json(questionnaire_data(questionnaire)),
        _json(document),
        documents,
    )
    with database().transaction() as session:
        store_finished(session, record.id, snapshot)


def archived(current: Current, lang: str) -> Archived | None:
    """The stored results of a finished assessment in a language; None when it is not finished."""
    if not current.record.finished:
        return None
    with database().transaction() as session:
        found = finished_documents(session, current.record.id, lang)
    if found is None:
        return None
    result, actions, questionnaire_json, answers_json = found
    questionnaire = build_questionnaire(json.loads(questionnaire_json), "stored")
    # the stored version only, named by its framework (that of the pack scoring it, or the
    # content's only one when the questionnaire is no longer served)
    framework = library().framework_of(questionnaire)
    own = Library({questionnaire.id: questionnaire}, {}, frameworks={framework.id: framework})
    answers = parse_answers(Document("stored", json.loads(answers_json)), own)
    stored = Result.from_document(json.loads(result), framework)
    return Archived(stored, answers, json.loads(actions))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=False)


def action_titles(current: Current, lang: str) -> dict[str, str]:
    """Action titles for the results page: as stored when finished, else from the rule pack."""
    stored = archived(current, lang)
    if stored is not None:
        return stored.actions
    pack = library().pack_for(current.questionnaire.id, current.questionnaire.version)
    return {a.id: a.title.get(lang) for a in pack.actions.values()}
