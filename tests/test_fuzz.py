"""Hostile answer documents: always scored (valid result) or rejected with named problems.

Every category of hostile input (helpers.strategies.CATEGORIES) reaches every target: the parser
(`parse_yaml` or `parse_csv`, then `parse_answers` and `assess`) and `tqm score --format json FILE`
here, and `POST /api/v1/score` and the answer forms in tests/web/test_web_fuzz.py. Two kinds of tests:

- random documents (Hypothesis, helpers.strategies): complete valid answers with 0-4 hostile
  mutations, written as YAML, JSON or CSV text with text-level hostilities on top (duplicate keys,
  tags, aliases, bombs...), scored or rejected;
- one generator per category (helpers.categories), each making only its own kind of hostility and
  knowing the outcome it must have (rejected; scored for anchors and aliases; either for escaped
  control characters), in every format that can carry it (CSV: all but nesting, tags, aliases and
  bombs); each example counts its category as a Hypothesis event (see them with
  `pytest tests/test_fuzz.py --hypothesis-show-statistics`);
- the hostile cases of tests/data/hostile.yaml: the smallest case of every category, and every
  input that once broke something, always tried in block YAML and in flow (JSON-style) YAML,
  through the parser and the command line; each keeps the outcome the file records for it.

A scored result validates against result.schema.json and encodes as UTF-8 JSON. A rejection is
ProblemsFound (exit 1) whose every problem names its place (a field or question: a pointer below
`$`; a line:col; or the whole input: its size or its encoding) in one line of at most MAX_MESSAGE
characters. Nothing else ever happens: no other exception, no exit 3, no traceback. Examples per
target: EXAMPLES.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from helpers.categories import categories_of, hostile_inputs
from helpers.hostile import (
    STYLES,
    HostileCase,
    Reported,
    hostile_text,
    load_cases,
    points_at_a_change,
)
from helpers.outcomes import check_rejected, check_scored, names_its_place
from helpers.strategies import CATEGORIES, INPUTS, csv_inputs, json_inputs, note, yaml_inputs
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import assessment.content.library
from assessment.content.library import Library
from assessment.engine.answers import csv_to_answers, parse_answers
from assessment.engine.pipeline import assess
from assessment.io.csv_reader import parse_csv
from assessment.io.yaml_reader import parse_yaml
from assessment.problems import MAX_MESSAGE, MAX_PROBLEMS, ProblemsFound

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
    "category": 20,  # per format and category: 580 in all
}
pytestmark = [
    pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning"),
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]
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


# --- checks -------------------------------------------------------------------------------------


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
# after the first MAX_PROBLEMS problems, one line counts the rest (ProblemsFound.render)
MORE_LINE = re.compile(
    rf"^… and (at least )?[1-9]\d* more problem\(s\) \(the first {MAX_PROBLEMS} are listed\)$"
)


def check_cli(cli: Cli, path: Path, content: str | bytes) -> list[Reported] | None:
    """(b) `tqm score --format json FILE`: exit 0 with a valid result, or 1 with problem lines.

    Returns the (line, pointer, message) of every problem reported, or None when it was scored.
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
        return None
    assert result.stdout == ""
    problem = re.compile(PROBLEM_LINE.format(path=re.escape(str(path))))
    found: list[Reported] = []
    lines = result.stderr.rstrip("\n").split("\n")  # one problem a line
    if MORE_LINE.match(lines[-1]):
        lines = lines[:-1]
        assert len(lines) == MAX_PROBLEMS, f"{len(lines)} problems listed before the count"
    for line in lines:
        match = problem.match(line)
        assert match, f"not a problem line: {line[:300]!r}"
        number, _col, pointer, message = match.groups()
        at = int(number) if number else None
        assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {line[:300]!r}"
        assert names_its_place(pointer, at, message), (
            f"a problem that does not say where: {line[:300]!r}"
        )
        found.append((at, pointer, message, None))
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


# --- one generator per category, each with the outcome its category must have ----------------

BY_CATEGORY = [(fmt, category) for fmt in INPUTS for category in categories_of(fmt)]


@settings(FUZZ, max_examples=EXAMPLES["category"])
@pytest.mark.parametrize(("fmt", "category"), BY_CATEGORY, ids=[f"{f}-{c}" for f, c in BY_CATEGORY])
@given(data=st.data())
def test_every_category_of_hostile_input_has_its_expected_outcome(
    content: Content, fmt: str, category: str, data: st.DataObject
) -> None:
    """Each category's own generator (CSV cannot nest, tag or alias: the others can)."""
    hostile = data.draw(hostile_inputs(content.library, fmt, category))
    note(category)
    outcome = (
        "rejected" if check_library(hostile.content, content.library, fmt == "csv") else "scored"
    )
    assert hostile.expected in (outcome, "either"), f"{category}: {outcome}"


# --- the hostile cases: the smallest case of every category, always tried ---------------------

HOSTILE = load_cases()
HOSTILE_CASES = [(case, style) for case in HOSTILE for style in STYLES]
HOSTILE_IDS = [f"{style}-{case.category}-{case.name}" for case, style in HOSTILE_CASES]


def test_the_hostile_cases_cover_every_category() -> None:
    assert [case.category for case in HOSTILE] == sorted(
        (case.category for case in HOSTILE), key=CATEGORIES.index
    )
    assert {case.category for case in HOSTILE} == set(CATEGORIES)


def check_hostile(case: HostileCase, problems: list[Reported] | None, lines: list[int]) -> None:
    """The case's recorded outcome; a rejection names (at least once) a change it made."""
    case.outcome.check(str(case), problems)
    if problems:
        assert any(points_at_a_change(case, problem, lines) for problem in problems), problems


@pytest.mark.parametrize(("case", "style"), HOSTILE_CASES, ids=HOSTILE_IDS)
def test_the_parser_keeps_the_recorded_outcome_of_every_hostile_case(
    content: Content, case: HostileCase, style: str
) -> None:
    text, lines = hostile_text(content.library, case.changes, style)
    rejected = check_library(text, content.library)
    problems: list[Reported] | None = None
    if rejected is not None:
        problems = [(p.line, p.pointer, p.message, p.code) for p in rejected.problems]
    check_hostile(case, problems, lines)


@pytest.mark.parametrize(("case", "style"), HOSTILE_CASES, ids=HOSTILE_IDS)
def test_tqm_score_keeps_the_recorded_outcome_of_every_hostile_case(
    cli: Cli, tmp_path: Path, content: Content, case: HostileCase, style: str
) -> None:
    text, lines = hostile_text(content.library, case.changes, style)
    path = tmp_path / ("answers.json" if style == "flow" else "answers.yaml")
    check_hostile(case, check_cli(cli, path, text), lines)


def test_a_duplicate_key_message_stays_on_one_line(
    cli: Cli, tmp_path: Path, content: Content
) -> None:
    changes = (("+top", "organisation", '"line 1\\nline 2"'),)
    text, _ = hostile_text(content.library, changes, "block")
    problems = check_cli(cli, tmp_path / "duplicate.yaml", text)  # checks: one problem a line
    assert problems, "a duplicate key was scored"
    assert any('with value "line 1 line 2"' in problem[2] for problem in problems), problems


def test_a_csv_version_with_5000_digits_is_rejected_at_the_questionnaire(
    cli: Cli, tmp_path: Path, content: Content
) -> None:
    questions = [q.id for q in content.library.questionnaires["tqm-quick"].questions]
    row = ["tqm-quick@" + "9" * 5000, "r1", "staff", *["3"] * len(questions)]
    text = ",".join(["questionnaire", "respondent", "role", *questions]) + "\n" + ",".join(row)
    problems = check_cli(cli, tmp_path / "version.csv", text + "\n")
    assert problems, "a 5000-digit version was scored"
    assert [problem[1] for problem in problems] == ["$.questionnaire"], problems


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
