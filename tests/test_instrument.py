"""The bundled instrument, version 2: items, roles, results, migration, Chinese and actions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.frameworks import TQM

from assessment.content.conditions import facts_of
from assessment.content.library import build_questionnaire, load_library, questionnaire_problems
from assessment.content.model import Questionnaire
from assessment.io.files import load_file

ROOT = Path(__file__).resolve().parents[1]
AUDIT = ROOT / "questionnaires" / "tqm-audit" / "2.yaml"
QUICK = ROOT / "questionnaires" / "tqm-quick" / "2.yaml"
ACTIONS = ROOT / "rules" / "tqm" / "actions.yaml"
BASELINES = ROOT / "rules" / "tqm" / "baselines.yaml"
PACK = ROOT / "rules" / "tqm" / "pack.yaml"
GLOSSARY = ROOT / "docs" / "glossary.md"
SEED_HASHES = ROOT / "tests" / "data" / "seed-12gram-sha256.txt"
CHINESE_FILES = (AUDIT, QUICK, ACTIONS, BASELINES, PACK)

CJK = r"[\u4e00-\u9fff]"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"{CJK}\s*[,;:?()!]|[,;:?()!]\s*{CJK}")
# Items staff cannot answer from their own position: strategy, board-level reviews, cost of quality.
NOT_FOR_STAFF = (
    "customer.requirements_in_strategy",
    "leadership.quality_in_strategy",
    "leadership.customer_indicators_in_strategy",
    "leadership.quality_planning_ownership",
    "process.processes_linked_to_goals",
    "process.cost_of_quality",
    "performance.managers_as_coaches",
)


def _data(path: Path) -> Any:
    return load_file(path).data


def _questionnaire(path: Path) -> Questionnaire:
    return build_questionnaire(_data(path), str(path))


def _v1_path(questionnaire_id: str) -> Path:
    """Version 1 lives in questionnaires/<id>/1.yaml once versions are folders, else flat."""
    folder = ROOT / "questionnaires" / questionnaire_id / "1.yaml"
    return folder if folder.exists() else ROOT / "questionnaires" / f"{questionnaire_id}.yaml"


def _raw_questions(path: Path) -> Iterator[dict[str, Any]]:
    for dim in _data(path)["dimensions"]:
        yield from dim["questions"]


def _chinese_strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "zh" and isinstance(value, str):
                yield value
            else:
                yield from _chinese_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _chinese_strings(value)


def _all_chinese() -> Iterator[tuple[str, str]]:
    for path in CHINESE_FILES:
        for text in _chinese_strings(_data(path)):
            yield path.name, text


def _glossary() -> tuple[list[str], list[str]]:
    """Forbidden variants (last table column) and the allowed compounds of docs/glossary.md."""
    text = GLOSSARY.read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    forbidden = [term for row in rows[1:] for term in re.findall(r"`([^`]+)`", row.split("|")[-2])]
    allowed_line = next(line for line in text.splitlines() if line.startswith("Allowed compounds:"))
    return forbidden, re.findall(r"`([^`]+)`", allowed_line)


@pytest.mark.parametrize("path", [AUDIT, QUICK], ids=["audit", "quick"])
def test_the_version_2_questionnaires_load_without_problems(path: Path) -> None:
    assert questionnaire_problems(load_file(path)) == []
    assert _data(path)["version"] == 2


def test_every_chinese_string_uses_full_width_punctuation() -> None:
    bad = [(name, text) for name, text in _all_chinese() if HALF_WIDTH_NEXT_TO_CJK.search(text)]
    assert bad == []


@pytest.mark.parametrize("path", [AUDIT, QUICK], ids=["audit", "quick"])
def test_every_text_is_english_in_en_and_chinese_in_zh(path: Path) -> None:
    def texts(node: Any) -> Iterator[dict[str, str]]:
        if isinstance(node, dict):
            if {"en", "zh"} <= set(node):
                yield node
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)

    found = list(texts(_data(path)))
    assert len(found) > 100
    for text in found:
        assert re.search(CJK, text["zh"]) and not re.search(CJK, text["en"]), text


def test_no_chinese_string_uses_corner_brackets() -> None:
    assert [(name, text) for name, text in _all_chinese() if "「" in text or "」" in text] == []


def test_no_chinese_string_uses_a_variant_the_glossary_forbids() -> None:
    forbidden, allowed = _glossary()
    assert "客户" in forbidden and "审核" in forbidden and "流程" in forbidden
    bad = []
    for name, text in _all_chinese():
        for compound in allowed:
            text = text.replace(compound, "")
        bad += [(name, term, text) for term in forbidden if term in text]
    assert bad == []


def test_the_assessment_calls_itself_pinggu_in_both_titles() -> None:
    assert "评估" in _data(AUDIT)["title"]["zh"]
    assert "评估" in _data(QUICK)["description"]["zh"]


def test_no_run_of_twelve_characters_of_the_source_essay_appears() -> None:
    lines = SEED_HASHES.read_text(encoding="utf-8").splitlines()
    seed = {line for line in lines if line and not line.startswith("#")}
    copied = []
    for name, text in _all_chinese():
        chars = "".join(re.findall(CJK, text))
        for start in range(len(chars) - 11):
            run = chars[start : start + 12]
            if hashlib.sha256(run.encode()).hexdigest()[:16] in seed:
                copied.append((name, run))
    assert copied == []


@pytest.mark.parametrize("path", [AUDIT, QUICK], ids=["audit", "quick"])
def test_every_item_names_the_roles_that_can_answer_it(path: Path) -> None:
    for raw in _raw_questions(path):
        assert raw.get("roles"), raw["id"]
        assert set(raw["roles"]) <= set(TQM.role_ids), raw["id"]


def test_staff_are_not_asked_about_strategy_cost_of_quality_or_managers_appraisal() -> None:
    audit = _questionnaire(AUDIT)
    for qid in NOT_FOR_STAFF:
        assert "staff" not in audit.question(qid).roles, qid
    results = [q for q in audit.questions if q.kind == "result"]
    assert results and all("staff" not in q.roles for q in results)


def test_the_model_gives_all_roles_to_an_item_without_roles() -> None:
    data = _data(QUICK)
    del data["dimensions"][0]["questions"][0]["roles"]
    first = build_questionnaire(data).questions[0]
    assert first.roles == () and all(first.asks(role) for role in TQM.role_ids)


@pytest.mark.parametrize("path", [AUDIT, QUICK], ids=["audit", "quick"])
def test_every_dimension_has_practice_and_result_items(path: Path) -> None:
    questionnaire = _questionnaire(path)
    assert [d.id for d in questionnaire.dimensions] == list(TQM.dimension_ids)
    for dim in questionnaire.dimensions:
        kinds = [q.kind for q in dim.questions]
        assert "result" in kinds and "practice" in kinds, dim.id


def test_result_items_use_the_result_scale_and_name_their_measure() -> None:
    for q in _questionnaire(AUDIT).questions:
        if q.kind == "result":
            assert q.scale_id == "result5" and not q.critical, q.id
            assert q.evidence_prompt and q.evidence_prompt.en.startswith("Measure:"), q.id
            assert "three periods" in q.evidence_prompt.en, q.id
        else:
            assert q.scale_id in {"practice5", "frequency5"}, q.id


def test_every_item_allowing_na_says_why() -> None:
    for q in _questionnaire(AUDIT).questions:
        assert (q.na_reason is not None) == q.allow_na, q.id


def test_reverse_keyed_items_exist_and_score_flipped() -> None:
    reverse = [q for q in _questionnaire(AUDIT).questions if q.reverse]
    assert len(reverse) >= 3
    for q in reverse:
        assert q.scale_id == "frequency5" and not q.critical
        assert q.normalise(5) == 0.0 and q.normalise(1) == 100.0


def test_every_dimension_keeps_a_critical_gate_item() -> None:
    audit = _questionnaire(AUDIT)
    for dim in audit.dimensions:
        assert any(q.critical and q.kind == "practice" for q in dim.questions), dim.id


def test_the_quick_scan_is_a_strict_subset_of_the_audit_with_identical_wording() -> None:
    audit, quick = _questionnaire(AUDIT), _questionnaire(QUICK)
    assert 18 <= len(quick.questions) <= 24 < len(audit.questions)
    for q in quick.questions:
        same = audit.question(q.id)
        for field in ("text", "anchors", "scale_id", "critical", "reverse", "allow_na", "roles"):
            assert getattr(q, field) == getattr(same, field), (q.id, field)
        assert (q.kind, q.na_reason, q.weight) == (same.kind, same.na_reason, same.weight)


@pytest.mark.parametrize("questionnaire_id", ["tqm-audit", "tqm-quick"])
def test_the_migration_names_v1_ids_on_the_old_side_and_v2_ids_on_the_new(
    questionnaire_id: str,
) -> None:
    v1 = build_questionnaire(_data(_v1_path(questionnaire_id))).question_ids
    v2_path = ROOT / "questionnaires" / questionnaire_id / "2.yaml"
    v2 = _questionnaire(v2_path).question_ids
    migration = _data(v2_path)["migration"]
    assert migration["from"] == 1
    renamed, split = migration.get("renamed", {}), migration.get("split", {})
    merged, removed = migration.get("merged", []), migration.get("removed", [])
    reworded = migration.get("reworded", [])
    old = list(renamed) + list(split) + removed + [i for m in merged for i in m["from"]]
    new = list(renamed.values()) + [m["into"] for m in merged]
    new += [i for ids in split.values() for i in ids]
    assert set(old) <= v1 and set(new) <= v2
    assert set(reworded) <= v1 & v2
    assert set(old) | set(reworded) == v1  # every v1 item is accounted for
    assert all(len(ids) >= 2 for ids in split.values())  # a one-to-one split is a rename


def test_every_v1_item_appears_in_the_change_table_of_content_md() -> None:
    content = (ROOT / "CONTENT.md").read_text(encoding="utf-8")
    v1 = build_questionnaire(_data(_v1_path("tqm-audit"))).question_ids
    missing = [
        qid for qid in sorted(v1) if not re.search(rf"^\| `{re.escape(qid)}` \|", content, re.M)
    ]
    assert missing == []


def test_every_action_lifts_at_most_one_level() -> None:
    for action in _data(ACTIONS)["actions"]:
        assert action["lifts"]["to"] == action["lifts"]["from"] + 1, action["id"]


def test_every_prerequisite_starts_no_higher_than_the_action_needing_it() -> None:
    actions = {a["id"]: a for a in _data(ACTIONS)["actions"]}
    for action in actions.values():
        for required in action.get("requires", []):
            assert required in actions, (action["id"], required)
            if actions[required]["dimension"] == action["dimension"]:
                assert actions[required]["lifts"]["from"] <= action["lifts"]["from"], action["id"]


def test_the_well_known_practices_are_in_the_catalogue() -> None:
    ids = {a["id"] for a in _data(ACTIONS)["actions"]}
    for practice in (
        "learning.qc_circles",
        "process.five_s",
        "process.fmea",
        "process.poka_yoke",
        "process.cost_of_quality_reporting",
        "process.supplier_development",
        "leadership.iso9001_management_review",
        "learning.excellence_self_assessment",
        "performance.engagement_survey",
    ):
        assert practice in ids, practice


def test_the_version_1_pack_still_judges_version_1_and_pack_3_judges_version_2() -> None:
    library = load_library(ROOT)
    for questionnaire_id in ("tqm-audit", "tqm-quick"):
        old, new = library.pack_for(questionnaire_id, 1), library.pack_for(questionnaire_id)
        assert (old.id, old.version, Path(old.path).name) == ("tqm", "2.0.0", "tqm-1")
        assert (new.id, new.version, Path(new.path).name) == ("tqm", "3.0.0", "tqm")


def test_every_item_of_both_versions_2_is_read_by_a_rule_and_every_action_called_for() -> None:
    library = load_library(ROOT)
    pack = library.pack_for("tqm-audit")
    read = {f.split(".", 1)[1] for r in pack.rules for f in facts_of(r.when) if "." in f}
    for questionnaire_id in ("tqm-audit", "tqm-quick"):
        asked = library.questionnaires[questionnaire_id].question_ids
        assert asked - read == set(), questionnaire_id
    assert set(pack.actions) - {a for r in pack.rules for a in r.then.actions} == set()
