"""Content in another framework's shape works end to end: the bundled progress pack (seven
categories, four levels, leaders and employees) and the voyage test pack (four dimensions, seven
levels, board and employee) validate, pass their own tests, score and render in every format."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers.other_frameworks import (
    PACKS,
    json_of,
    leaks,
    other_library,
    own_words,
    team_answers,
    text_of,
)
from helpers.outcomes import check_scored

from assessment.answers_template import answers_template
from assessment.cli import main
from assessment.engine.pipeline import assess
from assessment.render import render

NAMES = list(PACKS)


@pytest.mark.parametrize("name", NAMES)
def test_the_content_validates_and_its_pack_tests_pass(name: str) -> None:
    root, pack = PACKS[name][0], PACKS[name][1]
    runner = CliRunner()
    checked = runner.invoke(main, ["validate", "--content", str(root)])
    assert checked.exit_code == 0, checked.output
    tested = runner.invoke(main, ["test", "--content", str(root), str(root / "rules" / pack)])
    assert tested.exit_code == 0 and " 0 failed" in tested.output, tested.output


@pytest.mark.parametrize("name", NAMES)
def test_the_json_result_is_keyed_by_the_packs_own_dimensions(name: str) -> None:
    library = other_library(name)
    questionnaire = library.questionnaires[PACKS[name][1]]
    framework = library.framework_of(questionnaire)
    result = assess(team_answers(library, questionnaire.id), library)
    data = json_of(render("json", result, team_answers(library, questionnaire.id), "en"))
    check_scored(data)
    assert list(data["dimensions"]) == list(framework.dimension_ids)
    assert 1 <= data["overall"]["level"] <= framework.top_level


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_text_report_names_the_packs_levels_and_dimensions(name: str, lang: str) -> None:
    library = other_library(name)
    answers = team_answers(library, PACKS[name][1])
    result = assess(answers, library)
    framework = library.framework_of(library.questionnaires[PACKS[name][1]])
    text = text_of("text", render("text", result, answers, lang))
    assert framework.level_name(result.overall.level, lang) in text
    assert all(d.title.get(lang) in text for d in framework.dimensions)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx", "xlsx", "csv"])
def test_every_report_format_renders_the_packs_dimensions(name: str, fmt: str) -> None:
    library = other_library(name)
    answers = team_answers(library, PACKS[name][1])
    result = assess(answers, library)
    framework = library.framework_of(library.questionnaires[PACKS[name][1]])
    text = text_of(fmt, render(fmt, result, answers, "en"))
    shown = [
        d for d in framework.dimensions if d.title.en in text or d.short.en in text or d.id in text
    ]
    assert shown == list(framework.dimensions), (
        f"{fmt}: {len(shown)} of {len(framework.dimensions)}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_the_answers_template_uses_the_roles_wording_and_help_without_dont_know(name: str) -> None:
    library = other_library(name)
    _, qid, role, question_id, _ = PACKS[name]
    questionnaire = library.questionnaires[qid]
    framework = library.framework_of(questionnaire)
    question = questionnaire.question(question_id)
    text = answers_template(questionnaire, framework, "en", role=role)
    assert question.text_for(role).en in text and question.text_for(role) != question.text
    assert question.help is not None and f"Hint: {question.help.en}" in text
    assert "unknown" not in text and "don't know" not in text.lower()
    zh = answers_template(questionnaire, framework, "zh", role=role)
    assert question.text_for(role).zh in zh and "提示：" in zh and "不清楚" not in zh


def test_an_unknown_role_in_a_questions_wording_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(PACKS["voyage"][0], root)
    path = root / "questionnaires" / "voyage" / "1.yaml"
    path.write_text(
        path.read_text("utf-8").replace("          board: {en:", "          captain: {en:"), "utf-8"
    )
    checked = CliRunner().invoke(main, ["validate", "--content", str(root)])
    assert checked.exit_code != 0
    assert (
        "$.dimensions[0].questions[0].text.captain" in checked.output
        and "unknown role 'captain'" in checked.output
    )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_output_names_the_tqm_frameworks_dimensions_levels_or_profiles(
    name: str, lang: str
) -> None:
    library = other_library(name)
    root, questionnaire = PACKS[name][0], PACKS[name][1]
    answers = team_answers(library, questionnaire)
    result = assess(answers, library)
    own = own_words(root, questionnaire)
    found = {
        fmt: leaks(text_of(fmt, render(fmt, result, answers, lang)), lang, own)
        for fmt in ("text", "json", "html", "pdf", "docx", "xlsx", "csv")
    }
    assert not {fmt: names for fmt, names in found.items() if names}
