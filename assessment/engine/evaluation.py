"""Run a rule pack over a scored profile: two stages, then effects applied in a fixed order.

Stage 1 rules read answers and indices and gate the levels; stage 2 rules also read the levels. The
engine (durable-rules) decides what fires; the reference evaluator explains every comparison for the
trace and can decide instead (`use_engine=False`), which is how the two are tested against each other.
Effects are applied levels -> overall level -> caps -> findings -> actions, so the outcome does not
depend on the order in which rules fired.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, NamedTuple

from ..content.conditions import Leaf, evaluate, explain_leaves, fill_placeholders
from ..content.library import RulePack
from ..content.model import Effects, Questionnaire
from ..content.rules import Instance, instantiate
from . import durable_host as engine
from .facts import Getter, Stage, compute_facts, fact_getter
from .scoring import Profile

OVERALL_INDEX = "overall.index"  # the fact the overall-level gates compare


@dataclass(frozen=True)
class Cap:
    rule: str
    before: int
    after: int


class TraceStep(NamedTuple):
    """One rule instance in the trace: whether it fired, every comparison that decided it (as the
    reference evaluator explains it: fact, op, threshold, actual, result, ...) and its effects.
    A named tuple: a trace has about a hundred steps, made on every traced evaluation."""

    rule: str
    stage: int
    fired: bool
    conditions: Sequence[Mapping[str, Any]]
    effect: Mapping[str, Any]


@dataclass(frozen=True)
class Judgement:
    """What the rules concluded for one profile."""

    levels: Mapping[str, int]
    uncapped_level: int
    overall_level: int
    caps: tuple[Cap, ...]
    fired: tuple[Instance, ...]
    facts: Mapping[str, float]
    trace: tuple[TraceStep, ...] = field(default=())
    # The same gates run on the answers as given, when evidence verification changed them.
    claimed: Judgement | None = None


@dataclass
class Program:
    """A pack compiled for one questionnaire: instances per stage and their fact getters."""

    pack: RulePack
    questionnaire: Questionnaire

    @cached_property
    def instances(self) -> tuple[Instance, ...]:
        return tuple(instantiate(self.pack.rules, self.questionnaire))

    def stage(self, number: int) -> tuple[Instance, ...]:
        return self.stages[number]

    @cached_property
    def stages(self) -> dict[int, tuple[Instance, ...]]:
        return {n: tuple(i for i in self.instances if i.stage == n) for n in (1, 2)}

    @cached_property
    def getters(self) -> dict[int, list[tuple[str, Getter]]]:
        out = {}
        for number in (1, 2):
            names = sorted({f for i in self.stage(number) for f in i.facts})
            out[number] = [(n, fact_getter(n, self.questionnaire)) for n in names]
        return out

    @cached_property
    def rulesets(self) -> dict[int, engine.CompiledRuleset]:
        q = self.questionnaire
        base = f"{self.pack.id}_{self.pack.sha256[:16]}_{q.id}_v{q.version}"
        return {
            n: engine.compile_ruleset(f"{base}_s{n}", [i.when for i in self.stage(n)])
            for n in (1, 2)
        }

    @cached_property
    def overall_gates(self) -> tuple[float, ...]:
        """The overall index each overall level needs: the fixed thresholds on `overall.index` in
        the conditions of the rules that set an overall level (the pack's 20, 45, 70, 90)."""
        return overall_gates(
            (leaf[0], leaf[2])
            for i in self.instances
            if i.rule.then.overall_level
            for leaf in i.comparisons
            if leaf[1] is not None and leaf[3] is None  # a comparison with a fixed threshold
        )

    @cached_property
    def gates(self) -> Program:
        """The pack reduced to the rules that set levels or caps: the same gates, for the claimed
        levels (findings are judged on verified values only, so the rest need not run twice)."""
        rules = tuple(r for r in self.pack.rules if _sets_levels(r.then))
        digest = hashlib.sha256(f"{self.pack.sha256}:gates".encode()).hexdigest()
        return Program(replace(self.pack, rules=rules, sha256=digest), self.questionnaire)

    @cached_property
    def effects(self) -> dict[str, dict[str, Any]]:
        """Each instance's effects as data, for traces (the same for every evaluation)."""
        return {i.key: effect_summary(i) for i in self.instances}

    @cached_property
    def leaves(self) -> dict[int, tuple[Leaf, ...]]:
        """Each stage's distinct comparisons, prepared for traces: many instances share one (the
        same gate or threshold on the same fact), and a trace explains each once."""
        return {n: tuple(self._leaf_index[n].values()) for n in (1, 2)}

    @cached_property
    def _leaf_index(self) -> dict[int, dict[tuple[Any, ...], Leaf]]:
        out: dict[int, dict[tuple[Any, ...], Leaf]] = {1: {}, 2: {}}
        for i in self.instances:
            for leaf in i.comparisons:
                out[i.stage].setdefault(_leaf_key(leaf), leaf)
        return out

    @cached_property
    def traced(self) -> tuple[tuple[str, int, tuple[int, ...], dict[str, Any]], ...]:
        """What a trace step needs of each instance that never changes: its key, stage, the
        positions of its comparisons in `leaves[stage]`, and its effects."""
        effects = self.effects
        position = {n: {k: j for j, k in enumerate(index)} for n, index in self._leaf_index.items()}
        return tuple(
            (
                i.key,
                i.stage,
                tuple(position[i.stage][_leaf_key(leaf)] for leaf in i.comparisons),
                effects[i.key],
            )
            for i in self.instances
        )

    def decide(self, number: int, facts: Mapping[str, float], use_engine: bool) -> list[Instance]:
        """The instances of a stage that fire."""
        instances = self.stage(number)
        if use_engine:
            return [instances[i] for i in sorted(engine.fire(self.rulesets[number], facts))]
        return [i for i in instances if evaluate(i.when, facts)]


def judge(
    program: Program, profile: Profile, *, use_engine: bool = True, trace: bool = True
) -> Judgement:
    """Run both stages and apply the effects."""
    first = Stage(profile, {}, None)
    facts1 = compute_facts(program.getters[1], first)
    fired1 = program.decide(1, facts1, use_engine)
    levels = dimension_levels(fired1, [d.id for d in program.questionnaire.dimensions])
    uncapped = highest_gate({i.rule.then.overall_level for i in fired1})
    second = Stage(profile, levels, uncapped)
    facts2 = compute_facts(program.getters[2], second)
    fired2 = program.decide(2, facts2, use_engine)
    facts = {**facts1, **facts2}
    caps = apply_caps(fired1 + fired2, uncapped, facts)
    overall = caps[-1].after if caps else uncapped
    fired = tuple(fired1 + fired2)
    steps = _trace(program, fired, {1: facts1, 2: facts2}) if trace else ()
    claimed = None
    if profile.claimed is not None:  # evidence: claimed levels come from the same gates
        claimed = judge(program.gates, profile.claimed, use_engine=use_engine, trace=False)
    return Judgement(levels, uncapped, overall, tuple(caps), fired, facts, steps, claimed)


def _leaf_key(leaf: Leaf) -> tuple[Any, ...]:
    """What makes two prepared comparisons explain alike: fact, op, threshold, ref, plus, not."""
    fact, _, value, ref, plus, static = leaf  # types too: a threshold of 2 is written as 2, not 2.0
    return fact, static["op"], type(value), value, ref, type(plus), plus, "negated" in static


def _sets_levels(effects: Effects) -> bool:
    return bool(
        effects.level or effects.overall_level or effects.cap_to is not None or effects.cap_fact
    )


def overall_gates(comparisons: Iterable[tuple[str, Any]]) -> tuple[float, ...]:
    """The distinct thresholds of (fact, threshold) comparisons on the overall index, ascending."""
    return tuple(sorted({value for fact, value in comparisons if fact == OVERALL_INDEX}))


def dimension_levels(fired: Sequence[Instance], dimensions: Sequence[str]) -> dict[str, int]:
    """Each dimension's level from the level gates that fired."""
    gates: dict[str, set[int | None]] = {d: set() for d in dimensions}
    for instance in fired:
        if instance.level:
            dim, value = instance.level
            gates.setdefault(dim, set()).add(value)
    return {d: highest_gate(gates[d]) for d in dimensions}


def highest_gate(gates: set[int | None]) -> int:
    """The highest level L such that a gate fired for every level 2..L (ISO 9004's no-gap rule)."""
    level = 1
    while level + 1 in gates:
        level += 1
    return level


def apply_caps(fired: Sequence[Instance], uncapped: int, facts: Mapping[str, float]) -> list[Cap]:
    """The caps that bite, in rule order, each lowering the level left by the previous one."""
    caps = []
    level = uncapped
    for instance in fired:
        effects = instance.rule.then
        limit = effects.cap_to
        if effects.cap_fact is not None:
            value = facts.get(fill_placeholders(effects.cap_fact, instance.bindings))
            limit = None if value is None else int(value) + effects.cap_plus
        if limit is not None and limit < level:
            caps.append(Cap(instance.rule.id, level, max(1, limit)))
            level = max(1, limit)
    return caps


def _trace(
    program: Program, fired: Sequence[Instance], facts: Mapping[int, Mapping[str, float]]
) -> tuple[TraceStep, ...]:
    keys = {i.key for i in fired}
    explained = {n: explain_leaves(leaves, facts[n]) for n, leaves in program.leaves.items()}
    return tuple(
        TraceStep(key, stage, key in keys, [explained[stage][j] for j in at], effect)
        for key, stage, at, effect in program.traced
    )


def effect_summary(instance: Instance) -> dict[str, Any]:
    """The rule's effects as data, for the trace."""
    e = instance.rule.then
    out: dict[str, Any] = {}
    if e.level:
        out["level"] = {
            "dimension": fill_placeholders(e.level[0], instance.bindings),
            "value": e.level[1],
        }
    if e.overall_level:
        out["overall_level"] = e.overall_level
    if e.cap_to is not None:
        out["cap"] = {"to": e.cap_to}
    elif e.cap_fact:
        out["cap"] = {"fact": fill_placeholders(e.cap_fact, instance.bindings), "plus": e.cap_plus}
    if e.finding:
        out["finding"] = {"kind": e.finding.kind, "severity": e.finding.severity}
    if e.actions:
        out["actions"] = list(e.actions)
    return out
