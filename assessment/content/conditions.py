"""The rule condition language: its syntax tree, and the pure-Python reference evaluator.

The durable-rules adapter (engine.py) decides what fires in production; this evaluator is the
reference it is tested against, and it writes the "why / why not" of every comparison for the trace.
A comparison with an absent fact is false, so `not` of it is true.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

OPS: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
PRESENCE = ("present", "absent")
_PLACEHOLDER = re.compile(r"\{(dimension|question)\}")


@dataclass(frozen=True)
class Compare:
    fact: str
    op: str
    value: float | None = None
    ref: str | None = None
    plus: float = 0.0

    def threshold(self, facts: Mapping[str, float]) -> float | None:
        """The number the fact is compared with (None when a referenced fact is absent)."""
        if self.ref is None:
            return self.value
        other = facts.get(self.ref)
        return None if other is None else other + self.plus

    def holds(self, facts: Mapping[str, float]) -> bool:
        actual = facts.get(self.fact)
        if self.op in PRESENCE:
            return (actual is not None) == (self.op == "present")
        threshold = self.threshold(facts)
        return actual is not None and threshold is not None and OPS[self.op](actual, threshold)


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | All | AnyOf | Not


def parse_condition(data: Mapping[str, Any]) -> Condition:
    """Build the tree from schema-valid data."""
    if "all" in data:
        return All(tuple(parse_condition(c) for c in data["all"]))
    if "any" in data:
        return AnyOf(tuple(parse_condition(c) for c in data["any"]))
    if "not" in data:
        return Not(parse_condition(data["not"]))
    return Compare(
        fact=data["fact"],
        op=data["op"],
        value=data.get("value"),
        ref=data.get("ref"),
        plus=float(data.get("plus", 0)),
    )


def facts_of(cond: Condition) -> set[str]:
    """Every fact name a condition reads."""
    if isinstance(cond, Compare):
        return {cond.fact} | ({cond.ref} if cond.ref else set())
    if isinstance(cond, Not):
        return facts_of(cond.item)
    return set().union(*(facts_of(c) for c in cond.items))


def substitute(cond: Condition, bindings: Mapping[str, str]) -> Condition:
    """Replace {dimension} / {question} placeholders in fact names."""
    if isinstance(cond, Compare):
        ref = fill_placeholders(cond.ref, bindings) if cond.ref else None
        return Compare(fill_placeholders(cond.fact, bindings), cond.op, cond.value, ref, cond.plus)
    if isinstance(cond, Not):
        return Not(substitute(cond.item, bindings))
    items = tuple(substitute(c, bindings) for c in cond.items)
    return All(items) if isinstance(cond, All) else AnyOf(items)


def fill_placeholders(text: str, bindings: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: bindings.get(m.group(1), m.group(0)), text)


def evaluate(cond: Condition, facts: Mapping[str, float]) -> bool:
    """Whether the condition holds for these facts."""
    if isinstance(cond, Compare):
        return cond.holds(facts)
    if isinstance(cond, All):
        return all(evaluate(c, facts) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(evaluate(c, facts) for c in cond.items)
    return not evaluate(cond.item, facts)


def leaves(cond: Condition, negated: bool = False) -> tuple[tuple[Compare, bool], ...]:
    """The comparisons of a condition, in order, each with whether it sits under an odd number of `not`."""
    if isinstance(cond, Compare):
        return ((cond, negated),)
    if isinstance(cond, Not):
        return leaves(cond.item, not negated)
    return tuple(leaf for c in cond.items for leaf in leaves(c, negated))


# A comparison prepared for traces: (fact, compare function or None for presence, constant
# threshold, ref, plus, the step's constant part). See `prepare_leaves`.
Leaf = tuple[
    str, Callable[[float, float], bool] | None, float | None, str | None, float, dict[str, Any]
]


def prepare_leaves(cond: Condition) -> tuple[Leaf, ...]:
    """The comparisons of a condition, each with what never changes between evaluations."""
    out = []
    for c, negated in leaves(cond):
        fixed = c.ref is None and c.op not in PRESENCE  # the threshold is part of the constant
        static: dict[str, Any] = {
            "fact": c.fact,
            "op": c.op,
            "threshold": c.value if fixed else None,
        }
        if c.ref:
            static["ref"] = c.ref
            if c.plus:
                static["plus"] = c.plus
        if negated:
            static["negated"] = True
        fn = None if c.op in PRESENCE else OPS[c.op]
        value = (c.op == "present") if fn is None else c.value
        out.append((c.fact, fn, value, c.ref, c.plus, static))
    return tuple(out)


def explain_leaves(compiled: tuple[Leaf, ...], facts: Mapping[str, float]) -> list[dict[str, Any]]:
    """explain() over comparisons prepared by prepare_leaves(): the fast path for traces."""
    out: list[dict[str, Any]] = []
    append, get = out.append, facts.get
    # Inlined and branch-light: this loop is most of a trace's cost (~400 comparisons per
    # assessment). A fixed threshold is already in `static`; only a referenced one is filled in.
    for fact, fn, value, ref, plus, static in compiled:
        actual = get(fact)
        step = static.copy()
        if ref is not None:
            other = get(ref)
            value = None if other is None else other + plus
            step["threshold"] = value
        if fn is None:  # present / absent: `value` says which
            step["actual"] = actual
            step["result"] = (actual is not None) == value
        else:
            step["actual"] = actual
            step["result"] = actual is not None and value is not None and fn(actual, value)
        append(step)
    return out


def explain(cond: Condition, facts: Mapping[str, float]) -> list[dict[str, Any]]:
    """Every comparison with its fact, operator, threshold, actual value and outcome."""
    if isinstance(cond, Compare):
        return [_explain_compare(cond, facts)]
    if isinstance(cond, Not):
        return [
            dict(step, negated=not step.get("negated", False)) for step in explain(cond.item, facts)
        ]
    return [step for c in cond.items for step in explain(c, facts)]


def _explain_compare(cond: Compare, facts: Mapping[str, float]) -> dict[str, Any]:
    return explain_leaves(prepare_leaves(cond), facts)[0]
