"""Hostile answer documents: always scored (valid result) or rejected with named problems.

Every category of hostile input in CATEGORIES reaches every target: the parser (`parse_yaml` or
`parse_csv`, then `parse_answers` and `assess`) and `tqm score --format json FILE` here, and
`POST /api/v1/score` and the answer forms in test_web_fuzz.py. Two kinds of tests:

- random documents (Hypothesis): complete valid answers with 0-4 hostile mutations, written as YAML,
  JSON or CSV text with text-level hostilities on top (duplicate keys, tags, aliases, bombs...).
  Each example records its categories as Hypothesis events (see them with
  `pytest tests/test_fuzz.py --hypothesis-show-statistics`), and
  test_the_generator_reaches_every_category proves each format's generator produces each one
  (CSV: all but nesting, tags, aliases and bombs, which CSV cannot carry);
- HOSTILE: the smallest case of every category, and every input that once broke something, always
  tried in block YAML and in flow (JSON-style) YAML, through the parser and the command line.

A scored result validates against result.schema.json and encodes as UTF-8 JSON. A rejection is
ProblemsFound (exit 1) whose every problem names its place (a field or question: a pointer below
`$`; a line:col; or the whole input: its size or its encoding) in one line of at most MAX_MESSAGE
characters. Nothing else ever happens: no other exception, no exit 3, no traceback. Examples per
target: EXAMPLES.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import (
    HealthCheck,
    Phase,
    currently_in_test_context,
    event,
    find,
    given,
    settings,
)
from hypothesis import strategies as st

import assessment.content.library
from assessment.content.library import Library
from assessment.engine.answers import META_COLUMNS, csv_to_answers, parse_answers
from assessment.engine.pipeline import assess
from assessment.io.schema import validator
from assessment.io.source import MAX_DEPTH, parse_csv, parse_yaml
from assessment.problems import MAX_MESSAGE, ProblemsFound

FUZZ = settings(
    deadline=None,
    report_multiple_bugs=False,
    phases=[  # no explain phase; shrink one failure, not every distinct one (minutes each)
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
        Phase.target,
        Phase.shrink,
    ],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # `cli` is stateless: one runner function
    ],
)
EXAMPLES = {  # target -> format -> generated examples (at least 500 per target)
    "parser": {"yaml": 300, "json": 200, "csv": 150},
    "cli": {"yaml": 400, "json": 400, "csv": 300, "bytes": 100},
}
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
RESULT = validator("result")
pytestmark = [
    pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
Draw = Callable[[st.SearchStrategy[Any]], Any]
Cli = Callable[..., Result]


@pytest.fixture(scope="module", autouse=True)
def parsed_content_once(library: Library) -> Iterator[None]:
    """`tqm` reuses the session's library instead of parsing the content on every call."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assessment.content.library, "load_library", lambda root=None: library)
        yield


class Content:
    """The session's library, with a short repr (Hypothesis prints every argument of a failure)."""

    def __init__(self, library: Library):
        self.library = library

    def __repr__(self) -> str:
        return "<the bundled library>"


@pytest.fixture(scope="module")
def content(library: Library) -> Content:
    return Content(library)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- values -------------------------------------------------------------------------------------

SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
AWKWARD = st.sampled_from(["\u202e", "\ufeff", "\u200b", "\U0001f600", "质", "\x7f", "\x85", "\\"])
CHAR = st.one_of(st.characters(codec="utf-8"), st.characters(max_codepoint=0x1F), AWKWARD)
TEXT = st.one_of(st.text(CHAR, max_size=30), st.text(st.one_of(CHAR, SURROGATE), max_size=5))
LONG_TEXT = st.builds(
    lambda s, n: (s * n)[:100_000], st.text(CHAR, min_size=1, max_size=3), st.integers(1, 100_000)
)
AROUND_THE_LIMIT = st.one_of(st.integers(4_998, 5_002), st.integers(5_003, 100_000))
VERY_LONG_TEXT = st.builds(
    lambda s, n: (s * n)[:n], st.text(CHAR, min_size=1, max_size=3), AROUND_THE_LIMIT
)
NUMBER = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**330),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 6, 2.5, 3.0000001, 1e308, -0.0, 5e-324]),
    st.sampled_from([math.nan, math.inf, -math.inf, 10**400, -(10**400)]),
)
SCALE = st.sampled_from([1, 2, 3, 4, 5, 3.0, "unknown", "unknown"])
LEAF = st.one_of(
    NUMBER, TEXT, st.booleans(), st.none(), st.sampled_from(["na", "unknown", "NA", ""])
)
NESTED = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


def deep(depth: int) -> Any:
    """A value nested `depth` levels (the limit is 40)."""
    value: Any = 3
    for level in range(depth):
        value = [value] if level % 2 else {"value": value}
    return value


DEEP = st.integers(30, 80).map(deep)
WEIRD = st.one_of(LEAF, NESTED, DEEP, LONG_TEXT)
ANSWER = st.one_of(
    SCALE,
    WEIRD,
    st.fixed_dictionaries(
        {"value": st.one_of(SCALE, LEAF)},
        optional={
            "evidence": st.one_of(TEXT, LONG_TEXT, LEAF),
            "note": st.one_of(TEXT, LONG_TEXT),
            "x": LEAF,
        },
    ),
)


# --- documents ----------------------------------------------------------------------------------


def valid_answers(library: Library, qid: str, draw: Draw) -> dict[str, Any]:
    """A complete valid answer to every question (na only where allowed)."""
    out = {}
    for question in library.questionnaires[qid].questions:
        values = st.sampled_from(["na"]) | SCALE if question.allow_na else SCALE
        value = draw(values)
        out[question.id] = draw(st.sampled_from([value, {"value": value, "evidence": "doc"}]))
    return out


def some_answers(doc: dict[str, Any], draw: Draw) -> dict[str, Any]:
    """The answers of one respondent of the document (the first answers mapping found)."""
    if isinstance(doc.get("answers"), dict):
        return doc["answers"]
    responses = doc.get("responses") if isinstance(doc.get("responses"), list) else []
    entries = [r for r in responses if isinstance(r, dict) and isinstance(r.get("answers"), dict)]
    return draw(st.sampled_from(entries))["answers"] if entries else {}


QUESTIONNAIRE = st.one_of(
    st.sampled_from(["tqm-quick@2", "tqm-audit@0", "nope", "tqm-quick@" + "9" * 5000]), TEXT, LEAF
)
ROLE = st.one_of(TEXT, st.sampled_from(["leader", "staff"]))
RESPONDENT = st.one_of(WEIRD, st.fixed_dictionaries({"id": TEXT, "role": ROLE}))
META = st.sampled_from(["respondent", "date", "target", "previous"])


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
        doc["respondent"] = {"id": "r1", "role": draw(st.sampled_from(["leader", "staff"]))}
        doc["answers"] = valid_answers(library, qid, draw)
    else:
        roles = st.sampled_from(["leader", "manager", "staff", "customer", "auditor"])
        doc["responses"] = [
            {
                "respondent": {"id": f"r{i}", "role": draw(roles)},
                "answers": valid_answers(library, qid, draw),
            }
            for i in range(draw(st.integers(1, 3)))
        ]
    questions = [q.id for q in library.questionnaires[qid].questions]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3, 4]))):
        mutate(doc, draw, questions)
    return doc


# --- which hostilities a document holds ---------------------------------------------------------

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
    responses = doc.get("responses") if isinstance(doc.get("responses"), list) else []
    for entry in [doc, *(r for r in responses if isinstance(r, dict))]:
        answers = entry.get("answers")
        for key, value in answers.items() if isinstance(answers, dict) else ():
            found |= set() if key in questions else {"unknown ids"}
            found |= set() if is_answer(value) else {"wrong types"}
    return found


@dataclass(frozen=True)
class Input:
    """A hostile input as text or bytes, and the categories it holds."""

    content: str | bytes
    categories: frozenset[str]

    def __repr__(self) -> str:
        shown = repr(self.content)
        shown = shown if len(shown) <= 2000 else f"{shown[:2000]}... ({len(shown)} characters)"
        return f"Input({sorted(self.categories)}, {shown})"


def noted(found: Input) -> Input:
    """Count the categories of the input in Hypothesis's statistics."""
    for category in sorted(found.categories):
        note(category)
    return found


# --- YAML, JSON and CSV text --------------------------------------------------------------------


def yaml_scalar(value: Any, ascii_only: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only or _has_surrogate(value))
    return json.dumps(value)


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def to_yaml(value: Any, ascii_only: bool, anchors: dict[int, str], found: set[str]) -> str:
    """Flow-style YAML; a mapping or list met twice becomes an anchor and an alias."""
    if isinstance(value, (dict, list)):
        if id(value) in anchors:
            found.add("YAML anchors and aliases")
            return f"*{anchors[id(value)]}"
        anchors[id(value)] = name = f"a{len(anchors)}"
        if isinstance(value, dict):
            items = (
                f"{yaml_scalar(str(k), ascii_only)}: {to_yaml(v, ascii_only, anchors, found)}"
                for k, v in value.items()
            )
            return f"&{name} {{{', '.join(items)}}}"
        return f"&{name} [{', '.join(to_yaml(v, ascii_only, anchors, found) for v in value)}]"
    return yaml_scalar(value, ascii_only)


@st.composite
def yaml_inputs(draw: Draw, library: Library) -> Input:
    """Block-style top level (one key a line) of flow values, then YAML-only hostilities."""
    doc = draw(documents(library))
    found = document_hostilities(doc, library)
    ascii_only, anchors = draw(st.booleans()), {}
    lines = [
        f"{yaml_scalar(str(k), ascii_only)}: {to_yaml(v, ascii_only, anchors, found)}"
        for k, v in doc.items()
    ]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        lines = draw(st.sampled_from(YAML_TRICKS))(lines, draw, found)
    return noted(Input("\n".join(lines) + "\n", frozenset(found)))


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
NOISE = {  # a line before or after the document -> the category it adds
    "%YAML 1.1\n---": None,
    "---": None,
    "# \x85": "unicode and control characters",
    "\ufeff": "unicode and control characters",
    "...": None,
    "? [a]\n: b": "wrong types",
    "<<: {questionnaire: x}": "YAML anchors and aliases",
    "*undefined": "YAML anchors and aliases",
    "\t": "unicode and control characters",
    "key: 0x1F": "unknown ids",
    "key: 1:20": "unknown ids",
    "key: 2024-01-01": "unknown ids",
    "key: !!timestamp x": "YAML tags",
    "key: !<tag:x,2000:y> 1": "YAML tags",
}


def _duplicate(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    if not lines:
        return lines
    found.add("duplicate keys")
    return [*lines, draw(st.sampled_from(lines))]


def _duplicate_answer(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    """A question answered twice in the same answers mapping."""
    return [duplicate_first_key(line, found) for line in lines]


QUESTION_KEY = re.compile(r'"([a-z]+\.[a-z_]+)": ')


def duplicate_first_key(text: str, found: set[str]) -> str:
    """`"customer.x": 3` -> `"customer.x": 1, "customer.x": 3` (the first question key only)."""
    match = QUESTION_KEY.search(text)
    if not match:
        return text
    found.add("duplicate keys")
    return text[: match.start()] + f"{match.group()}1, " + text[match.start() :]


def _tag(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    if not lines:
        return lines
    index = draw(st.integers(0, len(lines) - 1))
    tag = draw(st.sampled_from(TAGS))
    key, sep, value = lines[index].partition(": ")
    if sep:
        found.add("YAML tags")
        lines[index] = f"{key}{sep}{tag} {value}"
    return lines


def bomb_lines(levels: int, width: int) -> list[str]:
    """Billion laughs: each level an anchored list of `width` aliases of the one below."""
    bomb = ["bomb0: &b0 [" + ", ".join(["lol"] * width) + "]"]
    return bomb + [
        f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]" for i in range(1, levels)
    ]


def _bomb(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    found |= {"alias bombs", "YAML anchors and aliases", "unknown ids"}
    return bomb_lines(draw(st.integers(2, 9)), draw(st.integers(2, 10))) + lines


def _deep_text(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    depth = draw(st.integers(35, 3000))
    found |= {"unknown ids"} | ({"deep nesting"} if depth > MAX_DEPTH else set())
    return [*lines, "deep: " + "[" * depth + "]" * depth]


def _noise(lines: list[str], draw: Draw, found: set[str]) -> list[str]:
    noise = draw(st.sampled_from(sorted(NOISE)))
    found |= {NOISE[noise]} - {None}  # type: ignore[arg-type]
    return [noise, *lines] if draw(st.booleans()) else [*lines, noise]


YAML_TRICKS = [_duplicate, _duplicate_answer, _tag, _bomb, _deep_text, _noise]


@st.composite
def json_inputs(draw: Draw, library: Library) -> Input:
    """JSON (NaN and Infinity tokens allowed) with a trick: a duplicate key, truncation, or YAML
    in it (a .json file is read as YAML, which JSON is a subset of)."""
    doc = draw(documents(library))
    found = document_hostilities(doc, library)
    text = json.dumps(
        doc,
        ensure_ascii=draw(st.booleans()),
        allow_nan=True,
        indent=draw(st.sampled_from([None, 1])),
    )
    trick = draw(st.integers(0, 9))
    if trick == 0 and text.startswith("{") and len(text) > 2:
        text = '{"organisation": "dup", ' + text[1:]
        found.add("duplicate keys")
    elif trick == 1:
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    elif trick == 2:
        text = duplicate_first_key(text, found)
    elif trick == 3 and QUESTION_KEY.search(text):
        tag = draw(st.sampled_from(TAGS))
        text = QUESTION_KEY.sub(lambda m: f"{m.group()}{tag} ", text, count=1)
        found.add("YAML tags")
    elif trick == 4 and text.startswith("{") and len(text) > 2:
        levels, width = draw(st.integers(2, 9)), draw(st.integers(2, 10))
        bomb = ", ".join(line.replace(":", '":', 1) for line in bomb_lines(levels, width))
        text = '{"' + bomb.replace(", bomb", ', "bomb') + ", " + text[1:]
        found |= {"alias bombs", "YAML anchors and aliases", "unknown ids"}
    elif trick == 5 and text.endswith("}") and '"answers": {' in text:
        text = text.replace('"answers": {', '"answers": &mine {', 1)[:-1] + ', "copy": *mine}'
        found |= {"YAML anchors and aliases", "unknown ids"}
    return noted(Input(text, frozenset(found)))


@st.composite
def csv_inputs(draw: Draw, library: Library) -> Input:
    """The document as CSV rows (one per respondent), then CSV-only hostilities."""
    doc = draw(documents(library))
    rows = [_csv_row(doc, entry) for entry in _entries(doc)]
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
    found = csv_hostilities(header, cells, library) | text_hostilities(text[:1] + text[-1:])
    return noted(Input(text, frozenset(found)))


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


def _entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    if "responses" in doc:
        entries = doc["responses"] if isinstance(doc["responses"], list) else []
        return [e for e in entries if isinstance(e, dict)]
    return [{"respondent": doc.get("respondent"), "answers": doc.get("answers")}]


def _csv_row(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, str]:
    info = entry.get("respondent") if isinstance(entry.get("respondent"), dict) else {}
    row = {
        "questionnaire": _cell(doc.get("questionnaire")),
        "organisation": _cell(doc.get("organisation")),
    }
    row |= {"respondent": _cell(info.get("id")), "role": _cell(info.get("role"))}
    answers = entry.get("answers") if isinstance(entry.get("answers"), dict) else {}
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


# --- checks -------------------------------------------------------------------------------------

WHOLE_INPUT = re.compile(
    r"^(not UTF-8 text \(byte \d+\)|file is \d+ bytes; the limit is \d+|document exceeds \d+ bytes)$"
)


def names_its_place(pointer: str, line: int | None, message: str) -> bool:
    """A field or question (a pointer below `$`), a line, or the whole input (size, encoding)."""
    return pointer != "$" or line is not None or bool(WHOLE_INPUT.match(message))


def note(outcome: str) -> None:
    """Count outcomes in Hypothesis's statistics (pytest --hypothesis-show-statistics)."""
    if currently_in_test_context():
        event(outcome)


def check_scored(result: dict[str, Any]) -> None:
    errors = [e.message for e in RESULT.iter_errors(result)]
    assert not errors, errors[:3]
    json.dumps(result, ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_rejected(exc: ProblemsFound) -> None:
    assert exc.problems
    for problem in exc.problems:
        assert problem.message.strip() and problem.pointer.startswith("$"), problem
        assert len(problem.message) <= MAX_MESSAGE, f"{len(problem.message)} characters: {problem}"
        assert names_its_place(problem.pointer, problem.line, problem.message), (
            f"a problem that does not say where: {problem}"
        )


def check_library(text: str, library: Library, csv_text: bool = False) -> ProblemsFound | None:
    """(a) the parser + parse_answers (+ assess when the answers are accepted): the rejection."""
    try:
        document = parse_csv(text, "fuzz.csv") if csv_text else parse_yaml(text, "fuzz.yaml")
        answers = parse_answers(csv_to_answers(document) if csv_text else document, library)
    except ProblemsFound as exc:
        note("rejected")
        check_rejected(exc)
        return exc
    note("scored")
    check_scored(assess(answers, library).to_document("en"))
    return None


PROBLEM_LINE = r"^{path}(?::(\d+):(\d+))?: (\$.*?): (.+)$"


def check_cli(cli: Cli, path: Path, content: str | bytes) -> list[tuple[int | None, str, str]]:
    """(b) `tqm score --format json FILE`: exit 0 with a valid result, or 1 with problem lines.

    Returns the (line, pointer, message) of every problem reported.
    """
    path.write_bytes(
        content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    )
    result = cli("score", path, "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr[-500:])
    note(f"exit {result.exit_code}")
    if result.exit_code == 0:
        check_scored(json.loads(result.stdout))
        return []
    assert result.stdout == ""
    problem = re.compile(PROBLEM_LINE.format(path=re.escape(str(path))))
    found = []
    for line in result.stderr.rstrip("\n").split("\n"):  # one problem a line
        match = problem.match(line)
        assert match, f"not a problem line: {line[:300]!r}"
        number, _col, pointer, message = match.groups()
        assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {line[:300]!r}"
        assert names_its_place(pointer, number and int(number), message), (
            f"a problem that does not say where: {line[:300]!r}"
        )
        found.append((number and int(number), pointer, message))
    return found


# --- random documents ---------------------------------------------------------------------------


@settings(FUZZ, max_examples=EXAMPLES["parser"]["yaml"])
@given(data=st.data())
def test_the_parser_scores_or_names_the_problems_of_yaml_documents(
    content: Content, data: st.DataObject
) -> None:
    check_library(data.draw(yaml_inputs(content.library)).content, content.library)


@settings(FUZZ, max_examples=EXAMPLES["parser"]["json"])
@given(data=st.data())
def test_the_parser_scores_or_names_the_problems_of_json_documents(
    content: Content, data: st.DataObject
) -> None:
    check_library(data.draw(json_inputs(content.library)).content, content.library)


@settings(FUZZ, max_examples=EXAMPLES["parser"]["csv"])
@given(data=st.data())
def test_the_parser_scores_or_names_the_problems_of_csv_documents(
    content: Content, data: st.DataObject
) -> None:
    text = data.draw(csv_inputs(content.library)).content
    check_library(text, content.library, csv_text=True)


@settings(FUZZ, max_examples=EXAMPLES["cli"]["yaml"])
@given(data=st.data())
def test_tqm_score_scores_or_names_the_problems_of_yaml_files(
    cli: Cli, folder: Path, content: Content, data: st.DataObject
) -> None:
    check_cli(cli, folder / "answers.yaml", data.draw(yaml_inputs(content.library)).content)


@settings(FUZZ, max_examples=EXAMPLES["cli"]["json"])
@given(data=st.data())
def test_tqm_score_scores_or_names_the_problems_of_json_files(
    cli: Cli, folder: Path, content: Content, data: st.DataObject
) -> None:
    check_cli(cli, folder / "answers.json", data.draw(json_inputs(content.library)).content)


@settings(FUZZ, max_examples=EXAMPLES["cli"]["csv"])
@given(data=st.data())
def test_tqm_score_scores_or_names_the_problems_of_csv_files(
    cli: Cli, folder: Path, content: Content, data: st.DataObject
) -> None:
    check_cli(cli, folder / "answers.csv", data.draw(csv_inputs(content.library)).content)


@settings(FUZZ, max_examples=EXAMPLES["cli"]["bytes"])
@given(content=st.binary(max_size=300))
def test_tqm_score_names_the_problems_of_arbitrary_bytes(
    cli: Cli, folder: Path, content: bytes
) -> None:
    check_cli(cli, folder / "bytes.yaml", content)


REACHABLE = [
    (fmt, category)
    for fmt in INPUTS
    for category in CATEGORIES
    if fmt != "csv" or category not in NOT_IN_CSV
]


# For the tests that a generator can reach a category: many draws, nothing shrunk or saved.
GENERATE_ONLY = settings(
    max_examples=5000,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize(("fmt", "category"), REACHABLE, ids=[f"{f}-{c}" for f, c in REACHABLE])
def test_the_generator_reaches_every_category(content: Content, fmt: str, category: str) -> None:
    """The random tests can meet every category (CSV cannot nest, tag or alias: the others can)."""
    found = find(
        INPUTS[fmt](content.library), lambda i: category in i.categories, settings=GENERATE_ONLY
    )
    assert category in found.categories


# --- the smallest case of every category, always tried -----------------------------------------

Q, Q2 = "customer.voice_to_design", "leadership.quality_in_strategy"
# (where, key, raw YAML or JSON text): where is "answer" or "top" (set or add the key), or
# "+answer" or "+top" (add the key once more)
Change = tuple[str, str, str]


def bomb(levels: int, width: int) -> list[Change]:
    """Anchored lists l0..l<levels>, each `width` aliases of the one below; an answer is the last."""
    changes = [("top", "l0", '["lol", "lol"]')]
    changes += [
        ("top", f"l{n}", "[" + ", ".join([f"*l{n - 1}"] * width) + "]")
        for n in range(1, levels + 1)
    ]
    changes = [(w, k, f"&{k} {raw}") for w, k, raw in changes]
    return [*changes, ("answer", Q, f"*l{levels}")]


HOSTILE: dict[str, dict[str, list[Change]]] = {
    "wrong types": {
        "a list as an answer": [("answer", Q, "[1, 2]")],
        "text as an answer": [("answer", Q, '"three"')],
        "a boolean as an answer": [("answer", Q, "true")],
        "null as an answer": [("answer", Q, "null")],
        "a list as the value": [("answer", Q, '{"value": [3]}')],
        "a number as the note": [("answer", Q, '{"value": 3, "note": 5}')],
        "a mapping as the organisation": [("top", "organisation", '{"a": 1}')],
        "a number as the questionnaire": [("top", "questionnaire", "5")],
        "text as the respondent": [("top", "respondent", '"r1"')],
        "text as a target": [("top", "target", '{"customer": "high"}')],
    },
    "unknown ids": {
        "an unknown question": [("answer", "customer.no_such_question", "3")],
        "a question id in capitals": [("answer", Q.upper(), "3")],
        "an unknown field": [("top", "colour", '"blue"')],
        "an unknown questionnaire": [("top", "questionnaire", '"nope"')],
        "an unknown version": [("top", "questionnaire", '"tqm-quick@9"')],
        "an unknown role": [("top", "respondent", '{"id": "r1", "role": "king"}')],
        "an unknown target dimension": [("top", "target", '{"nowhere": 50}')],
        "an unknown key in an answer": [("answer", Q, '{"value": 3, "colour": "red"}')],
    },
    "huge numbers": {
        "400 digits": [("answer", Q, "9" * 400)],
        "5000 digits (beyond int() of a string)": [("answer", Q, "9" * 5000)],
        "minus 400 digits": [("answer", Q, "-" + "9" * 400)],
        "1e400": [("answer", Q, "1e400")],
        "1e308": [("answer", Q, "1e308")],
        "a 400-digit value": [("answer", Q, '{"value": ' + "9" * 400 + "}")],
        "a 400-digit target": [("top", "target", '{"customer": ' + "9" * 400 + "}")],
        "a version with 5000 digits": [("top", "questionnaire", '"tqm-quick@' + "9" * 5000 + '"')],
    },
    "NaN and infinities": {
        "YAML .nan": [("answer", Q, ".nan")],
        "JSON NaN": [("answer", Q, "NaN")],
        "YAML .inf": [("answer", Q, ".inf")],
        "JSON -Infinity": [("answer", Q, "-Infinity")],
        "a NaN value": [("answer", Q, '{"value": .nan}')],
        "a NaN target": [("top", "target", '{"customer": .nan}')],
        "an infinite previous index": [("top", "previous", '{"customer": -.inf}')],
    },
    "deep nesting": {
        "41 lists": [("answer", Q, "[" * 41 + "3" + "]" * 41)],
        "45 mappings": [("answer", Q, '{"value": ' * 45 + "3" + "}" * 45)],
        "3000 lists": [("answer", Q, "[" * 3000 + "]" * 3000)],
        "41 lists as the organisation": [("top", "organisation", "[" * 41 + "]" * 41)],
    },
    "unicode and control characters": {
        "control characters escaped": [("top", "organisation", '"\\x1b[31mred\\x00\\x07"')],
        "a control character as it is": [("top", "organisation", '"a\x01b"')],
        "a lone surrogate escape": [("top", "organisation", '"\\ud800"')],
        "bidi, BOM, emoji and CJK in a note": [
            ("answer", Q, '{"value": 3, "note": "\u202e\ufeff\U0001f600质"}')
        ],
        "a NEL line break": [("top", "organisation", '"a\x85b"')],
        "an accented question id": [("answer", "customer.voice_to_désign", "3")],
        "a zero-width space in a question id": [("answer", "customer.voice\u200b_to_design", "3")],
    },
    "very long notes": {
        "a 100,000-character note": [
            ("answer", Q, '{"value": 3, "note": "' + "n" * 100_000 + '"}')
        ],
        "5001 characters of evidence": [
            ("answer", Q, '{"value": 3, "evidence": "' + "e" * 5001 + '"}')
        ],
        "20,000 CJK characters as the organisation": [
            ("top", "organisation", '"' + "长" * 20_000 + '"')
        ],
    },
    "duplicate keys": {
        "a question answered twice": [("+answer", Q, "4")],
        "the organisation twice": [("+top", "organisation", '"Other Co"')],
        "a note twice": [("answer", Q, '{"value": 3, "note": "a", "note": "b"}')],
        "the answers twice": [("+top", "answers", "{}")],
    },
    "YAML tags": {
        "a Python object": [("answer", Q, "!!python/object/apply:os.system ['true']")],
        "a custom tag": [("answer", Q, "!custom 3")],
        "int tag on an empty string": [("answer", Q, '!!int ""')],
        "int tag on a bare prefix": [("answer", Q, '!!int "0x"')],
        "int tag on a word": [("answer", Q, '!!int "x"')],
        "float tag on a word": [("answer", Q, '!!float "x"')],
        "bool tag on a non-boolean": [("top", "organisation", '!!bool "maybe"')],
        "set tag on a scalar": [("top", "organisation", '!!set "x"')],
        "omap tag on a scalar": [("top", "organisation", "!!omap 3")],
        "binary": [("top", "organisation", "!!binary aGVsbG8=")],
        "str tag on a number": [("answer", Q, "!!str 3")],
        "a timestamp as the date": [("top", "date", "2026-01-01T10:00:00Z")],
        "a verbatim tag": [("answer", Q, "!<tag:x,2000:y> 3")],
    },
    "YAML anchors and aliases": {
        "an answer aliasing another": [("answer", Q, "&a 3"), ("answer", Q2, "*a")],
        "an undefined alias": [("answer", Q, "*nowhere")],
        "a merge key": [("answer", Q, '{"value": 3, <<: {"note": "merged"}}')],
        "a list that contains itself": [("top", "colour", "&x [*x]")],
        "an answer mapping aliased": [("answer", Q, '&v {"value": 3}'), ("answer", Q2, "*v")],
    },
    "alias bombs": {
        "9 levels of 9": bomb(9, 9),
        "3 levels of 100": bomb(3, 100),
        "20 levels of 2": bomb(20, 2),
    },
}
HOSTILE_CASES = [
    (category, case, style)
    for category, cases in HOSTILE.items()
    for case in cases
    for style in ("block", "flow")
]


def hostile_text(library: Library, changes: list[Change], style: str) -> tuple[str, list[int]]:
    """A complete valid tqm-quick document with the changes; and the lines they are on (block)."""
    top = [("questionnaire", '"tqm-quick"'), ("organisation", '"Hostile Co"')]
    answers = [(q.id, "3") for q in library.questionnaires["tqm-quick"].questions]
    for where, key, raw in changes:
        pairs = answers if where.endswith("answer") else top
        index = next((i for i, (k, _) in enumerate(pairs) if k == key), None)
        if where.startswith("+") or index is None:
            pairs.append((key, raw))
        else:
            pairs[index] = (key, raw)
    head = [f"{_key(k)}: {v}" for k, v in top]
    body = [f"{_key(k)}: {v}" for k, v in answers]
    if style == "flow":
        return "{" + ", ".join([*head, '"answers": {' + ", ".join(body) + "}"]) + "}\n", [1]
    lines = [*head, '"answers":', *(f"  {entry}" for entry in body)]
    changed = {f"{_key(key)}: {raw}" for _, key, raw in changes}
    at = [n for n, line in enumerate(lines, 1) if line.strip() in changed]
    return "\n".join(lines) + "\n", at


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def points_at_a_change(
    category: str, changes: list[Change], problem: tuple[int | None, str, str], lines: list[int]
) -> bool:
    """The (line, pointer, message) names a changed key or the line of a change (a bomb: any)."""
    line, pointer, message = problem
    keys = {key for _, key, _ in changes}
    return (
        any(key in pointer or f'"{key}"' in message for key in keys)
        or line in lines
        or (category == "alias bombs" and pointer == "$")
    )


@pytest.mark.parametrize(
    ("category", "case", "style"),
    HOSTILE_CASES,
    ids=[f"{style}-{category}-{case}" for category, case, style in HOSTILE_CASES],
)
def test_the_parser_scores_or_names_every_hostile_case(
    content: Content, category: str, case: str, style: str
) -> None:
    changes = HOSTILE[category][case]
    text, lines = hostile_text(content.library, changes, style)
    rejected = check_library(text, content.library)
    if rejected is not None:
        assert any(
            points_at_a_change(category, changes, (p.line, p.pointer, p.message), lines)
            for p in rejected.problems
        ), [str(p)[:300] for p in rejected.problems]


@pytest.mark.parametrize(
    ("category", "case", "style"),
    HOSTILE_CASES,
    ids=[f"{style}-{category}-{case}" for category, case, style in HOSTILE_CASES],
)
def test_tqm_score_scores_or_names_every_hostile_case(
    cli: Cli, tmp_path: Path, content: Content, category: str, case: str, style: str
) -> None:
    changes = HOSTILE[category][case]
    text, lines = hostile_text(content.library, changes, style)
    path = tmp_path / ("answers.json" if style == "flow" else "answers.yaml")
    problems = check_cli(cli, path, text)
    if problems:
        assert any(points_at_a_change(category, changes, problem, lines) for problem in problems), (
            problems
        )


def test_a_duplicate_key_message_stays_on_one_line(
    cli: Cli, tmp_path: Path, content: Content
) -> None:
    text, _ = hostile_text(
        content.library, [("+top", "organisation", '"line 1\\nline 2"')], "block"
    )
    check_cli(cli, tmp_path / "duplicate.yaml", text)


def test_a_csv_version_with_5000_digits(cli: Cli, tmp_path: Path, content: Content) -> None:
    questions = [q.id for q in content.library.questionnaires["tqm-quick"].questions]
    row = ["tqm-quick@" + "9" * 5000, "r1", "staff", *["3"] * len(questions)]
    text = ",".join(["questionnaire", "respondent", "role", *questions]) + "\n" + ",".join(row)
    check_cli(cli, tmp_path / "version.csv", text + "\n")


def test_a_csv_mixing_questionnaires_says_so_in_one_short_line(
    cli: Cli, tmp_path: Path, content: Content
) -> None:
    questions = [q.id for q in content.library.questionnaires["tqm-quick"].questions]
    rows = [
        ["questionnaire", "respondent", "role", *questions],
        ["tqm-quick@" + "9" * 5000, "r1", "staff", *["3"] * len(questions)],
        ["tqm-quick", "r2", "staff", *["3"] * len(questions)],
    ]
    text = "".join(",".join(row) + "\n" for row in rows)
    assert check_cli(cli, tmp_path / "mixed.csv", text)  # rejected, each problem one short line
