"""The web survey in another framework's shape (the bundled progress pack and the voyage test
pack): each respondent reads their role's wording and the questions' help, is offered no "don't
know" where the framework turns it off, and the pages name the framework's own levels."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from helpers.other_frameworks import PACKS, leaks, own_words
from helpers.web import Respondent, app_on

from assessment.content.library import Library

TAGS = re.compile(r"<[^>]+>")  # the page's text only: attribute values and markup aside


@pytest.fixture(params=list(PACKS))
def pack(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture()
def other_app(database_url: str, pack: str) -> Iterator[Flask]:
    """The app serving the pack's content root, migrated to head."""
    with app_on(database_url, TQM_CONTENT=str(PACKS[pack][0])) as app:
        yield app


def _library(app: Flask) -> Library:
    lib: Library = app.extensions["tqm_library"]
    return lib


def _started(app: Flask, pack: str, role: str) -> Respondent:
    someone = Respondent(app.test_client(), _library(app), PACKS[pack][1])
    someone.start(role=role)
    return someone


def test_the_start_page_lists_the_questionnaire(other_app: Flask, pack: str) -> None:
    title = _library(other_app).questionnaires[PACKS[pack][1]].title.en
    page = other_app.test_client().get("/").get_data(as_text=True)
    assert html.escape(title) in page and f"/start/{PACKS[pack][1]}" in page


def test_each_role_reads_its_own_wording_and_the_help(other_app: Flask, pack: str) -> None:
    _, qid, role, question_id, dimension = PACKS[pack]
    question = _library(other_app).questionnaires[qid].question(question_id)
    framework = _library(other_app).framework_of(_library(other_app).questionnaires[qid])
    leader_role = framework.roles_in("leaders")[0]
    for who in (role, leader_role):
        someone = _started(other_app, pack, who)
        page = someone.client.get(someone.page(dimension)).get_data(as_text=True)
        assert html.escape(question.text_for(who).en) in page
        others = {r for r in question.role_texts if r != who}
        assert not any(html.escape(question.text_for(r).en) in page for r in others)
        assert question.help is not None and html.escape(question.help.en) in page
        assert f'aria-describedby="help-{question_id}"' in page


def test_no_dont_know_option_is_offered_or_accepted(other_app: Flask, pack: str) -> None:
    _, _, role, question_id, dimension = PACKS[pack]
    someone = _started(other_app, pack, role)
    page = someone.client.get(someone.page(dimension)).get_data(as_text=True)
    assert 'value="unknown"' not in page
    assert "Don&#39;t know" not in page and "Don't know" not in page
    refused = someone.submit(dimension, {question_id: "unknown"}, nav="stay")
    assert refused.status_code == 422


def test_the_hint_names_the_frameworks_first_and_last_levels(other_app: Flask, pack: str) -> None:
    _, qid, role, _, dimension = PACKS[pack]
    framework = _library(other_app).framework_of(_library(other_app).questionnaires[qid])
    someone = _started(other_app, pack, role)
    lowest, highest = framework.levels[0].name, framework.levels[-1].name
    page = someone.client.get(someone.page(dimension)).get_data(as_text=True)
    assert f"Level 1 is {lowest.en}; level {framework.top_level} is {highest.en}." in page
    zh = someone.client.get(someone.page(dimension), headers={"Accept-Language": "zh"})
    text = zh.get_data(as_text=True)
    assert f"第 1 级为“{lowest.zh}”，第 {framework.top_level} 级为“{highest.zh}”" in text


def test_the_review_page_shows_the_roles_wording(other_app: Flask, pack: str) -> None:
    _, qid, role, question_id, _ = PACKS[pack]
    question = _library(other_app).questionnaires[qid].question(question_id)
    someone = _started(other_app, pack, role)
    page = someone.client.get(f"/a/{someone.token}/review").get_data(as_text=True)
    assert html.escape(question.text_for(role).en) in page
    assert "The results need an answer to every question." in page
    assert "Don&#39;t know" not in page and "Don't know" not in page


def test_a_finished_survey_shows_results_in_the_frameworks_levels(
    other_app: Flask, pack: str
) -> None:
    _, qid, role, _, _ = PACKS[pack]
    framework = _library(other_app).framework_of(_library(other_app).questionnaires[qid])
    someone = _started(other_app, pack, role)
    someone.answer_all(4)
    response = someone.client.get(f"/a/{someone.token}/results")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert any(html.escape(lv.name.en) in page for lv in framework.levels)
    assert all(html.escape(d.title.en) in page for d in framework.dimensions)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_page_names_the_tqm_frameworks_dimensions_levels_or_profiles(
    other_app: Flask, pack: str, lang: str
) -> None:
    root, qid, role, _, dimension = PACKS[pack]
    someone = _started(other_app, pack, role)
    someone.answer_all(4)
    # the start page lists every framework's questionnaires: tqm's own where the content has it
    home = [] if "tqm" in _library(other_app).frameworks else ["/"]
    paths = [
        *home,
        f"/start/{qid}",
        f"/a/{someone.token}",
        someone.page(dimension),
        f"/a/{someone.token}/review",
        f"/a/{someone.token}/results",
    ]
    own = own_words(root, qid)
    found = {}
    for path in paths:
        page = someone.client.get(path, headers={"Accept-Language": lang})
        assert page.status_code == 200, path
        text = html.unescape(TAGS.sub(" ", page.get_data(as_text=True)))
        found[path] = leaks(text, lang, own)
    assert not {path: names for path, names in found.items() if names}
