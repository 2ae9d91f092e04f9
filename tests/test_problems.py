"""assessment.problems: problems as data, each with a stable code listed in one registry and documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from assessment.problems import CODES, Problem, ProblemCode, ProblemsFound, unknown

DOC = Path(__file__).resolve().parent.parent / "docs" / "problem-codes.md"


def test_every_code_of_the_type_has_a_meaning_and_no_meaning_lacks_a_code() -> None:
    assert list(get_args(ProblemCode)) == list(CODES)
    assert all(meaning.strip() for meaning in CODES.values())


def test_the_documented_table_lists_exactly_the_registered_codes() -> None:
    documented = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| (.+) \|$", DOC.read_text("utf-8"), re.M)
    assert [code for code, _ in documented] == list(CODES)


def test_codes_are_family_dot_kind_in_lower_case() -> None:
    assert [c for c in CODES if not re.fullmatch(r"[a-z]+\.[a-z_]+", c)] == []


def test_a_problem_without_a_code_is_an_input_problem() -> None:
    assert Problem("a.yaml", 1, 1, "$", "odd").code == "input.invalid"


def test_a_problem_with_an_unregistered_code_is_refused() -> None:
    with pytest.raises(ValueError, match=r"unregistered problem code 'yaml\.sintax'"):
        Problem("a.yaml", 1, 1, "$", "odd", "yaml.sintax")  # type: ignore[arg-type]


def test_a_problem_as_json_data_carries_its_code() -> None:
    problem = Problem("a.yaml", 3, 5, "$.answers", "missing answer to x", "answers.missing")
    assert problem.as_dict() == {
        "file": "a.yaml",
        "line": 3,
        "col": 5,
        "pointer": "$.answers",
        "message": "missing answer to x",
        "code": "answers.missing",
    }


def test_the_text_form_of_a_problem_is_unchanged_by_its_code() -> None:
    problem = Problem("a.yaml", 3, 5, "$.answers", "missing answer to x", "answers.missing")
    assert str(problem) == "a.yaml:3:5: $.answers: missing answer to x"


def test_problems_found_are_sorted_by_place_and_kept_once() -> None:
    late = Problem("a.yaml", 9, 1, "$.b", "late", "schema.type")
    early = Problem("a.yaml", 2, 1, "$.a", "early", "schema.enum")
    assert ProblemsFound([late, early, late]).problems == [early, late]


def test_an_unknown_id_is_named_with_the_closest_known_one() -> None:
    assert unknown(
        "rule", "maturity.overal_2", ["maturity.overall_2", "leadership.cornerstone"]
    ) == ("unknown rule 'maturity.overal_2' (did you mean 'maturity.overall_2'?)")
    assert unknown("rule", "zzz", ["maturity.overall_2"]) == "unknown rule 'zzz'"
