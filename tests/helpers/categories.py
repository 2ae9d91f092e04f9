"""One Hypothesis strategy per category of hostile input, each knowing what it made.

`hostile_inputs(library, fmt, category)` draws a valid answers document, changes it in that one
category's way and writes it as YAML, JSON or CSV text. The result is a `Hostile`: the category,
the text and the outcome the category must have (EXPECTED): "rejected", "scored", or "either" where
both are right (escaped control characters are text; only raw ones are refused). Nothing is
classified after the fact: the generator that made the change names it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from assessment.content.library import Library
from assessment.io.source import MAX_DEPTH, MAX_NODES
from helpers.strategies import (
    CATEGORIES,
    NOT_IN_CSV,
    QUESTION_KEY,
    bomb_lines,
    csv_row,
    duplicate_first_key,
    to_yaml,
    valid_answers,
    yaml_scalar,
)
from helpers.values import AWKWARD, deep

Draw = Callable[[st.SearchStrategy[Any]], Any]
EXPECTED = {
    "wrong types": "rejected",
    "unknown ids": "rejected",
    "huge numbers": "rejected",
    "NaN and infinities": "rejected",
    "deep nesting": "rejected",
    "unicode and control characters": "either",
    "very long notes": "rejected",
    "duplicate keys": "rejected",
    "YAML tags": "rejected",
    "YAML anchors and aliases": "scored",
    "alias bombs": "rejected",
}
assert tuple(EXPECTED) == CATEGORIES
# Tags no answer survives: not plain data, or not a number.
REFUSED_TAGS = ["!!python/object:os.system", "!custom", "!!binary", "!!set", "!!omap"]
ANCHORED = "anchored evidence"  # marks the answer that the alias repeats


@dataclass(frozen=True)
class Hostile:
    """A hostile input as text, the category it was made for and the outcome it must have."""

    category: str
    content: str

    @property
    def expected(self) -> str:
        return EXPECTED[self.category]

    def __repr__(self) -> str:
        shown = repr(self.content)
        shown = shown if len(shown) <= 2000 else f"{shown[:2000]}... ({len(shown)} characters)"
        return f"Hostile({self.category!r}, {shown})"


def categories_of(fmt: str) -> list[str]:
    """The categories a format can carry (CSV cannot nest, tag or alias)."""
    return [c for c in CATEGORIES if fmt != "csv" or c not in NOT_IN_CSV]


def valid_document(library: Library, draw: Draw) -> dict[str, Any]:
    """A document every part of which is right: one respondent or several, plain text only."""
    qid = draw(st.sampled_from(sorted(library.questionnaires)))
    doc: dict[str, Any] = {"questionnaire": qid, "organisation": "Test Co"}
    # each role answers only the questions it is asked (version 2); a role asked fewer than two
    # (tqm-quick asks customers nothing) leaves a category's change nothing to change
    asked = library.questionnaires[qid].questions_for
    framework = library.framework_of(library.questionnaires[qid])  # its roles, not tqm's
    roles = st.sampled_from([r for r in framework.role_ids if len(asked(r)) >= 2])
    doc["responses"] = []
    for i in range(draw(st.integers(1, 3))):
        role = draw(roles)
        answers = valid_answers(library, qid, draw, role)
        doc["responses"].append({"respondent": {"id": f"r{i}", "role": role}, "answers": answers})
    return doc


def _answers(doc: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = doc["responses"][0]["answers"]
    return answers


def _question(doc: dict[str, Any], draw: Draw) -> str:
    return str(draw(st.sampled_from(sorted(_answers(doc)))))


# --- changes to the data, one category each -----------------------------------------------------


def wrong_types(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    values: list[Any] = ["three", "true", "[1, 2]"]
    if fmt != "csv":
        values += [True, None, [1, 2], {"value": [3]}, {"value": 3, "note": 5}]
    _answers(doc)[_question(doc, draw)] = draw(st.sampled_from(values))


def unknown_ids(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    kind = draw(st.integers(0, 2 if fmt != "csv" else 1))
    if kind == 0:
        _answers(doc)[_question(doc, draw).upper() + ".nope"] = 3
    elif kind == 1:
        doc["questionnaire"] = draw(st.sampled_from(["nope", "tqm-quick@99", "tqm-audit@0"]))
    else:
        doc["surplus"] = draw(st.sampled_from([1, "x", {"a": 1}]))


def huge_numbers(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    value = draw(st.one_of(st.integers(16, 400).map(lambda n: 10**n), st.just(1e308)))
    _answers(doc)[_question(doc, draw)] = value


def nan_and_infinities(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    _answers(doc)[_question(doc, draw)] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))


def deep_nesting(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    _answers(doc)[_question(doc, draw)] = deep(draw(st.integers(MAX_DEPTH + 1, 80)))


def unicode_text(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    chars = st.one_of(AWKWARD, st.characters(max_codepoint=0x1F), st.characters(codec="utf-8"))
    text = "x" + draw(st.text(chars, min_size=1, max_size=20))
    if draw(st.booleans()):
        doc["organisation"] = text
    else:
        _answers(doc)[_question(doc, draw)] = {"value": 3, "note": text}


def very_long_notes(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    field = draw(st.sampled_from(["note", "evidence"]))
    text = draw(st.sampled_from(["n", "质", "ab"])) * draw(st.integers(5001, 20_000))
    _answers(doc)[_question(doc, draw)] = {"value": 3, field: text}


def anchors_and_aliases(doc: dict[str, Any], draw: Draw, fmt: str) -> None:
    """Two answers that are the same object: written as an anchor and an alias of it."""
    first, second = draw(
        st.lists(st.sampled_from(sorted(_answers(doc))), min_size=2, max_size=2, unique=True)
    )
    _answers(doc)[first] = _answers(doc)[second] = {"value": 3, "evidence": ANCHORED}  # fmt: skip


DATA_CHANGES = {
    "wrong types": wrong_types,
    "unknown ids": unknown_ids,
    "huge numbers": huge_numbers,
    "NaN and infinities": nan_and_infinities,
    "deep nesting": deep_nesting,
    "unicode and control characters": unicode_text,
    "very long notes": very_long_notes,
    "YAML anchors and aliases": anchors_and_aliases,
}


# --- the text, with the categories that live in the text ----------------------------------------


def yaml_text(doc: dict[str, Any]) -> str:
    """Block-style top level (one key a line) of flow values; a repeated object is an alias."""
    anchors: dict[int, str] = {}
    lines = [f"{yaml_scalar(str(k), False)}: {to_yaml(v, False, anchors)}" for k, v in doc.items()]
    return "\n".join(lines) + "\n"


def json_text(doc: dict[str, Any]) -> str:
    """JSON (NaN and Infinity tokens allowed); the anchored answer becomes a YAML alias in it."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
    repeated = json.dumps({"value": 3, "evidence": ANCHORED})
    if text.count(repeated) >= 2:
        text = text.replace(repeated, f"&same {repeated}", 1)
        head, _, tail = text.rpartition(repeated)
        text = head + "*same" + tail
    return text


def csv_text(doc: dict[str, Any], duplicate_column: bool) -> str:
    rows = [csv_row(doc, entry) for entry in doc["responses"]]
    header = list(dict.fromkeys(k for row in rows for k in row))
    cells = [[row.get(k, "") for k in header] for row in rows]
    if duplicate_column:  # a question column twice, with another value (which one was meant?)
        column = len(header) - 1
        header.append(header[column])
        cells = [[*row, "1" if row[column] != "1" else "5"] for row in cells]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([header, *cells])
    return buffer.getvalue()


def with_text_change(text: str, category: str, fmt: str, draw: Draw) -> str:
    """Duplicate keys, tags and alias bombs, made in the text itself."""
    if category == "duplicate keys":
        return duplicate_first_key(text)
    if category == "YAML tags":
        tag = draw(st.sampled_from(REFUSED_TAGS))
        return QUESTION_KEY.sub(lambda m: f"{m.group()}{tag} ", text, count=1)
    # alias bombs: more values once expanded than MAX_NODES
    levels, width = draw(st.integers(6, 9)), draw(st.integers(8, 10))
    assert width**levels > MAX_NODES
    lines = bomb_lines(levels, width)
    if fmt == "yaml":
        return "\n".join(lines) + "\n" + text
    bomb = ", ".join('"' + line.replace(":", '":', 1) for line in lines)
    return "{" + bomb + ", " + text[1:]


@st.composite
def hostile_inputs(draw: Draw, library: Library, fmt: str, category: str) -> Hostile:
    """A valid document changed in `category`'s way, as `fmt` text ("yaml", "json" or "csv")."""
    doc = valid_document(library, draw)
    change = DATA_CHANGES.get(category)
    if change is not None:
        change(doc, draw, fmt)
    if fmt == "csv":
        text = csv_text(doc, duplicate_column=category == "duplicate keys")
    else:
        text = yaml_text(doc) if fmt == "yaml" else json_text(doc)
        if change is None:
            text = with_text_change(text, category, fmt, draw)
    return Hostile(category, text)


def any_hostile_input(library: Library, fmt: str) -> st.SearchStrategy[Hostile]:
    """A category the format can carry, then an input of it."""
    return st.sampled_from(categories_of(fmt)).flatmap(
        lambda category: hostile_inputs(library, fmt, category)
    )
