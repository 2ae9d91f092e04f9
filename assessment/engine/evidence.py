"""Evidence, the way examiners treat it: what counts, and the verified values it leaves.

What counts as evidence (`counts_as_evidence`, the one definition the engine uses): a text that
names a document, record or observation AND gives a date or period. "Minutes of the 2026-09 quality
council", "SIPOC maps of order-to-delivery, 2026" and "2026年第三季度顾客满意度调查报告" count. A blank,
a placeholder ("yes", "n/a", "see above", "有", "同上"), a single word ("minutes") and a text without
any date or period ("documented and seen on site") do not.

Verified values: on a question whose `evidence` is `optional` or `required`, an item is evidenced
when at least one respondent who rated it gave evidence that counts (the group's evidence supports
the group's answer). On an item that is not evidenced, every rating better than the scale's midpoint
(3 on a 1..5 scale; for reverse-scored items "better" is the low end) counts as the midpoint: it is
claimed, not verified. Questions with `evidence: none` (the quick scan) are self-reported and kept.

Claimed and verified levels: the levels judged (and every fact, finding and the roadmap) are the
verified ones. When verification changed any value, the same gate rules (`Program.gates`: the rules
that set levels or caps) run a second time on the claimed profile, so the claimed levels come from
the same gates rather than from arithmetic beside them. Measured on the audit: +30-35% of the
judgement's time when some claim is unverified; nothing otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..content.model import Question, Questionnaire
from .answers import Respondent, Response

ASKS_FOR_EVIDENCE = ("optional", "required")

# Placeholders people type instead of evidence, compared after casefold and stripping punctuation.
_PLACEHOLDERS = frozenset(
    {
        *("yes", "y", "no", "n", "na", "n/a", "none", "nil", "null", "-", "ok", "done", "true"),
        *("see above", "as above", "same as above", "see below", "see attached", "attached"),
        *("available", "on file", "exists", "in place", "various", "tbd", "todo", "n.a."),
        *("有", "是", "无", "没有", "见上", "同上", "如上", "见附件", "附件", "略", "已完成"),
        *("详见上文", "不适用", "暂无", "已有", "齐全", "完备", "有记录", "有文件"),
    }
)
_MONTHS = (
    "jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|jun(e)?|jul(y)?|aug(ust)?"
    "|sep(t|tember)?|oct(ober)?|nov(ember)?|dec(ember)?"
)
_UNITS = "day|week|month|quarter|year"
# A date or a period. Each alternative is removed before the name is checked, so "2026" alone,
# or "Q3 2026" alone, is a date without anything it dates.
_DATE = re.compile(
    "|".join(
        (
            r"\b(19|20)\d{2}([-/.]\d{1,2}([-/.]\d{1,2})?)?\b",  # 2026, 2026-09, 2026/9/30
            r"\b\d{1,2}[-/.]\d{1,2}[-/.](19|20)?\d{2}\b",  # 30/09/2026, 30.9.26
            r"\b(fy|h[12])\s?'?\d{2,4}\b",  # FY26, H1 2026
            r"\bq[1-4]\b",  # Q3
            rf"\b({_MONTHS})\b\.?",
            r"\b(daily|weekly|monthly|quarterly|annual(ly)?|yearly|biannual(ly)?)\b",
            rf"\b(every|each|last|this|since|per)\s+({_UNITS}|\d+)s?\b",
            r"(19|20)\d{2}\s*年|\d{1,2}\s*月(份)?|\d{1,2}\s*[日号]",
            r"[一二三四1-4]?季度|[上下]半年|年度|去年|今年|本年|上月|本月|上季|本季",
            r"每[天日周月季年]|[周月季年]报",
        )
    ),
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[^\W_]+")
_PUNCTUATION = re.compile(r"[\s.,;:!?'\"()\[\]{}，。；：！？、（）“”‘’《》]+")


def counts_as_evidence(text: str) -> bool:
    """Whether a respondent's evidence names a document, record or observation with a date or period."""
    stripped = text.strip()
    if _normalised(stripped) in _PLACEHOLDERS or not _DATE.search(stripped):
        return False
    name = _DATE.sub(" ", stripped)
    if _normalised(name) in _PLACEHOLDERS:
        return False
    cjk = len(_CJK.findall(name))
    words = [w for w in _WORD.findall(_CJK.sub(" ", name)) if not w.isdigit()]
    return cjk >= 2 or len(words) >= 2 or (cjk >= 1 and len(words) >= 1)


def _normalised(text: str) -> str:
    return _PUNCTUATION.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Verification:
    """The answers as verified, and per question what verification changed."""

    respondents: tuple[Respondent, ...]
    unverified: Mapping[str, int]  # ratings counted as the midpoint, per question (only if any)
    rejected: Mapping[str, int]  # of those, ratings whose evidence was given but does not count

    @property
    def changed(self) -> bool:
        return any(self.unverified.values())


def asks_for_evidence(questionnaire: Questionnaire) -> bool:
    """Whether any question of the questionnaire asks for evidence (else it is self-reported)."""
    return any(q.evidence in ASKS_FOR_EVIDENCE for q in questionnaire.questions)


def evidenced(question: Question, respondents: Sequence[Respondent]) -> bool:
    """Whether at least one respondent who rated the question gave evidence that counts."""
    return any(
        response.value is not None and counts_as_evidence(response.evidence)
        for r in respondents
        if (response := r.answers.get(question.id)) is not None and response.evidence
    )


def verify(
    questionnaire: Questionnaire,
    respondents: Sequence[Respondent],
    evidence: Mapping[str, bool] | None = None,
) -> Verification:
    """Ratings above the midpoint on unevidenced items that ask for evidence count as the midpoint.

    `evidence` (question id -> evidenced), when the caller already has it, saves checking again."""
    # by position: respondent ids are not guaranteed unique
    capped: list[dict[str, Response]] = [{} for _ in respondents]
    unverified: dict[str, int] = {}
    rejected: dict[str, int] = {}
    for question in questionnaire.questions:
        if question.evidence not in ASKS_FOR_EVIDENCE:
            continue
        if evidence[question.id] if evidence is not None else evidenced(question, respondents):
            continue
        midpoint = (question.low + question.high) / 2
        claims = [
            (i, response)
            for i, r in enumerate(respondents)
            if (response := r.answers.get(question.id)) is not None
            and response.value is not None
            and question.normalise(response.value) > 50
        ]
        if not claims:
            continue
        for index, response in claims:
            # built directly: dataclasses.replace costs several times more, once per capped rating
            capped[index][question.id] = Response(
                midpoint, response.status, response.evidence, response.note
            )
        unverified[question.id] = len(claims)
        if given := sum(1 for _, response in claims if response.evidence.strip()):
            rejected[question.id] = given
    verified = tuple(
        Respondent(r.id, r.role, {**r.answers, **changes}) if changes else r
        for r, changes in zip(respondents, capped, strict=True)
    )
    return Verification(verified, unverified, rejected)
