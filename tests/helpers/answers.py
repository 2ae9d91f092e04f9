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
    """A random valid answers document: 1-5 respondents, each around a bias of their own.

    About 6% of the answers are "unknown", 6% "na" (where the question allows it), 20% carry evidence.
    """
    questions = library.questionnaires[questionnaire].questions
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
        responses.append({"respondent": respondent, "answers": answers})
    return {"questionnaire": questionnaire, "organisation": "Random Co", "responses": responses}
