"""Tools nobody here wrote, on the JSON API: schemathesis's generated requests, and a client that
openapi-python-client generates from /api/openapi.json."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import schemathesis
import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis import GenerationMode

from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def api_app(tmp_path: Path) -> Iterator[Flask]:
    """The app on a fresh SQLite database (the API stores nothing: one database is enough)."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite3'}",
            "SECRET_KEY": "test-secret",
            "TESTING": True,
        }
    )
    app.extensions["tqm_db"].upgrade()  # what `flask --app webapp db upgrade` runs
    yield app
    app.extensions["tqm_db"].dispose()


EXAMPLES = 150  # per generation mode, over all operations together
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("mode", MODES, ids=str)
def test_generated_requests_keep_every_documented_contract(
    api_app: Flask, mode: GenerationMode
) -> None:
    """schemathesis (every check: no 5xx, documented status and content type, response schema,
    schema-valid requests accepted, invalid ones refused...) on requests valid or not by the schema."""
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)

    @given(case=api.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: schemathesis.Case) -> None:
        response = case.call_and_validate()
        seen.add((case.operation.path, response.status_code // 100))

    seen: set[tuple[str, int]] = set()
    check()
    # The run reached the engine: schema-valid answers were scored, invalid ones refused.
    assert ("/api/v1/score", 2 if mode == GenerationMode.POSITIVE else 4) in seen, seen


def generated_client(app: Flask, folder: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """openapi-python-client's client for the served document, as an importable package."""
    document = folder / "openapi.json"
    document.write_text(json.dumps(app.test_client().get("/api/openapi.json").get_json()))
    tool = Path(sys.executable).parent / "openapi-python-client"
    out = folder / "tqm_api_client"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [
            str(tool),
            "generate",
            "--path",
            str(document),
            "--output-path",
            str(out),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The one warning left: YAML bodies are documented, and the generator sends JSON only.
    warnings = [w for w in done.stdout.split("WARNING")[1:] if "application/yaml" not in w]
    assert not warnings, done.stdout
    monkeypatch.syspath_prepend(str(folder))
    return importlib.import_module("tqm_api_client")


def test_a_generated_client_calls_every_operation(
    api_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = generated_client(api_app, tmp_path, monkeypatch)
    api = importlib.import_module("tqm_api_client.api.default")
    models = importlib.import_module("tqm_api_client.models")
    transport = httpx.WSGITransport(app=api_app)
    client = package.Client(base_url="http://api.test").set_httpx_client(
        httpx.Client(base_url="http://api.test", transport=transport)
    )
    listed = importlib.import_module(f"{api.__name__}.list_questionnaires").sync(client=client)
    served = api_app.extensions["tqm_library"].questionnaires  # every framework's (progress too)
    assert sorted(q.id for q in listed.questionnaires) == sorted(served)
    get_one = importlib.import_module(f"{api.__name__}.get_questionnaire")
    quick = get_one.sync(id=models.GetQuestionnaireId("tqm-quick@1"), client=client)
    assert isinstance(quick, models.Questionnaire) and quick.id == "tqm-quick"
    example = yaml.safe_load((ROOT / "examples" / "quick-self-scan.yaml").read_text("utf-8"))
    body = models.AnswersTqmQuickV1ManagerAnswers.from_dict(example)  # a manager answers it
    score = importlib.import_module(f"{api.__name__}.score")
    result = score.sync(client=client, body=body, lang=models.ScoreLang.ZH)
    assert isinstance(result, models.Result) and result.lang == models.ResultLang.ZH
    assert result.overall.level in range(1, 6)
    document = importlib.import_module(f"{api.__name__}.openapi").sync(client=client)
    assert document is not None and document.to_dict()["openapi"].startswith("3.1")
    # The rounds API: every operation refuses a wrong token with the documented errors body.
    bearer = package.AuthenticatedClient(base_url="http://api.test", token="not-a-token")
    bearer.set_httpx_client(
        httpx.Client(
            base_url="http://api.test",
            transport=transport,
            headers={"Authorization": "Bearer not-a-token"},
        )
    )
    for name, kwargs in ROUND_OPERATIONS.items():
        module = importlib.import_module(f"{api.__name__}.{name}")
        if "body" in kwargs:
            kwargs = {"body": getattr(models, kwargs["body"]).from_dict({}), **kwargs.get("id", {})}
        response = module.sync_detailed(client=bearer, **kwargs)
        assert response.status_code == 401, name
        assert isinstance(response.parsed, models.Errors), name


ROUND_OPERATIONS: dict[str, dict[str, Any]] = {
    "list_clients": {},
    "create_round": {"body": "CreateRoundBody"},
    "get_round": {"round_id": 1},
    "create_invitations": {"body": "CreateInvitationsBody", "id": {"round_id": 1}},
    "get_round_result": {"round_id": 1},
}


def test_the_openapi_document_is_what_client_generators_and_linters_need(api_app: Flask) -> None:
    document = api_app.test_client().get("/api/openapi.json").get_json()
    text = json.dumps(document)
    assert "/$defs/" not in text and '"$defs"' not in text  # hoisted to components
    schemas = document["components"]["schemas"]
    assert not [name for name, s in schemas.items() if "title" in s]  # titles became descriptions
    assert document["servers"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert "security" in operation, where
            assert any(s.startswith("4") for s in operation["responses"]), where
            ok = operation["responses"].get("200") or operation["responses"]["201"]
            assert ok.get("content"), where
    assert document["paths"]["/api/v1/score"]["post"]["security"] == []
    assert document["paths"]["/api/v1/rounds"]["post"]["security"] == [{"consultantToken": []}]


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({}, True),
        ({"questionnaire": "tqm-quick@1"}, True),
        ({"questionnaire": "no-such-questionnaire"}, False),
        ({"responses": [{"answers": {}}]}, False),  # answers and responses together
        ({"answers": {"customer.voice_to_design": 9}}, False),  # off the scale, others missing
    ],
)
def test_the_answers_schema_is_as_strict_as_the_server(
    api_app: Flask, change: dict[str, Any], valid: bool
) -> None:
    client = api_app.test_client()
    document = client.get("/api/openapi.json").get_json()
    body = {**yaml.safe_load((ROOT / "examples" / "quick-self-scan.yaml").read_text()), **change}
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    checker = Draft202012Validator(
        {"$ref": "urn:api#/components/schemas/Answers"},
        registry=Registry().with_resource("urn:api", resource),
    )
    assert checker.is_valid(body) == valid
    assert (client.post("/api/v1/score", json=body).status_code == 200) == valid
