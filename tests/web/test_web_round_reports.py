"""A signed-off round's report through the report queue (webapp/views/round_reports.py): with
REDIS_URL, the round's report download leads to a state page and a worker renders it once per
round, result, format and language; without REDIS_URL the queue's addresses lead to the report
rendered in the request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from helpers.consultants import create_consultant, invite, open_round, post, sign_in
from helpers.queue import REDIS, queue, queued_app, run_jobs
from helpers.web import Respondent, csrf_token

from webapp.jobs import queue_name


@pytest.fixture()
def queued(database_url: str) -> Iterator[Flask]:
    with queued_app(database_url) as application:
        yield application


def signed_off_round(app: Flask) -> tuple[FlaskClient, int]:
    """A consultant's browser and a round three leaders answered, signed off."""
    browser = app.test_client()
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    assert sign_in(browser, csrf_token, "ana@acme.example") == 303
    _client, round_id = open_round(browser, csrf_token)
    for token in invite(browser, csrf_token, round_id, leader=3):
        person = Respondent(app.test_client(), app.extensions["tqm_library"], "tqm-quick")
        person.token = token
        person.answer_all(4)
    assert post(browser, csrf_token, f"/consultant/rounds/{round_id}/sign-off").status_code == 303
    return browser, round_id


def test_a_round_report_goes_through_the_queue_and_is_rendered_once(queued: Flask) -> None:
    browser, round_id = signed_off_round(queued)
    base = f"/consultant/rounds/{round_id}/report"
    asked = browser.get(f"{base}.docx")
    assert asked.status_code == 303 and asked.location.endswith(f"{base}/docx")
    page = browser.get(f"{base}/docx")
    assert page.headers["Refresh"] == "2" and "Preparing your report" in page.text
    assert browser.get(f"{base}/docx/file").status_code == 303  # nothing before it is whole
    browser.get(f"{base}/docx")
    assert queue(queue_name(queued)).count == 1  # asked twice, one job
    run_jobs(queue_name(queued))
    status = browser.get(f"{base}/docx/status").get_json()
    assert status == {"state": "ready", "ready": True, "download": f"{base}/docx/file"}
    docx = browser.get(status["download"])
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert "Gear_Co_Spring_2027_en.docx" in docx.headers["Content-Disposition"]
    space = queued.config["TQM_REDIS_NAMESPACE"]
    (key,) = redis.Redis.from_url(REDIS).scan_iter(f"{space}:report:*")
    assert key.decode().startswith(f"{space}:report:round-{round_id}:")
    assert key.decode().endswith(":docx:en")
    browser.set_cookie("lang", "zh")
    assert "正在生成报告" in browser.get(f"{base}/docx").text  # another language, another job
    assert queue(queue_name(queued)).count == 1


def test_a_round_report_retry_needs_the_form_token(queued: Flask) -> None:
    browser, round_id = signed_off_round(queued)
    path = f"/consultant/rounds/{round_id}/report/pdf"
    assert browser.post(f"{path}/retry").status_code == 400
    retried = browser.post(f"{path}/retry", data={"csrf_token": csrf_token(browser, path)})
    assert retried.status_code == 303 and retried.location.endswith(path)


def test_without_redis_the_round_queue_addresses_lead_to_the_report_in_the_request(
    app: Flask,
) -> None:
    browser, round_id = signed_off_round(app)
    base = f"/consultant/rounds/{round_id}/report"
    for suffix in ("", "/status", "/file"):
        reply = browser.get(f"{base}/docx{suffix}")
        assert reply.status_code == 303 and reply.location.endswith(f"{base}.docx")
    assert browser.get(f"{base}.docx").data.startswith(b"PK")  # rendered in the request
    assert browser.get(f"{base}/exe").status_code == 404
