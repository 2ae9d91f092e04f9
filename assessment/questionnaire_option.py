"""`--questionnaire ID[@N]`: the questionnaire of answers that do not name it (a survey tool's CSV
export has no `questionnaire` column), and the check that answers which do name it agree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .content.library import Library
from .content.versions import parse_ref
from .engine.answers import AnswerSet, csv_to_answers, parse_answers
from .io.files import load_file
from .io.source import Document
from .problems import Problem, ProblemsFound

OPTION = "--questionnaire"
MISSING = f"CSV needs a 'questionnaire' column, or the questionnaire named with {OPTION} ID[@N]"


def agreed_ref(named: str, option: str) -> str | None:
    """The questionnaire both mean ('id' and 'id@N' agree: the one naming the version wins), or
    None when they name different questionnaires or versions."""
    try:
        (qid, version), (option_id, option_version) = parse_ref(named), parse_ref(option)
    except ValueError:
        return None
    if qid != option_id or (None not in (version, option_version) and version != option_version):
        return None
    return named if version is not None else option


def conflict_message(named: str, option: str) -> str:
    return f"the answers are for {named!r}, but {OPTION} names {option!r}"


def csv_with_questionnaire(doc: Document, option: str | None) -> Document:
    """A parsed CSV (header and rows) whose every row names its questionnaire.

    Without the option the CSV must have the column; with it, a missing column is filled with the
    option's questionnaire, and a cell naming another questionnaire or version is a problem."""
    header, rows = doc.data["header"], doc.data["rows"]
    if "questionnaire" not in header:
        if option is None:
            raise ProblemsFound([Problem(doc.name, 1, 1, "$", MISSING, "csv.missing_column")])
        filled = [{**row, "questionnaire": option} for row in rows]
        return Document(
            doc.name, {"header": [*header, "questionnaire"], "rows": filled}, doc.positions
        )
    if option is None:
        return doc
    refs = [agreed_ref(row["questionnaire"], option) for row in rows]
    problems = [
        doc.problem(
            f"/rows/{i}/questionnaire",
            conflict_message(row["questionnaire"], option),
            code="answers.questionnaire_conflict",
        )
        for i, (row, ref) in enumerate(zip(rows, refs, strict=True))
        if ref is None
    ]
    if problems:
        raise ProblemsFound(problems)
    named = [{**row, "questionnaire": ref} for row, ref in zip(rows, refs, strict=True)]
    return Document(doc.name, {"header": header, "rows": named}, doc.positions)


def checked_document(doc: Document, option: str | None) -> Document:
    """A YAML or JSON answers document, refused when it names another questionnaire or version
    than the option; the option's version is used when the document names none."""
    data: Any = doc.data
    named = data.get("questionnaire") if isinstance(data, dict) else None
    if option is None or not isinstance(named, str):
        return doc  # a document without its questionnaire is refused by the answers schema
    ref = agreed_ref(named, option)
    if ref is None:
        message = conflict_message(named, option)
        raise ProblemsFound(
            [doc.problem("/questionnaire", message, code="answers.questionnaire_conflict")]
        )
    return Document(doc.name, {**data, "questionnaire": ref}, doc.positions)


def load_answers_for(path: Path, library: Library, option: str | None) -> AnswerSet:
    """Read and check an answers file (YAML, JSON or CSV), its questionnaire named by `option`
    when the file does not name it (an unknown one is refused before the file is read)."""
    if option is not None:
        library.resolve(option, "$", OPTION)
    doc = load_file(path, lazy=True)
    if path.suffix.lower() == ".csv":
        return parse_answers(csv_to_answers(csv_with_questionnaire(doc, option)), library)
    return parse_answers(checked_document(doc, option), library)
