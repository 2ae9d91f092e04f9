"""Fixtures of the web tests: the app on SQLite and on PostgreSQL, and a respondent's browser.

Used as a pytest plugin (`pytest_plugins = ["web_conftest"]` in each test_web_* module).
Every app fixture is parametrised over both databases: SQLite in tmp_path, and PostgreSQL on
127.0.0.1:5432 (database `test`; TQM_TEST_POSTGRES overrides the URL) in a schema of its own that
is dropped afterwards. An unreachable PostgreSQL fails the tests with the reason; nothing is skipped.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from assessment.content.library import Library
from webapp import create_app
from webapp.db import Database

POSTGRES = os.environ.get("TQM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _postgres_admin() -> Any:
    """An engine on the test database, or a test failure that says what to do."""
    engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        engine.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES} ({type(exc).__name__}: {exc}). "
            "Start it (scripts/services.sh) or set TQM_TEST_POSTGRES; these tests never skip.",
            pytrace=False,
        )
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'web.sqlite3'}"
        return
    admin = _postgres_admin()
    schema = f"web_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture()
def app(database_url: str) -> Iterator[Flask]:
    """The app on a fresh database, migrated to head, CSRF protection on."""
    application = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
    )
    database(application).upgrade()  # what `flask --app webapp db upgrade` runs
    yield application
    database(application).dispose()


@contextmanager
def sqlite_app(folder: Path) -> Iterator[Flask]:
    """The app on SQLite in `folder`, for module-scoped fixtures (one app for many tests)."""
    application = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'app.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "TESTING": True,
        }
    )
    database(application).upgrade()
    try:
        yield application
    finally:
        database(application).dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A browser with its own cookie jar."""
    return app.test_client()


@pytest.fixture()
def web_library(app: Flask) -> Library:
    """The content the app serves."""
    lib: Library = app.extensions["tqm_library"]
    return lib


def database(app: Flask) -> Database:
    """The app's Database."""
    db: Database = app.extensions["tqm_db"]
    return db


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of this client's session, read from a page with a form."""
    page = client.get(path)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@dataclass
class Respondent:
    """A browser filling in one assessment."""

    client: FlaskClient
    library: Library
    questionnaire: str
    token: str = ""

    def start(self, organisation: str = "Test Co", role: str = "manager") -> TestResponse:
        """Start the assessment; remember its resume token."""
        path = f"/start/{self.questionnaire}"
        data = {"csrf_token": csrf_token(self.client, path), "organisation": organisation}
        response = self.client.post(path, data={**data, "role": role})
        assert response.status_code == 303, response.get_data(as_text=True)
        self.token = response.location.split("/")[2]
        return response

    def page(self, dimension: str) -> str:
        """The path of a dimension page."""
        return f"/a/{self.token}/d/{dimension}"

    def submit(
        self, dimension: str, answers: dict[str, Any], nav: str = "next", **extra: str
    ) -> TestResponse:
        """Post a dimension page: answers by question id (value, or (value, evidence, note))."""
        data = {"csrf_token": csrf_token(self.client, self.page(dimension)), "nav": nav, **extra}
        for qid, answer in answers.items():
            value, evidence, note = answer if isinstance(answer, tuple) else (answer, "", "")
            data[f"answer-{qid}"] = str(value)
            data[f"evidence-{qid}"], data[f"note-{qid}"] = evidence, note
        return self.client.post(self.page(dimension), data=data)

    def answer_all(self, value: Any = 3, **overrides: Any) -> None:
        """Answer every question (dots in ids as '__' in overrides)."""
        wanted = {k.replace("__", "."): v for k, v in overrides.items()}
        for dim in self.library.questionnaires[self.questionnaire].dimensions:
            answers = {q.id: wanted.get(q.id, value) for q in dim.questions}
            assert self.submit(dim.id, answers).status_code == 303


@pytest.fixture()
def new_respondent(client: FlaskClient, web_library: Library) -> Callable[..., Respondent]:
    """Make a respondent: new_respondent('tqm-audit', client=None, start=True)."""

    def make(questionnaire: str = "tqm-quick", browser: FlaskClient | None = None) -> Respondent:
        return Respondent(browser or client, web_library, questionnaire)

    return make


@pytest.fixture()
def respondent(new_respondent: Callable[..., Respondent]) -> Respondent:
    """A respondent who has started the quick scan."""
    person = new_respondent()
    person.start()
    return person


Row = tuple[str, str, float | None, str, str]


@pytest.fixture()
def stored(app: Flask) -> Callable[[], list[Row]]:
    """stored(): every stored answer as (question, status, value, evidence, note), sorted."""

    def rows() -> list[Row]:
        sql = "SELECT question_id, status, value, evidence, note FROM answers ORDER BY 1"
        with database(app).engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]  # type: ignore[misc]

    return rows


@pytest.fixture()
def sql(app: Flask) -> Callable[[str], list[tuple[Any, ...]]]:
    """sql('SELECT ...'): rows straight from the app's database."""

    def run(statement: str) -> list[tuple[Any, ...]]:
        with database(app).engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(statement))]

    return run


@pytest.fixture()
def csrf() -> Callable[[FlaskClient, str], str]:
    """csrf(client, path): the CSRF token of the client's session."""
    return csrf_token
