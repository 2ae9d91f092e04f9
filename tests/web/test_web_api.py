"""The JSON API: scoring without storing, questionnaires, the OpenAPI document, bad input."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from helpers.outcomes import names_its_place
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from assessment.content.library import Library
from assessment.io.schema import validator
from assessment.problems import MAX_COUNTED, MAX_MESSAGE, MAX_PROBLEMS


def answers(library: Library, questionnaire: str = "tqm-quick", fill: Any = 3) -> dict[str, Any]:
    """A complete answers document."""
    q = library.questionnaires[questionnaire]
    values = {question.id: fill for question in q.questions}
    return {"questionnaire": questionnaire, "organisation": "API Co", "answers": values}


def openapi_validator(
    client: FlaskClient, path: str, method: str, status: str
) -> Draft202012Validator:
    """A validator for a response body as the served OpenAPI document describes it."""
    document = client.get("/api/openapi.json").get_json()
    schema = document["paths"][path][method]["responses"][status]["content"]["application/json"]
    root = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry = Registry().with_resource("urn:openapi", root)
    ref = "urn:openapi" + schema["schema"]["$ref"]
    return Draft202012Validator({"$ref": ref}, registry=registry)


def test_score_json_returns_a_valid_result_and_stores_nothing(
    client: FlaskClient, web_library: Library, sql: Any
) -> None:
    response = client.post("/api/v1/score", json=answers(web_library, fill=4))
    assert response.status_code == 200
    result = response.get_json()
    validator("result").validate(result)
    openapi_validator(client, "/api/v1/score", "post", "200").validate(result)
    assert result["overall"]["level"] == 4 and result["lang"] == "en"
    assert sql("SELECT count(*) FROM assessments") == [(0,)]
    assert "Set-Cookie" not in response.headers  # the API uses no cookies


def test_score_yaml_in_chinese(client: FlaskClient) -> None:
    full = client.get("/api/v1/questionnaires/tqm-quick").get_json()
    body = "questionnaire: tqm-quick\nanswers:\n"
    body += "".join(f"  {q['id']}: 2\n" for d in full["dimensions"] for q in d["questions"])
    response = client.post(
        "/api/v1/score?lang=zh", data=body.encode(), content_type="application/yaml"
    )
    assert response.status_code == 200
    assert response.get_json()["overall"]["level_name"] == "觉醒"


def _errors(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    return list(body["errors"])


def test_bad_document_lists_every_problem_with_its_pointer(
    client: FlaskClient, web_library: Library
) -> None:
    doc = answers(web_library)
    doc["answers"]["customer.voice_to_design"] = 9
    doc["answers"]["customer.no_such_question"] = 3
    del doc["answers"]["process.core_processes_mapped"]
    response = client.post("/api/v1/score", json=doc)
    errors = _errors(response)
    openapi_validator(client, "/api/v1/score", "post", "400").validate(response.get_json())
    pointers = {e["pointer"] for e in errors}
    assert "$.answers.customer.voice_to_design" in pointers
    assert "$.answers.customer.no_such_question" in pointers
    assert any("process.core_processes_mapped" in e["message"] for e in errors)
    assert all(e["line"] for e in errors)  # located in the body


def test_schema_problems_are_reported_by_field(client: FlaskClient) -> None:
    errors = _errors(client.post("/api/v1/score", json={"questionnaire": 5, "extra": 1}))
    pointers = {e["pointer"] for e in errors}
    assert {"$.questionnaire", "$.extra"} <= pointers


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2]", b'"text"', b"{a: 1}", b'{"a": NaN}', b"\xff\xfe", b"", b"[" * 5000],
)
def test_malformed_json_is_400(client: FlaskClient, body: bytes) -> None:
    errors = _errors(client.post("/api/v1/score", data=body, content_type="application/json"))
    assert errors and all(e["file"] == "request" for e in errors)


def test_malformed_yaml_is_400(client: FlaskClient) -> None:
    for body in (b"a: [", b"!!python/object:os.system x", b"a: &x [*x]", b"- 1\n- 2"):
        assert _errors(client.post("/api/v1/score", data=body, content_type="application/yaml"))


def test_unknown_language_is_400(client: FlaskClient, web_library: Library) -> None:
    errors = _errors(client.post("/api/v1/score?lang=fr", json=answers(web_library)))
    assert errors[0]["pointer"] == "lang"


def test_huge_body_is_413(client: FlaskClient) -> None:
    body = b'{"questionnaire": "tqm-quick", "organisation": "' + b"x" * (1024 * 1024) + b'"}'
    response = client.post("/api/v1/score", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(
    client: FlaskClient, web_library: Library, content_type: str | None
) -> None:
    body = json.dumps(answers(web_library)).encode()
    response = client.post("/api/v1/score", data=body, content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["errors"]


def test_wrong_method_and_unknown_path_are_json(client: FlaskClient) -> None:
    assert client.get("/api/v1/score").status_code == 405
    assert client.get("/api/v1/score").get_json()["errors"]
    assert client.get("/api/v2/nothing").get_json()["errors"]


def test_questionnaire_list(client: FlaskClient, web_library: Library) -> None:
    response = client.get("/api/v1/questionnaires")
    openapi_validator(client, "/api/v1/questionnaires", "get", "200").validate(response.get_json())
    listed = {q["id"]: q for q in response.get_json()["questionnaires"]}
    assert set(listed) == set(web_library.questionnaires)
    assert listed["tqm-quick"]["questions"] == 24 and listed["tqm-audit"]["questions"] == 68


def test_questionnaire_detail_is_in_the_file_format(
    client: FlaskClient, web_library: Library
) -> None:
    for qid, q in web_library.questionnaires.items():
        data = client.get(f"/api/v1/questionnaires/{qid}").get_json()
        validator("questionnaire").validate(data)
        openapi_validator(client, "/api/v1/questionnaires/{id}", "get", "200").validate(data)
        assert [x["id"] for d in data["dimensions"] for x in d["questions"]] == [
            x.id for x in q.questions
        ]
    missing = client.get("/api/v1/questionnaires/none")
    assert missing.status_code == 404 and missing.get_json()["errors"]


def test_openapi_document_describes_every_api_route(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    rules = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule.replace("<questionnaire_id>", "{id}"))
        for r in client.application.url_map.iter_rules()
        if r.rule.startswith("/api/")
    }
    assert rules == set(document["paths"])
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for ref in set(_refs(document)):  # every reference resolves by plain JSON pointer
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
        assert isinstance(node, dict), ref
    request = document["paths"]["/api/v1/score"]["post"]["requestBody"]["content"]
    assert set(request) == {"application/json", "application/yaml"}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = (
            [node["$ref"]]
            if isinstance(node.get("$ref"), str) and "components" in node["$ref"]
            else []
        )
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_api_is_csrf_exempt_but_forms_are_not(client: FlaskClient, web_library: Library) -> None:
    assert client.post("/api/v1/score", json=answers(web_library)).status_code == 200
    assert client.post("/start/tqm-quick", data={}).status_code == 400


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
QUESTION_IDS = st.sampled_from(
    ["customer.voice_to_design", "leadership.quality_in_strategy", "x.y", "", "process"]
)
NEAR_VALID = st.fixed_dictionaries(
    {"questionnaire": st.sampled_from(["tqm-quick", "tqm-audit@1", "tqm-quick@9", "nope"])},
    optional={
        "answers": st.dictionaries(QUESTION_IDS, JSON, max_size=5),
        "responses": st.lists(st.dictionaries(st.sampled_from(["answers", "respondent"]), JSON)),
        "target": st.dictionaries(st.sampled_from(["customer", "x"]), JSON, max_size=2),
        "respondent": JSON,
    },
)
BODIES = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(str.encode),
    JSON.map(lambda v: json.dumps(v).encode()),
    NEAR_VALID.map(lambda v: json.dumps(v).encode()),
)
TYPES = st.sampled_from(
    [
        "application/json",
        "application/yaml",
        "text/yaml",
        "text/plain",
        "application/json; charset=latin-1",
        "",
    ]
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=BODIES, content_type=TYPES, lang=st.sampled_from(["en", "zh", "xx"]))
def test_random_junk_gets_a_result_or_named_errors_never_a_500(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str, lang: str
) -> None:
    caplog.clear()
    response = client.post(
        f"/api/v1/score?lang={lang}", data=body, content_type=content_type or None
    )
    assert response.status_code in (200, 400, 413, 415), response.get_data(as_text=True)
    assert response.is_json
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # never the last resort
    if response.status_code == 400:  # each error says where: a field, a line, or the whole body
        for error in response.get_json()["errors"]:
            where, message = (error["pointer"], error["line"]), error["message"]
            assert len(message) <= MAX_MESSAGE, f"{len(message)} characters: {message[:300]}"
            assert names_its_place(*where, message), f"an error that does not say where: {error}"


def test_the_last_resort_handler_answers_json_500(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, web_library: Library
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("webapp.views.api.assess", broken)
    response = client.post("/api/v1/score", json=answers(web_library))
    assert response.status_code == 500
    assert response.get_json()["errors"][0]["message"] == "internal error"
    assert "boom" not in response.get_data(as_text=True)


def test_a_body_of_thousands_of_problems_lists_a_hundred_and_counts_the_rest(
    client: FlaskClient,
) -> None:
    line = "  - {respondent: {role: 1, id: 1, name: 1, x: 1}, answers: 1, y: 1}\n"
    body = "questionnaire: tqm-quick\nresponses:\n" + line * 2000
    response = client.post("/api/v1/score", data=body.encode(), content_type="application/yaml")
    assert response.status_code == 400
    answer = response.get_json()
    assert len(answer["errors"]) == MAX_PROBLEMS
    assert answer["more"] >= MAX_COUNTED - MAX_PROBLEMS and answer["more_at_least"] is True
    assert answer["errors"][0]["line"] == 3  # located, though read by libyaml


def test_a_score_that_outlasts_its_time_limit_is_503(
    client: FlaskClient, web_library: Library
) -> None:
    client.application.config["TQM_SCORE_TIMEOUT"] = 0.001
    many = [answers(web_library)["answers"]] * 1000
    body = {"questionnaire": "tqm-quick", "responses": [{"answers": a} for a in many]}
    response = client.post("/api/v1/score", json=body)
    assert response.status_code == 503
    assert "took longer than 0.001 s" in response.get_json()["errors"][0]["message"]
    client.application.config["TQM_SCORE_TIMEOUT"] = 20.0
    assert client.post("/api/v1/score", json=answers(web_library)).status_code == 200
