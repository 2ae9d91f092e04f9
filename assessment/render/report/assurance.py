"""How far the levels can be trusted: claimed and verified levels, and the statistics of many
respondents (Cronbach's α, rwg(j), respondents per role), read from the result's `verification`
and each dimension's `extras` (engine/result.py), with the sentences that say how to read them.

One view for the PDF/HTML report, the Word document and the workbook: the figures are the result
document's own (levels and statistics unrounded, indices as the report prints them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ...content.model import Text
from ...engine.result import DimensionResult, Result
from .messages import role_name

ACCEPTABLE = 0.7  # the conventional threshold for α and for rwg(j)
STATISTICS = ("cronbach_alpha", "rwg_j")

LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "assurance": Text("Evidence and agreement", "证据与一致性"),
        "verified": Text("Verified level", "核实等级"),
        "claimed": Text("Claimed level", "自报等级"),
        "level": Text("Level", "等级"),
        "index_paren": Text("(index)", "（指数）"),
        "respondents": Text("Respondents", "答卷人"),
        "cronbach_alpha": Text("Cronbach's α", "克朗巴赫 α 系数"),
        "rwg_j": Text("rwg(j)", "rwg(j)"),
        "level_index": Text("{level} ({index})", "{level}（{index}）"),
        "total": Text("All", "合计"),
        "unverified": Text(
            "{n} ratings above 3 had no dated evidence and were counted as 3.",
            "共有 {n} 个高于 3 分的评分没有注明日期的证据，已按 3 分计。",
        ),
        "overall_claimed": Text(
            "Overall: claimed level {claimed} (index {claimed_index}), verified level {level} "
            "(index {index}).",
            "总体：自报等级为第 {claimed} 级（指数 {claimed_index}），核实等级为第 {level} 级"
            "（指数 {index}）。",
        ),
        "read_claimed": Text(
            "Claimed levels take the ratings as given; verified levels count every rating above 3 "
            "without dated evidence as 3. Where the verified level is lower, evidence is missing.",
            "自报等级按答卷人给出的评分计算；核实等级将所有没有注明日期证据的 3 分以上评分按 3 分计。"
            "核实等级低于自报等级之处，说明缺少证据。",
        ),
        "read_alpha": Text(
            "Cronbach's α is the internal consistency of a dimension's items across respondents: "
            "0.7 or more is acceptable; below 0.7 the items do not measure one thing consistently "
            "for this group, so read the dimension's index with care.",
            "克朗巴赫 α 系数反映同一维度各条目在答卷人之间的内部一致性：达到 0.7 及以上为可接受；"
            "低于 0.7，说明这些条目对本组答卷人未能一致地测量同一内容，解读该维度指数时应审慎。",
        ),
        "read_rwg": Text(
            "rwg(j) is the agreement among respondents on a dimension's items, against random "
            "answering: 0.7 or more means they agree enough for one score to stand for the group; "
            "below 0.7 their views diverge and the items to discuss should be settled first.",
            "rwg(j) 以随机作答为参照，反映答卷人在同一维度各条目上的组内一致程度：达到 0.7 及以上，"
            "说明意见足够一致，可用一个分数代表整个群体；低于 0.7，说明意见分歧较大，应先讨论待议条目。",
        ),
        "read_null": Text(
            "A dash means the statistic cannot be computed from these answers; the reasons follow.",
            "“—”表示依据现有答卷无法计算该统计量，原因如下。",
        ),
        "not_computed": Text("{stat}, {dims}: {reason}.", "{stat}（{dims}）：{reason}。"),
        "all_dimensions": Text("all dimensions", "全部维度"),
        "consensus": Text("Items to discuss before agreeing a score", "确定分数前需讨论的条目"),
        "no_consensus": Text(
            "No item's answers spread beyond the tolerance.",
            "没有条目的答案分歧超出容许范围。",
        ),
    }
)


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
        roles=tuple(role_name(r, lang) for r in roles),
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
            "; ".join(f"{role_name(r, lang)}: {n}" for r, n in counted.get("by_role", {}).items()),
            stats.get("cronbach_alpha"), stats.get("rwg_j"),
            missing.get("cronbach_alpha", ""), missing.get("rwg_j", ""),
        ])  # fmt: skip
    view = assurance(result, lang, lambda value: "" if value is None else value)
    notes = [view.basis_note, view.unverified, *view.reading]
    return [*rows, [], *([note] for note in notes if note)]
