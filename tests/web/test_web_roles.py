"""Respondents see only their role's questions (self-assessment and round invitations), never which
items are critical, and the reason beside N/A; pages are timed and answers given faster than the
questions can be read are flagged (on SQLite and PostgreSQL).

The content is tests/data/roles (see tests/test_roles.py for who is asked what).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DATA
from helpers.web import Respondent, app_on, csrf_token, database
from sqlalchemy import text

from assessment.content.library import Library
from assessment.engine.reading import SECONDS_PER_ITEM, reading_seconds

CONTENT = DATA / "roles"
PASSWORD = "a long enough pass phrase"


@pytest.fixture()
def roles_app(database_url: str) -> Iterator[Flask]:
    """The app serving the role test content, migrated to head."""
    with app_on(database_url, TQM_CONTENT=str(CONTENT)) as app:
        yield app


@pytest.fixture()
def person(roles_app: Flask) -> Callable[[str], Respondent]:
    """person('staff'): a respondent who has started the role check in that role."""
    lib: Library = roles_app.extensions["tqm_library"]

    def start(role: str) -> Respondent:
        someone = Respondent(roles_app.test_client(), lib, "roles")
        someone.start(role=role)
        return someone

    return start


def page(someone: Respondent, path: str = "") -> str:
    response = someone.client.get(f"/a/{someone.token}{path}")
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def stored_questions(app: Flask) -> list[str]:
    with database(app).engine.connect() as conn:
        rows = conn.execute(text("SELECT question_id FROM answers ORDER BY 1"))
        return [row[0] for row in rows]


# --- only the role's questions ----------------------------------------------------------------


def test_a_customer_is_asked_only_the_customer_questions(
    person: Callable[[str], Respondent],
) -> None:
    customer = person("customer")
    overview = page(customer)
    assert "0 of 2 questions answered" in overview
    assert "Leadership" not in overview  # no section without a question for the role
    form = page(customer, "/d/customer")
    assert "How feedback is gathered" in form and "How complaints are resolved" in form
    assert "Section 1 of 1" in form
    assert customer.client.get(customer.page("leadership")).status_code == 404


def test_staff_pages_leave_out_the_board_review_and_count_only_their_questions(
    person: Callable[[str], Respondent],
) -> None:
    staff = person("staff")
    assert "0 of 7 questions answered" in page(staff)
    assert "How the board reviews quality" not in page(staff, "/d/leadership")
    leader = person("leader")
    assert "0 of 7 questions answered" in page(leader)
    assert "How the board reviews quality" in page(leader, "/d/leadership")
    assert "How complaints are resolved" not in page(leader, "/d/customer")


def test_an_answer_posted_to_a_question_outside_the_role_is_not_stored(
    roles_app: Flask, person: Callable[[str], Respondent]
) -> None:
    staff = person("staff")
    response = staff.submit("leadership", {"leadership.visible": 3, "leadership.board_review": 5})
    assert response.status_code == 303
    assert stored_questions(roles_app) == ["leadership.visible"]


def test_a_staff_member_who_answers_their_questions_can_finish(
    person: Callable[[str], Respondent],
) -> None:
    staff = person("staff")
    staff.answer_all(3, customer__complaints="na")
    review = page(staff, "/review")
    assert "All questions are answered" in review and "Questions still open" not in review
    finish = staff.client.post(
        f"/a/{staff.token}/finish", data={"csrf_token": csrf_token(staff.client, "/")}
    )
    assert finish.status_code == 303
    assert "Role check" in page(staff, "/results")


# --- what respondents see beside the questions ---------------------------------------------------


def test_respondents_are_not_told_which_questions_are_critical(
    person: Callable[[str], Respondent],
) -> None:
    leader = person("leader")
    for lang in ("en", "zh"):
        leader.client.set_cookie("lang", lang)
        for dimension in ("customer", "leadership"):
            form = page(leader, f"/d/{dimension}")
            assert "badge-key" not in form and "Key question" not in form and "关键题" not in form


def test_the_reason_for_na_stands_beside_it_and_describes_the_choice(
    person: Callable[[str], Respondent],
) -> None:
    staff = person("staff")
    form = page(staff, "/d/customer")
    na_input = re.search(r'<input[^>]*id="a-customer.complaints-na"[^>]*>', form)
    assert na_input and 'aria-describedby="na-reason-customer.complaints"' in na_input.group(0)
    assert (
        '<span class="na-reason" id="na-reason-customer.complaints">'
        "Not applicable where no complaint was made in the period</span>"
    ) in form
    staff.client.set_cookie("lang", "zh")
    assert "本期未收到投诉时不适用" in page(staff, "/d/customer")


# --- reading time -------------------------------------------------------------------------------


def answer_pages(someone: Respondent, value: int = 3) -> None:
    """Show each page, then save it (as a browser does)."""
    questionnaire = someone.library.questionnaires["roles"]
    for dim in questionnaire.dimensions:
        asked = questionnaire.dimension_questions(dim, someone.role)
        page(someone, f"/d/{dim.id}")
        assert someone.submit(dim.id, {q.id: value for q in asked}).status_code == 303


def findings(someone: Respondent) -> dict[str, Any]:
    document = someone.client.get(f"/a/{someone.token}/download/json").get_json()
    return {f["rule"]: f for f in document["findings"]}


def test_pages_are_timed_from_showing_to_saving(
    roles_app: Flask, person: Callable[[str], Respondent]
) -> None:
    leader = person("leader")
    page(leader, "/d/leadership")
    page(leader, "/d/leadership")  # shown again before saving: the first showing counts
    with database(roles_app).engine.begin() as conn:
        conn.execute(text("UPDATE page_times SET shown_at = shown_at - INTERVAL '40 seconds'")
                     if conn.dialect.name == "postgresql" else
                     text("UPDATE page_times SET shown_at = datetime(shown_at, '-40 seconds')"))  # fmt: skip
    leader.submit("leadership", {"leadership.board_review": 3, "leadership.visible": 3})
    with database(roles_app).engine.connect() as conn:
        rows = conn.execute(
            text("SELECT dimension_id, shown_at, saved_at, seconds FROM page_times")
        )
        ((dimension, shown, saved, seconds),) = rows.all()
    assert (dimension, shown) == ("leadership", None) and saved is not None
    assert 40 <= seconds < 100


def test_answers_faster_than_reading_time_are_flagged(
    person: Callable[[str], Respondent],
) -> None:
    hasty = person("staff")
    answer_pages(hasty)
    finding = findings(hasty)["confidence.too_fast"]
    assert finding["kind"] == "confidence" and finding["severity"] == "medium"
    # a loaded machine may take a second or two between the pages: the time is a few seconds
    assert re.search(r"1 of 1 respondent\(s\) answered 7 questions in [0-5] s;", finding["detail"])
    needed = reading_seconds(hasty.library.questionnaires["roles"].questions_for("staff"))
    assert needed > 7 * SECONDS_PER_ITEM
    assert f"at least {round(needed + 0.5)} s" in finding["detail"]


def test_a_respondent_who_took_the_time_is_not_flagged(
    roles_app: Flask, person: Callable[[str], Respondent]
) -> None:
    careful = person("staff")
    answer_pages(careful)
    with database(roles_app).engine.begin() as conn:
        conn.execute(text("UPDATE page_times SET seconds = 30"))
    assert "confidence.too_fast" not in findings(careful)


def test_answers_saved_without_showing_the_pages_are_not_timed(
    person: Callable[[str], Respondent],
) -> None:
    through_posts = person("staff")
    token = csrf_token(through_posts.client, f"/a/{through_posts.token}")
    questionnaire = through_posts.library.questionnaires["roles"]
    for dim in questionnaire.dimensions:  # posted straight away: no page shown, no time known
        answers = {f"answer-{q.id}": "3" for q in questionnaire.dimension_questions(dim, "staff")}
        data = {"csrf_token": token, "nav": "next", **answers}
        assert through_posts.client.post(through_posts.page(dim.id), data=data).status_code == 303
    assert "confidence.too_fast" not in findings(through_posts)


# --- round invitations ---------------------------------------------------------------------------


def invitations(app: Flask, **counts: int) -> tuple[FlaskClient, int, list[str]]:
    """A signed-in consultant, a round on the role check, and the invitation tokens (in the order of
    the roles: leader, manager, staff, customer, auditor)."""
    made = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "eve@roles.example",
            "--consultancy",
            "Roles",
            "--password",
            PASSWORD,
        ]
    )
    assert made.exit_code == 0, made.output
    browser = app.test_client()

    def send(path: str, **data: str) -> Any:
        token = csrf_token(browser, "/consultant/sign-in")
        return browser.post(path, data={"csrf_token": token, **data})

    assert (
        send("/consultant/sign-in", email="eve@roles.example", password=PASSWORD).status_code == 303
    )
    client_at = send("/consultant/clients", name="Role Co", sector="Tools", size="80").location
    round_at = send(f"{client_at}/rounds", title="R1", questionnaire="roles", min_group="1",
                    anonymous="1").location  # fmt: skip
    round_id = int(round_at.rsplit("/", 1)[1])
    fields = {f"count_{role}": str(n) for role, n in counts.items()}
    shown = send(f"/consultant/rounds/{round_id}/invitations", **fields).get_data(as_text=True)
    return browser, round_id, re.findall(r"/a/([A-Za-z0-9_-]{43})</code>", shown)


def test_an_invited_customer_answers_only_the_customer_questions_and_is_timed(
    roles_app: Flask,
) -> None:
    consultant, round_id, (staff_token, customer_token) = invitations(
        roles_app, staff=1, customer=1
    )
    lib: Library = roles_app.extensions["tqm_library"]
    customer = Respondent(roles_app.test_client(), lib, "roles", customer_token, "customer")
    assert "0 of 2 questions answered" in page(customer)
    customer.answer_all(4)
    staff = Respondent(roles_app.test_client(), lib, "roles", staff_token, "staff")
    assert "0 of 7 questions answered" in page(staff)
    dashboard = consultant.get(f"/consultant/rounds/{round_id}").get_data(as_text=True)
    assert re.search(r"Customer</th><td>1</td><td>1</td><td>1</td>", dashboard), dashboard
    sign_off = consultant.post(
        f"/consultant/rounds/{round_id}/sign-off",
        data={"csrf_token": csrf_token(consultant, "/consultant/")},
    )
    assert sign_off.status_code == 303
    frozen = consultant.get(f"/consultant/rounds/{round_id}/result.json").get_json()
    assert frozen["respondents"]["by_role"] == {"customer": 1}
    # the customer's pages were shown and saved at once: faster than the questions can be read
    assert "confidence.too_fast" in {f["rule"] for f in frozen["findings"]}


def test_the_start_page_says_the_role_decides_the_questions(roles_app: Flask) -> None:
    browser = roles_app.test_client()
    form = browser.get("/start/roles").get_data(as_text=True)
    assert 'aria-describedby="role-hint"' in form
    assert "only the questions someone in your role can answer" in form
    browser.set_cookie("lang", "zh")
    assert "您只需回答与您的角色相符" in browser.get("/start/roles").get_data(as_text=True)
