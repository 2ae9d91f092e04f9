"""Many respondents: consensus items, response patterns, the perception gap and the statistics shown."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from helpers.answers import answers_data

from assessment.content.library import Library
from assessment.content.model import Dimension
from assessment.engine.answers import Respondent, Response, load_answers, parse_answers
from assessment.engine.pipeline import assess as run_pipeline
from assessment.engine.scoring import (
    RoleGroups,
    leader_staff_gap,
    straight_lines,
    unanswered_share,
)
from assessment.io.source import Document


def assess(answers: Any, library: Any, lang: str = "en", **options: Any) -> dict[str, Any]:
    """The result document (tqm-result/1) of an answer set, as these tests read it."""
    return run_pipeline(answers, library, **options).to_document(lang)


DATA = Path(__file__).parent / "data" / "answers"
ROOT = Path(__file__).resolve().parent.parent
# The consensus statistics are shown on the version-1 quick scan: every item asked of every role.
QUICK_V1 = "tqm-quick@1"


def findings_of(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in result["findings"]}


def team(library: Library, questionnaire: str, *people: tuple[str, Any, dict[str, Any]]) -> Any:
    responses = [
        {
            "respondent": {"id": f"p{i}", "role": role},
            "answers": answers_data(library, questionnaire, fill)["answers"] | extra,
        }
        for i, (role, fill, extra) in enumerate(people)
    ]
    data = {"questionnaire": questionnaire, "responses": responses}
    return parse_answers(Document("t", data), library)


def test_items_two_points_apart_are_listed_for_discussion_per_dimension(library: Library) -> None:
    result = assess(load_answers(DATA / "quick-team-split.yaml", library), library)
    consensus = findings_of(result)["consensus.discuss_items"]
    assert sorted(consensus["dimensions"]) == ["customer", "process"]
    assert "process.cross_boundary_flow" in [e["question"] for e in consensus["evidence"]]
    assert "discuss these items" in consensus["title"]


def test_a_gap_with_two_leaders_and_two_staff_reports_hedges_g(library: Library) -> None:
    result = assess(load_answers(DATA / "quick-team-split.yaml", library), library)
    gap = findings_of(result)["perception.leader_staff_gap"]
    # leaders' own customer indices 100 and 75, staff 25 and 0: pooled SD 17.68, d = 4.24,
    # g = d * (1 - 3 / 7) = 2.42
    assert gap["severity"] == "medium"
    assert "2 leaders, 2 staff" in gap["detail"]
    assert "Hedges' g = 2.4" in gap["detail"]
    assert "perception.leader_staff_gap_indicative" not in findings_of(result)


def test_one_leader_against_one_staff_member_is_only_indicative(library: Library) -> None:
    answers = team(
        library,
        QUICK_V1,
        ("leader", 3, {q: 5 for q in _dimension_ids(library, "customer")}),
        ("staff", 3, {q: 2 for q in _dimension_ids(library, "customer")}),
    )
    findings = findings_of(assess(answers, library))
    assert "perception.leader_staff_gap" not in findings
    indicative = findings["perception.leader_staff_gap_indicative"]
    assert indicative["severity"] == "low"
    assert "1 leader(s) and 1 staff" in indicative["detail"]


def _dimension_ids(library: Library, dim: str) -> list[str]:
    return [q.id for q in library.resolve(QUICK_V1).questions if q.dimension == dim]


def test_an_item_asked_only_of_leaders_is_left_out_of_the_leader_staff_comparison(
    library: Library,
) -> None:
    base = library.resolve(QUICK_V1).dimension("customer")
    assert base is not None and len(base.questions) >= 2  # the item to restrict, and the rest
    first, *rest = base.questions
    only_leaders = replace(first, roles=("leader",))
    dim = Dimension(base.id, base.title, None, 1.0, (only_leaders, *rest))
    people = [
        _respondent("leader", {first.id: 5, **{q.id: 3 for q in rest}}),
        _respondent("staff", {first.id: 1, **{q.id: 3 for q in rest}}),
    ]
    gap = leader_staff_gap(
        dim, people, RoleGroups.of(library.framework_of(library.resolve(QUICK_V1)), people)
    )
    assert gap is not None and gap.gap == 0.0
    assert (gap.leader_n, gap.staff_n, gap.hedges_g) == (1, 1, None)


def _respondent(role: str, values: dict[str, float]) -> Respondent:
    return Respondent(role, role, {q: Response(float(v)) for q, v in values.items()})


def test_the_same_answer_to_every_item_is_straight_lining_from_ten_items() -> None:
    assert straight_lines(_respondent("staff", {f"q{i}": 4 for i in range(10)}))
    assert not straight_lines(_respondent("staff", {f"q{i}": 4 for i in range(9)}))
    assert not straight_lines(_respondent("staff", {**{f"q{i}": 4 for i in range(12)}, "q0": 3}))


def test_a_straight_lining_respondent_raises_a_confidence_finding(library: Library) -> None:
    answers = team(
        library, QUICK_V1, ("manager", 3, {"customer.voice_to_design": 4}), ("staff", 2, {})
    )
    finding = findings_of(assess(answers, library))["confidence.straight_lining"]
    assert finding["detail"].startswith("1 respondent(s)")


def test_the_share_of_unrated_items_counts_na_unknown_and_blanks(library: Library) -> None:
    quick = library.resolve(QUICK_V1)
    ids = [q.id for q in quick.questions]
    answers = {q: Response(3.0) for q in ids[:9]} | {ids[9]: Response(None, "unknown")}
    assert unanswered_share(quick, Respondent("r", "staff", answers)) == 0.5


def test_a_respondent_who_knows_almost_nothing_is_flagged(library: Library) -> None:
    answers = team(library, QUICK_V1, ("manager", 3, {}), ("customer", "unknown", {}))
    findings = findings_of(assess(answers, library, "zh"))
    assert "1" in findings["confidence.mostly_unanswered"]["detail"]


def test_the_result_gives_statistics_per_dimension_with_the_reason_when_missing(
    library: Library,
) -> None:
    result = assess(load_answers(ROOT / "examples" / "team.csv", library), library)
    stats = result["dimensions"]["leadership"]["statistics"]
    assert stats["respondents"] == {"total": 4, "by_role": {"leader": 1, "manager": 1, "staff": 2}}
    assert stats["cronbach_alpha"] is None
    assert "3 respondents" in stats["not_computed"]["cronbach_alpha"]
    assert 0 <= stats["rwg_j"] <= 1


def test_a_single_respondent_has_no_alpha_and_no_rwg(library: Library) -> None:
    data = answers_data(library, QUICK_V1, 3)
    result = assess(parse_answers(Document("t", data), library), library, "zh")
    stats = result["dimensions"]["customer"]["statistics"]
    assert (stats["cronbach_alpha"], stats["rwg_j"]) == (None, None)
    assert set(stats["not_computed"]) == {"cronbach_alpha", "rwg_j"}
    assert "答卷人" in stats["not_computed"]["rwg_j"]
