"""The whole assessment in one call: answers -> profile -> judgement -> result."""

from __future__ import annotations

import threading
from typing import Any

from ..content.library import Library, RulePack
from ..content.model import Questionnaire
from .answers import AnswerSet
from .evaluation import Judgement, Program, judge
from .result import build_result
from .roadmap import DEFAULT_DAYS_PER_MONTH, Situation, plan_roadmap
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


def evaluate_answers(
    answers: AnswerSet, library: Library, *, use_engine: bool = True, trace: bool = True
) -> tuple[RulePack, Judgement]:
    """Score and judge an answer set (no text rendering)."""
    pack = library.pack_for(answers.questionnaire.id, answers.questionnaire.version)
    program = program_for(pack, answers.questionnaire)
    return pack, judge(program, score_profile(answers), use_engine=use_engine, trace=trace)


def assess(
    answers: AnswerSet,
    library: Library,
    lang: str = "en",
    *,
    use_engine: bool = True,
    trace: bool = True,
    days_per_month: float = DEFAULT_DAYS_PER_MONTH,
) -> dict[str, Any]:
    """The result document for an answer set."""
    pack = library.pack_for(answers.questionnaire.id, answers.questionnaire.version)
    program = program_for(pack, answers.questionnaire)
    profile = score_profile(answers)
    judgement = judge(program, profile, use_engine=use_engine, trace=trace)
    result = build_result(answers, pack, profile, judgement, lang)
    result["roadmap"], result["plan"] = plan_roadmap(
        situation_of(result), pack.actions, lang, days_per_month
    )
    return result


def situation_of(result: dict[str, Any]) -> Situation:
    """What the roadmap planner needs, read from a result document."""
    dims = result["dimensions"]
    indices = {d: v["index"] for d, v in dims.items()}
    scored = [v for v in indices.values() if v is not None]
    weakest = indices.get("leadership") is not None and indices["leadership"] == min(scored)
    capped = any(c["rule"] == "leadership.cornerstone" for c in result["overall"]["caps"])
    return Situation(
        indices=indices,
        levels={d: v["level"] for d, v in dims.items()},
        targets={d: v["target"] for d, v in dims.items()},
        findings=result["findings"],
        cornerstone=weakest or capped,
    )
