"""The PDF report: content (en and zh), fonts, metadata, isolation, and hostile input.

Each full report is rendered once per module; the text checks read it with poppler's tools.
"""

from __future__ import annotations

import http.server
import io
import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from helpers.answers import role_answers
from helpers.frameworks import TQM
from helpers.wording import other_result, tqm_words_in
from PIL import Image

from assessment.content.library import Library
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.source import Document
from assessment.problems import EXIT_INTERNAL, TqmError
from assessment.render.report import pdf
from assessment.render.report.html import STATIC, cjk_font_file

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

ORG = "Northwind Präzision & Co"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request it gets (there should be none)."""

    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Recorder.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    """A local HTTP server on a free port, recording requests."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()


def hostile(port: int) -> dict[str, str]:
    """Markup that would fetch, attach or inject if it were not escaped."""
    return {
        "organisation": f"<link rel=attachment href=file:///etc/passwd><img src=http://127.0.0.1:{port}/x.png>",
        "evidence": f"<style>@import url(http://127.0.0.1:{port}/a.css)</style>",
        "note": f'<svg><image href="http://127.0.0.1:{port}/y.png"/></svg>',
    }


def answers_doc(
    library: Library, organisation: str, extra: dict[str, str] | None = None
) -> dict[str, Any]:
    """Three respondents of the audit, with evidence and notes on the questions the findings cite."""
    q = library.questionnaires["tqm-audit"]
    level = {
        "customer": 4,
        "leadership": 2,
        "process": 3,
        "learning": 2,
        "structure": 2,
        "performance": 1,
    }
    extra = extra or {"evidence": "Org chart v7, 2026", "note": "Projects borrow people."}
    cited = {"value": 1, **extra}
    responses = []
    for rid, role, shift in (("l1", "leader", 1), ("m1", "manager", 0), ("s1", "staff", -1)):
        answers = role_answers(q, role, lambda x, s=shift: max(1, min(5, level[x.dimension] + s)))
        for qid in ("structure.cross_functional_teams", "learning.continuous_improvement"):
            answers[qid] = cited
        responses.append({"respondent": {"id": rid, "role": role}, "answers": answers})
    return {
        "questionnaire": "tqm-audit",
        "organisation": organisation,
        "date": "2026-11-29",
        "responses": responses,
    }


class LogRecords(logging.Handler):
    """Collects WeasyPrint's log records for a module-scoped render."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def weasy_logs() -> Iterator[LogRecords]:
    """Every WeasyPrint log record of this module's renders."""
    handler, logger = LogRecords(), logging.getLogger("weasyprint")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture(scope="module")
def result(library: Library) -> Result:
    """The audit result (both languages)."""
    answers = parse_answers(Document("pdf", answers_doc(library, ORG)), library)
    return assess(answers, library, use_engine=False)


@pytest.fixture(scope="module")
def pdfs(result: Result, weasy_logs: LogRecords, tmp_path_factory: Any) -> dict[str, Path]:
    """The report rendered once per language, written to files."""
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for lang in ("en", "zh"):
        out[lang] = folder / f"report-{lang}.pdf"
        out[lang].write_bytes(pdf.render_pdf(result, lang))
    return out


@pytest.fixture(scope="module")
def hostile_pdf(library: Library, server: int, tmp_path_factory: Any) -> Path:
    """The report of hostile answers."""
    bad = hostile(server)
    organisation = bad.pop("organisation")
    answers = parse_answers(Document("hostile", answers_doc(library, organisation, bad)), library)
    path = tmp_path_factory.mktemp("hostile") / "hostile.pdf"
    path.write_bytes(pdf.render_pdf(assess(answers, library, use_engine=False), "en"))
    return path


def run(*args: str | Path) -> str:
    """A poppler tool's output."""
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text with all whitespace removed (line breaks fall anywhere in Chinese and long titles)."""
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_text_has_the_whole_report(lang: str, pdfs: dict[str, Path], result: Result) -> None:
    text = squeeze(run("pdftotext", pdfs[lang], "-"))
    assert squeeze(ORG) in text
    for number, dim in enumerate(result.dimensions.values(), start=1):
        heading = squeeze(f"3.{number} {dim.title.get(lang)}")
        assert heading in text
        section = text.split(heading)[-1][:400]
        assert squeeze(TQM.level_name(dim.level, lang)) in section
    for finding in result.findings:
        assert squeeze(finding.title.get(lang)) in text
    for planned in (a for phase in result.phases for a in phase.actions):
        assert squeeze(planned.action.title.get(lang)) in text


def test_chinese_pdf_is_in_chinese(pdfs: dict[str, Path]) -> None:
    text = squeeze(run("pdftotext", pdfs["zh"], "-"))
    for label in ("执行摘要", "成熟度概况", "改进路线图", "2026年11月29日", "第1阶段"):
        assert label in text


def test_chinese_font_is_embedded(pdfs: dict[str, Path]) -> None:
    fonts = run("pdffonts", pdfs["zh"]).splitlines()[2:]
    cjk = [line for line in fonts if "WenQuanYi" in line or "CJK" in line]
    assert cjk and all(" yes " in line for line in cjk)
    assert cjk_font_file() is not None


def test_metadata(pdfs: dict[str, Path]) -> None:
    info = run("pdfinfo", pdfs["en"])
    assert f"Title:           {ORG} — TQM maturity assessment" in info
    assert f"Author:          {ORG}" in info
    assert "Page size:       595.276 x 841.89 pts (A4)" in info
    assert "全面质量管理成熟度评估" in run("pdfinfo", pdfs["zh"])


def test_first_page_is_not_blank(pdfs: dict[str, Path]) -> None:
    png = subprocess.run(["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(pdfs["en"])],
                         capture_output=True, check=True).stdout  # fmt: skip
    image = Image.open(io.BytesIO(png)).convert("L")
    inked = sum(image.histogram()[:240])
    assert inked / (image.width * image.height) > 0.05


def test_pages_are_numbered(pdfs: dict[str, Path]) -> None:
    pages = int(run("pdfinfo", pdfs["en"]).split("Pages:")[1].split()[0])
    last = run("pdftotext", "-f", str(pages), "-l", str(pages), pdfs["en"], "-")
    assert f"{pages} / {pages}" in last


def test_harfbuzz_subsets_the_fonts(pdfs: dict[str, Path], weasy_logs: LogRecords) -> None:
    messages = [r.getMessage() for r in weasy_logs.records]
    assert messages is not None and not any("Using fontTools" in m for m in messages)


def test_harfbuzz_subsetting_with_caplog(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    answers = parse_answers(Document("quick", {
        "questionnaire": "tqm-quick", "organisation": "小公司",
        "answers": {x.id: 3 for x in library.questionnaires["tqm-quick"].questions}}), library)  # fmt: skip
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        data = pdf.render_pdf(assess(answers, library, use_engine=False), "zh")
    assert data.startswith(b"%PDF")
    assert not [r for r in caplog.records if "Using fontTools" in r.getMessage()]


# --- security ------------------------------------------------------------------------------------


def test_hostile_answers_fetch_nothing(hostile_pdf: Path) -> None:
    assert Recorder.requests == []


def test_hostile_answers_attach_nothing_but_the_result(hostile_pdf: Path) -> None:
    listing = run("pdfdetach", "-list", hostile_pdf)
    assert listing.split() == ["1", "embedded", "files", "1:", pdf.RESULT_FILE], listing


def test_hostile_answers_print_literally(hostile_pdf: Path, server: int) -> None:
    text = squeeze(run("pdftotext", hostile_pdf, "-"))
    for value in hostile(server).values():
        assert squeeze(value) in text


def test_fetcher_blocks_markup_that_escaped_the_templates(server: int, tmp_path: Path) -> None:
    bad = hostile(server)
    document = (
        f"<html><body>{bad['organisation']}{bad['evidence']}{bad['note']}<p>x</p></body></html>"
    )
    path = tmp_path / "raw.pdf"
    path.write_bytes(pdf.html_to_pdf(document))
    assert Recorder.requests == []
    assert run("pdfdetach", "-list", path).strip().startswith("0 embedded files")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.com/a.css",
        "ftp://example.com/f",
        "file:///etc/passwd",
        f"{STATIC.as_uri()}/../../../../etc/passwd",
        f"{STATIC.as_uri()}/%2e%2e/%2e%2e/problems.py",
        "file://otherhost/etc/passwd",
    ],
)
def test_fetcher_refuses(url: str) -> None:
    with pytest.raises(pdf.BlockedURL):
        pdf.fetcher().fetch(url)


def test_fetcher_allows_data_static_and_the_font() -> None:
    fetcher = pdf.fetcher()
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    assert b"@page" in fetcher.fetch((STATIC / "report.css").as_uri()).read()
    font = cjk_font_file()
    if font is not None:
        assert fetcher.fetch(font.as_uri()).read(4)


def test_fetcher_is_a_urlfetcher_without_redirects() -> None:
    from weasyprint.urls import URLFetcher

    fetcher = pdf.fetcher()
    assert isinstance(fetcher, URLFetcher)
    assert not any(type(h).__name__ == "HTTPRedirectHandler" for h in fetcher.handlers)


# --- isolation -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quick_result(library: Library) -> Result:
    """A small result (the quick questionnaire) for the child-process tests."""
    answers = parse_answers(Document("quick", {
        "questionnaire": "tqm-quick", "organisation": "Iso Co",
        "answers": {x.id: 2 for x in library.questionnaires["tqm-quick"].questions}}), library)  # fmt: skip
    return assess(answers, library, use_engine=False)


def test_isolated_render_returns_the_pdf(quick_result: Result) -> None:
    data = pdf.render_pdf_isolated(quick_result, "en", timeout=120)
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


def test_isolated_render_times_out(quick_result: Result) -> None:
    with pytest.raises(pdf.RenderTimeout) as caught:
        pdf.render_pdf_isolated(quick_result, "en", timeout=0.01)
    error = caught.value
    assert isinstance(error, TqmError) and error.exit_code == EXIT_INTERNAL
    assert "\n" not in str(error) and "0.01 s" in str(error)


def test_isolated_render_reports_failures() -> None:
    with pytest.raises(pdf.RenderError, match="AttributeError"):
        pdf.render_pdf_isolated({"lang": "en"}, "en", timeout=120)  # type: ignore[arg-type]


# --- speed ---------------------------------------------------------------------------------------


def test_fonts_and_stylesheet_are_made_once_per_thread() -> None:
    assert pdf.report_fonts() is pdf.report_fonts() and pdf.report_css() is pdf.report_css()
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(pdf.report_fonts()))
    thread.start()
    thread.join()
    assert other[0] is not pdf.report_fonts()
    pdf.forget_fonts()
    assert pdf.report_fonts() is not other[0]


def test_repeated_renders_are_the_same(quick_result: Result, tmp_path: Path) -> None:
    texts = []
    for n in range(2):
        path = tmp_path / f"quick-{n}.pdf"
        path.write_bytes(pdf.render_pdf(quick_result, "en"))
        texts.append(run("pdftotext", path, "-"))
    assert texts[0] == texts[1] and "Iso Co" in texts[0]


def test_warm_up_compiles_the_templates_and_renders_its_page_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from assessment.render.report.html import TEMPLATES, environment

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.warm()  # a font or chart that failed to load would only log a warning
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    cached = {template.name for template in environment().cache.values()}  # type: ignore[union-attr]
    assert cached >= {path.name for path in TEMPLATES.glob("*.html")}


def test_another_framework_s_pdf_has_none_of_the_bundled_wording(
    mini: Library, weasy_logs: LogRecords, tmp_path: Path
) -> None:
    path = tmp_path / "progress.pdf"
    path.write_bytes(pdf.render_pdf(other_result(mini), "en"))
    text = " ".join(run("pdftotext", path, "-").split()).replace("tqm-result/1", "")
    info = "\n".join(  # the program that made the file is named by its own name
        line for line in run("pdfinfo", path).splitlines() if not line.startswith("Creator:")
    )
    assert tqm_words_in(text) == [] and tqm_words_in(info) == []
    assert "Sector median" in text and "Progress survey" in info
    assert "the weakest dimension plus one" not in text  # the mini pack has no such cap
    assert "capped: at most the leadership level plus one." in text
