"""Two tabs on one assessment save the same page at the same moment, again and again.

webapp/store.py: a page submit upserts the page's answers in one transaction, and the later write
wins per question. So after every round of two simultaneous submits the page holds exactly one of
the two submits (each answer with its own note, never answers of both), the last of each tab's
submits wins in the end, a third tab reading meanwhile never sees parts of two submits, no request
fails, and the complete assessment still gives results. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask.testing import FlaskClient
from helpers.live_server import shown_answers
from sqlalchemy import text

from webapp.store import token_hash

if TYPE_CHECKING:
    from helpers.web import Respondent


ROUNDS = 40
TABS = ("A", "B")
DIMENSION = "process"
Submit = dict[str, tuple[int, str]]  # question -> (value, note)


def submit_of(tab: str, round_: int, questions: list[str]) -> Submit:
    """A tab's answers in a round: values differ between the tabs, the notes name the submit."""
    shift = 0 if tab == "A" else 2
    return {q: (1 + (round_ + i + shift) % 5, f"{tab}{round_}") for i, q in enumerate(questions)}


def stored_page(app: Flask, token: str, questions: list[str]) -> Submit:
    """The page's stored answers, straight from the database."""
    sql = text(
        "SELECT question_id, value, note FROM answers JOIN assessments ON assessments.id ="
        " answers.assessment_id WHERE assessments.token_hash = :hash"
    )
    with app.extensions["tqm_db"].engine.connect() as conn:
        rows = conn.execute(sql, {"hash": token_hash(token)}).all()
    return {q: (int(v), note) for q, v, note in rows if q in questions}


def form(token: str, submit: Submit) -> dict[str, str]:
    data = {"csrf_token": token, "nav": "stay"}
    for qid, (value, note) in submit.items():
        data[f"answer-{qid}"], data[f"note-{qid}"] = str(value), note
    return data


def one_submit(state: Submit | dict[str, tuple[str, str]]) -> bool:
    """True when every answer of the page carries the same note (they come from one submit)."""
    return len({note for _value, note in state.values()}) <= 1


def test_two_tabs_saving_one_page_concurrently_leave_one_whole_submit(
    app: Flask,
    respondent: Respondent,
    csrf: Callable[[FlaskClient, str], str],
) -> None:
    respondent.answer_all(3)  # complete, so the results page must work afterwards
    questions = [
        q.id for q in respondent.library.questionnaires["tqm-quick"].dimension(DIMENSION).questions
    ]
    path = respondent.page(DIMENSION)
    tabs = {tab: app.test_client() for tab in TABS}
    tokens = {tab: csrf(client, path) for tab, client in tabs.items()}
    start = threading.Barrier(len(TABS) + 1)
    done = threading.Barrier(len(TABS) + 1)
    failures: list[str] = []
    reads: list[dict[str, tuple[str, str]]] = []
    finished = threading.Event()

    def tab(name: str) -> None:
        for round_ in range(ROUNDS):
            start.wait()
            try:
                data = form(tokens[name], submit_of(name, round_, questions))
                response = tabs[name].post(path, data=data)
                if response.status_code != 303:
                    failures.append(f"{name}{round_}: {response.status_code}")
            except Exception as exc:  # an unhandled error is a 500 in production
                failures.append(f"{name}{round_}: {type(exc).__name__}: {exc}")
            done.wait()

    def reader() -> None:
        client = app.test_client()
        while not finished.is_set():
            try:
                response = client.get(path)
            except Exception as exc:
                failures.append(f"reader: {type(exc).__name__}: {exc}")
                return
            if response.status_code != 200:
                failures.append(f"reader: {response.status_code}")
                return
            reads.append(shown_answers(response.get_data(as_text=True)))

    threads = [threading.Thread(target=tab, args=(name,)) for name in TABS]
    threads.append(threading.Thread(target=reader))
    for thread in threads:
        thread.start()
    rounds: list[Submit] = []
    try:
        for _round in range(ROUNDS):
            start.wait(timeout=60)
            done.wait(timeout=60)
            rounds.append(stored_page(app, respondent.token, questions))
    finally:
        finished.set()
        for thread in threads:
            thread.join(timeout=60)

    assert not failures, failures
    for round_, state in enumerate(rounds):
        submits = [submit_of(tab, round_, questions) for tab in TABS]
        assert state in submits, f"round {round_}: stored {state}, submitted {submits}"
    torn = [state for state in reads if not one_submit(state)]
    assert not torn, f"a reader saw parts of two submits: {torn[:3]}"
    assert len(reads) > 0
    assert respondent.client.get(f"/a/{respondent.token}/results").status_code == 200


def test_last_of_alternating_saves_wins_per_question(
    app: Flask,
    respondent: Respondent,
    stored: Callable[[], list[Any]],
    csrf: Callable[[FlaskClient, str], str],
) -> None:
    """Sequential saves from two tabs: each question holds what the latest submit said."""
    questions = [
        q.id for q in respondent.library.questionnaires["tqm-quick"].dimension(DIMENSION).questions
    ]
    other = app.test_client()
    for round_ in range(6):
        client = respondent.client if round_ % 2 == 0 else other
        submit = submit_of("A" if round_ % 2 == 0 else "B", round_, questions)
        if round_ == 5:
            submit = {questions[0]: submit[questions[0]]}  # the others are not on this submit
        data = form(csrf(client, respondent.page(DIMENSION)), submit)
        assert client.post(respondent.page(DIMENSION), data=data).status_code == 303
    rows = {qid: (value, note) for qid, _status, value, _evidence, note in stored()}
    assert rows[questions[0]] == (submit_of("B", 5, questions)[questions[0]][0], "B5")
    for qid in questions[1:]:
        assert rows[qid] == (submit_of("A", 4, questions)[qid][0], "A4")
