"""`tqm test`: a rule pack's own test cases (`tests.yaml`), and the rule coverage they must give.

A pack passes when every case passes and its tests.yaml is sound: every case names a known
questionnaire, every rule id in `fired`, `not_fired` and `finding_dimensions` is a rule of the pack,
every dimension and answer it gives is one its questionnaire takes (packtest_cases.py), and every
rule has a case where it fires and one where it does not. Problems in tests.yaml are
located (file:line:col) like those of any other content file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .content.library import Library, RulePack, load_pack
from .content.model import Questionnaire
from .content.versions import format_ref, parse_ref
from .engine.answers import AnswerSet, parse_answers
from .engine.pipeline import assess
from .io.files import load_file
from .io.schema import schema_problems
from .io.source import Document, pointer_join
from .packtest_cases import answer_problems, dimension_problems
from .problems import Problem, ProblemsFound, unknown

EXPECTED_RULE_LISTS = ("fired", "not_fired")


@dataclass(frozen=True)
class CaseResult:
    name: str
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class PackTestRun:
    """The outcome of a pack's tests: each case's result, and the problems of tests.yaml itself."""

    cases: tuple[CaseResult, ...]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def passed(self) -> bool:
        return not self.problems and all(case.passed for case in self.cases)


def load_cases(folder: str | Path) -> Document:
    """The schema-checked tests.yaml of a pack folder, with the position of every value."""
    doc = load_file(Path(folder) / "tests.yaml")
    problems = schema_problems(doc, "packtests")
    if problems:
        raise ProblemsFound(problems)
    return doc


def case_answers(case: Mapping[str, Any], library: Library) -> dict[str, Any]:
    """The answers document a case describes (fill, then whole dimensions, then single answers).

    `fill` and `dimensions` give scale positions (a reverse-keyed item gets the mirrored answer);
    `answers` are taken as written."""
    questionnaire = _questionnaire(case["questionnaire"], library)
    assert questionnaire is not None  # the case's questionnaire was checked before it is run
    respondents = case.get("respondents") or [case]
    responses = []
    for spec in respondents:
        answers: dict[str, Any] = {}
        # filled for the questions the respondent's role is asked (every one without a role)
        for question in questionnaire.questions_for(spec.get("role")):
            value = spec.get("dimensions", {}).get(
                question.dimension, spec.get("fill", case.get("fill", 3))
            )
            # fill and dimensions are scale positions: a reverse-keyed item gets the mirror
            answers[question.id] = (
                question.answer_at(value) if isinstance(value, int | float) else value
            )
        answers.update(spec.get("answers", {}))
        evidence = case.get("evidence")
        if evidence:  # the same dated evidence on every rated answer (the audit verifies ratings)
            answers = {q: _evidenced(v, evidence) for q, v in answers.items()}
        entry: dict[str, Any] = {"answers": answers}
        if "role" in spec:
            entry["respondent"] = {"role": spec["role"]}
        responses.append(entry)
    return {
        "questionnaire": case["questionnaire"],
        "organisation": case["name"],
        "responses": responses,
    }


def _evidenced(value: Any, evidence: str) -> Any:
    return {"value": value, "evidence": evidence} if isinstance(value, int | float) else value


def _questionnaire(ref: str, library: Library) -> Questionnaire | None:
    """The questionnaire a case names: 'id' (the latest version) or 'id@N'; None if unknown."""
    try:
        return library.find(*parse_ref(ref))
    except ValueError:
        return None


def known_refs(library: Library) -> list[str]:
    """Every questionnaire reference a case may use: each id and each id@N."""
    refs = list(library.questionnaires)
    refs += [format_ref(qid, n) for qid, by_version in library.versions.items() for n in by_version]
    return refs


def score_case(case: Mapping[str, Any], answers: AnswerSet, library: Library) -> CaseResult:
    """A case's checked answers scored, and what in the result differs from its expectations."""
    result = assess(answers, library).to_document("en")
    return CaseResult(case["name"], tuple(expectation_failures(case["expect"], result)))


def checked_case(
    doc: Document, case_ptr: str, case: Mapping[str, Any], library: Library
) -> AnswerSet | list[Problem]:
    """A case's answers, or its problems located in tests.yaml (unknown dimensions, answers the
    questionnaire refuses)."""
    questionnaire = _questionnaire(case["questionnaire"], library)
    assert questionnaire is not None  # a case naming an unknown one is reported, not checked
    problems = dimension_problems(doc, case_ptr, case, questionnaire)
    try:
        answers = parse_answers(Document(doc.name, case_answers(case, library)), library)
    except ProblemsFound as exc:
        return problems + answer_problems(doc, case_ptr, case, exc.problems)
    return problems or answers


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


def run_pack_tests(folder: str | Path, library: Library) -> PackTestRun:
    """Every case of a pack folder's tests.yaml, scored by that pack, and the file's problems.

    The cases are scored by the pack in `folder` even when the library holds another pack for the
    same questionnaire (a copy being edited, an author's own pack).
    """
    tests = Path(folder) / "tests.yaml"
    if not tests.exists():
        msg = "no tests.yaml: every rule needs a case where it fires and one where it does not"
        return PackTestRun((), (Problem(str(tests), None, None, "$", msg, "packtest.uncovered"),))
    try:
        doc = load_cases(folder)
    except ProblemsFound as exc:  # unreadable or not of the schema: nothing to run
        return PackTestRun((), tuple(exc.problems))
    pack = pack_in(folder, library)
    own = Library(library.questionnaires, {pack.id: pack}, library.versions, library.migrations)
    problems = reference_problems(doc, [r.id for r in pack.rules], known_refs(own))
    problems += coverage_problems(doc, [r.id for r in pack.rules])
    cases = []
    for case_ptr, case in _cases(doc):
        if _questionnaire(case["questionnaire"], own) is None:
            continue  # a problem, reported above
        checked = checked_case(doc, case_ptr, case, own)
        if isinstance(checked, list):  # the case cannot be run: its problems say why
            problems += checked
        else:
            cases.append(score_case(case, checked, own))
    return PackTestRun(tuple(cases), tuple(problems))


def pack_in(folder: str | Path, library: Library) -> RulePack:
    """The library's pack loaded from this folder, or the folder loaded as a pack of its own."""
    where = Path(folder).resolve()
    for pack in library.packs.values():
        if Path(pack.path).resolve() == where:
            return pack
    # a pack folder outside the content root judges by the content's frameworks
    frameworks = library.frameworks or None
    return load_pack(
        where, library.questionnaires, versions=library.versions, frameworks=frameworks
    )


def reference_problems(
    doc: Document, rule_ids: Collection[str], questionnaires: Collection[str]
) -> list[Problem]:
    """Unknown questionnaires and rule ids in the cases, each located with a suggestion."""
    problems = []
    for case_ptr, case in _cases(doc):
        if case["questionnaire"] not in questionnaires:
            msg = unknown("questionnaire", case["questionnaire"], questionnaires)
            ptr = f"{case_ptr}/questionnaire"
            problems.append(doc.problem(ptr, msg, code="unknown.questionnaire"))
        for ptr, rule in _expected_rules(case_ptr, case["expect"]):
            if rule not in rule_ids:
                msg = unknown("rule", rule, rule_ids)
                problems.append(doc.problem(ptr, msg, code="unknown.rule"))
    return problems


def _cases(doc: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, case in enumerate(doc.data["cases"]):
        yield pointer_join("/cases", index), case


def _expected_rules(case_ptr: str, expect: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(pointer, rule id) of every rule an expectation names."""
    for key in EXPECTED_RULE_LISTS:
        for index, rule in enumerate(expect.get(key, [])):
            yield pointer_join(f"{case_ptr}/expect/{key}", index), rule
    for rule in expect.get("finding_dimensions", {}):
        yield pointer_join(f"{case_ptr}/expect/finding_dimensions", rule), rule


def coverage_problems(doc: Document, rule_ids: Sequence[str]) -> list[Problem]:
    """Rules lacking a case where they fire or one where they do not (located at `cases:`)."""
    positive: set[str] = set()
    negative: set[str] = set()
    for _, case in _cases(doc):
        positive |= set(case["expect"].get("fired", []))
        negative |= set(case["expect"].get("not_fired", []))
    missing = [f"rule {r} has no case where it fires" for r in rule_ids if r not in positive]
    missing += [
        f"rule {r} has no case where it does not fire" for r in rule_ids if r not in negative
    ]
    return [doc.problem("/cases", message, code="packtest.uncovered") for message in missing]
