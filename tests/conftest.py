"""Fixtures of every test: the bundled content, tiny test content, answer builders, the CLI runner.

The web tests add theirs in tests/web/conftest.py; plain helpers are in the `helpers` package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from assessment.content.library import Library, load_library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.io.source import Document

# The shared helpers assert too: have pytest rewrite them (before the first import below).
pytest.register_assert_rewrite("helpers")

from helpers import DATA, ROOT  # noqa: E402
from helpers.answers import answers_data  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def content_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The commands' content cache in a folder of this test run, never the user's own (the
    variable reaches the subprocesses the tests start too)."""
    folder = tmp_path_factory.mktemp("tqm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TQM_CACHE_DIR", str(folder))
        patch.delenv("TQM_NO_CACHE", raising=False)
        yield folder


@pytest.fixture(scope="session")
def library() -> Library:
    """The product's own questionnaires and rule packs."""
    return load_library(ROOT)


@pytest.fixture(scope="session")
def mini() -> Library:
    """Tiny purpose-built content (tests/data/content): two questions per dimension."""
    return load_library(DATA / "content")


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
