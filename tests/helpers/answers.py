"""Answers documents built from a library: every question answered, each role's questions
answered, or random respondents."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from assessment.content.library import Library
from assessment.content.model import Question, Questionnaire

RANDOM_ROLES = ["leader", "manager", "staff", "staff", "customer", "auditor"]


def answers_data(
    library: Library, questionnaire: str, fill: Any = 3, **answers: Any
) -> dict[str, Any]:
    """An answers document: every question at `fill`, then the given answers (dots as '__').

    `fill` is a position on the maturity scale: a reverse-keyed item gets the mirrored answer
    (answer_at), so "every item at 4" describes one organisation; the given answers are as written.
    """
    found = library.resolve(questionnaire)
    values = {question.id: at_position(question, fill) for question in found.questions}
    values.update({k.replace("__", "."): v for k, v in answers.items()})
    return {"questionnaire": questionnaire, "organisation": "Test Co", "answers": values}


def role_answers(
    questionnaire: Questionnaire, role: str | None, fill: Any | Callable[[Question], Any] = 3
) -> dict[str, Any]:
    """A respondent's answers: each question their role is asked (questions_for), at `fill` or at
    what `fill(question)` gives (a scale position, mirrored on reverse-keyed items, or a word)."""
    return {
        question.id: at_position(question, fill(question) if callable(fill) else fill)
        for question in questionnaire.questions_for(role)
    }


def at_position(question: Question, fill: Any) -> Any:
    """`fill` (a number, an evidenced rating or a word such as "unknown") for this question."""
    if isinstance(fill, int | float):
        return question.answer_at(fill)
    if isinstance(fill, dict) and isinstance(fill.get("value"), int | float):
        return {**fill, "value": question.answer_at(fill["value"])}
    return fill


def random_answers_data(library: Library, questionnaire: str, rng: random.Random) -> dict[str, Any]:
    """A random valid answers document: 1-5 respondents, each around a bias of their own, answering
    the questions their role is asked.

    About 6% of the answers are "unknown", 6% "na" (where the question allows it), 20% carry evidence.
    """
    found = library.resolve(questionnaire)
    questions = found.questions
    responses = []
    for index in range(rng.choice([1, 1, 2, 3, 5])):
        bias, answers = rng.randint(1, 5), dict[str, Any]()
        for q in questions:
            roll = rng.random()
            if roll < 0.06:
                answers[q.id] = "unknown"
            elif roll < 0.12 and q.allow_na:
                answers[q.id] = "na"
            else:
                value = max(1, min(5, bias + rng.choice([-2, -1, 0, 0, 1, 2])))
                answers[q.id] = {"value": value, "evidence": "doc"} if roll > 0.8 else value
        respondent = {"id": f"r{index}", "role": rng.choice(RANDOM_ROLES)}
        asked = {q.id for q in found.questions_for(respondent["role"])}  # the role's items only
        answers = {qid: value for qid, value in answers.items() if qid in asked}
        responses.append({"respondent": respondent, "answers": answers})
    return {"questionnaire": questionnaire, "organisation": "Random Co", "responses": responses}


AUDIT_EVIDENCE = "process audit records seen on site, 2026-10"


def evidenced(value: Any) -> Any:
    """A rating with dated evidence (the audit counts unevidenced ratings above 3 as 3)."""
    return {"value": value, "evidence": AUDIT_EVIDENCE} if isinstance(value, int | float) else value
