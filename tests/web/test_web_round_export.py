"""A round's export (XLSX and JSON) and a client's trend chart with the actions expected next
(on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from helpers.consultants import (
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
from openpyxl import load_workbook

FORMULA = '=HYPERLINK("http://evil.example","click")'


def reconciled_round(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> tuple[int, int, str]:
    """Three leaders at 4, two staff at 2 (fewer than the smallest group, 3); one item agreed
    with a note that looks like a formula. Returns the client, the round and the agreed item."""
    client_id, round_id = open_round(consultant, csrf)
    links = invite(consultant, csrf, round_id, leader=3, staff=2)
    for token in links[:3]:
        answer(app, new_respondent, token, 4)
    for token in links[3:]:
        answer(app, new_respondent, token, 2)
    results = consultant.get(f"/consultant/rounds/{round_id}/results").get_data(as_text=True)
    found = re.search(r"/reconcile/([a-z_.]+)", results)
    assert found
    path = f"/consultant/rounds/{round_id}/reconcile/{found.group(1)}"
    assert (
        post(consultant, csrf, path, value="3", evidence="Minutes", note=FORMULA).status_code == 303
    )
    return client_id, round_id, found.group(1)


def test_the_round_workbook_has_a_sheet_per_role_shown_the_log_and_a_summary(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> None:
    _client, round_id, item = reconciled_round(app, consultant, csrf, new_respondent)
    response = consultant.get(f"/consultant/rounds/{round_id}/export.xlsx")
    assert response.status_code == 200 and response.data.startswith(b"PK")
    assert "Gear_Co_Spring_2027_en.xlsx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Senior leader", "Reconciliation log"]  # no staff sheet
    leaders = list(book["Senior leader"].iter_rows(values_only=True))
    questionnaire = app.extensions["tqm_library"].questionnaires["tqm-quick"]
    assert len(leaders) == 1 + 3 * len(questionnaire.questions_for("leader"))
    assert {row[0] for row in leaders[1:]} == {"leader-1", "leader-2", "leader-3"}
    assert {row[1] for row in leaders[1:]} == {None}  # anonymous: no names
    # the answers as given: scale position 4, mirrored (2) on a reverse-keyed item
    assert all(row[4] == questionnaire.question(row[2]).answer_at(4) for row in leaders[1:])
    assert {row[4] for row in leaders[1:]} == {2, 4}
    log = list(book["Reconciliation log"].iter_rows(values_only=True))
    agreed = [row for row in log if row[2] == "agree"]
    assert agreed and agreed[0][0] == "ana@acme.example" and agreed[0][3] == item
    assert agreed[0][4:7] == (None, "3", FORMULA)
    why = next(c for c in book["Reconciliation log"]["G"] if c.value == FORMULA)
    assert why.data_type == "s"  # text, never a formula
    summary = [row for row in book["Summary"].iter_rows(values_only=True) if row and row[0]]
    staff = next(row for row in summary if row[0] == "Staff member")
    assert staff[1:4] == (2, 2, 2) and staff[4].startswith("no")
    export = consultant.get(f"/consultant/rounds/{round_id}/export.json").get_json()
    overall = next(row for row in summary if row[0] == "Overall")
    assert overall[1:3] == (
        export["result"]["overall"]["level"],
        export["result"]["overall"]["index"],
    )


def test_the_round_json_withholds_small_roles_and_names_in_an_anonymous_round(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> None:
    _client, round_id, item = reconciled_round(app, consultant, csrf, new_respondent)
    export = consultant.get(f"/consultant/rounds/{round_id}/export.json").get_json()
    assert export["schema"] == "tqm-round-export/1"
    assert list(export["respondents"]) == ["leader"] and export["withheld_roles"] == ["staff"]
    assert all("name" not in person for person in export["respondents"]["leader"])
    assert export["agreed"][item]["value"] == 3
    assert export["reconciliation"][-1]["why"] == FORMULA
    assert export["result_status"] == "provisional"
    assert export["result"]["overall"]["level"] >= 1
    assert all(set(d["by_role"]) == {"leader"} for d in export["result"]["dimensions"].values())
    api = app.test_client().get(
        f"/api/v1/rounds/{round_id}/export?lang=zh",
        headers={"Authorization": f"Bearer {api_token(consultant, csrf)}"},
    )
    assert api.status_code == 200
    by_api = api.get_json()
    assert by_api["respondents"] == export["respondents"]
    assert by_api["reconciliation"] == export["reconciliation"]
    assert by_api["result"]["lang"] == "zh"


def test_a_named_round_exports_names_and_the_chinese_workbook_is_in_chinese(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> None:
    client_id, _first = open_round(consultant, csrf)
    round_id = new_round(consultant, csrf, client_id, "Named", anonymous=False)
    named = "leader, Li Wei\nleader, Ana Silva\nleader, =cmd|' /C calc'!A0"
    for token in invite(consultant, csrf, round_id, named=named):
        answer(app, new_respondent, token, 3)
    export = consultant.get(f"/consultant/rounds/{round_id}/export.json").get_json()
    names = {person.get("name") for person in export["respondents"]["leader"]}
    assert names == {"Li Wei", "Ana Silva", "=cmd|' /C calc'!A0"}
    consultant.set_cookie("lang", "zh")
    book = load_workbook(
        io.BytesIO(consultant.get(f"/consultant/rounds/{round_id}/export.xlsx").data)
    )
    assert book.sheetnames == ["概要", "高层领导", "协调评分记录"]
    cells = [
        c for row in book.worksheets[1].iter_rows() for c in row if str(c.value).startswith("=")
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_trend_chart_is_accessible_and_names_the_next_actions(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> None:
    client_id, first = open_round(consultant, csrf)
    for token in invite(consultant, csrf, first, leader=3):
        answer(app, new_respondent, token, 2)
    assert post(consultant, csrf, f"/consultant/rounds/{first}/sign-off").status_code == 303
    second = new_round(consultant, csrf, client_id, "Autumn 2027")
    # at scale position 3 (level 3) the latest round is below the targets' level 4, so the roadmap
    # plans actions; at 4 every dimension would already stand at the targets' level
    for token in invite(consultant, csrf, second, leader=3):
        answer(app, new_respondent, token, 3)
    assert post(consultant, csrf, f"/consultant/rounds/{second}/sign-off").status_code == 303
    page = consultant.get(f"/consultant/clients/{client_id}").get_data(as_text=True)
    svg = re.search(r'<svg[^>]*role="img"[^>]*>.*?</svg>', page, re.S)
    assert svg and 'aria-labelledby="trend-chart-title trend-chart-desc"' in svg.group(0)
    assert '<title id="trend-chart-title">' in svg.group(0)
    latest = consultant.get(f"/consultant/rounds/{second}/result.json").get_json()
    earlier = consultant.get(f"/consultant/rounds/{first}/result.json").get_json()
    desc = re.search(r'<desc id="trend-chart-desc">(.*?)</desc>', svg.group(0), re.S)
    assert (
        desc
        and f"{earlier['overall']['index']:g} → {latest['overall']['index']:g}" in desc.group(1)
    )
    assert svg.group(0).count("<polyline") == 1 + len(latest["dimensions"])
    assert "style=" not in svg.group(0)  # the Content-Security-Policy allows no inline style
    assert "<table>" in page  # the table alternative
    planned = [a for phase in latest["roadmap"] for a in phase["actions"]]
    assert planned, "the latest round plans actions"
    section = page.split('id="next-actions"')[1]
    first_action = planned[0]["title"].replace("'", "&#39;").replace('"', "&#34;")
    assert first_action in section


def test_exports_of_a_round_of_another_consultancy_are_404(
    app: Flask, consultant: FlaskClient, csrf: Csrf
) -> None:
    _client, round_id = open_round(consultant, csrf)
    rival = app.test_client()
    create_consultant(app, "bo@rival.example", "Rival Advisory")
    assert sign_in(rival, csrf, "bo@rival.example") == 303
    for fmt in ("xlsx", "json"):
        assert rival.get(f"/consultant/rounds/{round_id}/export.{fmt}").status_code == 404
        assert consultant.get(f"/consultant/rounds/{round_id}/export.{fmt}").status_code == 200


def test_an_anonymous_round_orders_respondents_by_their_answers_not_by_invitation(
    app: Flask, consultant: FlaskClient, csrf: Csrf, new_respondent: Callable[..., Any]
) -> None:
    _client, round_id = open_round(consultant, csrf)
    for token, value in zip(invite(consultant, csrf, round_id, leader=3), (5, 3, 4), strict=True):
        answer(app, new_respondent, token, value)
    export = consultant.get(f"/consultant/rounds/{round_id}/export.json").get_json()
    firsts = [next(iter(p["answers"].values())) for p in export["respondents"]["leader"]]
    assert firsts == [3, 4, 5]  # invited in the order 5, 3, 4
