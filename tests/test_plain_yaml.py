"""assessment.io.plain_yaml: plain answers read by libyaml give what the positioned reader gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.content.library import Library
from assessment.engine.answers import parse_answers_text
from assessment.io.plain_yaml import LazyPositions, parse_plain_first
from assessment.io.schema import validator
from assessment.io.yaml_reader import parse_yaml
from assessment.problems import MAX_PROBLEMS, ProblemsFound

ROOT = Path(__file__).resolve().parent.parent
PLAIN = sorted((ROOT / "tests" / "data" / "answers").glob("*.yaml")) + sorted(
    (ROOT / "examples").glob("*.yaml")
)


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.name)
def test_plain_answers_read_by_libyaml_equal_the_positioned_reader(path: Path) -> None:
    text = path.read_text("utf-8")
    fast, located = parse_plain_first(text, path.name), parse_yaml(text, path.name)
    assert isinstance(fast.positions, LazyPositions)  # libyaml read it
    assert fast.data == located.data
    assert "/not-there" not in fast.positions  # reads every event to say so
    assert dict(fast.positions) == located.positions


@pytest.mark.parametrize(
    "scalar",
    [
        "yes",
        "on",
        "012",
        "0o12",
        "0x1F",
        "1_000",
        "1:20",
        "2026-09-21",
        "2026-09-21T10:00:00",
        "3.",
        "1e3",
        "+5",
        "-0",
        ".5",
        "~",
        "",
        "Null",
        "TRUE",
        "!!str 3",
        "3 stars",
        "1st",
    ],
)
def test_scalars_read_as_yaml_1_2_reads_them(scalar: str) -> None:
    text = f"k: {scalar}\nlist: [1, x]\n"
    assert parse_plain_first(text).data == parse_yaml(text).data


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: &x [1]\nb: *x\n",  # an alias
        "a: !!binary aGk=\n",
        "a: !custom 1\n",
        "<<: {a: 1}\n",
        "1: one\n",  # a key that is not a string
        "a: .inf\n",
        "a: =\n",  # YAML 1.1's value tag
        "a: " + "9" * 5000 + "\n",
        "a: !!map [1, 2]\n",  # a collection tagged as the other kind (was a TypeError)
        "a: !!seq {b: 1}\n",
        "a: !!set {b: 1}\n",
    ],
)
def test_anything_unusual_goes_to_the_positioned_reader(text: str) -> None:
    try:
        expected: object = parse_yaml(text, "doc.yaml").data
    except ProblemsFound as exc:
        expected = [str(p) for p in exc.problems]
    try:
        got: object = parse_plain_first(text, "doc.yaml").data
    except ProblemsFound as exc:
        got = [str(p) for p in exc.problems]
    assert got == expected


def test_a_document_of_many_problems_lists_the_first_and_counts_the_rest(
    library: Library,
) -> None:
    line = "  - {respondent: {role: 1, id: 1, name: 1, x: 1}, answers: 1, y: 1}\n"
    text = "questionnaire: tqm-quick\nresponses:\n" + line * 60
    with pytest.raises(ProblemsFound) as caught:
        parse_answers_text(text, library, "many.yaml")
    shown, hidden = caught.value.listed()
    every = list(validator("answers").iter_errors(parse_yaml(text).data))
    assert len(every) == 60 * 6  # role, id, name, x, answers and y of every entry
    assert len(shown) == MAX_PROBLEMS and hidden == len(every) - MAX_PROBLEMS
    assert str(shown[0]).startswith("many.yaml:3:")  # located, though read by libyaml
    rendered = caught.value.render().splitlines()
    assert len(rendered) == MAX_PROBLEMS + 1
    assert rendered[-1].startswith(f"… and {hidden} more problem(s)")
    assert caught.value.as_dict()["more"] == hidden


def test_many_unknown_questions_are_counted_without_being_built(library: Library) -> None:
    answers = "".join(f"      nothing_{i}: 3\n" for i in range(400))
    text = f"questionnaire: tqm-quick\nresponses:\n  - answers:\n{answers}"
    with pytest.raises(ProblemsFound) as caught:
        parse_answers_text(text, library)
    shown, hidden = caught.value.listed()
    missing = len(library.questionnaires["tqm-quick"].questions)
    assert len(shown) == MAX_PROBLEMS and hidden == 400 + missing - MAX_PROBLEMS
