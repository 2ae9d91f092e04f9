"""The result document, contract `tqm-result/1` (assessment/schemas/result.schema.json): the one
place that writes a typed `Result` as JSON-ready data and reads it back.

Writing then reading gives the same document again, byte for byte once dumped: key order, the
roadmap's reasons as strings (`rule id`, `gap.<dimension>`, `prerequisite:<action>`) and numbers
keep their types (an int stays an int). A document holds one language, so a result read back has
its texts in that language only (`Result.languages`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content.model import Action, Framework, Text
from .evaluation import Cap, TraceStep, overall_gates
from .findings import Evidence, FindingResult
from .method import method_document, read_method
from .result import (
    DimensionResult,
    DimensionResults,
    Overall,
    PackRef,
    QuestionnaireRef,
    Respondents,
    Result,
    ResultItem,
)
from .roadmap import PRIORITY_FORMULA, Phase, PlannedAction, Reason, Roadmap, Skipped
from .schedule import CAPACITY_RULE, EFFORT_RULE, REFERENCE_SIZE, embed_weeks, to_weeks

SCHEMA = "tqm-result/1"


def result_document(result: Result, lang: str) -> dict[str, Any]:
    """The result document with every text in `lang`."""
    if lang not in result.languages:
        raise ValueError(f"this result holds texts in {', '.join(result.languages)}, not {lang!r}")
    q, pack, overall = result.questionnaire, result.rulepack, result.overall
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "lang": lang,
        "questionnaire": {"id": q.id, "version": q.version, "title": q.title.get(lang)},
        "rulepack": {"id": pack.id, "version": pack.version, "sha256": pack.sha256},
        "organisation": result.organisation,
        "date": result.date,
        "respondents": {
            "count": result.respondents.count,
            "by_role": dict(result.respondents.by_role),
        },
        "overall": {
            "index": overall.index,
            "level": overall.level,
            "level_name": result.level_name(overall.level, lang),
            "uncapped_level": overall.uncapped_level,
            "caps": [{"rule": c.rule, "from": c.before, "to": c.after} for c in overall.caps],
        },
        "dimensions": {d.id: _dimension(result, d, lang) for d in result.dimensions.values()},
        "findings": [_finding(f, lang) for f in result.findings],
        **(
            {"verification": dict(result.verification[lang])} if lang in result.verification else {}
        ),
        "roadmap": [_phase(p, lang) for p in result.phases],
        "trace": [_step(s) for s in result.trace],
    }
    if result.roadmap is not None:
        doc["plan"] = _plan(result.roadmap, result.framework.top_level)
    if result.method is not None:
        doc["method"] = method_document(result.method, lang)
    return doc


def _plan(plan: Roadmap, top_level: int) -> dict[str, Any]:
    return {
        "days_per_month": plan.days_per_month,
        "organisation_size": plan.organisation_size,
        "size_given": plan.size_given,
        "effort_factor": plan.effort_factor,
        "effort_rule": EFFORT_RULE,
        "capacity_rule": CAPACITY_RULE,
        "embed_weeks": {str(level): embed_weeks(level) for level in range(3, top_level + 1)},
        "cornerstone_first": plan.cornerstone_first,
        "foundation_first": plan.foundation_first,
        "deferred": list(plan.deferred),
        "skipped": [
            {"id": s.id, "dimension": s.dimension, "level": s.level, "aims_at": s.aims_at}
            for s in plan.skipped
        ],
        "priority_formula": PRIORITY_FORMULA,
    }


def _dimension(result: Result, d: DimensionResult, lang: str) -> dict[str, Any]:
    framework = result.framework
    reference = {framework.reference: d.traditional, framework.target: d.baseline_target}
    out = {
        "title": d.title.get(lang),
        "index": d.index,
        "level": d.level,
        "level_name": result.level_name(d.level, lang),
        "answered": d.answered,
        "na": d.na,
        "unknown": d.unknown,
        "baselines": {**reference, **d.baselines},
        "target": d.target,
        "gaps": {"above_traditional": d.above_traditional, "to_target": d.to_target},
        "by_role": dict(d.by_role),
        "agreement": d.agreement,
        **d.extras.get(lang, {}),
    }
    if d.previous is not None:
        out["previous"] = d.previous
    if d.results is not None:
        out["results"] = {
            "index": d.results.index,
            "answered": d.results.answered,
            "items": [
                {"question": i.question, "text": i.text.get(lang), "mean": i.mean}
                for i in d.results.items
            ],
        }
    return out


def _finding(f: FindingResult, lang: str) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "kind": f.kind,
        "severity": f.severity,
        "dimensions": list(f.dimensions),
        "title": f.title.get(lang),
        "detail": f.detail.get(lang),
        "evidence": [
            {
                "question": e.question,
                "text": e.text.get(lang),
                "value": e.value,
                "evidence": list(e.evidence),
                "notes": list(e.notes),
            }
            for e in f.evidence
        ],
        "actions": list(f.actions),
    }


def _phase(phase: Phase, lang: str) -> dict[str, Any]:
    return {
        "phase": phase.number,
        "months": list(phase.months),
        "weeks": list(phase.weeks),
        "capacity_days": phase.capacity_days,
        "effort_days": phase.effort_days,
        "actions": [_action(p, lang) for p in phase.actions],
        "projected": dict(phase.projected),
        "projected_levels": dict(phase.projected_levels or {}),
    }


def _action(planned: PlannedAction, lang: str) -> dict[str, Any]:
    a = planned.action
    return {
        "id": a.id,
        "dimension": a.dimension,
        "title": a.title.get(lang),
        "description": a.description.get(lang),
        "kpi": a.kpi.get(lang),
        "lifts": [a.lift_from, a.lift_to],
        "foundation": a.foundation,
        **({"weeks": list(planned.weeks)} if planned.weeks is not None else {}),
        "effort_days": planned.effort_days,
        "reference_effort_days": a.effort_days,
        "duration_weeks": a.duration_weeks,
        "impact": a.impact,
        "priority": planned.priority,
        "requires": list(a.requires),
        "because": [str(r) for r in planned.because],
    }


def _step(step: TraceStep) -> dict[str, Any]:
    return {
        "rule": step.rule,
        "stage": step.stage,
        "fired": step.fired,
        "conditions": step.conditions,
        "effect": step.effect,
    }


# --- reading -------------------------------------------------------------------------------------


def _text(value: str) -> Text:
    """A document's text, standing for every language (the document holds one)."""
    return Text(value, value)


def read_result(doc: Mapping[str, Any], framework: Framework) -> Result:
    """A typed result from a `tqm-result/1` document made with a pack of `framework`."""
    q, pack, overall = doc["questionnaire"], doc["rulepack"], doc["overall"]
    plan = doc.get("plan")
    trace = tuple(
        TraceStep(s["rule"], s["stage"], s["fired"], s["conditions"], s["effect"])
        for s in doc["trace"]
    )
    roadmap = None
    if plan is not None:
        phases = tuple(_read_phase(p) for p in doc["roadmap"])
        # documents stored before the plan was made in weeks lack its newer fields: defaults
        roadmap = Roadmap(
            phases,
            plan["days_per_month"],
            plan["cornerstone_first"],
            tuple(plan["deferred"]),
            organisation_size=plan.get("organisation_size", REFERENCE_SIZE),
            size_given=plan.get("size_given", False),
            effort_factor=plan.get("effort_factor", 1.0),
            foundation_first=plan.get("foundation_first", False),
            skipped=tuple(
                Skipped(s["id"], s["dimension"], s["level"], s["aims_at"])
                for s in plan.get("skipped", ())
            ),
        )
    return Result(
        questionnaire=QuestionnaireRef(q["id"], q["version"], _text(q["title"])),
        rulepack=PackRef(pack["id"], pack["version"], pack["sha256"]),
        organisation=doc["organisation"],
        date=doc["date"],
        respondents=Respondents(doc["respondents"]["count"], dict(doc["respondents"]["by_role"])),
        overall=Overall(
            overall["index"],
            overall["level"],
            overall["uncapped_level"],
            tuple(Cap(c["rule"], c["from"], c["to"]) for c in overall["caps"]),
        ),
        dimensions={
            k: _read_dimension(k, d, doc["lang"], framework) for k, d in doc["dimensions"].items()
        },
        findings=tuple(_read_finding(f) for f in doc["findings"]),
        roadmap=roadmap,
        trace=trace,
        framework=framework,
        gates=gates_of(trace),
        languages=(doc["lang"],),
        verification={doc["lang"]: doc["verification"]} if "verification" in doc else {},
        method=read_method(doc.get("method")),
    )


def gates_of(trace: Sequence[TraceStep]) -> tuple[float, ...]:
    """The overall-level gates as the trace shows them (none without a trace): the fixed
    thresholds on the overall index in the conditions of the steps that set an overall level."""
    return overall_gates(
        (c["fact"], c["threshold"])
        for s in trace
        if "overall_level" in s.effect
        for c in s.conditions
        if "ref" not in c and c.get("threshold") is not None
    )


def _read_dimension(
    dim_id: str, d: Mapping[str, Any], lang: str, framework: Framework
) -> DimensionResult:
    return DimensionResult(
        id=dim_id,
        title=_text(d["title"]),
        index=d["index"],
        level=d["level"],
        answered=d["answered"],
        na=d["na"],
        unknown=d["unknown"],
        traditional=d["baselines"][framework.reference],
        baseline_target=d["baselines"][framework.target],
        baselines=dict(d["baselines"]),
        target=d["target"],
        above_traditional=d["gaps"]["above_traditional"],
        to_target=d["gaps"]["to_target"],
        by_role=dict(d["by_role"]),
        agreement=d["agreement"],
        previous=d.get("previous"),
        results=_read_results(d["results"]) if "results" in d else None,
        extras={lang: {k: d[k] for k in ("statistics", "claimed") if k in d}},
    )


def _read_results(r: Mapping[str, Any]) -> DimensionResults:
    items = tuple(ResultItem(i["question"], _text(i["text"]), i["mean"]) for i in r["items"])
    return DimensionResults(r["index"], r["answered"], items)


def _read_finding(f: Mapping[str, Any]) -> FindingResult:
    return FindingResult(
        rule=f["rule"],
        kind=f["kind"],
        severity=f["severity"],
        dimensions=tuple(f["dimensions"]),
        title=_text(f["title"]),
        detail=_text(f["detail"]),
        evidence=tuple(
            Evidence(
                e["question"], _text(e["text"]), e["value"], tuple(e["evidence"]), tuple(e["notes"])
            )
            for e in f["evidence"]
        ),
        actions=tuple(f["actions"]),
    )


def _read_phase(p: Mapping[str, Any]) -> Phase:
    start, end = p["months"]
    first, last = p.get("weeks", (to_weeks(start), to_weeks(end)))
    return Phase(
        number=p["phase"],
        months=(start, end),
        capacity_days=p["capacity_days"],
        effort_days=p["effort_days"],
        actions=tuple(_read_action(a) for a in p["actions"]),
        projected=dict(p["projected"]),
        weeks=(first, last),
        projected_levels=dict(p["projected_levels"]) if "projected_levels" in p else None,
    )


def _read_action(a: Mapping[str, Any]) -> PlannedAction:
    lift_from, lift_to = a["lifts"]
    action = Action(
        id=a["id"],
        dimension=a["dimension"],
        title=_text(a["title"]),
        description=_text(a["description"]),
        lift_from=lift_from,
        lift_to=lift_to,
        effort_days=a.get("reference_effort_days", a["effort_days"]),
        duration_weeks=a["duration_weeks"],
        impact=a["impact"],
        requires=tuple(a["requires"]),
        kpi=_text(a["kpi"]),
        foundation=a.get("foundation", False),
    )
    weeks = (a["weeks"][0], a["weeks"][1]) if "weeks" in a else None
    because = tuple(Reason.parse(r) for r in a["because"])
    return PlannedAction(action, a["priority"], because, weeks, a["effort_days"])
