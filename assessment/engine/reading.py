"""Reading time: answers given faster than the questions can be read (`confidence.too_fast`).

Only an application that shows the questions knows how long a respondent took (the web app times
each survey page on the server); answers files carry no timing, so the rule packs cannot read it and
the web app adds this finding to the results it assembles (webapp/reading.py).

The reading time of a question, stated once here: SECONDS_PER_ITEM to find and choose an option,
plus the words of the question at WORDS_PER_MINUTE. Why these: 200 words a minute is a brisk reading
pace for instructional text (adults read such text at 200-250), and 1.5 s is about the fastest a
person finds and clicks one option among five; the anchors are left out, since respondents skim them
once they know the scale. It is a floor, not an estimate: a respondent below it cannot have read
the questions. The English wording is counted for either language (the Chinese text is a
translation of it, and read in about the same time).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..content.model import Question, Text
from .findings import FindingResult, finding_order
from .result import Result

SECONDS_PER_ITEM = 1.5
WORDS_PER_MINUTE = 200
RULE = "confidence.too_fast"


def reading_seconds(questions: Iterable[Question]) -> float:
    """The least time in which the questions can be read and answered (module docstring)."""
    return math.fsum(
        SECONDS_PER_ITEM + len(q.text.en.split()) * 60 / WORDS_PER_MINUTE for q in questions
    )


@dataclass(frozen=True)
class Timing:
    """How long one respondent took over the questions they answered, and the least it takes."""

    respondent: str
    answered: int  # questions answered on the timed pages
    seconds: float  # time between showing and saving those pages, summed
    needed: float  # reading_seconds of those questions

    @property
    def too_fast(self) -> bool:
        return self.answered > 0 and self.seconds < self.needed


def too_fast_finding(timings: Sequence[Timing], dimensions: Sequence[str]) -> FindingResult | None:
    """The confidence finding when any respondent answered faster than the questions can be read."""
    fast = [t for t in timings if t.too_fast]
    if not fast:
        return None
    answered = sum(t.answered for t in fast)
    seconds, needed = round(sum(t.seconds for t in fast)), math.ceil(sum(t.needed for t in fast))
    n, total = len(fast), len(timings)
    return FindingResult(
        rule=RULE,
        kind="confidence",
        severity="medium",
        dimensions=tuple(dimensions),
        title=Text(
            "Answers given faster than the questions can be read",
            "作答速度快于阅读题目所需的时间",
        ),
        detail=Text(
            f"{n} of {total} respondent(s) answered {answered} questions in {seconds} s; reading "
            f"them takes at least {needed} s ({SECONDS_PER_ITEM} s per question and its words at "
            f"{WORDS_PER_MINUTE} a minute). Go through these answers with the respondent before "
            "relying on the scores.",
            f"{total} 位答卷人中有 {n} 位在 {seconds} 秒内回答了 {answered} 个问题，而阅读这些问题"
            f"至少需要 {needed} 秒（每题 {SECONDS_PER_ITEM} 秒，另加按每分钟 {WORDS_PER_MINUTE} "
            "词计算的阅读时间）。在采信这些评分之前，请与答卷人逐条复核。",
        ),
        evidence=(),
        actions=(),
    )


def with_reading_time(result: Result, timings: Sequence[Timing]) -> Result:
    """The result with the `confidence.too_fast` finding added in its place when it applies."""
    finding = too_fast_finding(timings, tuple(result.dimensions))
    if finding is None:
        return result
    return replace(result, findings=tuple(sorted((*result.findings, finding), key=finding_order)))
