"""Answering in the browser: start, dimension pages, validation, save and resume, review."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

if TYPE_CHECKING:
    from helpers.web import Respondent, Row

Rows = Callable[[], list["Row"]]
SQL = Callable[[str], list[tuple[Any, ...]]]
Make = Callable[..., "Respondent"]


def test_start_page_offers_both_questionnaires_with_counts(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "/start/tqm-quick" in page and "/start/tqm-audit" in page
    assert "24 questions" in page and "68 questions" in page
    assert "about 15 minutes" in page  # 24 questions at half a minute each


def test_start_form_has_labelled_optional_fields(client: FlaskClient) -> None:
    page = client.get("/start/tqm-audit").get_data(as_text=True)
    assert '<label for="organisation">' in page and 'id="organisation"' in page
    assert '<label for="role">' in page and 'id="role"' in page


def test_unknown_questionnaire_is_404(client: FlaskClient) -> None:
    assert client.get("/start/nope").status_code == 404


def test_start_creates_assessment_and_stores_only_the_token_hash(
    new_respondent: Make, sql: SQL
) -> None:
    person = new_respondent("tqm-audit")
    response = person.start(organisation="Acme", role="leader")
    assert response.location == f"/a/{person.token}/d/customer"
    assert len(person.token) == 43  # token_urlsafe(32): 256 bits
    rows = sql("SELECT token_hash, organisation, role FROM assessments")
    assert rows == [(hashlib.sha256(person.token.encode()).hexdigest(), "Acme", "leader")]
    assert person.token not in str(rows)


def test_start_rejects_bad_role_and_long_organisation(
    client: FlaskClient, csrf: Callable[..., str], sql: SQL
) -> None:
    data = {"csrf_token": csrf(client, "/start/tqm-quick"), "role": "king"}
    response = client.post("/start/tqm-quick", data={**data, "organisation": "x" * 201})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="organisation-error"' in page and 'id="role-error"' in page
    assert "<title>Error: " in page and page.count("data-focus-on-load") == 1
    assert sql("SELECT count(*) FROM assessments") == [(0,)]


def test_start_refuses_a_role_the_questionnaire_asks_nothing_and_does_not_list_it(
    client: FlaskClient, csrf: Callable[..., str], sql: SQL
) -> None:
    """tqm-quick asks customers nothing: starting as one was a 500 (no first page to open) after
    the assessment had been stored."""
    form = client.get("/start/tqm-quick").get_data(as_text=True)
    assert 'value="customer"' not in form and 'value="staff"' in form
    data = {"csrf_token": csrf(client, "/start/tqm-quick"), "role": "customer"}
    response = client.post("/start/tqm-quick", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="role-error"' in page and "Choose one of the roles listed." in page
    assert sql("SELECT count(*) FROM assessments") == [(0,)]


def test_dimension_page_shows_anchors_beside_labelled_radios(respondent: Respondent) -> None:
    page = respondent.client.get(respondent.page("customer")).get_data(as_text=True)
    question = respondent.library.questionnaires["tqm-quick"].dimensions[0].questions[0]
    assert f'<fieldset class="question" id="q-{question.id}"' in page
    assert "<legend>" in page
    for level in range(1, 6):
        assert f'id="a-{question.id}-{level}"' in page
        assert f'<label for="a-{question.id}-{level}">' in page
        assert question.anchors[level].en.replace("'", "&#39;") in page
    assert f'for="a-{question.id}-unknown"' in page
    assert f'for="a-{question.id}-na"' not in page  # the quick scan allows no N/A
    assert "<progress" in page


def test_na_offered_only_where_allowed(new_respondent: Make) -> None:
    person = new_respondent("tqm-audit")
    person.start()
    audit = person.library.questionnaires["tqm-audit"]
    for dim in audit.dimensions:
        page = person.client.get(person.page(dim.id)).get_data(as_text=True)
        for q in dim.questions:
            assert (f'for="a-{q.id}-na"' in page) == q.allow_na


def test_submit_stores_answers_with_evidence_and_note(respondent: Respondent, stored: Rows) -> None:
    qids = [q.id for q in respondent.library.questionnaires["tqm-quick"].dimensions[0].questions]
    response = respondent.submit(
        "customer", {qids[0]: (4, "", "a note"), qids[1]: "unknown", qids[2]: 2}
    )
    assert response.status_code == 303
    assert response.location == respondent.page("leadership")
    assert stored() == sorted(
        [(qids[0], "value", 4.0, "", "a note"), (qids[1], "unknown", None, "", ""),
         (qids[2], "value", 2.0, "", "")]
    )  # fmt: skip


def test_bad_value_shows_error_next_to_question_and_stores_nothing(
    respondent: Respondent, stored: Rows
) -> None:
    qids = [q.id for q in respondent.library.questionnaires["tqm-quick"].dimensions[0].questions]
    response = respondent.submit("customer", {qids[0]: 4, qids[1]: 9, qids[2]: "na"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in page
    for bad in qids[1:3]:  # the value off the scale and N/A where it is not allowed
        assert f'id="error-{bad}"' in page
        assert f'<a href="#q-{bad}">' in page  # the summary links to the question
        assert f'aria-describedby="error-{bad}"' in page
    assert f'id="error-{qids[0]}"' not in page
    assert 'value="4" checked' in page  # what was typed is shown again
    assert stored() == []


def test_note_without_answer_is_an_error(respondent: Respondent, stored: Rows) -> None:
    qid = respondent.library.questionnaires["tqm-quick"].dimensions[0].questions[0].id
    response = respondent.submit("customer", {qid: ("", "", "just a note")})
    assert response.status_code == 422
    assert f'id="error-{qid}"' in response.get_data(as_text=True)
    assert stored() == []


def test_post_without_csrf_token_is_400_and_stores_nothing(
    respondent: Respondent, stored: Rows
) -> None:
    qid = respondent.library.questionnaires["tqm-quick"].dimensions[0].questions[0].id
    response = respondent.client.post(respondent.page("customer"), data={f"answer-{qid}": "3"})
    assert response.status_code == 400
    assert stored() == []
    assert respondent.client.post("/start/tqm-quick", data={}).status_code == 400
    assert respondent.client.post("/lang", data={"lang": "zh"}).status_code == 400


def test_control_characters_are_removed(respondent: Respondent, stored: Rows, sql: SQL) -> None:
    qid = respondent.library.questionnaires["tqm-quick"].dimensions[0].questions[0].id
    response = respondent.submit("customer", {qid: (3, "", "a\x00b\r\nc\x07")})
    assert response.status_code == 303
    assert stored()[0][4] == "ab\nc"
    person = respondent.__class__(respondent.client, respondent.library, "tqm-quick")
    person.start(organisation="Nul\x00 Co")
    assert ("Nul Co",) in sql("SELECT organisation FROM assessments")


def test_last_write_wins_per_question(respondent: Respondent, stored: Rows) -> None:
    qids = [q.id for q in respondent.library.questionnaires["tqm-quick"].dimensions[0].questions]
    respondent.submit("customer", {qids[0]: 2, qids[1]: 2})
    respondent.submit("customer", {qids[0]: 5})  # an older tab without the second answer
    values = {row[0]: row[2] for row in stored()}
    assert values == {qids[0]: 5.0, qids[1]: 2.0}


def test_previous_saves_and_goes_back(respondent: Respondent, stored: Rows) -> None:
    qid = respondent.library.questionnaires["tqm-quick"].dimensions[1].questions[0].id
    response = respondent.submit("leadership", {qid: 1}, nav="prev")
    assert response.location == respondent.page("customer")
    assert stored() == [(qid, "value", 1.0, "", "")]
    page = respondent.client.get(respondent.page("leadership")).get_data(as_text=True)
    assert f'name="answer-{qid}" value="1" checked' in page


def test_save_stays_and_goto_jumps(respondent: Respondent) -> None:
    stay = respondent.submit("process", {}, nav="stay")
    assert stay.location == respondent.page("process")
    jump = respondent.submit("process", {}, nav="", goto="performance")
    assert jump.location == respondent.page("performance")
    last = respondent.submit("performance", {}, nav="next")
    assert last.location == f"/a/{respondent.token}/review"


def test_resume_link_works_in_a_new_browser(
    app: Flask, respondent: Respondent, new_respondent: Make, stored: Rows
) -> None:
    qid = respondent.library.questionnaires["tqm-quick"].dimensions[0].questions[0].id
    respondent.submit("customer", {qid: 4})
    fresh = app.test_client()
    overview = fresh.get(f"/a/{respondent.token}")
    assert overview.status_code == 200
    assert f"/a/{respondent.token}" in overview.get_data(as_text=True)  # the private link
    page = fresh.get(respondent.page("customer")).get_data(as_text=True)
    assert f'name="answer-{qid}" value="4" checked' in page
    again = new_respondent("tqm-quick", fresh)
    again.token = respondent.token
    assert again.submit("customer", {qid: 5}).status_code == 303
    assert stored()[0][2] == 5.0


def test_wrong_tokens_are_404(client: FlaskClient, respondent: Respondent) -> None:
    token = respondent.token
    wrong = ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "short", token + "x")
    for bad in wrong:
        for path in ("", "/d/customer", "/review", "/results", "/download/json"):
            assert client.get(f"/a/{bad}{path}").status_code == 404, (bad, path)
    assert client.get(f"/a/{token}/d/nowhere").status_code == 404
    assert client.get(f"/a/{token}/download/exe").status_code == 404


def test_review_lists_unanswered_questions_with_links(respondent: Respondent) -> None:
    quick = respondent.library.questionnaires["tqm-quick"]
    first = quick.dimensions[0].questions
    respondent.submit("customer", {first[0].id: 3})
    page = respondent.client.get(f"/a/{respondent.token}/review").get_data(as_text=True)
    still_open = page[page.index("Questions still open") : page.index('id="your-answers"')]
    assert first[0].text.en not in still_open
    for q in quick.questions[1:]:
        assert f"/a/{respondent.token}/d/{q.dimension}#q-{q.id}" in page
    assert f"/a/{respondent.token}/results" not in page


def test_review_offers_results_when_complete(respondent: Respondent) -> None:
    respondent.answer_all(3)
    page = respondent.client.get(f"/a/{respondent.token}/review").get_data(as_text=True)
    assert f"/a/{respondent.token}/results" in page
    assert "Questions still open" not in page


def test_user_text_is_escaped(client: FlaskClient, new_respondent: Make) -> None:
    person = new_respondent()
    person.start(organisation='<script>alert("x")</script>')
    qid = person.library.questionnaires["tqm-quick"].dimensions[0].questions[0].id
    person.submit("customer", {qid: (3, "", "<img src=x onerror=alert(1)>")})
    for path in ("", "/d/customer"):
        page = client.get(f"/a/{person.token}{path}").get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in client.get(f"/a/{person.token}").get_data(as_text=True)


def test_private_pages_are_not_cached(respondent: Respondent) -> None:
    response = respondent.client.get(f"/a/{respondent.token}")
    assert response.headers["Cache-Control"] == "no-store"


def test_review_shows_every_answer_note_and_evidence_with_edit_links(
    new_respondent: Make,
) -> None:
    person = new_respondent("tqm-audit")
    person.start()
    audit = person.library.questionnaires["tqm-audit"]
    dim = audit.dimensions[0]
    first, second, third = dim.questions[:3]
    person.submit(dim.id, {first.id: (4, "Minutes of 2026-10-02", "Only at head office"),
                           second.id: "unknown", third.id: 2}, nav="stay")  # fmt: skip
    page = person.client.get(f"/a/{person.token}/review").get_data(as_text=True)
    answers = page[page.index('id="your-answers"') :]
    for q in audit.questions:  # every question, answered or not
        assert escape(q.text.en) in answers
    label = next(o.label.en for o in first.options if o.value == 4)
    assert f"4 {label}" in answers and "Don&#39;t know" in answers
    assert "Evidence: Minutes of 2026-10-02" in answers and "Note: Only at head office" in answers
    assert answers.count("Not answered yet") == len(audit.questions) - 3
    for d in audit.dimensions:  # an edit link per section
        assert f'href="/a/{person.token}/d/{d.id}">Change' in answers


def _page_form(client: FlaskClient, path: str) -> dict[str, str]:
    """The form fields a dimension page was rendered with (hidden fields and checked radios)."""
    page = client.get(path).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    checked = re.findall(r'name="(answer-[^"]+)" value="([^"]+)" checked', page)
    return {**fields, **dict(checked)}


def test_a_stale_tab_saves_only_what_it_changed(respondent: Respondent, stored: Rows) -> None:
    first, second = (q.id for q in respondent.library.questionnaires["tqm-quick"].questions[:2])
    respondent.submit("customer", {first: 2, second: 2}, nav="stay")
    stale = _page_form(respondent.client, respondent.page("customer"))  # tab A opens the page
    respondent.submit("customer", {first: 4, second: 2}, nav="stay")  # tab B changes the first
    response = respondent.client.post(
        respondent.page("customer"), data={**stale, f"answer-{second}": "5", "nav": "stay"}
    )  # tab A changes only the second
    assert response.status_code == 303
    values = {row[0]: row[2] for row in stored()}
    assert values[first] == 4 and values[second] == 5


def test_a_change_made_elsewhere_is_shown_not_overwritten(
    respondent: Respondent, stored: Rows
) -> None:
    first = respondent.library.questionnaires["tqm-quick"].questions[0]
    respondent.submit("customer", {first.id: 2}, nav="stay")
    stale = _page_form(respondent.client, respondent.page("customer"))
    respondent.submit("customer", {first.id: 4}, nav="stay")  # saved in another tab
    response = respondent.client.post(
        respondent.page("customer"), data={**stale, f"answer-{first.id}": "3", "nav": "next"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed elsewhere since you opened this page" in page
    label = {o.value: o.label.en for o in first.options}
    assert f"your answer 3 {label[3]}; saved elsewhere 4 {label[4]}" in page
    assert "<title>Error: " in page and "data-focus-on-load" in page
    assert {row[0]: row[2] for row in stored()}[first.id] == 4  # not overwritten
    again = _page_form(respondent.client, respondent.page("customer"))
    assert again[f"was-{first.id}"].startswith("4:")
    kept = dict(re.findall(r'name="(was-[^"]+)" value="([^"]*)"', page))
    retry = {**stale, **kept, f"answer-{first.id}": "3", "nav": "stay"}
    assert respondent.client.post(respondent.page("customer"), data=retry).status_code == 303
    assert {row[0]: row[2] for row in stored()}[first.id] == 3  # saved again on purpose: kept


def test_the_language_switch_of_a_survey_page_saves_it_first(
    respondent: Respondent, stored: Rows
) -> None:
    first = respondent.library.questionnaires["tqm-quick"].questions[0]
    form = _page_form(respondent.client, respondent.page("customer"))
    page = respondent.client.get(respondent.page("customer")).get_data(as_text=True)
    assert 'form="survey-form" name="switch_lang" value="zh"' in page
    response = respondent.client.post(
        respondent.page("customer"), data={**form, f"answer-{first.id}": "3", "switch_lang": "zh"}
    )
    assert response.status_code == 303 and response.location == respondent.page("customer")
    assert "lang=zh" in response.headers["Set-Cookie"]
    assert [row[:3] for row in stored()] == [(first.id, "value", 3)]
    footer = respondent.client.post(respondent.page("customer"), data={**form, "nav": "overview"})
    assert footer.location == f"/a/{respondent.token}"


def test_radio_names_are_short_with_the_anchor_as_description(respondent: Respondent) -> None:
    page = respondent.client.get(respondent.page("customer")).get_data(as_text=True)
    q = respondent.library.questionnaires["tqm-quick"].questions[0]
    radio = re.search(rf'<input type="radio" id="a-{re.escape(q.id)}-3"[^>]*>', page)
    assert radio and f'aria-labelledby="a-{q.id}-3-name"' in radio[0]
    assert f'aria-describedby="a-{q.id}-3-anchor"' in radio[0]
    name = re.search(rf'id="a-{re.escape(q.id)}-3-name">(.*?)</span></span>', page)
    label = next(o.label.en for o in q.options if o.value == 3)
    assert name and re.sub("<[^>]+>", "", name[1] + "</span>") == f"3 {label}"


def test_a_note_without_an_answer_on_the_quick_scan_names_no_evidence(
    respondent: Respondent,
) -> None:
    first = respondent.library.questionnaires["tqm-quick"].questions[0]
    response = respondent.submit("customer", {first.id: ("", "", "A note")}, nav="stay")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "to save the note." in page and "evidence" not in page.split("error-summary")[1][:600]


def test_a_note_changed_in_a_stale_tab_is_saved_and_a_note_changed_elsewhere_kept(
    respondent: Respondent, stored: Rows
) -> None:
    first, second = (q.id for q in respondent.library.questionnaires["tqm-quick"].questions[:2])
    respondent.submit("customer", {first: (2, "", "old"), second: (3, "", "old")}, nav="stay")
    stale = _page_form(respondent.client, respondent.page("customer"))
    assert "old" not in "".join(v for k, v in stale.items() if k.startswith("was-"))  # digests
    respondent.submit("customer", {first: (2, "", "old"), second: (3, "", "theirs")}, nav="stay")
    data = {**stale, f"note-{first}": "mine", f"note-{second}": "old", "nav": "stay"}
    assert respondent.client.post(respondent.page("customer"), data=data).status_code == 303
    notes = {row[0]: row[4] for row in stored()}
    assert notes == {first: "mine", second: "theirs"}
