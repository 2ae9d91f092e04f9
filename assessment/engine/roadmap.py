"""The improvement roadmap: which actions, in what order, in which phase, and what they should achieve.

Selection. An action is a candidate when a finding (other than a strength) calls for it, or when its
dimension is below its target and the action's lift range overlaps the levels between the current
level and the target's level. Every prerequisite of a candidate is added too.

Priority (higher first), documented in README "How the roadmap is planned":
    priority = (gap + 10 * severity) * impact / effort_days
where gap is the dimension's distance to target in index points, severity is 3 / 2 / 1 for the most
severe high / medium / low finding calling for the action (0 when only a gap calls for it), impact is
the catalogue's 1..5 and effort_days the catalogue's person-days.

Order. Actions are taken in dependency order (an action never comes before anything it requires);
among the actions that are ready, leadership actions lead when leadership is the weakest dimension or
caps the overall level (leadership is the cornerstone), then the higher priority, then the id.

Phases. Months 0-3, 3-6, 6-12 and 12-24, with a capacity in person-days (default 20 a month). An action
goes to the earliest phase not before its prerequisites' phases where it still fits; what fits in no
phase is deferred, with everything that requires it, and the plan says so.

Projection. When an action that lifts its dimension to level L is done, the dimension's index moves
toward 25 * (L - 1) (the index of a uniform level L) by impact / 5 of the remaining distance. Projected
indices never fall below the current index and never exceed 100.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple, Protocol

from ..content.model import Action

PHASES: tuple[tuple[int, int], ...] = ((0, 3), (3, 6), (6, 12), (12, 24))
DEFAULT_DAYS_PER_MONTH = 20.0
SEVERITY_SCORE = {"high": 3, "medium": 2, "low": 1}
PRIORITY_FORMULA = "(gap + 10 * severity) * impact / effort_days"
ReasonKind = Literal["finding", "gap", "prerequisite"]
_REASON_RANK: Mapping[str, int] = {"finding": 0, "gap": 1, "prerequisite": 2}


class Reason(NamedTuple):
    """Why an action is planned: a finding's rule, a dimension's gap, or an action that needs it.

    The result document writes it as the rule id, `gap.<dimension>` or `prerequisite:<action>`.
    A named tuple: the planner hashes and sorts thousands of reasons per batch of results."""

    kind: ReasonKind
    ref: str

    def __str__(self) -> str:
        if self.kind == "gap":
            return f"gap.{self.ref}"
        if self.kind == "prerequisite":
            return f"prerequisite:{self.ref}"
        return self.ref

    @classmethod
    def parse(cls, text: str) -> Reason:
        """The reason a document's string names (the inverse of `str`)."""
        if text.startswith("prerequisite:"):
            return cls("prerequisite", text.partition(":")[2])
        if text.startswith("gap."):
            return cls("gap", text[4:])
        return cls("finding", text)

    def order(self) -> tuple[int, str]:
        """Findings first, then gaps, then "needed by": a stable, readable order."""
        return _REASON_RANK[self.kind], str(self)


class FindingLike(Protocol):
    """What the planner reads of a finding."""

    @property
    def rule(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def actions(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Situation:
    """What the planner needs to know about the organisation."""

    indices: Mapping[str, float | None]
    levels: Mapping[str, int]
    targets: Mapping[str, float]
    findings: Sequence[FindingLike]
    cornerstone: bool  # the cornerstone dimension is the weakest or caps the overall level
    cornerstone_dimension: str = ""

    @cached_property
    def severity(self) -> dict[str, int]:
        """Each finding's severity score by rule id (priority asks once per action and reason)."""
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.rule] = max(out.get(f.rule, 0), SEVERITY_SCORE[f.severity])
        return out


@dataclass(frozen=True)
class PlannedAction:
    """An action in the plan, with its priority and the reasons it is there."""

    action: Action
    priority: float
    because: tuple[Reason, ...]


@dataclass(frozen=True)
class Phase:
    """One phase of the roadmap: its months, capacity, actions and the indices projected after it."""

    number: int
    months: tuple[int, int]
    capacity_days: float
    effort_days: float
    actions: tuple[PlannedAction, ...]
    projected: Mapping[str, float | None]


@dataclass(frozen=True)
class Roadmap:
    """The phased plan and how it was made."""

    phases: tuple[Phase, ...]
    days_per_month: float
    cornerstone_first: bool
    deferred: tuple[str, ...]


@dataclass(frozen=True)
class Planned:
    action: Action
    phase: int
    priority: float
    because: tuple[Reason, ...]


def target_level(target: float) -> int:
    """The level whose uniform index the target reaches (85 -> 4, 100 -> 5)."""
    return max(1, min(5, 1 + int(target // 25)))


def select_actions(
    situation: Situation, catalogue: Mapping[str, Action]
) -> dict[str, list[Reason]]:
    """Candidate action ids with the reasons (findings, gaps, prerequisites) behind each."""
    reasons: dict[str, list[Reason]] = {}
    for finding in situation.findings:
        if finding.kind != "strength":
            for action_id in finding.actions:
                reasons.setdefault(action_id, []).append(Reason("finding", finding.rule))
    # per dimension with a gap: (level now, level the target reaches)
    gaps = {
        dim: (situation.levels.get(dim, 1), target_level(target))
        for dim, target in situation.targets.items()
        if (index := situation.indices.get(dim)) is not None and index < target
    }
    for action in catalogue.values():
        gap = gaps.get(action.dimension)
        if gap and action.lift_from < gap[1] and action.lift_to > gap[0]:
            reasons.setdefault(action.id, []).append(Reason("gap", action.dimension))
    _add_prerequisites(reasons, catalogue)
    return reasons


def _add_prerequisites(reasons: dict[str, list[Reason]], catalogue: Mapping[str, Action]) -> None:
    pending = sorted(reasons)
    while pending:
        action_id = pending.pop()
        for required in catalogue[action_id].requires:
            if required not in reasons:
                reasons[required] = []
                pending.append(required)
            reasons[required].append(Reason("prerequisite", action_id))
    for action_id, because in reasons.items():
        reasons[action_id] = sorted(set(because), key=Reason.order)


def priority(action: Action, because: Sequence[Reason], situation: Situation) -> float:
    """(gap + 10 * severity) * impact / effort_days (see the module docstring)."""
    index = situation.indices.get(action.dimension)
    gap = max(0.0, situation.targets.get(action.dimension, 0) - index) if index is not None else 0.0
    severity = max(
        (situation.severity.get(r.ref, 0) for r in because if r.kind == "finding"), default=0
    )
    return round((gap + 10 * severity) * action.impact / action.effort_days, 3)


def order_actions(
    reasons: Mapping[str, Sequence[Reason]], catalogue: Mapping[str, Action], situation: Situation
) -> list[tuple[Action, float]]:
    """Dependency order; among ready actions, cornerstone first, then priority, then id."""
    chosen = {a: catalogue[a] for a in reasons}
    prio = {a: priority(chosen[a], reasons[a], situation) for a in chosen}
    waiting = {a: len(chosen[a].requires) for a in chosen}  # selection includes every prerequisite
    unlocks: dict[str, list[str]] = {}
    for a in chosen:
        for r in chosen[a].requires:
            unlocks.setdefault(r, []).append(a)
    ready = [(not _leads(chosen[a], situation), -prio[a], a) for a in chosen if not waiting[a]]
    heapq.heapify(ready)
    out = []
    while ready:
        *_, best = heapq.heappop(ready)
        out.append((chosen[best], prio[best]))
        for nxt in unlocks.get(best, []):
            waiting[nxt] -= 1
            if not waiting[nxt]:
                heapq.heappush(ready, (not _leads(chosen[nxt], situation), -prio[nxt], nxt))
    return out


def _leads(action: Action, situation: Situation) -> bool:
    return situation.cornerstone and action.dimension == situation.cornerstone_dimension


def schedule(
    ordered: Sequence[tuple[Action, float]],
    reasons: Mapping[str, Sequence[Reason]],
    capacities: Sequence[float],
) -> tuple[list[Planned], list[str]]:
    """Phases within capacity; returns the planned actions and the ids deferred beyond phase 4."""
    used = [0.0] * len(capacities)
    phase_of: dict[str, int] = {}
    planned, deferred = [], []
    for action, prio in ordered:
        if any(r in deferred for r in action.requires):
            deferred.append(action.id)
            continue
        earliest = max((phase_of[r] for r in action.requires), default=1)
        phase = next(
            (
                p
                for p in range(earliest, len(capacities) + 1)
                if used[p - 1] + action.effort_days <= capacities[p - 1]
            ),
            None,
        )
        if phase is None:
            deferred.append(action.id)
            continue
        used[phase - 1] += action.effort_days
        phase_of[action.id] = phase
        planned.append(Planned(action, phase, prio, tuple(reasons[action.id])))
    return planned, deferred


def project(
    indices: Mapping[str, float | None], actions: Sequence[Action]
) -> dict[str, float | None]:
    """Indices after these actions are done (see the module docstring)."""
    out = dict(indices)
    for action in actions:
        current = out.get(action.dimension)
        if current is None:
            continue
        goal = 25.0 * (action.lift_to - 1)
        out[action.dimension] = round(
            min(100.0, current + max(0.0, goal - current) * action.impact / 5), 2
        )
    return out


def plan_roadmap(
    situation: Situation,
    catalogue: Mapping[str, Action],
    days_per_month: float = DEFAULT_DAYS_PER_MONTH,
) -> Roadmap:
    """The phased roadmap, with the indices projected after each phase."""
    capacities = [days_per_month * (end - start) for start, end in PHASES]
    reasons = select_actions(situation, catalogue)
    planned, deferred = schedule(order_actions(reasons, catalogue, situation), reasons, capacities)
    phases = []
    done: list[Action] = []
    for number, (start, end) in enumerate(PHASES, start=1):
        members = [p for p in planned if p.phase == number]
        done += [p.action for p in members]
        phases.append(
            Phase(
                number=number,
                months=(start, end),
                capacity_days=capacities[number - 1],
                effort_days=sum(p.action.effort_days for p in members),
                actions=tuple(PlannedAction(p.action, p.priority, p.because) for p in members),
                projected=project(situation.indices, done),
            )
        )
    return Roadmap(tuple(phases), days_per_month, situation.cornerstone, tuple(deferred))
