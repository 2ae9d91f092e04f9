"""The arithmetic: item values to 0..100, weighted dimension indices, aggregation over respondents.

Definitions (README "How scores are computed"):
- an item's value is the mean of its respondents' values; N/A and "don't know" are left out;
- index = weighted mean over the dimension's practice items (`kind: practice`) of
  (value - min) / (max - min) * 100, reverse items flipped, weights re-normalised over the items
  that have a value; the index and the level say how mature the approach and its deployment are;
- results index = the same arithmetic over the dimension's result items (`kind: result`: level,
  trend and comparison of a measure), kept apart: results do not raise or lower the level;
- overall index = weighted mean of the dimension indices (dimension weights);
- per-role indices compare the roles on the items asked of every role compared (role_indices);
- agreement = 1 - mean over items of (population standard deviation of the normalised values) / 50,
  clipped to 0..1; None with fewer than two respondents;
- answered / na / unknown count responses (respondents x items), so shares are per response;
- on questionnaires that ask for evidence, the profile is scored on the VERIFIED answers (see
  evidence.py) and keeps the profile of the claimed answers beside it when verification changed any;
- the statistics of many respondents (statistics.py) are computed on the answers as given.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from ..content.model import Dimension, Framework, Question, Questionnaire
from .answers import AnswerSet, Respondent
from .evidence import asks_for_evidence, evidenced, verify
from .statistics import Estimate, cronbach_alpha, hedges_g, rwg_j, value_range

SELF_REPORTED = "self_reported"
VERIFIED = "verified"
# A respondent "straight-lines" when every one of at least this many rated items has the same value.
STRAIGHT_LINING_MIN_ITEMS = 10


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
    statistics: DimensionStatistics | None = None
    perception: LeaderStaffGap | None = None
    results_index: float | None = None  # over the result items (None: none has a value)
    results_answered: int = 0  # result answers given a value

    @property
    def responses(self) -> int:
        """How many answers the dimension has: rated, N/A and don't know."""
        return self.answered + self.na + self.unknown

    @property
    def unknown_share(self) -> float:
        return self.unknown / self.responses if self.responses else 0.0

    @property
    def unknown_percent(self) -> float:
        """The share of "don't know" answers in whole percent (33 for one in three)."""
        return float(round(self.unknown_share * 100))


@dataclass(frozen=True)
class Profile:
    """Everything arithmetic knows about one organisation's answers."""

    items: Mapping[str, float | None]
    evidence: Mapping[str, bool]
    dimensions: Mapping[str, DimensionScore]
    overall_index: float | None
    respondents: int
    by_role: Mapping[str, int]
    basis: str = SELF_REPORTED  # or VERIFIED: scored on verified values (evidence.py)
    claimed: Profile | None = (
        None  # the profile of the answers as given, when verification changed it
    )
    unverified: Mapping[str, int] = field(default_factory=dict)  # ratings counted as the midpoint
    rejected: Mapping[str, int] = field(
        default_factory=dict
    )  # of those, with evidence that does not count
    spread: Mapping[str, float] = field(
        default_factory=dict
    )  # item range over respondents (>= 2 values)
    straight_lining: int = 0  # respondents giving one value to every item they rated
    max_unanswered_share: float | None = (
        None  # highest share of asked items a respondent left unrated
    )

    @property
    def unverified_ratings(self) -> int:
        return sum(self.unverified.values())


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
    """Weighted mean of the normalised values of the practice items; None when none has a value.

    A dimension without practice items (a content author's choice) is indexed on all its items."""
    index = _index_over(practice_items(dimension), means)
    return None if index is None else round(index, 2)


def practice_items(dimension: Dimension) -> tuple[Question, ...]:
    """The items the index and the level are computed from (all, if none is a practice item)."""
    practice = tuple(q for q in dimension.questions if q.kind != "result")
    return practice or dimension.questions


def result_items(dimension: Dimension) -> tuple[Question, ...]:
    """The dimension's result items (none when every item is a practice item)."""
    if len(practice_items(dimension)) == len(dimension.questions):
        return ()
    return tuple(q for q in dimension.questions if q.kind == "result")


def results_index(dimension: Dimension, means: Mapping[str, float | None]) -> float | None:
    """The dimension index's arithmetic over its result items; None when none has a value."""
    index = _index_over(result_items(dimension), means)
    return None if index is None else round(index, 2)


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of the values that are not None."""
    given = [(v, w) for v, w in pairs if v is not None]
    total = sum(w for _, w in given)
    return round(sum(v * w for v, w in given) / total, 2) if total else None


def score_profile(answers: AnswerSet) -> Profile:
    """All indices and statistics of an answer set, on verified values where evidence is asked for."""
    questionnaire = answers.questionnaire
    given = answers.respondents
    # verification changes values only, never evidence: one evidence map serves both profiles
    evidence = {q.id: evidenced(q, given) for q in questionnaire.questions}
    groups = RoleGroups.of(answers.framework, given)
    as_given = _profile(questionnaire, given, evidence, None, groups)
    if not asks_for_evidence(questionnaire):
        return as_given
    verification = verify(questionnaire, given, evidence)
    if not verification.changed:
        return replace(as_given, basis=VERIFIED)
    verified = _profile(questionnaire, verification.respondents, evidence, as_given, groups)
    return replace(
        verified,
        basis=VERIFIED,
        claimed=as_given,
        unverified=verification.unverified,
        rejected=verification.rejected,
    )


@dataclass(frozen=True)
class RoleGroups:
    """The roles in the framework's order, and which are leaders and which staff (the sides of
    the perception comparison)."""

    order: tuple[str, ...]
    leaders: frozenset[str]
    staff: frozenset[str]

    @classmethod
    def of(cls, framework: Framework | None, respondents: Sequence[Respondent]) -> RoleGroups:
        """The framework's groups; without one, the roles as respondents give them, no sides."""
        if framework is None:
            seen = dict.fromkeys(r.role for r in respondents if r.role is not None)
            return cls(tuple(seen), frozenset(), frozenset())
        leaders, staff = framework.roles_in("leaders"), framework.roles_in("staff")
        return cls(framework.role_ids, frozenset(leaders), frozenset(staff))


def _profile(
    questionnaire: Questionnaire,
    respondents: Sequence[Respondent],
    evidence: Mapping[str, bool],
    as_given: Profile | None,
    groups: RoleGroups,
) -> Profile:
    """Indices of `respondents`' values; the statistics of many respondents are those of the
    answers as given, computed here when `as_given` is None and copied from it otherwise."""
    means = item_means(questionnaire, respondents)
    role_means = {
        role: item_means(questionnaire, group)
        for role in groups.order
        if (group := [r for r in respondents if r.role == role])
    }
    dims = {
        d.id: _dimension_score(d, means, role_means, respondents, as_given, groups)
        for d in questionnaire.dimensions
    }
    overall = weighted_mean((dims[d.id].index, d.weight) for d in questionnaire.dimensions)
    by_role = {role: sum(1 for r in respondents if r.role == role) for role in role_means}
    head = (means, evidence, dims, overall, len(respondents), by_role)
    if as_given is not None:
        return Profile(
            *head,
            spread=as_given.spread,
            straight_lining=as_given.straight_lining,
            max_unanswered_share=as_given.max_unanswered_share,
        )
    return Profile(
        *head,
        spread=item_spreads(questionnaire, respondents) if len(respondents) >= 2 else {},
        straight_lining=sum(1 for r in respondents if straight_lines(r)),
        max_unanswered_share=max(
            (s for r in respondents if (s := unanswered_share(questionnaire, r)) is not None),
            default=None,
        ),
    )


def _dimension_score(
    dim: Dimension,
    means: Mapping[str, float | None],
    role_means: Mapping[str, Mapping[str, float | None]],
    respondents: Sequence[Respondent],
    as_given: Profile | None,
    groups: RoleGroups,
) -> DimensionScore:
    statuses = [
        r.answers[q.id].status for r in respondents for q in dim.questions if q.id in r.answers
    ]
    critical = [means[q.id] for q in dim.questions if q.critical and means[q.id] is not None]
    given = as_given.dimensions[dim.id] if as_given else None
    return DimensionScore(
        id=dim.id,
        index=dimension_index(dim, means),
        answered=statuses.count("value"),
        na=statuses.count("na"),
        unknown=statuses.count("unknown"),
        critical_min=min(critical) if critical else None,  # type: ignore[type-var]
        by_role=role_indices(dim, role_means),
        agreement=_agreement(dim, respondents),
        statistics=given.statistics if given else dimension_statistics(dim, respondents),
        perception=given.perception if given else leader_staff_gap(dim, respondents, groups),
        results_index=results_index(dim, means),
        results_answered=sum(1 for r in respondents for q in result_items(dim) if _rated(r, q)),
    )


def role_indices(
    dim: Dimension, role_means: Mapping[str, Mapping[str, float | None]]
) -> dict[str, float | None]:
    """Each role's index over the dimension's items asked of every role compared (those present
    and asked at least one of its items), so the roles are compared on the same items: a leader's
    board-review item does not lift the leaders' figure beside the staff's. None for a role not
    asked the dimension, and for all when the roles compared share no item."""
    compared = [role for role in role_means if any(q.asks(role) for q in dim.questions)]
    common = [q for q in dim.questions if all(q.asks(role) for role in compared)]
    out: dict[str, float | None] = {}
    for role, means in role_means.items():
        index = _index_over(common, means) if role in compared else None
        out[role] = None if index is None else round(index, 2)
    return out


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


# --- Many respondents: statistics, consensus, response patterns, perception ------------------


@dataclass(frozen=True)
class DimensionStatistics:
    """How far a dimension's answers can be read as one group's view (statistics.py)."""

    respondents: int  # respondents who rated at least one of the dimension's items
    by_role: Mapping[str, int]
    cronbach_alpha: Estimate
    rwg_j: Estimate


@dataclass(frozen=True)
class LeaderStaffGap:
    """Leaders' index minus staff's on the items both groups were asked and rated."""

    gap: float | None
    leader_n: int
    staff_n: int
    hedges_g: float | None  # Hedges' g of the respondents' own indices; None below 2 per group


def _values(question: Question, respondents: Sequence[Respondent]) -> list[float]:
    return [
        v
        for r in respondents
        if (a := r.answers.get(question.id)) is not None and (v := a.value) is not None
    ]


def dimension_statistics(dim: Dimension, given: Sequence[Respondent]) -> DimensionStatistics:
    """Respondents per role, Cronbach's α and rwg(j) of one dimension's answers as given."""
    raters = [r for r in given if any(_rated(r, q) for q in dim.questions)]
    by_role: dict[str, int] = {}
    for r in raters:
        if r.role:
            by_role[r.role] = by_role.get(r.role, 0) + 1
    if len(raters) < 2:  # the common single respondent: both are decided on the count alone
        return DimensionStatistics(
            len(raters), by_role, cronbach_alpha([()] * len(raters)), rwg_j([])
        )
    complete = [r for r in raters if all(_rated(r, q) for q in dim.questions)]
    rows = [[q.normalise(r.answers[q.id].value or 0.0) for q in dim.questions] for r in complete]
    items = [(_values(q, raters), len(q.options)) for q in dim.questions]
    return DimensionStatistics(len(raters), by_role, cronbach_alpha(rows), rwg_j(items))


def _rated(respondent: Respondent, question: Question) -> bool:
    answer = respondent.answers.get(question.id)
    return answer is not None and answer.value is not None


def item_spreads(questionnaire: Questionnaire, given: Sequence[Respondent]) -> dict[str, float]:
    """Per question rated by at least 2 respondents: the range of their values (consensus)."""
    out = {}
    for question in questionnaire.questions:
        values = _values(question, given)
        if len(values) >= 2:
            out[question.id] = value_range(values)
    return out


def straight_lines(respondent: Respondent) -> bool:
    """Whether the respondent gave one and the same value to every item (at least 10) they rated."""
    values = {a.value for a in respondent.answers.values() if a.value is not None}
    rated = sum(1 for a in respondent.answers.values() if a.value is not None)
    return rated >= STRAIGHT_LINING_MIN_ITEMS and len(values) == 1


def unanswered_share(questionnaire: Questionnaire, respondent: Respondent) -> float | None:
    """Share of the items the respondent was asked that they did not rate (N/A, don't know, blank)."""
    questions = questionnaire.questions_for(respondent.role)
    if not questions:
        return None
    return round(1 - sum(1 for q in questions if _rated(respondent, q)) / len(questions), 3)


def leader_staff_gap(
    dim: Dimension, given: Sequence[Respondent], groups: RoleGroups
) -> LeaderStaffGap | None:
    """The perception gap on the dimension's items asked of, and rated by, both groups."""
    leaders = [r for r in given if r.role in groups.leaders]
    staff = [r for r in given if r.role in groups.staff]
    if not leaders or not staff:
        return None
    shared = [
        q
        for q in dim.questions
        if _asks_any(q, groups.leaders)
        and _asks_any(q, groups.staff)
        and _values(q, leaders)
        and _values(q, staff)
    ]
    if not shared:
        return None
    own = {
        name: [i for r in group if (i := _own_index(shared, r)) is not None]
        for name, group in (("leader", leaders), ("staff", staff))
    }
    lead, rest = _group_index(shared, leaders), _group_index(shared, staff)
    gap = round(lead - rest, 2) if lead is not None and rest is not None else None
    return LeaderStaffGap(gap, len(own["leader"]), len(own["staff"]), hedges_g(*own.values()))


def _asks_any(question: Question, roles: frozenset[str]) -> bool:
    return any(question.asks(role) for role in roles)


def _group_index(questions: Sequence[Question], group: Sequence[Respondent]) -> float | None:
    means = {}
    for q in questions:
        values = _values(q, group)
        if values:
            means[q.id] = sum(values) / len(values)
    return _index_over(questions, means)


def _own_index(questions: Sequence[Question], respondent: Respondent) -> float | None:
    values = {q.id: a.value for q in questions if (a := respondent.answers.get(q.id)) is not None}
    return _index_over(questions, values)


def _index_over(questions: Sequence[Question], means: Mapping[str, float | None]) -> float | None:
    total = weight = 0.0
    for question in questions:
        value = means.get(question.id)
        if value is not None:
            total += question.weight * question.normalise(value)
            weight += question.weight
    return total / weight if weight else None
