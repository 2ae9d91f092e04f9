"""The report queue (webapp/jobs.py, webapp/views/report_queue.py): with REDIS_URL, a report is a
job rendered once per assessment, result, format and language, the page shows its state until it
is ready, a failure offers a retry, and no file is served before it is whole; without REDIS_URL
the same addresses lead to the download rendered in the request.

The jobs run in this process (`rq.SimpleWorker`, burst mode) against the Redis on 127.0.0.1:6379,
under a namespace of each test's own that is deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from helpers import ROOT
from helpers.queue import RQ, kill_horse_mid_job
from helpers.web import Respondent, csrf_token, database
from rq import Queue, SimpleWorker

import assessment.render
import webapp.jobs
from webapp import create_app
from webapp.jobs import ReportKey, queue_name

REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture()
def queued_app(database_url: str) -> Iterator[Flask]:
    """The app with the report queue on (REDIS_URL), in a Redis namespace of its own."""
    space = f"tqm-test-{secrets.token_hex(6)}"
    application = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "REDIS_URL": REDIS,
            "TQM_REDIS_NAMESPACE": space,
        }
    )
    database(application).upgrade()
    yield application
    database(application).dispose()
    connection = redis.Redis.from_url(REDIS)
    for key in connection.scan_iter(f"*{space}*"):
        connection.delete(key)


@pytest.fixture()
def done(queued_app: Flask) -> Respondent:
    """A respondent who has answered the whole quick scan, on the queued app."""
    person = Respondent(queued_app.test_client(), queued_app.extensions["tqm_library"], "tqm-quick")
    person.start()
    person.answer_all(3)
    return person


def queue_of(app: Flask) -> Queue:
    return Queue(queue_name(app), connection=redis.Redis.from_url(REDIS))


def run_jobs(app: Flask) -> None:
    """What `rq worker` does, here and until the queue is empty."""
    queue = queue_of(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def state(client: FlaskClient, token: str, fmt: str) -> dict[str, Any]:
    reply = client.get(f"/a/{token}/report/{fmt}/status")
    assert reply.status_code == 200
    body: dict[str, Any] = reply.get_json()
    return body


def test_a_report_is_queued_shown_as_waiting_then_ready_and_served_whole(
    queued_app: Flask, done: Respondent
) -> None:
    client, token = done.client, done.token
    page = client.get(f"/a/{token}/report/xlsx")
    assert page.status_code == 200
    assert page.headers["Refresh"] == "2"  # the page asks again by itself
    assert "Preparing your report" in page.get_data(as_text=True)
    assert queue_of(queued_app).count == 1
    early = client.get(f"/a/{token}/report/xlsx/file")
    assert early.status_code == 303  # nothing is served before the report is whole
    assert early.location.endswith(f"/a/{token}/report/xlsx")
    run_jobs(queued_app)
    ready = client.get(f"/a/{token}/report/xlsx")
    assert "Refresh" not in ready.headers
    assert f"/a/{token}/report/xlsx/file" in ready.get_data(as_text=True)
    assert state(client, token, "xlsx") == {
        "state": "ready",
        "ready": True,
        "download": f"/a/{token}/report/xlsx/file",
    }
    workbook = client.get(f"/a/{token}/report/xlsx/file")
    assert workbook.status_code == 200
    assert workbook.data.startswith(b"PK")  # a whole XLSX (a zip file)
    # named as the direct download is: organisation, questionnaire, date
    assert 'filename="test-co-tqm-quick-' in workbook.headers["Content-Disposition"]


def test_the_same_report_is_rendered_once_however_often_it_is_asked_for(
    queued_app: Flask, done: Respondent
) -> None:
    for _ in range(3):
        done.client.get(f"/a/{done.token}/report/xlsx")
        state(done.client, done.token, "xlsx")
    other_browser = queued_app.test_client()
    other_browser.get(f"/a/{done.token}/report/xlsx")
    assert queue_of(queued_app).count == 1
    run_jobs(queued_app)
    done.client.get(f"/a/{done.token}/report/xlsx")
    assert queue_of(queued_app).count == 0  # kept: not rendered again


def test_two_processes_racing_to_enqueue_the_same_report_make_one_job(
    queued_app: Flask, done: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    done.client.get(f"/a/{done.token}/report/xlsx")
    # the second process looked before the first had enqueued: it saw no job at all
    monkeypatch.setattr(webapp.jobs, "_job_state", lambda connection, job_id: (None, "gone"))
    done.client.get(f"/a/{done.token}/report/xlsx")
    assert queue_of(queued_app).count == 1


def test_each_language_and_each_result_is_a_report_of_its_own(
    queued_app: Flask, done: Respondent
) -> None:
    done.client.get(f"/a/{done.token}/report/xlsx")
    done.client.set_cookie("lang", "zh")
    chinese = done.client.get(f"/a/{done.token}/report/xlsx")
    assert "正在生成报告" in chinese.get_data(as_text=True)
    assert queue_of(queued_app).count == 2
    run_jobs(queued_app)
    assert state(done.client, done.token, "xlsx")["ready"] is True
    done.answer_all(4)  # another result: another report
    assert state(done.client, done.token, "xlsx") == {
        "state": "queued",
        "ready": False,
        "download": None,
    }


def test_a_pdf_report_is_rendered_by_the_worker(queued_app: Flask, done: Respondent) -> None:
    done.client.get(f"/a/{done.token}/report/pdf")
    run_jobs(queued_app)
    pdf = done.client.get(f"/a/{done.token}/report/pdf/file")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF")


def test_the_deployed_worker_command_renders_the_report(
    queued_app: Flask, done: Respondent
) -> None:
    done.client.get(f"/a/{done.token}/report/xlsx")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [str(RQ), "worker", "--burst", "--url", REDIS, queue_name(queued_app)]
    worker = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stderr
    assert done.client.get(f"/a/{done.token}/report/xlsx/file").data.startswith(b"PK")


def test_a_worker_whose_job_is_killed_mid_render_retries_it_and_nothing_half_written_is_served(
    queued_app: Flask, done: Respondent
) -> None:
    path = f"/a/{done.token}/report/pdf"
    done.client.get(path)

    def rendering() -> bool:
        return bool(state(done.client, done.token, "pdf")["state"] == "started")

    def no_file_yet() -> None:
        assert done.client.get(f"{path}/file").status_code == 303  # mid-render: no file

    kill_horse_mid_job(queue_name(queued_app), rendering, no_file_yet)
    pdf = done.client.get(f"{path}/file")  # the retry rendered it
    assert pdf.data.startswith(b"%PDF-") and pdf.data.rstrip().endswith(b"%%EOF")


def test_a_failed_report_says_so_and_succeeds_on_retry(
    queued_app: Flask, done: Respondent, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer crashed")

    client, token = done.client, done.token
    client.get(f"/a/{token}/report/xlsx")
    with monkeypatch.context() as patch:
        patch.setattr(assessment.render, "render", broken)
        run_jobs(queued_app)  # the first attempt and its one automatic retry both fail
    failed = client.get(f"/a/{token}/report/xlsx")
    text = failed.get_data(as_text=True)
    assert "The report could not be prepared" in text and "Try again" in text
    assert "renderer crashed" not in text  # the traceback stays with the operator
    assert "Refresh" not in failed.headers
    assert client.get(f"/a/{token}/report/xlsx/file").status_code == 303
    assert queue_of(queued_app).count == 0  # asking again does not retry by itself
    path = f"/a/{token}/report/xlsx"
    retried = client.post(f"{path}/retry", data={"csrf_token": csrf_token(client, path)})
    assert retried.status_code == 303
    run_jobs(queued_app)
    assert client.get(f"{path}/file").data.startswith(b"PK")


def test_a_retry_needs_the_form_token(queued_app: Flask, done: Respondent) -> None:
    assert done.client.post(f"/a/{done.token}/report/xlsx/retry").status_code == 400


def test_an_expired_report_is_rendered_again(queued_app: Flask, done: Respondent) -> None:
    done.client.get(f"/a/{done.token}/report/xlsx")
    run_jobs(queued_app)
    connection = redis.Redis.from_url(REDIS)
    (stored,) = connection.scan_iter(f"{queued_app.config['TQM_REDIS_NAMESPACE']}:report:*")
    connection.delete(stored)  # what its time-to-live does
    assert state(done.client, done.token, "xlsx")["state"] == "queued"
    run_jobs(queued_app)
    assert done.client.get(f"/a/{done.token}/report/xlsx/file").data.startswith(b"PK")


def test_formats_the_queue_does_not_render_are_not_found(
    queued_app: Flask, done: Respondent
) -> None:
    assert done.client.get(f"/a/{done.token}/report/json").status_code == 404
    assert done.client.get(f"/a/{done.token}/report/exe/file").status_code == 404


def test_an_unanswered_assessment_goes_to_its_review_first(queued_app: Flask) -> None:
    person = Respondent(queued_app.test_client(), queued_app.extensions["tqm_library"], "tqm-quick")
    person.start()
    reply = person.client.get(f"/a/{person.token}/report/xlsx")
    assert reply.status_code == 303 and reply.location.endswith(f"/a/{person.token}/review")
    assert queue_of(queued_app).count == 0


def test_the_download_buttons_lead_to_the_queue_only_when_it_is_on(
    queued_app: Flask, app: Flask
) -> None:
    with queued_app.test_request_context():
        link = queued_app.jinja_env.globals["report_link"]
        assert link("abc", "pdf") == ("/a/abc/report/pdf", False)
        assert link("abc", "json") == ("/a/abc/download/json", True)
    with app.test_request_context():
        assert app.jinja_env.globals["report_link"]("abc", "pdf") == ("/a/abc/download/pdf", True)


def test_without_redis_the_queue_addresses_lead_to_todays_download(respondent: Respondent) -> None:
    respondent.answer_all(3)
    for suffix in ("", "/status", "/file"):
        reply = respondent.client.get(f"/a/{respondent.token}/report/pdf{suffix}")
        assert reply.status_code == 303
        assert reply.location.endswith(f"/a/{respondent.token}/download/pdf")


def test_the_report_key_names_assessment_result_format_and_language() -> None:
    key = ReportKey("tqm", 7, "ab" * 16, "pdf", "zh")
    assert key.redis_key == f"tqm:report:7:{'ab' * 16}:pdf:zh"
    assert key.job_id.startswith("report-") and len(key.job_id) == 47
    assert ReportKey("tqm", 7, "ab" * 16, "pdf", "en").job_id != key.job_id
