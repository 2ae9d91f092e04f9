"""A consultant's steps in the web app's tests: create an account by command, sign in, post a
form, open a round, invite, answer through an invitation link."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple"
LINK = re.compile(r"<code>https?://[^/]+/a/([A-Za-z0-9_-]{43})</code>")
TOKEN = re.compile(r"<code>(tqm_[A-Za-z0-9_-]{43})</code>")
Csrf = Callable[[FlaskClient, str], str]


def create_consultant(app: Flask, email: str, consultancy: str) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", email, "--consultancy", consultancy, "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert f"created {email.lower()}" in result.output


def sign_in(browser: FlaskClient, csrf: Csrf, email: str, password: str = PASSWORD) -> int:
    token = csrf(browser, "/consultant/sign-in")
    data = {"csrf_token": token, "email": email, "password": password}
    return browser.post("/consultant/sign-in", data=data).status_code


def post(browser: FlaskClient, csrf: Csrf, path: str, **data: Any) -> Any:
    return browser.post(path, data={"csrf_token": csrf(browser, "/consultant/"), **data})


def open_round(browser: FlaskClient, csrf: Csrf, title: str = "Spring 2027") -> tuple[int, int]:
    made = post(
        browser, csrf, "/consultant/clients", name="Gear Co", sector="Machinery", size="300"
    )
    assert made.status_code == 303
    client_id = int(made.location.rsplit("/", 1)[1])
    return client_id, new_round(browser, csrf, client_id, title)


def new_round(
    browser: FlaskClient, csrf: Csrf, client_id: int, title: str, anonymous: bool = True
) -> int:
    made = post(
        browser,
        csrf,
        f"/consultant/clients/{client_id}/rounds",
        title=title,
        questionnaire="tqm-quick",
        min_group="3",
        **({"anonymous": "1"} if anonymous else {}),
    )
    assert made.status_code == 303, made.get_data(as_text=True)
    return int(made.location.rsplit("/", 1)[1])


def invite(
    browser: FlaskClient, csrf: Csrf, round_id: int, named: str = "", **counts: int
) -> list[str]:
    fields = {f"count_{role}": str(n) for role, n in counts.items()}
    page = post(browser, csrf, f"/consultant/rounds/{round_id}/invitations", named=named, **fields)
    assert page.status_code == 200, page.get_data(as_text=True)
    return LINK.findall(page.get_data(as_text=True))


def answer(app: Flask, new_respondent: Callable[..., Any], token: str, value: int) -> None:
    person = new_respondent("tqm-quick", app.test_client())
    person.token = token
    person.answer_all(value)


def api_token(browser: FlaskClient, csrf: Csrf) -> str:
    page = post(browser, csrf, "/consultant/tokens", label="integration")
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, "the new token is shown once"
    return found.group(1)
