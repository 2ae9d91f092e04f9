"""The domain model: questionnaires, rule packs, actions and baselines, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

# Declared in their own modules, imported from here as before: the bilingual text type and the
# framework (dimensions, levels, roles) that a rule pack declares as content.
from .framework import Framework, Level, Role
from .text import LANGS, Text

__all__ = ["LANGS", "Framework", "Level", "Role", "Text"]


@dataclass(frozen=True)
class Option:
    value: float
    label: Text


@dataclass(frozen=True)
class Question:
    id: str
    dimension: str
    text: Text
    scale_id: str
    options: tuple[Option, ...]
    anchors: Mapping[int, Text] = field(default_factory=dict)
    evidence_prompt: Text | None = None
    weight: float = 1.0
    critical: bool = False
    reverse: bool = False
    required: bool = True
    allow_na: bool = False
    evidence: str = "optional"
    # Who can answer it from their own position (staff are not asked about board reviews);
    # empty: every role of the framework.
    roles: tuple[str, ...] = ()
    kind: str = "practice"  # or "result": levels, trends and comparisons of a measure
    na_reason: Text | None = None  # shown beside N/A: why the practice may not apply
    # Wording for one role (leaders asked about their own practice, staff about what they see);
    # `text` is the common wording, for every other role and for reports across roles.
    role_texts: Mapping[str, Text] = field(default_factory=dict)
    help: Text | None = None  # a hint shown beside the question where respondents answer it

    @cached_property
    def low(self) -> float:
        return min(o.value for o in self.options)

    @cached_property
    def high(self) -> float:
        return max(o.value for o in self.options)

    def asks(self, role: str | None) -> bool:
        """Whether a respondent in `role` is asked this question (one without a role: every one)."""
        return role is None or not self.roles or role in self.roles

    def text_for(self, role: str | None) -> Text:
        """The wording a respondent in `role` reads: the role's own, else the common text."""
        return self.role_texts.get(role, self.text) if role else self.text

    def allows(self, value: float) -> bool:
        """Whether `value` is one of the scale's options."""
        return any(o.value == value for o in self.options)

    def normalise(self, value: float) -> float:
        """Map a scale value to 0..100 (reverse-scored items flipped)."""
        share = (value - self.low) / (self.high - self.low)
        return 100.0 * (1.0 - share if self.reverse else share)

    def answer_at(self, value: float) -> float:
        """The answer that puts this item at scale position `value`: the value itself, mirrored
        (low + high - value) on a reverse-keyed item, whose high end is the traditional practice."""
        return self.low + self.high - value if self.reverse else value


@dataclass(frozen=True)
class Dimension:
    id: str
    title: Text
    description: Text | None
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: int
    title: Text
    description: Text | None
    dimensions: tuple[Dimension, ...]
    source: str = ""

    # Cached: scoring asks for these once per answer, thousands of times per batch.
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for d in self.dimensions for q in d.questions)

    @cached_property
    def question_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions)

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    @cached_property
    def by_role(self) -> bool:
        """Whether some question is asked of some roles only (so the respondent's role matters)."""
        return any(q.roles for q in self.questions)

    def questions_for(self, role: str | None) -> tuple[Question, ...]:
        """The questions a respondent in `role` is asked, in questionnaire order; every question
        when the role is not known (a respondent without a role answers for the whole
        organisation). The web form, the template, the CSV importer and the answers check all
        ask this one function."""
        if role is None:
            return self.questions
        return self._for_role.setdefault(role, tuple(q for q in self.questions if q.asks(role)))

    def dimension_questions(self, dimension: Dimension, role: str | None) -> tuple[Question, ...]:
        """The dimension's questions a respondent in `role` is asked."""
        return tuple(q for q in dimension.questions if q.asks(role))

    def dimension(self, dimension_id: str) -> Dimension | None:
        return self._dimensions_by_id.get(dimension_id)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _for_role(self) -> dict[str, tuple[Question, ...]]:
        return {}

    @cached_property
    def _dimensions_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimensions}


@dataclass(frozen=True)
class Action:
    id: str
    dimension: str
    title: Text
    description: Text
    lift_from: int
    lift_to: int
    effort_days: float
    duration_weeks: float
    impact: int
    requires: tuple[str, ...]
    kpi: Text
    # A foundation of the whole programme (leadership commitment, basic quality tools, listening to
    # customers): planned first in a traditional organisation, never deferred.
    foundation: bool = False


@dataclass(frozen=True)
class Baseline:
    id: str
    title: Text
    rationale: Text | None
    indices: Mapping[str, float]


@dataclass(frozen=True)
class Finding:
    """A finding as a rule declares it (texts still hold placeholders)."""

    kind: str
    severity: str
    dimensions: tuple[str, ...]
    title: Text
    detail: Text
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Effects:
    level: tuple[str, int] | None = None
    overall_level: int | None = None
    cap_to: int | None = None
    cap_fact: str | None = None
    cap_plus: int = 0
    finding: Finding | None = None
    actions: tuple[str, ...] = ()
    # The dimension whose actions the roadmap plans first when the rule fires (a cornerstone).
    plan_first: str | None = None
