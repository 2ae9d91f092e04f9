"""GET /readyz: ready only when the database (and Redis, when REDIS_URL is set) answers; a 503
with a JSON body naming what failed otherwise, never a 500 or an HTML page."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app

REDIS = "redis://127.0.0.1:6379/15"
UPGRADE = "flask --app webapp db upgrade"


def closed_port() -> int:
    """A local TCP port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture()
def make_app(database_url: str) -> Iterator[Any]:
    """make_app(upgrade=True, **config): the app on the test database, with config overrides."""
    made: list[Flask] = []

    def make(upgrade: bool = True, **config: Any) -> Flask:
        settings = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
        application = create_app(settings | config)
        if upgrade:
            application.extensions["tqm_db"].upgrade()
        made.append(application)
        return application

    yield make
    for application in made:
        application.extensions["tqm_db"].dispose()


def ready(client: FlaskClient) -> tuple[int, dict[str, Any]]:
    response = client.get("/readyz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body: dict[str, Any] = response.get_json()
    return response.status_code, body


def test_ready_when_the_database_answers_and_redis_is_not_used(client: FlaskClient) -> None:
    status, body = ready(client)
    assert status == 200
    assert body == {"status": "ready", "checks": {"database": "ok"}, "failed": []}


def test_ready_asks_redis_when_redis_url_is_set(make_app: Any) -> None:
    status, body = ready(make_app(REDIS_URL=REDIS).test_client())
    assert status == 200
    assert body["checks"] == {"database": "ok", "redis": "ok"}


def test_unreachable_redis_is_503_naming_redis(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.ERROR):
        status, body = ready(app.test_client())
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == ["redis"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"].startswith("unreachable (")
    assert any("Redis" in r.getMessage() for r in caplog.records)


def test_unreachable_database_is_503_naming_the_database_not_a_500(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql+psycopg://nobody:secret@127.0.0.1:{closed_port()}/none"
    app = make_app(upgrade=False, DATABASE_URL=url, REDIS_URL=REDIS)
    with caplog.at_level(logging.ERROR):
        status, body = ready(app.test_client())
    assert status == 503
    assert body["failed"] == ["database"]
    assert body["checks"]["database"].startswith("unreachable (")
    assert body["checks"]["redis"] == "ok"
    assert "secret" not in str(body) and "127.0.0.1" not in str(body)  # details only in the log
    assert any("readiness: the database" in r.getMessage() for r in caplog.records)


def test_a_database_behind_the_migrations_is_not_ready_and_names_the_command(
    make_app: Any,
) -> None:
    client = make_app(upgrade=False).test_client()
    status, body = ready(client)
    assert status == 503
    assert body["failed"] == ["database"]
    assert UPGRADE in body["checks"]["database"]
    assert client.get("/healthz").status_code == 503  # the guard still keeps the pages out
