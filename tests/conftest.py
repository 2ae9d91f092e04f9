"""Shared fixtures: the bundled content, tiny test content, answer builders and the CLI runner."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from assessment.content.library import Library, load_library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.io.source import Document

# web_conftest is imported by some test modules before it is loaded as their plugin: rewrite its
# asserts either way (pytest warns "Module already imported so cannot be rewritten" otherwise).
pytest.register_assert_rewrite("web_conftest")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def library() -> Library:
    """The product's own questionnaires and rule packs."""
    return load_library(ROOT)


@pytest.fixture(scope="session")
def mini() -> Library:
    """Tiny purpose-built content (tests/data/content): two questions per dimension."""
    return load_library(DATA / "content")


def answers_data(
    library: Library, questionnaire: str, fill: Any = 3, **answers: Any
) -> dict[str, Any]:
    """An answers document: every question `fill`, then the given answers (dots as '__')."""
    q = library.questionnaires[questionnaire]
    values = {question.id: fill for question in q.questions}
    values.update({k.replace("__", "."): v for k, v in answers.items()})
    return {"questionnaire": questionnaire, "organisation": "Test Co", "answers": values}


RANDOM_ROLES = ["leader", "manager", "staff", "staff", "customer", "auditor"]


def random_answers_data(library: Library, questionnaire: str, rng: random.Random) -> dict[str, Any]:
    """A random valid answers document: 1-5 respondents, each around a bias of their own.

    About 6% of the answers are "unknown", 6% "na" (where the question allows it), 20% carry evidence.
    """
    questions = library.questionnaires[questionnaire].questions
    responses = []
    for index in range(rng.choice([1, 1, 2, 3, 5])):
        bias, answers = rng.randint(1, 5), {}
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


@pytest.fixture()
def make_answers() -> Callable[..., AnswerSet]:
    """Build a checked AnswerSet: make_answers(library, 'mini', fill=3, customer__first=5)."""

    def build(library: Library, questionnaire: str, fill: Any = 3, **answers: Any) -> AnswerSet:
        return parse_answers(
            Document("test", answers_data(library, questionnaire, fill, **answers)), library
        )

    return build


@pytest.fixture()
def cli() -> Callable[..., Result]:
    """Run `tqm ARGS...` in-process; stdout and stderr are kept apart."""
    from assessment.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
