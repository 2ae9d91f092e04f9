"""The result document (contract `tqm-result/1`): levels, indices, baselines, findings, roadmap, trace."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..content.conditions import fill_placeholders
from ..content.library import RulePack
from ..content.model import Questionnaire, Text, level_name
from ..content.rules import Instance
from .answers import AnswerSet
from .evaluation import Judgement
from .scoring import Profile

SCHEMA = "tqm-result/1"
_FACT_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.(?:[a-z0-9_]+|\{dimension\}|\{question\}))+)\}")
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
KIND_ORDER = {
    "risk": 0,
    "inconsistency": 1,
    "opportunity": 2,
    "perception_gap": 3,
    "confidence": 4,
    "strength": 5,
}


def build_result(
    answers: AnswerSet, pack: RulePack, profile: Profile, judgement: Judgement, lang: str = "en"
) -> dict[str, Any]:
    """The result document, with every text in `lang`."""
    q = answers.questionnaire
    return {
        "schema": SCHEMA,
        "lang": lang,
        "questionnaire": {"id": q.id, "version": q.version, "title": q.title.get(lang)},
        "rulepack": {"id": pack.id, "version": pack.version, "sha256": pack.sha256},
        "organisation": answers.organisation,
        "date": answers.date,
        "respondents": {"count": profile.respondents, "by_role": dict(profile.by_role)},
        "overall": _overall(profile, judgement, lang),
        "dimensions": _dimensions(answers, pack, profile, judgement, lang),
        "findings": build_findings(q, profile, answers, judgement, lang),
        "verification": verification_document(profile, judgement, lang),
        "roadmap": [],
        "trace": list(judgement.trace),
    }


def _overall(profile: Profile, judgement: Judgement, lang: str) -> dict[str, Any]:
    return {
        "index": profile.overall_index,
        "level": judgement.overall_level,
        "level_name": level_name(judgement.overall_level, lang),
        "uncapped_level": judgement.uncapped_level,
        "caps": [{"rule": c.rule, "from": c.before, "to": c.after} for c in judgement.caps],
    }


def _dimensions(
    answers: AnswerSet, pack: RulePack, profile: Profile, judgement: Judgement, lang: str
) -> dict[str, Any]:
    out = {}
    for dim in answers.questionnaire.dimensions:
        score = profile.dimensions[dim.id]
        traditional = pack.baselines["traditional"][dim.id]
        target = answers.target.get(dim.id, pack.baselines["target"][dim.id])
        level = judgement.levels[dim.id]
        out[dim.id] = {
            "title": dim.title.get(lang),
            "index": score.index,
            "level": level,
            "level_name": level_name(level, lang),
            "answered": score.answered,
            "na": score.na,
            "unknown": score.unknown,
            "baselines": {"traditional": traditional, "target": pack.baselines["target"][dim.id]},
            "target": target,
            "gaps": {
                "above_traditional": _round(score.index - traditional)
                if score.index is not None
                else None,
                "to_target": _round(max(0.0, target - score.index))
                if score.index is not None
                else None,
            },
            "by_role": dict(score.by_role),
            "agreement": score.agreement,
            **dimension_extras(dim.id, profile, judgement, lang),
        }
        if dim.id in answers.previous:
            out[dim.id]["previous"] = answers.previous[dim.id]
    return out


def _round(value: float) -> float:
    return round(value, 2)


def build_findings(
    questionnaire: Questionnaire,
    profile: Profile,
    answers: AnswerSet,
    judgement: Judgement,
    lang: str,
) -> list[dict[str, Any]]:
    """One finding per fired rule that raises one (for_each instances merged), most severe first."""
    groups: dict[str, list[Instance]] = {}
    for instance in judgement.fired:
        if instance.rule.then.finding:
            groups.setdefault(instance.rule.id, []).append(instance)
    findings = [
        _finding(group, questionnaire, answers, judgement.facts, lang) for group in groups.values()
    ]
    return sorted(
        findings, key=lambda f: (SEVERITY_ORDER[f["severity"]], KIND_ORDER[f["kind"]], f["rule"])
    )


def _finding(
    group: Sequence[Instance],
    questionnaire: Questionnaire,
    answers: AnswerSet,
    facts: Mapping[str, float],
    lang: str,
) -> dict[str, Any]:
    spec = group[0].rule.then.finding
    assert spec is not None
    dims = _unique(fill_placeholders(d, i.bindings) for i in group for d in spec.dimensions)
    asked = questionnaire.question_ids
    evidence = [
        e
        for e in _unique(fill_placeholders(e, i.bindings) for i in group for e in spec.evidence)
        if e in asked
    ]
    context = {"dimensions": ", ".join(_dim_title(questionnaire, d, lang) for d in dims)}
    return {
        "rule": group[0].rule.id,
        "kind": spec.kind,
        "severity": spec.severity,
        "dimensions": dims,
        "title": render_text(spec.title, group[0].bindings, questionnaire, facts, lang, context),
        "detail": " ".join(
            _unique(
                render_text(spec.detail, i.bindings, questionnaire, facts, lang, context)
                for i in group
            )
        ),
        "evidence": [_evidence(qid, answers, lang) for qid in evidence],
        "actions": list(group[0].rule.then.actions),
    }


def _unique(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def _dim_title(questionnaire: Questionnaire, dim: str, lang: str) -> str:
    d = questionnaire.dimension(dim)
    return d.title.get(lang) if d else dim


def render_text(
    text: Text,
    bindings: Mapping[str, str],
    questionnaire: Questionnaire,
    facts: Mapping[str, float],
    lang: str,
    context: Mapping[str, str],
) -> str:
    """Fill a finding text's placeholders: facts, {dimension}, {question}, {dimensions}."""

    def fact(match: re.Match[str]) -> str:
        name = fill_placeholders(match.group(1), bindings)
        return format_number(facts.get(name))

    out = _FACT_PLACEHOLDER.sub(fact, text.get(lang))
    if "dimension" in bindings:
        out = out.replace("{dimension}", _dim_title(questionnaire, bindings["dimension"], lang))
    if "question" in bindings:
        out = out.replace("{question}", questionnaire.question(bindings["question"]).text.get(lang))
    return out.replace("{dimensions}", context.get("dimensions", ""))


def format_number(value: float | None) -> str:
    """12.0 -> '12', 62.456 -> '62.5', None -> '—'."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _evidence(qid: str, answers: AnswerSet, lang: str) -> dict[str, Any]:
    responses = [r.answers[qid] for r in answers.respondents if qid in r.answers]
    values = [r.value for r in responses if r.value is not None]
    return {
        "question": qid,
        "text": answers.questionnaire.question(qid).text.get(lang),
        "value": round(sum(values) / len(values), 2) if values else None,
        "evidence": [r.evidence for r in responses if r.evidence],
        "notes": [r.note for r in responses if r.note],
    }


# --- Evidence and many-respondent statistics (issue #12) -------------------------------------
_BASIS_NOTE = {
    "verified": Text(
        "Levels are judged on verified values: on items that ask for evidence, a rating above 3 "
        "without evidence naming a dated document, record or observation counts as 3.",
        "等级按核实后的分值判定：在要求提供证据的条目上，高于 3 分但没有注明日期的文件、记录或观察"
        "作为证据的评分，按 3 分计。",
    ),
    "self_reported": Text(
        "Self-assessment: ratings are as reported by the respondents and were not verified against evidence.",
        "自评结果：各项评分为答卷人自行报告，未经证据核实。",
    ),
}


def verification_document(profile: Profile, judgement: Judgement, lang: str) -> dict[str, Any]:
    """How far the levels rest on evidence; the claimed overall index and level beside them."""
    claimed = judgement.claimed or judgement
    out: dict[str, Any] = {
        "basis": profile.basis,
        "note": _BASIS_NOTE[profile.basis].get(lang),
        "unverified_ratings": profile.unverified_ratings,
    }
    if profile.basis == "verified":
        claimed_profile = profile.claimed or profile
        out["claimed"] = {"index": claimed_profile.overall_index, "level": claimed.overall_level}
    return out


def dimension_extras(dim: str, profile: Profile, judgement: Judgement, lang: str) -> dict[str, Any]:
    """`statistics` of a dimension, and its `claimed` index and level where evidence is asked for."""
    score = profile.dimensions[dim]
    out: dict[str, Any] = {}
    stats = score.statistics
    if stats is not None:
        out["statistics"] = {
            "respondents": {"total": stats.respondents, "by_role": dict(stats.by_role)},
            "cronbach_alpha": stats.cronbach_alpha.value,
            "rwg_j": stats.rwg_j.value,
            "not_computed": {
                name: estimate.reason.get(lang)
                for name, estimate in (
                    ("cronbach_alpha", stats.cronbach_alpha),
                    ("rwg_j", stats.rwg_j),
                )
                if estimate.reason is not None
            },
        }
    if profile.basis == "verified":
        claimed_profile = profile.claimed or profile
        claimed = judgement.claimed or judgement
        out["claimed"] = {
            "index": claimed_profile.dimensions[dim].index,
            "level": claimed.levels[dim],
        }
    return out
