"""Foundations first: which actions a traditional organisation's plan starts with.

A foundation action (`foundation: true` in the catalogue) leads in a traditional organisation
(overall level 1, or its dimension at level 1), together with what it needs first: the actions it
requires, and the actions lifting its dimension to the level it builds on (`lifts.from`). When
nothing else called for such a lifting action, the planner selects one (a foundation action first,
then the least effort), so that the foundation is not left waiting for a level the plan never
reaches. The roadmap orders these first and schedule.py starts them as soon as that allows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol

from ..content.model import Action


class Organisation(Protocol):
    """What these rules read of the organisation (the planner's Situation)."""

    @property
    def levels(self) -> Mapping[str, int]: ...
    def traditional(self, dimension: str) -> bool: ...


def founds(action: Action, situation: Organisation) -> bool:
    """A foundation action in a traditional organisation (or dimension): it comes first."""
    return action.foundation and situation.traditional(action.dimension)


def level_steps_needed(
    chosen: Collection[str], catalogue: Mapping[str, Action], situation: Organisation
) -> dict[str, str]:
    """The actions to add, each with the foundation action needing it: for a chosen foundation that
    builds on a level above today's, one action a level lifting its dimension there, where none of
    the chosen does (a foundation action first, then the least effort, then the id)."""
    added: dict[str, str] = {}
    for action_id in sorted(chosen):
        action = catalogue[action_id]
        if not founds(action, situation):
            continue
        for level in range(situation.levels.get(action.dimension, 1), action.lift_from):
            lifting = sorted(
                (not a.foundation, a.effort_days, a.id)
                for a in catalogue.values()
                if a.dimension == action.dimension and a.lift_from <= level < a.lift_to
            )
            if lifting and not any(a[2] in chosen or a[2] in added for a in lifting):
                added[lifting[0][2]] = action_id
    return added


def founding(chosen: Mapping[str, Action], situation: Organisation) -> set[str]:
    """The chosen foundation actions of a traditional organisation's dimensions, with what they
    need first: the chosen actions they require, and those that lift their dimension towards the
    level they build on (and so on, down to what is in place)."""
    first: set[str] = set()
    pending = [a for a, action in chosen.items() if founds(action, situation)]
    while pending:
        action = chosen[pending.pop()]
        if action.id in first:
            continue
        first.add(action.id)
        pending += [r for r in action.requires if r in chosen]
        if action.lift_from > situation.levels.get(action.dimension, 1):
            pending += [
                a.id
                for a in chosen.values()
                if a.dimension == action.dimension and a.lift_from < action.lift_from
            ]
    return first
