"""Strict JSON documents (the API's application/json bodies), parsed fast and located lazily.

The YAML reader in `source` keeps the line and column of every value, which costs ~20 ms for an
answers document; the C JSON parser takes ~0.1 ms. So a JSON body is parsed by `json`, and its
positions are computed (by the YAML reader, JSON being YAML) only when a problem is reported.
The same limits and refusals apply as to YAML: size, nesting, value count, NaN and infinities,
numbers of more than 4,300 digits, unpaired UTF-16 surrogates, duplicate keys.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..problems import Problem, ProblemCode, ProblemsFound
from .plain_yaml import LazyPositions
from .source import (
    MAX_DIGITS,
    MAX_NODES,
    SURROGATE,
    TOO_MANY_DIGITS,
    Document,
    line_and_column,
    pointer_join,
    real_unicode,
    refuse_large_or_deep,
)
from .yaml_reader import parse_yaml

# A string (skipped whole, so nothing inside one is mistaken for a token) or a bare token.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?(?:NaN|Infinity)|-?[0-9][0-9.eE+-]*')


class _NotJson(ValueError):
    """A token json.loads hands to a hook and we refuse: the message, and how to find the token."""

    def __init__(self, message: str, code: ProblemCode, token: Callable[[str], bool]):
        super().__init__(message)
        self.code: ProblemCode = code
        self.token = token


class _DuplicateKey(ValueError):
    pass


def parse_json(text: str, name: str = "<input>") -> Document:
    """Parse strict JSON into a Document whose positions are found on first use."""
    refuse_large_or_deep(text, name)
    try:
        data = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_int,
            parse_float=_float,
            object_pairs_hook=_mapping,
        )
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg}"
        raise ProblemsFound([_at(text, exc.pos, name, message, "json.syntax")]) from None
    except _NotJson as exc:
        offset = _find(text, exc.token)
        raise ProblemsFound([_at(text, offset, name, str(exc), exc.code)]) from None
    except _DuplicateKey:
        _locate_duplicate(text, name)
        raise  # pragma: no cover - the YAML reader refuses every duplicate key
    doc = Document(name, data, LazyPositions(text, name))
    problems = _value_problems(doc)
    if problems:
        raise ProblemsFound(problems)
    return doc


def _locate_duplicate(text: str, name: str) -> None:
    """The duplicate key, located by the YAML reader (JSON being YAML) and named as JSON's."""
    try:
        parse_yaml(text, name)
    except ProblemsFound as exc:
        raise ProblemsFound([_as_json(p) for p in exc.problems]) from None


def _as_json(problem: Problem) -> Problem:
    """A problem the YAML reader found in a JSON text, in JSON's words."""
    message = problem.message
    for yaml_words, json_words in _WORDS:
        if message.startswith(yaml_words):
            message = json_words + message.removeprefix(yaml_words)
    return replace(problem, message=message)


_WORDS = (("YAML syntax: ", "not valid JSON: "), ("YAML value: ", "not valid JSON: "))


def _refuse_constant(name: str) -> Any:
    message = f"not valid JSON: {name} is not a JSON number"
    raise _NotJson(message, "value.not_finite", lambda t: t.lstrip("-") in name)


def _int(token: str) -> int:
    if len(token.lstrip("-")) > MAX_DIGITS:
        raise _NotJson(TOO_MANY_DIGITS, "limit.digits", lambda t: len(t.lstrip("-")) > MAX_DIGITS)
    return int(token)


def _float(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        message = "numbers must be finite (this one is too large for a number)"
        raise _NotJson(message, "value.not_finite", lambda t: t[:1] != '"' and not _finite(t))
    return value


def _finite(token: str) -> bool:
    try:
        return math.isfinite(float(token))
    except ValueError:
        return True


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _DuplicateKey()
    return out


def _find(text: str, is_it: Callable[[str], bool]) -> int:
    """Offset of the first token outside strings for which `is_it` holds (0 if none)."""
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token[:1] != '"' and is_it(token):
            return match.start()
    return 0


def _at(text: str, offset: int, name: str, message: str, code: ProblemCode) -> Problem:
    line, col = line_and_column(text, offset)
    return Problem(name, line, col, "$", message, code)


def _value_problems(doc: Document) -> list[Problem]:
    """Unpaired surrogates in text and keys, and the value-count limit, as the YAML reader does."""
    problems: list[Problem] = []
    stack: list[tuple[str, Any]] = [("", doc.data)]
    count = 0
    while stack and count <= MAX_NODES:
        pointer, node = stack.pop()
        count += 1
        if isinstance(node, dict):
            for key, value in node.items():
                child = pointer_join(pointer, key)
                if real_unicode(key) is None:
                    problems.append(doc.problem(child, SURROGATE, code="text.surrogate"))
                stack.append((child, value))
        elif isinstance(node, list):
            stack.extend((pointer_join(pointer, i), v) for i, v in enumerate(node))
        elif isinstance(node, str) and real_unicode(node) is None:
            problems.append(doc.problem(pointer, SURROGATE, code="text.surrogate"))
    if count > MAX_NODES:
        message = f"document has more than {MAX_NODES} values"
        problems.append(doc.problem("", message, code="limit.values"))
    return problems
