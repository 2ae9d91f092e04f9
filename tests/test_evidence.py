"""Evidence, the way examiners treat it: what counts, verified values, claimed and verified levels."""

from __future__ import annotations

import random
from typing import Any

import pytest
from helpers.answers import answers_data, random_answers_data, role_answers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.content.library import Library
from assessment.engine.answers import parse_answers
from assessment.engine.evaluation import judge
from assessment.engine.evidence import counts_as_evidence
from assessment.engine.pipeline import assess as run_pipeline
from assessment.engine.pipeline import program_for
from assessment.engine.scoring import score_profile
from assessment.io.source import Document


def assess(answers: Any, library: Any, lang: str = "en", **options: Any) -> dict[str, Any]:
    """The result document (tqm-result/1) of an answer set, as these tests read it."""
    return run_pipeline(answers, library, **options).to_document(lang)


COUNTS = [
    "SIPOC maps of order-to-delivery and returns, 2026",
    "process map v2, 2026-09",
    "Minutes of the quality council, 2026-09-14",
    "QFD matrix for the 2026 product range",
    "Customer satisfaction survey report Q3 2026",
    "Complaint register, reviewed monthly",
    "Management review minutes, March 2026",
    "Kaizen A3 reports since 2024",
    "Observed the daily tier meeting on line 3, 30/09/2026",
    "Bonus scheme FY26",
    "2026年第三季度顾客满意度调查报告",
    "质量委员会会议纪要（2026年9月）",
    "流程图 v2，2026-09",
    "每月召开的质量例会记录",
    "2026年上半年内部审核报告",
]
DOES_NOT_COUNT = [
    "",
    "   ",
    "yes",
    "Yes.",
    "n/a",
    "N/A",
    "see above",
    "See above!",
    "minutes",
    "documented and seen on site",
    "process map",
    "2026",
    "Q3 2026",
    "yes 2026",
    "有",
    "有。",
    "同上",
    "见附件",
    "2026年",
    "2026年 有",
    "会议纪要",
]


@pytest.mark.parametrize("text", COUNTS)
def test_a_named_record_with_a_date_or_period_counts_as_evidence(text: str) -> None:
    assert counts_as_evidence(text)


@pytest.mark.parametrize("text", DOES_NOT_COUNT)
def test_placeholders_single_words_and_undated_texts_do_not_count(text: str) -> None:
    assert not counts_as_evidence(text)


def audit(library: Library, fill: Any = 5, **answers: Any) -> Any:
    data = answers_data(library, "tqm-audit", fill, **answers)
    return parse_answers(Document("t", data), library)


def test_one_leader_answering_5_everywhere_without_evidence_is_verified_at_level_3(
    library: Library,
) -> None:
    result = assess(audit(library, 5), library)
    assert {d["level"] for d in result["dimensions"].values()} == {3}
    assert {d["claimed"]["level"] for d in result["dimensions"].values()} == {5}
    assert result["overall"]["level"] == 3
    assert result["verification"]["basis"] == "verified"
    asked = len(library.questionnaires["tqm-audit"].questions)
    assert result["verification"]["unverified_ratings"] == asked
    assert result["verification"]["claimed"] == {"index": 100.0, "level": 5}
    rules = {f["rule"]: f for f in result["findings"]}
    assert len(rules["confidence.unverified_claims"]["evidence"]) == asked
    assert "confidence.unsupported_claim" not in rules


def test_unevidenced_ratings_above_3_count_as_3_and_lower_ratings_are_kept(
    library: Library,
) -> None:
    answers = audit(library, 3, customer__voice_to_design=5, customer__voice_capture=2)
    profile = score_profile(answers)
    assert profile.items["customer.voice_to_design"] == 3.0
    assert profile.items["customer.voice_capture"] == 2.0
    assert profile.claimed is not None
    assert profile.claimed.items["customer.voice_to_design"] == 5.0
    assert profile.unverified == {"customer.voice_to_design": 1}


def test_dated_evidence_from_one_respondent_verifies_the_groups_answer(library: Library) -> None:
    audit_items = library.questionnaires["tqm-audit"]
    data = {
        "questionnaire": "tqm-audit",
        "responses": [
            {
                "respondent": {"role": "leader"},
                "answers": role_answers(audit_items, "leader", 3)
                | {
                    "performance.appraisal_improvement": {
                        "value": 4,
                        "evidence": "appraisal forms 2026",
                    }
                },
            },
            {
                "respondent": {"role": "staff"},
                "answers": role_answers(audit_items, "staff", 3)
                | {"performance.appraisal_improvement": 5},
            },
        ],
    }
    profile = score_profile(parse_answers(Document("t", data), library))
    assert profile.items["performance.appraisal_improvement"] == 4.5
    assert profile.evidence["performance.appraisal_improvement"]
    assert profile.claimed is None  # nothing was capped: claimed and verified are the same


def test_the_quick_scan_stays_self_reported(library: Library) -> None:
    data = answers_data(library, "tqm-quick", 5)
    result = assess(parse_answers(Document("t", data), library), library, "zh")
    assert result["verification"]["basis"] == "self_reported"
    assert result["verification"]["note"].startswith("自评结果")
    assert "claimed" not in result["verification"]
    assert {d["level"] for d in result["dimensions"].values()} == {5}
    assert all("claimed" not in d for d in result["dimensions"].values())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_verified_levels_never_exceed_claimed_ones_and_stay_at_3_or_below_without_evidence(
    library: Library, data: st.DataObject
) -> None:
    questions = library.questionnaires["tqm-audit"].questions
    size = len(questions)
    values = data.draw(st.lists(st.integers(1, 5), min_size=size, max_size=size))
    answers = {
        "questionnaire": "tqm-audit",
        "answers": dict(zip([q.id for q in questions], values, strict=True)),
    }
    result = assess(parse_answers(Document("t", answers), library), library)
    for dim in result["dimensions"].values():
        assert dim["level"] <= min(3, dim["claimed"]["level"])
        assert dim["index"] <= dim["claimed"]["index"]
    assert result["overall"]["level"] <= result["verification"]["claimed"]["level"]


def test_engine_and_reference_agree_on_the_claimed_levels(library: Library) -> None:
    rng = random.Random("claimed")
    program = program_for(library.pack_for("tqm-audit"), library.questionnaires["tqm-audit"])
    for _ in range(100):
        answers = parse_answers(
            Document("t", random_answers_data(library, "tqm-audit", rng)), library
        )
        profile = score_profile(answers)
        by_engine = judge(program, profile, use_engine=True, trace=False).claimed
        by_reference = judge(program, profile, use_engine=False, trace=False).claimed
        assert (by_engine is None) == (by_reference is None) == (profile.claimed is None)
        if by_engine and by_reference:
            assert by_engine.levels == by_reference.levels
            assert by_engine.overall_level == by_reference.overall_level
