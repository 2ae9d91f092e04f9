"""Batch uploads (webapp/views/batch_uploads.py, webapp/batch_jobs.py): a consultant uploads a
CSV or XLSX of many organisations and gets the results workbook; without Redis in the request
(small files only), with Redis as an RQ job with a state page; every problem of a bad file is
named with where it is, nothing half-written is kept, and one consultancy never sees another's
batch."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DATA
from helpers.consultants import create_consultant, sign_in
from helpers.queue import kill_horse_mid_job, queue, queued_app, run_jobs
from helpers.web import csrf_token
from openpyxl import Workbook, load_workbook
from werkzeug.test import TestResponse

import webapp.batch_jobs
from webapp.batch_jobs import batch_queue_name

BATCH = DATA / "batch" / "quick-three-scored-one-rejected.csv"
FORM = "/consultant/batches/"


def upload(browser: FlaskClient, data: bytes, filename: str = "clients.csv") -> TestResponse:
    token = csrf_token(browser, FORM)
    form = {"csrf_token": token, "file": (io.BytesIO(data), filename)}
    return browser.post(FORM, data=form, content_type="multipart/form-data")


def rows_of(workbook: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(workbook), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def as_xlsx(csv_text: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in csv_text.splitlines():
        sheet.append([int(c) if c.isdigit() else c for c in line.split(",")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_results(rows: list[tuple[Any, ...]]) -> None:
    """Alpha, Beta scored; Gamma rejected with its cell named (line 5, the answer 9)."""
    assert [row[0] for row in rows[1:]] == ["Alpha Co", "Beta Co", "Gamma Co"]
    assert rows[1][1] == 2 and rows[2][3] == 2  # Alpha's two respondents; Beta's overall level
    assert [row[-1] for row in rows[1:3]] == [None, None]  # scored: no problems
    assert rows[3][2] is None and rows[3][-1].startswith("clients.")  # rejected, named ...
    assert ":5:5: $.responses[0].answers." in rows[3][-1]  # ... at its line and column


# --- without Redis: in the request -------------------------------------------------------------


def test_a_consultant_uploads_a_csv_and_gets_the_results_workbook(consultant: FlaskClient) -> None:
    reply = upload(consultant, BATCH.read_bytes())
    assert reply.status_code == 200, reply.get_data(as_text=True)
    assert reply.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="clients-results-' in reply.headers["Content-Disposition"]
    check_results(rows_of(reply.data))


def test_an_xlsx_upload_is_read_as_the_csv_is(consultant: FlaskClient) -> None:
    reply = upload(consultant, as_xlsx(BATCH.read_text()), "clients.xlsx")
    assert reply.status_code == 200, reply.get_data(as_text=True)
    check_results(rows_of(reply.data))


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(
    consultant: FlaskClient,
) -> None:
    packed = io.BytesIO()  # a zip bomb in miniature: 100 MB of zeros in about 100 KB
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 100_000_000)
    reply = upload(consultant, packed.getvalue(), "clients.xlsx")
    assert reply.status_code == 422
    assert "unpacks to 100,000,000 bytes" in html.unescape(reply.get_data(as_text=True))


def test_a_file_over_the_inline_limit_is_refused_naming_the_limit(
    app: Flask, consultant: FlaskClient
) -> None:
    app.config["TQM_BATCH_INLINE_BYTES"] = 2048
    near = upload(consultant, b"x" * 3000)  # past the limit, within the form's allowance
    far = upload(consultant, b"x" * 40_000)  # refused before the body is read
    for reply in (near, far):
        assert reply.status_code == 413
        assert "larger than the limit of 2 KiB" in reply.get_data(as_text=True)
    consultant.set_cookie("lang", "zh")
    assert "2 KiB" in upload(consultant, b"x" * 3000).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "filename", "said"),
    [
        (b"organisation,respondent\nA,r1\n", "c.csv", "c.csv:1:1: $: CSV needs a 'questionnaire'"),
        (b"questionnaire,organisation\n\xff\xfe,A\n", "c.csv", "c.csv:2:1: $: not UTF-8 text"),
        (b"not a zip", "c.xlsx", "c.xlsx: $: not an Excel workbook (.xlsx)"),
        (b"questionnaire\n", "c.txt", "must be a CSV (.csv) or an Excel workbook (.xlsx)"),
    ],
)
def test_a_bad_file_gets_422_naming_each_problem_and_where(
    consultant: FlaskClient, data: bytes, filename: str, said: str
) -> None:
    reply = upload(consultant, data, filename)
    page = html.unescape(reply.get_data(as_text=True))
    assert reply.status_code == 422 and said in page
    assert "Traceback" not in page


def test_user_text_in_problems_is_escaped(consultant: FlaskClient) -> None:
    reply = upload(consultant, b"questionnaire,<b>x</b>,<b>x</b>\n", "c.csv")
    page = reply.get_data(as_text=True)
    assert reply.status_code == 422 and "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_the_upload_needs_a_signed_in_consultant_and_the_form_token(
    client: FlaskClient, consultant: FlaskClient, app: Flask
) -> None:
    data = {"file": (io.BytesIO(BATCH.read_bytes()), "c.csv")}
    assert consultant.post(FORM, data=data, content_type="multipart/form-data").status_code == 400
    stranger = app.test_client()
    assert stranger.get(FORM).location.startswith("/consultant/sign-in")


def test_the_upload_form_is_bilingual(consultant: FlaskClient) -> None:
    assert "Score many organisations from one file" in consultant.get(FORM).get_data(as_text=True)
    consultant.set_cookie("lang", "zh")
    assert "用一个文件为多个组织评分" in consultant.get(FORM).get_data(as_text=True)


def test_without_redis_the_batch_addresses_find_nothing(consultant: FlaskClient) -> None:
    assert consultant.get(f"{FORM}abc123").status_code == 404


# --- with Redis: an RQ job ---------------------------------------------------------------------


@pytest.fixture()
def queued(database_url: str) -> Iterator[Flask]:
    with queued_app(database_url) as application:
        yield application


def signed_in(app: Flask, email: str, consultancy: str) -> FlaskClient:
    browser = app.test_client()
    create_consultant(app, email, consultancy)
    assert sign_in(browser, csrf_token, email) == 303
    return browser


def test_a_queued_batch_shows_its_state_then_serves_the_whole_workbook(queued: Flask) -> None:
    ana = signed_in(queued, "ana@acme.example", "Acme Consulting")
    sent = upload(ana, BATCH.read_bytes())
    assert sent.status_code == 303
    page = ana.get(sent.location)
    assert page.headers["Refresh"] == "2" and "waiting for a free worker" in page.text
    assert ana.get(f"{sent.location}/file").status_code == 303  # nothing before it is whole
    assert queue(batch_queue_name(queued)).count == 1
    run_jobs(batch_queue_name(queued))
    done = ana.get(sent.location)
    assert "Refresh" not in done.headers
    assert "3 organisations: 2 scored, 1 rejected" in done.text
    status = ana.get(f"{sent.location}/status").get_json()
    assert status["state"] == "ready" and status["progress"] == 1.0
    assert status["summary"] == {"organisations": 3, "scored": 2, "rejected": 1}
    workbook = ana.get(status["download"])
    assert workbook.status_code == 200
    check_results(rows_of(workbook.data))


def test_a_queued_bad_file_lists_its_problems_and_keeps_no_workbook(queued: Flask) -> None:
    ana = signed_in(queued, "ana@acme.example", "Acme Consulting")
    sent = upload(ana, b"organisation\nA\n", "bad.csv")
    run_jobs(batch_queue_name(queued))
    page = ana.get(sent.location).text
    assert "bad.csv:1:1: $: CSV needs a &#39;questionnaire&#39; column" in page
    assert ana.get(f"{sent.location}/file").status_code == 303
    assert ana.get(f"{sent.location}/status").get_json()["state"] == "problems"


def test_a_failed_batch_says_so_and_succeeds_on_retry(
    queued: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scorer crashed")

    ana = signed_in(queued, "ana@acme.example", "Acme Consulting")
    sent = upload(ana, BATCH.read_bytes())
    with monkeypatch.context() as patch:
        patch.setattr(webapp.batch_jobs, "score_upload", broken)
        run_jobs(batch_queue_name(queued))  # the first attempt and its one retry both fail
    failed = ana.get(sent.location)
    assert "could not be scored" in failed.text and "Try again" in failed.text
    assert "scorer crashed" not in failed.text
    assert ana.get(f"{sent.location}/file").status_code == 303
    assert ana.post(f"{sent.location}/retry").status_code == 400  # the form token is needed
    token = csrf_token(ana, sent.location)
    assert ana.post(f"{sent.location}/retry", data={"csrf_token": token}).status_code == 303
    run_jobs(batch_queue_name(queued))
    check_results(rows_of(ana.get(f"{sent.location}/file").data))


def test_another_consultancy_gets_404_on_every_batch_route(queued: Flask) -> None:
    ana = signed_in(queued, "ana@acme.example", "Acme Consulting")
    sent = upload(ana, BATCH.read_bytes())
    batch_id = sent.location.rsplit("/", 1)[1]
    run_jobs(batch_queue_name(queued))
    rival = signed_in(queued, "bo@rival.example", "Rival Advisory")
    routes = [
        (rule.endpoint, method)
        for rule in queued.url_map.iter_rules()
        if rule.endpoint.startswith("batch_uploads.") and "batch_id" in rule.arguments
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
    assert len(routes) == 4
    with queued.test_request_context():  # the paths only: a request inside would share its `g`
        from flask import url_for

        paths = [(url_for(endpoint, batch_id=batch_id), method) for endpoint, method in routes]
    for path, method in paths:
        reply = rival.open(path, method=method, data={"csrf_token": csrf_token(rival, FORM)})
        assert reply.status_code == 404, (path, method)
        owner = ana.open(path, method=method, data={"csrf_token": csrf_token(ana, FORM)})
        assert owner.status_code in (200, 303), (path, method)


def many_organisations(count: int) -> bytes:
    """The fixture's header and one manager row per organisation, `count` of them."""
    header, _alpha, manager, *_rest = BATCH.read_text().splitlines()
    cells = manager.split(",")
    rows = [",".join([cells[0], f"Org {n}", *cells[2:]]) for n in range(count)]
    return "\n".join([header, *rows, ""]).encode()


def test_a_batch_whose_worker_is_killed_mid_job_is_retried_and_served_whole(
    queued: Flask,
) -> None:
    ana = signed_in(queued, "ana@acme.example", "Acme Consulting")
    sent = upload(ana, many_organisations(3000))

    def scored_part() -> bool:
        status = ana.get(f"{sent.location}/status").get_json()
        return status["state"] == "started" and status["progress"] > 0

    def no_file_yet() -> None:
        assert ana.get(f"{sent.location}/file").status_code == 303  # mid-job: no file

    kill_horse_mid_job(batch_queue_name(queued), scored_part, no_file_yet)
    status = ana.get(f"{sent.location}/status").get_json()
    assert status["summary"] == {"organisations": 3000, "scored": 3000, "rejected": 0}
    assert len(rows_of(ana.get(f"{sent.location}/file").data)) == 3001  # whole
