"""The application factory, configuration, security headers and error pages."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DATA

from assessment.problems import ProblemsFound
from webapp import create_app
from webapp.config import ConfigurationError, instance_secret, normalise_database_url
from webapp.security import CSP

if TYPE_CHECKING:
    from helpers.web import Respondent

Csrf = Callable[[FlaskClient, str], str]
SECURITY = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def test_csp_is_the_strict_policy() -> None:
    for part in ("default-src 'none'", "script-src 'self'", "style-src 'self'",
                 "img-src 'self' data:", "form-action 'self'", "base-uri 'none'",
                 "frame-ancestors 'none'"):  # fmt: skip
        assert part in CSP
    assert "unsafe" not in CSP


def _every_path(respondent: Respondent) -> list[str]:
    respondent.answer_all(3)
    base = f"/a/{respondent.token}"
    return [
        "/", "/start/tqm-quick", base, f"{base}/d/customer", f"{base}/review", f"{base}/results",
        f"{base}/download/json", "/api/v1/questionnaires", "/api/v1/questionnaires/tqm-quick",
        "/api/openapi.json", "/static/css/app.css", "/static/js/app.js", "/healthz",
        "/no-such-page", f"/a/{'x' * 43}",
    ]  # fmt: skip


def test_security_headers_on_every_response(respondent: Respondent) -> None:
    for path in _every_path(respondent):
        response = respondent.client.get(path)
        for name, value in SECURITY.items():
            assert response.headers.get(name) == value, (path, name)


def test_pages_need_nothing_the_csp_blocks(respondent: Respondent) -> None:
    for path in _every_path(respondent):
        response = respondent.client.get(path)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=|javascript:", page), path
        assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/app.js" defer>']
        assert not re.search(r'(src|href)="(https?:)?//', page), path  # nothing from elsewhere


def test_static_assets_are_local(client: FlaskClient) -> None:
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "url(" not in css and "@import" not in css
    assert ":focus-visible" in css  # visible focus
    assert client.get("/static/js/app.js").status_code == 200


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    cookie = client.get("/start/tqm-quick").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_error_pages_are_html_outside_the_api(client: FlaskClient) -> None:
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "Page not found" in missing.get_data(as_text=True)
    assert client.delete("/").status_code == 405


def test_huge_form_is_413(client: FlaskClient) -> None:
    response = client.post("/start/tqm-quick", data={"organisation": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_production_needs_a_secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TQM_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}"})


def test_production_takes_the_key_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TQM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    app.extensions["tqm_db"].upgrade()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    cookie = app.test_client().get("/start/tqm-quick").headers["Set-Cookie"]
    assert "Secure" in cookie


def test_private_link_uses_the_proxy_scheme_and_host(tmp_path: Path, csrf: Csrf) -> None:
    """Behind a TLS proxy: absolute links are https, and form posts need no Referer."""
    app = create_app({"TQM_PROXY_HOPS": "1", "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})  # fmt: skip
    app.extensions["tqm_db"].upgrade()
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tqm.example.org"}
    data = {"csrf_token": csrf(client, "/start/tqm-quick")}
    started = client.post("/start/tqm-quick", data=data, headers=headers)
    page = client.get(started.location, headers=headers).get_data(as_text=True)
    assert 'value="https://tqm.example.org/a/' in page


def test_instance_secret_is_created_once_with_mode_0600(tmp_path: Path) -> None:
    key = instance_secret(tmp_path / "instance")
    path = tmp_path / "instance" / "secret_key"
    assert len(key) == 64 and re.fullmatch(r"[0-9a-f]+", key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert instance_secret(tmp_path / "instance") == key
    assert os.listdir(tmp_path / "instance") == ["secret_key"]


def test_database_urls_use_psycopg() -> None:
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def _broken_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    path = content / "questionnaires" / "mini.yaml"
    path.write_text(path.read_text().replace("scale: ", "scale: nonexistent_", 1))
    return content


def test_content_problems_stop_start_up(tmp_path: Path) -> None:
    content = _broken_content(tmp_path)
    with pytest.raises(ProblemsFound) as caught:
        create_app({"TQM_CONTENT": str(content), "SECRET_KEY": "x",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}"})  # fmt: skip
    assert any("mini.yaml" in str(p) and p.line for p in caught.value.problems)


def test_other_content_is_served(tmp_path: Path) -> None:
    app: Flask = create_app({"TQM_CONTENT": str(DATA / "content"), "SECRET_KEY": "x",
                             "DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}"})  # fmt: skip
    app.extensions["tqm_db"].upgrade()
    listed = app.test_client().get("/api/v1/questionnaires").get_json()["questionnaires"]
    assert [q["id"] for q in listed] == ["mini"]
