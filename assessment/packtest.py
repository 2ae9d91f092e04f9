"""A rule pack's own test cases (`tests.yaml`): build answers, run the pack, compare expectations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content.library import Library
from .engine.answers import parse_answers
from .engine.pipeline import assess
from .io.schema import schema_problems
from .io.source import Document, load_file, pointer_join
from .problems import ProblemsFound


@dataclass(frozen=True)
class CaseResult:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def load_cases(folder: str | Path) -> Document:
    """The checked tests.yaml of a pack folder."""
    doc = load_file(Path(folder) / "tests.yaml")
    problems = schema_problems(doc, "packtests")
    if problems:
        raise ProblemsFound(problems)
    return doc


def case_answers(case: Mapping[str, Any], library: Library) -> dict[str, Any]:
    """The answers document a case describes (fill, then whole dimensions, then single answers)."""
    questionnaire = library.questionnaires[case["questionnaire"]]
    respondents = case.get("respondents") or [case]
    responses = []
    for spec in respondents:
        answers: dict[str, Any] = {}
        for question in questionnaire.questions:
            value = spec.get("dimensions", {}).get(
                question.dimension, spec.get("fill", case.get("fill", 3))
            )
            answers[question.id] = value
        answers.update(spec.get("answers", {}))
        entry: dict[str, Any] = {"answers": answers}
        if "role" in spec:
            entry["respondent"] = {"role": spec["role"]}
        responses.append(entry)
    return {"questionnaire": questionnaire.id, "organisation": case["name"], "responses": responses}


def run_case(case: Mapping[str, Any], library: Library, name: str = "tests.yaml") -> CaseResult:
    """Run one case; failures say what differed."""
    if case["questionnaire"] not in library.questionnaires:
        return CaseResult(case["name"], (f"unknown questionnaire {case['questionnaire']!r}",))
    try:
        answers = parse_answers(Document(name, case_answers(case, library)), library)
    except ProblemsFound as exc:
        return CaseResult(
            case["name"], tuple(f"answers: {p.pointer}: {p.message}" for p in exc.problems)
        )
    result = assess(answers, library).to_document("en")
    return CaseResult(case["name"], tuple(expectation_failures(case["expect"], result)))


def expectation_failures(expect: Mapping[str, Any], result: Mapping[str, Any]) -> list[str]:
    """What in the result differs from the expectations."""
    fired = {step["rule"].split("[")[0] for step in result["trace"] if step["fired"]}
    failures = [f"expected {r} to fire" for r in expect.get("fired", []) if r not in fired]
    failures += [f"expected {r} not to fire" for r in expect.get("not_fired", []) if r in fired]
    for dim, level in expect.get("levels", {}).items():
        actual = result["dimensions"].get(dim, {}).get("level")
        if actual != level:
            failures.append(f"expected {dim} at level {level}, got {actual}")
    if "overall_level" in expect and result["overall"]["level"] != expect["overall_level"]:
        failures.append(
            f"expected overall level {expect['overall_level']}, got {result['overall']['level']}"
        )
    findings = {f["rule"]: sorted(f["dimensions"]) for f in result["findings"]}
    for rule, dims in expect.get("finding_dimensions", {}).items():
        if findings.get(rule) != sorted(dims):
            failures.append(f"expected finding {rule} on {sorted(dims)}, got {findings.get(rule)}")
    return failures


def run_pack_tests(folder: str | Path, library: Library) -> list[CaseResult]:
    """Every case of a pack folder's tests.yaml."""
    doc = load_cases(folder)
    return [run_case(case, library, doc.name) for case in doc.data["cases"]]


def coverage_problems(doc: Document, rule_ids: Sequence[str]) -> list[str]:
    """Rules lacking a positive or a negative case."""
    positive: set[str] = set()
    negative: set[str] = set()
    for case in doc.data["cases"]:
        positive |= set(case["expect"].get("fired", []))
        negative |= set(case["expect"].get("not_fired", []))
    out = [f"rule {r} has no case where it fires" for r in rule_ids if r not in positive]
    out += [f"rule {r} has no case where it does not fire" for r in rule_ids if r not in negative]
    return out


def case_pointer(index: int) -> str:
    return pointer_join("/cases", index)
