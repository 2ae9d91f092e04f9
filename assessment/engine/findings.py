"""The findings of an evaluation: one per fired rule that raises one, texts filled in both languages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..content.conditions import fill_placeholders
from ..content.model import LANGS, Questionnaire, Text
from ..content.rules import FACT_PLACEHOLDER, Instance
from ..numbers import decimal
from .answers import AnswerSet
from .evaluation import Judgement

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
KIND_ORDER = {
    "risk": 0,
    "inconsistency": 1,
    "opportunity": 2,
    "perception_gap": 3,
    "confidence": 4,
    "strength": 5,
}


@dataclass(frozen=True)
class Evidence:
    """A question a finding cites: its text, mean value, and what respondents said about it."""

    question: str
    text: Text
    value: float | None
    evidence: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FindingResult:
    """A finding as the rules raised it for this organisation (texts filled in)."""

    rule: str
    kind: str
    severity: str
    dimensions: tuple[str, ...]
    title: Text
    detail: Text
    evidence: tuple[Evidence, ...]
    actions: tuple[str, ...]


def build_findings(
    questionnaire: Questionnaire,
    answers: AnswerSet,
    judgement: Judgement,
    langs: Sequence[str] = LANGS,
) -> tuple[FindingResult, ...]:
    """One finding per fired rule that raises one (for_each instances merged), most severe first,
    texts filled in `langs` (a language left out holds the first one's text)."""
    groups: dict[str, list[Instance]] = {}
    for instance in judgement.fired:
        if instance.rule.then.finding:
            groups.setdefault(instance.rule.id, []).append(instance)
    findings = [
        _finding(group, questionnaire, answers, judgement.facts, langs) for group in groups.values()
    ]
    return tuple(sorted(findings, key=finding_order))


def finding_order(finding: FindingResult) -> tuple[int, int, str]:
    """Most severe first, then by kind, then by rule id."""
    return (SEVERITY_ORDER[finding.severity], KIND_ORDER[finding.kind], finding.rule)


def _finding(
    group: Sequence[Instance],
    questionnaire: Questionnaire,
    answers: AnswerSet,
    facts: Mapping[str, float],
    langs: Sequence[str],
) -> FindingResult:
    spec = group[0].rule.then.finding
    assert spec is not None
    dims = _unique(fill_placeholders(d, i.bindings) for i in group for d in spec.dimensions)
    asked = questionnaire.question_ids
    evidence = [
        e
        for e in _unique(fill_placeholders(e, i.bindings) for i in group for e in spec.evidence)
        if e in asked
    ]
    titles = {lang: ", ".join(_dim_title(questionnaire, d, lang) for d in dims) for lang in langs}

    def text(template: Text, instances: Sequence[Instance]) -> Text:
        parts = {
            lang: " ".join(
                _unique(
                    render_text(template, i.bindings, questionnaire, facts, lang, titles[lang])
                    for i in instances
                )
            )
            for lang in langs
        }
        first = parts[langs[0]]
        return Text(parts.get("en", first), parts.get("zh", first))

    return FindingResult(
        rule=group[0].rule.id,
        kind=spec.kind,
        severity=spec.severity,
        dimensions=tuple(dims),
        title=text(spec.title, group[:1]),
        detail=text(spec.detail, group),
        evidence=tuple(_evidence(qid, answers) for qid in evidence),
        actions=tuple(group[0].rule.then.actions),
    )


def _unique(items: Iterable[str]) -> list[str]:
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
    dimensions: str,
) -> str:
    """Fill a finding text's placeholders: facts, {dimension}, {question}, {dimensions}."""

    def fact(match: re.Match[str]) -> str:
        name = fill_placeholders(match.group(1), bindings)
        return decimal(facts.get(name), lang)

    out = FACT_PLACEHOLDER.sub(fact, text.get(lang))
    if "dimension" in bindings:
        out = out.replace("{dimension}", _dim_title(questionnaire, bindings["dimension"], lang))
    if "question" in bindings:
        out = out.replace("{question}", questionnaire.question(bindings["question"]).text.get(lang))
    return out.replace("{dimensions}", dimensions)


def _evidence(qid: str, answers: AnswerSet) -> Evidence:
    responses = [r.answers[qid] for r in answers.respondents if qid in r.answers]
    values = [r.value for r in responses if r.value is not None]
    return Evidence(
        question=qid,
        text=answers.questionnaire.question(qid).text,
        value=round(sum(values) / len(values), 2) if values else None,
        evidence=tuple(r.evidence for r in responses if r.evidence),
        notes=tuple(r.note for r in responses if r.note),
    )
