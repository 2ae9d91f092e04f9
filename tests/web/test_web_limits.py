"""Per-client rate limits: starting assessments and the score API answer 429 with Retry-After."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from helpers.web import csrf_token, database

from webapp import create_app

ANSWERS = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture()
def limited(database_url: str) -> Iterator[Flask]:
    """The app with small limits, counted in memory (as by default)."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "RATELIMIT_ENABLED": True,
            "TQM_LIMIT_START": "2 per minute",
            "TQM_LIMIT_API": "1 per minute",
        }
    )
    database(app).upgrade()
    yield app
    database(app).dispose()


def _start(app: Flask, address: str, lang: str = "en") -> tuple[int, str, dict[str, str]]:
    client = app.test_client()
    client.set_cookie("lang", lang)
    env = {"REMOTE_ADDR": address}
    token = csrf_token(client, "/start/tqm-quick")
    response = client.post("/start/tqm-quick", data={"csrf_token": token}, environ_base=env)
    return response.status_code, response.get_data(as_text=True), dict(response.headers)


def test_starting_too_many_assessments_is_refused_with_retry_after(limited: Flask) -> None:
    assert [_start(limited, "10.0.0.1")[0] for _ in range(2)] == [303, 303]
    status, page, headers = _start(limited, "10.0.0.1")
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert "Too many requests" in page and "Please try again in" in page
    status, page, _headers = _start(limited, "10.0.0.1", "zh")
    assert status == 429 and "请求过于频繁" in page
    assert _start(limited, "10.0.0.2")[0] == 303  # another client has its own allowance


def test_the_score_api_is_limited_per_client(limited: Flask) -> None:
    client = limited.test_client()
    body = (ANSWERS / "answers" / "quick-all-3.yaml").read_bytes()
    sent = [
        client.post("/api/v1/score", data=body, content_type="application/yaml") for _ in range(2)
    ]
    assert sent[0].status_code == 200, sent[0].get_data(as_text=True)
    assert sent[1].status_code == 429
    assert int(sent[1].headers["Retry-After"]) >= 1
    assert "too many requests" in sent[1].get_json()["errors"][0]["message"]
    documented = client.get("/api/openapi.json").get_json()["paths"]["/api/v1/score"]["post"]
    assert "Retry-After" in documented["responses"]["429"]["headers"]


def test_limits_are_off_in_tests_unless_asked_for(app: Flask) -> None:
    assert all(_start(app, "10.0.0.9")[0] == 303 for _ in range(12))


def test_with_redis_every_process_shares_the_counters(database_url: str) -> None:
    settings = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "RATELIMIT_ENABLED": True,
        "TQM_LIMIT_START": "2 per minute",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    }
    first, second = create_app(settings), create_app(settings)  # two workers, one Redis
    database(first).upgrade()
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    try:
        assert _start(first, address)[0] == 303
        assert _start(second, address)[0] == 303
        assert _start(first, address)[0] == 429
    finally:
        database(first).dispose()
        database(second).dispose()
