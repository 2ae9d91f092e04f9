"""The roadmap planner: weeks and prerequisites, capacity and effort by size, one level per action,
foundations first, practices in place skipped, cornerstone first, determinism."""

from __future__ import annotations

import math
from typing import Any

import pytest
from helpers.strategies import valid_answers
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
    target_level,
)
from assessment.engine.schedule import (
    Slot,
    capacity_per_month,
    effort_factor,
    embed_weeks,
    level_steps,
    projected_at,
)
from assessment.io.source import Document

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def result_for(
    library: Library,
    answers: dict[str, Any],
    size: int | None = None,
    questionnaire: str = "tqm-audit",
    **kwargs: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {"questionnaire": questionnaire, "organisation": "R", "answers": answers}
    if size is not None:
        data["organisation_size"] = size
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
    skipped = {s["id"] for s in result["plan"]["skipped"]}
    weeks = {a["id"]: a["weeks"] for a in planned(result)}
    phase_of = {a["id"]: p["phase"] for p in result["roadmap"] for a in p["actions"]}
    seen: set[str] = set()
    for action in planned(result):
        start, end = action["weeks"]
        assert end - start >= catalogue[action["id"]].duration_weeks
        for required in catalogue[action["id"]].requires:
            if required in skipped:
                continue
            assert required in seen, f"{action['id']} is listed before {required}"
            assert phase_of[required] <= phase_of[action["id"]]
            assert weeks[required][1] <= start, f"{action['id']} starts before {required} ends"
        seen.add(action["id"])
    assert not seen & skipped
    for action in planned(result):  # it starts once its dimension can be at the level it builds on
        now = result["dimensions"][action["dimension"]]["level"]
        before = [
            a for a in planned(result)
            if a["dimension"] == action["dimension"] and a["weeks"][1] <= action["weeks"][0]
        ]  # fmt: skip
        assert len(before) >= action["lifts"][0] - now, f"{action['id']} starts too early"
    for phase in result["roadmap"]:
        first, last = phase["weeks"]
        assert all(first < a["weeks"][1] <= last for a in phase["actions"]), "ends in its phase"
        assert phase["effort_days"] <= phase["capacity_days"]
    previous = {d: v["index"] for d, v in result["dimensions"].items()}
    for phase in result["roadmap"]:
        for dim, value in phase["projected"].items():
            if value is None:  # nothing scored in this dimension: nothing projected
                assert previous[dim] is None
                continue
            assert previous[dim] <= value <= 100
        previous = phase["projected"]


def test_a_traditional_organisation_starts_with_its_foundations_and_keeps_them(
    library: Library,
) -> None:
    result = result_for(library, audit_answers(library, 1), size=20)  # little capacity
    check_plan(library, result)
    catalogue = library.packs["tqm"].actions
    foundations = {a.id for a in catalogue.values() if a.foundation}
    assert foundations, "the catalogue marks its foundation actions"
    assert result["plan"]["foundation_first"] is True
    weeks = {a["id"]: a["weeks"] for a in planned(result)}
    for action_id in foundations:  # each starts as soon as what it needs has finished: what it
        action = catalogue[action_id]  # requires, and the action lifting its dimension from
        needs = [weeks[r][1] for r in action.requires]  # level 1 to the level it builds on
        if action.lift_from > 1:
            needs.append(min(
                end for other, (_, end) in weeks.items()
                if catalogue[other].dimension == action.dimension
                and catalogue[other].lift_from < action.lift_from <= catalogue[other].lift_to
            ))  # fmt: skip
        assert weeks[action_id][0] == max(needs, default=0), action_id
    assert not foundations & set(result["plan"]["deferred"])
    assert result["plan"]["deferred"], "20 people cannot do everything in 24 months"
    assert planned(result)[0]["dimension"] == "leadership"
    assert result["plan"]["cornerstone_first"] is True


def test_a_prerequisite_chain_longer_than_a_phase_spans_phases(library: Library) -> None:
    result = result_for(library, audit_answers(library, 1))
    weeks = {a["id"]: a["weeks"] for a in planned(result)}
    phase_of = {a["id"]: p["phase"] for p in result["roadmap"] for a in p["actions"]}
    catalogue = library.packs["tqm"].actions
    # quality council -> policy -> business planning, each starting when the one before ends
    chain = ["quality_council", "quality_policy_vision", "quality_in_business_planning"]
    start = 0
    for action_id in (f"leadership.{name}" for name in chain):
        end = start + math.ceil(catalogue[action_id].duration_weeks)
        assert weeks[action_id] == [start, end]
        start = end
    phases = [phase_of[f"leadership.{name}"] for name in chain]
    assert phases == sorted(phases) and phases[0] == 1 and phases[-1] > 1, "spans phases"
    assert [p["weeks"] for p in result["roadmap"]] == [[0, 13], [13, 26], [26, 52], [52, 104]]


def test_an_organisation_at_level_one_is_not_projected_past_level_three_in_its_first_year(
    library: Library,
) -> None:
    result = result_for(library, audit_answers(library, 1), size=5000)
    first_year = next(p for p in result["roadmap"] if p["months"][1] == 12)
    assert max(first_year["projected_levels"].values()) == 3
    assert max(first_year["projected"].values()) == 50.0


def test_leadership_leads_when_it_caps_the_overall_level(library: Library) -> None:
    # little capacity, so the order shows: the ready leadership actions take the first weeks
    result = result_for(library, audit_answers(library, 5, leadership=2), days_per_month=10)
    assert result["overall"]["caps"] and result["plan"]["cornerstone_first"] is True
    check_plan(library, result)
    skipped = {s["id"] for s in result["plan"]["skipped"]}  # the council is in place at level 2
    ready = sorted(
        (a for a in planned(result) if set(a["requires"]) <= skipped), key=lambda a: a["weeks"]
    )
    leading = [a["weeks"][0] for a in ready if a["dimension"] == "leadership"]
    others = [a["weeks"][0] for a in ready if a["dimension"] != "leadership"]
    assert ready[0]["dimension"] == "leadership" and others
    assert max(leading) < min(others)


def test_without_the_cornerstone_the_highest_priority_ready_action_leads(library: Library) -> None:
    result = result_for(library, audit_answers(library, 4, leadership=5, process=2))
    assert result["plan"]["cornerstone_first"] is False
    skipped = {s["id"] for s in result["plan"]["skipped"]}
    first = planned(result)[0]
    assert set(first["requires"]) <= skipped, "ready: whatever it requires is in place"
    # there for a finding or a prerequisite, not for the cornerstone (in the version-2 catalogue a
    # leadership foundation may lead because a process finding needs it)
    assert "leadership.cornerstone" not in first["because"]


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


def test_effort_and_capacity_follow_the_stated_size_rules(library: Library) -> None:
    assert capacity_per_month(300) == 126.0 and capacity_per_month(1) == 2.0
    assert effort_factor(300) == 1.0
    assert effort_factor(3000) == pytest.approx(10**0.7)
    small = result_for(library, audit_answers(library, 2), size=30)
    default = result_for(library, audit_answers(library, 2))
    assert default["plan"]["organisation_size"] == 300 and default["plan"]["size_given"] is False
    assert small["plan"]["organisation_size"] == 30 and small["plan"]["size_given"] is True
    assert small["plan"]["days_per_month"] == 12.6
    catalogue = library.packs["tqm"].actions
    for action in planned(small):
        reference = catalogue[action["id"]].effort_days
        assert action["reference_effort_days"] == reference
        assert action["effort_days"] == round(reference * 0.1**0.7, 1)
    check_plan(library, small)


def test_a_small_organisation_needs_longer_than_a_large_one(library: Library) -> None:
    def last_end(result: dict[str, Any]) -> int:
        return max(a["weeks"][1] for a in planned(result))

    small = result_for(library, audit_answers(library, 1), size=10)
    large = result_for(library, audit_answers(library, 1), size=3000)
    assert len(planned(small)) < len(planned(large)) or last_end(small) > last_end(large)


def test_actions_whose_practice_is_in_place_are_skipped_not_planned(library: Library) -> None:
    result = result_for(library, audit_answers(library, 2, leadership=4, learning=4))
    check_plan(library, result)
    skipped = {s["id"]: s for s in result["plan"]["skipped"]}
    assert "leadership.quality_council" in skipped, "required by others, but in place"
    assert skipped["leadership.quality_council"] == {
        "id": "leadership.quality_council",
        "dimension": "leadership",
        "level": 4,
        "aims_at": library.packs["tqm"].actions["leadership.quality_council"].lift_to,
    }
    for action in planned(result):
        level = result["dimensions"][action["dimension"]]["level"]
        assert action["lifts"][1] > level or any(
            not r.startswith(("gap.", "prerequisite:")) for r in action["because"]
        )


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
    questionnaire = data.draw(st.sampled_from(["tqm-audit", "tqm-quick"]))
    answers = valid_answers(library, questionnaire, data.draw)
    size = data.draw(st.none() | st.integers(1, 100_000))
    capacity = data.draw(st.sampled_from([None, None, 5, 60]))
    result = result_for(library, answers, size, questionnaire, days_per_month=capacity)
    check_plan(library, result)
    catalogue = library.packs["tqm"].actions
    levels = {d: v["level"] for d, v in result["dimensions"].items()}
    first_year = next(p for p in result["roadmap"] if p["months"][1] == 12)
    last = result["roadmap"][-1]
    for dim, level in levels.items():
        if level == 1:  # one level per action, each held before the next: <= 3 in 1 year, 4 in 2
            assert first_year["projected_levels"][dim] <= 3
            assert last["projected_levels"][dim] <= 4
    for phase in result["roadmap"]:
        for dim, level in phase["projected_levels"].items():
            lifts = sum(
                1
                for p in result["roadmap"][: phase["phase"]]
                for a in p["actions"]
                if a["dimension"] == dim
            )
            assert levels[dim] <= level <= levels[dim] + lifts, "one level per action at most"
    for action in planned(result):  # a practice in place is planned only when a finding cites
        if levels[action["dimension"]] >= action["lifts"][1]:  # an item below it
            assert any(not r.startswith(("gap.", "prerequisite:")) for r in action["because"])
    for skipped in result["plan"]["skipped"]:
        assert skipped["level"] == levels[skipped["dimension"]] >= skipped["aims_at"]
    if capacity is None:  # foundations in a traditional organisation are never deferred
        traditional = result["overall"]["level"] == 1
        for action_id in result["plan"]["deferred"]:
            action = catalogue[action_id]
            assert not (action.foundation and (traditional or levels[action.dimension] == 1))


ACTION = Action(
    "customer.x", "customer", Text("X", "甲"), Text("d", "乙"), 1, 3, 10, 4, 5, (), Text("k", "丙")
)


@pytest.mark.parametrize(
    ("target", "top", "level"),
    [
        (0, 5, 1),
        (24.9, 5, 1),
        (25, 5, 2),
        (85, 5, 4),
        (100, 5, 5),
        (50, 3, 2),
        (99, 3, 2),
        (100, 7, 7),
    ],
)
def test_target_level_is_the_level_whose_uniform_index_the_target_reaches(
    target: float, top: int, level: int
) -> None:
    assert target_level(target, top) == level


def test_priority_follows_the_documented_formula() -> None:
    situation = Situation(
        {"customer": 40.0},
        {"customer": 2},
        {"customer": 80.0},
        [FindingResult("r1", "risk", "high", (), Text("", ""), Text("", ""), (), ("customer.x",))],
        False,
    )
    assert priority(ACTION, [Reason("finding", "r1")], situation) == (40 + 10 * 3) * 5 / 10


def slot(action: Action, end: int) -> Slot:
    return Slot(action, end - 4, end, 10.0)


def test_an_action_lifts_one_level_and_the_next_lift_waits_half_a_year() -> None:
    # ACTION lifts customer 1 -> 3: one level only, however wide its range
    assert level_steps(1, [slot(ACTION, 4)]) == [(4, 2)]
    second = Action(**{**ACTION.__dict__, "id": "customer.y", "lift_from": 2})
    assert level_steps(1, [slot(ACTION, 4), slot(second, 6)]) == [(4, 2), (30, 3)]
    assert [embed_weeks(level) for level in (3, 4, 5)] == [26, 39, 52]
    third = Action(**{**ACTION.__dict__, "id": "customer.z", "lift_from": 3, "lift_to": 5})
    fourth = Action(**{**third.__dict__, "id": "customer.w", "lift_from": 4})
    slots = [slot(ACTION, 4), slot(second, 6), slot(third, 8), slot(fourth, 10)]
    assert level_steps(1, slots) == [(4, 2), (30, 3), (69, 4), (121, 5)]
    assert level_steps(3, [slot(ACTION, 4)]) == [], "the action aims below the level now"


def test_the_projected_index_is_the_uniform_index_of_the_projected_level() -> None:
    steps = {"customer": [(4, 2), (30, 3)]}
    indices = {"customer": 10.0, "process": None}
    levels = {"customer": 1, "process": 1}
    assert projected_at(13, levels, indices, steps) == (
        {"customer": 2, "process": 1},
        {"customer": 25.0, "process": None},
    )
    assert projected_at(52, levels, {"customer": 80.0, "process": None}, steps)[1] == {
        "customer": 80.0,
        "process": None,
    }, "never below today's index"


def test_plan_roadmap_lists_four_phases_with_their_months_and_weeks() -> None:
    situation = Situation({"customer": 10.0}, {"customer": 1}, {"customer": 80.0}, [], False)
    roadmap = plan_roadmap(situation, {ACTION.id: ACTION})
    assert [p.months for p in roadmap.phases] == [(0, 3), (3, 6), (6, 12), (12, 24)]
    assert [p.weeks for p in roadmap.phases] == [(0, 13), (13, 26), (26, 52), (52, 104)]
    assert [a.action.id for a in roadmap.phases[0].actions] == ["customer.x"]
    assert roadmap.phases[0].actions[0].weeks == (0, 4)
    assert roadmap.deferred == ()


def test_an_action_too_long_for_the_horizon_is_deferred() -> None:
    long = Action(**{**ACTION.__dict__, "duration_weeks": 105.0})
    situation = Situation({"customer": 10.0}, {"customer": 1}, {"customer": 80.0}, [], False)
    roadmap = plan_roadmap(situation, {long.id: long})
    assert roadmap.deferred == ("customer.x",)
    assert all(not p.actions for p in roadmap.phases)


def test_reasons_read_back_from_their_document_strings() -> None:
    reasons = [
        Reason("finding", "a.rule"),
        Reason("gap", "customer"),
        Reason("prerequisite", "x.y"),
    ]
    assert [str(r) for r in reasons] == ["a.rule", "gap.customer", "prerequisite:x.y"]
    assert [Reason.parse(str(r)) for r in reasons] == reasons


def test_foundations_build_only_on_foundations(library: Library) -> None:
    """What a foundation needs is a foundation too: it requires only foundation actions, and one
    building on a level above 1 finds a foundation action lifting its dimension to that level."""
    assert set(library.packs) >= {"tqm", "tqm-1"}
    for pack in ("tqm", "tqm-1"):
        catalogue = library.packs[pack].actions
        for action in (a for a in catalogue.values() if a.foundation):
            assert all(catalogue[r].foundation for r in action.requires), action.id
            for level in range(1, action.lift_from):
                assert any(
                    a.foundation and a.dimension == action.dimension
                    and a.lift_from <= level < a.lift_to
                    for a in catalogue.values()
                ), f"{action.id} builds on level {action.lift_from}"  # fmt: skip
