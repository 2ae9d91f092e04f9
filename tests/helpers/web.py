"""The web app for tests: its test database, an app on SQLite, and a respondent's browser.

The fixtures that use these are in tests/web/conftest.py.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
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
from helpers.live_server import CSRF
from webapp import create_app
from webapp.db import Database

POSTGRES = os.environ.get("TQM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
Row = tuple[str, str, float | None, str, str]


def postgres_admin() -> Any:
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


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """The address of a fresh PostgreSQL schema of its own (`prefix`_random), dropped afterwards."""
    admin = postgres_admin()
    schema = f"{prefix}_{secrets.token_hex(6)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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


@contextmanager
def app_on(database_url: str, **config: Any) -> Iterator[Flask]:
    """The app on `database_url` migrated to head, with more configuration (e.g. TQM_CONTENT)."""
    base = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
    application = create_app({**base, **config})
    database(application).upgrade()
    try:
        yield application
    finally:
        database(application).dispose()


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
    role: str | None = None  # set by start(); an invitation's role when answering a round

    def start(self, organisation: str = "Test Co", role: str = "manager") -> TestResponse:
        """Start the assessment; remember its resume token."""
        path = f"/start/{self.questionnaire}"
        data = {"csrf_token": csrf_token(self.client, path), "organisation": organisation}
        response = self.client.post(path, data={**data, "role": role})
        assert response.status_code == 303, response.get_data(as_text=True)
        self.token, self.role = response.location.split("/")[2], role or None
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
        """Answer every question the role is asked at scale position `value` (a reverse-keyed item
        gets the mirrored answer), then the overrides as written (dots in ids as '__')."""
        wanted = {k.replace("__", "."): v for k, v in overrides.items()}
        questionnaire = self.library.questionnaires[self.questionnaire]
        for dim in questionnaire.dimensions:
            asked = questionnaire.dimension_questions(dim, self.role)
            if asked:
                answers = {
                    q.id: wanted.get(q.id, q.answer_at(value) if isinstance(value, int) else value)
                    for q in asked
                }
                assert self.submit(dim.id, answers).status_code == 303
