"""deploy/: gunicorn takes its configuration file, a real gunicorn serves with it, and every
environment variable docs/deploy.md documents is read by the program the table says."""

from __future__ import annotations

import http.client
import json
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from gunicorn.config import Config
from helpers import DATA, ROOT
from helpers.live_server import start_gunicorn
from helpers.web import csrf_token, database

from webapp import create_app
from webapp.config import ENV_KEYS

CONF = ROOT / "deploy" / "gunicorn.conf.py"
DOC = ROOT / "docs" / "deploy.md"
ROW = re.compile(r"^\| `([A-Z_]+)` \| (app|gunicorn|reports|tqm) \|", re.MULTILINE)

# A value to set for each documented variable, and what the program makes of it.
APP_SAMPLES: dict[str, tuple[str, Any]] = {
    "SECRET_KEY": ("deploy-test-secret", "deploy-test-secret"),
    "REDIS_URL": ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/15"),
    "TQM_ENV": ("production", "production"),
    "TQM_CONTENT": (str(DATA / "content"), str(DATA / "content")),
    "TQM_PROXY_HOPS": ("1", "1"),
    "TQM_PDF_TIMEOUT": ("12", 12.0),
    "TQM_REPORT_TTL": ("600", "600"),
    "TQM_SCORE_TIMEOUT": ("15", 15.0),
    "TQM_LIMIT_START": ("3 per hour", "3 per hour"),
    "TQM_LIMIT_API": ("2 per minute", "2 per minute"),
    "TQM_LIMIT_SIGN_IN": ("4 per minute", "4 per minute"),
    "TQM_LIMIT_REPORT": ("5 per minute", "5 per minute"),
    "TQM_LIMIT_UPLOAD": ("6 per hour", "6 per hour"),
    "TQM_BATCH_MAX_BYTES": ("1000000", 1000000),
    "TQM_BATCH_INLINE_BYTES": ("20000", 20000),
    "TQM_BATCH_TIMEOUT": ("300", 300),
    # a database of its own, emptied by the test (the limiter's counters are checked there)
    "RATELIMIT_STORAGE_URI": ("redis://127.0.0.1:6379/14", "redis://127.0.0.1:6379/14"),
    "RATELIMIT_KEY_PREFIX": ("site-a", "site-a"),
    "TQM_REDIS_NAMESPACE": ("site-a", "site-a"),
}
GUNICORN_SAMPLES: dict[str, tuple[str, str, Any]] = {  # variable: (value, setting, result)
    "TQM_BIND": ("127.0.0.1:8123", "bind", ["127.0.0.1:8123"]),
    "WEB_CONCURRENCY": ("3", "workers", 3),
    "TQM_THREADS": ("4", "threads", 4),
    "TQM_WORKER_TIMEOUT": ("45", "timeout", 45),
    "TQM_GRACEFUL_TIMEOUT": ("20", "graceful_timeout", 20),
    "TQM_KEEPALIVE": ("75", "keepalive", 75),
    "TQM_MAX_REQUESTS": ("500", "max_requests", 500),
    "TQM_MAX_REQUESTS_JITTER": ("50", "max_requests_jitter", 50),
    "FORWARDED_ALLOW_IPS": ("10.0.0.2", "forwarded_allow_ips", ["10.0.0.2"]),
    "TQM_ACCESS_LOG": ("/var/log/tqm/access.log", "accesslog", "/var/log/tqm/access.log"),
    "TQM_LOG_LEVEL": ("warning", "loglevel", "warning"),
}


def documented() -> dict[str, str]:
    """Each variable of the documentation's table and the program that reads it."""
    return dict(ROW.findall(DOC.read_text(encoding="utf-8")))


def gunicorn_config() -> Config:
    """deploy/gunicorn.conf.py loaded the way gunicorn loads it: each setting through its
    validator (a wrong type or name raises)."""
    config = Config()
    for name, value in runpy.run_path(str(CONF)).items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_takes_every_setting_of_the_configuration_file() -> None:
    config = gunicorn_config()
    assert config.preload_app is True
    assert config.timeout == 30
    assert config.workers >= 1
    assert config.forwarded_allow_ips == ["127.0.0.1", "::1"]


def test_a_wrong_number_stops_gunicorn_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "four")
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY must be a whole number"):
        gunicorn_config()


def test_the_documentation_lists_every_setting_of_the_app() -> None:
    assert {name for name, reader in documented().items() if reader == "app"} == set(ENV_KEYS)


@pytest.mark.parametrize("name", sorted(n for n, r in documented().items() if r == "gunicorn"))
def test_gunicorn_reads_each_documented_variable(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    value, setting, expected = GUNICORN_SAMPLES[name]
    monkeypatch.setenv(name, value)
    assert getattr(gunicorn_config(), setting) == expected


def test_the_app_reads_each_documented_variable(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_variables = sorted(n for n, r in documented().items() if r == "app")
    for name in app_variables:
        value = database_url if name == "DATABASE_URL" else APP_SAMPLES[name][0]
        monkeypatch.setenv(name, value)
    # limits are off in tests unless asked for; on, Flask-Limiter opens its storage
    app = create_app({"TESTING": True, "RATELIMIT_ENABLED": True})
    try:
        check_the_limits_are_counted_where_configured(app)
        for name in app_variables:
            if name == "DATABASE_URL":  # normalised to the psycopg 3 driver, else as given
                assert app.extensions["tqm_db"].url == app.config[name]
                assert app.config[name].split("://")[1] == database_url.split("://")[1]
                continue
            assert app.config[name] == APP_SAMPLES[name][1], name
        assert app.extensions["tqm_library"].questionnaires.keys() == {"mini"}  # TQM_CONTENT
        assert app.config["SESSION_COOKIE_SECURE"] is True  # TQM_ENV=production
    finally:
        app.extensions["tqm_db"].dispose()


def check_the_limits_are_counted_where_configured(app: Flask) -> None:
    """RATELIMIT_STORAGE_URI: the counters are in that Redis database; TQM_LIMIT_API and
    TQM_LIMIT_START: the third score request and the fourth start from one client are refused."""
    database(app).upgrade()
    storage = app.extensions["tqm_limiter"].storage
    storage.reset()
    assert type(storage).__name__ == "RedisStorage" and storage.check()
    assert storage.storage.connection_pool.connection_kwargs["db"] == 14
    client = app.test_client()
    score = [client.post("/api/v1/score", json={}).status_code for _ in range(3)]
    assert score[:2] != [429, 429] and score[2] == 429, score
    started = [
        client.post("/start/mini", data={"csrf_token": csrf_token(client, "/start/mini")})
        for _ in range(4)
    ]
    assert [r.status_code for r in started] == [303, 303, 303, 429]
    assert storage.storage.keys(f"{storage.PREFIX}*")  # counted in Redis, not in memory
    storage.reset()


@pytest.mark.parametrize(
    "name", sorted(n for n, r in documented().items() if r in ("reports", "tqm"))
)
def test_the_library_reads_each_documented_variable(name: str) -> None:
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "assessment").rglob("*.py"))
    assert f'"{name}"' in sources


def test_a_real_gunicorn_serves_with_the_configuration_file(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "SECRET_KEY": "deploy-test-secret",
        "TQM_ENV": "production",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "TQM_LOG_LEVEL": "warning",
    }
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log, workers=1, extra_args=("--config", str(CONF)))
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("GET", "/readyz")
        reply = connection.getresponse()
        body = json.loads(reply.read())
        connection.close()
        assert reply.status == 200, body
        assert body["checks"] == {"database": "ok", "redis": "ok"}
    finally:
        server.stop()
    assert "Traceback" not in log.read_text(errors="replace")
