"""Fixtures of the web tests (found by pytest for every module in tests/web/).

`app`, `client` and the rest are parametrised over both databases: SQLite in tmp_path, and
PostgreSQL on 127.0.0.1:5432 (database `test`; TQM_TEST_POSTGRES overrides the URL) in a schema of
its own that is dropped afterwards. An unreachable PostgreSQL fails the tests with the reason;
nothing is skipped. Helpers that are not fixtures are in helpers.web.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import web
from helpers.consultants import create_consultant, sign_in
from helpers.web import Respondent, Row, csrf_token, database
from sqlalchemy import text

from assessment.content.library import Library
from webapp import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'web.sqlite3'}"
        return
    with web.postgres_schema("web") as url:
        yield url


@pytest.fixture()
def app(database_url: str) -> Iterator[Flask]:
    """The app on a fresh database, migrated to head, CSRF protection on."""
    application = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
    )
    database(application).upgrade()  # what `flask --app webapp db upgrade` runs
    yield application
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


@pytest.fixture()
def new_respondent(client: FlaskClient, web_library: Library) -> Callable[..., Respondent]:
    """Make a respondent: new_respondent('tqm-audit', browser=None)."""

    def make(questionnaire: str = "tqm-quick", browser: FlaskClient | None = None) -> Respondent:
        return Respondent(browser or client, web_library, questionnaire)

    return make


@pytest.fixture()
def respondent(new_respondent: Callable[..., Respondent]) -> Respondent:
    """A respondent who has started the quick scan."""
    person = new_respondent()
    person.start()
    return person


@pytest.fixture()
def stored(app: Flask) -> Callable[[], list[Row]]:
    """stored(): every stored answer as (question, status, value, evidence, note), sorted."""

    def rows() -> list[Row]:
        sql = "SELECT question_id, status, value, evidence, note FROM answers ORDER BY 1"
        with database(app).engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]

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


@pytest.fixture()
def consultant(
    app: Flask, client: FlaskClient, csrf: Callable[[FlaskClient, str], str]
) -> FlaskClient:
    """A signed-in consultant of "Acme Consulting"."""
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    assert sign_in(client, csrf, "ana@acme.example") == 303
    return client
