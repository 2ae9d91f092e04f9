"""Plain-text renderings of results and traces for a terminal (CJK-width aware)."""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..engine.evaluation import TraceStep
from ..engine.findings import FindingResult
from ..engine.result import Result
from ..engine.roadmap import Phase
from ..numbers import decimal, signed
from .messages import comparison_names, msg


def width(text: str) -> int:
    """Columns a string takes on a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    gap = " " * max(0, columns - width(text))
    return gap + text if right else text + gap


def table(rows: Sequence[Sequence[str]], right: Iterable[int] = ()) -> list[str]:
    """Rows aligned in columns; the first row is the header."""
    right = set(right)
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(pad(c, widths[i], i in right) for i, c in enumerate(row)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def render_result(result: Result, lang: str) -> str:
    """The result as a readable table followed by the findings."""
    q, pack, overall = result.questionnaire, result.rulepack, result.overall
    head = f"{result.framework.title.get(lang)}{msg('colon', lang)}{result.organisation or '-'}"
    meta = (
        f"{msg('questionnaire', lang)} {q.id} v{q.version} · {msg('rule_pack', lang)} "
        f"{pack.id} {pack.version} · {result.respondents.count} {msg('respondents', lang)}"
    )
    names = comparison_names(result.framework, lang)
    keys = ("dimension", "index", "level", "vs_traditional", "to_target")
    rows = [[msg(k, lang, **names) for k in keys]]
    for dim in result.dimensions.values():
        above = dim.above_traditional
        rows.append(
            [
                dim.title.get(lang),
                decimal(dim.index),
                f"{dim.level} {result.level_name(dim.level, lang)}",
                signed(above, lang) or "—",
                decimal(dim.to_target),
            ]
        )
    overall_name = f"{overall.level} {result.level_name(overall.level, lang)}"
    rows.append([msg("overall", lang), decimal(overall.index), overall_name, "", ""])
    lines = [head, meta, "", *table(rows, right=(1, 3, 4))]
    for cap in overall.caps:
        lines.append("  * " + msg("capped", lang, **{"from": cap.before, "rule": cap.rule}))
    lines += render_results(result, lang)
    lines += ["", msg("findings", lang), *render_findings(result.findings, lang)]
    if result.phases:
        lines += ["", msg("roadmap", lang), *render_roadmap(result.phases, lang)]
    return "\n".join(lines)


def render_results(result: Result, lang: str) -> list[str]:
    """Each dimension's results index and result items (nothing when there are none)."""
    rows = [[msg("dimension", lang), msg("index", lang), ""]]
    for dim in result.dimensions.values():
        if dim.results is None:
            continue
        rows.append([dim.title.get(lang), decimal(dim.results.index, lang), ""])
        # an item's mean answer on its 1..5 scale, told apart from the 0..100 index by "/5"
        rows += [
            ["  " + i.text.get(lang), "—" if i.mean is None else f"{decimal(i.mean, lang)}/5", ""]
            for i in dim.results.items
        ]
    if len(rows) == 1:
        return []
    return ["", msg("results", lang), *table([r[:2] for r in rows], right=(1,))]


def render_findings(findings: Sequence[FindingResult], lang: str) -> list[str]:
    if not findings:
        return ["  " + msg("no_findings", lang)]
    lines = []
    for f in findings:
        label = f"[{msg('severity.' + f.severity, lang)}] {msg('kind.' + f.kind, lang)}"
        lines.append(f"- {label}: {f.title.get(lang)}  ({f.rule})")
        lines += textwrap.wrap(
            f.detail.get(lang),
            96 if lang == "en" else 48,
            initial_indent="    ",
            subsequent_indent="    ",
        )
    return lines


def render_roadmap(phases: Sequence[Phase], lang: str) -> list[str]:
    lines = []
    for phase in phases:
        start, end = phase.months
        lines.append("  " + msg("phase", lang, n=phase.number, start=start, end=end))
        for p in phase.actions:
            title, action_id = p.action.title.get(lang), p.action.id
            line = f"{title} ({action_id})"
            if p.weeks is not None:  # None: a plan stored before plans were made in weeks
                a, b = p.weeks
                days = decimal(p.effort_days, lang)
                line = msg("action_line", lang, title=title, id=action_id, a=a, b=b, days=days)
            lines.append(f"    - {line}")
    return lines


def render_trace(trace: Sequence[TraceStep], lang: str, only: str | None = None) -> str:
    """Why each rule fired or not, comparison by comparison."""
    lines = []
    for step in trace:
        if only and not (step.rule == only or step.rule.startswith(only + "[")):
            continue
        state = msg("fired" if step.fired else "not_fired", lang)
        lines.append(f"{'✔' if step.fired else '✘'} {step.rule}: {state}")
        for c in step.conditions:
            lines.append("    " + _condition_line(c, lang))
    return "\n".join(lines)


def _condition_line(c: Mapping[str, Any], lang: str) -> str:
    actual = msg("absent", lang) if c["actual"] is None else decimal(c["actual"])
    if c["op"] in ("present", "absent"):
        test = f"{c['fact']} {c['op']}"
    else:
        right = c.get("ref", "")
        if right and c.get("plus"):
            right += f" {'+' if c['plus'] > 0 else '-'} {decimal(abs(c['plus']))}"
        right = f"{right} (= {decimal(c['threshold'])})" if right else decimal(c["threshold"])
        test = f"{c['fact']} {c['op']} {right}"
    prefix = "not " if c.get("negated") else ""
    return f"{prefix}{test}: {actual} -> {str(c['result']).lower()}"
