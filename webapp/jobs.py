"""The report queue: reports rendered by RQ workers when REDIS_URL is set (docs/deploy.md).

A report is named by its assessment, the hash of its result, its format and its language
(`ReportKey`). The web process asks for it (`request_report`): a report already rendered is
served from Redis; otherwise one job renders it, however many people or polls ask meanwhile (the
job's id is derived from the key, and a live job of that id is never enqueued again). The job
(`render_report`, run by `rq worker`) renders in memory and stores the bytes with one SET and a
time-to-live: the report exists whole or not at all, so nothing half-written is ever served. A job
that fails (or whose worker dies) is retried once, then shown as failed with a retry button.

Without REDIS_URL none of this runs: the results page renders each download in the request.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from flask import Flask

from assessment.engine.answers import AnswerSet
from assessment.engine.result import Result

from .readiness import redis_client

QUEUED_FORMATS = ("pdf", "docx", "xlsx")  # the slow ones; JSON stays in the request
REPORT_TTL = 24 * 3600  # seconds a rendered report is kept (TQM_REPORT_TTL)
JOB_TIMEOUTS = {"pdf": 120, "docx": 60, "xlsx": 60}  # seconds before RQ stops a job's work-horse


@dataclass(frozen=True)
class ReportKey:
    """What names one rendered report (`namespace`: of the site, in a Redis shared by several;
    `scope`: '' for an assessment, 'round-' for a consultant round's signed-off report)."""

    namespace: str
    assessment: int
    result_hash: str
    fmt: str
    lang: str
    scope: str = ""

    @property
    def redis_key(self) -> str:
        """Where the report's bytes are kept."""
        return (
            f"{self.namespace}:report:{self.scope}{self.assessment}:{self.result_hash}"
            f":{self.fmt}:{self.lang}"
        )

    @property
    def job_id(self) -> str:
        """The id of the one job that renders it (RQ ids: letters, digits, '-' and '_')."""
        return "report-" + hashlib.sha256(self.redis_key.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class ReportState:
    """Where a report is: 'ready', 'queued', 'started' or 'failed' (RQ keeps the failure's
    traceback for the operator: `rq info`, the failed job registry)."""

    state: str
    ready: bool = False


def namespace(app: Flask) -> str:
    """The prefix of the site's Redis keys and queue (TQM_REDIS_NAMESPACE, default 'tqm')."""
    return str(app.config.get("TQM_REDIS_NAMESPACE", "tqm"))


def queue_name(app: Flask) -> str:
    """The RQ queue of reports: 'tqm-reports' by default (what `rq worker` is told to serve)."""
    return f"{namespace(app)}-reports"


def queue_enabled(app: Flask) -> bool:
    """Whether reports go through the queue (REDIS_URL is set)."""
    return bool(app.config.get("REDIS_URL"))


def report_key(
    app: Flask, assessment: int, result: Result, fmt: str, lang: str, scope: str = ""
) -> ReportKey:
    """The key of a result's report: the hash covers the result document in every language it
    holds, so a changed answer, content version or rule gives another report."""
    documents = [result.to_document(language) for language in sorted(result.languages)]
    digest = hashlib.sha256(orjson.dumps(documents, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return ReportKey(namespace(app), assessment, digest[:32], fmt, lang, scope)


def request_report(
    app: Flask, key: ReportKey, answers: AnswerSet | None, result: Result, retry: bool = False
) -> ReportState:
    """The report's state; a job to render it is enqueued when there is neither a report nor a
    live job (or, with `retry`, when the last job failed)."""
    connection = redis_client(app)
    if connection.exists(key.redis_key):
        return ReportState("ready", ready=True)
    job, state = _job_state(connection, key.job_id)
    if state in ("queued", "started") or (state == "failed" and not retry):
        return ReportState(state)
    if job is not None:  # finished, yet the report expired; or failed, and a person retries
        job.delete()
    _enqueue(app, connection, key, answers, result)
    return ReportState("queued")


def _job_state(connection: Any, job_id: str) -> tuple[Any, str]:
    """The report's job (None: there is none) and its state: queued, started, failed or gone."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(job_id, connection=connection)
        status = job.get_status(refresh=True)
    except NoSuchJobError:
        return None, "gone"
    if status in (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED):  # scheduled: a retry
        return job, "queued"
    if status == JobStatus.STARTED:
        return job, "started"
    if status in (JobStatus.FAILED, JobStatus.STOPPED):
        return job, "failed"
    return job, "gone"  # finished (its report expired since), canceled


def _enqueue(
    app: Flask, connection: Any, key: ReportKey, answers: AnswerSet | None, result: Result
) -> None:
    """One job for the report, retried once when it fails; a second process's enqueue of the
    same report (a race) is refused by RQ, atomically, and ignored here."""
    from rq import Queue, Retry
    from rq.exceptions import DuplicateJobError

    with contextlib.suppress(DuplicateJobError):
        Queue(queue_name(app), connection=connection).enqueue(
            render_report,
            key,
            answers,
            result,
            int(app.config.get("TQM_REPORT_TTL", REPORT_TTL)),
            job_id=key.job_id,
            job_timeout=JOB_TIMEOUTS[key.fmt],
            result_ttl=60,  # the job's own record; the report has its own time-to-live
            failure_ttl=REPORT_TTL,
            retry=Retry(max=1),
            unique=True,
        )


def report_bytes(app: Flask, key: ReportKey) -> bytes | None:
    """The rendered report, whole, or None when there is none (yet, or any longer)."""
    found = redis_client(app).get(key.redis_key)
    return bytes(found) if found is not None else None


def render_report(key: ReportKey, answers: AnswerSet | None, result: Result, ttl: int) -> int:
    """The job: render the report in memory and store it with one SET (all or nothing); run by
    `rq worker` (no app, no database: the job carries the answers and the result)."""
    from rq import get_current_job

    from assessment.render import render

    # a round's report carries no answers: its formats (pdf, docx) are made from the result alone
    body = render(key.fmt, result, answers, key.lang)  # type: ignore[arg-type]
    data = body.encode("utf-8") if isinstance(body, str) else body
    job = get_current_job()
    assert job is not None, "render_report runs as an RQ job"
    job.connection.set(key.redis_key, data, ex=ttl)
    return len(data)
