"""Readiness: whether this process can serve requests now (GET /readyz, for load balancers).

`/healthz` says the process is alive; `/readyz` also asks what it depends on: the database answers
`SELECT 1` and its schema is at the migrations' head, and Redis answers PING when REDIS_URL is set
(without it nothing needs Redis, so it is not asked). Any failure gives 503 and a JSON body naming
each check and what failed; details (host, driver message) go to the log, not to the client.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy import text

from .db import UPGRADE_COMMAND, Database

REDIS_TIMEOUT = 2.0  # seconds to connect and to answer: a load balancer asks often


def readiness() -> tuple[dict[str, Any], int]:
    """The body and status of /readyz: each check's verdict, 200 when all pass, else 503."""
    checks = {"database": _database(current_app.extensions["tqm_db"])}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _redis(current_app)
    failed = [name for name, verdict in checks.items() if verdict != "ok"]
    body = {"status": "unavailable" if failed else "ready", "checks": checks, "failed": failed}
    return body, 503 if failed else 200


def _database(database: Database) -> str:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        if not database.is_at_head():
            return f"not at the migrations' head: run `{UPGRADE_COMMAND}`"
    except Exception as exc:  # any driver error means "not ready", never a 500
        current_app.logger.error("readiness: the database %s: %s", database.display_url(), exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def _redis(app: Flask) -> str:
    try:
        redis_client(app).ping()
    except Exception as exc:  # connection refused, timeout, authentication, a bad URL ...
        app.logger.error("readiness: Redis: %s: %s", type(exc).__name__, exc)
        return f"unreachable ({type(exc).__name__})"
    return "ok"


def redis_client(app: Flask) -> Any:
    """The process's Redis client of REDIS_URL (redis-py's pool reconnects after a fork).

    Imported here, not at the top: without REDIS_URL the app needs no Redis package.
    """
    client = app.extensions.get("tqm_redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        app.extensions["tqm_redis"] = client
    return client
