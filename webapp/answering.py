"""Between HTML forms and the library: read a page's answers, rebuild the answers document.

Every value is checked by the library's own `parse_response`; a page is accepted whole or not at
all (the view stores nothing when `PageSubmit.errors` is not empty).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from assessment.content.library import Library
from assessment.content.model import Question, Questionnaire
from assessment.engine.answers import (
    NA,
    UNKNOWN,
    AnswerSet,
    Response,
    parse_answers,
    parse_response,
)
from assessment.io.source import Document

from .store import Record

MAX_TEXT = 5000  # answers.schema.json: evidence and note are at most 5000 characters
MAX_ORGANISATION = 200  # answers.schema.json: organisation
_NUMBER = re.compile(r"^-?[0-9]{1,6}(\.[0-9]{1,6})?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # PostgreSQL refuses NUL in text


@dataclass(frozen=True)
class Entry:
    """What a question's inputs hold: the chosen value ('' when none), evidence and note."""

    choice: str = ""
    evidence: str = ""
    note: str = ""


@dataclass
class PageSubmit:
    """One submitted page: the inputs as given, the checked answers and any errors by question."""

    entries: dict[str, Entry] = field(default_factory=dict)
    responses: dict[str, Response] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def field_name(part: str, question: Question) -> str:
    """The name of an input of a question: answer-, evidence- or note-<question id>."""
    return f"{part}-{question.id}"


def format_value(value: float) -> str:
    """3.0 -> '3' (how option values appear in forms and documents)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def entry_of(response: Response | None) -> Entry:
    """The form inputs that show a stored answer."""
    if response is None:
        return Entry()
    choice = response.status if response.value is None else format_value(response.value)
    return Entry(choice, response.evidence, response.note)


def read_page(
    questions: Iterable[Question], form: MultiDict[str, str], *, dont_know: bool = True
) -> PageSubmit:
    """Check every question of a submitted page (a dimension's questions the respondent is asked:
    inputs for any other question are ignored, never stored). `dont_know`: whether the
    framework offers "don't know" (when not, such an answer is refused like any unknown value)."""
    page = PageSubmit()
    for question in questions:
        entry = Entry(
            form.get(field_name("answer", question), "").strip(),
            clean_text(form.get(field_name("evidence", question), "")),
            clean_text(form.get(field_name("note", question), "")),
        )
        page.entries[question.id] = entry
        response, error = check_entry(question, entry, dont_know=dont_know)
        if error:
            page.errors[question.id] = error
        elif response is not None:
            page.responses[question.id] = response
    return page


def check_entry(
    question: Question, entry: Entry, *, dont_know: bool = True
) -> tuple[Response | None, str | None]:
    """(Response or None when unanswered, None) or (None, a message for the respondent)."""
    if max(len(entry.evidence), len(entry.note)) > MAX_TEXT:
        return None, _("Evidence and note may have at most %(n)d characters each.", n=MAX_TEXT)
    if not entry.choice:
        if entry.evidence or entry.note:
            return None, _missing_choice(question, dont_know)
        return None, None
    raw = {"value": choice_value(entry.choice), "evidence": entry.evidence, "note": entry.note}
    response, problem = parse_response(raw, question)
    if problem or (not dont_know and response is not None and response.status == UNKNOWN):
        choices = ", ".join(format_value(o.value) for o in question.options)
        return None, _(
            "This is not one of the answers to this question (%(choices)s).", choices=choices
        )
    return response, None


def _missing_choice(question: Question, dont_know: bool) -> str:
    """Why a note (and evidence) without an answer is not saved, naming only what the form has."""
    if question.evidence == "none":  # the form has no evidence field: do not mention one
        if dont_know:
            return str(_("Choose an answer (or “Don't know”) to save the note."))
        return str(_("Choose an answer to save the note."))
    if dont_know:
        return str(_("Choose an answer (or “Don't know”) to save the evidence and note."))
    return str(_("Choose an answer to save the evidence and note."))


def choice_value(choice: str) -> Any:
    """A form value as the answers format has it: a number, 'na', 'unknown' or the raw text."""
    if _NUMBER.match(choice):
        number = float(choice)
        return int(number) if number.is_integer() else number
    return choice


def clean_text(value: str) -> str:
    """User text as stored: newlines normalised, control characters (NUL...) removed, trimmed."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def unanswered(questions: Iterable[Question], responses: Mapping[str, Response]) -> list[Question]:
    """The questions without a stored answer, in questionnaire order."""
    return [q for q in questions if q.id not in responses]


def answers_document(
    record: Record, questionnaire: Questionnaire, responses: Mapping[str, Response]
) -> dict[str, Any]:
    """The stored answers as an answers document (the same format as the files and the API)."""
    respondent: dict[str, str] = {"id": "r1"}
    if record.role:
        respondent["role"] = record.role
    asked = questionnaire.questions_for(record.role or None)
    answers = {q.id: raw_answer(responses[q.id]) for q in asked if q.id in responses}
    doc: dict[str, Any] = {
        "questionnaire": f"{record.questionnaire_id}@{record.questionnaire_version}",
        "respondent": respondent,
        "answers": answers,
    }
    if record.organisation:
        doc["organisation"] = record.organisation
    return doc


def raw_answer(response: Response) -> Any:
    """A stored answer as the answers format writes it: a value, a status, or a mapping."""
    value: Any = (
        response.status if response.value is None else choice_value(format_value(response.value))
    )
    extra = {k: v for k, v in (("evidence", response.evidence), ("note", response.note)) if v}
    return {"value": value, **extra} if extra else value


def answer_set(
    record: Record,
    questionnaire: Questionnaire,
    responses: Mapping[str, Response],
    library: Library,
) -> AnswerSet:
    """The checked AnswerSet of stored answers (ProblemsFound if any required one is missing)."""
    doc = answers_document(record, questionnaire, responses)
    return parse_answers(Document("assessment", doc), library)


__all__ = ["NA", "UNKNOWN", "Entry", "PageSubmit", "answer_set", "read_page"]
