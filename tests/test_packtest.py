"""The tqm content as a whole: its own cases pass, and meta-rules every pack must keep."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assessment.content.library import Library
from assessment.engine.evaluation import Program
from assessment.io.source import load_file
from assessment.packtest import coverage_problems, load_cases, run_pack_tests

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "rules" / "tqm"
CJK = re.compile(r"[\u4e00-\u9fff]")
ID = re.compile(r"^[a-z]+\.[a-z][a-z0-9_]*$")


def test_every_case_of_the_tqm_pack_passes(library: Library) -> None:
    failures = {c.name: c.failures for c in run_pack_tests(PACK, library) if not c.passed}
    assert failures == {}


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


def test_the_audit_has_eight_questions_per_dimension_with_every_anchor(library: Library) -> None:
    audit = library.questionnaires["tqm-audit"]
    assert [len(d.questions) for d in audit.dimensions] == [8] * 6
    assert all(sorted(q.anchors) == [1, 2, 3, 4, 5] and q.evidence_prompt for q in audit.questions)
    assert all(any(q.critical for q in d.questions) for d in audit.dimensions)


def test_the_quick_scan_asks_audit_questions_unchanged(library: Library) -> None:
    audit, quick = library.questionnaires["tqm-audit"], library.questionnaires["tqm-quick"]
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
