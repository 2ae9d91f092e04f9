"""How a result was reached, summed up from the pack and questionnaire that made it: the answer
scales, reverse items, the rules that cap the overall level, whether critical items and evidence
limit levels, and the perception threshold. The report's method appendix is written from this
summary, so it says what the pack does rather than what the bundled pack does.

It is built once per result (`method_of`), written into the result document as the optional
`method` object and read back from it (`read_method`; a document without it gives None, and the
report then prints a shorter, generic method text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..content.conditions import leaves
from ..content.library import RulePack
from ..content.model import Questionnaire, Text
from ..content.rules import Rule
from .evidence import asks_for_evidence

PERCEPTION_GAP = "perception.gap."
CRITICAL_FACTS = ("critical_level.", "critical_min.")


@dataclass(frozen=True)
class CapRule:
    """A rule that caps the overall level: to a fixed level (`to`) or to a fact plus `plus`."""

    rule: str
    title: Text
    fact: str | None = None  # e.g. "level.{dimension}", "level.leadership", "overall.median_level"
    plus: float = 0
    to: int | None = None


@dataclass(frozen=True)
class Method:
    """What the method appendix says: scales, caps, level limits and the perception threshold."""

    scales: tuple[tuple[float, float], ...]  # the distinct (lowest, highest) answer values
    reverse: bool  # some items are reverse-scored
    caps: tuple[CapRule, ...]  # in the pack's order
    critical: bool  # a dimension's level is limited by its weakest critical item
    evidence: bool  # ratings without evidence are held at the scale's midpoint
    perception_threshold: float | None  # None: the pack compares no leaders and staff
    result_scales: tuple[tuple[float, float], ...] = ()  # the same, of the result items


def method_of(pack: RulePack, questionnaire: Questionnaire) -> Method:
    """The method summary of `pack` judging `questionnaire`."""
    practice = [q for q in questionnaire.questions if q.kind == "practice"] or list(
        questionnaire.questions
    )
    results = [q for q in questionnaire.questions if q.kind == "result"]
    critical = any(q.critical for q in questionnaire.questions) and any(
        fact.startswith(CRITICAL_FACTS) for fact in _facts(pack.rules)
    )
    return Method(
        scales=tuple(dict.fromkeys((q.low, q.high) for q in practice)),
        reverse=any(q.reverse for q in practice),
        caps=tuple(_cap_rule(r) for r in pack.rules if _caps(r)),
        critical=critical,
        evidence=asks_for_evidence(questionnaire),
        perception_threshold=perception_threshold(pack.rules),
        result_scales=tuple(dict.fromkeys((q.low, q.high) for q in results)),
    )


def perception_threshold(rules: Iterable[Rule]) -> float | None:
    """The lowest fixed threshold a rule sets on a leaders/staff gap (`perception.gap.*` >= or >),
    None when no rule sets one."""
    found = [
        c.value
        for rule in rules
        for c, negated in leaves(rule.when)
        if c.fact.startswith(PERCEPTION_GAP)
        and c.op in (">=", ">")
        and c.ref is None
        and c.value is not None
        and not negated
    ]
    return min(found) if found else None


def _facts(rules: Iterable[Rule]) -> set[str]:
    return {c.fact for rule in rules for c, _ in leaves(rule.when)}


def _caps(rule: Rule) -> bool:
    return rule.then.cap_to is not None or rule.then.cap_fact is not None


def _cap_rule(rule: Rule) -> CapRule:
    effects = rule.then
    return CapRule(rule.id, rule.title, effects.cap_fact, effects.cap_plus, effects.cap_to)


def method_document(method: Method, lang: str) -> dict[str, Any]:
    """The `method` object of the result document (texts in `lang`)."""
    return {
        "scales": [{"min": low, "max": high} for low, high in method.scales],
        "reverse_items": method.reverse,
        "caps": [_cap_document(c, lang) for c in method.caps],
        "critical_items": method.critical,
        "evidence": method.evidence,
        "perception_threshold": method.perception_threshold,
        "result_scales": [{"min": low, "max": high} for low, high in method.result_scales],
    }


def _cap_document(cap: CapRule, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": cap.rule, "title": cap.title.get(lang)}
    if cap.to is not None:
        out["to"] = cap.to
    if cap.fact is not None:
        out["fact"] = cap.fact
        out["plus"] = cap.plus
    return out


def read_method(doc: Mapping[str, Any] | None) -> Method | None:
    """The method summary of a result document; None when the document has none."""
    if doc is None:
        return None
    return Method(
        scales=tuple((s["min"], s["max"]) for s in doc["scales"]),
        reverse=doc["reverse_items"],
        caps=tuple(
            CapRule(c["rule"], _text(c["title"]), c.get("fact"), c.get("plus", 0), c.get("to"))
            for c in doc["caps"]
        ),
        critical=doc["critical_items"],
        evidence=doc["evidence"],
        perception_threshold=doc.get("perception_threshold"),
        result_scales=tuple((s["min"], s["max"]) for s in doc.get("result_scales", ())),
    )


def _text(value: str) -> Text:
    """A text read back from a one-language document (the same in both slots)."""
    return Text(value, value)
