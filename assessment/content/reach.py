"""Thresholds a fact cannot reach: a comparison that no answers can make true, or that every
answer makes true, because its number lies outside the range of the fact on the questionnaires
the pack scores (an index above 100, an answer threshold off the question's scale).

Ranges are known for the facts whose bounds the questionnaire fixes (README "How scores are
computed"); other facts (counts, levels, statistics) are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..io.source import Document, pointer_join
from ..numbers import decimal
from ..problems import Problem
from .conditions import fill_placeholders
from .model import Questionnaire
from .rules import instantiate, parse_rule

Range = tuple[float, float]
PERCENT: Range = (0.0, 100.0)
SHARE: Range = (0.0, 1.0)
# Facts whose range is the same on every questionnaire, by their name's first part (and second).
FIXED: Mapping[str, Range] = {
    "index": PERCENT,
    "results_index": PERCENT,
    "role": PERCENT,
    "unknown_percent": PERCENT,
    "unknown_share": SHARE,
    "evidence": SHARE,
    "overall.index": PERCENT,
    "pattern.max_unanswered_percent": PERCENT,
    "pattern.max_unanswered_share": SHARE,
    "perception.gap": (-100.0, 100.0),
}


def fact_range(fact: str, questionnaire: Questionnaire) -> Range | None:
    """The values `fact` can take on this questionnaire, or None when not known here."""
    head, _, rest = fact.partition(".")
    two = ".".join(fact.split(".")[:2])
    if two in FIXED or head in FIXED:
        return FIXED.get(two) or FIXED[head]
    if head in ("answer", "claimed", "spread") and rest in questionnaire.question_ids:
        question = questionnaire.question(rest)
        if head == "spread":
            return 0.0, question.high - question.low
        return question.low, question.high
    if head == "critical_min":
        dimension = questionnaire.dimension(rest)
        critical = [q for q in (dimension.questions if dimension else ()) if q.critical]
        if critical:
            return min(q.low for q in critical), max(q.high for q in critical)
    return None


def threshold_problems(
    doc: Document, rules: Sequence[Mapping[str, Any]], questionnaires: Sequence[Questionnaire]
) -> list[Problem]:
    """Every comparison of the pack's rules whose threshold lies outside its fact's range, or
    that can never hold, on a questionnaire the pack scores (located at the threshold)."""
    found: dict[tuple[str, str], Problem] = {}
    for index, data in enumerate(rules):
        rule_ptr = pointer_join("/rules", index)
        rule = parse_rule(data)
        for questionnaire in questionnaires:
            for instance in instantiate([rule], questionnaire):
                for ptr, leaf in _comparisons(data["when"], f"{rule_ptr}/when"):
                    fact = fill_placeholders(leaf["fact"], instance.bindings)
                    message = _message(leaf, fact_range(fact, questionnaire))
                    if message and (ptr, message) not in found:
                        found[(ptr, message)] = doc.problem(
                            f"{ptr}/value", message, code="content.unreachable"
                        )
    return list(found.values())


def _comparisons(cond: Mapping[str, Any], ptr: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(pointer, comparison) of every comparison with a number in a condition."""
    for key in ("all", "any"):
        for index, child in enumerate(cond.get(key, [])):
            yield from _comparisons(child, pointer_join(f"{ptr}/{key}", index))
    if "not" in cond:
        yield from _comparisons(cond["not"], f"{ptr}/not")
    if "fact" in cond and "value" in cond and "ref" not in cond:
        yield ptr, cond


def _message(leaf: Mapping[str, Any], bounds: Range | None) -> str | None:
    """Why the comparison cannot do its work on a fact within `bounds`, or None."""
    if bounds is None:
        return None
    low, high = bounds
    op, value = leaf["op"], float(leaf["value"])
    never = {
        ">": value >= high,
        ">=": value > high,
        "<": value <= low,
        "<=": value < low,
        "==": not low <= value <= high,
    }.get(op, False)
    span = f"{leaf['fact']} ranges {decimal(low, 'en')}..{decimal(high, 'en')}"
    if never:
        return f"{span}: '{op} {leaf['value']}' can never hold"
    if not low <= value <= high:
        return f"{span}: the threshold {leaf['value']} is outside it ('{op}' always holds)"
    return None
