"""A framework as content: the dimensions, maturity levels, respondent roles and wording that an
assessment is built on (frameworks/<id>.yaml). A rule pack names its framework; the questionnaires
it scores use the framework's dimension ids and roles; every output names levels, roles and
dimensions as the framework declares them. No framework is named in code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .text import Text


@dataclass(frozen=True)
class FrameworkDimension:
    """A dimension as the framework declares it (its questions are the questionnaire's)."""

    id: str
    title: Text
    short: Text  # for tight places: chart lanes, workbook headers
    first_when_weakest: bool = False  # its actions lead the roadmap when it is the weakest


@dataclass(frozen=True)
class Level:
    """A maturity level: its number (1 the lowest), name and what it means."""

    number: int
    name: Text
    description: Text


@dataclass(frozen=True)
class Role:
    """A respondent role: how one and a group of them are named, and its side (if any) in the
    leaders/staff perception comparison."""

    id: str
    name: Text
    names: Text
    group: str | None = None  # "leaders", "staff" or None


@dataclass(frozen=True)
class Framework:
    id: str
    title: Text
    subtitle: Text | None
    description: Text | None
    dimensions: tuple[FrameworkDimension, ...]
    levels: tuple[Level, ...]
    roles: tuple[Role, ...]
    reference: str  # the baseline profile organisations start from
    target: str  # the baseline profile they aim at
    reference_name: Text  # how tables and charts name the reference profile
    target_name: Text
    dont_know: bool = True
    source: str = ""

    @cached_property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @cached_property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.roles)

    @cached_property
    def top_level(self) -> int:
        return len(self.levels)

    def level(self, number: int) -> Level:
        """Level `number` (1-based); the nearest declared level when out of range."""
        return self.levels[max(1, min(number, len(self.levels))) - 1]

    def level_name(self, number: int, lang: str) -> str:
        return self.level(number).name.get(lang)

    def level_description(self, number: int, lang: str) -> str:
        return self.level(number).description.get(lang)

    def role(self, role_id: str) -> Role | None:
        return self._roles.get(role_id)

    def role_name(self, role_id: str, lang: str, *, plural: bool = True) -> str:
        """The display name of a role (the id itself when the framework does not declare it)."""
        role = self._roles.get(role_id)
        if role is None:
            return role_id
        return (role.names if plural else role.name).get(lang)

    def roles_in(self, group: str) -> tuple[str, ...]:
        """The roles on one side ("leaders" or "staff") of the perception comparison."""
        return tuple(r.id for r in self.roles if r.group == group)

    def short_title(self, dimension_id: str, lang: str, fallback: str = "") -> str:
        found = self._dimensions.get(dimension_id)
        return found.short.get(lang) if found else (fallback or dimension_id)

    def dimension_title(self, dimension_id: str, lang: str) -> str:
        found = self._dimensions.get(dimension_id)
        return found.title.get(lang) if found else dimension_id

    @cached_property
    def first_when_weakest(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions if d.first_when_weakest)

    @cached_property
    def _roles(self) -> dict[str, Role]:
        return {r.id: r for r in self.roles}

    @cached_property
    def _dimensions(self) -> dict[str, FrameworkDimension]:
        return {d.id: d for d in self.dimensions}


def build_framework(data: Mapping[str, Any], source: str = "") -> Framework:
    """The model of checked framework data (assessment/schemas/framework.schema.json)."""
    comparison = data["comparison"]
    return Framework(
        id=data["id"],
        title=Text.from_data(data["title"]),
        subtitle=_text(data.get("subtitle")),
        description=_text(data.get("description")),
        dimensions=tuple(
            FrameworkDimension(
                id=d["id"],
                title=Text.from_data(d["title"]),
                short=Text.from_data(d.get("short", d["title"])),
                first_when_weakest=bool(d.get("first_when_weakest", False)),
            )
            for d in data["dimensions"]
        ),
        levels=tuple(
            Level(n, Text.from_data(lv["name"]), Text.from_data(lv["description"]))
            for n, lv in enumerate(data["levels"], start=1)
        ),
        roles=tuple(
            Role(r["id"], Text.from_data(r["name"]), Text.from_data(r["names"]), r.get("group"))
            for r in data["roles"]
        ),
        reference=comparison["reference"],
        target=comparison["target"],
        reference_name=Text.from_data(comparison["reference_name"]),
        target_name=Text.from_data(comparison["target_name"]),
        dont_know=bool(data.get("answering", {}).get("dont_know", True)),
        source=source,
    )


def _text(data: Mapping[str, str] | None) -> Text | None:
    return Text.from_data(data) if data else None
