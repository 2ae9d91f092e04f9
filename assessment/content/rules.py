"""Rules of a pack: parsing, fact names, stages, and instances for one questionnaire."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..problems import ProblemCode, did_you_mean, unknown
from .conditions import (
    Condition,
    Leaf,
    facts_of,
    fill_placeholders,
    parse_condition,
    prepare_leaves,
    substitute,
)
from .model import Effects, Finding, Framework, Questionnaire, Text

COUNT_OPS = {"lt": "<", "le": "<=", "eq": "==", "ge": ">=", "gt": ">"}
DIMENSION_FACTS = (
    "index",
    "results_index",
    "critical_min",
    "critical_level",
    "unknown_share",
    "unknown_count",
    "unknown_percent",
    "response_count",
    "level",
)
QUESTION_FACTS = ("answer", "evidence", "item_level")
OVERALL_FACTS = ("index", "uncapped_level", "median_level")
STAGE_TWO_PREFIXES = ("level.", "overall.uncapped_level", "overall.median_level")
# Evidence, consensus and response patterns (README "How scores are computed").
QUESTION_STAT_FACTS = ("claimed", "unverified", "spread")
DIMENSION_STAT_FACTS = ("unverified_items", "evidence_rejected")
PATTERN_FACTS = ("straight_lining", "max_unanswered_share", "max_unanswered_percent")
PERCEPTION_MEASURES = ("gap", "hedges_g", "leader_n", "staff_n")
# A fact quoted in a finding's text: {index.customer}, {unknown_count.{dimension}}
FACT_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.(?:[a-z0-9_]+|\{dimension\}|\{question\}))+)\}")
COUNT_FACT = re.compile(r"^count\.([a-z0-9_{}]+)\.(lt|le|eq|ge|gt)\.([0-9]+(?:\.[0-9]+)?)$")


@dataclass(frozen=True)
class Rule:
    id: str
    title: Text
    when: Condition
    then: Effects
    for_each: str | None = None
    where: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Instance:
    """A rule bound to one questionnaire (and, for for_each rules, to one dimension or question)."""

    rule: Rule
    key: str
    when: Condition
    bindings: Mapping[str, str]
    stage: int

    @cached_property
    def facts(self) -> set[str]:
        """The facts the condition reads, and those the finding's texts quote (their values are
        computed too, so that a text may quote a count that the condition does not test)."""
        finding = self.rule.then.finding
        texts = (finding.title, finding.detail) if finding else ()
        quoted = {
            fill_placeholders(name, self.bindings)
            for text in texts
            for lang_text in (text.en, text.zh)
            for name in FACT_PLACEHOLDER.findall(lang_text)
        }
        return facts_of(self.when) | quoted

    @cached_property
    def comparisons(self) -> tuple[Leaf, ...]:
        """The condition's comparisons, prepared once for traces."""
        return prepare_leaves(self.when)

    @cached_property
    def level(self) -> tuple[str, int] | None:
        """The level gate this instance sets, its dimension filled in: (dimension, level)."""
        if not self.rule.then.level:
            return None
        dim, value = self.rule.then.level
        return fill_placeholders(dim, self.bindings), value


def parse_rule(data: Mapping[str, Any]) -> Rule:
    """A Rule from schema-valid data."""
    return Rule(
        id=data["id"],
        title=Text.from_data(data["title"]),
        when=parse_condition(data["when"]),
        then=parse_effects(data["then"]),
        for_each=data.get("for_each"),
        where=data.get("where"),
    )


def parse_effects(data: Mapping[str, Any]) -> Effects:
    level = data.get("level")
    cap = data.get("cap", {}).get("to")
    finding = data.get("finding")
    return Effects(
        level=(level["dimension"], level["value"]) if level else None,
        overall_level=data.get("overall_level"),
        cap_to=cap if isinstance(cap, int) else None,
        cap_fact=cap["fact"] if isinstance(cap, dict) else None,
        cap_plus=cap.get("plus", 0) if isinstance(cap, dict) else 0,
        finding=_parse_finding(finding) if finding else None,
        actions=tuple(data.get("actions", ())),
        plan_first=data.get("plan_first"),
    )


def _parse_finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        kind=data["kind"],
        severity=data["severity"],
        dimensions=tuple(data.get("dimensions", ())),
        title=Text.from_data(data["title"]),
        detail=Text.from_data(data["detail"]),
        evidence=tuple(data.get("evidence", ())),
    )


FactProblem = tuple[ProblemCode, str]


def fact_problem(
    name: str, question_ids: Collection[str], for_each: str | None, framework: Framework
) -> FactProblem | None:
    """Why a fact name is not valid (a problem code and a message), or None when it is; the
    dimensions and roles are the pack's framework's."""
    head, _, rest = name.partition(".")
    roles = framework.role_ids
    dims = [*framework.dimension_ids, *(["{dimension}"] if for_each else [])]
    questions = [*question_ids, *(["{question}"] if for_each == "question" else [])]
    if head in QUESTION_FACTS:
        return _unknown_in("unknown.question", "question", rest, questions)
    if head in DIMENSION_FACTS:
        return _unknown_in("unknown.dimension", "dimension", rest, dims)
    if head == "count":
        match = COUNT_FACT.match(name)
        if not match:
            shape = "count.<dimension>.<lt|le|eq|ge|gt>.<n>"
            return "unknown.fact", f"count facts look like {shape}, not {name!r}"
        return _unknown_in("unknown.dimension", "dimension", match.group(1), dims)
    if head == "role":
        role, _, dim = rest.partition(".")
        return _unknown_in("unknown.role", "role", role, roles) or _unknown_in(
            "unknown.dimension", "dimension", dim, dims
        )
    if head in (*QUESTION_STAT_FACTS, *DIMENSION_STAT_FACTS, "pattern", "perception"):
        return _response_fact_problem(head, rest, questions, dims)
    if head in ("respondents", "overall"):
        known = ["count", *roles] if head == "respondents" else list(OVERALL_FACTS)
        return _unknown_in("unknown.fact", f"{head} fact", rest, known)
    families = [*QUESTION_FACTS, *DIMENSION_FACTS, "count", "role", "respondents", "overall"]
    families += [*QUESTION_STAT_FACTS, *DIMENSION_STAT_FACTS, "pattern", "perception"]
    return "unknown.fact", f"unknown fact {name!r}{did_you_mean(head, families)}"


# --- Evidence, consensus and response patterns: their fact families ---------------------------
def _response_fact_problem(
    head: str, rest: str, questions: list[str], dims: list[str]
) -> FactProblem | None:
    if head in QUESTION_STAT_FACTS:
        return _unknown_in("unknown.question", "question", rest, questions)
    if head in DIMENSION_STAT_FACTS:
        return _unknown_in("unknown.dimension", "dimension", rest, dims)
    if head == "pattern":
        return _unknown_in("unknown.fact", "pattern fact", rest, PATTERN_FACTS)
    measure, _, dim = rest.partition(".")
    return _unknown_in(
        "unknown.fact", "perception measure", measure, PERCEPTION_MEASURES
    ) or _unknown_in("unknown.dimension", "dimension", dim, dims)


def _unknown_in(
    code: ProblemCode, kind: str, name: str, known: Collection[str]
) -> FactProblem | None:
    return None if name in known else (code, unknown(kind, name, known))


def stage_of(facts: Iterable[str]) -> int:
    """Stage 2 for rules that read levels (known only after stage 1), else stage 1."""
    return 2 if any(f.startswith(STAGE_TWO_PREFIXES) for f in facts) else 1


def instantiate(rules: Iterable[Rule], questionnaire: Questionnaire) -> list[Instance]:
    """Every applicable instance of the rules for this questionnaire."""
    asked = questionnaire.question_ids
    out = []
    for rule in rules:
        for key, bindings in _bindings(rule, questionnaire):
            when = substitute(rule.when, bindings)
            facts = facts_of(when)
            if not _applicable(facts, asked):
                continue
            out.append(Instance(rule, key, when, bindings, stage_of(facts)))
    return out


def _bindings(rule: Rule, questionnaire: Questionnaire) -> list[tuple[str, dict[str, str]]]:
    if rule.for_each == "dimension":
        return [(f"{rule.id}[{d.id}]", {"dimension": d.id}) for d in questionnaire.dimensions]
    if rule.for_each == "question":
        where = rule.where or {}
        return [
            (f"{rule.id}[{q.id}]", {"question": q.id, "dimension": q.dimension})
            for q in questionnaire.questions
            if q.evidence in where.get("evidence", (q.evidence,))
            and where.get("critical", q.critical) == q.critical
        ]
    return [(rule.id, {})]


def _applicable(facts: set[str], asked: Collection[str]) -> bool:
    # Evidence quoted by a finding may be missing (it is then left out); facts may not.
    per_question = (*QUESTION_FACTS, *QUESTION_STAT_FACTS)
    questions = {f.split(".", 1)[1] for f in facts if f.split(".", 1)[0] in per_question}
    return questions <= set(asked)
