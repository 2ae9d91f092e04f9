"""Problems inside a pack test case (tests.yaml), located where the case says them: dimensions the
case's questionnaire lacks, and answers it would refuse (an unknown question, a value off the scale).

A case's answers are built from `fill`, `dimensions` and `answers` (packtest.case_answers); a
problem the answers checker finds at `$.responses[k].answers.<question>` is moved to the part of the
case that gave that answer, so that `tqm test` names tests.yaml's line, not a document nobody wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .content.model import Questionnaire
from .io.source import Document, pointer_join
from .problems import Problem, unknown

# How parse_answers names an answer of the built document (io.source.display_pointer's form).
_ANSWER = re.compile(r"^\$\.responses\[(\d+)\](?:\.answers\.(.+))?")


def dimension_problems(
    doc: Document, case_ptr: str, case: Mapping[str, Any], questionnaire: Questionnaire
) -> list[Problem]:
    """Dimensions a case names that its questionnaire does not have (with a suggestion)."""
    known = [d.id for d in questionnaire.dimensions]
    return [
        doc.problem(ptr, unknown("dimension", name, known), code="unknown.dimension")
        for ptr, name in _named_dimensions(case_ptr, case)
        if name not in known
    ]


def _named_dimensions(case_ptr: str, case: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    specs = [(case_ptr, case)]
    specs += [(pointer_join(f"{case_ptr}/respondents", i), s) for i, s in _respondents(case)]
    for ptr, spec in specs:
        for name in spec.get("dimensions", {}):
            yield pointer_join(f"{ptr}/dimensions", name), name
    expect = case["expect"]
    for name in expect.get("levels", {}):
        yield pointer_join(f"{case_ptr}/expect/levels", name), name
    for rule, names in expect.get("finding_dimensions", {}).items():
        rule_ptr = pointer_join(f"{case_ptr}/expect/finding_dimensions", rule)
        for index, name in enumerate(names):
            yield pointer_join(rule_ptr, index), name


def _respondents(case: Mapping[str, Any]) -> Iterable[tuple[int, Mapping[str, Any]]]:
    return enumerate(case.get("respondents", []))


def answer_problems(
    doc: Document, case_ptr: str, case: Mapping[str, Any], problems: Iterable[Problem]
) -> list[Problem]:
    """The answers checker's problems with a case's built answers, located in tests.yaml."""
    return [
        doc.problem(_source_of(case_ptr, case, p.pointer), p.message, code=p.code) for p in problems
    ]


def _source_of(case_ptr: str, case: Mapping[str, Any], pointer: str) -> str:
    """The pointer, in tests.yaml, of what gave the built answers' value at `pointer`."""
    match = _ANSWER.match(pointer)
    if not match:
        return case_ptr
    respondents = case.get("respondents")
    index = int(match.group(1))
    spec_ptr = pointer_join(f"{case_ptr}/respondents", index) if respondents else case_ptr
    spec = respondents[index] if respondents else case
    rest = match.group(2)
    if rest is None:
        return spec_ptr
    for qid in spec.get("answers", {}):
        if rest == qid or rest.startswith((f"{qid}.", f"{qid}[")):
            return pointer_join(f"{spec_ptr}/answers", qid)
    dimension = rest.split(".")[0]  # a question id starts with its dimension's
    if dimension in spec.get("dimensions", {}):
        return pointer_join(f"{spec_ptr}/dimensions", dimension)
    if "fill" in spec:
        return f"{spec_ptr}/fill"
    return f"{case_ptr}/fill" if "fill" in case else spec_ptr
