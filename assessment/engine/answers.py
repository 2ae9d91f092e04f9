"""Answers: parse one- or many-respondent documents (YAML, JSON, CSV) against a questionnaire.

Everything is checked before anything is scored: an unknown question, a value off the scale, N/A
where the question does not allow it, a missing required answer, an answer to a question the
respondent's role is not asked (`roles:`) or a wrong questionnaire version each give a problem naming
the question; a document with any problem is rejected whole. A respondent is asked, and must answer,
only `Questionnaire.questions_for(role)`; one without a role answers every question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.library import Library
from ..content.model import Framework, Question, Questionnaire
from ..io.files import load_file
from ..io.plain_yaml import parse_plain_first
from ..io.schema import schema_problems
from ..io.source import Document, pointer_join
from ..problems import MAX_PROBLEMS, Problem, ProblemCode, Problems, ProblemsFound, unknown

NA = "na"
UNKNOWN = "unknown"
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


@dataclass(frozen=True)
class Response:
    """One respondent's answer to one question."""

    value: float | None  # None for na / unknown
    status: str = "value"  # value | na | unknown
    evidence: str = ""
    note: str = ""


@dataclass(frozen=True)
class Respondent:
    id: str
    role: str | None
    answers: Mapping[str, Response]


@dataclass(frozen=True)
class AnswerSet:
    """Checked answers of one organisation to one questionnaire."""

    questionnaire: Questionnaire
    organisation: str
    respondents: tuple[Respondent, ...]
    date: str = ""
    target: Mapping[str, float] = field(default_factory=dict)
    previous: Mapping[str, float] = field(default_factory=dict)
    organisation_size: int | None = None  # headcount; the roadmap scales effort and capacity by it
    # The framework of the pack that scores the questionnaire: its roles' order and groups.
    framework: Framework | None = None


def load_answers(path: str | Path, library: Library) -> AnswerSet:
    """Read and check an answers file (YAML, JSON or CSV)."""
    doc = load_file(path, lazy=True)
    if str(path).lower().endswith(".csv"):
        doc = csv_to_answers(doc)
    return parse_answers(doc, library)


def parse_answers_text(text: str, library: Library, name: str = "<input>") -> AnswerSet:
    """Check an answers document given as YAML or JSON text (the API and the tests)."""
    return parse_answers(parse_plain_first(text, name), library)


def parse_answers(doc: Document, library: Library, *, complete: bool = True) -> AnswerSet:
    """Check a parsed answers document and build the AnswerSet; raise ProblemsFound if anything is wrong.

    `complete=False` accepts a document that leaves required questions unanswered (`tqm migrate`).
    """
    if not isinstance(doc.data, dict):
        msg = "an answers document must be a mapping"
        raise ProblemsFound([doc.problem("", msg, code="schema.type")])
    problems = schema_problems(doc, "answers")
    if problems:
        raise ProblemsFound(problems)
    questionnaire = _questionnaire(doc, library)
    framework = _framework(doc, library, questionnaire)
    data = doc.data
    if ("responses" in data) == ("answers" in data):
        msg = "give either 'answers' (one respondent) or 'responses' (several)"
        raise ProblemsFound([doc.problem("", msg, code="answers.shape")])
    raw = (
        data["responses"]
        if "responses" in data
        else [{"respondent": data.get("respondent", {}), "answers": data["answers"]}]
    )
    base = "/responses" if "responses" in data else ""
    problems += _dimension_key_problems(doc, questionnaire)
    # an unknown role decides which questions the respondent is asked: name it alone first
    for index, entry in enumerate(raw):
        problems += _role_problems(doc, pointer_join(base, index) if base else "", entry, framework)
    if problems:
        raise ProblemsFound(problems)
    respondents = []
    for index, entry in enumerate(raw):
        ptr = pointer_join(base, index) if base else ""
        respondents.append(_respondent(doc, ptr, entry, index, questionnaire, problems, complete))
    problems += _dont_know_problems(doc, base, raw, framework)
    if problems:
        raise ProblemsFound(problems)
    return AnswerSet(
        questionnaire,
        data.get("organisation", ""),
        tuple(respondents),
        data.get("date", ""),
        data.get("target", {}),
        data.get("previous", {}),
        data.get("organisation_size"),
        framework,
    )


def _framework(doc: Document, library: Library, questionnaire: Questionnaire) -> Framework:
    try:
        return library.framework_of(questionnaire)
    except ProblemsFound as exc:
        raise ProblemsFound(
            [doc.problem("/questionnaire", p.message, code=p.code) for p in exc.problems]
        ) from None


def _dimension_key_problems(doc: Document, questionnaire: Questionnaire) -> list[Problem]:
    """`target` and `previous` give indices for the questionnaire's own dimensions only."""
    known = [d.id for d in questionnaire.dimensions]
    return [
        doc.problem(
            pointer_join(f"/{key}", dim), unknown("dimension", dim, known), code="unknown.dimension"
        )
        for key in ("target", "previous")
        for dim in doc.data.get(key, {})
        if dim not in known
    ]


def _role_problems(
    doc: Document, ptr: str, entry: Mapping[str, Any], framework: Framework
) -> list[Problem]:
    """A respondent's role must be one of the framework's."""
    role = entry.get("respondent", {}).get("role")
    if role is None or role in framework.role_ids:
        return []
    msg = f"{unknown('role', role, framework.role_ids)}; the roles are {', '.join(framework.role_ids)}"
    return [doc.problem(f"{ptr}/respondent/role", msg, code="unknown.role")]


def _dont_know_problems(
    doc: Document, base: str, raw: list[Mapping[str, Any]], framework: Framework
) -> list[Problem]:
    """ "don't know" is refused where the framework does not offer it."""
    if framework.dont_know:
        return []
    out: list[Problem] = []
    for index, entry in enumerate(raw):
        ptr = (pointer_join(base, index) if base else "") + "/answers"
        for qid, value in entry["answers"].items():
            given = value.get("value") if isinstance(value, dict) else value
            if given == UNKNOWN and len(out) < MAX_PROBLEMS:
                msg = f'{qid}: this questionnaire does not offer "don\'t know"; give a value'
                out.append(
                    doc.problem(pointer_join(ptr, qid), msg, code="answers.unknown_not_offered")
                )
    return out


def _questionnaire(doc: Document, library: Library) -> Questionnaire:
    """The questionnaire the document names: `id` (the latest version) or `id@N` (version N)."""
    try:
        return library.resolve(doc.data["questionnaire"])
    except ProblemsFound as exc:
        raise ProblemsFound(
            [doc.problem("/questionnaire", p.message, code=p.code) for p in exc.problems]
        ) from None


def _respondent(
    doc: Document,
    ptr: str,
    entry: Mapping[str, Any],
    index: int,
    questionnaire: Questionnaire,
    problems: Problems,
    complete: bool = True,
) -> Respondent:
    info = entry.get("respondent", {})
    role = info.get("role")
    answers_ptr = f"{ptr}/answers"
    given = entry["answers"]
    parsed: dict[str, Response] = {}
    for qid, raw in given.items():
        q_ptr = pointer_join(answers_ptr, qid)
        if qid not in questionnaire.question_ids:
            if problems.room():
                msg = unknown("question", qid, questionnaire.question_ids)
                problems.append(doc.problem(q_ptr, msg, code="unknown.question"))
            continue
        question = questionnaire.question(qid)
        if not question.asks(role):
            if not _no_answer(raw):
                msg = not_asked_message(question, role)
                problems.append(doc.problem(q_ptr, msg, code="answers.not_asked"))
            continue
        response, wrong = checked_response(raw, question)
        if wrong:
            where = f"{q_ptr}/value" if isinstance(raw, dict) else q_ptr
            if problems.room():
                problems.append(doc.problem(where, f"{qid}: {wrong[1]}", code=wrong[0]))
        elif response:
            parsed[qid] = response
    for question in questionnaire.questions_for(role):
        if complete and question.required and question.id not in given and problems.room():
            msg = f"missing answer to {question.id}"
            problems.append(doc.problem(answers_ptr, msg, code="answers.missing"))
    return Respondent(str(info.get("id", f"r{index + 1}")), role, parsed)


def not_asked_message(question: Question, role: str | None) -> str:
    """Why an answer to `question` by a respondent in `role` is refused."""
    return (
        f"{question.id}: a respondent in the role {role!r} is not asked this question "
        f"(it is asked of {', '.join(question.roles)}); leave it out"
    )


def _no_answer(raw: Any) -> bool:
    """'unknown' with nothing else: what the all-roles template holds until it is filled in, and
    the same as leaving the question out (an item outside the role is simply absent)."""
    if isinstance(raw, dict):
        return raw.get("value") in (None, UNKNOWN) and not (raw.get("evidence") or raw.get("note"))
    return bool(raw == UNKNOWN)


def parse_response(raw: Any, question: Question) -> tuple[Response | None, str | None]:
    """One answer in any accepted form -> (Response, None) or (None, what is wrong)."""
    response, wrong = checked_response(raw, question)
    return response, wrong[1] if wrong else None


def checked_response(
    raw: Any, question: Question
) -> tuple[Response | None, tuple[ProblemCode, str] | None]:
    """One answer in any accepted form -> (Response, None) or (None, (problem code, message))."""
    evidence = note = ""
    if isinstance(raw, dict):
        evidence, note = raw.get("evidence", "") or "", raw.get("note", "") or ""
        raw = raw.get("value")
    if raw == NA:
        if not question.allow_na:
            return None, ("answers.na_not_allowed", "N/A is not allowed for this question")
        return Response(None, NA, evidence, note), None
    if raw == UNKNOWN:
        return Response(None, UNKNOWN, evidence, note), None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None, ("answers.not_a_number", f"{raw!r} is not a number, 'na' or 'unknown'")
    if not question.allows(raw):
        values = ", ".join(_fmt(o.value) for o in question.options)
        return None, ("answers.off_scale", f"{_fmt(raw)} is not on the scale ({values})")
    return Response(float(raw), "value", evidence, note), None


def _fmt(value: float) -> str:
    """A number for a message: 3 not 3.0; a huge one shortened (10**400 has no float)."""
    text = (
        str(value)
        if isinstance(value, int)
        else (str(int(value)) if value.is_integer() else str(value))
    )
    return text if len(text) <= 24 else f"{text[:12]}…({len(text)} digits)"


# --- CSV -------------------------------------------------------------------------------------

META_COLUMNS = ("questionnaire", "organisation", "organisation_size", "respondent", "role")


def csv_to_answers(doc: Document) -> Document:
    """A CSV (one row per respondent) as a canonical answers Document, positions kept."""
    header, rows = doc.data["header"], doc.data["rows"]
    if "questionnaire" not in header:
        msg = "CSV needs a 'questionnaire' column"
        raise ProblemsFound([Problem(doc.name, 1, 1, "$", msg, "csv.missing_column")])
    if not rows:
        msg = "CSV has a header but no respondents"
        raise ProblemsFound([Problem(doc.name, 2, 1, "$", msg, "csv.no_rows")])
    first = rows[0]
    _check_same_in_every_row(doc, rows, "questionnaire", "several questionnaires in one file")
    _check_same_in_every_row(
        doc,
        rows,
        "organisation",
        "several organisations in one file; use 'tqm batch' to score each of them",
    )
    _check_same_in_every_row(doc, rows, "organisation_size", "several sizes in one file")
    data: dict[str, Any] = {"questionnaire": first["questionnaire"], "responses": []}
    if first.get("organisation"):
        data["organisation"] = first["organisation"]
    positions = {"": (1, 1), "/questionnaire": doc.where("/rows/0/questionnaire")}
    if size := first.get("organisation_size"):  # the schema names a cell that is not a headcount
        data["organisation_size"] = int(size) if size.isdigit() else size
        positions["/organisation_size"] = doc.where("/rows/0/organisation_size")
    for index, row in enumerate(rows):
        data["responses"].append(_csv_response(doc, index, row, positions))
    return Document(doc.name, data, positions)


def _check_same_in_every_row(
    doc: Document, rows: list[dict[str, str]], column: str, message: str
) -> None:
    """A column that must hold one value for the whole file (e.g. the questionnaire)."""
    problems = [
        doc.problem(
            f"/rows/{i}/{column}",
            f"{message}: {row.get(column, '')!r} differs from {rows[0].get(column, '')!r}",
            code="csv.mixed_values",
        )
        for i, row in enumerate(rows)
        if row.get(column, "") != rows[0].get(column, "")
    ]
    if problems:
        raise ProblemsFound(problems)


def _csv_response(
    doc: Document,
    index: int,
    row: Mapping[str, str],
    positions: dict[str, tuple[int | None, int | None]],
) -> dict[str, Any]:
    src, dst = f"/rows/{index}", f"/responses/{index}"
    values: dict[str, Any] = {}
    extras: dict[str, dict[str, str]] = {}
    for column, cell in row.items():
        if column in META_COLUMNS or not cell:
            continue
        qid, _, extra = column.partition(":")
        where = doc.where(pointer_join(src, column))
        positions.setdefault(pointer_join(f"{dst}/answers", qid), where)
        if extra:
            extras.setdefault(qid, {})[extra] = cell
        else:
            values[qid] = float(cell) if _NUMBER.match(cell) else cell
    answers = {qid: values[qid] for qid in values if qid not in extras}
    answers |= {
        qid: ({"value": values[qid]} if qid in values else {}) | ex for qid, ex in extras.items()
    }
    positions[f"{dst}/answers"] = doc.where(src)
    entry: dict[str, Any] = {"answers": answers}
    respondent = {
        key: row[col] for key, col in (("id", "respondent"), ("role", "role")) if row.get(col)
    }
    for key, col in (("id", "respondent"), ("role", "role")):
        positions[f"{dst}/respondent/{key}"] = doc.where(pointer_join(src, col))
    if respondent:
        entry["respondent"] = respondent
    return entry
