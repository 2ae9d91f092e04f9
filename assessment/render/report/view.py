"""What the report shows, read from a typed result: plain frozen dataclasses for the templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from babel.dates import format_date

from ...engine.document import SCHEMA
from ...engine.findings import Evidence, FindingResult
from ...engine.result import DimensionResult, Result
from ...engine.schedule import REFERENCE_SIZE, capacity_per_month
from ...numbers import decimal as fmt
from ...numbers import percent, signed
from ..messages import comparison_names, label, msg
from .charts import number_actions
from .method_view import mean_text, perception_threshold


@dataclass(frozen=True)
class EvidenceView:
    """One question cited by a finding, with what respondents said about it."""

    text: str
    value: str
    evidence: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FindingView:
    """A finding as the report prints it."""

    rule: str
    anchor: str
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    title: str
    detail: str
    dimensions: tuple[str, ...]
    dimension_titles: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    actions: tuple[str, ...]


@dataclass(frozen=True)
class DimensionView:
    """One dimension: its scores, what its level means and the findings about it."""

    id: str
    anchor: str
    title: str
    index: str
    level: int
    level_name: str
    description: str
    traditional: str
    target: str
    gap: str
    previous: str
    change: str
    counts: str
    agreement: str
    strengths: tuple[FindingView, ...]
    no_strength: str
    issues: tuple[FindingView, ...]
    also: tuple[FindingView, ...]
    roles: str
    planned: tuple[tuple[str, tuple[tuple[int, str], ...]], ...]  # phase, ((number, title), ...)
    results: str = ""  # the results index line; "" when the dimension has no result items
    result_items: tuple[tuple[str, str], ...] = ()  # (item text, mean answer)


@dataclass(frozen=True)
class About:
    """The facts the cover, summary and appendix print: what was assessed, with what, the outcome."""

    questionnaire_id: str
    questionnaire_title: str
    questionnaire_version: int
    rulepack_id: str
    rulepack_version: object
    rulepack_sha256: str
    respondents: int
    level: int
    level_name: str
    index: float | None
    days_per_month: float
    deferred: tuple[str, ...]
    schema: str
    organisation_size: int = REFERENCE_SIZE
    size_given: bool = False
    skipped: tuple[str, ...] = ()
    capacity_note: str = ""  # the method's sentence on size, effort and capacity


def about(result: Result, lang: str) -> About:
    """The result's identity and outcome in `lang`."""
    q, pack, plan = result.questionnaire, result.rulepack, result.roadmap
    return About(
        q.id, q.title.get(lang), q.version, pack.id, pack.version, pack.sha256,
        result.respondents.count, result.overall.level, result.level_name(result.overall.level, lang),
        result.overall.index,
        plan.days_per_month if plan else capacity_per_month(REFERENCE_SIZE),
        plan.deferred if plan else (), SCHEMA,
        plan.organisation_size if plan else REFERENCE_SIZE,
        plan.size_given if plan else False,
        tuple(s.id for s in plan.skipped) if plan else (),
        capacity_note(result, lang),
    )  # fmt: skip


def capacity_note(result: Result, lang: str) -> str:
    """How size scaled effort and capacity, in words (the method section)."""
    plan = result.roadmap
    size = plan.organisation_size if plan else REFERENCE_SIZE
    days = plan.days_per_month if plan else capacity_per_month(REFERENCE_SIZE)
    assumed = "" if plan and plan.size_given else label("size_assumed", lang)
    return label("method_capacity", lang, size=size, days=fmt(days, lang), assumed=assumed)


def report_date(text: str | None, lang: str) -> str:
    """An ISO date in the report's language (29 November 2026 / 2026年11月29日); other text as is."""
    try:
        day = dt.date.fromisoformat(text[:10]) if text else dt.date.today()
    except ValueError:
        return str(text)
    if lang == "zh":
        return format_date(day, "long", locale="zh_CN")
    return format_date(day, "d MMMM y", locale="en")


def _kind_label(kind: str, lang: str) -> str:
    text = msg(f"kind.{kind}", lang)
    return text[:1].upper() + text[1:]


def anchor(prefix: str, ident: str) -> str:
    """An HTML id made of safe characters only."""
    return prefix + "-" + "".join(c if c.isalnum() else "-" for c in ident)


def finding_view(finding: FindingResult, result: Result, lang: str) -> FindingView:
    """A finding with labels, dimension titles and de-duplicated evidence."""
    dims = result.dimensions
    return FindingView(
        rule=finding.rule,
        anchor=anchor("finding", finding.rule),
        kind=finding.kind,
        kind_label=_kind_label(finding.kind, lang),
        severity=finding.severity,
        severity_label=msg(f"severity.{finding.severity}", lang),
        title=finding.title.get(lang),
        detail=finding.detail.get(lang),
        dimensions=finding.dimensions,
        dimension_titles=tuple(
            dims[d].title.get(lang) if d in dims else d for d in finding.dimensions
        ),
        evidence=tuple(_evidence_view(e, result, lang) for e in finding.evidence),
        actions=finding.actions,
    )


def _evidence_view(entry: Evidence, result: Result, lang: str) -> EvidenceView:
    value = entry.value
    scales = result.method.scales if result.method else ()
    shown = mean_text("mean_answer", value, scales, lang) if value is not None else ""
    return EvidenceView(
        text=entry.text.get(lang) or entry.question,
        value=shown,
        evidence=tuple(dict.fromkeys(entry.evidence)),
        notes=tuple(dict.fromkeys(entry.notes)),
    )


def dimension_views(
    result: Result, findings: Sequence[FindingView], lang: str
) -> list[DimensionView]:
    """One view per dimension, with the findings that concern it."""
    numbers = number_actions(result.phases)
    return [_dimension_view(d, result, numbers, findings, lang) for d in result.dimensions.values()]


def _dimension_view(
    dim: DimensionResult,
    result: Result,
    numbers: Mapping[str, int],
    findings: Sequence[FindingView],
    lang: str,
) -> DimensionView:
    mine = [f for f in findings if dim.id in f.dimensions]
    strengths = tuple(f for f in mine if f.kind == "strength")
    previous = dim.previous
    change = dim.index - previous if previous is not None and dim.index is not None else None
    return DimensionView(
        id=dim.id,
        anchor=anchor("dim", dim.id),
        title=dim.title.get(lang),
        index=fmt(dim.index),
        level=dim.level,
        level_name=result.level_name(dim.level, lang),
        description=result.framework.level_description(dim.level, lang),
        traditional=fmt(dim.traditional),
        target=fmt(dim.target),
        gap=fmt(dim.to_target),
        previous=fmt(previous) if previous is not None else "",
        change=signed(change),
        counts=label("answered", lang, answered=dim.answered, na=dim.na, unknown=dim.unknown),
        agreement=percent(dim.agreement),
        strengths=strengths,
        no_strength=_no_strength(dim.above_traditional, result, lang),
        issues=tuple(f for f in mine if f.kind != "strength" and f.dimensions[0] == dim.id),
        also=tuple(f for f in mine if f.kind != "strength" and f.dimensions[0] != dim.id),
        roles=_roles_line(dim, result, lang),
        planned=tuple(_planned(dim.id, result, numbers, lang)),
        results=label("results_index", lang, index=fmt(dim.results.index)) if dim.results else "",
        result_items=tuple(
            (
                i.text.get(lang),
                mean_text("result_mean", i.mean, _result_scales(result), lang)
                if i.mean is not None
                else "—",
            )
            for i in (dim.results.items if dim.results else ())
        ),
    )


def _roles_line(dim: DimensionResult, result: Result, lang: str) -> str:
    """'Leaders 93.8 · Staff 50' when more than one role answered, else ''."""
    by_role = {r: v for r, v in dim.by_role.items() if v is not None}
    if len(by_role) < 2:
        return ""
    name = result.framework.role_name
    return " · ".join(f"{name(r, lang)} {fmt(v)}" for r, v in by_role.items())


def _planned(
    dim_id: str, result: Result, numbers: Mapping[str, int], lang: str
) -> list[tuple[str, tuple[tuple[int, str], ...]]]:
    """The dimension's planned actions, numbered, grouped by phase (phases without any left out)."""
    out = []
    for phase in result.phases:
        mine = tuple(
            (numbers[p.action.id], p.action.title.get(lang))
            for p in phase.actions
            if p.action.dimension == dim_id
        )
        if mine:
            out.append((label("phase", lang, n=phase.number), mine))
    return out


def _no_strength(above: float | None, result: Result, lang: str) -> str:
    names = comparison_names(result.framework, lang)
    if above is None or above <= 0:
        return label("no_strengths_below", lang, **names)
    return label("no_strengths", lang, above=fmt(above), **names)


# --- cover and summary ---------------------------------------------------------------------------


def role_counts(result: Result, lang: str) -> list[str]:
    """'Leaders 2', ... for the cover, with respondents without a role counted apart."""
    by_role = result.respondents.by_role
    out = [
        label("role_count", lang, role=result.framework.role_name(r, lang), n=n)
        for r, n in by_role.items()
    ]
    missing = result.respondents.count - sum(by_role.values())
    if missing > 0:
        out.append(label("role_count", lang, role=label("no_role", lang), n=missing))
    return out


def summary_paragraph(result: Result, organisation: str, lang: str) -> list[str]:
    """The executive summary's opening: level, what it means, caps, strongest and weakest."""
    overall = result.overall
    count = result.respondents.count
    people = label("respondent_one" if count == 1 else "respondent_many", lang)
    lead = label("summary_lead", lang, org=organisation, n=overall.level,
                 name=result.level_name(overall.level, lang), index=fmt(overall.index), count=count,
                 people=people)  # fmt: skip
    out = [
        lead
        + ("" if lang == "zh" else " ")
        + result.framework.level_description(overall.level, lang)
    ]
    for cap in overall.caps:
        out.append(label("summary_capped", lang, before=cap.before, after=cap.after, rule=cap.rule))
    ranked = _ranked_dimensions(result, lang)
    if len(ranked) >= 2:
        (best, b), (worst, w) = ranked[0], ranked[-1]
        out.append(label("summary_range", lang, best=best, best_index=fmt(b), worst=worst,
                         worst_index=fmt(w)))  # fmt: skip
    return out


def _ranked_dimensions(result: Result, lang: str) -> list[tuple[str, float]]:
    scored = [
        (d.title.get(lang), d.index) for d in result.dimensions.values() if d.index is not None
    ]
    return sorted(scored, key=lambda item: -item[1])


def top_strength(result: Result, findings: Sequence[FindingView], lang: str) -> FindingView | str:
    """The first strength finding, else a sentence on the strongest dimension ('' if none)."""
    strong = [f for f in findings if f.kind == "strength"]
    if strong:
        return strong[0]
    scored = [(d.index, d) for d in result.dimensions.values() if d.index is not None]
    if not scored:
        return ""
    index, best = max(scored, key=lambda pair: pair[0])
    above = best.above_traditional or 0.0
    key = "relative_strength" if above > 0 else "relative_strength_below"
    return label(key, lang, dim=best.title.get(lang), n=best.level,
                 name=result.level_name(best.level, lang), index=fmt(index), above=fmt(abs(above)),
                 **comparison_names(result.framework, lang))  # fmt: skip


def roadmap_teaser(result: Result, section: str, lang: str) -> str:
    """One sentence on the size of the roadmap."""
    phases = result.phases
    actions = sum(len(p.actions) for p in phases)
    months = max((p.months[1] for p in phases), default=0)
    return label(
        "roadmap_teaser", lang, n=section, actions=actions, months=months, phases=len(phases)
    )


# --- perception ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PerceptionRow:
    """One dimension's index per role, with the spread between roles and the agreement."""

    title: str
    values: tuple[str, ...]
    spread: str
    flagged: bool
    agreement: str


def perception_rows(result: Result, lang: str) -> tuple[list[str], list[PerceptionRow]]:
    """Roles present and one row per dimension; empty when there is a single respondent or role.
    A spread at or above the pack's perception threshold is flagged (none without one)."""
    roles = list(result.respondents.by_role)
    if result.respondents.count < 2 or len(roles) < 2:
        return [], []
    threshold = perception_threshold(result)
    rows = []
    for dim in result.dimensions.values():
        values = [dim.by_role.get(r) for r in roles]
        known = [v for v in values if v is not None]
        spread = max(known) - min(known) if len(known) >= 2 else None
        rows.append(PerceptionRow(dim.title.get(lang), tuple(fmt(v) for v in values), fmt(spread),
                                  _flagged(spread, threshold), percent(dim.agreement)))  # fmt: skip
    return roles, rows


def _flagged(spread: float | None, threshold: float | None) -> bool:
    return spread is not None and threshold is not None and spread >= threshold


def _result_scales(result: Result) -> tuple[tuple[float, float], ...]:
    return result.method.result_scales if result.method else ()
