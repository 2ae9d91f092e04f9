"""Hostile answer documents: always scored (valid result) or rejected with located problems.

Documents start from complete valid answers (so some are scored) and get 0-4 mutations: wrong types,
unknown ids, huge numbers, NaN and infinities, deep nesting, Unicode (lone surrogates included) and
control characters, 100 kB notes. YAML text may add duplicate keys, tags, anchors, aliases and alias
bombs. Each document goes (a) through `parse_yaml` + `parse_answers` + `assess`, and (b) through
`tqm score --format json` on a file, as YAML, JSON and CSV text. A scored result validates against
result.schema.json and encodes as UTF-8 JSON; a rejection is ProblemsFound (exit 1) whose problems
each have a message and a pointer; nothing else ever happens (no other exception, no exit 3).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

import assessment.content
from assessment.answers import parse_answers
from assessment.content import Library
from assessment.pipeline import assess
from assessment.problems import ProblemsFound
from assessment.source import parse_yaml
from assessment.validation import validator

FUZZ = settings(
    deadline=None,
    report_multiple_bugs=False,
    phases=[
        Phase.explicit,
        Phase.reuse,
        Phase.generate,
        Phase.target,
        Phase.shrink,
    ],  # no explain  # shrink one failure, not every distinct one (minutes each)
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,  # `cli` is stateless: one runner function
    ],
)
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
        patch.setattr(assessment.content, "load_library", lambda root=None: library)
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
NUMBER = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**330),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 6, 2.5, 3.0000001, 1e308, -0.0, 5e-324]),
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
    """One hostile change, in place: to an answer (kinds 0-3) or to the document."""
    answers, kind = some_answers(doc, draw), draw(st.integers(0, 11))
    if kind == 0 and answers:
        answers[draw(st.sampled_from(sorted(answers)))] = draw(ANSWER)
    elif kind == 1 and answers:
        del answers[draw(st.sampled_from(sorted(answers)))]
    elif kind == 2:
        answers[draw(st.one_of(TEXT, st.sampled_from(questions).map(str.upper)))] = draw(ANSWER)
    elif kind == 3 and answers:
        answers[draw(st.sampled_from(questions))] = draw(NUMBER)
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


# --- YAML, JSON and CSV text --------------------------------------------------------------------


def yaml_scalar(value: Any, ascii_only: bool) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=ascii_only or _has_surrogate(value))
    return json.dumps(value)


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def to_yaml(value: Any, ascii_only: bool = False, anchors: dict[int, str] | None = None) -> str:
    """Flow-style YAML; a mapping or list met twice becomes an anchor and an alias."""
    anchors = {} if anchors is None else anchors
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


def yaml_text(doc: dict[str, Any], draw: Draw) -> str:
    """Block-style top level (one key a line), then YAML-only hostilities."""
    ascii_only = draw(st.booleans())
    anchors: dict[int, str] = {}
    lines = [
        f"{yaml_scalar(str(k), ascii_only)}: {to_yaml(v, ascii_only, anchors)}"
        for k, v in doc.items()
    ]
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        lines = draw(st.sampled_from(YAML_TRICKS))(lines, draw)
    return "\n".join(lines) + "\n"


TAGS = ["!!python/object:os.system", "!custom", "!!binary", "!!str", "!!int", "!!float", "!!map", "!!set", "!!omap"]
NOISE = (
    ["%YAML 1.1\n---", "---", "# \x85", "\ufeff", "...", "? [a]\n: b", "<<: {questionnaire: x}", "*undefined", "\t"]
)
NOISE += [
    "key: 0x1F",
    "key: 1:20",
    "key: 2024-01-01",
    "key: !!timestamp x",
    "key: !<tag:x,2000:y> 1",
]


def _duplicate(lines: list[str], draw: Draw) -> list[str]:
    return [*lines, draw(st.sampled_from(lines))] if lines else lines


def _tag(lines: list[str], draw: Draw) -> list[str]:
    if not lines:
        return lines
    index = draw(st.integers(0, len(lines) - 1))
    tag = draw(st.sampled_from(TAGS))
    key, sep, value = lines[index].partition(": ")
    lines[index] = f"{key}{sep}{tag} {value}" if sep else lines[index]
    return lines


def _bomb(lines: list[str], draw: Draw) -> list[str]:
    width, levels = draw(st.integers(2, 10)), draw(st.integers(2, 9))
    bomb = ["bomb0: &b0 [" + ", ".join(["lol"] * width) + "]"]
    bomb += [
        f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * width) + "]" for i in range(1, levels)
    ]
    return bomb + lines


def _deep_text(lines: list[str], draw: Draw) -> list[str]:
    depth = draw(st.integers(35, 3000))
    return [*lines, "deep: " + "[" * depth + "]" * depth]


def _noise(lines: list[str], draw: Draw) -> list[str]:
    noise = draw(st.sampled_from(NOISE))
    return [noise, *lines] if draw(st.booleans()) else [*lines, noise]


YAML_TRICKS = [_duplicate, _tag, _bomb, _deep_text, _noise]


def json_text(doc: dict[str, Any], draw: Draw) -> str:
    """JSON (NaN and Infinity tokens allowed), sometimes with a duplicate key or a stray byte."""
    text = json.dumps(
        doc,
        ensure_ascii=draw(st.booleans()),
        allow_nan=True,
        indent=draw(st.sampled_from([None, 1])),
    )
    trick = draw(st.integers(0, 5))
    if trick == 0 and text.startswith("{") and len(text) > 2:
        text = '{"organisation": "dup", ' + text[1:]  # a duplicate key
    elif trick == 1:
        text = text[: draw(st.integers(0, len(text)))]  # truncated
    return text


def csv_text(doc: dict[str, Any], draw: Draw) -> str:
    """The document as CSV rows (one per respondent), then CSV-only hostilities."""
    rows = [_csv_row(doc, entry) for entry in _entries(doc)]
    header = list(dict.fromkeys(k for row in rows for k in row)) or ["questionnaire"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [row.get(k, "") for k in header]
            + draw(st.lists(TEXT.filter(lambda s: not _has_surrogate(s)), max_size=1))
        )
    text = buffer.getvalue()
    trick = draw(st.integers(0, 5))
    if trick == 0:
        text = text.replace(",", ',"', 1)  # an unbalanced quote
    elif trick == 1:
        text = "\ufeff" + text + "\x00"
    return text


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


# --- checks -------------------------------------------------------------------------------------


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


def check_library(text: str, library: Library) -> None:
    """(a) parse_yaml + parse_answers (+ assess when the answers are accepted)."""
    try:
        answers = parse_answers(parse_yaml(text, "fuzz.yaml"), library)
    except ProblemsFound as exc:
        note("rejected")
        check_rejected(exc)
        return
    note("scored")
    check_scored(assess(answers, library))


def check_cli(cli: Cli, path: Path, content: str | bytes) -> None:
    """(b) `tqm score --format json FILE`: exit 0 with a valid result, or 1 with problem lines."""
    path.write_bytes(
        content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    )
    result = cli("score", path, "--format", "json")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr[-500:])
    note(f"exit {result.exit_code}")
    if result.exit_code == 0:
        check_scored(json.loads(result.stdout))
        return
    assert result.stdout == ""
    problem = re.compile(rf"^{re.escape(str(path))}(:\d+:\d+)?: \$.*: \S")
    lines = result.stderr.rstrip("\n").split("\n")  # one problem a line
    assert lines and all(problem.match(line) for line in lines), lines[:5]


# --- the tests ----------------------------------------------------------------------------------


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_library_on_yaml_documents(content: Content, data: st.DataObject) -> None:
    doc = data.draw(documents(content.library))
    check_library(yaml_text(doc, data.draw), content.library)


@settings(FUZZ, max_examples=250)
@given(data=st.data())
def test_library_on_json_documents(content: Content, data: st.DataObject) -> None:
    doc = data.draw(documents(content.library))
    check_library(json_text(doc, data.draw), content.library)


@settings(FUZZ, max_examples=500)
@given(data=st.data())
def test_cli_on_yaml_files(cli: Cli, folder: Path, content: Content, data: st.DataObject) -> None:
    doc = data.draw(documents(content.library))
    check_cli(cli, folder / "answers.yaml", yaml_text(doc, data.draw))


@settings(FUZZ, max_examples=500)
@given(data=st.data())
def test_cli_on_json_files(cli: Cli, folder: Path, content: Content, data: st.DataObject) -> None:
    doc = data.draw(documents(content.library))
    check_cli(cli, folder / "answers.json", json_text(doc, data.draw))


@settings(FUZZ, max_examples=500)
@given(data=st.data())
def test_cli_on_csv_files(cli: Cli, folder: Path, content: Content, data: st.DataObject) -> None:
    doc = data.draw(documents(content.library))
    check_cli(cli, folder / "answers.csv", csv_text(doc, data.draw))


@settings(FUZZ, max_examples=100)
@given(content=st.binary(max_size=300))
def test_cli_on_arbitrary_bytes(cli: Cli, folder: Path, content: bytes) -> None:
    check_cli(cli, folder / "bytes.yaml", content)


# --- the smallest known hostile inputs, always tried ------------------------------------------

SNIPPETS = {
    "int tag on an empty string": ("customer.voice_to_design", '!!int ""'),
    "int tag on a bare prefix": ("customer.voice_to_design", '!!int "0x"'),
    "bool tag on a non-boolean": ("organisation", '!!bool "maybe"'),
    "set tag on a scalar": ("organisation", '!!set "x"'),
    "integer beyond float range": ("customer.voice_to_design", "9" * 400),
    "version with 5000 digits": ("questionnaire", '"tqm-quick@' + "9" * 5000 + '"'),
    "lone surrogate escape": ("organisation", '"\\ud800"'),
    "control characters": ("organisation", '"\\x1b[31mred\\x00\\x07"'),
}


def snippet_yaml(library: Library, field: str, value: str) -> str:
    """A complete valid tqm-quick document with one field set to the snippet."""
    lines = {"questionnaire": "tqm-quick", "organisation": "Snippet Co"}
    answers = {q.id: "3" for q in library.questionnaires["tqm-quick"].questions}
    (answers if field in answers else lines)[field] = value
    body = "".join(f"  {qid}: {v}\n" for qid, v in answers.items())
    return "".join(f"{k}: {v}\n" for k, v in lines.items()) + "answers:\n" + body


@pytest.mark.parametrize(("field", "value"), SNIPPETS.values(), ids=list(SNIPPETS))
def test_known_hostile_snippets(
    cli: Cli, tmp_path: Path, content: Content, field: str, value: str
) -> None:
    text = snippet_yaml(content.library, field, value)
    check_library(text, content.library)
    check_cli(cli, tmp_path / "snippet.yaml", text)


def test_a_duplicate_key_message_stays_on_one_line(
    cli: Cli, tmp_path: Path, content: Content
) -> None:
    text = (
        snippet_yaml(content.library, "organisation", '"a"') + 'organisation: "line 1\\nline 2"\n'
    )
    check_cli(cli, tmp_path / "duplicate.yaml", text)


def test_a_csv_version_with_5000_digits(cli: Cli, tmp_path: Path, content: Content) -> None:
    questions = [q.id for q in content.library.questionnaires["tqm-quick"].questions]
    row = ["tqm-quick@" + "9" * 5000, "r1", "staff", *["3"] * len(questions)]
    text = ",".join(["questionnaire", "respondent", "role", *questions]) + "\n" + ",".join(row)
    check_cli(cli, tmp_path / "version.csv", text + "\n")
