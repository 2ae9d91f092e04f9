"""PDF rendering runs with a time limit, so one pathological report cannot hang a web worker.

The download renders in a child process (`render_pdf_isolated`) and stops it after
`TQM_PDF_TIMEOUT` seconds; the respondent then gets a clear page in their language (503, no
traceback), and the app goes on serving. A time limit far below any real render stands in for
the pathological report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import psutil
import pytest
from flask import Flask
from helpers import ROOT
from helpers.live_server import WebClient, page_form, start_gunicorn

from assessment.content.library import load_library
from webapp import create_app

if TYPE_CHECKING:
    from helpers.web import Respondent


TINY = 0.001  # seconds: no report renders this fast
MESSAGES = {
    "en": ("The report took too long", "Please try the download again in a minute."),
    "zh": ("报告生成超时", "请稍等一分钟后再下载。"),
}


@pytest.fixture()
def database_url(tmp_path: Path) -> str:
    """SQLite only (overrides conftest's pair): the time limit has nothing to do with storage."""
    return f"sqlite:///{tmp_path / 'pdf.sqlite3'}"


@pytest.fixture()
def app(database_url: str) -> Iterator[Flask]:
    """The app with a PDF time limit no render can meet."""
    application = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "pdf-timeout",
            "TESTING": True,
            "TQM_PDF_TIMEOUT": TINY,
        }
    )
    application.extensions["tqm_db"].upgrade()
    yield application
    application.extensions["tqm_db"].dispose()


def renderers_left() -> list[str]:
    """Processes below this one that are not its direct children (the forkserver and the
    resource tracker are; a renderer is a child of the forkserver)."""
    me = psutil.Process()
    left = []
    for process in me.children(recursive=True):
        try:
            if process.status() != psutil.STATUS_ZOMBIE and process.ppid() != me.pid:
                left.append(f"{process.pid} {' '.join(process.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass  # ended while we looked
    return left


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_over_the_time_limit_is_a_clear_503_page_and_the_app_keeps_serving(
    respondent: Respondent, lang: str
) -> None:
    respondent.answer_all(3)
    respondent.client.set_cookie("lang", lang)

    response = respondent.client.get(f"/a/{respondent.token}/download/pdf")

    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    for message in MESSAGES[lang]:
        assert message in page
    assert "Traceback" not in page and "RenderTimeout" not in page
    assert response.headers.get("Content-Disposition") is None  # not an empty "report.pdf"
    for path in (
        "/healthz",
        f"/a/{respondent.token}/results",
        f"/a/{respondent.token}/download/json",
    ):
        assert respondent.client.get(path).status_code == 200, path


def test_stopped_renderers_are_gone_and_a_later_download_succeeds(
    app: Flask, respondent: Respondent
) -> None:
    respondent.answer_all(4)
    for _ in range(3):
        assert respondent.client.get(f"/a/{respondent.token}/download/pdf").status_code == 503
    assert renderers_left() == []

    app.config["TQM_PDF_TIMEOUT"] = 120.0
    response = respondent.client.get(f"/a/{respondent.token}/download/pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")


def test_pdf_time_limit_is_read_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gunicorn runs `webapp:create_app()`: the environment is the only way to set the limit."""
    monkeypatch.setenv("TQM_PDF_TIMEOUT", "7.5")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'env.sqlite3'}", "SECRET_KEY": "x"})
    assert app.config["TQM_PDF_TIMEOUT"] == 7.5


def test_gunicorn_worker_answers_503_within_the_limit_and_serves_the_next_request(
    tmp_path: Path,
) -> None:
    """One sync worker: if the report held it, /healthz after the download could not answer."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}",
        "SECRET_KEY": "pdf-timeout",
        "TQM_PDF_TIMEOUT": str(TINY),
    }
    server = start_gunicorn(env, tmp_path / "gunicorn.log", workers=1)
    try:
        client = WebClient(server.port, timeout=30)
        token = client.start()
        quick = load_library(ROOT).questionnaires["tqm-quick"]
        csrf = client.csrf_token(f"/a/{token}/d/customer")
        for dimension in quick.dimensions:
            answers = {q.id: 3 for q in dimension.questions}
            reply = client.request(
                "POST", f"/a/{token}/d/{dimension.id}", form=page_form(csrf, answers)
            )
            assert reply.status == 303

        client.cookies["lang"] = "zh"
        download = client.request("GET", f"/a/{token}/download/pdf")

        assert download.status == 503, download.body[:300]
        assert MESSAGES["zh"][0] in download.body
        assert client.request("GET", "/healthz").status == 200
        assert client.request("GET", f"/a/{token}/results").status == 200
        client.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()
