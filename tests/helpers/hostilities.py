"""Which categories of hostile input a document or a CSV holds (the generators label their inputs).

Categories are those of helpers.strategies.CATEGORIES.
"""

from __future__ import annotations

import math
import re
from typing import Any

from assessment.content.library import Library
from assessment.engine.answers import META_COLUMNS
from assessment.io.source import MAX_DEPTH

FIELDS = {
    "questionnaire": str,
    "organisation": str,
    "respondent": dict,
    "responses": list,
    "answers": dict,
    "date": str,
    "target": dict,
    "previous": dict,
}
NAN_WORDS = {"nan", ".nan", "inf", "-inf", ".inf", "-.inf", "infinity", "-infinity"}
HUGE_NUMBER = re.compile(r"^-?\d{16,}(\.\d*)?$|^-?\d+(\.\d*)?[eE]\+?\d{3,}$")


def value_hostilities(value: Any, depth: int = 0) -> set[str]:
    """Categories found in a value: numbers, NaN, deep nesting, unusual and long text."""
    found = {"deep nesting"} if depth > MAX_DEPTH else set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= value_hostilities(key, depth) | value_hostilities(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            found |= value_hostilities(item, depth + 1)
    elif isinstance(value, float) and not math.isfinite(value):
        found.add("NaN and infinities")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1e15:
        found.add("huge numbers")
    elif isinstance(value, str):
        found |= text_hostilities(value)
    return found


def text_hostilities(text: str) -> set[str]:
    """Categories of one piece of text (also a CSV cell: NaN and huge numbers as words)."""
    found = set()
    if len(text) > 5000:  # the limit on evidence and notes
        found.add("very long notes")
    if any(not " " <= c <= "~" for c in text):
        found.add("unicode and control characters")
    if text.strip().lower() in NAN_WORDS:
        found.add("NaN and infinities")
    if HUGE_NUMBER.match(text.strip()):
        found.add("huge numbers")
    return found


def is_answer(value: Any) -> bool:
    """Shaped like an answer (a number, na, unknown, or a mapping with a value), right or wrong."""
    if isinstance(value, dict):
        return "value" in value and is_answer(value["value"])
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in (
        "na",
        "unknown",
    )


def document_hostilities(doc: dict[str, Any], library: Library) -> set[str]:
    """Every category a document holds (text-level ones are added by the writers)."""
    found = value_hostilities(doc)
    if any(k not in FIELDS for k in doc):
        found.add("unknown ids")
    if any(k in doc and not isinstance(doc[k], kind) for k, kind in FIELDS.items()):
        found.add("wrong types")
    qid = doc.get("questionnaire")
    known = library.questionnaires.get(qid.partition("@")[0] if isinstance(qid, str) else "")
    if known is None:
        found.add("unknown ids")
    questions = {q.id for q in known.questions} if known else set()
    responses: list[Any] = doc["responses"] if isinstance(doc.get("responses"), list) else []
    for entry in [doc, *(r for r in responses if isinstance(r, dict))]:
        answers = entry.get("answers")
        for key, value in answers.items() if isinstance(answers, dict) else ():
            found |= set() if key in questions else {"unknown ids"}
            found |= set() if is_answer(value) else {"wrong types"}
    return found


def csv_hostilities(header: list[str], rows: list[list[str]], library: Library) -> set[str]:
    """Every category the CSV holds."""
    found = {"duplicate keys"} if len(set(header)) < len(header) else set()
    questions = {q.id for q in library.questionnaires["tqm-audit"].questions}
    questions |= {q.id for q in library.questionnaires["tqm-quick"].questions}
    for column, name in enumerate(header):
        qid, _, extra = name.partition(":")
        known = name in META_COLUMNS or (qid in questions and extra in ("", "evidence", "note"))
        found |= set() if known else {"unknown ids"}
        for row in rows:
            cell = row[column] if column < len(row) else ""
            found |= text_hostilities(cell)
            if qid in questions and not extra and cell not in ("", "na", "unknown"):
                found |= set() if HUGE_NUMBER.match(cell) or _is_number(cell) else {"wrong types"}
    return found


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
