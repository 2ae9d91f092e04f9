"""A consultant's whole audit in a real Chromium, on SQLite and on PostgreSQL.

Sign in, add a client, open a round, invite leaders and staff, respondents answer through their
private links in browser contexts of their own (one in Chinese), the consultant reconciles two
items, signs off, downloads the frozen result, opens a second round and sees the trend. The app
runs under gunicorn; the consultant's account is made with `flask --app webapp users create`.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers.browser import CHROMIUM, CHROMIUM_ARGS
from helpers.live_server import LiveServer, start_gunicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("TQM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
EMAIL, PASSWORD = "ana@acme.example", "correct horse battery staple"
WAIT_MS = 20_000


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("audit")
    schema = f"audit_{secrets.token_hex(6)}"
    admin = create_engine(POSTGRES) if request.param == "postgresql" else None
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{folder / 'tqm.sqlite3'}"
    env = {"DATABASE_URL": url, "SECRET_KEY": "audit-test"}
    live = start_gunicorn(env, folder / "gunicorn.log", workers=2, extra_args=("--preload",))
    command = [sys.executable, "-m", "flask", "--app", "webapp", "users", "create", EMAIL]
    command += ["--consultancy", "Acme Consulting", "--password", PASSWORD]
    made = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    yield live
    live.stop()
    if admin is not None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Browser, locale: str = "en-GB") -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale).new_page()
    page.set_default_timeout(WAIT_MS)
    return page


def answer_everything(page: Page, link: str, value: int) -> None:
    """Open a private link and answer every section with `value`, until the review page."""
    page.goto(link)
    page.locator(".actions a.button-primary").first.click()
    while re.search(r"/d/[a-z_]+$", page.url):
        here = page.url
        for radio in page.locator(f'input[type="radio"][value="{value}"]').all():
            radio.check()
        page.locator(".form-nav button[name=nav][value=next]").click()
        expect(page).not_to_have_url(here)
    expect(page).to_have_url(re.compile(r"/review$"))
    # Closing a page while a navigation commits can hang Chromium's close for good (the close is
    # acknowledged and dropped); the caller closes this page's context next, so let it settle.
    page.wait_for_load_state()


def open_round(page: Page, title: str) -> None:
    page.locator("#title").fill(title)
    page.locator("#questionnaire").select_option("tqm-quick")
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator("h1")).to_have_text(title)


def invite(page: Page, leaders: int, staff: int) -> list[str]:
    page.locator("#count_leader").fill(str(leaders))
    page.locator("#count_staff").fill(str(staff))
    page.get_by_role("button", name="Create the links").click()
    links = page.locator("#new-links ~ ul code, section[aria-labelledby=new-links] code")
    expect(links).to_have_count(leaders + staff)
    return [links.nth(i).inner_text() for i in range(leaders + staff)]


def reconcile(page: Page, value: int, note: str) -> None:
    page.locator("#consensus + ul a").first.click()
    page.locator(f'input[name="value"][value="{value}"]').check()
    page.locator("#evidence").fill("Workshop minutes, 2027-03-14")
    page.locator("#note").fill(note)
    page.get_by_role("button", name="Record the agreed value").click()
    expect(page.locator(".notice")).to_contain_text("agreed value is recorded")


def test_a_consultant_runs_two_rounds_from_invitations_to_sign_off_and_trend(
    server: LiveServer, browser: Browser
) -> None:
    page = new_page(browser)
    page.goto(server.url + "/consultant/")
    page.locator("#email").fill(EMAIL)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#name").fill("Gear Co")
    page.locator("#sector").fill("Machinery")
    page.locator("#size").fill("320")
    page.get_by_role("button", name="Add the client").click()
    expect(page.locator("h1")).to_have_text("Gear Co")
    client_url = page.url
    open_round(page, "Spring 2027")
    links = invite(page, leaders=3, staff=3)

    for number, link in enumerate(links):
        respondent = new_page(browser, locale="zh-CN" if number == 0 else "en-GB")
        answer_everything(respondent, link, 4 if number < 3 else 2)
        if number == 0:
            expect(respondent.locator("html")).to_have_attribute("lang", "zh-CN")
        respondent.context.close()

    page.reload()
    expect(page.locator("#progress ~ div table")).to_contain_text("Senior leader")
    page.get_by_role("link", name="Results and reconciliation").click()
    for _ in range(10):  # a loaded machine may still be writing the last respondent's save
        if "6 respondents have finished" in page.locator(".lead").inner_text():
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator(".lead")).to_contain_text("6 respondents have finished")
    reconcile(page, 3, "leaders and staff met halfway")
    reconcile(page, 2, "the staff's records prevail")
    page.get_by_role("button", name="Sign off the round").click()
    expect(page.locator(".lead")).to_contain_text("Signed off")
    with page.expect_response(re.compile(r"/result\.json$")) as reply:
        page.get_by_role("link", name="Result (JSON)").click()
    assert reply.value.json()["schema"] == "tqm-result/1"

    page.goto(client_url)
    open_round(page, "Autumn 2027")
    for link in invite(page, leaders=3, staff=0):
        respondent = new_page(browser)
        answer_everything(respondent, link, 5)
        respondent.context.close()
    page.get_by_role("link", name="Results and reconciliation").click()
    page.get_by_role("button", name="Sign off the round").click()
    page.goto(client_url)
    trend = page.locator("#trend ~ div table")
    expect(trend).to_contain_text("Spring 2027")
    expect(trend).to_contain_text("Autumn 2027")
    expect(trend).to_contain_text("(+")
