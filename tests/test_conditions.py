"""The condition language's reference semantics: absent facts, negation, references, the trace."""

from __future__ import annotations

import pytest

from assessment.content.conditions import (
    All,
    AnyOf,
    Compare,
    Not,
    evaluate,
    explain,
    facts_of,
    parse_condition,
    substitute,
)


@pytest.mark.parametrize(
    ("condition", "facts", "expected"),
    [
        (Compare("a", ">=", 3), {"a": 3}, True),
        (Compare("a", ">=", 3), {"a": 2.9}, False),
        (Compare("a", ">=", 3), {}, False),
        (Not(Compare("a", ">=", 3)), {}, True),
        (Compare("a", "!=", 3), {}, False),
        (Compare("a", "present"), {"a": 0}, True),
        (Compare("a", "absent"), {"a": 0}, False),
        (Compare("a", ">=", ref="b", plus=20), {"a": 70, "b": 50}, True),
        (Compare("a", ">=", ref="b", plus=20), {"a": 69, "b": 50}, False),
        (Compare("a", ">=", ref="b", plus=20), {"a": 70}, False),
        (All((Compare("a", ">", 1), Compare("b", "<", 1))), {"a": 2, "b": 0}, True),
        (AnyOf((Compare("a", ">", 1), Compare("b", "<", 1))), {"a": 0, "b": 2}, False),
    ],
    ids=[
        "ge-equal",
        "ge-below",
        "absent-fact-is-false",
        "not-of-absent-is-true",
        "neq-absent-is-false",
        "present",
        "absent",
        "ref-plus-holds",
        "ref-plus-fails",
        "absent-ref-is-false",
        "all",
        "any",
    ],
)
def test_conditions_evaluate_with_absent_facts_false(condition, facts, expected) -> None:
    assert evaluate(condition, facts) is expected


def test_parse_builds_the_tree_and_lists_its_facts() -> None:
    cond = parse_condition(
        {
            "all": [
                {"fact": "index.customer", "op": ">=", "value": 45},
                {"not": {"fact": "x.y", "op": "present"}},
            ]
        }
    )
    assert cond == All((Compare("index.customer", ">=", 45), Not(Compare("x.y", "present"))))
    assert facts_of(cond) == {"index.customer", "x.y"}


def test_placeholders_are_substituted_in_facts_and_references() -> None:
    cond = Compare("role.leader.{dimension}", ">=", ref="role.staff.{dimension}", plus=20)
    assert substitute(cond, {"dimension": "process"}) == Compare(
        "role.leader.process", ">=", ref="role.staff.process", plus=20
    )


def test_explain_reports_fact_threshold_actual_and_outcome() -> None:
    steps = explain(All((Compare("a", ">=", 45), Not(Compare("b", "<", 2)))), {"a": 62.5})
    assert steps == [
        {"fact": "a", "op": ">=", "threshold": 45, "actual": 62.5, "result": True},
        {"fact": "b", "op": "<", "threshold": 2, "actual": None, "result": False, "negated": True},
    ]
