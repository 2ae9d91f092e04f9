"""The roadmap planner: dependency order, capacity, projections, cornerstone first, determinism."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.content.library import Library
from assessment.content.model import Action, Text
from assessment.engine.answers import parse_answers
from assessment.engine.findings import FindingResult
from assessment.engine.pipeline import assess
from assessment.engine.roadmap import (
    Reason,
    Situation,
    plan_roadmap,
    priority,
    project,
    target_level,
)
from assessment.io.source import Document

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def result_for(library: Library, answers: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = {"questionnaire": "tqm-audit", "organisation": "R", "answers": answers}
    answer_set = parse_answers(Document("t", data), library)
    return assess(answer_set, library, trace=False, **kwargs).to_document("en")


def audit_answers(library: Library, fill: int, **dims: int) -> dict[str, Any]:
    """Answers whose ratings above 3 carry dated evidence, so their verified values are as given."""
    positions = [
        (q, dims.get(q.dimension, fill)) for q in library.questionnaires["tqm-audit"].questions
    ]
    # a position above 3 carries evidence; a reverse-keyed item is answered at the mirror
    return {
        q.id: {"value": q.answer_at(v), "evidence": "site audit record, 2026-09"}
        if v > 3
        else q.answer_at(v)
        for q, v in positions
    }


def planned(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for phase in result["roadmap"] for a in phase["actions"]]


def check_plan(library: Library, result: dict[str, Any]) -> None:
    """The invariants every plan must keep."""
    catalogue = library.packs["tqm"].actions
    phase_of = {a["id"]: p["phase"] for p in result["roadmap"] for a in p["actions"]}
    seen: set[str] = set()
    for action in planned(result):
        for required in catalogue[action["id"]].requires:
            assert required in seen, f"{action['id']} is listed before {required}"
            assert phase_of[required] <= phase_of[action["id"]]
        seen.add(action["id"])
    for phase in result["roadmap"]:
        assert phase["effort_days"] <= phase["capacity_days"]
    previous = {d: v["index"] for d, v in result["dimensions"].items()}
    for phase in result["roadmap"]:
        for dim, value in phase["projected"].items():
            assert previous[dim] <= value <= 100
        previous = phase["projected"]


def test_a_traditional_organisation_gets_a_feasible_plan_with_foundations_first(
    library: Library,
) -> None:
    result = result_for(library, audit_answers(library, 1))
    check_plan(library, result)
    first = planned(result)[0]
    assert first["dimension"] == "leadership"
    assert result["plan"]["cornerstone_first"] is True
    assert result["plan"]["deferred"], (
        "an organisation starting from scratch cannot do everything in 24 months"
    )


def test_leadership_leads_when_it_caps_the_overall_level(library: Library) -> None:
    result = result_for(library, audit_answers(library, 5, leadership=2))
    assert result["overall"]["caps"]
    check_plan(library, result)
    ready_first = [a for a in planned(result) if not a["requires"]]
    assert ready_first[0]["dimension"] == "leadership"


def test_without_the_cornerstone_the_highest_priority_ready_action_leads(library: Library) -> None:
    result = result_for(library, audit_answers(library, 4, leadership=5, process=2))
    assert result["plan"]["cornerstone_first"] is False
    first = planned(result)[0]
    # ready (nothing required) and there for a finding or a prerequisite, not for the cornerstone
    # (in the version-2 catalogue a leadership foundation may lead because a process finding needs it)
    assert not first["requires"] and "leadership.cornerstone" not in first["because"]


def test_every_action_says_why_it_is_there(library: Library) -> None:
    result = result_for(library, audit_answers(library, 2))
    fired = {f["rule"] for f in result["findings"]}
    for action in planned(result):
        assert action["because"]
        for reason in action["because"]:
            assert reason in fired or reason.startswith(("gap.", "prerequisite:"))


def test_a_smaller_capacity_moves_actions_later_and_says_so(library: Library) -> None:
    roomy = result_for(library, audit_answers(library, 2), days_per_month=40)
    tight = result_for(library, audit_answers(library, 2), days_per_month=5)
    check_plan(library, tight)
    assert len(planned(tight)) < len(planned(roomy))
    assert len(tight["plan"]["deferred"]) > len(roomy["plan"]["deferred"])


def test_a_total_quality_organisation_needs_no_roadmap(library: Library) -> None:
    assert planned(result_for(library, audit_answers(library, 5))) == []


def test_the_same_input_gives_the_same_plan(library: Library) -> None:
    answers = audit_answers(library, 2, customer=4)
    assert result_for(library, answers)["roadmap"] == result_for(library, answers)["roadmap"]


@SETTINGS
@given(data=st.data())
def test_random_organisations_get_plans_that_keep_every_invariant(
    library: Library, data: st.DataObject
) -> None:
    questions = library.questionnaires["tqm-audit"].questions
    answers = {q.id: data.draw(st.integers(1, 5)) for q in questions}
    check_plan(
        library,
        result_for(library, answers, days_per_month=data.draw(st.sampled_from([5, 20, 60]))),
    )


ACTION = Action(
    "customer.x", "customer", Text("X", "甲"), Text("d", "乙"), 1, 3, 10, 4, 5, (), Text("k", "丙")
)


@pytest.mark.parametrize(("target", "level"), [(0, 1), (24.9, 1), (25, 2), (85, 4), (100, 5)])
def test_target_level_is_the_level_whose_uniform_index_the_target_reaches(
    target: float, level: int
) -> None:
    assert target_level(target) == level


def test_priority_follows_the_documented_formula() -> None:
    situation = Situation(
        {"customer": 40.0},
        {"customer": 2},
        {"customer": 80.0},
        [FindingResult("r1", "risk", "high", (), Text("", ""), Text("", ""), (), ("customer.x",))],
        False,
    )
    assert priority(ACTION, [Reason("finding", "r1")], situation) == (40 + 10 * 3) * 5 / 10


def test_projection_moves_toward_the_lifted_level_and_never_past_100() -> None:
    assert project({"customer": 10.0}, [ACTION]) == {
        "customer": 50.0
    }  # toward 25*(3-1) by impact 5/5
    assert project({"customer": 90.0}, [ACTION]) == {"customer": 90.0}
    assert project({"customer": None}, [ACTION]) == {"customer": None}


def test_plan_roadmap_lists_four_phases_with_their_months() -> None:
    situation = Situation({"customer": 10.0}, {"customer": 1}, {"customer": 80.0}, [], False)
    roadmap = plan_roadmap(situation, {ACTION.id: ACTION})
    assert [p.months for p in roadmap.phases] == [(0, 3), (3, 6), (6, 12), (12, 24)]
    assert [a.action.id for a in roadmap.phases[0].actions] == ["customer.x"]
    assert roadmap.deferred == ()


def test_reasons_read_back_from_their_document_strings() -> None:
    reasons = [
        Reason("finding", "a.rule"),
        Reason("gap", "customer"),
        Reason("prerequisite", "x.y"),
    ]
    assert [str(r) for r in reasons] == ["a.rule", "gap.customer", "prerequisite:x.y"]
    assert [Reason.parse(str(r)) for r in reasons] == reasons
