"""The report worker: RQ's worker, warm from the start and quick to take over a dead one's jobs.

    rq worker -w webapp.worker.ReportWorker --url "$REDIS_URL" tqm-reports

RQ forks a fresh work-horse for every job, so whatever a horse loads is gone with it. This worker
warms the PDF renderer once, in the parent, before it forks any (`warm()`: templates compiled,
report.css parsed, fonts configured, a one-page document rendered): every horse starts from that.

A worker killed outright (SIGKILL, the OOM killer, a power cut of its container) leaves its job
marked "started". RQ notices only once the job's heartbeat has expired (at least 60 s) and a
worker's periodic maintenance runs (every 10 minutes): until then the page says "being prepared".
So when this worker starts it looks for workers registered on the same host whose process no
longer exists (its predecessor, restarted by systemd or compose) and hands their jobs to RQ's own
abandoned-job handling at once: retried while retries are left, else failed (with a retry button).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from rq import Worker


class ReportWorker(Worker):
    """`rq worker -w webapp.worker.ReportWorker`: warms the renderer, recovers dead workers' jobs."""

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        """RQ's start-up (register, subscribe), then recovery and warm-up, before any job."""
        super().bootstrap(*args, **kwargs)
        recovered = self.recover_abandoned()
        if recovered:
            self.log.warning("recovered %d job(s) of dead workers on this host", recovered)
        warm_renderer(self)

    def recover_abandoned(self) -> int:
        """Expire now the jobs of this host's dead workers; RQ's cleanup retries or fails them.
        Returns how many were handed over."""
        recovered = 0
        for queue in self.queues:
            registry = queue.started_job_registry
            for other in Worker.all(connection=self.connection, queue=queue):
                if other.name != self.name and died_here(other.hostname, other.pid):
                    recovered += _expire_executions(self.connection, registry.key, other)
            registry.cleanup()  # expired entries: retried (retries left) or moved to failed
        return recovered


def _expire_executions(connection: Any, registry_key: str, dead: Any) -> int:
    """Mark a dead worker's executions expired in the started registry, and the worker dead."""
    expired = 0
    for member in connection.smembers(dead.executions_key):  # "<job id>:<execution id>"
        # xx: only an execution still in the registry (not one that ended meanwhile).
        expired += int(connection.zadd(registry_key, {member: 1}, xx=True, ch=True))
    dead.register_death()
    return expired


def died_here(hostname: str | None, pid: int | None) -> bool:
    """Whether a registered worker ran on this host and its process is gone. A pid reused by
    another process reads as alive: its jobs then wait for RQ's own (slower) expiry.

    Only the worker's own process is asked about: a work-horse whose worker alone was killed
    (`kill -9` of one pid; systemd and containers kill them together) may still finish its job,
    and the job is then rendered twice: the same bytes, stored whole each time."""
    if hostname != socket.gethostname() or not pid:
        return False
    if pid == os.getpid():  # a restarted container reuses pids: that one was before us
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def warm_renderer(worker: Worker) -> None:
    """Warm the PDF renderer in this (parent) process; without the pdf extra, nothing to warm."""
    try:
        from assessment.render.report.pdf import warm
    except ImportError as exc:  # WeasyPrint not installed: PDF jobs fail with their own message
        worker.log.info("PDF renderer not warmed: %s", exc)
        return
    warm()
