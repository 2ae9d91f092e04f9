"""The improvement roadmap: which actions, in what order, when, and what they should achieve.

Selection. An action is a candidate when a finding (other than a strength) calls for it, or when its
dimension is below its target and the action's lift range overlaps the levels between the current
level and the target's level. Every prerequisite of a candidate is added too. An action whose
practice is already in place is not planned but listed as skipped: its dimension is at or above the
level it aims for (`lifts.to`) and so is every item the findings calling for it cite; a skipped
prerequisite counts as done.

Priority (higher first), documented in README "How the roadmap is planned":
    priority = (gap + 10 * severity) * impact / effort_days
where gap is the dimension's distance to target in index points, severity is 3 / 2 / 1 for the most
severe high / medium / low finding calling for the action (0 when only a gap calls for it), impact is
the catalogue's 1..5 and effort_days the catalogue's person-days.

Order. Actions are taken in dependency order (an action never comes before anything it requires);
among the actions that are ready, foundation actions lead in a traditional organisation (overall
level 1, or their dimension at level 1), together with what they need first (what they require,
and the actions lifting their dimension to the level they build on), those building on the lower
level first; they start as soon as that allows, stretched when the capacity left is short
(schedule.py). Then the cornerstone's actions: those of the dimension a fired rule names with
`plan_first` (the tqm pack: leadership when it caps the overall level), else of a dimension the
framework marks `first_when_weakest` when it is the weakest; then the higher priority, then the id.

Time. Each action, in that order, is placed in weeks within the organisation's capacity, after its
prerequisites have finished and once its dimension is projected at the level it builds on (its
`lifts.from`; an action waiting for that level is tried again after the others, and deferred when
the plan does not reach it in time); the phase it ends in holds it (schedule.py says how, how size
scales effort and capacity, and what the plan can achieve). The roadmap lists actions by the week
they end.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple, Protocol

from ..content.model import Action
from .foundations import founding, founds, level_steps_needed
from .schedule import (
    REFERENCE_SIZE,
    Calendar,
    Slot,
    capacity_per_month,
    effort_factor,
    level_steps,
    projected_at,
    schedule,
    to_weeks,
)

PHASES: tuple[tuple[int, int], ...] = ((0, 3), (3, 6), (6, 12), (12, 24))
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


class EvidenceLike(Protocol):
    """What the planner reads of an item a finding cites."""

    @property
    def value(self) -> float | None: ...


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
    @property
    def evidence(self) -> Sequence[EvidenceLike]: ...


@dataclass(frozen=True)
class Situation:
    """What the planner needs to know about the organisation."""

    indices: Mapping[str, float | None]
    levels: Mapping[str, int]
    targets: Mapping[str, float]
    findings: Sequence[FindingLike]
    cornerstone: bool  # the cornerstone dimension is the weakest or caps the overall level
    cornerstone_dimension: str = ""
    overall_level: int = 0
    size: int | None = None  # headcount; None: the catalogue's reference organisation
    top_level: int = 5  # the framework's highest level

    @cached_property
    def severity(self) -> dict[str, int]:
        """Each finding's severity score by rule id (priority asks once per action and reason)."""
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.rule] = max(out.get(f.rule, 0), SEVERITY_SCORE[f.severity])
        return out

    def traditional(self, dimension: str) -> bool:
        """Overall level 1, or this dimension at level 1: foundations come first."""
        return self.overall_level == 1 or self.levels.get(dimension, 1) == 1


@dataclass(frozen=True)
class PlannedAction:
    """An action in the plan: its priority, the reasons it is there, its weeks [start, end) and the
    effort it takes in this organisation (the catalogue's, scaled by size). A plan stored before
    plans were made in weeks has no weeks, and its effort is the catalogue's."""

    action: Action
    priority: float
    because: tuple[Reason, ...]
    weeks: tuple[int, int] | None = None
    effort_days: float = 0.0


@dataclass(frozen=True)
class Phase:
    """One phase: its months and weeks, capacity, actions (those ending in it) and the indices and
    levels projected at its end."""

    number: int
    months: tuple[int, int]
    capacity_days: float
    effort_days: float
    actions: tuple[PlannedAction, ...]
    projected: Mapping[str, float | None]
    weeks: tuple[int, int] = (0, 0)
    projected_levels: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Skipped:
    """An action not planned because its practice is in place: its dimension's level and the level
    the action aims for."""

    id: str
    dimension: str
    level: int
    aims_at: int


@dataclass(frozen=True)
class Roadmap:
    """The phased plan and how it was made."""

    phases: tuple[Phase, ...]
    days_per_month: float
    cornerstone_first: bool
    deferred: tuple[str, ...]
    organisation_size: int = REFERENCE_SIZE
    size_given: bool = False
    effort_factor: float = 1.0
    foundation_first: bool = False
    skipped: tuple[Skipped, ...] = ()


def target_level(target: float, top_level: int) -> int:
    """The level whose uniform index the target reaches: levels are evenly spaced on 0..100
    (five levels: 85 -> 4, 100 -> 5)."""
    steps = target * (top_level - 1) / 100 + 1e-9  # 1e-9: 100 * 6 / 100 is 5.999... in floats
    return max(1, min(top_level, 1 + int(steps)))


def select_actions(
    situation: Situation, catalogue: Mapping[str, Action]
) -> tuple[dict[str, list[Reason]], list[Skipped]]:
    """Candidate action ids with the reasons (findings, gaps, prerequisites) behind each, and the
    actions left out because their practice is in place."""
    reasons: dict[str, list[Reason]] = {}
    cited: dict[str, list[float]] = {}  # the items the findings calling for an action cite
    for finding in situation.findings:
        if finding.kind != "strength":
            values = [e.value for e in finding.evidence if e.value is not None]
            for action_id in finding.actions:
                reasons.setdefault(action_id, []).append(Reason("finding", finding.rule))
                cited.setdefault(action_id, []).extend(values)
    # per dimension with a gap: (level now, level the target reaches)
    gaps = {
        dim: (situation.levels.get(dim, 1), target_level(target, situation.top_level))
        for dim, target in situation.targets.items()
        if (index := situation.indices.get(dim)) is not None and index < target
    }
    for action in catalogue.values():
        gap = gaps.get(action.dimension)
        if gap and action.lift_from < gap[1] and action.lift_to > gap[0]:
            reasons.setdefault(action.id, []).append(Reason("gap", action.dimension))
    skipped = _in_place(situation, catalogue, reasons, cited)
    for step, needed_by in level_steps_needed(reasons, catalogue, situation).items():
        reasons[step] = [Reason("prerequisite", needed_by)]
    _add_prerequisites(reasons, catalogue, {s.id for s in skipped})
    return reasons, skipped


def _in_place(
    situation: Situation,
    catalogue: Mapping[str, Action],
    reasons: dict[str, list[Reason]],
    cited: Mapping[str, Sequence[float]],
) -> list[Skipped]:
    """Remove from `reasons` the actions whose practice is in place; the removed, and every
    prerequisite in place, as skipped (by id)."""
    skipped: dict[str, Skipped] = {}
    pending, seen = sorted(reasons), set(reasons)
    while pending:
        action = catalogue[pending.pop()]
        level = situation.levels.get(action.dimension, 1)
        items = cited.get(action.id, ())
        if level >= action.lift_to and all(v >= action.lift_to for v in items):
            skipped[action.id] = Skipped(action.id, action.dimension, level, action.lift_to)
            reasons.pop(action.id, None)
        else:  # needed: are its prerequisites in place?
            pending += [r for r in action.requires if r not in seen]
            seen.update(action.requires)
    return [skipped[k] for k in sorted(skipped)]


def _add_prerequisites(
    reasons: dict[str, list[Reason]], catalogue: Mapping[str, Action], done: set[str]
) -> None:
    pending = sorted(reasons)
    while pending:
        action_id = pending.pop()
        for required in catalogue[action_id].requires:
            if required in done:
                continue
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
    """Dependency order; among ready actions, foundations in a traditional organisation first, then
    the cornerstone, then priority, then id."""
    chosen = {a: catalogue[a] for a in reasons}
    prio = {a: priority(chosen[a], reasons[a], situation) for a in chosen}
    # selection includes every prerequisite not in place; those in place count as done
    waiting = {a: sum(r in chosen for r in chosen[a].requires) for a in chosen}
    unlocks: dict[str, list[str]] = {}
    for a in chosen:
        for r in chosen[a].requires:
            unlocks.setdefault(r, []).append(a)

    first = founding(chosen, situation)

    def key(a: str) -> tuple[bool, int, bool, float, str]:
        lift = chosen[a].lift_from if a in first else 0  # the lower level's foundations first
        return (a not in first, lift, not _leads(chosen[a], situation), -prio[a], a)

    ready = [key(a) for a in chosen if not waiting[a]]
    heapq.heapify(ready)
    out = []
    while ready:
        *_, best = heapq.heappop(ready)
        out.append((chosen[best], prio[best]))
        for nxt in unlocks.get(best, []):
            waiting[nxt] -= 1
            if not waiting[nxt]:
                heapq.heappush(ready, key(nxt))
    return out


def _leads(action: Action, situation: Situation) -> bool:
    return situation.cornerstone and action.dimension == situation.cornerstone_dimension


def plan_roadmap(
    situation: Situation,
    catalogue: Mapping[str, Action],
    days_per_month: float | None = None,
) -> Roadmap:
    """The phased roadmap, with the indices and levels projected at the end of each phase.
    `days_per_month` overrides the capacity the organisation's size gives."""
    size = situation.size or REFERENCE_SIZE
    factor = effort_factor(size)
    capacity = capacity_per_month(size) if days_per_month is None else days_per_month
    windows = [(to_weeks(start), to_weeks(end)) for start, end in PHASES]
    calendar = Calendar(capacity, windows[-1][1])
    reasons, skipped = select_actions(situation, catalogue)
    ordered = order_actions(reasons, catalogue, situation)
    founders = founding({a: catalogue[a] for a in reasons}, situation)
    placed, deferred = schedule(ordered, calendar, factor, situation.levels, founders)
    by_dimension: dict[str, list[Slot]] = {}
    for slot, _ in placed.values():
        by_dimension.setdefault(slot.action.dimension, []).append(slot)
    steps = {d: level_steps(situation.levels.get(d, 1), s) for d, s in by_dimension.items()}
    listed = sorted(placed.values(), key=lambda p: (p[0].end, p[0].start))  # stable: plan order
    phases = []
    for number, ((start, end), (first, last)) in enumerate(
        zip(PHASES, windows, strict=True), start=1
    ):
        levels, indices = projected_at(last, situation.levels, situation.indices, steps)
        phases.append(
            Phase(
                number=number,
                months=(start, end),
                capacity_days=round(capacity * (end - start), 1),
                effort_days=calendar.used(first, last),
                actions=tuple(
                    PlannedAction(
                        s.action,
                        prio,
                        tuple(reasons[s.action.id]),
                        (s.start, s.end),
                        s.effort_days,
                    )
                    for s, prio in listed
                    if first < s.end <= last
                ),
                projected=indices,
                weeks=(first, last),
                projected_levels=levels,
            )
        )
    return Roadmap(
        tuple(phases),
        capacity,
        situation.cornerstone,
        tuple(deferred),
        organisation_size=size,
        size_given=situation.size is not None,
        effort_factor=round(factor, 3),
        foundation_first=any(founds(catalogue[a], situation) for a in reasons),
        skipped=tuple(skipped),
    )
