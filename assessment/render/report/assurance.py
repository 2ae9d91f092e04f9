"""How far the levels can be trusted: claimed and verified levels, and the statistics of many
respondents (Cronbach's α, rwg(j), respondents per role), read from the result's `verification`
and each dimension's `extras` (engine/result.py), with the sentences that say how to read them.

One view for the PDF/HTML report, the Word document and the workbook: the figures are the result
document's own (levels and statistics unrounded, indices as the report prints them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ...engine.result import DimensionResult, Result
from ..messages.assurance import LABELS

ACCEPTABLE = 0.7  # the conventional threshold for α and for rwg(j)
STATISTICS = ("cronbach_alpha", "rwg_j")


def text(key: str, lang: str, **values: object) -> str:
    """One of this view's labels in `lang`, its {placeholders} filled."""
    template = LABELS[key].get(lang)
    return template.format(**values) if values else template


def number(value: float | None) -> str:
    """A statistic exactly as the result document gives it (0.857 -> '0.857'), '—' when null."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class AssuranceRow:
    """One dimension: verified and claimed level, respondents and the two statistics."""

    id: str
    title: str
    verified: str
    claimed: str  # '' where the questionnaire asks for no evidence
    lowered: bool  # the verified level is below the claimed one
    respondents: int
    by_role: tuple[int, ...]  # in the order of `Assurance.roles`
    alpha: str
    rwg: str
    alpha_low: bool
    rwg_low: bool


@dataclass(frozen=True)
class Assurance:
    """The report's 'Evidence and agreement' section."""

    verified_basis: bool  # False: a self-assessment, ratings as reported
    basis_note: str
    unverified: str  # '' when every rating above 3 was evidenced (or nothing was checked)
    overall: str  # claimed and verified overall level ('' for a self-assessment)
    roles: tuple[str, ...]  # role names, one column each
    rows: tuple[AssuranceRow, ...]
    reading: tuple[str, ...]
    not_computed: tuple[str, ...]


def assurance(result: Result, lang: str, index_text: Any) -> Assurance:
    """The section in `lang`; `index_text` prints an index as the rest of the report does."""
    verification: Mapping[str, Any] = result.verification.get(lang, {})
    verified = verification.get("basis") == "verified"
    roles = _roles(result, lang)
    rows = tuple(_row(d, tuple(roles), lang, index_text) for d in result.dimensions.values())
    reading = (
        *([text("read_claimed", lang)] if verified else []),
        text("read_alpha", lang),
        text("read_rwg", lang),
    )
    return Assurance(
        verified_basis=verified,
        basis_note=str(verification.get("note", "")),
        unverified=_unverified(verification, lang),
        overall=_overall(result, verification, lang, index_text) if verified else "",
        roles=tuple(result.framework.role_name(r, lang) for r in roles),
        rows=rows,
        reading=reading,
        not_computed=tuple(_reasons(result, lang)),
    )


def _roles(result: Result, lang: str) -> list[str]:
    """The roles counted in any dimension's statistics, in the order first met."""
    out: dict[str, None] = {}
    for dim in result.dimensions.values():
        counted = dim.extras.get(lang, {}).get("statistics", {}).get("respondents", {})
        out.update(dict.fromkeys(counted.get("by_role", {})))
    return list(out)


def _row(dim: DimensionResult, roles: Sequence[str], lang: str, index_text: Any) -> AssuranceRow:
    extras = dim.extras.get(lang, {})
    stats = extras.get("statistics", {})
    claimed: Mapping[str, Any] = extras.get("claimed") or {}
    alpha, rwg = stats.get("cronbach_alpha"), stats.get("rwg_j")
    return AssuranceRow(
        id=dim.id,
        title=dim.title.get(lang),
        verified=text("level_index", lang, level=dim.level, index=index_text(dim.index)),
        claimed=(
            text("level_index", lang, level=claimed["level"], index=index_text(claimed["index"]))
            if claimed
            else ""
        ),
        lowered=bool(claimed) and claimed["level"] > dim.level,
        respondents=stats.get("respondents", {}).get("total", 0),
        by_role=tuple(stats.get("respondents", {}).get("by_role", {}).get(r, 0) for r in roles),
        alpha=number(alpha),
        rwg=number(rwg),
        alpha_low=alpha is not None and alpha < ACCEPTABLE,
        rwg_low=rwg is not None and rwg < ACCEPTABLE,
    )


def _unverified(verification: Mapping[str, Any], lang: str) -> str:
    count = verification.get("unverified_ratings", 0)
    return text("unverified", lang, n=count) if count else ""


def _overall(result: Result, verification: Mapping[str, Any], lang: str, index_text: Any) -> str:
    claimed = verification.get("claimed", {})
    return text(
        "overall_claimed",
        lang,
        claimed=claimed.get("level", result.overall.level),
        claimed_index=index_text(claimed.get("index")),
        level=result.overall.level,
        index=index_text(result.overall.index),
    )


def _reasons(result: Result, lang: str) -> list[str]:
    """One line per statistic and reason, naming the dimensions it applies to."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for dim in result.dimensions.values():
        missing = dim.extras.get(lang, {}).get("statistics", {}).get("not_computed", {})
        for stat, reason in missing.items():
            grouped.setdefault((stat, reason), []).append(dim.title.get(lang))
    everyone = len(result.dimensions)
    separator = "、" if lang == "zh" else ", "
    return [
        text("not_computed", lang, stat=text(stat, lang), reason=reason,
             dims=text("all_dimensions", lang) if len(dims) == everyone else separator.join(dims))
        for (stat, reason), dims in grouped.items()
    ]  # fmt: skip


def consensus_findings(findings: Sequence[Any]) -> list[Any]:
    """The findings that list items to discuss (rule ids starting with `consensus.`)."""
    return [f for f in findings if f.rule.startswith("consensus.")]


def statistics_rows(result: Result, lang: str) -> list[list[Any]]:
    """The workbook's rows: one per dimension with the result document's own figures, then a
    blank row and the sentences on how to read them."""
    rows: list[list[Any]] = []
    for dim in result.dimensions.values():
        extras = dim.extras.get(lang, {})
        stats, claimed = extras.get("statistics", {}), extras.get("claimed", {})
        counted = stats.get("respondents", {})
        missing = stats.get("not_computed", {})
        rows.append([
            dim.id, dim.title.get(lang), dim.level, dim.index, claimed.get("level"),
            claimed.get("index"), counted.get("total"),
            "; ".join(f"{result.framework.role_name(r, lang)}: {n}" for r, n in counted.get("by_role", {}).items()),
            stats.get("cronbach_alpha"), stats.get("rwg_j"),
            missing.get("cronbach_alpha", ""), missing.get("rwg_j", ""),
        ])  # fmt: skip
    view = assurance(result, lang, lambda value: "" if value is None else value)
    notes = [view.basis_note, view.unverified, *view.reading]
    return [*rows, [], *([note] for note in notes if note)]
