"""The whole assessment in one call: answers -> profile -> judgement -> result -> roadmap."""

from __future__ import annotations

import threading
from dataclasses import replace

from ..content.framework import CORNERSTONE
from ..content.library import Library, RulePack
from ..content.model import LANGS, Questionnaire
from .answers import AnswerSet
from .evaluation import Judgement, Program, judge
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
    result = build_result(answers, pack, profile, judgement, program.overall_gates, langs)
    if not roadmap:
        return result
    plan = plan_roadmap(
        situation_of(result, judgement, answers.organisation_size), pack.actions, days_per_month
    )
    return replace(result, roadmap=plan)


def situation_of(result: Result, judgement: Judgement, size: int | None = None) -> Situation:
    """What the roadmap planner needs: indices, levels, targets, findings, and whether the
    cornerstone dimension comes first (it is the weakest, or its rule caps the overall level)."""
    dims = result.dimensions
    indices = {d: v.index for d, v in dims.items()}
    scored = [v for v in indices.values() if v is not None]
    corner = indices.get(CORNERSTONE.dimension)
    weakest = corner is not None and corner == min(scored)
    capped = any(c.rule == CORNERSTONE.rule for c in judgement.caps)
    return Situation(
        indices=indices,
        levels=dict(judgement.levels),
        targets={d: v.target for d, v in dims.items()},
        findings=result.findings,
        cornerstone=weakest or capped,
        cornerstone_dimension=CORNERSTONE.dimension,
        overall_level=judgement.overall_level,
        size=size,
    )
