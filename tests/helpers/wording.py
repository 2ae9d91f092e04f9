"""A framework that names things otherwise than the bundled one (its comparison profiles, its
levels, its title), and results of the tiny test content judged under it: outputs must then say
what this framework declares and none of the bundled framework's words."""

from __future__ import annotations

from dataclasses import replace

from assessment.content.framework import Framework, Level
from assessment.content.library import Library
from assessment.content.model import Text
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.source import Document
from helpers.answers import role_answers
from helpers.frameworks import TQM

# A seven-category progress survey would name its baseline "Sector median" and its levels
# otherwise; the dimensions stay those of the test content.
OTHER: Framework = replace(
    TQM,
    id="progress",
    title=Text("Progress survey", "进展调查"),
    subtitle=Text("Survey report", "调查报告"),
    description=None,
    levels=tuple(
        Level(
            n,
            Text(f"Stage {n}", f"第{n}阶段"),
            Text(f"What stage {n} means.", f"第{n}阶段的含义。"),
        )
        for n in range(1, 6)
    ),
    reference="traditional",
    reference_name=Text("Sector median", "行业中位数"),
    target_name=Text("Benchmark", "标杆"),
)

# The bundled framework's comparison and level words (lowercase), in both languages.
TQM_WORDS = (
    "traditional",
    "total quality",
    "total-quality",
    "tqm",
    "awakening",
    "developing",
    "integrated",
    "传统",
    "全面质量",
    "觉醒",
    "整合",
)


def tqm_words_in(text: str) -> list[str]:
    """The bundled framework's words that occur in `text` (case-insensitive)."""
    lowered = text.lower()
    return [word for word in TQM_WORDS if word in lowered]


def mini_answers(mini: Library) -> AnswerSet:
    """A leader and a staff member of the test content who disagree (every section is shown)."""
    q = mini.questionnaires["mini"]
    doc = {
        "questionnaire": "mini",
        "organisation": "Progress Co",
        "responses": [
            {"respondent": {"id": "r1", "role": "leader"}, "answers": role_answers(q, "leader", 4)},
            {"respondent": {"id": "r2", "role": "staff"}, "answers": role_answers(q, "staff", 1)},
        ],
    }
    return parse_answers(Document("progress", doc), mini)


def other_result(mini: Library) -> Result:
    """The test content's result, named by OTHER."""
    return replace(assess(mini_answers(mini), mini, use_engine=False), framework=OTHER)
