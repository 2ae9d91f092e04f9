"""A consultant's round under load: 50 respondents answer at once under gunicorn (not a test).

    .venv/bin/python bench/audits.py [--respondents 50] [--workers 2] [--database sqlite|postgresql]
                                     [--summary]

Starts `webapp:create_app()` under gunicorn on 127.0.0.1 (SQLite in a temporary folder, or a
PostgreSQL schema of its own), makes a consultant (`flask users create`), a client, a round and
one invitation per respondent (through the rounds API), then lets every respondent answer the quick
scan at the same time, one thread each, every dimension page a POST. Meanwhile one more thread
asks for the round's dashboard (the consultant's page: progress per role, every invitation's state)
and for `/healthz` in turn: the trivial page is the same run's baseline. Prints answer POSTs per
second (the whole round's POSTs over the wall time), the dashboard's and healthz's p95 latency,
that no answer was lost, then RESULT lines (see bench/run_all.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers.live_server import LiveServer, WebClient, page_form, start_gunicorn  # noqa: E402

from assessment.content.library import load_library  # noqa: E402

EMAIL, PASSWORD = "bench@acme.example", "a bench password, long enough"
POSTGRES = os.environ.get("TQM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
QUICK = load_library(ROOT).questionnaires["tqm-quick"]


def consultant(server: LiveServer, env: dict[str, str]) -> tuple[WebClient, str]:
    """A signed-in consultant and an API token of theirs."""
    command = [sys.executable, "-m", "flask", "--app", "webapp", "users", "create", EMAIL]
    command += ["--consultancy", "Bench", "--password", PASSWORD]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    browser = WebClient(server.port)
    token = browser.csrf_token("/consultant/sign-in")
    form = {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    assert browser.request("POST", "/consultant/sign-in", form=form).status == 303
    page = browser.request(
        "POST", "/consultant/tokens", form={"csrf_token": browser.csrf_token("/consultant/tokens")}
    )
    found = re.search(r"<code>(tqm_[A-Za-z0-9_-]+)</code>", page.body)
    assert found, page.body[:500]
    return browser, found.group(1)


def round_with_links(
    server: LiveServer, browser: WebClient, api: str, count: int
) -> tuple[int, list[str]]:
    """A client, a round and `count` invitations (leaders, managers and staff)."""
    made = browser.request(
        "POST", "/consultant/clients",
        form={"csrf_token": browser.csrf_token("/consultant/"), "name": "Bench Co"},
    )  # fmt: skip
    client_id = int(made.location.rsplit("/", 1)[1])
    auth = {"Authorization": f"Bearer {api}", "Content-Type": "application/json"}
    body = {"client": client_id, "title": "Bench round", "questionnaire": "tqm-quick"}
    reply = browser.request("POST", "/api/v1/rounds", body=json.dumps(body).encode(), headers=auth)
    round_id = json.loads(reply.body)["id"]
    roles = ["leader", "manager", "staff", "staff", "staff"]
    people = {"respondents": [{"role": roles[i % len(roles)]} for i in range(count)]}
    path = f"/api/v1/rounds/{round_id}/invitations"
    reply = browser.request("POST", path, body=json.dumps(people).encode(), headers=auth)
    links = [entry["link"] for entry in json.loads(reply.body)["invitations"]]
    return round_id, [link.rsplit("/", 1)[1] for link in links]


def respond(
    server: LiveServer, token: str, value: int, posts: list[int], errors: list[str]
) -> None:
    """Answer every dimension page of the quick scan; count the POSTs."""
    person = WebClient(server.port)
    for dim in QUICK.dimensions:
        path = f"/a/{token}/d/{dim.id}"
        form = page_form(person.csrf_token(path), {q.id: value for q in dim.questions})
        reply = person.request("POST", path, form=form)
        if reply.status != 303:
            errors.append(f"{path}: {reply.status}")
        posts.append(1)
    person.close()


def watch(
    server: LiveServer, browser: WebClient, round_id: int, stop: threading.Event
) -> dict[str, list[float]]:
    """Dashboard and /healthz latencies, in turn, until `stop`."""
    times: dict[str, list[float]] = {"dashboard": [], "healthz": []}
    plain = WebClient(server.port)
    while not stop.is_set():
        for name, client, path in (
            ("dashboard", browser, f"/consultant/rounds/{round_id}"),
            ("healthz", plain, "/healthz"),
        ):
            started = time.perf_counter()
            assert client.request("GET", path).status == 200
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def database_env(kind: str, folder: Path) -> tuple[dict[str, str], str | None]:
    if kind == "sqlite":
        return {"DATABASE_URL": f"sqlite:///{folder / 'tqm.sqlite3'}"}, None
    from sqlalchemy import create_engine, text

    schema = f"bench_{secrets.token_hex(6)}"
    with create_engine(POSTGRES).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return {"DATABASE_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}"}, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--summary", action="store_true", help="only the RESULT lines")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env, schema = database_env(args.database, Path(tmp))
        env["SECRET_KEY"] = secrets.token_hex(16)
        server = start_gunicorn(env, Path(tmp) / "gunicorn.log", workers=args.workers)
        try:
            figures = run(server, env, args.respondents)
        finally:
            server.stop()
            if schema:
                from sqlalchemy import create_engine, text

                with create_engine(POSTGRES).begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    report(figures, args)


def run(server: LiveServer, env: dict[str, str], respondents: int) -> dict[str, float]:
    browser, api = consultant(server, env)
    round_id, tokens = round_with_links(server, browser, api, respondents)
    posts: list[int] = []
    errors: list[str] = []
    stop = threading.Event()
    watched: dict[str, list[float]] = {}
    watcher = threading.Thread(
        target=lambda: watched.update(watch(server, browser, round_id, stop))
    )
    watcher.start()
    threads = [
        threading.Thread(target=respond, args=(server, token, 1 + n % 5, posts, errors))
        for n, token in enumerate(tokens)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    stop.set()
    watcher.join()
    auth = {"Authorization": f"Bearer {api}"}
    progress = json.loads(browser.request("GET", f"/api/v1/rounds/{round_id}", headers=auth).body)
    finished = sum(p["finished"] for p in progress["progress"])
    if errors or finished != respondents:
        raise SystemExit(f"lost answers: {finished} of {respondents} finished; {errors[:5]}")
    return {
        "posts_per_s": len(posts) / wall,
        "dashboard_p95": p95(watched["dashboard"]),
        "healthz_p95": p95(watched["healthz"]),
        "finished": finished,
    }


def report(figures: dict[str, float], args: argparse.Namespace) -> None:
    db = args.database
    if not args.summary:
        print(f"{args.respondents} respondents at once on {db}, {args.workers} gunicorn workers")
        print(f"  answer POSTs      {figures['posts_per_s']:8.1f} /s")
        print(f"  dashboard p95     {figures['dashboard_p95']:8.1f} ms")
        print(f"  /healthz p95      {figures['healthz_p95']:8.1f} ms (baseline, same run)")
        print(f"  finished          {figures['finished']:8.0f} (none lost)")
    print(
        f"RESULT name=audit_answer_posts_{db} value={figures['posts_per_s']:.1f} unit=req/s baseline=- target=-"
    )
    print(
        f"RESULT name=audit_dashboard_p95_{db} value={figures['dashboard_p95']:.1f} unit=ms "
        f"baseline={figures['healthz_p95']:.1f} target=-"
    )


if __name__ == "__main__":
    main()
