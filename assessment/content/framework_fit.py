"""Whether a rule pack and its questionnaires fit the framework the pack names: dimensions and
roles the framework declares, baselines for each of its dimensions, levels it has."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..io.files import load_file
from ..io.source import Document, pointer_join
from ..problems import Problem, ProblemCode, unknown
from .framework import Framework
from .model import Question, Questionnaire


def framework_fit_problems(
    docs: Mapping[str, Document], questionnaires: Iterable[Questionnaire], framework: Framework
) -> list[Problem]:
    """Every place where the pack's files or its questionnaires step outside the framework."""
    problems = [
        *_questionnaire_problems(questionnaires, framework),
        *_baseline_problems(docs["baselines.yaml"], framework),
        *_level_problems(docs["pack.yaml"], docs["actions.yaml"], framework),
    ]
    actions = docs["actions.yaml"]
    for index, action in enumerate(actions.data["actions"]):
        if action["dimension"] not in framework.dimension_ids:
            ptr = pointer_join("/actions", index) + "/dimension"
            msg = unknown("dimension", action["dimension"], framework.dimension_ids)
            problems.append(actions.problem(ptr, msg, code="unknown.dimension"))
    return problems


def _questionnaire_problems(
    questionnaires: Iterable[Questionnaire], framework: Framework
) -> Iterator[Problem]:
    """Dimensions and roles of the scored questionnaires that the framework does not declare,
    each at its line in the questionnaire's file (read again, with positions, only then)."""
    for questionnaire in questionnaires:
        found = list(_outside(questionnaire, framework))
        if not found:
            continue
        doc = _positioned(questionnaire)
        for ptr, msg, code in found:
            yield doc.problem(ptr, f"{msg} (framework {framework.id!r})", code=code)


def _outside(
    questionnaire: Questionnaire, framework: Framework
) -> Iterator[tuple[str, str, ProblemCode]]:
    for d_index, dim in enumerate(questionnaire.dimensions):
        d_ptr = pointer_join("/dimensions", d_index)
        if dim.id not in framework.dimension_ids:
            msg = unknown("dimension", dim.id, framework.dimension_ids)
            yield f"{d_ptr}/id", msg, "unknown.dimension"
        for q_index, question in enumerate(dim.questions):
            q_ptr = pointer_join(f"{d_ptr}/questions", q_index)
            yield from _role_places(q_ptr, question, framework)


def _role_places(
    q_ptr: str, question: Question, framework: Framework
) -> Iterator[tuple[str, str, ProblemCode]]:
    """Roles a question is asked of, or worded for, that the framework does not declare."""
    named = [(pointer_join(f"{q_ptr}/roles", i), role) for i, role in enumerate(question.roles)]
    named += [(pointer_join(f"{q_ptr}/text", role), role) for role in question.role_texts]
    for place, role in named:
        if role not in framework.role_ids:
            yield place, unknown("role", role, framework.role_ids), "unknown.role"


def _positioned(questionnaire: Questionnaire) -> Document:
    """The questionnaire's file with positions; an unlocated stand-in when it has no file."""
    if questionnaire.source and Path(questionnaire.source).is_file():
        return load_file(questionnaire.source)
    return Document(questionnaire.source or questionnaire.id, None)


def _baseline_problems(doc: Document, framework: Framework) -> Iterator[Problem]:
    """Each profile gives an index for exactly the framework's dimensions; the profiles the
    framework compares with exist."""
    profiles: Mapping[str, Any] = doc.data["baselines"]
    for name in (framework.reference, framework.target):
        if name not in profiles:
            msg = f"the framework {framework.id!r} compares with a baseline {name!r}: add it"
            yield doc.problem("/baselines", msg, code="content.baseline")
    for name, profile in profiles.items():
        ptr = pointer_join("/baselines", name) + "/indices"
        given = set(profile["indices"])
        missing = [d for d in framework.dimension_ids if d not in given]
        if missing:
            msg = f"no index for {', '.join(missing)} (framework {framework.id!r})"
            yield doc.problem(ptr, msg, code="content.baseline")
        for dim in sorted(given - set(framework.dimension_ids)):
            msg = unknown("dimension", dim, framework.dimension_ids)
            yield doc.problem(pointer_join(ptr, dim), msg, code="unknown.dimension")


def _level_problems(pack: Document, actions: Document, framework: Framework) -> Iterator[Problem]:
    """Levels set, capped to or lifted to that are above the framework's highest level."""
    top = framework.top_level
    for index, rule in enumerate(pack.data["rules"]):
        ptr = pointer_join("/rules", index) + "/then"
        then = rule["then"]
        found = [
            ("level/value", then.get("level", {}).get("value")),
            ("overall_level", then.get("overall_level")),
            ("cap/to", then.get("cap", {}).get("to")),
        ]
        yield from _above(pack, ptr, found, top, framework.id)
    for index, action in enumerate(actions.data["actions"]):
        ptr = pointer_join("/actions", index) + "/lifts"
        found = [("from", action["lifts"]["from"]), ("to", action["lifts"]["to"])]
        yield from _above(actions, ptr, found, top, framework.id)


def _above(
    doc: Document, ptr: str, found: list[tuple[str, Any]], top: int, framework: str
) -> Iterator[Problem]:
    for where, value in found:
        if isinstance(value, int) and value > top:
            msg = f"level {value} is above the highest level of framework {framework!r} ({top})"
            yield doc.problem(f"{ptr}/{where}", msg, code="unknown.level")
