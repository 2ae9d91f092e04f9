"""Answers documents built from a library: every question answered, or random respondents."""

from __future__ import annotations

import random
from typing import Any

from assessment.content.library import Library

RANDOM_ROLES = ["leader", "manager", "staff", "staff", "customer", "auditor"]


def answers_data(
    library: Library, questionnaire: str, fill: Any = 3, **answers: Any
) -> dict[str, Any]:
    """An answers document: every question `fill`, then the given answers (dots as '__')."""
    q = library.questionnaires[questionnaire]
    values = {question.id: fill for question in q.questions}
    values.update({k.replace("__", "."): v for k, v in answers.items()})
    return {"questionnaire": questionnaire, "organisation": "Test Co", "answers": values}


def random_answers_data(library: Library, questionnaire: str, rng: random.Random) -> dict[str, Any]:
    """A random valid answers document: 1-5 respondents, each around a bias of their own, answering
    the questions their role is asked.

    About 6% of the answers are "unknown", 6% "na" (where the question allows it), 20% carry evidence.
    """
    found = library.questionnaires[questionnaire]
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
