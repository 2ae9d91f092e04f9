"""Batch uploads as RQ jobs (with REDIS_URL; docs/deploy.md "Batch uploads").

A batch is named by a random id. Its record (`BatchJob.meta_key`: the consultancy that owns it,
the file's name, the language) is written when the file is uploaded; only that consultancy's
people see the batch. The job (`run_batch`, on the `<namespace>-batches` queue) scores the file in
memory and stores the results workbook and the outcome in one MULTI/EXEC transaction: the
workbook exists whole or not at all, so nothing half-written is ever served. Problems of the file
itself are stored as the outcome, with no workbook. A job that fails (an error, its time limit
TQM_BATCH_TIMEOUT, its work-horse killed) is tried once more, then shown as failed with a retry
button, which runs the same job (it carries the file) again.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, field

import orjson
from flask import Flask

from assessment.problems import ProblemsFound

from .batch_files import problem_lines, score_upload
from .jobs import REPORT_TTL, _job_state, namespace
from .readiness import redis_client

BATCH_TIMEOUT = 900  # seconds (TQM_BATCH_TIMEOUT): a big file on a slow worker, far above a report


@dataclass(frozen=True)
class BatchJob:
    """Where one batch's record, workbook and outcome are kept, and its job's id."""

    namespace: str
    batch_id: str

    @property
    def meta_key(self) -> str:
        return f"{self.namespace}:batch:{self.batch_id}"

    @property
    def file_key(self) -> str:
        return f"{self.meta_key}:file"

    @property
    def outcome_key(self) -> str:
        return f"{self.meta_key}:outcome"

    @property
    def job_id(self) -> str:
        return f"batch-{self.batch_id}"


@dataclass(frozen=True)
class BatchState:
    """Where a batch is: 'queued', 'started', 'ready' (the workbook is there), 'problems' (the
    file has problems: each named, no workbook) 'failed' or 'gone'; progress from 0 to 1."""

    state: str
    progress: float = 0.0
    summary: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.state == "ready"


def batch_queue_name(app: Flask) -> str:
    """The RQ queue of batches: 'tqm-batches' by default (a worker serves it beside reports)."""
    return f"{namespace(app)}-batches"


def new_batch(app: Flask) -> BatchJob:
    """A batch of a fresh random id (RQ ids: letters, digits, '-' and '_')."""
    return BatchJob(namespace(app), secrets.token_hex(16))


def batch_of(app: Flask, batch_id: str, consultancy: int) -> BatchJob | None:
    """The batch if it exists and belongs to the consultancy; None otherwise (another tenant's
    batch is as unknown as one that never was)."""
    if not batch_id.isalnum() or len(batch_id) > 64:
        return None
    batch = BatchJob(namespace(app), batch_id)
    owner = redis_client(app).hget(batch.meta_key, "consultancy")
    return batch if owner is not None and int(owner) == consultancy else None


def batch_name(app: Flask, batch: BatchJob) -> str:
    """The uploaded file's name, as given (escape it when shown)."""
    found = redis_client(app).hget(batch.meta_key, "name")
    return bytes(found).decode("utf-8") if found is not None else ""


def enqueue_batch(
    app: Flask, batch: BatchJob, upload: tuple[bytes, str, str], consultancy: int, lang: str
) -> None:
    """Record the batch (owner, name, language) and enqueue its job, tried twice at most.
    `upload`: the file's bytes, its kind (csv, xlsx) and its name."""
    from rq import Queue, Retry

    data, kind, name = upload
    ttl = int(app.config.get("TQM_REPORT_TTL", REPORT_TTL))
    connection = redis_client(app)
    record = {"consultancy": consultancy, "name": name, "lang": lang}
    connection.hset(batch.meta_key, mapping=record)
    connection.expire(batch.meta_key, ttl)
    Queue(batch_queue_name(app), connection=connection).enqueue(
        run_batch,
        batch,
        data,
        kind,
        name,
        lang,
        app.config.get("TQM_CONTENT"),
        ttl,
        job_id=batch.job_id,
        job_timeout=int(app.config.get("TQM_BATCH_TIMEOUT", BATCH_TIMEOUT)),
        result_ttl=60,
        failure_ttl=ttl,
        retry=Retry(max=1),
    )


def batch_state(app: Flask, batch: BatchJob) -> BatchState:
    """The batch's state: its stored outcome, else its job's state and progress."""
    connection = redis_client(app)
    stored = connection.get(batch.outcome_key)
    if stored is not None:
        outcome = orjson.loads(stored)
        if outcome.get("problems"):
            return BatchState("problems", 1.0, problems=outcome["problems"])
        return BatchState("ready", 1.0, summary=outcome["summary"])
    job, state = _job_state(connection, batch.job_id)
    progress = float(job.meta.get("progress", 0.0)) if job else 0.0
    return BatchState(state, progress)  # 'gone': its job finished, yet no outcome is kept


def retry_batch(app: Flask, batch: BatchJob) -> None:
    """Run a failed batch's job again (it still carries the file); any other state: nothing."""
    job, state = _job_state(redis_client(app), batch.job_id)
    if job is not None and state == "failed":
        with contextlib.suppress(Exception):  # another process retried it first
            job.requeue()


def batch_workbook(app: Flask, batch: BatchJob) -> bytes | None:
    """The results workbook, whole, or None (not yet, or not any longer)."""
    found = redis_client(app).get(batch.file_key)
    return bytes(found) if found is not None else None


def run_batch(
    batch: BatchJob,
    data: bytes,
    kind: str,
    name: str,
    lang: str,
    content: str | None,
    ttl: int,
) -> int:
    """The job: score the file, then store the workbook and the outcome in one transaction
    (or, for a file with problems, the problems alone); run by `rq worker`, without the app."""
    from rq import get_current_job

    from .catalog import load_content

    job = get_current_job()
    assert job is not None, "run_batch runs as an RQ job"

    def progress(done: int, total: int) -> None:
        job.meta["progress"] = round(done / total, 3) if total else 1.0
        job.save_meta()  # type: ignore[no-untyped-call]

    try:
        workbook, summary = score_upload(data, kind, name, load_content(content), lang, progress)
    except ProblemsFound as exc:
        problems = {"problems": problem_lines(exc.problems)}
        job.connection.set(batch.outcome_key, orjson.dumps(problems), ex=ttl)
        return 0
    counts = {"organisations": summary.organisations, "scored": summary.scored}
    outcome = {"summary": {**counts, "rejected": summary.rejected}}
    with job.connection.pipeline(transaction=True) as pipe:  # MULTI/EXEC: both or neither
        pipe.set(batch.file_key, workbook, ex=ttl)
        pipe.set(batch.outcome_key, orjson.dumps(outcome), ex=ttl)
        pipe.execute()
    return len(workbook)
