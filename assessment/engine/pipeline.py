"""The whole assessment in one call: answers -> profile -> judgement -> result -> roadmap."""

from __future__ import annotations

import threading
from dataclasses import replace

from ..content.library import Library, RulePack
from ..content.model import LANGS, Questionnaire
from .answers import AnswerSet
from .evaluation import Judgement, Program, judge
from .method import method_of
from .result import Result, build_result
from .roadmap import Situation, plan_roadmap
from .scoring import score_profile

_PROGRAMS: dict[tuple[str, str, int], Program] = {}
_PROGRAMS_LOCK = threading.Lock()


def program_for(pack: RulePack, questionnaire: Questionnaire) -> Program:
    """The compiled program of a pack for a questionnaire, built once per process."""
    key = (pack.sha256, questionnaire.id, questionnaire.version)
    with _PROGRAMS_LOCK:
        if key not in _PROGRAMS:
            program = Program(pack, questionnaire)
            program.rulesets  # noqa: B018 - compile and register now, not on the first request
            _PROGRAMS[key] = program
        return _PROGRAMS[key]


def assess(
    answers: AnswerSet,
    library: Library,
    *,
    use_engine: bool = True,
    trace: bool = True,
    roadmap: bool = True,
    days_per_month: float | None = None,
    langs: tuple[str, ...] = LANGS,
) -> Result:
    """The typed result of an answer set: scored, judged by its rule pack, and (with `roadmap`)
    planned (`days_per_month` overrides the capacity the organisation's size gives); with `trace`, every rule's comparisons; `use_engine=False` lets the reference
    evaluator decide instead of durable-rules. Texts are in `langs` (default: every language)."""
    pack = library.pack_for(answers.questionnaire.id, answers.questionnaire.version)
    profile = score_profile(answers)
    program = program_for(pack, answers.questionnaire)
    judgement = judge(program, profile, use_engine=use_engine, trace=trace)
    method = method_of(pack, answers.questionnaire)
    result = build_result(
        answers, pack, profile, judgement, program.overall_gates, langs, method=method
    )
    if not roadmap:
        return result
    situation = situation_of(result, judgement, answers.organisation_size)
    plan = plan_roadmap(situation, pack.actions, days_per_month)
    return replace(result, roadmap=plan)


def situation_of(result: Result, judgement: Judgement, size: int | None = None) -> Situation:
    """What the roadmap planner needs: indices, levels, targets, findings, and which dimension
    comes first, if any: one the framework puts first when it is the weakest, or one named by
    a rule that fired (`plan_first`, e.g. a cap held by leadership)."""
    dims = result.dimensions
    indices = {d: v.index for d, v in dims.items()}
    first = first_dimension(indices, judgement, result.framework.first_when_weakest)
    return Situation(
        indices=indices,
        levels=dict(judgement.levels),
        targets={d: v.target for d, v in dims.items()},
        findings=result.findings,
        cornerstone=first is not None,
        cornerstone_dimension=first or "",
        overall_level=judgement.overall_level,
        size=size,
        top_level=result.framework.top_level,
    )


def first_dimension(
    indices: dict[str, float | None], judgement: Judgement, when_weakest: tuple[str, ...]
) -> str | None:
    """The dimension whose actions lead the roadmap: named by a fired rule's `plan_first`, else
    the first of `when_weakest` that is the weakest dimension; None: no dimension leads."""
    capped = {c.rule for c in judgement.caps}
    for instance in judgement.fired:
        rule = instance.rule
        named = rule.then.plan_first
        # a cap that another, lower cap made moot does not hold the level: nothing to lead
        holds = rule.id in capped or (rule.then.cap_to is None and rule.then.cap_fact is None)
        if named and holds:
            return instance.bindings.get("dimension", named) if named == "{dimension}" else named
    scored = [v for v in indices.values() if v is not None]
    for dim in when_weakest:
        if indices.get(dim) is not None and indices[dim] == min(scored):
            return dim
    return None
