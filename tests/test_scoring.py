"""The arithmetic: normalisation, weights over N/A, aggregation over respondents, and its properties."""

from __future__ import annotations

import pytest
from helpers.answers import answers_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.content.library import Library
from assessment.content.model import Question
from assessment.engine.answers import parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.scoring import score_profile
from assessment.io.source import Document

PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALUES = st.integers(min_value=1, max_value=5)


def parse(library: Library, data: dict) -> object:
    return parse_answers(Document("t", data), library)


def with_evidence(value: int) -> object:
    """An answer whose verified value is the value given (ratings above 3 need dated evidence)."""
    return {"value": value, "evidence": "site audit record, 2026-09"} if value > 3 else value


def at_position(question: Question, value: int) -> object:
    """The answer putting `question` at scale position `value` (mirrored on a reverse-keyed item),
    with evidence where the position is above 3."""
    answer = with_evidence(value)
    if isinstance(answer, dict):
        return {**answer, "value": question.answer_at(value)}
    return question.answer_at(value)


@pytest.mark.parametrize(
    ("value", "index"), [(1, 0.0), (2, 25.0), (3, 50.0), (4, 75.0), (5, 100.0)]
)
def test_uniform_answers_map_to_the_0_100_scale(mini: Library, value: int, index: float) -> None:
    profile = score_profile(parse(mini, answers_data(mini, "mini", value)))
    assert {d.index for d in profile.dimensions.values()} == {index}
    assert profile.overall_index == index


def test_weights_are_renormalised_over_answered_items(mini: Library) -> None:
    # customer.first weight 1, customer.second weight 2 (allows N/A)
    both = score_profile(
        parse(mini, answers_data(mini, "mini", 3, customer__first=5, customer__second=1))
    )
    assert both.dimensions["customer"].index == pytest.approx((100 * 1 + 0 * 2) / 3, abs=0.01)
    na = score_profile(
        parse(mini, answers_data(mini, "mini", 3, customer__first=5, customer__second="na"))
    )
    assert na.dimensions["customer"].index == 100.0
    assert (na.dimensions["customer"].answered, na.dimensions["customer"].na) == (1, 1)


def test_unknown_answers_are_counted_not_scored(mini: Library) -> None:
    profile = score_profile(parse(mini, answers_data(mini, "mini", 4, leadership__first="unknown")))
    dim = profile.dimensions["leadership"]
    assert (dim.index, dim.unknown, dim.unknown_share) == (75.0, 1, 0.5)


def test_several_respondents_average_per_item_with_role_profiles_and_agreement(
    mini: Library,
) -> None:
    data = {
        "questionnaire": "mini",
        "responses": [
            {"respondent": {"role": "leader"}, "answers": answers_data(mini, "mini", 5)["answers"]},
            {"respondent": {"role": "staff"}, "answers": answers_data(mini, "mini", 1)["answers"]},
        ],
    }
    profile = score_profile(parse(mini, data))
    process = profile.dimensions["process"]
    assert process.index == 50.0
    assert process.by_role == {"leader": 100.0, "staff": 0.0}
    assert process.agreement == 0.0
    assert profile.by_role == {"leader": 1, "staff": 1}


def test_one_respondent_has_no_agreement_figure(mini: Library) -> None:
    assert (
        score_profile(parse(mini, answers_data(mini, "mini", 3))).dimensions["learning"].agreement
        is None
    )


@PROPERTY
@given(data=st.data(), value=VALUES)
def test_uniform_answers_across_a_dimension_give_that_level(
    library: Library, data: st.DataObject, value: int
) -> None:
    questionnaire = library.questionnaires[data.draw(st.sampled_from(["tqm-quick", "tqm-audit"]))]
    dim = data.draw(st.sampled_from([d.id for d in questionnaire.dimensions]))
    answers = {
        q.id: at_position(q, value) if q.dimension == dim else with_evidence(data.draw(VALUES))
        for q in questionnaire.questions
    }
    answer_set = parse(library, {"questionnaire": questionnaire.id, "answers": answers})
    result = assess(answer_set, library, trace=False, roadmap=False)
    assert result.dimensions[dim].level == value


@PROPERTY
@given(data=st.data())
def test_one_answer_higher_on_the_maturity_scale_never_lowers_its_dimension_index(
    library: Library, data: st.DataObject
) -> None:
    questionnaire = library.questionnaires[data.draw(st.sampled_from(["tqm-quick", "tqm-audit"]))]
    answers = {
        q.id: data.draw(st.one_of(VALUES, st.just("unknown"))) for q in questionnaire.questions
    }
    answers[questionnaire.questions[0].id] = 1  # at least one answer can be raised
    raisable = [
        q for q in questionnaire.questions if isinstance(answers[q.id], int) and answers[q.id] < 5
    ]
    raised = data.draw(st.sampled_from(raisable), label="question")
    before = score_profile(parse(library, {"questionnaire": questionnaire.id, "answers": answers}))
    answers[raised.id] = data.draw(st.integers(min_value=answers[raised.id] + 1, max_value=5))
    after = score_profile(parse(library, {"questionnaire": questionnaire.id, "answers": answers}))
    old_index = before.dimensions[raised.dimension].index
    new_index = after.dimensions[raised.dimension].index
    if old_index is not None and new_index is not None:
        # a higher answer on a reverse-keyed item is the traditional practice: lower on the scale
        assert new_index <= old_index if raised.reverse else new_index >= old_index


@PROPERTY
@given(value=VALUES, data=st.data())
def test_na_on_an_optional_item_leaves_a_uniform_dimension_unchanged(
    library: Library, value: int, data: st.DataObject
) -> None:
    questionnaire = library.questionnaires["tqm-audit"]
    size = len(questionnaire.questions)
    others = data.draw(st.lists(VALUES, min_size=size, max_size=size))
    optional = [q for q in questionnaire.questions if q.allow_na]
    assert optional, "the audit has questions that allow N/A"
    for item in optional:
        answers = {
            q.id: at_position(q, value) if q.dimension == item.dimension else with_evidence(v)
            for q, v in zip(questionnaire.questions, others, strict=True)
        }
        full = score_profile(parse(library, {"questionnaire": "tqm-audit", "answers": answers}))
        answers[item.id] = "na"
        with_na = score_profile(parse(library, {"questionnaire": "tqm-audit", "answers": answers}))
        assert (
            with_na.dimensions[item.dimension].index
            == full.dimensions[item.dimension].index
            == 25.0 * (value - 1)
        )
