"""assessment.engine.reading: the reading time of questions and the `confidence.too_fast` finding."""

from __future__ import annotations

from collections.abc import Callable

from assessment.content.library import Library
from assessment.engine.answers import AnswerSet
from assessment.engine.pipeline import assess
from assessment.engine.reading import Timing, reading_seconds, too_fast_finding, with_reading_time


def test_a_question_takes_a_second_and_a_half_plus_its_words_at_200_a_minute(
    mini: Library,
) -> None:
    question = mini.questionnaires["mini"].question("customer.first")  # "First customer question"
    assert reading_seconds([question]) == 1.5 + 3 * 60 / 200
    assert reading_seconds([question, question]) == 2 * (1.5 + 0.9)
    assert reading_seconds([]) == 0.0


def test_only_a_respondent_below_the_reading_time_is_too_fast() -> None:
    assert Timing("r1", 10, 23.9, 24.0).too_fast
    assert not Timing("r1", 10, 24.0, 24.0).too_fast
    assert not Timing("r1", 0, 0.0, 0.0).too_fast  # nothing answered on a timed page
    assert too_fast_finding([Timing("r1", 10, 60.0, 24.0)], ["customer"]) is None


def test_the_finding_counts_the_hasty_respondents_and_what_they_needed() -> None:
    timings = [Timing("r1", 10, 5.2, 24.0), Timing("r2", 10, 90.0, 24.0), Timing("r3", 4, 1.0, 9.6)]
    finding = too_fast_finding(timings, ["customer", "process"])
    assert finding is not None
    assert (finding.rule, finding.kind, finding.severity) == (
        "confidence.too_fast",
        "confidence",
        "medium",
    )
    assert finding.dimensions == ("customer", "process")
    assert finding.detail.en.startswith(
        "2 of 3 respondent(s) answered 14 questions in 6 s; reading them takes at least 34 s"
    )
    assert finding.detail.zh.startswith(
        "3 位答卷人中有 2 位在 6 秒内回答了 14 个问题，而阅读这些问题至少需要 34 秒"
    )


def test_the_finding_takes_its_place_among_the_findings(
    mini: Library, make_answers: Callable[..., AnswerSet]
) -> None:
    result = assess(make_answers(mini, "mini", fill=1), mini)
    timed = with_reading_time(result, [Timing("r1", 12, 1.0, 30.0)])
    assert len(timed.findings) == len(result.findings) + 1
    order = [(f.severity, f.rule) for f in timed.findings]
    medium = [rule for severity, rule in order if severity == "medium"]
    assert "confidence.too_fast" in medium
    assert [s for s, _ in order] == sorted(
        (s for s, _ in order), key=["high", "medium", "low"].index
    )
    assert with_reading_time(result, [Timing("r1", 12, 60.0, 30.0)]) == result
