"""The app with the RQ queues on (REDIS_URL) for tests: a Redis namespace of its own, deleted
afterwards, and a worker run in this process until a queue is empty."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from flask import Flask
from rq import Queue, SimpleWorker

from helpers.web import app_on

REDIS = "redis://127.0.0.1:6379/15"


@contextmanager
def queued_app(database_url: str, **config: Any) -> Iterator[Flask]:
    """The app on `database_url` with REDIS_URL set, its keys under a namespace of its own."""
    space = f"tqm-test-{secrets.token_hex(6)}"
    try:
        with app_on(database_url, REDIS_URL=REDIS, TQM_REDIS_NAMESPACE=space, **config) as app:
            yield app
    finally:
        connection = redis.Redis.from_url(REDIS)
        for key in connection.scan_iter(f"*{space}*"):
            connection.delete(key)


def queue(name: str) -> Queue:
    """The RQ queue of that name on the tests' Redis."""
    return Queue(name, connection=redis.Redis.from_url(REDIS))


def run_jobs(name: str) -> None:
    """What `rq worker` does, here and until the queue is empty."""
    found = queue(name)
    SimpleWorker([found], connection=found.connection).work(burst=True)
