"""The whole assessment in one call: answers -> profile -> judgement -> result."""

from __future__ import annotations

import threading
from typing import Any

from .answers import AnswerSet
from .content import Library, RulePack
from .evaluation import Judgement, Program, judge
from .model import Questionnaire
from .result import build_result
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
    pack = library.pack_for(answers.questionnaire.id)
    program = program_for(pack, answers.questionnaire)
    return pack, judge(program, score_profile(answers), use_engine=use_engine, trace=trace)


def assess(
    answers: AnswerSet,
    library: Library,
    lang: str = "en",
    *,
    use_engine: bool = True,
    trace: bool = True,
) -> dict[str, Any]:
    """The result document for an answer set."""
    pack = library.pack_for(answers.questionnaire.id)
    program = program_for(pack, answers.questionnaire)
    profile = score_profile(answers)
    judgement = judge(program, profile, use_engine=use_engine, trace=trace)
    return build_result(answers, pack, profile, judgement, lang)
