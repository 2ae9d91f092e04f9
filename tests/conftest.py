"""Shared fixtures: the bundled content, tiny test content, answer builders and the CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from assessment.answers import AnswerSet, parse_answers
from assessment.content import Library, load_library
from assessment.source import Document

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


def answers_data(library: Library, questionnaire: str, fill: Any = 3, **answers: Any) -> dict[str, Any]:
    """An answers document: every question `fill`, then the given answers (dots as '__')."""
    q = library.questionnaires[questionnaire]
    values = {question.id: fill for question in q.questions}
    values.update({k.replace("__", "."): v for k, v in answers.items()})
    return {"questionnaire": questionnaire, "organisation": "Test Co", "answers": values}


@pytest.fixture()
def make_answers() -> Callable[..., AnswerSet]:
    """Build a checked AnswerSet: make_answers(library, 'mini', fill=3, customer__first=5)."""

    def build(library: Library, questionnaire: str, fill: Any = 3, **answers: Any) -> AnswerSet:
        return parse_answers(Document("test", answers_data(library, questionnaire, fill, **answers)), library)

    return build


@pytest.fixture()
def cli() -> Callable[..., Result]:
    """Run `tqm ARGS...` in-process; stdout and stderr are kept apart."""
    from assessment.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
