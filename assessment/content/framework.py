"""The framework's vocabulary that code relies on, each named once here: the dimension ids (with
their short titles), the respondent roles (with their display names: the report, the workbook and
the web app all show these), the maturity levels' names and the cornerstone (the dimension that
leads the roadmap, and the rule whose cap says so).

Everything else about the framework is content (questionnaires/, rules/); a later change moves
these declarations into the rule pack and the questionnaire too. The overall level gates are not
here: they are read from the pack's overall-level rules (`evaluation.Program.overall_gates`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .text import Text

# Dimension id -> short title (for tight places: chart lanes); the order is the framework's.
DIMENSION_SHORT_TITLES: Mapping[str, Text] = MappingProxyType(
    {
        "customer": Text("Customer focus", "关注顾客"),
        "leadership": Text("Leadership", "领导与战略"),
        "process": Text("Process", "流程化运作"),
        "learning": Text("Learning", "学习与改进"),
        "structure": Text("Structure", "组织结构"),
        "performance": Text("Appraisal", "考核与激励"),
    }
)
DIMENSIONS: tuple[str, ...] = tuple(DIMENSION_SHORT_TITLES)


@dataclass(frozen=True)
class RoleName:
    """How a respondent role is shown: a group of them, and one."""

    plural: Text
    singular: Text


ROLE_NAMES: Mapping[str, RoleName] = MappingProxyType(
    {
        "leader": RoleName(Text("Senior leaders", "高层领导"), Text("Senior leader", "高层领导")),
        "manager": RoleName(Text("Managers", "中层管理者"), Text("Manager", "中层管理者")),
        "staff": RoleName(Text("Staff", "一线员工"), Text("Staff member", "一线员工")),
        "customer": RoleName(Text("Customers", "顾客"), Text("Customer", "顾客")),
        # 评估, not 审核: this respondent rates the maturity (docs/glossary.md keeps 审核 for the
        # ISO 9001 internal audit).
        "auditor": RoleName(
            Text("Auditors and consultants", "评估人员和咨询顾问"),
            Text("Auditor or consultant", "评估人员或咨询顾问"),
        ),
    }
)
ROLES: tuple[str, ...] = tuple(ROLE_NAMES)

LEVEL_NAMES: Mapping[int, Text] = MappingProxyType(
    {
        1: Text("Traditional", "传统管理"),
        2: Text("Awakening", "觉醒"),
        3: Text("Developing", "发展"),
        4: Text("Integrated", "整合"),
        5: Text("Total quality", "全面质量"),
    }
)


def level_name(level: int, lang: str) -> str:
    """The fixed name of a maturity level."""
    return LEVEL_NAMES[level].get(lang)


@dataclass(frozen=True)
class Cornerstone:
    """The dimension the roadmap starts with when it is the weakest or when `rule` caps the
    overall level (leadership is the cornerstone of quality management)."""

    dimension: str
    rule: str


CORNERSTONE = Cornerstone(dimension="leadership", rule="leadership.cornerstone")
