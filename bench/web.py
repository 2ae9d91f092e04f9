"""The web app under load: gunicorn (2 workers) on SQLite, 16 concurrent clients (not a test).

    .venv/bin/python bench/web.py [--seconds 5] [--clients 16] [--workers 2]
                                  [--rounds 3] [--generator auto|wrk|python] [--summary]

Serves `webapp:create_app()` with gunicorn on 127.0.0.1, SQLite in a temporary instance folder and
SECRET_KEY from the environment, then drives it with 16 concurrent clients, one endpoint at a time
in the same run (a warm-up, then `--seconds` of measurement each):

  healthz  GET /healthz (trivial: the baseline for the others)
  page     GET /a/<token>/d/customer: a dimension page of a started assessment (database read,
           template)
  answer   POST /a/<token>/d/customer with valid answers and the CSRF token of the client's own
           session (one assessment per client): check, save in one transaction, 303
  score    POST /api/v1/score with a complete tqm-quick answers document (JSON): the rule engine

Load generator: `wrk` when it is installed (Debian package `wrk`; one thread and one connection
per client, each with its own session via a generated Lua script), else an asyncio generator in
this process (uses CPU the server then lacks: its figures are lower bounds). gunicorn's sync
workers close every connection, so every request opens one.

The endpoints are measured in turn for `--rounds` rounds (the machine may be shared: other work
lowers the rates, so every round is printed and the median round of each endpoint is reported).
Prints requests/s, p50/p95/p99 latency, errors (non-2xx/3xx and socket errors) and the CPU time
gunicorn's processes spent per request (a figure other load on the machine hardly changes), then
RESULT lines (see bench/batch.py). Targets on the 2-core machine: page p95 <= 50 ms, answer POST
>= 200/s on SQLite, no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.live_server import LiveServer, WebClient, page_form, start_gunicorn  # noqa: E402

from assessment.content.library import load_library  # noqa: E402

TARGET_PAGE_P95_MS = 50.0
TARGET_ANSWER_RPS = 200.0
WARMUP_SECONDS = 1.0


@dataclass(frozen=True)
class Request:
    """One client's request of a scenario: method, path, headers, body."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Figures:
    """What one scenario measured."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    generator: str
    cpu_ms: float = 0.0  # the workers' CPU time per request (user + system)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def workers_cpu(server: LiveServer) -> float:
    """CPU seconds used so far by gunicorn's master and workers."""
    import psutil

    master = psutil.Process(server.process.pid)
    total = 0.0
    for process in [master, *master.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def measured(run: Callable[[float], Figures], server: LiveServer, seconds: float) -> Figures:
    """Warm up, then measure; add the server's CPU time per request."""
    run(WARMUP_SECONDS)
    before = workers_cpu(server)
    figures = run(seconds)
    spent = workers_cpu(server) - before
    figures.cpu_ms = spent / figures.requests * 1000 if figures.requests else 0.0
    return figures


def result_line(name: str, value: float, unit: str, baseline: float | str, target: str) -> str:
    """The machine-readable line a runner collects."""
    base = f"{baseline:.4g}" if isinstance(baseline, float) else baseline
    return f"RESULT name={name} value={value:.4g} unit={unit} baseline={base} target={target}"


# --- the clients' requests ----------------------------------------------------------------------


def prepare(server: LiveServer, clients: int) -> dict[str, list[Request]]:
    """For each scenario, each client's request (own session, own assessment, own CSRF token)."""
    library = load_library(ROOT)
    quick = library.questionnaires["tqm-quick"]
    customer = quick.dimensions[0]
    answers = {q.id: 1 + i % 5 for i, q in enumerate(customer.questions)}
    document = {
        "questionnaire": "tqm-quick",
        "organisation": "Bench Co",
        "answers": {q.id: 1 + i % 5 for i, q in enumerate(quick.questions)},
    }
    score_body = json.dumps(document).encode()
    scenarios: dict[str, list[Request]] = {"healthz": [], "page": [], "answer": [], "score": []}
    for _ in range(clients):
        browser, token, csrf = _session(server, customer.id)
        page = f"/a/{token}/d/{customer.id}"
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        form = "&".join(f"{k}={v}" for k, v in _quoted(page_form(csrf, answers)).items()).encode()
        scenarios["healthz"].append(Request("GET", "/healthz"))
        scenarios["page"].append(Request("GET", page, {"Cookie": cookie}))
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        scenarios["answer"].append(Request("POST", page, {"Cookie": cookie, **form_type}, form))
        json_type = {"Content-Type": "application/json"}
        scenarios["score"].append(Request("POST", "/api/v1/score", json_type, score_body))
    return scenarios


def _session(server: LiveServer, dimension: str, attempts: int = 3) -> tuple[WebClient, str, str]:
    """A started assessment and its CSRF token in a fresh browser session.

    Retried on a reset connection: once seen (1 run in ~10) while gunicorn's second worker was
    still booting; a benchmark's set-up is not what it measures.
    """
    for attempt in range(attempts):
        browser = WebClient(server.port)
        try:
            token = browser.start()
            csrf = browser.csrf_token(f"/a/{token}/d/{dimension}")
            return browser, token, csrf
        except ConnectionError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
        finally:
            browser.close()
    raise AssertionError("unreachable")


def _quoted(form: dict[str, str]) -> dict[str, str]:
    from urllib.parse import quote_plus

    return {quote_plus(k): quote_plus(v) for k, v in form.items()}


# --- generator 1: wrk ---------------------------------------------------------------------------

WRK_SCRIPT = """
local requests = {%(requests)s}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end
function init(args)
  local r = requests[index]
  req = wrk.format(r.method, r.path, r.headers, r.body)
end
function request()
  return req
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d p99_us=%%d errors=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return '"' + "".join(f"\\{b:03d}" for b in raw) + '"'


def wrk_script(requests: list[Request]) -> str:
    entries = []
    for r in requests:
        headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in r.headers.items())
        body = _lua_string(r.body) if r.body else "nil"
        entries.append(
            f"{{method = {_lua_string(r.method)}, path = {_lua_string(r.path)}, "
            f"headers = {{{headers}}}, body = {body}}}"
        )
    return WRK_SCRIPT % {"requests": ",\n".join(entries)}


def run_wrk(server: LiveServer, name: str, requests: list[Request], seconds: float) -> Figures:
    clients = len(requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(requests))
    try:
        command = ["wrk", f"-t{clients}", f"-c{clients}", f"-d{max(1, round(seconds))}s",
                   "--timeout", "10s", "-s", script.name, server.url]  # fmt: skip
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(ln for ln in out.splitlines() if ln.startswith("WRK "))
    values = dict(pair.split("=") for pair in line.split()[1:])
    n = int(values["requests"])
    return Figures(
        name,
        n,
        int(values["duration_us"]) / 1e6,
        int(values["p50_us"]) / 1000,
        int(values["p95_us"]) / 1000,
        int(values["p99_us"]) / 1000,
        int(values["errors"]),
        "wrk",
    )


# --- generator 2: asyncio -----------------------------------------------------------------------


async def _one(port: int, raw: bytes) -> int:
    """Send one request on a new connection; the status (0 for a socket error)."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        await writer.drain()
        data = await reader.read()  # sync workers close the connection after the response
        writer.close()
        return int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
    except (OSError, ValueError):
        return 0


def _raw(request: Request) -> bytes:
    head = [f"{request.method} {request.path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    head += [f"{k}: {v}" for k, v in request.headers.items()]
    if request.body:
        head.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + request.body


async def _drive(
    port: int, requests: list[Request], seconds: float
) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(raw: bytes) -> None:
        nonlocal errors
        while time.perf_counter() < stop:
            start = time.perf_counter()
            status = await _one(port, raw)
            latencies.append(time.perf_counter() - start)
            errors += not 200 <= status < 400

    began = time.perf_counter()
    await asyncio.gather(*(client(_raw(r)) for r in requests))
    return latencies, errors, time.perf_counter() - began


def run_python(server: LiveServer, name: str, requests: list[Request], seconds: float) -> Figures:
    latencies, errors, elapsed = asyncio.run(_drive(server.port, requests, seconds))
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return Figures(name, len(latencies), elapsed, pct(50), pct(95), pct(99), errors, "python")


# --- main ---------------------------------------------------------------------------------------


def median_figures(rounds: list[Figures]) -> Figures:
    """The round with the median rate (its latencies with it: one consistent measurement)."""
    ordered = sorted(rounds, key=lambda f: f.rps)
    return ordered[len(ordered) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="the median round is reported")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    run = run_wrk if generator == "wrk" else run_python
    say = (lambda *_a: None) if args.summary else print

    rounds: dict[str, list[Figures]] = {}
    with tempfile.TemporaryDirectory(prefix="tqm-bench-web-") as folder:
        instance = Path(folder)
        env = {
            "DATABASE_URL": f"sqlite:///{instance / 'tqm.sqlite3'}",
            "SECRET_KEY": secrets.token_hex(32),
        }
        server = start_gunicorn(env, instance / "gunicorn.log", workers=args.workers)
        try:
            scenarios = prepare(server, args.clients)
            say(
                f"gunicorn {args.workers} sync workers, SQLite, {args.clients} clients, "
                f"{args.seconds:g} s per endpoint x {args.rounds} rounds, generator {generator}, "
                f"{os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.1f}"
            )
            say(f"{'round':5s} {'endpoint':9s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} "
                f"{'p99 ms':>7s} {'errors':>6s} {'CPU ms/req':>10s}")  # fmt: skip
            for number in range(1, args.rounds + 1):
                for name, requests in scenarios.items():
                    f = measured(
                        lambda t, n=name, r=requests: run(server, n, r, t), server, args.seconds
                    )
                    rounds.setdefault(name, []).append(f)
                    say(f"{number:5d} {name:9s} {f.rps:7.0f} {f.p50_ms:7.1f} {f.p95_ms:7.1f} "
                        f"{f.p99_ms:7.1f} {f.errors:6d} {f.cpu_ms:10.2f}")  # fmt: skip
        finally:
            server.stop()
    say(f"load average after {os.getloadavg()[0]:.1f} (other work on the machine lowers rates)")

    figures = {name: median_figures(values) for name, values in rounds.items()}
    base = figures["healthz"]
    page, answer, score = figures["page"], figures["answer"], figures["score"]
    errors = sum(f.errors for values in rounds.values() for f in values)
    lines = [
        result_line("web_healthz_rps", base.rps, "req/s", "-", "-"),
        result_line("web_page_p95", page.p95_ms, "ms", base.p95_ms, f"<={TARGET_PAGE_P95_MS:g}"),
        result_line("web_page_rps", page.rps, "req/s", base.rps, "-"),
        result_line("web_page_cpu", page.cpu_ms, "ms", base.cpu_ms, "-"),
        result_line(
            "web_answer_post_rps", answer.rps, "req/s", base.rps, f">={TARGET_ANSWER_RPS:g}"
        ),
        result_line("web_answer_post_p95", answer.p95_ms, "ms", base.p95_ms, "-"),
        result_line("web_answer_post_cpu", answer.cpu_ms, "ms", base.cpu_ms, "-"),
        result_line("web_score_api_rps", score.rps, "req/s", base.rps, "-"),
        result_line("web_score_api_p95", score.p95_ms, "ms", base.p95_ms, "-"),
        result_line("web_score_api_cpu", score.cpu_ms, "ms", base.cpu_ms, "-"),
        result_line("web_errors", float(errors), "count", "0", "=0"),
    ]
    say("median round of each endpoint:")
    print("\n".join(lines))
    verdicts = [
        ("page p95", page.p95_ms <= TARGET_PAGE_P95_MS),
        ("answer POST rate", answer.rps >= TARGET_ANSWER_RPS),
        ("no errors", errors == 0),
    ]
    say("targets: " + ", ".join(f"{n} {'ok' if ok else 'MISSED'}" for n, ok in verdicts))


if __name__ == "__main__":
    main()
