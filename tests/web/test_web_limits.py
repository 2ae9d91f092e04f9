"""Per-client rate limits: starting assessments, the score API, sign-in, report requests and
batch uploads answer 429 with Retry-After, counted across processes with Redis."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from helpers.consultants import create_consultant, sign_in
from helpers.queue import queued_app
from helpers.web import csrf_token, database

from webapp import create_app
from webapp.limits import LIMITED

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


@contextmanager
def _two_processes(database_url: str, **limit: str) -> Iterator[tuple[Flask, Flask]]:
    """Two apps (as two workers would be) counting `limit` in one Redis."""
    settings = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        **limit,
    }
    first, second = create_app(settings), create_app(settings)
    database(first).upgrade()
    try:
        yield first, second
    finally:
        database(first).dispose()
        database(second).dispose()


def _address() -> str:
    """A client address of its own, so that no earlier run's counter in Redis counts."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"


def test_with_redis_every_process_shares_the_counters(database_url: str) -> None:
    address = _address()
    with _two_processes(database_url, TQM_LIMIT_START="2 per minute") as (first, second):
        assert _start(first, address)[0] == 303
        assert _start(second, address)[0] == 303
        assert _start(first, address)[0] == 429


# Each limited view, a request that reaches it, and what it answers within its limit.
REACHING: dict[str, tuple[str, str, bool, int]] = {  # endpoint: method, path, signed in, status
    "survey.start": ("POST", "/start/tqm-quick", False, 303),
    "api.score": ("POST", "/api/v1/score", False, 415),  # a form: not answers
    "accounts.sign_in": ("POST", "/consultant/sign-in", False, 401),
    "results.download": ("GET", "/a/unknown-token/download/json", False, 404),
    "report_queue.retry": ("POST", "/a/unknown-token/report/pdf/retry", False, 404),
    "audits.report": ("GET", "/consultant/rounds/999/report.pdf", True, 404),
    "audits.round_report_retry": ("POST", "/consultant/rounds/999/report/pdf/retry", True, 404),
    "batch_uploads.upload": ("POST", "/consultant/batches/", True, 422),
    "batch_uploads.retry": ("POST", "/consultant/batches/abc123/retry", True, 404),
}


@pytest.fixture()
def every_limit_at_one(database_url: str) -> Iterator[Flask]:
    """The app with the queue on (so every limited view is reachable) and each limit at 1."""
    one = "1 per minute"
    limits = {key: one for _endpoint, (key, _methods) in LIMITED.items()}
    with queued_app(database_url, RATELIMIT_ENABLED=True, **limits) as app:
        yield app


def test_every_limited_endpoint_answers_429_with_retry_after_past_its_limit(
    every_limit_at_one: Flask,
) -> None:
    app = every_limit_at_one
    assert REACHING.keys() == LIMITED.keys()  # a newly limited view is tested here too
    consultant = app.test_client()
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    assert sign_in(consultant, csrf_token, "ana@acme.example") == 303
    for number, (endpoint, (method, path, signed_in, status)) in enumerate(REACHING.items()):
        browser = consultant if signed_in else app.test_client()
        env = {"REMOTE_ADDR": f"10.8.0.{number + 1}"}  # an allowance of its own
        data = {"csrf_token": csrf_token(browser, "/consultant/sign-in"), "password": "wrong"}
        sent = [browser.open(path, method=method, data=data, environ_base=env) for _ in "12"]
        assert sent[0].status_code == status, (endpoint, sent[0].status_code)
        assert sent[1].status_code == 429, endpoint
        assert int(sent[1].headers["Retry-After"]) >= 1, endpoint


def test_the_report_views_share_one_allowance(every_limit_at_one: Flask) -> None:
    browser = every_limit_at_one.test_client()
    env = {"REMOTE_ADDR": "10.8.1.1"}
    assert browser.get("/a/unknown-token/download/json", environ_base=env).status_code == 404
    token = csrf_token(browser, "/consultant/sign-in")
    retry = "/a/unknown-token/report/pdf/retry"
    assert browser.post(retry, data={"csrf_token": token}, environ_base=env).status_code == 429


def test_sign_in_attempts_are_counted_across_processes_with_redis(database_url: str) -> None:
    address = _address()

    def attempt(app: Flask) -> int:
        browser = app.test_client()
        data = {"csrf_token": csrf_token(browser, "/consultant/sign-in"), "email": "x@y.example"}
        reply = browser.post(
            "/consultant/sign-in", data=data, environ_base={"REMOTE_ADDR": address}
        )
        return reply.status_code

    with _two_processes(database_url, TQM_LIMIT_SIGN_IN="2 per minute") as (first, second):
        assert [attempt(first), attempt(second), attempt(first)] == [401, 401, 429]
