"""Several app processes, an RQ report worker and the clients that use them (tests and benches).

The apps are gunicorns (helpers.live_server) on one PostgreSQL and one Redis; the worker is
`rq worker -w webapp.worker.ReportWorker`; `kill_worker` SIGKILLs it and the work-horse rendering
a report together, as a crash of the machine's worker would. Every
wait is bounded by a deadline.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from assessment.content.library import load_library
from helpers import ROOT
from helpers.live_server import (
    LiveServer,
    WebClient,
    app_environment,
    page_form,
    start_gunicorn,
    upgrade_database,
)

RQ = Path(sys.executable).parent / "rq"
WORKER_CLASS = "webapp.worker.ReportWorker"
POLL_SECONDS = 1.0  # a report's state page asks every 2 s; scripts poll /status a bit faster


def start_apps(
    count: int, env: Mapping[str, str], settings: Mapping[str, str], folder: Path
) -> list[LiveServer]:
    """`count` gunicorns (2 workers each) on the same database and Redis, migrated once and
    started together; `settings` are passed to the app factory (those the environment does not
    carry)."""
    app = f"webapp:create_app({dict(settings)!r})"
    upgrade_database(app_environment(env))
    with ThreadPoolExecutor(count) as pool:
        starting = [
            pool.submit(start_gunicorn, env, folder / f"app-{i}.log", 2, (), 60.0, app, False)
            for i in range(count)
        ]
        wait(starting)
    servers = [future.result() for future in starting if future.exception() is None]
    for future in starting:
        problem = future.exception()
        if problem is not None:
            for server in servers:
                server.kill()
            raise problem
    return servers


@contextlib.contextmanager
def running_apps(
    count: int, env: Mapping[str, str], settings: Mapping[str, str], folder: Path
) -> Iterator[list[LiveServer]]:
    """`start_apps`; afterwards the apps stopped and their Redis namespace (env REDIS_URL,
    setting TQM_REDIS_NAMESPACE) forgotten."""
    servers = start_apps(count, env, settings, folder)
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
        forget_namespace(env["REDIS_URL"], settings["TQM_REDIS_NAMESPACE"])


def start_worker(
    redis_url: str, queue: str, name: str, log: Path, worker_class: str = WORKER_CLASS
) -> subprocess.Popen[bytes]:
    """The report worker (`worker_class`: another RQ worker class, e.g. rq.Worker)."""
    command = [str(RQ), "worker", "-w", worker_class, "--url", redis_url, "--name", name, queue]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            start_new_session=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def kill_worker(worker: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker and its work-horse at once, as systemd or a container's end kills
    every process of the unit; reap the worker. (RQ puts each horse in a session of its own,
    so a kill of the worker's process group would leave it running, finishing its job.)"""
    with contextlib.suppress(psutil.NoSuchProcess):
        for horse in psutil.Process(worker.pid).children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                horse.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def answered_assessment(port: int, value: int, organisation: str) -> tuple[str, str]:
    """Start a quick scan and answer every question at scale position `value`; its resume token
    and the path of its first dimension page."""
    quick = load_library(ROOT).questionnaires["tqm-quick"]
    browser = WebClient(port, timeout=60)
    try:
        token = browser.start(organisation=organisation)
        for dimension in quick.dimensions:
            page = f"/a/{token}/d/{dimension.id}"
            asked = quick.dimension_questions(dimension, None)
            answers = {q.id: q.answer_at(value) for q in asked}
            reply = browser.request("POST", page, form=page_form(browser.csrf_token(page), answers))
            assert reply.status == 303, f"saving {page}: {reply.status} {reply.body[:300]}"
    finally:
        browser.close()
    return token, f"/a/{token}/d/{quick.dimensions[0].id}"


def get_bytes(port: int, path: str, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """One GET, its body as bytes (WebClient decodes bodies as text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


@dataclass
class Fetched:
    """What one report request got: the file's digest and size, the port that served it, the
    states it saw on the way and how often it asked for a retry."""

    digest: str = ""
    size: int = 0
    port: int = 0
    states: list[str] = field(default_factory=list)
    retries: int = 0
    error: str = ""
    done_at: float = 0.0  # time.monotonic() when the file had arrived


def fetch_report(ports: Sequence[int], first: int, token: str, fmt: str, within: float) -> Fetched:
    """Ask for a report as a browser does (state page, then the state until it is ready, each
    request to the next app process in turn), retry it if it failed, then download it."""
    got, path = Fetched(), f"/a/{token}/report/{fmt}"
    browser = WebClient(ports[first % len(ports)], timeout=30)
    deadline, turn = time.monotonic() + within, first
    try:
        browser.request("GET", path)
        while time.monotonic() < deadline:
            turn += 1
            browser.port = ports[turn % len(ports)]
            browser.close()  # the next request goes to another process
            state = json.loads(browser.request("GET", f"{path}/status").body)
            got.states.append(state["state"])
            if state["state"] == "failed":
                form = {"csrf_token": browser.csrf_token(path)}
                browser.request("POST", f"{path}/retry", form=form)
                got.retries += 1
            elif state["ready"]:
                return _download(got, browser.port, path)
            time.sleep(POLL_SECONDS)
        got.error = f"not ready within {within:g} s: last states {got.states[-3:]}"
    except Exception as exc:  # kept for the assertion message: which request, what failed
        got.error = f"{type(exc).__name__}: {exc}"
    finally:
        browser.close()
    return got


def _download(got: Fetched, port: int, path: str) -> Fetched:
    status, _headers, body = get_bytes(port, f"{path}/file")
    if status != 200:
        got.error = f"the file answered {status} once ready"
        return got
    got.digest, got.size, got.port = hashlib.sha256(body).hexdigest(), len(body), port
    got.done_at = time.monotonic()
    return got


def whole(fmt: str, body: bytes) -> bool:
    """Whether a report file is complete: a PDF from %PDF- to %%EOF, a DOCX a zip file."""
    if fmt == "pdf":
        return body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    return body.startswith(b"PK")


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rendered_jobs(redis_url: str, namespace: str) -> list[str]:
    """The job ids of the reports stored under the namespace (derived from their keys)."""
    import redis

    from webapp.jobs import ReportKey

    connection = redis.Redis.from_url(redis_url)
    try:
        keys = [key.decode() for key in connection.scan_iter(f"{namespace}:report:*")]
    finally:
        connection.close()
    jobs = []
    for key in keys:
        space, _report, assessment, digest, fmt, lang = key.split(":")
        jobs.append(ReportKey(space, int(assessment), digest, fmt, lang).job_id)
    return jobs


def forget_namespace(redis_url: str, namespace: str) -> None:
    """Delete every Redis key of a namespace (reports, queue, registries, workers, limit
    counters), RQ's records of the namespace queue's jobs and of its stored reports' jobs, and
    the namespace's members of RQ's global sets of workers and queues."""
    import redis

    jobs = set(rendered_jobs(redis_url, namespace))
    connection = redis.Redis.from_url(redis_url)
    try:
        queue = f"{namespace}-reports".encode()
        for key in connection.scan_iter("rq:job:*"):
            if connection.hget(key, "origin") == queue:
                jobs.add(key.decode().split(":", 2)[2])
        doomed = list(connection.scan_iter(f"*{namespace}*"))
        for job in jobs:
            doomed += [f"rq:job:{job}", f"rq:results:{job}", f"rq:executions:{job}"]
            doomed += list(connection.scan_iter(f"rq:execution:{job}:*"))
        if doomed:
            connection.delete(*doomed)
        for registry in ("rq:workers", "rq:queues"):
            members = [m for m in connection.smembers(registry) if namespace.encode() in m]
            if members:
                connection.srem(registry, *members)
    finally:
        connection.close()
