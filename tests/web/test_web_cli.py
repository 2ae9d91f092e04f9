"""The web app's commands (`flask --app webapp db upgrade|current`, `serve`), the `tqm serve`
alias, and what an app on a database that is not at the migrations' head does."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from helpers import DATA, ROOT
from sqlalchemy import create_engine, inspect

from webapp import create_app
from webapp.config import ENV_KEYS
from webapp.db import Database, head_revisions

UPGRADE = "flask --app webapp db upgrade"


@pytest.fixture()
def bare_app(database_url: str) -> Iterator[Flask]:
    """The app on an empty database that nobody has upgraded."""
    application = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
    )
    yield application
    application.extensions["tqm_db"].dispose()


@pytest.fixture()
def runner(bare_app: Flask) -> FlaskCliRunner:
    """Runs the app's commands the way `flask --app webapp ...` does."""
    return bare_app.test_cli_runner()


def tables(url: str) -> list[str]:
    """The tables in the database (the PostgreSQL schema of the URL's search_path)."""
    engine = create_engine(url)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_create_app_leaves_an_empty_database_empty(bare_app: Flask, database_url: str) -> None:
    bare_app.test_client().get("/healthz")  # not even a request migrates
    assert tables(database_url) == []


def test_db_upgrade_brings_an_empty_database_to_head(
    runner: FlaskCliRunner, database_url: str
) -> None:
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"at revision {head_revisions()[0]} (head)" in result.output
    assert {"alembic_version", "answers", "assessments"} <= set(tables(database_url))
    database = Database(database_url)
    assert database.revisions() == head_revisions()
    database.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0  # again: nothing to do


def test_db_current_exits_1_until_the_database_is_upgraded(runner: FlaskCliRunner) -> None:
    before = runner.invoke(args=["db", "current"])
    assert before.exit_code == 1
    assert "none (empty database)" in before.output and UPGRADE in before.output
    runner.invoke(args=["db", "upgrade"])
    after = runner.invoke(args=["db", "current"])
    assert after.exit_code == 0
    assert f"at revision {head_revisions()[0]}; head {head_revisions()[0]}" in after.output


def test_app_behind_head_answers_503_naming_the_command_until_upgraded(
    bare_app: Flask, runner: FlaskCliRunner, caplog: pytest.LogCaptureFixture
) -> None:
    client = bare_app.test_client()
    with caplog.at_level(logging.ERROR):
        page = client.get("/")
        api = client.get("/api/v1/questionnaires")
    assert page.status_code == 503 and UPGRADE in page.get_data(as_text=True)
    assert "数据库尚未升级" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"]  # the usual headers still apply
    assert api.status_code == 503 and UPGRADE in api.get_json()["errors"][0]["message"]
    assert client.get("/healthz").status_code == 503  # a load balancer keeps it out
    assert any(UPGRADE in r.getMessage() and "(empty)" in r.getMessage() for r in caplog.records)
    runner.invoke(args=["db", "upgrade"])  # no restart needed
    assert client.get("/").status_code == 200
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.parametrize("upgrade", [True, False])
def test_serve_runs_the_development_server_after_upgrading_unless_told_not_to(
    bare_app: Flask,
    runner: FlaskCliRunner,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    upgrade: bool,
) -> None:
    served: list[tuple[Any, ...]] = []
    monkeypatch.setattr("webapp.cli.run_simple", lambda *a, **kw: served.append((*a, kw)))
    option = "--upgrade" if upgrade else "--no-upgrade"
    result = runner.invoke(args=["serve", "--host", "0.0.0.0", "--port", "5077", option])
    assert result.exit_code == 0, result.output
    assert served == [("0.0.0.0", 5077, bare_app, {"threaded": True})]
    assert "http://0.0.0.0:5077/" in result.output
    assert ("alembic_version" in tables(database_url)) is upgrade


def test_serve_content_serves_the_given_folder(
    runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Flask] = []
    monkeypatch.setattr("webapp.cli.run_simple", lambda _h, _p, app, **_kw: served.append(app))
    monkeypatch.setenv("TQM_CONTENT", "")  # restored after the test: serve sets it for its app
    content = DATA / "content"
    result = runner.invoke(args=["serve", "--no-upgrade", "--content", str(content)])
    assert result.exit_code == 0, result.output
    (app,) = served
    assert sorted(app.extensions["tqm_library"].questionnaires) == ["mini"]


# --- the `tqm serve` alias and start-up errors, in processes of their own -----------------------

ALIAS = """
import json, os, sys
from assessment.cli import main

calls = []
os.execv = lambda path, args: calls.append([path, *args])  # record instead of replacing us
main(["serve", "--host", "0.0.0.0", "--port", "5077"], standalone_mode=False)
assert "flask" not in sys.modules and "webapp" not in sys.modules, sorted(sys.modules)
print(json.dumps(calls))
"""


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Python with `args` in the project root; the app's settings only from `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_tqm_serve_execs_flask_serve_without_importing_flask() -> None:
    done = run(["-c", ALIAS])
    assert done.returncode == 0, done.stderr
    flask = [sys.executable, "-m", "flask", "--app", "webapp"]
    expected = [sys.executable, *flask, "serve", "--host", "0.0.0.0", "--port", "5077"]
    assert json.loads(done.stdout) == [expected]


ALIAS_CONTENT = """
import json, os, sys
from assessment.cli import main

calls = []
os.execv = lambda path, args: calls.append(os.environ.get("TQM_CONTENT"))
main(["serve", "--content", sys.argv[1]], standalone_mode=False)
print(json.dumps(calls))
"""


def test_tqm_serve_content_hands_the_folder_to_the_app() -> None:
    done = run(["-c", ALIAS_CONTENT, str(DATA / "content")])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [str((DATA / "content").resolve())]


def test_tqm_serve_content_refuses_broken_content_before_serving(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    pack = content / "rules" / "mini" / "pack.yaml"
    pack.write_text(pack.read_text().replace("framework: tqm", "framework: tqn"))
    done = run(["-m", "assessment.cli", "serve", "--content", str(content)])
    assert done.returncode == 1
    assert re.search(r"pack\.yaml:\d+:\d+: \$\.framework: unknown framework 'tqn'", done.stderr)
    assert "Traceback" not in done.stderr


def test_tqm_serve_reports_content_problems_located_and_without_a_traceback(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DATA / "content", content)
    path = content / "questionnaires" / "mini.yaml"
    path.write_text(path.read_text().replace("scale: ", "scale: nonexistent_", 1))
    database = f"sqlite:///{tmp_path / 's.sqlite3'}"
    done = run(
        ["-m", "assessment.cli", "serve", "--port", "5999"],
        TQM_CONTENT=str(content),
        SECRET_KEY="x",
        DATABASE_URL=database,
    )
    assert done.returncode == 1
    assert re.search(r"mini\.yaml:\d+:\d+: .*unknown scale", done.stderr)
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "s.sqlite3").exists()


def test_db_upgrade_reports_a_missing_production_secret_with_exit_2(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    done = run(
        ["-m", "flask", "--app", "webapp", "db", "upgrade"],
        TQM_ENV="production",
        DATABASE_URL=database,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: TQM_ENV=production needs SECRET_KEY")
    assert "Traceback" not in done.stderr
