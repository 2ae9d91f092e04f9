"""Questionnaire versions in the web app, on SQLite and PostgreSQL: an assessment continues on the
version it was started on, may move to a newer one without losing anything, and a finished one
renders exactly as it did whatever content is installed later (tests/data/versions)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from webapp import create_app
from webapp.db import Database, alembic_config, make_engine

VERSIONS = Path(__file__).resolve().parents[1] / "data" / "versions"
V1 = {d: [f"{d}.first", f"{d}.second"] for d in ("customer", "leadership", "process", "learning", "structure", "performance")}  # fmt: skip
MakeApp = Callable[[], Flask]


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    """A content folder with version 1 of `mini` only (later versions are 'installed' by tests)."""
    root = tmp_path / "content"
    shutil.copytree(VERSIONS, root)
    for version in (2, 3):
        (root / "questionnaires" / "mini" / f"{version}.yaml").unlink()
    return root


def install(content: Path, *versions: int) -> None:
    """Install later versions of `mini` into the content folder."""
    for version in versions:
        name = Path("questionnaires") / "mini" / f"{version}.yaml"
        shutil.copy(VERSIONS / name, content / name)


@pytest.fixture()
def make_app(database_url: str, content: Path) -> Iterator[MakeApp]:
    """make_app(): the app (re)started on the same database with the content as it is now."""
    apps: list[Flask] = []

    def start() -> Flask:
        Database(database_url).upgrade()  # whether or not create_app migrates too
        config = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
        app = create_app({**config, "TQM_CONTENT": str(content)})
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.extensions["tqm_db"].dispose()


def token_of(client: FlaskClient) -> str:
    page = client.get("/start/mini")
    csrf = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/start/mini", data={"csrf_token": csrf, "organisation": "Test Co"})
    assert response.status_code == 303
    return response.location.split("/")[2]


def csrf(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def submit(client: FlaskClient, token: str, dimension: str, answers: dict[str, Any]) -> int:
    """Post a dimension page; answers by question id: a value or (value, evidence, note)."""
    path = f"/a/{token}/d/{dimension}"
    data = {"csrf_token": csrf(client, path), "nav": "next"}
    for qid, answer in answers.items():
        value, evidence, note = answer if isinstance(answer, tuple) else (answer, "", "")
        data |= {f"answer-{qid}": str(value), f"evidence-{qid}": evidence, f"note-{qid}": note}
    return client.post(path, data=data).status_code


def answer_v1(client: FlaskClient, token: str, dimensions: list[str], value: int = 3) -> None:
    for dim in dimensions:
        assert submit(client, token, dim, {qid: value for qid in V1[dim]}) == 303


def post(client: FlaskClient, token: str, path: str) -> Any:
    return client.post(f"/a/{token}{path}", data={"csrf_token": csrf(client, f"/a/{token}")})


def stored(app: Flask, sql: str) -> list[tuple[Any, ...]]:
    with app.extensions["tqm_db"].engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def without_csrf(page: str) -> str:
    """A page without its CSRF token (a new browser session has another)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{hashlib.sha256(pdf).hexdigest()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- continuing on the version started on ----------------------------------------------------


def test_an_assessment_continues_on_its_version_after_a_newer_one_is_installed(
    make_app: MakeApp, content: Path
) -> None:
    client = make_app().test_client()
    token = token_of(client)
    answer_v1(client, token, ["customer", "leadership", "process"])
    install(content, 2)
    client = make_app().test_client()  # restarted with version 2 installed
    overview = client.get(f"/a/{token}").get_data(as_text=True)
    assert "A newer version of this questionnaire is available" in overview
    assert "6 of 12 questions answered" in overview
    page = client.get(f"/a/{token}/d/customer").get_data(as_text=True)
    assert "Second customer question" in page and "Customer voice question" not in page
    answer_v1(client, token, ["learning", "structure", "performance"])
    assert "All questions are answered" in client.get(f"/a/{token}/review").get_data(as_text=True)
    finished = post(client, token, "/finish")
    assert finished.status_code == 303 and finished.location.endswith(f"/a/{token}/results")
    result = json.loads(client.get(f"/a/{token}/download/json").data)
    assert result["questionnaire"]["version"] == 1
    assert "Level 3" in client.get(f"/a/{token}/results").get_data(as_text=True)


def test_moving_to_the_newer_version_mid_way_loses_nothing(
    make_app: MakeApp, content: Path
) -> None:
    client = make_app().test_client()
    token = token_of(client)
    assert submit(client, token, "customer", {"customer.first": 4, "customer.second": (5, "NPS 2026", "")}) == 303  # fmt: skip
    assert submit(client, token, "learning", {"learning.first": 2, "learning.second": (3, "training plan", "one site")}) == 303  # fmt: skip
    install(content, 2)
    app = make_app()
    client = app.test_client()
    changes = client.get(f"/a/{token}/version").get_data(as_text=True)
    for kind, question in [
        ("New questions", "Third performance question (new)"),
        ("Questions no longer asked", "Second learning question"),
        ("Questions reworded", "First structure question, reworded"),
        ("Questions moved", "Customer voice question"),
        ("Questions split in several", "Leadership vision question"),
        ("Questions merged into one", "Process flow question"),
    ]:
        assert changes.index(kind) < changes.index(question), (kind, question)
    moved = post(client, token, "/version")
    assert moved.status_code == 303
    assert stored(app, "SELECT questionnaire_version FROM assessments") == [(2,)]
    assert stored(app, "SELECT question_id, value, evidence FROM answers ORDER BY 1") == [
        ("customer.first", 4.0, ""),
        ("customer.voice", 5.0, "NPS 2026"),
        ("learning.first", 2.0, ""),
    ]
    assert stored(app, "SELECT question_id, from_version, value, evidence, note FROM assessment_notes") == [
        ("learning.second", 1, 3.0, "training plan", "one site")
    ]  # fmt: skip
    overview = client.get(f"/a/{token}").get_data(as_text=True)
    assert "Answers kept from earlier versions" in overview and "training plan" in overview
    assert "A newer version" not in overview
    assert "Process flow question" in client.get(f"/a/{token}/d/process").get_data(as_text=True)


def test_staying_on_the_old_version_changes_nothing(make_app: MakeApp, content: Path) -> None:
    client = make_app().test_client()
    token = token_of(client)
    answer_v1(client, token, ["customer"])
    install(content, 2, 3)
    app = make_app()
    client = app.test_client()
    assert "Move to version 3" in client.get(f"/a/{token}/version").get_data(as_text=True)
    assert stored(app, "SELECT questionnaire_version FROM assessments") == [(1,)]
    assert stored(app, "SELECT count(*) FROM answers") == [(2,)]


def test_moving_through_a_chain_of_versions(make_app: MakeApp, content: Path) -> None:
    client = make_app().test_client()
    token = token_of(client)
    answer_v1(client, token, ["customer", "leadership"], value=2)
    install(content, 2, 3)
    app = make_app()
    assert post(app.test_client(), token, "/version").status_code == 303
    assert stored(app, "SELECT question_id, value FROM answers ORDER BY 1") == [
        ("customer.first", 2.0),
        ("customer.listening", 2.0),
        ("leadership.direction", 2.0),
        ("leadership.first", 2.0),
    ]
    assert stored(app, "SELECT questionnaire_version FROM assessments") == [(3,)]


# --- finished assessments --------------------------------------------------------------------


def test_a_finished_assessment_renders_the_same_after_an_upgrade(
    make_app: MakeApp, content: Path, tmp_path: Path
) -> None:
    client = make_app().test_client()
    token = token_of(client)
    answer_v1(client, token, list(V1), value=4)
    assert post(client, token, "/finish").status_code == 303
    assert "Your assessment is finished" in client.get(f"/a/{token}/results").get_data(as_text=True)
    downloads = ("json", "pdf", "xlsx")
    before = {fmt: client.get(f"/a/{token}/download/{fmt}").data for fmt in downloads}
    zh_before = client.get(f"/a/{token}/download/json", headers={"Accept-Language": "zh"}).data
    page_before = client.get(f"/a/{token}/results").get_data(as_text=True)
    install(content, 2, 3)  # and a new rule pack that would judge the same answers differently
    pack = content / "rules" / "mini" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace('version: "0.1.0"', 'version: "0.2.0"').replace("value: 70}", "value: 95}"), encoding="utf-8")  # fmt: skip
    client = make_app().test_client()
    after = {fmt: client.get(f"/a/{token}/download/{fmt}").data for fmt in downloads}
    assert after["json"] == before["json"]
    assert (
        client.get(f"/a/{token}/download/json", headers={"Accept-Language": "zh"}).data == zh_before
    )
    assert pdf_text(after["pdf"], tmp_path) == pdf_text(before["pdf"], tmp_path)
    assert without_csrf(client.get(f"/a/{token}/results").get_data(as_text=True)) == without_csrf(
        page_before
    )
    # the same answers scored now are judged by the new pack: the stored result is what held
    answers = {"questionnaire": "mini@1", "answers": {q: 4 for qs in V1.values() for q in qs}}
    now = client.post("/api/v1/score", json=answers).get_json()
    stored_result = json.loads(after["json"])
    assert (stored_result["rulepack"]["version"], now["rulepack"]["version"]) == ("0.1.0", "0.2.0")
    assert stored_result["dimensions"] != now["dimensions"]  # level 4 needs index 95 now


def test_a_finished_assessment_can_no_longer_be_changed(make_app: MakeApp) -> None:
    app = make_app()
    client = app.test_client()
    token = token_of(client)
    answer_v1(client, token, list(V1))
    assert post(client, token, "/finish").status_code == 303
    assert submit(client, token, "customer", {"customer.first": 5, "customer.second": 5}) == 303
    assert stored(app, "SELECT value FROM answers WHERE question_id = 'customer.first'") == [(3.0,)]
    assert "This assessment is finished" in client.get(f"/a/{token}/review").get_data(as_text=True)
    assert stored(app, "SELECT lang FROM finished_results ORDER BY 1") == [("en",), ("zh",)]


def test_finishing_needs_every_required_answer(make_app: MakeApp) -> None:
    app = make_app()
    client = app.test_client()
    token = token_of(client)
    answer_v1(client, token, ["customer"])
    response = post(client, token, "/finish")
    assert response.status_code == 303 and response.location.endswith(f"/a/{token}/review")
    assert stored(app, "SELECT count(*) FROM finished_assessments") == [(0,)]


# --- the API and the database migration ------------------------------------------------------


def test_the_api_serves_every_version(make_app: MakeApp, content: Path) -> None:
    install(content, 2, 3)
    client = make_app().test_client()
    listed = client.get("/api/v1/questionnaires").get_json()["questionnaires"]
    assert [(q["id"], q["version"], q["versions"]) for q in listed] == [("mini", 3, [1, 2, 3])]
    assert client.get("/api/v1/questionnaires/mini@1").get_json()["version"] == 1
    assert client.get("/api/v1/questionnaires/mini").get_json()["version"] == 3
    assert client.get("/api/v1/questionnaires/mini@9").status_code == 404
    answers = {"questionnaire": "mini@1", "answers": {q: 3 for qs in V1.values() for q in qs}}
    result = client.post("/api/v1/score", json=answers).get_json()
    assert result["questionnaire"]["version"] == 1


def test_the_0002_migration_keeps_existing_assessments(database_url: str, content: Path) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
        conn.execute(text(
            "INSERT INTO assessments (id, token_hash, questionnaire_id, questionnaire_version, organisation, created_at, updated_at) "
            "VALUES (1, :hash, 'mini', 1, 'Old Co', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ), {"hash": hashlib.sha256(b"t" * 43).hexdigest()})  # fmt: skip
        conn.execute(text(
            "INSERT INTO answers (assessment_id, question_id, status, value, evidence, note, updated_at) "
            "VALUES (1, 'customer.second', 'value', 4, 'NPS', '', CURRENT_TIMESTAMP)"
        ))  # fmt: skip
    engine.dispose()
    Database(database_url).upgrade()
    install(content, 2)
    config = {"DATABASE_URL": database_url, "SECRET_KEY": "test-secret", "TESTING": True}
    app = create_app({**config, "TQM_CONTENT": str(content)})
    try:
        client = app.test_client()
        overview = client.get("/a/" + "t" * 43).get_data(as_text=True)
        assert "Old Co" in overview and "A newer version" in overview
        assert post(client, "t" * 43, "/version").status_code == 303
        assert stored(app, "SELECT question_id, evidence FROM answers") == [
            ("customer.voice", "NPS")
        ]
        assert stored(app, "SELECT version_num FROM alembic_version") == [("0005",)]
    finally:
        app.extensions["tqm_db"].dispose()


def test_a_finished_assessment_renders_even_when_its_questionnaire_is_gone(
    make_app: MakeApp, content: Path
) -> None:
    client = make_app().test_client()
    token = token_of(client)
    answer_v1(client, token, list(V1), value=2)
    assert post(client, token, "/finish").status_code == 303
    before = client.get(f"/a/{token}/download/json").data
    folder = content / "questionnaires"
    (folder / "mini").rename(folder / "survey")  # the content now serves another questionnaire
    path = folder / "survey" / "1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: mini", "id: survey"), encoding="utf-8")  # fmt: skip
    pack = content / "rules" / "mini" / "pack.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("questionnaires: [mini]", "questionnaires: [survey]"), encoding="utf-8")  # fmt: skip
    client = make_app().test_client()
    assert client.get(f"/a/{token}/download/json").data == before
    assert "Level 2" in client.get(f"/a/{token}/results").get_data(as_text=True)
    assert client.get(f"/a/{token}").status_code == 200
