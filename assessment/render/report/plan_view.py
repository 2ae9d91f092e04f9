"""The roadmap and the rule trace as the report shows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ...engine.evaluation import TraceStep
from ...engine.result import Result
from ...engine.roadmap import PlannedAction, Reason
from ...numbers import decimal as fmt
from ..messages import label
from .charts import number_actions
from .view import anchor

# --- roadmap -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionView:
    """One planned action as the roadmap lists it."""

    number: int
    title: str
    dimension: str
    description: str
    because: tuple[str, ...]
    effort: str
    kpi: str
    requires: str


@dataclass(frozen=True)
class PhaseView:
    """One roadmap phase: when, how much effort, which actions, what they should achieve."""

    number: int
    anchor: str
    heading: str
    effort: str
    actions: tuple[ActionView, ...]
    projected: tuple[tuple[str, str, str, bool], ...]  # title, before, after, changed


def phase_views(result: Result, lang: str) -> list[PhaseView]:
    """The roadmap phases with numbered actions and their reasons in words."""
    numbers = number_actions(result.phases)
    dims = result.dimensions
    before = {d: v.index for d, v in dims.items()}
    out = []
    for phase in result.phases:
        after = phase.projected
        a, b = phase.months
        out.append(PhaseView(
            number=phase.number,
            anchor=anchor("phase", str(phase.number)),
            heading=f"{label('phase', lang, n=phase.number)} · {label('months', lang, a=a, b=b)}",
            effort=label("effort_of", lang, used=fmt(phase.effort_days),
                         capacity=fmt(phase.capacity_days)),
            actions=tuple(_action_view(x, numbers, result, lang) for x in phase.actions),
            projected=tuple(
                (v.title.get(lang), fmt(before[d]), fmt(after.get(d)), after.get(d) != before[d])
                for d, v in dims.items()
            ),
        ))  # fmt: skip
        before = {d: after.get(d, before[d]) for d in before}
    return out


def _action_view(
    planned: PlannedAction, numbers: Mapping[str, int], result: Result, lang: str
) -> ActionView:
    action, dims = planned.action, result.dimensions
    if planned.weeks is None:  # a plan stored before plans were made in weeks
        effort = label("effort_duration", lang, days=fmt(planned.effort_days),
                       weeks=fmt(action.duration_weeks))  # fmt: skip
    else:
        start, end = planned.weeks
        effort = label("effort_value", lang, days=fmt(planned.effort_days), a=start, b=end)
    return ActionView(
        number=numbers[action.id],
        title=action.title.get(lang),
        dimension=dims[action.dimension].title.get(lang) if action.dimension in dims else "",
        description=action.description.get(lang),
        because=tuple(because_text(planned.because, numbers, result, lang)),
        effort=effort,
        kpi=_symbols(action.kpi.get(lang)),
        requires=", ".join(str(numbers[r]) for r in action.requires if r in numbers),
    )


def _symbols(text: str) -> str:
    """'>= 30%' -> '≥ 30%' (typographic comparison signs)."""
    return text.replace(">=", "≥").replace("<=", "≤")


def because_text(
    reasons: Sequence[Reason], numbers: Mapping[str, int], result: Result, lang: str
) -> list[str]:
    """Reasons in words: finding titles, gaps to target, and the actions this one enables."""
    titles = {f.rule: f.title.get(lang) for f in result.findings}
    dims = result.dimensions
    out, enables = [], []
    for reason in reasons:
        if reason.kind == "prerequisite":
            enables.append(reason.ref)
        elif reason.kind == "gap" and reason.ref in dims:
            out.append(label("because_gap", lang, dim=dims[reason.ref].title.get(lang)))
        else:
            out.append(titles.get(str(reason), str(reason)))
    planned = sorted(numbers[a] for a in enables if a in numbers)
    if planned:
        out.append(label("because_prereq", lang, nums=", ".join(map(str, planned))))
    return out


# --- trace ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceRow:
    """One rule of the trace with the conditions that decided it, as one line of text."""

    rule: str
    fired: bool
    conditions: str


OPS = {">=": "≥", "<=": "≤", "!=": "≠", "==": "="}


GROUP_IDLE_OVER = 6  # idle instances of one rule beyond this are counted in one row


def trace_rows(trace: Sequence[TraceStep], lang: str) -> list[TraceRow]:
    """The rule trace, compact: what made each rule fire or not; many idle instances counted."""
    rows: list[TraceRow] = []
    for rule, group in groupby(trace, key=lambda s: s.rule.partition("[")[0]):
        steps = list(group)
        idle = [s for s in steps if not s.fired]
        for step in steps:
            if step.fired or len(idle) <= GROUP_IDLE_OVER:
                rows.append(_trace_row(step))
        if len(idle) > GROUP_IDLE_OVER:
            rows.append(TraceRow(f"{rule}[…]", False, label("idle_instances", lang, n=len(idle))))
    return rows


def _trace_row(step: TraceStep) -> TraceRow:
    """Fired: the conditions that held; not fired: the conditions that failed."""
    shown = [c for c in step.conditions if c["result"] == step.fired]
    return TraceRow(step.rule, step.fired, " · ".join(condition_text(c) for c in shown))


def condition_text(c: Mapping[str, Any]) -> str:
    """'index.customer ≥ 20 (73.75)', 'not critical_min.customer absent (3.8)'."""
    op = OPS.get(c["op"], c["op"])
    if c.get("ref"):
        right = f" {c['ref']}"
        right += f" [{fmt(c['threshold'])}]" if c.get("threshold") is not None else ""
    else:
        right = f" {fmt(c['threshold'])}" if c.get("threshold") is not None else ""
    text = f"{c['fact']} {op}{right} ({fmt(c.get('actual'))})"
    return f"not {text}" if c.get("negated") else text
