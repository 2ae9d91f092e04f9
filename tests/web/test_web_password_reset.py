"""One-time password-reset links issued by command (there is no e-mail server), on SQLite and
PostgreSQL: hashed, single use, expiring, withdrawn by a newer link; the reset ends old sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from helpers.consultants import Csrf, create_consultant, sign_in
from sqlalchemy import text

NEW = "a new and long enough passphrase"


def reset_link(app: Flask, email: str = "ana@acme.example", *extra: str) -> str:
    """The path of a link printed by `flask users reset-link`."""
    result = app.test_cli_runner().invoke(
        args=["users", "reset-link", email, "--base-url", "https://tqm.example", *extra]
    )
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("https://tqm.example/consultant/reset/")
    return link.removeprefix("https://tqm.example")


def set_password(
    browser: FlaskClient, csrf: Csrf, path: str, password: str, again: str = ""
) -> Any:
    token = csrf(browser, path)
    return browser.post(
        path, data={"csrf_token": token, "password": password, "again": again or password}
    )


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    path = reset_link(app)
    token = path.rsplit("/", 1)[1]
    assert len(token) == 43  # 32 random bytes
    (stored,) = sql("SELECT token_hash FROM password_resets")[0]
    assert token not in stored and len(stored) == 64
    visitor = app.test_client()
    page = visitor.get(path)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert visitor.post(path, data={"password": NEW, "again": NEW}).status_code == 400  # no CSRF
    assert set_password(visitor, csrf, path, "short").status_code == 422
    assert set_password(visitor, csrf, path, NEW, NEW + "x").status_code == 422
    assert set_password(visitor, csrf, path, NEW).status_code == 303
    assert consultant.get("/consultant/").status_code == 302  # the old session has ended
    assert sign_in(app.test_client(), csrf, "ana@acme.example") == 401  # the old password
    assert sign_in(app.test_client(), csrf, "ana@acme.example", NEW) == 303
    assert visitor.get(path).status_code == 410  # single use


def test_an_expired_or_withdrawn_link_is_refused_and_an_unknown_one_is_404(
    app: Flask, client: FlaskClient
) -> None:
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    first = reset_link(app)
    second = reset_link(app, "ana@acme.example", "--hours", "1")
    assert client.get(first).status_code == 410  # a newer link withdraws it
    assert client.get(second).status_code == 200
    with app.extensions["tqm_db"].engine.begin() as conn:
        conn.execute(text("UPDATE password_resets SET expires_at = '2020-01-01 00:00:00'"))
    assert client.get(second).status_code == 410
    assert client.get("/consultant/reset/" + "x" * 43).status_code == 404


def test_a_reset_lifts_a_lock_out(
    app: Flask, client: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    for _ in range(5):
        sign_in(client, csrf, "ana@acme.example", "guess")
    assert sql("SELECT locked_until FROM consultants")[0][0] is not None
    assert set_password(client, csrf, reset_link(app), NEW).status_code == 303
    assert sign_in(client, csrf, "ana@acme.example", NEW) == 303


def test_the_command_refuses_an_unknown_address(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["users", "reset-link", "nobody@example.org"])
    assert result.exit_code != 0 and "nobody@example.org" in result.output


def test_the_reset_page_in_chinese(app: Flask, client: FlaskClient, csrf: Csrf) -> None:
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    path = reset_link(app)
    client.set_cookie("lang", "zh")
    page = client.get(path).get_data(as_text=True)
    assert "设置新密码" in page and "至少 12 个字符" in page
    problems = set_password(client, csrf, path, "short").get_data(as_text=True)
    assert "密码至少需要 12 个字符。" in problems
