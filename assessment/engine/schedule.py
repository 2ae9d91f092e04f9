"""Time, size and what the plan can achieve: the roadmap's weeks, capacity and projected levels.

Size. The catalogue's efforts are estimates for a reference organisation of 300 people
(`REFERENCE_SIZE`). An organisation of `size` people (answers' `organisation_size`; 300 when not
given) plans with

    effort_days   = catalogue effort_days * (size / 300) ** 0.7
    days_per_month = max(2, 0.02 * 21 * size)     (2% of 21 working days a month per person)

Effort grows less than in proportion to size because part of every action is fixed (designing it,
the top team's and the facilitators' time) and only the rest grows with the people it touches; 0.7
is the usual economy-of-scale exponent of cost engineering. Capacity grows in proportion: each
person can give about 2% of the working time to improvement work (a day a month for every two or
three people, next to the daily work), and even the smallest organisation two person-days a month.

Weeks. Months become weeks at 52/12 a month, so the phases (months 0-3, 3-6, 6-12, 12-24) are weeks
0-13, 13-26, 26-52 and 52-104. An action starts in the first week after all its prerequisites have
finished (or are already in place), and its dimension is projected at the level it builds on
(`lifts.from`), where its load fits: it spreads its effort evenly over its
`duration_weeks` (whole weeks), and in no week may the planned load exceed the weekly capacity. An
action whose effort the capacity cannot carry within its duration is stretched until it can. A
foundation action in a traditional organisation (and whatever it needs first) does not wait for
room: it starts as soon as its prerequisites and level allow, stretched over as many more weeks as
the capacity left beside the foundations placed before it requires. It belongs to the phase in which it ends; one that would end after week 104 is deferred, with
everything that requires it.

What the plan can achieve. An action lifts its dimension by at most one level, from a level inside
its `lifts` range (from <= level < to) to the next, and only once. A lift counts when the action
ends, but a lift to level L (from its second lift on) waits until the level below has been held
13 * (L - 1) weeks (`embed_weeks`): 26 weeks before level 3, 39 before level 4, 52 before level 5.
A level's practices must run for two, three, four quarterly reviews before the next level builds on
them, as examiners ask for deployment before results, and the higher the level the more of the
organisation it must reach. So a dimension at level 1 is at level 3 at the soonest after 27 weeks,
at level 4 after 66 and at level 5 after 118: never past level 3 within the first year, nor past
level 4 within two. The projected index of a
dimension is the index of a uniform answer set at its projected level (25 * (level - 1)), never
below today's index and never above 100.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.model import Action

REFERENCE_SIZE = 300
EFFORT_EXPONENT = 0.7
IMPROVEMENT_SHARE = 0.02
WORKING_DAYS_PER_MONTH = 21
MIN_DAYS_PER_MONTH = 2.0
EMBED_WEEKS_PER_LEVEL = 13  # a quarter
WEEKS_PER_MONTH = 52 / 12
EFFORT_RULE = f"effort_days * (size / {REFERENCE_SIZE}) ^ {EFFORT_EXPONENT}"
CAPACITY_RULE = (
    f"max({MIN_DAYS_PER_MONTH:g}, {IMPROVEMENT_SHARE:g} * {WORKING_DAYS_PER_MONTH} * size)"
    " person-days a month"
)
_SLACK = 1e-9  # float tolerance on the weekly load


def effort_factor(size: int) -> float:
    """How much of the catalogue's (300-person) effort an organisation of `size` people needs."""
    return float((size / REFERENCE_SIZE) ** EFFORT_EXPONENT)


def capacity_per_month(size: int) -> float:
    """Person-days a month an organisation of `size` people can give to improvement work."""
    return round(max(MIN_DAYS_PER_MONTH, IMPROVEMENT_SHARE * WORKING_DAYS_PER_MONTH * size), 1)


def embed_weeks(level: int) -> int:
    """How long the level below must have held before a lift to `level` counts (3 -> 26 weeks)."""
    return EMBED_WEEKS_PER_LEVEL * (level - 1)


def to_weeks(months: int) -> int:
    """The week a month boundary falls on (3 -> 13, 12 -> 52, 24 -> 104)."""
    return round(months * WEEKS_PER_MONTH)


@dataclass(frozen=True)
class Slot:
    """An action placed in time: weeks [start, end) and the effort it takes in this organisation."""

    action: Action
    start: int
    end: int
    effort_days: float


class Calendar:
    """The weekly load of the plan so far, against a weekly capacity, up to a horizon."""

    def __init__(self, days_per_month: float, horizon: int) -> None:
        self.capacity = days_per_month / WEEKS_PER_MONTH
        self.load = [0.0] * horizon

    def weeks_needed(self, action: Action, effort: float) -> int:
        """The action's duration in whole weeks, stretched when the capacity cannot carry it."""
        return max(1, math.ceil(action.duration_weeks), math.ceil(effort / self.capacity - _SLACK))

    def place(
        self, action: Action, effort: float, earliest: int, stretch: bool = False
    ) -> Slot | None:
        """The action at the first start from `earliest` where its load fits, or None. With
        `stretch`, it starts at `earliest` if stretching it over more weeks makes it fit there."""
        weeks = self.weeks_needed(action, effort)
        if stretch and (slot := self._stretched(action, effort, earliest, weeks)):
            return slot
        rate, room, load = effort / weeks, self.capacity + _SLACK, self.load
        start = earliest
        while start + weeks <= len(load):
            window = load[start : start + weeks]
            if max(window) + rate <= room:
                load[start : start + weeks] = [w + rate for w in window]
                return Slot(action, start, start + weeks, effort)
            start += (
                next(i for i, w in enumerate(window) if w + rate > room) + 1
            )  # past the full week
        return None

    def _stretched(self, action: Action, effort: float, start: int, weeks: int) -> Slot | None:
        """The action from `start` over the fewest weeks (at least `weeks`) whose load fits in
        what the plan so far leaves free, or None when no length within the horizon does."""
        room, load = self.capacity + _SLACK, self.load
        peak = max(load[start : start + weeks], default=room)
        for end in range(start + weeks, len(load) + 1):
            peak = max(peak, load[end - 1])
            rate = effort / (end - start)
            if peak + rate <= room:
                load[start:end] = [w + rate for w in load[start:end]]
                return Slot(action, start, end, effort)
        return None

    def used(self, start: int, end: int) -> float:
        """Person-days planned in weeks [start, end)."""
        return round(sum(self.load[start:end]), 1)


def level_steps(level: int, slots: Iterable[Slot]) -> list[tuple[int, int]]:
    """(week, level) each time the dimension's projected level rises, from `level` today (see the
    module docstring: one level per action, each lift embed_weeks after the previous one)."""
    pending = sorted(slots, key=lambda s: (s.end, s.action.id))
    steps: list[tuple[int, int]] = []
    since: int | None = None
    while True:
        options = [
            (s.end if since is None else max(s.end, since + embed_weeks(level + 1)), i)
            for i, s in enumerate(pending)
            if s.action.lift_from <= level < s.action.lift_to
        ]
        if not options:
            return steps
        week, i = min(options)
        pending.pop(i)
        level += 1
        since = week
        steps.append((week, level))


def projected_at(
    week: int,
    levels: Mapping[str, int],
    indices: Mapping[str, float | None],
    steps: Mapping[str, Sequence[tuple[int, int]]],
) -> tuple[dict[str, int], dict[str, float | None]]:
    """Each dimension's projected level and index at the end of `week`."""
    out_levels: dict[str, int] = {}
    out_indices: dict[str, float | None] = {}
    for dim, index in indices.items():
        level = levels.get(dim, 1)
        level = max([level, *(lv for w, lv in steps.get(dim, ()) if w <= week)])
        out_levels[dim] = level
        out_indices[dim] = (
            None if index is None else round(min(100.0, max(index, 25.0 * (level - 1))), 2)
        )
    return out_levels, out_indices


def schedule(
    ordered: Sequence[tuple[Action, float]],
    calendar: Calendar,
    factor: float,
    levels: Mapping[str, int],
    first: Collection[str] = frozenset(),
) -> tuple[dict[str, tuple[Slot, float]], list[str]]:
    """Each action in weeks (see schedule.py), in the given order, starting once its prerequisites
    have finished and its dimension is projected at the level it builds on (`lifts.from`); an action
    waiting for a level is tried again after the others. The actions in `first` (foundations in a
    traditional organisation and what they need) start as soon as they can, stretched over more
    weeks when the capacity left is too small to carry them at their pace. Returns the placed
    actions with their priorities, and the ids deferred beyond the horizon (with everything
    requiring them)."""
    placed: dict[str, tuple[Slot, float]] = {}
    deferred: list[str] = []
    waiting = list(ordered)
    chosen = {a.id for a, _ in ordered}
    steps = _LevelSteps(levels)
    while waiting:
        later: list[tuple[Action, float]] = []
        for action, prio in waiting:
            needed = [r for r in action.requires if r in chosen]  # the others are in place
            if any(r in deferred for r in needed):
                deferred.append(action.id)
                continue
            ready = steps.reached(action.dimension, action.lift_from)
            if ready is None or any(r not in placed for r in needed):
                later.append((action, prio))
                continue
            earliest = max([ready, *(placed[r][0].end for r in needed)])
            effort = round(action.effort_days * factor, 1)
            slot = calendar.place(action, effort, earliest, stretch=action.id in first)
            if slot is None:
                deferred.append(action.id)
            else:
                placed[action.id] = (slot, prio)
                steps.add(slot)
        if len(later) == len(waiting):  # nothing moved: these never reach their level in time
            deferred += [a.id for a, _ in later]
            break
        waiting = later
    return placed, deferred


class _LevelSteps:
    """Each dimension's projected lifts by the actions placed so far, kept up to date."""

    def __init__(self, levels: Mapping[str, int]) -> None:
        self.levels = levels
        self.slots: dict[str, list[Slot]] = {}
        self.steps: dict[str, list[tuple[int, int]]] = {}

    def add(self, slot: Slot) -> None:
        dim = slot.action.dimension
        self.slots.setdefault(dim, []).append(slot)
        self.steps.pop(dim, None)  # worked out again when next asked

    def reached(self, dimension: str, level: int) -> int | None:
        """The week the dimension is projected at `level` (0 when it is there today; None when
        the actions placed so far do not take it there)."""
        now = self.levels.get(dimension, 1)
        if level <= now:
            return 0
        if dimension not in self.steps:
            self.steps[dimension] = level_steps(now, self.slots.get(dimension, ()))
        return next((w for w, lv in self.steps[dimension] if lv >= level), None)
