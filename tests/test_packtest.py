"""`tqm test` (assessment.packtest) on purpose-built packs, and the tqm content as a whole: its own
cases pass, and meta-rules every pack must keep."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from assessment.content.library import Library
from assessment.engine.evaluation import Program
from assessment.io.files import load_file
from assessment.packtest import coverage_problems, load_cases, run_pack_tests

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "tqm"
PACKS = Path(__file__).resolve().parent / "data" / "packtest"
MINI = Path(__file__).resolve().parent / "data" / "content"
CJK = re.compile(r"[\u4e00-\u9fff]")
ID = re.compile(r"^[a-z]+\.[a-z][a-z0-9_]*$")
UNCOVERED = "packtest.uncovered"


# --- tqm test on purpose-built packs (tests/data/packtest, scoring the mini questionnaire) -----


def test_a_pack_whose_cases_cover_every_rule_both_ways_passes(mini: Library) -> None:
    run = run_pack_tests(PACKS / "covered", mini)
    assert [(c.name, c.failures) for c in run.cases] == [("all ones", ()), ("all threes", ())]
    assert run.problems == ()
    assert run.passed


def test_the_cases_are_scored_by_the_pack_under_test_not_by_the_librarys(mini: Library) -> None:
    assert mini.pack_for("mini").id == "mini"  # which has no rule customer.first_low
    assert "customer.first_low" not in {r.id for r in mini.pack_for("mini").rules}
    assert run_pack_tests(PACKS / "covered", mini).passed


def test_a_rule_without_a_firing_and_a_non_firing_case_fails_the_pack(mini: Library) -> None:
    run = run_pack_tests(PACKS / "uncovered", mini)
    assert all(c.passed for c in run.cases)  # every case passes, yet the pack does not
    tests = PACKS / "uncovered" / "tests.yaml"
    assert [(str(p), p.code) for p in run.problems] == [
        (f"{tests}:2:1: $.cases: rule customer.first_high has no case where it fires", UNCOVERED),
        (f"{tests}:2:1: $.cases: rule customer.first_high has no case where it does not fire", UNCOVERED),
    ]  # fmt: skip
    assert not run.passed


def test_misspelt_rule_and_questionnaire_ids_in_cases_are_located_with_a_suggestion(
    mini: Library,
) -> None:
    run = run_pack_tests(PACKS / "typo", mini)
    tests = PACKS / "typo" / "tests.yaml"
    assert [(str(p), p.code) for p in run.problems] == [
        (f"{tests}:20:19: $.cases[2].expect.not_fired[0]: unknown rule 'customer.frist_low' (did you mean 'customer.first_low'?)", "unknown.rule"),
        (f"{tests}:22:20: $.cases[3].questionnaire: unknown questionnaire 'mni' (did you mean 'mini'?)", "unknown.questionnaire"),
        (f"{tests}:25:15: $.cases[3].expect.fired[0]: unknown rule 'maturity.overal_2' (did you mean 'maturity.overall_2'?)", "unknown.rule"),
    ]  # fmt: skip
    assert [c.name for c in run.cases] == ["all ones", "all threes", "all fours"]
    assert not run.passed


def test_dimensions_and_answers_a_case_gives_wrongly_are_located_in_tests_yaml(
    mini: Library,
) -> None:
    run = run_pack_tests(PACKS / "unsound", mini)
    tests = PACKS / "unsound" / "tests.yaml"
    assert [(str(p), p.code) for p in sorted(run.problems)] == [
        (f"{tests}:6:27: $.cases[0].dimensions.custmer: unknown dimension 'custmer' (did you mean 'customer'?)", "unknown.dimension"),
        (f"{tests}:7:31: $.cases[0].answers.customer.frist: unknown question 'customer.frist' (did you mean 'customer.first'?)", "unknown.question"),
        (f"{tests}:11:25: $.cases[0].expect.levels.custmer: unknown dimension 'custmer' (did you mean 'customer'?)", "unknown.dimension"),
        (f"{tests}:16:34: $.cases[1].respondents[0].dimensions.leadership: leadership.first: 9 is not on the scale (1, 2, 3, 4, 5)", "answers.off_scale"),
        (f"{tests}:16:34: $.cases[1].respondents[0].dimensions.leadership: leadership.second: 9 is not on the scale (1, 2, 3, 4, 5)", "answers.off_scale"),
        (f"{tests}:17:35: $.cases[1].respondents[0].answers.customer.first: customer.first: 7 is not on the scale (1, 2, 3, 4, 5)", "answers.off_scale"),
        (f"{tests}:21:49: $.cases[1].expect.finding_dimensions.customer.first_low[0]: unknown dimension 'custmer' (did you mean 'customer'?)", "unknown.dimension"),
    ]  # fmt: skip
    assert run.cases == ()  # neither case can be run
    assert not run.passed


def test_a_pack_without_tests_yaml_fails_as_uncovered(mini: Library, tmp_path: Path) -> None:
    pack = tmp_path / "untested"
    shutil.copytree(PACKS / "covered", pack, ignore=shutil.ignore_patterns("tests.yaml"))
    run = run_pack_tests(pack, mini)
    assert [(str(p), p.code) for p in run.problems] == [
        (f"{pack / 'tests.yaml'}: $: no tests.yaml: every rule needs a case where it fires and one "
         "where it does not", UNCOVERED)
    ]  # fmt: skip
    assert not run.passed


def test_tqm_test_fails_an_uncovered_pack_and_says_where(cli: Callable[..., Result]) -> None:
    result = cli("test", PACKS / "uncovered", "--content", MINI)
    assert result.exit_code == 1
    assert result.stdout == "2 passed, 0 failed\n"
    tests = PACKS / "uncovered" / "tests.yaml"
    assert f"{tests}:2:1: $.cases: rule customer.first_high has no case where it fires" in (
        result.stderr.splitlines()
    )


def test_tqm_test_fails_a_pack_with_a_misspelt_rule_in_not_fired(
    cli: Callable[..., Result],
) -> None:
    result = cli("test", PACKS / "typo", "--content", MINI)
    assert result.exit_code == 1
    assert "unknown rule 'customer.frist_low' (did you mean 'customer.first_low'?)" in result.stderr


def test_tqm_test_without_a_pack_holds_every_pack_of_the_content_to_its_tests(
    cli: Callable[..., Result],
) -> None:
    result = cli("test", "--content", MINI)  # the mini content's only pack has no tests.yaml
    assert result.exit_code == 1
    assert f"{MINI / 'rules' / 'mini' / 'tests.yaml'}: $: no tests.yaml" in result.stderr


def test_tqm_test_without_a_pack_runs_both_bundled_packs(
    cli: Callable[..., Result], library: Library
) -> None:
    result = cli("test")
    assert (result.exit_code, result.stderr) == (0, "")
    runs = [run_pack_tests(ROOT / "rules" / name, library) for name in ("tqm", "tqm-1")]
    assert [(run.problems, run.passed) for run in runs] == [((), True), ((), True)]


def test_tqm_test_passes_a_covered_pack(cli: Callable[..., Result]) -> None:
    result = cli("test", PACKS / "covered", "--content", MINI)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "2 passed, 0 failed\n", "")


# --- the tqm pack ----------------------------------------------------------------------------


def test_every_case_of_the_tqm_pack_passes(library: Library) -> None:
    run = run_pack_tests(PACK, library)
    assert {c.name: c.failures for c in run.cases if not c.passed} == {}
    assert run.problems == ()


def test_every_rule_has_a_case_where_it_fires_and_one_where_it_does_not(library: Library) -> None:
    rule_ids = [r.id for r in library.packs["tqm"].rules]
    assert coverage_problems(load_cases(PACK), rule_ids) == []


def test_the_pack_has_the_rules_the_product_relies_on(library: Library) -> None:
    rule_ids = {r.id for r in library.packs["tqm"].rules}
    required = {
        "leadership.cornerstone",
        "customer.voice_not_translated",
        "structure.silos_block_process",
        "learning.improvement_not_sustained",
        "performance.incentives_contradict_teams",
        "perception.leader_staff_gap",
    }
    assert required <= rule_ids
    assert len(rule_ids) >= 30


@pytest.mark.parametrize("questionnaire_id", ["tqm-quick", "tqm-audit"])
def test_every_question_feeds_a_dimension_index_and_a_rule(
    library: Library, questionnaire_id: str
) -> None:
    questionnaire = library.questionnaires[questionnaire_id]
    program = Program(library.pack_for(questionnaire_id), questionnaire)
    read = {
        f.split(".", 1)[1] for i in program.instances for f in i.facts if f.startswith("answer.")
    }
    assert all(q.weight > 0 for q in questionnaire.questions)  # every question counts in its index
    assert {q.id for q in questionnaire.questions} - read == set()
    levels_read = {f for i in program.instances for f in i.facts if f.startswith("index.")}
    assert {f"index.{d.id}" for d in questionnaire.dimensions} <= levels_read


def test_every_action_is_called_for_by_a_rule(library: Library) -> None:
    pack = library.packs["tqm"]
    called = {a for r in pack.rules for a in r.then.actions}
    assert set(pack.actions) - called == set()


def test_the_version_1_audit_has_eight_questions_per_dimension_with_every_anchor(
    library: Library,
) -> None:
    audit = library.resolve("tqm-audit@1")
    assert [len(d.questions) for d in audit.dimensions] == [8] * 6
    assert all(sorted(q.anchors) == [1, 2, 3, 4, 5] and q.evidence_prompt for q in audit.questions)
    assert all(any(q.critical for q in d.questions) for d in audit.dimensions)


def test_the_version_1_quick_scan_asks_audit_questions_unchanged(library: Library) -> None:
    audit, quick = library.resolve("tqm-audit@1"), library.resolve("tqm-quick@1")
    assert [len(d.questions) for d in quick.dimensions] == [3] * 6
    for question in quick.questions:
        original = audit.question(question.id)
        assert (
            question.text,
            question.anchors,
            question.options,
            question.critical,
            question.weight,
        ) == (original.text, original.anchors, original.options, original.critical, original.weight)


def strings(node: Any, path: str = "$") -> list[tuple[str, str, str]]:
    """Every {en, zh} text in a content document as (path, en, zh)."""
    if isinstance(node, dict):
        found = [(path, node["en"], node["zh"])] if {"en", "zh"} <= set(node) else []
        return found + [s for k, v in node.items() for s in strings(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [s for i, v in enumerate(node) for s in strings(v, f"{path}[{i}]")]
    return []


CONTENT_FILES = [
    "questionnaires/tqm-quick/1.yaml",
    "questionnaires/tqm-audit/1.yaml",
    "questionnaires/tqm-quick/2.yaml",
    "questionnaires/tqm-audit/2.yaml",
    "rules/tqm-1/pack.yaml",
    "rules/tqm/pack.yaml",
    "rules/tqm/actions.yaml",
    "rules/tqm/baselines.yaml",
]


@pytest.mark.parametrize("name", CONTENT_FILES)
def test_every_user_facing_string_is_in_english_and_natural_chinese(name: str) -> None:
    texts = strings(load_file(ROOT / name).data)
    assert texts
    for path, en, zh in texts:
        assert en.strip() and zh.strip(), path
        assert CJK.search(zh), f"{path}: zh has no Chinese characters: {zh!r}"
        assert not CJK.search(en), f"{path}: en has Chinese characters"


def test_ids_follow_the_naming_rules(library: Library) -> None:
    pack = library.packs["tqm"]
    ids = (
        [r.id for r in pack.rules]
        + list(pack.actions)
        + [q.id for q in library.questionnaires["tqm-audit"].questions]
    )
    assert [i for i in ids if not ID.match(i)] == []
    assert all(a.id.split(".")[0] == a.dimension for a in pack.actions.values())


def test_the_source_text_is_paraphrased_not_copied(library: Library) -> None:
    seed = ROOT.parent / "shared" / "seed" / "tqm-six-points.zh.txt"
    if not seed.exists():  # the seed sits beside the checkout in development and CI
        pytest.fail(f"seed text not found at {seed}")
    source = re.sub(r"\s", "", seed.read_text("utf-8"))
    runs = set()
    for name in CONTENT_FILES:
        for _, _, zh in strings(load_file(ROOT / name).data):
            text = re.sub(r"\s", "", zh)
            runs |= {text[i : i + 12] for i in range(len(text) - 11) if text[i : i + 12] in source}
    assert runs == set()
