"""Nothing acknowledged is lost: every save the server answered survives a SIGKILL of the server.

20 respondents each start an assessment and keep saving dimension pages against gunicorn
(2 workers). Once enough saves were acknowledged (the 303 redirect after a save), the whole
process group (master and workers) is SIGKILLed mid-traffic. The server is restarted on the same
database, and every assessment is read back through its pages: each dimension must show the last
acknowledged save of that dimension, or the one save that was in flight when the server died
(committed but not answered), never an older state, and never parts of two saves. SQLite also
passes `PRAGMA integrity_check`.

A SIGKILL is a process crash, not a power cut: with SQLite's `synchronous=NORMAL` in WAL mode a
committed transaction survives the first but may be lost in the second (not tested here).
"""

from __future__ import annotations

import http.client
import random
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import ROOT
from helpers.live_server import LiveServer, WebClient, page_form, shown_answers, start_gunicorn
from sqlalchemy.engine import make_url

from assessment.content.library import load_library

pytestmark = pytest.mark.slow

CLIENTS = 20
KILL_AFTER = 300  # acknowledged saves (all clients together) before the server is killed
WAIT_FOR_TRAFFIC = 120.0  # seconds; the clients reach KILL_AFTER long before on any machine
QUESTIONNAIRE = load_library(ROOT).questionnaires["tqm-quick"]
DIMENSIONS = {d.id: [q.id for q in d.questions] for d in QUESTIONNAIRE.dimensions}


@dataclass(frozen=True)
class Save:
    """One page submit: a dimension's answers, each carrying the note that names this save."""

    seq: int
    dimension: str
    values: dict[str, int]
    note: str

    def shown(self) -> dict[str, tuple[str, str]]:
        """How a dimension page shows this save (question -> (value, note))."""
        return {qid: (str(value), self.note) for qid, value in self.values.items()}


@dataclass
class Respondent:
    """What one client did: its token (once the start was acknowledged) and its saves."""

    index: int
    token: str = ""
    acknowledged: list[Save] = field(default_factory=list)
    in_flight: Save | None = None
    failure: str = ""  # an error answer before the kill (a connection error after it is expected)


class Traffic:
    """The clients' shared count of acknowledged saves, and the signal that the server is gone."""

    def __init__(self) -> None:
        self.acknowledged = 0
        self.changed = threading.Condition()
        self.killed = threading.Event()

    def acknowledge(self) -> None:
        with self.changed:
            self.acknowledged += 1
            self.changed.notify_all()


def keep_saving(port: int, person: Respondent, traffic: Traffic) -> None:
    """Start an assessment, then save dimension pages until the server dies."""
    rng = random.Random(person.index)
    client = WebClient(port, timeout=30)
    try:
        person.token = client.start(organisation=f"Durability {person.index}")
        first = f"/a/{person.token}/d/{next(iter(DIMENSIONS))}"
        token = client.csrf_token(first)  # one per session, valid on every page
        for seq in range(1_000_000):
            if traffic.killed.is_set():
                return
            dimension = list(DIMENSIONS)[seq % len(DIMENSIONS)]
            values = {qid: rng.randint(1, 5) for qid in DIMENSIONS[dimension]}
            save = Save(seq, dimension, values, f"client {person.index} save {seq}")
            person.in_flight = save
            notes = dict.fromkeys(values, save.note)
            path = f"/a/{person.token}/d/{dimension}"
            reply = client.request("POST", path, form=page_form(token, values, notes))
            if reply.status != 303:
                person.failure = f"save {seq}: {reply.status} {reply.body[:300]}"
                return
            person.acknowledged.append(save)
            person.in_flight = None
            traffic.acknowledge()
    except (OSError, http.client.HTTPException, AssertionError) as exc:
        if not traffic.killed.is_set():
            person.failure = f"{type(exc).__name__}: {exc}"
    finally:
        client.close()


def run_and_kill(server: LiveServer) -> list[Respondent]:
    """20 clients saving; SIGKILL the server's process group after KILL_AFTER acknowledged saves."""
    traffic = Traffic()
    people = [Respondent(i) for i in range(CLIENTS)]
    threads = [
        threading.Thread(target=keep_saving, args=(server.port, p, traffic), daemon=True)
        for p in people
    ]
    for thread in threads:
        thread.start()
    with traffic.changed:
        reached = traffic.changed.wait_for(
            lambda: traffic.acknowledged >= KILL_AFTER or not any(t.is_alive() for t in threads),
            timeout=WAIT_FOR_TRAFFIC,
        )
    traffic.killed.set()
    server.kill()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a client still waits on a dead server"
    failures = [f"client {p.index}: {p.failure}" for p in people if p.failure]
    assert not failures, "errors before the kill:\n" + "\n".join(failures)
    assert reached and traffic.acknowledged >= KILL_AFTER, (
        f"only {traffic.acknowledged} saves acknowledged before the kill:\n{server.log_text()}"
    )
    return people


def allowed_states(person: Respondent, dimension: str) -> list[dict[str, tuple[str, str]]]:
    """What a dimension may show after the crash: its last acknowledged save, or a later one."""
    saves = [s for s in person.acknowledged if s.dimension == dimension]
    states = [saves[-1].shown()] if saves else [{}]
    if person.in_flight is not None and person.in_flight.dimension == dimension:
        states.append(person.in_flight.shown())  # committed, but the answer never came
    return states


def check_everything_acknowledged_is_there(server: LiveServer, people: list[Respondent]) -> None:
    """Read every started assessment back through the restarted app, page by page."""
    client = WebClient(server.port)
    lost = []
    for person in people:
        if not person.token:
            continue
        overview = client.request("GET", f"/a/{person.token}")
        if overview.status != 200:
            lost.append(f"client {person.index}: the assessment is gone ({overview.status})")
            continue
        for dimension in DIMENSIONS:
            page = client.request("GET", f"/a/{person.token}/d/{dimension}")
            assert page.status == 200, page.body[:300]
            shown = shown_answers(page.body)
            if shown not in allowed_states(person, dimension):
                lost.append(
                    f"client {person.index} {dimension}: shows {shown}, "
                    f"expected one of {allowed_states(person, dimension)}"
                )
    client.close()
    assert not lost, "acknowledged saves lost or mixed:\n" + "\n".join(lost)


def test_acknowledged_saves_survive_sigkill_of_all_server_processes(
    database_url: str, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": database_url, "SECRET_KEY": "durability-test"}
    log = tmp_path / "gunicorn.log"
    server = start_gunicorn(env, log, workers=2)
    try:
        people = run_and_kill(server)
    finally:
        server.kill()
    assert sum(p.in_flight is not None for p in people) > 0, "the kill hit no save in flight"

    restarted = start_gunicorn(env, log, workers=2)
    try:
        check_everything_acknowledged_is_there(restarted, people)
    finally:
        restarted.stop()

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as connection:  # type: ignore[arg-type]
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
