"""Facts: the named numbers rules are written against, computed from a scored profile.

Only the facts some rule reads are computed. An absent fact is left out of the mapping, never 0.

An item's **level** (`item_level.<question>`) is its mean answer read on the 1..5 maturity scale
(the 0..100 value mapped back to 1..5, so reverse-scored items and other scales read alike),
rounded to one decimal as reports show it, then floored: 2.94 -> 2, 2.95 -> 3. The level gates read
it through `critical_level.<dimension>` (the lowest level of the dimension's critical items) and the
item findings read it directly, so both use this one definition.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..content.conditions import OPS
from ..content.model import Question, Questionnaire
from ..content.rules import COUNT_FACT, COUNT_OPS, DIMENSION_STAT_FACTS, QUESTION_STAT_FACTS
from .scoring import VERIFIED, Profile


@dataclass(frozen=True)
class Stage:
    """What is known when a stage runs: the profile, and after stage 1 the levels."""

    profile: Profile
    levels: Mapping[str, int]
    uncapped_level: int | None


Getter = Callable[[Stage], float | None]
# Facts on a dimension's answers, by the DimensionScore attribute that holds them.
ANSWER_COUNTS = {
    "unknown_share": "unknown_share",
    "unknown_count": "unknown",
    "unknown_percent": "unknown_percent",
    "response_count": "responses",
}


def fact_getter(name: str, questionnaire: Questionnaire) -> Getter:
    """A function that reads fact `name` (already checked by the loader) from a stage."""
    head, _, rest = name.partition(".")
    if head == "answer":
        return lambda s: s.profile.items.get(rest)
    if head == "evidence":
        return lambda s: 1.0 if s.profile.evidence.get(rest) else 0.0
    if head == "index":
        return lambda s: _dim(s, rest, "index")
    if head == "results_index":
        return lambda s: _dim(s, rest, "results_index")
    if head == "critical_min":
        return lambda s: _dim(s, rest, "critical_min")
    if head == "item_level":
        level_of = _level_memo(questionnaire.question(rest))
        return lambda s: None if (m := s.profile.items.get(rest)) is None else float(level_of(m))
    if head == "critical_level":
        return _critical_level_getter(rest, questionnaire)
    if head in ANSWER_COUNTS:
        return lambda s: _dim(s, rest, ANSWER_COUNTS[head])
    if head == "level":
        return lambda s: s.levels.get(rest)
    if head == "role":
        role, _, dim = rest.partition(".")
        return lambda s: (
            s.profile.dimensions[dim].by_role.get(role) if dim in s.profile.dimensions else None
        )
    if head == "count":
        return _count_getter(name, questionnaire)
    if head in (*QUESTION_STAT_FACTS, *DIMENSION_STAT_FACTS, "pattern", "perception"):
        return _response_getter(head, rest, questionnaire)
    if name == "respondents.count":
        return lambda s: float(s.profile.respondents)
    if head == "respondents":
        return lambda s: float(s.profile.by_role.get(rest, 0))
    if name == "overall.index":
        return lambda s: s.profile.overall_index
    if name == "overall.uncapped_level":
        return lambda s: s.uncapped_level
    if name == "overall.median_level":
        return lambda s: median_level(s.levels.values())
    raise ValueError(f"unknown fact {name!r}")


def _percent(share: float | None) -> float | None:
    return None if share is None else float(round(share * 100))


def _dim(stage: Stage, dim: str, attr: str) -> float | None:
    score = stage.profile.dimensions.get(dim)
    return None if score is None else getattr(score, attr)


def item_level(question: Question, mean: float) -> int:
    """The item's level 1..5: its mean on the 1..5 scale, rounded to 0.1, floored (module doc)."""
    on_five = 1 + question.normalise(mean) / 25
    # Tenths rounded half up first (the epsilon absorbs float error such as 29.499999 for 2.95): the
    # level must agree with the one-decimal mean a reader sees in the report.
    tenths = math.floor(on_five * 10 + 0.5 + 1e-9)
    return max(1, min(5, tenths // 10))


_MEMO_SIZE = 4096  # means one item takes are few (answers and their averages); bounded anyway


def _level_memo(question: Question) -> Callable[[float], int]:
    """item_level for one question, remembered by mean (facts ask for it on every evaluation)."""
    memo: dict[float, int] = {}

    def level_of(mean: float) -> int:
        level = memo.get(mean)
        if level is None:
            level = item_level(question, mean)
            if len(memo) < _MEMO_SIZE:
                memo[mean] = level
        return level

    return level_of


def _critical_level_getter(dim: str, questionnaire: Questionnaire) -> Getter:
    dimension = questionnaire.dimension(dim)
    critical = (
        [(q.id, _level_memo(q)) for q in dimension.questions if q.critical] if dimension else []
    )

    def lowest(stage: Stage) -> float | None:
        items = stage.profile.items
        levels = [level_of(m) for qid, level_of in critical if (m := items.get(qid)) is not None]
        return float(min(levels)) if levels else None

    return lowest


def median_level(levels: Iterable[int]) -> float | None:
    """The lower median of the dimension levels (the 3rd of 6 from the bottom).

    The lower one, because a level is awarded overall only when a majority of the dimensions reach
    it: with six dimensions, four are at or above the lower median, only three above the upper one.
    """
    ordered = sorted(levels)
    return float(ordered[(len(ordered) - 1) // 2]) if ordered else None


def _count_getter(name: str, questionnaire: Questionnaire) -> Getter:
    match = COUNT_FACT.match(name)
    assert match, name
    dim, op, threshold = match.group(1), OPS[COUNT_OPS[match.group(2)]], float(match.group(3))
    dimension = questionnaire.dimension(dim)
    ids = [q.id for q in dimension.questions] if dimension else []

    def count(stage: Stage) -> float:
        values = (stage.profile.items.get(q) for q in ids)
        return float(sum(1 for v in values if v is not None and op(v, threshold)))

    return count


# --- Evidence, consensus and response patterns ----------------------------------------------
def _response_getter(head: str, rest: str, questionnaire: Questionnaire) -> Getter:
    """claimed.<q>: mean of the answers as given (answer.<q> holds the verified mean);
    unverified.<q>: ratings counted as the midpoint (absent when self-reported);
    unverified_items.<dimension>: items with such a rating; evidence_rejected.<dimension>: such
    ratings whose evidence was given but does not count; spread.<q>: range of the answers (absent
    below 2 values); pattern.*: response patterns; perception.<measure>.<dimension>."""
    if head == "claimed":
        return lambda s: (s.profile.claimed or s.profile).items.get(rest)
    if head == "unverified":
        return lambda s: (
            float(s.profile.unverified.get(rest, 0)) if s.profile.basis == VERIFIED else None
        )
    if head in DIMENSION_STAT_FACTS:
        return _verification_count_getter(head, rest, questionnaire)
    if head == "spread":
        return lambda s: s.profile.spread.get(rest)
    if head == "pattern":
        if rest == "straight_lining":
            return lambda s: float(s.profile.straight_lining)
        if rest == "max_unanswered_percent":  # for texts: 50 rather than 0.5
            return lambda s: _percent(s.profile.max_unanswered_share)
        return lambda s: s.profile.max_unanswered_share
    measure, _, dim = rest.partition(".")

    def perception(stage: Stage) -> float | None:
        score = stage.profile.dimensions.get(dim)
        gap = score.perception if score else None
        return None if gap is None else _number(getattr(gap, measure))

    return perception


def _verification_count_getter(head: str, dim: str, questionnaire: Questionnaire) -> Getter:
    dimension = questionnaire.dimension(dim)
    ids = [q.id for q in dimension.questions] if dimension else []

    def count(stage: Stage) -> float | None:
        profile = stage.profile
        if profile.basis != VERIFIED:
            return None
        if head == "unverified_items":
            return float(sum(1 for q in ids if profile.unverified.get(q)))
        return float(sum(profile.rejected.get(q, 0) for q in ids))

    return count


def _number(value: float | int | None) -> float | None:
    return None if value is None else float(value)


def compute_facts(getters: Iterable[tuple[str, Getter]], stage: Stage) -> dict[str, float]:
    """The present facts among those requested."""
    out = {}
    for name, getter in getters:
        value = getter(stage)
        if value is not None:
            out[name] = value
    return out
