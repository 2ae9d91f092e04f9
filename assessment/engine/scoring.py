"""The arithmetic: item values to 0..100, weighted dimension indices, aggregation over respondents.

Definitions (README "How scores are computed"):
- an item's value is the mean of its respondents' values; N/A and "don't know" are left out;
- index = weighted mean over the dimension's items of (value - min) / (max - min) * 100, reverse items
  flipped, weights re-normalised over the items that have a value;
- overall index = weighted mean of the dimension indices (dimension weights);
- agreement = 1 - mean over items of (population standard deviation of the normalised values) / 50,
  clipped to 0..1; None with fewer than two respondents;
- answered / na / unknown count responses (respondents x items), so shares are per response.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.model import ROLES, Dimension, Questionnaire
from .answers import AnswerSet, Respondent


@dataclass(frozen=True)
class DimensionScore:
    id: str
    index: float | None
    answered: int
    na: int
    unknown: int
    critical_min: float | None
    by_role: Mapping[str, float | None]
    agreement: float | None

    @property
    def unknown_share(self) -> float:
        total = self.answered + self.na + self.unknown
        return self.unknown / total if total else 0.0


@dataclass(frozen=True)
class Profile:
    """Everything arithmetic knows about one organisation's answers."""

    items: Mapping[str, float | None]
    evidence: Mapping[str, bool]
    dimensions: Mapping[str, DimensionScore]
    overall_index: float | None
    respondents: int
    by_role: Mapping[str, int]


def item_means(
    questionnaire: Questionnaire, respondents: Sequence[Respondent]
) -> dict[str, float | None]:
    """Mean answer per question over respondents who gave a value (None when nobody did)."""
    out: dict[str, float | None] = {}
    for question in questionnaire.questions:
        values = [r.answers[question.id].value for r in respondents if question.id in r.answers]
        given = [v for v in values if v is not None]
        out[question.id] = sum(given) / len(given) if given else None
    return out


def dimension_index(dimension: Dimension, means: Mapping[str, float | None]) -> float | None:
    """Weighted mean of the normalised item values; None when no item has a value."""
    total = weight = 0.0
    for question in dimension.questions:
        value = means.get(question.id)
        if value is not None:
            total += question.weight * question.normalise(value)
            weight += question.weight
    return round(total / weight, 2) if weight else None


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of the values that are not None."""
    given = [(v, w) for v, w in pairs if v is not None]
    total = sum(w for _, w in given)
    return round(sum(v * w for v, w in given) / total, 2) if total else None


def score_profile(answers: AnswerSet) -> Profile:
    """All indices and statistics of an answer set."""
    questionnaire = answers.questionnaire
    respondents = answers.respondents
    means = item_means(questionnaire, respondents)
    role_means = {
        role: item_means(questionnaire, group)
        for role in ROLES
        if (group := [r for r in respondents if r.role == role])
    }
    dims = {
        d.id: _dimension_score(d, means, role_means, respondents) for d in questionnaire.dimensions
    }
    overall = weighted_mean((dims[d.id].index, d.weight) for d in questionnaire.dimensions)
    evidence = {
        q.id: any(q.id in r.answers and r.answers[q.id].evidence.strip() for r in respondents)
        for q in questionnaire.questions
    }
    by_role = {role: sum(1 for r in respondents if r.role == role) for role in role_means}
    return Profile(means, evidence, dims, overall, len(respondents), by_role)


def _dimension_score(
    dim: Dimension,
    means: Mapping[str, float | None],
    role_means: Mapping[str, Mapping[str, float | None]],
    respondents: Sequence[Respondent],
) -> DimensionScore:
    statuses = [
        r.answers[q.id].status for r in respondents for q in dim.questions if q.id in r.answers
    ]
    critical = [means[q.id] for q in dim.questions if q.critical and means[q.id] is not None]
    return DimensionScore(
        id=dim.id,
        index=dimension_index(dim, means),
        answered=statuses.count("value"),
        na=statuses.count("na"),
        unknown=statuses.count("unknown"),
        critical_min=min(critical) if critical else None,  # type: ignore[type-var]
        by_role={role: dimension_index(dim, m) for role, m in role_means.items()},
        agreement=_agreement(dim, respondents),
    )


def _spread(values: Sequence[float]) -> float:
    """Population standard deviation in floats (statistics.pstdev is exact, and 30x slower)."""
    mean = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))


def _agreement(dim: Dimension, respondents: Sequence[Respondent]) -> float | None:
    if len(respondents) < 2:
        return None
    spreads = []
    for question in dim.questions:
        values = [
            question.normalise(v)
            for r in respondents
            if question.id in r.answers and (v := r.answers[question.id].value) is not None
        ]
        if len(values) >= 2:
            spreads.append(_spread(values))
    if not spreads:
        return None
    return round(max(0.0, min(1.0, 1 - statistics.fmean(spreads) / 50)), 3)
