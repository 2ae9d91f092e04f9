"""Hypothesis strategies of hostile answers documents, as YAML, JSON and CSV text.

A valid document for one of the questionnaires gets 0-4 hostile mutations (`documents`), then is
written as text with text-level hostilities on top: duplicate keys, tags, aliases, bombs (YAML), a
truncation or YAML inside JSON, an unbalanced quote or a repeated column (CSV). These mix
categories freely; helpers.categories has one strategy per category, each naming what it made and
the outcome it must have. CSV cannot carry the categories of NOT_IN_CSV.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, currently_in_test_context, event, settings
from hypothesis import strategies as st

from assessment.content.library import Library
from helpers.values import (
    ANSWER,
    DEEP,
    LEAF,
    LONG_TEXT,
    NUMBER,
    SCALE,
    TEXT,
    VERY_LONG_TEXT,
    WEIRD,
)

CATEGORIES = (
    "wrong types",
    "unknown ids",
    "huge numbers",
    "NaN and infinities",
    "deep nesting",
    "unicode and control characters",
    "very long notes",
    "duplicate keys",
    "YAML tags",
    "YAML anchors and aliases",
    "alias bombs",
)
NOT_IN_CSV = {"deep nesting", "YAML tags", "YAML anchors and aliases", "alias bombs"}
Draw = Callable[[st.SearchStrategy[Any]], Any]

# For the tests that a generator can reach a category: many draws, nothing shrunk or saved.
GENERATE_ONLY = settings(
    max_examples=5000,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def note(outcome: str) -> None:
    """Count outcomes in Hypothesis's statistics (pytest --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(outcome)


# --- documents ----------------------------------------------------------------------------------


def valid_answers(
    library: Library, qid: str, draw: Draw, role: str | None = None
) -> dict[str, Any]:
    """A complete valid answer to every question the role is asked (na only where allowed)."""
    out = {}
    questionnaire = library.questionnaires[qid]
    # "unknown" only where the framework offers "don't know" (the engine refuses it elsewhere)
    scale = (
        SCALE
        if library.framework_of(questionnaire).dont_know
        else SCALE.filter(lambda v: v != "unknown")
    )
    for question in questionnaire.questions_for(role):
        values = st.sampled_from(["na"]) | scale if question.allow_na else scale
        value = draw(values)
        out[question.id] = draw(st.sampled_from([value, {"value": value, "evidence": "doc"}]))
    return out


def some_answers(doc: dict[str, Any], draw: Draw) -> dict[str, Any]:
    """The answers of one respondent of the document (the first answers mapping found)."""
    answers = doc.get("answers")
    if isinstance(answers, dict):
        return answers
    responses: list[Any] = doc["responses"] if isinstance(doc.get("responses"), list) else []
    entries = [r for r in responses if isinstance(r, dict) and isinstance(r.get("answers"), dict)]
    return draw(st.sampled_from(entries))["answers"] if entries else {}


QUESTIONNAIRE = st.one_of(
    st.sampled_from(["tqm-quick@2", "tqm-audit@0", "nope", "tqm-quick@" + "9" * 5000]), TEXT, LEAF
)
ROLE = st.one_of(TEXT, st.sampled_from(["leader", "staff"]))
RESPONDENT = st.one_of(WEIRD, st.fixed_dictionaries({"id": TEXT, "role": ROLE}))
META = st.sampled_from(["respondent", "date", "target", "previous", "organisation_size"])


def mutate(doc: dict[str, Any], draw: Draw, questions: list[str]) -> None:
    """One hostile change, in place: to an answer (kinds 0-3, 12, 13) or to the document."""
    answers, kind = some_answers(doc, draw), draw(st.integers(0, 13))
    if kind == 0 and answers:
        answers[draw(st.sampled_from(sorted(answers)))] = draw(ANSWER)
    elif kind == 1 and answers:
        del answers[draw(st.sampled_from(sorted(answers)))]
    elif kind == 2:
        answers[draw(st.one_of(TEXT, st.sampled_from(questions).map(str.upper)))] = draw(ANSWER)
    elif kind == 3 and answers:
        answers[draw(st.sampled_from(questions))] = draw(NUMBER)
    elif kind == 12 and answers:
        text = draw(st.sampled_from(["note", "evidence"]))
        answers[draw(st.sampled_from(questions))] = {"value": 3, text: draw(VERY_LONG_TEXT)}
    elif kind == 13 and answers:
        answers[draw(st.sampled_from(questions))] = draw(DEEP)
    else:
        mutate_document(doc, draw, kind)


def mutate_document(doc: dict[str, Any], draw: Draw, kind: int) -> None:
    """One hostile change to the document's own fields, in place."""
    responses = doc.get("responses")
    if kind == 4:
        doc["questionnaire"] = draw(QUESTIONNAIRE)
    elif kind == 5:
        doc["organisation"] = draw(st.one_of(TEXT, LONG_TEXT, LEAF))
    elif kind == 6:
        doc[draw(META)] = draw(RESPONDENT)
    elif kind == 7:
        doc[draw(st.sampled_from(["target", "previous"]))] = {draw(META | TEXT): draw(NUMBER)}
    elif kind == 8:
        doc[draw(TEXT)] = draw(WEIRD)
    elif kind == 9 and isinstance(responses, list) and responses:
        responses.append(draw(WEIRD | st.just(responses[0])))  # the same object: a YAML alias
    elif kind == 10 and responses is not None:
        doc["responses"] = draw(st.sampled_from([[], {}, None]))
    else:
        doc["answers" if "answers" in doc else "responses"] = draw(WEIRD)


@st.composite
def documents(draw: Draw, library: Library) -> dict[str, Any]:
    """A valid document for one of the questionnaires, then 0-4 mutations."""
    qid = draw(st.sampled_from(sorted(library.questionnaires)))
    doc: dict[str, Any] = {
        "questionnaire": draw(st.sampled_from([qid, f"{qid}@1"])),
        "organisation": draw(TEXT),
    }
    if draw(st.booleans()):
        role = draw(st.sampled_from(["leader", "staff"]))
        doc["respondent"] = {"id": "r1", "role": role}
        doc["answers"] = valid_answers(library, qid, draw, role)
    else:
        roles = [
            draw(st.sampled_from(["leader", "manager", "staff", "customer", "auditor"]))
            for _ in range(draw(st.integers(1, 3)))
        ]
        doc["responses"] = [
            {
                "respondent": {"id": f"r{i}", "role": role},
                "answers": valid_answers(library, qid, draw, role),
            }
            for i, role in enumerate(roles)
        ]
    questions = [q.id for q in library.questionnaires[qid].questions]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3, 4]))):
        mutate(doc, draw, questions)
    return doc


@dataclass(frozen=True)
class Input:
    """A hostile input as text (shown shortened when a test fails)."""

    content: str

    def __repr__(self) -> str:
        shown = repr(self.content)
        shown = shown if len(shown) <= 2000 else f"{shown[:2000]}... ({len(shown)} characters)"
        return f"Input({shown})"


# --- YAML, JSON and CSV text --------------------------------------------------------------------


def yaml_scalar(value: Any, ascii_only: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only or _has_surrogate(value))
    return json.dumps(value)


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def to_yaml(value: Any, ascii_only: bool, anchors: dict[int, str]) -> str:
    """Flow-style YAML; a mapping or list met twice becomes an anchor and an alias."""
    if isinstance(value, (dict, list)):
        if id(value) in anchors:
            return f"*{anchors[id(value)]}"
        anchors[id(value)] = name = f"a{len(anchors)}"
        if isinstance(value, dict):
            items = (
                f"{yaml_scalar(str(k), ascii_only)}: {to_yaml(v, ascii_only, anchors)}"
                for k, v in value.items()
            )
            return f"&{name} {{{', '.join(items)}}}"
        return f"&{name} [{', '.join(to_yaml(v, ascii_only, anchors) for v in value)}]"
    return yaml_scalar(value, ascii_only)


@st.composite
def yaml_inputs(draw: Draw, library: Library) -> Input:
    """Block-style top level (one key a line) of flow values, then YAML-only hostilities."""
    doc = draw(documents(library))
    ascii_only, anchors = draw(st.booleans()), dict[int, str]()
    lines = [
        f"{yaml_scalar(str(k), ascii_only)}: {to_yaml(v, ascii_only, anchors)}"
        for k, v in doc.items()
    ]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        lines = draw(st.sampled_from(YAML_TRICKS))(lines, draw)
    return Input("\n".join(lines) + "\n")


TAGS = [
    "!!python/object:os.system",
    "!custom",
    "!!binary",
    "!!str",
    "!!int",
    "!!float",
    "!!map",
    "!!set",
    "!!omap",
]
NOISE = [  # a line before or after the document
    "%YAML 1.1\n---",
    "---",
    "# \x85",
    "\ufeff",
    "...",
    "? [a]\n: b",
    "<<: {questionnaire: x}",
    "*undefined",
    "\t",
    "key: 0x1F",
    "key: 1:20",
    "key: 2024-01-01",
    "key: !!timestamp x",
    "key: !<tag:x,2000:y> 1",
]


def _duplicate(lines: list[str], draw: Draw) -> list[str]:
    if not lines:
        return lines
    return [*lines, draw(st.sampled_from(lines))]


def _duplicate_answer(lines: list[str], draw: Draw) -> list[str]:
    """A question answered twice in the same answers mapping."""
    return [duplicate_first_key(line) for line in lines]


QUESTION_KEY = re.compile(r'"([a-z]+\.[a-z_]+)": ')


def duplicate_first_key(text: str) -> str:
    """`"customer.x": 3` -> `"customer.x": 1, "customer.x": 3` (the first question key only)."""
    match = QUESTION_KEY.search(text)
    if not match:
        return text
    return text[: match.start()] + f"{match.group()}1, " + text[match.start() :]


def _tag(lines: list[str], draw: Draw) -> list[str]:
    if not lines:
        return lines
    index = draw(st.integers(0, len(lines) - 1))
    tag = draw(st.sampled_from(TAGS))
    key, sep, value = lines[index].partition(": ")
    if sep:
        lines[index] = f"{key}{sep}{tag} {value}"
    return lines


def bomb_lines(levels: int, width: int) -> list[str]:
    """Billion laughs: each level an anchored list of `width` aliases of the one below."""
    bomb = ["bomb0: &b0 [" + ", ".join(["lol"] * width) + "]"]
    return bomb + [
        f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]" for i in range(1, levels)
    ]


def _bomb(lines: list[str], draw: Draw) -> list[str]:
    return bomb_lines(draw(st.integers(2, 9)), draw(st.integers(2, 10))) + lines


def _deep_text(lines: list[str], draw: Draw) -> list[str]:
    depth = draw(st.integers(35, 3000))
    return [*lines, "deep: " + "[" * depth + "]" * depth]


def _noise(lines: list[str], draw: Draw) -> list[str]:
    noise = draw(st.sampled_from(NOISE))
    return [noise, *lines] if draw(st.booleans()) else [*lines, noise]


YAML_TRICKS = [_duplicate, _duplicate_answer, _tag, _bomb, _deep_text, _noise]


@st.composite
def json_inputs(draw: Draw, library: Library) -> Input:
    """JSON (NaN and Infinity tokens allowed) with a trick: a duplicate key, truncation, or YAML
    in it (a .json file is read as YAML, which JSON is a subset of)."""
    doc = draw(documents(library))
    text = json.dumps(
        doc,
        ensure_ascii=draw(st.booleans()),
        allow_nan=True,
        indent=draw(st.sampled_from([None, 1])),
    )
    trick = draw(st.integers(0, 9))
    if trick == 0 and text.startswith("{") and len(text) > 2:
        text = '{"organisation": "dup", ' + text[1:]
    elif trick == 1:
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    elif trick == 2:
        text = duplicate_first_key(text)
    elif trick == 3 and QUESTION_KEY.search(text):
        tag = draw(st.sampled_from(TAGS))
        text = QUESTION_KEY.sub(lambda m: f"{m.group()}{tag} ", text, count=1)
    elif trick == 4 and text.startswith("{") and len(text) > 2:
        levels, width = draw(st.integers(2, 9)), draw(st.integers(2, 10))
        bomb = ", ".join(line.replace(":", '":', 1) for line in bomb_lines(levels, width))
        text = '{"' + bomb.replace(", bomb", ', "bomb') + ", " + text[1:]
    elif trick == 5 and text.endswith("}") and '"answers": {' in text:
        text = text.replace('"answers": {', '"answers": &mine {', 1)[:-1] + ', "copy": *mine}'
    return Input(text)


@st.composite
def csv_inputs(draw: Draw, library: Library) -> Input:
    """The document as CSV rows (one per respondent), then CSV-only hostilities."""
    doc = draw(documents(library))
    rows = [csv_row(doc, entry) for entry in _entries(doc)]
    header = list(dict.fromkeys(k for row in rows for k in row)) or ["questionnaire"]
    cells = [[row.get(k, "") for k in header] for row in rows]
    trick = draw(st.integers(0, 7))
    if trick == 2 and len(header) > 1:  # a column twice (in CSV the last one wins)
        column = draw(st.integers(0, len(header) - 1))
        header.append(header[column])
        for row in cells:
            row.append(draw(st.sampled_from([row[column], "1", "5", "x"])))
    elif trick == 3 and cells:
        row, column = draw(st.sampled_from(cells)), draw(st.integers(0, len(header) - 1))
        row[column] = draw(st.sampled_from(["!!int 3", "&a 3", "*a", "[[[3]]]", ".nan", "1e400"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for row in cells:
        writer.writerow(
            row + draw(st.lists(TEXT.filter(lambda s: not _has_surrogate(s)), max_size=1))
        )
    text = buffer.getvalue()
    if trick == 0:
        text = text.replace(",", ',"', 1)  # an unbalanced quote
    elif trick == 1:
        text = "\ufeff" + text + "\x00"
    return Input(text)


def _entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "responses" in doc:
        entries = doc["responses"] if isinstance(doc["responses"], list) else []
        return [e for e in entries if isinstance(e, dict)]
    return [{"respondent": doc.get("respondent"), "answers": doc.get("answers")}]


def csv_row(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, str]:
    info: dict[str, Any] = entry["respondent"] if isinstance(entry.get("respondent"), dict) else {}
    row = {
        "questionnaire": _cell(doc.get("questionnaire")),
        "organisation": _cell(doc.get("organisation")),
    }
    row |= {"respondent": _cell(info.get("id")), "role": _cell(info.get("role"))}
    answers: dict[Any, Any] = entry["answers"] if isinstance(entry.get("answers"), dict) else {}
    for qid, value in answers.items():
        if isinstance(value, dict) and "value" in value:
            row |= {f"{qid}:{k}": _cell(v) for k, v in value.items() if k != "value"}
            value = value["value"]
        row[str(qid)] = _cell(value)
    return {k: "".join(c for c in v if not 0xD800 <= ord(c) <= 0xDFFF) for k, v in row.items()}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


INPUTS = {"yaml": yaml_inputs, "json": json_inputs, "csv": csv_inputs}
