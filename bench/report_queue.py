"""Benchmark: the report queue. A page while 30 reports are in flight, jobs per second per worker,
and the first PDF of a fresh process, cold and warmed.

Run: .venv/bin/python bench/report_queue.py [--runs 5] [--summary]
Needs Redis on 127.0.0.1:6379 (db 13, keys under a namespace of the run's own, deleted after).

- page: a survey page, one client asking again and again, on gunicorn (2 sync workers, SQLite)
  with the queue on: for 8 s with nothing rendering (the baseline), then while one worker renders
  30 reports (PDF and DOCX of 15 assessments) that 30 clients asked for at once and poll for
  (every second) until they have them.
- jobs per second of that one worker: 30 / seconds until the last report arrived; the same 30
  reports rendered by RQ's plain `rq worker` (before: each work-horse imports and warms the
  renderer itself) and by `rq worker -w webapp.worker.ReportWorker` (after: warmed once, forked).
- cold and warm PDF: in fresh processes (imports and scoring excluded), the first render (cold),
  the second render (warm: the baseline), and the first render after `warm()` (what a worker's
  work-horse pays now), with the time `warm()` itself takes; medians of --runs processes.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.cluster import (  # noqa: E402
    WORKER_CLASS,
    answered_assessment,
    fetch_report,
    forget_namespace,
    get_bytes,
    kill_worker,
    percentile,
    running_apps,
    start_worker,
)

REDIS = "redis://127.0.0.1:6379/13"
ASSESSMENTS = 15  # x PDF and DOCX: 30 reports
IDLE_SECONDS = 8.0
WITHIN = 300.0  # seconds for the 30 reports (~30 s on a quiet 2-core machine)

FIRST_PDF = """
import sys, time, json
sys.path.insert(0, {root!r})
from assessment.content.library import load_library
from assessment.engine.answers import load_answers
from assessment.engine.pipeline import assess
from assessment.render.report import pdf
library = load_library({root!r})
result = assess(load_answers({answers!r}, library), library, use_engine=False)
figures = {{}}
if {warm!r}:
    start = time.perf_counter(); pdf.warm(); figures["warm"] = time.perf_counter() - start
for name in ("first", "second"):
    start = time.perf_counter(); pdf.render_pdf(result, "en"); figures[name] = time.perf_counter() - start
print(json.dumps(figures))
"""


def result_line(name: str, value: float, unit: str, baseline: float | str, target: str) -> str:
    base = baseline if isinstance(baseline, str) else f"{baseline:.4g}"
    return f"RESULT name={name} value={value:.4g} unit={unit} baseline={base} target={target}"


def first_pdf(warm: bool) -> dict[str, float]:
    """The figures of one fresh process: (warm(),) first and second render."""
    import json

    answers = str(ROOT / "tests" / "data" / "answers" / "quick-all-3.yaml")
    code = FIRST_PDF.format(root=str(ROOT), answers=answers, warm=warm)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout)
    return figures


def pdf_lines(runs: int) -> list[str]:
    """Cold first PDF, warmed first PDF and warm PDF: medians of `runs` fresh processes each,
    the two kinds alternated (the machine's load changes both alike)."""
    cold, warmed = [], []
    for _ in range(runs):
        cold.append(first_pdf(False))
        warmed.append(first_pdf(True))
    first = statistics.median(f["first"] for f in cold)
    after = statistics.median(f["first"] for f in warmed)
    second = statistics.median(f["second"] for f in cold + warmed)
    warm = statistics.median(f["warm"] for f in warmed)
    return [
        result_line("pdf_first_cold", first, "s", second, "-"),
        result_line("pdf_first_after_warm", after, "s", second, "-"),
        result_line("pdf_warm_call", warm, "s", "-", "-"),
        result_line("pdf_cold_gap", first - second, "s", "-", "-"),
        result_line("pdf_gap_after_warm", after - second, "s", first - second, "<=0.1"),
    ]


def page_seconds(port: int, path: str, halt: threading.Event, seconds: float) -> list[float]:
    """One client asking for `path` until `halt` is set or `seconds` have passed."""
    times: list[float] = []
    end = time.monotonic() + seconds
    while not halt.is_set() and time.monotonic() < end:
        started = time.perf_counter()
        status = get_bytes(port, path)[0]
        times.append(time.perf_counter() - started)
        assert status == 200, f"{path}: {status}"
    return times


def queue_lines(folder: Path) -> list[str]:
    """Page p95 idle and with 30 reports in flight; jobs per second of one worker: RQ's plain
    worker (before) and the report worker (after), the same 30 reports rendered by each."""
    namespace = f"tqm-bench-{secrets.token_hex(6)}"
    env = {"DATABASE_URL": f"sqlite:///{folder / 'tqm.sqlite3'}", "SECRET_KEY": "bench"}
    env["REDIS_URL"] = REDIS
    lines = []
    with running_apps(1, env, {"TQM_REDIS_NAMESPACE": namespace}, folder) as (server,):
        with ThreadPoolExecutor(5) as pool:
            made = list(pool.map(lambda i: answered(server.port, i), range(ASSESSMENTS)))
        tokens, page = [token for token, _ in made], made[0][1]
        idle = page_seconds(server.port, page, threading.Event(), IDLE_SECONDS)
        idle95, idle50 = 1000 * percentile(idle, 0.95), 1000 * percentile(idle, 0.5)
        lines.append(result_line("page_p95_idle", idle95, "ms", "-", "-"))
        rates = {}
        for label, worker_class in (("rq_worker", "rq.Worker"), ("report_worker", WORKER_CLASS)):
            worker = start_worker(REDIS, f"{namespace}-reports", f"{namespace}-{label}",
                                  folder / f"{label}.log", worker_class)  # fmt: skip
            try:
                busy, rates[label] = in_flight(server.port, tokens, page)
            finally:
                kill_worker(worker)
                forget_namespace(REDIS, namespace)  # the next worker renders them all again
            busy95, busy50 = 1000 * percentile(busy, 0.95), 1000 * percentile(busy, 0.5)
            lines.append(result_line(f"page_p95_30_reports_{label}", busy95, "ms", idle95, "<=250"))
            lines.append(result_line(f"page_p50_30_reports_{label}", busy50, "ms", idle50, "-"))
    lines.append(result_line("jobs_per_s_rq_worker", rates["rq_worker"], "/s", "-", "-"))
    lines.append(
        result_line(
            "jobs_per_s_report_worker", rates["report_worker"], "/s", rates["rq_worker"], "-"
        )
    )
    return lines


def answered(port: int, index: int) -> tuple[str, str]:
    """Assessment `index` (answers at 1..5 in turn): its token and first page."""
    return answered_assessment(port, 1 + index % 5, f"Bench Co {index}")


def in_flight(port: int, tokens: list[str], page: str) -> tuple[list[float], float]:
    """The page's times while 30 clients ask for the PDF and DOCX of each assessment at once and
    poll until they have them; reports per second (30 / time until the last one arrived)."""
    halt = threading.Event()
    with ThreadPoolExecutor(2 * len(tokens) + 1) as pool:
        timed = pool.submit(page_seconds, port, page, halt, WITHIN)
        started = time.monotonic()
        fetched = [
            pool.submit(fetch_report, [port], i, tokens[i // 2], ("pdf", "docx")[i % 2], WITHIN)
            for i in range(2 * len(tokens))
        ]
        got = [future.result() for future in fetched]
        halt.set()
        errors = [one.error for one in got if one.error]
        assert not errors, errors[:3]
        return timed.result(), len(got) / (max(one.done_at for one in got) - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per PDF figure")
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    say = (lambda *_a: None) if args.summary else print
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    say(f"uptime before: {load}")
    lines = pdf_lines(args.runs)
    with tempfile.TemporaryDirectory(prefix="tqm-bench-queue-") as folder:
        lines += queue_lines(Path(folder))
    print("\n".join(lines))
    say(
        f"uptime after: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}"
    )


if __name__ == "__main__":
    main()
