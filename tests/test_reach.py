"""assessment.content.reach: a rule's threshold outside its fact's range on the questionnaires the
pack scores is named where it stands (tests/data/packs/unreachable scores the 1..5 mini)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.checks import validate_paths
from assessment.content.library import Library
from assessment.content.reach import fact_range

DATA = Path(__file__).resolve().parent / "data"
PACK = DATA / "packs" / "unreachable"


def test_thresholds_the_facts_cannot_reach_are_located_once_per_comparison() -> None:
    rules = PACK / "pack.yaml"
    found = validate_paths([PACK], DATA / "content")
    assert [(str(p), p.code) for p in found] == [
        (f"{rules}:10:56: $.rules[0].when.value: index.{{dimension}} ranges 0..100: '>= 120' can never hold", "content.unreachable"),
        (f"{rules}:16:57: $.rules[1].when.any[0].value: answer.customer.first ranges 1..5: '< 1' can never hold", "content.unreachable"),
        (f"{rules}:18:64: $.rules[1].when.any[2].not.value: unknown_share.customer ranges 0..1: the threshold 40 is outside it ('<=' always holds)", "content.unreachable"),
        (f"{rules}:22:49: $.rules[2].when.value: overall.index ranges 0..100: '> 100' can never hold", "content.unreachable"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("fact", "bounds"),
    [
        ("index.customer", (0, 100)),
        ("role.leader.customer", (0, 100)),
        ("unknown_share.process", (0, 1)),
        ("answer.customer.first", (1, 5)),
        ("spread.customer.first", (0, 4)),
        ("critical_min.customer", (1, 5)),
        ("critical_min.nowhere", None),
        ("count.customer.le.2", None),
        ("level.customer", None),
    ],
)
def test_a_facts_range_comes_from_the_questionnaire(
    mini: Library, fact: str, bounds: tuple[float, float] | None
) -> None:
    assert fact_range(fact, mini.questionnaires["mini"]) == bounds


def test_the_bundled_packs_thresholds_are_all_reachable() -> None:
    root = Path(__file__).resolve().parent.parent
    assert validate_paths([root / "rules" / "tqm", root / "rules" / "tqm-1"]) == []
