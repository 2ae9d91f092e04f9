"""A respondent in a real Chromium: the quick scan in Chinese, resumed in a new browser, the report.

The app runs under gunicorn (2 workers) on a SQLite file in tmp; Chromium is Debian's
(`/usr/bin/chromium`, driven by Playwright; `playwright install` is not used). Screenshots and the
downloaded PDF are kept in tests/artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import TESTS
from helpers.browser import CHROMIUM, CHROMIUM_ARGS
from helpers.frameworks import TQM
from helpers.live_server import LiveServer, start_gunicorn
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from assessment.content.library import load_library

pytestmark = pytest.mark.browser

ARTIFACTS = TESTS / "artifacts"
WAIT_MS = 20_000  # the longest any single step may take
PDF_WAIT_MS = 40_000  # the report renders in a child process, stopped by the app after 25 s
ORGANISATION = "华夏精工（质量部）"
# The same value for every question of a dimension gives that dimension that level (README), so
# the six dimensions reach all five levels and the report must name each of them.
PLAN = {
    "customer": 2,
    "leadership": 3,
    "process": 4,
    "learning": 5,
    "structure": 1,
    "performance": 3,
}
ANSWERED_BEFORE_CLOSING = ("customer", "leadership")
QUICK = load_library().questionnaires["tqm-quick"]  # started without a role: every question
CJK_FONT = re.compile(r"WenQuanYi|CJK|Hei|Song|Ming|Kai", re.IGNORECASE)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("browser")
    env = {"DATABASE_URL": f"sqlite:///{folder / 'tqm.sqlite3'}", "SECRET_KEY": "browser-test"}
    # --preload: the app is built once, before the fork (start-up takes half as long).
    live = start_gunicorn(env, folder / "gunicorn.log", workers=2, extra_args=("--preload",))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_page(browser: Browser, **context: Any) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def question_ids(page: Page) -> list[str]:
    """The question ids of the dimension page shown (from the fieldsets' ids, 'q-<id>')."""
    ids = page.locator("fieldset.question").evaluate_all("els => els.map(e => e.id.slice(2))")
    assert ids, "no questions on the page"
    return list(ids)


def radio(page: Page, question: str, value: object) -> Locator:
    return page.locator(f'input[type="radio"][name="answer-{question}"][value="{value}"]')


def answer_dimension(page: Page, dimension: str, value: int, skip: tuple[str, ...] = ()) -> None:
    """Choose `value` for every question of the page (but `skip`) and save and continue."""
    expect(page).to_have_url(re.compile(rf"/d/{dimension}$"))
    for question in question_ids(page):
        if question not in skip:
            radio(page, question, value).check()
    page.locator(".form-nav button[name=nav][value=next]").click()
    expect(page).not_to_have_url(re.compile(rf"/d/{dimension}$"))


def choose_first_radio_by_keyboard(page: Page) -> str:
    """Tab from the top of the page to the first radio button, then pick answers by keyboard.

    Returns the question id. Space selects the focused radio; ArrowDown moves the choice to the
    next option of the same question (value 2), as in any native radio group.
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    focused = ""
    for _ in range(40):  # skip link, header, private link, the six section buttons, ...
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.type + ' ' + document.activeElement.name")
        if focused.startswith("radio "):
            break
    first_question = question_ids(page)[0]
    assert focused == f"radio answer-{first_question}", f"Tab reached {focused!r}, not the radio"
    expect(radio(page, first_question, 1)).to_be_focused()
    page.keyboard.press("Space")
    expect(radio(page, first_question, 1)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radio(page, first_question, 2)).to_be_checked()
    expect(radio(page, first_question, 1)).not_to_be_checked()
    return first_question


def switch_to_chinese(page: Page) -> None:
    page.locator("form.lang-switch button[value=zh]").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def start_quick_scan(page: Page, server: LiveServer) -> str:
    """From the start page, in Chinese: start the quick scan; return the private link."""
    page.goto(server.url + "/")
    switch_to_chinese(page)
    page.locator('a[href="/start/tqm-quick"]').click()
    page.locator("#organisation").fill(ORGANISATION)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/a/[A-Za-z0-9_-]{43}/d/customer$"))
    link = page.locator("#private-link-url").input_value()
    assert link.startswith(f"{server.url}/a/"), link
    return link


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def embedded_cjk_fonts(path: Path) -> list[str]:
    """Embedded fonts that can show Chinese (else pdftotext finds text a reader sees as boxes)."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [
        line.split()[0]
        for line in listing.stdout.splitlines()[2:]
        if CJK_FONT.search(line.split()[0]) and " yes " in line
    ]


def test_chinese_quick_scan_resumed_in_a_new_browser_ends_with_results_and_pdf(
    server: LiveServer, playwright: Playwright
) -> None:
    """The whole journey of a Chinese respondent; the first answer is given by keyboard alone."""
    ARTIFACTS.mkdir(exist_ok=True)

    # First visit: Chinese interface, the first two dimensions, then the browser is closed.
    browser = launch(playwright)
    page = new_page(browser)
    link = start_quick_scan(page, server)
    first_question = choose_first_radio_by_keyboard(page)  # value 2, as PLAN["customer"]
    answer_dimension(page, "customer", PLAN["customer"], skip=(first_question,))
    answer_dimension(page, "leadership", PLAN["leadership"])
    expect(page).to_have_url(re.compile(r"/d/process$"))
    browser.close()

    # A new browser (no cookies: the language comes from Accept-Language) resumes from the link.
    browser = launch(playwright)
    page = new_page(browser, locale="zh-CN")
    page.goto(link)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("main")).to_contain_text(ORGANISATION)
    answered = sum(len(q.questions) for q in QUICK.dimensions if q.id in ANSWERED_BEFORE_CLOSING)
    expect(page.locator("progress")).to_have_attribute("value", str(answered))
    page.goto(link + "/d/customer")
    expect(radio(page, first_question, 2)).to_be_checked()
    page.goto(link)
    continue_button = page.locator(".actions a.button-primary").first
    expect(continue_button).to_have_attribute("href", re.compile(r"/d/process$"))
    continue_button.click()
    for dimension in ("process", "learning", "structure", "performance"):
        answer_dimension(page, dimension, PLAN[dimension])

    # The review page leads to the results: levels, the radar chart, downloads.
    expect(page).to_have_url(re.compile(r"/review$"))
    page.locator(".card-success button.button-primary").click()  # Finish: the results are kept
    expect(page).to_have_url(re.compile(r"/results$"))
    radar = page.locator(".chart-svg svg")
    expect(radar).to_be_visible()
    expect(radar.locator("polygon.series-current")).to_have_count(1)
    expect(radar.locator("polygon.series")).to_have_count(3)  # traditional, target, current
    main = page.locator("main")
    expect(main).to_contain_text(ORGANISATION)
    for level in set(PLAN.values()):
        expect(page.locator(".dimension-table")).to_contain_text(TQM.level(level).name.zh)
    page.screenshot(path=str(ARTIFACTS / "results-desktop-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    expect(radar).to_be_hidden()  # a phone gets bars with readable labels instead
    expect(page.locator(".profile-bars li")).to_have_count(len(PLAN))
    expect(page.locator(".dimension-cards")).to_be_visible()
    phone_width = page.evaluate("document.documentElement.scrollWidth")  # checked last
    page.screenshot(path=str(ARTIFACTS / "results-phone-390.png"), full_page=True)

    # The PDF report, in Chinese, with the organisation and the level names.
    pdf_button = page.locator('a[href$="/download/pdf"]')
    with page.expect_download(timeout=PDF_WAIT_MS) as info:
        pdf_button.click()
        expect(pdf_button).to_have_attribute("aria-disabled", "true")  # while it renders
        expect(pdf_button).to_contain_text("正在准备报告")
    download = info.value
    expect(pdf_button).not_to_have_attribute("aria-disabled", "true")
    assert download.failure() is None, download.failure()
    day = dt.date.today().isoformat()
    assert download.suggested_filename == f"华夏精工-质量部-tqm-quick-{day}-zh.pdf"
    report = ARTIFACTS / "results-zh.pdf"
    download.save_as(report)
    browser.close()
    assert report.read_bytes().startswith(b"%PDF-")
    text = pdf_text(report)
    assert embedded_cjk_fonts(report), "no CJK font embedded in the PDF"
    assert ORGANISATION in text
    for level in set(PLAN.values()):
        assert TQM.level(level).name.zh in text, (
            f"level {level} ({TQM.level(level).name.zh}) missing"
        )

    # No sideways scrolling on a phone: wide tables scroll inside their own box.
    assert phone_width <= 390, f"the results page is {phone_width} px wide on a 390 px phone"
