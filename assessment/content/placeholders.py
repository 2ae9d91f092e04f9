"""Text placeholders a pack's texts name: every one must be one the renderer fills.

Finding titles and details are filled by `engine.findings.render_text`: a fact (`{index.customer}`,
`{answer.{question}}`), `{dimension}`, `{question}` and `{dimensions}`. A fact that does not exist
would print as "—" in every report, and any other `{name}` would print as written; action texts are
never filled, so a placeholder there prints as written too. Each is a problem here,
located at the text that holds it. (Whether {dimension} / {question} have the for_each they need is
crossrefs' check.)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from ..io.source import Document, pointer_join
from ..problems import Problem, did_you_mean
from .framework import Framework
from .rules import FACT_PLACEHOLDER, FactProblem, fact_problem

# What render_text fills besides facts (a fact is a dotted name: FACT_PLACEHOLDER).
NAMED = ("dimension", "question", "dimensions")
# A {...} in a text, with one level of nesting ({level.{dimension}}).
_BRACED = re.compile(r"\{((?:[^{}]|\{[^{}]*\})*)\}")
UNFILLED = "an action's texts are printed as written (placeholders are filled in findings only)"


def finding_placeholder_problems(
    doc: Document, ptr: str, rule: Mapping[str, Any], asked: Collection[str], framework: Framework
) -> list[Problem]:
    """Unknown placeholders in a rule's title and its finding's texts.

    A rule's title is for authors (never filled: `{dimension}` there names the instances of a
    for_each rule); it is held to the finding's placeholders all the same."""
    finding = rule["then"].get("finding", {})
    texts = [(f"{ptr}/title", rule["title"])]
    texts += [(f"{ptr}/then/finding/{k}", finding[k]) for k in ("title", "detail") if k in finding]
    out = []
    for text_ptr, text in texts:
        for where, name in _placeholders(text_ptr, text):
            wrong = _unknown(name, asked, rule.get("for_each"), framework)
            if wrong:
                out.append(doc.problem(where, wrong[1], code=wrong[0]))
    return out


def action_placeholder_problems(doc: Document) -> list[Problem]:
    """Placeholders in an action catalogue's texts, which are never filled."""
    out = []
    for index, action in enumerate(doc.data["actions"]):
        ptr = pointer_join("/actions", index)
        for key in ("title", "description", "kpi"):
            for where, name in _placeholders(f"{ptr}/{key}", action.get(key, {})):
                message = f"placeholder {{{name}}}: {UNFILLED}"
                out.append(doc.problem(where, message, code="unknown.placeholder"))
    return out


def _placeholders(ptr: str, text: Mapping[str, str]) -> Iterator[tuple[str, str]]:
    """(pointer of the language's text, name) of every {name} in a bilingual text."""
    for lang, value in text.items():
        for match in _BRACED.finditer(value if isinstance(value, str) else ""):
            yield f"{ptr}/{lang}", match.group(1)


def _unknown(
    name: str, asked: Collection[str], for_each: str | None, framework: Framework
) -> FactProblem | None:
    """Why render_text cannot fill {name}, or None when it can. A fact that does not exist keeps
    its fact's code (unknown.question...: the loader does not echo those for a questionnaire that
    failed to load), any other name is unknown.placeholder."""
    if name in NAMED:
        return None
    if FACT_PLACEHOLDER.fullmatch(f"{{{name}}}"):
        wrong = fact_problem(name, asked, for_each, framework)
        return (wrong[0], f"unknown placeholder {{{name}}}: {wrong[1]}") if wrong else None
    return "unknown.placeholder", f"unknown placeholder {{{name}}}{did_you_mean(name, NAMED)}"
