"""assessment.questionnaire_option: `--questionnaire ID[@N]` names the questionnaire of answers
that do not (a CSV without a questionnaire column), and answers that name another are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from assessment.content.library import Library
from assessment.problems import ProblemsFound
from assessment.questionnaire_option import agreed_ref, load_answers_for

DATA = Path(__file__).resolve().parent / "data"
NO_COLUMN = DATA / "answers" / "mini-no-questionnaire-column.csv"
WITH_COLUMN = DATA / "answers" / "mini-respondents.csv"
CONTENT = DATA / "content"


@pytest.mark.parametrize(
    ("named", "option", "agreed"),
    [
        ("mini", "mini", "mini"),
        ("mini", "mini@1", "mini@1"),
        ("mini@1", "mini", "mini@1"),
        ("mini@1", "mini@2", None),
        ("tqm-quick", "tqm-audit", None),
        ("not an id", "mini", None),
    ],
)
def test_a_named_questionnaire_agrees_with_the_option_when_id_and_any_version_match(
    named: str, option: str, agreed: str | None
) -> None:
    assert agreed_ref(named, option) == agreed


def test_a_csv_without_the_column_is_read_for_the_named_questionnaire(mini: Library) -> None:
    named = load_answers_for(NO_COLUMN, mini, "mini")
    as_written = load_answers_for(WITH_COLUMN, mini, None)
    assert named.questionnaire.id == "mini"
    assert named.respondents == as_written.respondents


def test_a_csv_without_the_column_and_without_the_option_says_how_to_name_it(
    mini: Library,
) -> None:
    with pytest.raises(ProblemsFound) as caught:
        load_answers_for(NO_COLUMN, mini, None)
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (1, "csv.missing_column")
    assert "--questionnaire ID[@N]" in problem.message


def test_a_csv_naming_another_questionnaire_than_the_option_is_refused_at_each_cell(
    tmp_path: Path, library: Library
) -> None:
    source = tmp_path / "quick.csv"
    source.write_text("questionnaire,respondent\ntqm-quick@1,r1\ntqm-quick@1,r2\n", "utf-8")
    with pytest.raises(ProblemsFound) as caught:
        load_answers_for(source, library, "tqm-quick@2")
    assert [(str(p), p.code) for p in caught.value.problems] == [
        (f"{source}:{line}:1: $.rows[{line - 2}].questionnaire: the answers are for "
         "'tqm-quick@1', but --questionnaire names 'tqm-quick@2'", "answers.questionnaire_conflict")
        for line in (2, 3)
    ]  # fmt: skip


def test_a_yaml_file_naming_another_questionnaire_than_the_option_is_refused(
    tmp_path: Path, library: Library
) -> None:
    source = tmp_path / "answers.yaml"
    source.write_text("organisation: X\nquestionnaire: tqm-audit\nanswers: {}\n", "utf-8")
    with pytest.raises(ProblemsFound) as caught:
        load_answers_for(source, library, "tqm-quick")
    assert [str(p) for p in caught.value.problems] == [
        f"{source}:2:16: $.questionnaire: the answers are for 'tqm-audit', but --questionnaire "
        "names 'tqm-quick'"
    ]


def test_an_unknown_option_is_refused_before_the_file_is_read(mini: Library) -> None:
    with pytest.raises(ProblemsFound) as caught:
        load_answers_for(DATA / "absent.csv", mini, "mni")
    assert [str(p) for p in caught.value.problems] == [
        "--questionnaire: $: unknown questionnaire 'mni' (did you mean 'mini'?)"
    ]


def test_tqm_score_scores_a_csv_without_the_column_with_the_option(
    cli: Callable[..., Result],
) -> None:
    args = ("--format", "json", "--content", CONTENT)
    named = cli("score", NO_COLUMN, "--questionnaire", "mini", *args)
    as_written = cli("score", WITH_COLUMN, *args)
    assert (named.exit_code, named.stdout) == (0, as_written.stdout)
    refused = cli("score", NO_COLUMN, *args)
    assert refused.exit_code == 1
    assert "or the questionnaire named with --questionnaire ID[@N]" in refused.stderr


def test_tqm_batch_scores_a_csv_without_the_column_with_the_option(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    named, as_written = tmp_path / "named.jsonl", tmp_path / "written.jsonl"
    result = cli("batch", NO_COLUMN, "-o", named, "--questionnaire", "mini", "--content", CONTENT)
    assert result.exit_code == 0
    assert cli("batch", WITH_COLUMN, "-o", as_written, "--content", CONTENT).exit_code == 0
    assert named.read_text("utf-8") == as_written.read_text("utf-8")
    refused = cli("batch", NO_COLUMN, "-o", named, "--content", CONTENT)
    assert refused.exit_code == 1
    assert "--questionnaire ID[@N]" in refused.stderr


def test_tqm_explain_and_export_take_the_option_too(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    named = ("--questionnaire", "mini", "--content", CONTENT)
    explained = cli("explain", NO_COLUMN, "--rule", "maturity.overall_2", *named)
    assert (explained.exit_code, explained.stdout.splitlines()[0]) == (
        0,
        "✔ maturity.overall_2: fired",
    )
    assert cli("export", NO_COLUMN, "-o", tmp_path / "x.xlsx", *named).exit_code == 0
