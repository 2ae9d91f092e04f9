"""Consultant audits: accounts, clients, rounds, invitations, reconciliation, sign-off, trend,
and tenant isolation on every route (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from helpers.consultants import (
    LINK,
    PASSWORD,
    Csrf,
    answer,
    api_token,
    create_consultant,
    invite,
    new_round,
    open_round,
    post,
    sign_in,
)


def test_a_consultant_created_by_command_signs_in_and_a_wrong_password_is_refused(
    app: Flask, client: FlaskClient, csrf: Csrf
) -> None:
    create_consultant(app, "Ana@Acme.example", "Acme Consulting")
    assert sign_in(client, csrf, "ana@acme.example", "wrong password") == 401
    assert client.get("/consultant/").status_code == 302  # still signed out
    assert sign_in(client, csrf, "ana@acme.example") == 303
    assert client.get("/consultant/").status_code == 200


def test_five_wrong_passwords_lock_the_account_for_a_while(
    app: Flask, client: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    for _ in range(5):
        assert sign_in(client, csrf, "ana@acme.example", "guess") == 401
    assert sign_in(client, csrf, "ana@acme.example") == 401  # the right password, but locked
    assert sql("SELECT locked_until FROM consultants")[0][0] is not None


def test_passwords_are_stored_as_scrypt_hashes(app: Flask, sql: Callable[[str], list[Any]]) -> None:
    create_consultant(app, "ana@acme.example", "Acme Consulting")
    (stored,) = sql("SELECT password_hash FROM consultants")[0]
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_signing_out_everywhere_ends_every_other_session(
    app: Flask, consultant: FlaskClient, csrf: Csrf
) -> None:
    other = app.test_client()
    assert sign_in(other, csrf, "ana@acme.example") == 303
    assert post(consultant, csrf, "/consultant/sign-out", everywhere="1").status_code == 303
    assert other.get("/consultant/").status_code == 302


def test_the_whole_round_from_invitations_to_sign_off_and_trend(
    app: Flask,
    consultant: FlaskClient,
    csrf: Csrf,
    new_respondent: Callable[..., Any],
    sql: Callable[[str], list[Any]],
) -> None:
    client_id, round_id = open_round(consultant, csrf)
    links = invite(consultant, csrf, round_id, leader=3, staff=3)
    assert len(links) == 6 and len(set(links)) == 6
    assert not any(token in str(sql("SELECT token_hash FROM assessments")) for token in links)
    for token in links[:3]:
        answer(app, new_respondent, token, 4)
    for token in links[3:5]:
        answer(app, new_respondent, token, 2)
    dashboard = consultant.get(f"/consultant/rounds/{round_id}").get_data(as_text=True)
    assert re.search(r"Senior leader</th><td>3</td><td>3</td><td>3</td>", dashboard)
    assert re.search(r"Staff member</th><td>3</td><td>2</td><td>2</td>", dashboard)

    results = consultant.get(f"/consultant/rounds/{round_id}/results").get_data(as_text=True)
    assert "5 respondents have finished" in results, results[results.find("<main") :][:1500]
    assert "Staff member" not in results  # 2 staff < the smallest group shown (3)
    question = re.search(r"/reconcile/([a-z_.]+)", results)
    assert question, "leaders (4) and staff (2) differ by 2: the items are on the consensus list"
    path = f"/consultant/rounds/{round_id}/reconcile/{question.group(1)}"
    agreed = post(consultant, csrf, path, value="3", evidence="Minutes 2027-03", note="workshop")
    assert agreed.status_code == 303
    assert sql("SELECT action, before, after FROM audit_events WHERE action = 'agree'") == [
        ("agree", "", "3")
    ]
    assert sql("SELECT count(*) FROM answers WHERE value = 3") == [(0,)]  # originals unchanged

    assert post(consultant, csrf, f"/consultant/rounds/{round_id}/sign-off").status_code == 303
    frozen = consultant.get(f"/consultant/rounds/{round_id}/result.json").get_json()
    assert frozen["schema"] == "tqm-result/1"
    assert consultant.get(f"/a/{links[5]}").status_code == 410  # the round takes no more answers
    pdf = consultant.get(f"/consultant/rounds/{round_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert "Gear_Co_Spring_2027_en.pdf" in pdf.headers["Content-Disposition"]
    docx = consultant.get(f"/consultant/rounds/{round_id}/report.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")

    second = new_round(consultant, csrf, client_id, "Autumn 2027")
    for token in invite(consultant, csrf, second, leader=3):
        answer(app, new_respondent, token, 5)
    assert post(consultant, csrf, f"/consultant/rounds/{second}/sign-off").status_code == 303
    trend = consultant.get(f"/consultant/clients/{client_id}").get_data(as_text=True)
    assert "Trend across signed-off rounds" in trend and "Autumn 2027" in trend
    assert re.search(r"\(\+\d+(\.\d)?\)", trend), "the change since the first round is shown"


def test_a_withdrawn_invitation_is_refused(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    _client, round_id = open_round(consultant, csrf)
    (token,) = invite(consultant, csrf, round_id, staff=1)
    assert app.test_client().get(f"/a/{token}").status_code == 200
    (invitation_id,) = sql("SELECT id FROM invitations")[0]
    path = f"/consultant/rounds/{round_id}/invitations/{invitation_id}/revoke"
    assert post(consultant, csrf, path).status_code == 303
    assert app.test_client().get(f"/a/{token}").status_code == 410


def _audit_routes(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    """Every consultant route with ids in it, from the app's URL map (a new one is never missed)."""
    out = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("audits.") or not rule.arguments:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, {arg: None for arg in rule.arguments}))
    return out


def test_another_consultancy_gets_404_on_every_route_with_ids(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    client_id, round_id = open_round(consultant, csrf)
    invite(consultant, csrf, round_id, staff=1)
    ids = {
        "client_id": client_id,
        "round_id": round_id,
        "invitation_id": sql("SELECT id FROM invitations")[0][0],
        "question_id": "customer.voice_to_design",
        "fmt": "pdf",
    }
    rival = app.test_client()
    create_consultant(app, "bo@rival.example", "Rival Advisory")
    assert sign_in(rival, csrf, "bo@rival.example") == 303
    routes = _audit_routes(app)
    assert len(routes) >= 11
    with app.test_request_context():
        from flask import url_for

        for endpoint, method, args in routes:
            path = url_for(endpoint, **{k: ids[k] for k in args})
            response = rival.open(path, method=method, data={"csrf_token": csrf(rival, "/")})
            assert response.status_code == 404, (endpoint, method, response.status_code)
    assert sql("SELECT count(*) FROM audit_events WHERE action = 'revoke'") == [(0,)]


def test_the_rounds_api_runs_a_round_with_a_token(
    app: Flask,
    consultant: FlaskClient,
    csrf: Csrf,
    new_respondent: Callable[..., Any],
    sql: Callable[[str], list[Any]],
) -> None:
    client_id, _round = open_round(consultant, csrf)
    token = api_token(consultant, csrf)
    assert token not in str(sql("SELECT token_hash FROM api_tokens"))
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/clients").status_code == 401
    assert api.get("/api/v1/clients", headers=auth).get_json()["clients"][0]["id"] == client_id
    body = {"client": client_id, "title": "API round", "questionnaire": "tqm-quick"}
    made = api.post("/api/v1/rounds", json=body, headers=auth)
    assert made.status_code == 201, made.get_json()
    round_id = made.get_json()["id"]
    people = {"respondents": [{"role": "leader"}] * 3}
    links = api.post(f"/api/v1/rounds/{round_id}/invitations", json=people, headers=auth)
    assert links.status_code == 201
    assert api.get(f"/api/v1/rounds/{round_id}/result", headers=auth).get_json() == {
        "status": "waiting",
        "min_group": 3,
    }
    for entry in links.get_json()["invitations"]:
        answer(app, new_respondent, entry["link"].rsplit("/", 1)[1], 4)
    progress = api.get(f"/api/v1/rounds/{round_id}", headers=auth).get_json()["progress"]
    assert progress == [{"role": "leader", "invited": 3, "started": 3, "finished": 3}]
    result = api.get(f"/api/v1/rounds/{round_id}/result?lang=zh", headers=auth).get_json()
    assert result["status"] == "provisional"
    assert result["agreed"]["overall"]["level"] == 4 and result["agreed"]["lang"] == "zh"
    bad = api.post(
        f"/api/v1/rounds/{round_id}/invitations",
        json={"respondents": [{"role": "x"}]},
        headers=auth,
    )
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["pointer"] == "$.respondents[0]"


def test_a_revoked_api_token_is_refused(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    token = api_token(consultant, csrf)
    (token_id,) = sql("SELECT id FROM api_tokens")[0]
    assert post(consultant, csrf, f"/consultant/tokens/{token_id}/revoke").status_code == 303
    response = app.test_client().get(
        "/api/v1/clients", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]


def test_another_consultancy_gets_404_from_the_api_on_every_route_with_ids(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    _client, round_id = open_round(consultant, csrf)
    api_token(consultant, csrf)
    rival = app.test_client()
    create_consultant(app, "bo@rival.example", "Rival Advisory")
    assert sign_in(rival, csrf, "bo@rival.example") == 303
    auth = {"Authorization": f"Bearer {api_token(rival, csrf)}"}
    ids = {
        "round_id": round_id,
        "token_id": sql("SELECT min(id) FROM api_tokens")[0][0],
        "token": "x" * 43,  # a password-reset link nobody issued
    }
    checked = 0
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in ("rounds_api", "accounts") or not rule.arguments:
                continue
            path = url_for(rule.endpoint, **{k: ids[k] for k in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                data = {"csrf_token": csrf(rival, "/")}
                response = rival.open(path, method=method, data=data, headers=auth)
                assert response.status_code == 404, (rule.endpoint, method, response.status_code)
                checked += 1
    assert checked >= 4
    created = rival.post(
        "/api/v1/rounds",
        json={"client": _client, "title": "x", "questionnaire": "tqm-quick"},
        headers=auth,
    )
    assert created.status_code == 404


def test_fifty_respondents_answering_one_round_at_once_lose_nothing(
    app: Flask,
    consultant: FlaskClient,
    csrf: Csrf,
    new_respondent: Callable[..., Any],
    sql: Callable[[str], list[Any]],
) -> None:
    import threading

    _client, round_id = open_round(consultant, csrf)
    counts = {"leader": 10, "manager": 15, "staff": 25}
    links = invite(consultant, csrf, round_id, **counts)
    errors: list[BaseException] = []

    def respond(token: str, value: int) -> None:
        try:
            answer(app, new_respondent, token, value)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=respond, args=(token, 1 + n % 5)) for n, token in enumerate(links)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # each respondent is asked only the questions of the invitation's role (staff fewer)
    questionnaire = app.extensions["tqm_library"].questionnaires["tqm-quick"]
    asked = sum(n * len(questionnaire.questions_for(role)) for role, n in counts.items())
    assert asked < 50 * len(questionnaire.questions)
    assert sql("SELECT count(*) FROM answers") == [(asked,)]
    page = consultant.get(f"/api/v1/rounds/{round_id}")  # no token: the page session does not count
    assert page.status_code == 401
    results = consultant.get(f"/consultant/rounds/{round_id}/results").get_data(as_text=True)
    assert "50 respondents have finished" in results


def test_an_expired_invitation_is_refused_and_targets_and_deadline_are_kept(
    app: Flask, consultant: FlaskClient, csrf: Csrf, sql: Callable[[str], list[Any]]
) -> None:
    made = post(consultant, csrf, "/consultant/clients", name="Gear Co")
    client_id = int(made.location.rsplit("/", 1)[1])
    made = post(
        consultant,
        csrf,
        f"/consultant/clients/{client_id}/rounds",
        title="Q1",
        questionnaire="tqm-quick",
        deadline="2027-03-31",
    )
    round_id = int(made.location.rsplit("/", 1)[1])
    page = post(
        consultant,
        csrf,
        f"/consultant/rounds/{round_id}/invitations",
        count_staff="1",
        expires_days="3",
    )
    (token,) = LINK.findall(page.get_data(as_text=True))
    assert app.test_client().get(f"/a/{token}").status_code == 200
    sql_update = "UPDATE invitations SET expires_at = '2020-01-01 00:00:00'"
    from sqlalchemy import text

    with app.extensions["tqm_db"].engine.begin() as conn:
        conn.execute(text(sql_update))
    assert app.test_client().get(f"/a/{token}").status_code == 410
    saved = post(consultant, csrf, f"/consultant/rounds/{round_id}/targets", target_customer="85")
    assert saved.status_code == 303
    assert sql("SELECT targets FROM rounds") == [('{"customer": 85}',)]
    dashboard = consultant.get(f"/consultant/rounds/{round_id}").get_data(as_text=True)
    assert "deadline 2027-03-31" in dashboard and 'value="85"' in dashboard
    bad = post(consultant, csrf, f"/consultant/rounds/{round_id}/targets", target_customer="140")
    assert bad.status_code == 303 and sql("SELECT targets FROM rounds") == [('{"customer": 85}',)]


def test_a_405_says_which_methods_are_allowed(client: FlaskClient) -> None:
    api = client.get("/api/v1/score")
    assert api.status_code == 405 and set(api.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert api.get_json()["errors"][0]["message"]
    page = client.delete("/healthz")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
