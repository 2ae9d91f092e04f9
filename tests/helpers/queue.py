"""The app with the RQ queues on (REDIS_URL) for tests: a Redis namespace of its own, deleted
afterwards, and a worker run in this process until a queue is empty."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil
import redis
from flask import Flask
from rq import Queue, SimpleWorker

from helpers import ROOT
from helpers.web import app_on

REDIS = "redis://127.0.0.1:6379/15"
RQ = Path(sys.executable).parent / "rq"


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


def kill_horse_mid_job(name: str, started: Callable[[], bool], mid_job: Callable[[], None]) -> None:
    """Run `rq worker --burst` on the queue in a process of its own; once it has a work-horse and
    `started()` says the job is under way, check `mid_job()` and SIGKILL the horse (as the OOM
    killer would). The worker must end well, having seen its horse die mid-job."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [str(RQ), "worker", "--burst", "--url", REDIS, name]
    worker = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        horse = _busy_horse(worker.pid, started)
        mid_job()
        horse.kill()
        output, _ = worker.communicate(timeout=300)
    finally:
        worker.kill()
    assert worker.returncode == 0, output
    assert b"Work-horse terminated unexpectedly" in output  # the kill happened mid-job


def _busy_horse(worker_pid: int, started: Callable[[], bool]) -> psutil.Process:
    """The worker's work-horse once `started()` is true."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        horses = psutil.Process(worker_pid).children()
        if horses and started():
            return horses[0]
        time.sleep(0.02)
    raise AssertionError("the worker never got under way with its job")
