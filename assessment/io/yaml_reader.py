"""YAML (and JSON, a subset of it) into plain data that remembers where every value stood.

YAML is read with ruamel.yaml's round-trip loader, which never constructs Python objects from tags;
the conversion to plain data then rejects custom tags, binary values, non-finite numbers, over-deep
nesting and alias bombs, so that every later stage works on plain JSON-like data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import re
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from ..problems import Problem, ProblemCode, ProblemsFound
from .source import (
    MAX_DEPTH,
    MAX_NODES,
    SURROGATE,
    TOO_MANY_DIGITS,
    Document,
    line_and_column,
    pointer_join,
    real_unicode,
    refuse_large_or_deep,
)

_STANDARD_TAG = "tag:yaml.org,2002:"
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {f"{_STANDARD_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}


def fast_plain_yaml(text: str) -> Any:
    """Plain data through libyaml's safe loader, or None when anything is unusual (then: slow path)."""
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)  # a SafeLoader: plain data only
    except (yaml.YAMLError, ValueError, RecursionError):
        return None
    return data if _is_plain(data, 0) else None


def _is_plain(node: Any, depth: int) -> bool:
    if depth > MAX_DEPTH:
        return False
    if isinstance(node, dict):
        return all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in node.items())
    if isinstance(node, list):
        return all(_is_plain(v, depth + 1) for v in node)
    if isinstance(node, float):
        return math.isfinite(node)
    return node is None or isinstance(node, (str, int, bool))


def parse_yaml(text: str, name: str = "<input>") -> Document:
    """Parse YAML (or JSON, a subset of it) safely, keeping positions."""
    converter = _Converter(name)
    data = converter.convert(_load_tree(text, name), "", 0)
    if converter.problems:
        raise ProblemsFound(converter.problems)
    return Document(name, data, converter.positions)


def yaml_positions(text: str, name: str = "<input>") -> dict[str, tuple[int | None, int | None]]:
    """The line and column of every value that can be read (even if some values are refused)."""
    try:
        tree = _load_tree(text, name)
    except ProblemsFound:
        return {"": (1, 1)}
    converter = _Converter(name)
    converter.convert(tree, "", 0)
    return converter.positions


def _load_tree(text: str, name: str) -> Any:
    """ruamel's round-trip tree of the text, within the size, nesting and expansion limits."""
    refuse_large_or_deep(text, name)
    yaml = YAML(typ="rt")
    yaml.Constructor = _LocatingConstructor
    try:
        tree = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        raise ProblemsFound([_yaml_problem(exc, name)]) from None
    except ReaderError as exc:
        raise ProblemsFound([_reader_problem(exc, text, name)]) from None
    except (YAMLError, ValueError, RecursionError) as exc:
        msg = f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        raise ProblemsFound([Problem(name, None, None, "$", msg, "yaml.syntax")]) from None
    if expanded_size(tree, {}, 0) > MAX_NODES:
        msg = f"document expands to more than {MAX_NODES} values (YAML aliases used as a bomb?)"
        raise ProblemsFound([Problem(name, 1, 1, "$", msg, "limit.values")])
    return tree


def expanded_size(node: Any, memo: dict[int, int], depth: int) -> int:
    """How many values the tree has once aliases are expanded, counted without expanding them."""
    if not isinstance(node, (CommentedMap, CommentedSeq)) or depth > MAX_DEPTH:
        return 1
    if id(node) not in memo:
        children = node.values() if isinstance(node, CommentedMap) else node
        memo[id(node)] = 1 + sum(expanded_size(child, memo, depth + 1) for child in children)
    return memo[id(node)]


class _LocatingConstructor(RoundTripConstructor):
    """ruamel's round-trip constructor, whose failures on odd values name the value's place.

    On `!!int ""`, `!!bool maybe`, `!!set x` or a 5,000-digit number ruamel's constructors raise
    IndexError, KeyError, ValueError...: turned here into a YAML error marked at the node.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except YAMLError:
            raise
        except Exception as exc:
            raise _Unreadable(None, None, _unreadable(node, exc), node.start_mark) from None


class _Unreadable(ConstructorError):
    """A value whose tag or size its constructor could not handle."""


def _unreadable(node: Any, exc: Exception) -> str:
    if isinstance(exc, ValueError) and "digits" in str(exc):  # CPython's int() limit
        return TOO_MANY_DIGITS
    tag = str(getattr(node.tag, "value", node.tag) or "")
    shown = "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag
    return f"this value cannot be read as {shown or 'a value'}"


def _yaml_problem(exc: MarkedYAMLError, name: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    message = " ".join(s for s in (exc.context, exc.problem) if s) or "malformed YAML"
    code: ProblemCode = "yaml.syntax"
    if "duplicate key" in message:
        message = message.replace("while constructing a mapping ", "")
        code = "yaml.duplicate_key"
    if isinstance(exc, _Unreadable):
        code = "limit.digits" if exc.problem == TOO_MANY_DIGITS else "yaml.value"
    kind = "YAML value" if isinstance(exc, _Unreadable) else "YAML syntax"
    return Problem(name, line, col, "$", f"{kind}: {_shortened(message)}", code)


def _shortened(message: str, quoted: int = 40, whole: int = 240) -> str:
    """The parser's message with the values it quotes cut short: a duplicate key's message quotes
    both values whole, so a long value would make one problem line as long as the document.
    Characters that cannot be written (lone surrogates) are escaped first, as they will be shown."""
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    message = re.sub(f'"([^"]{{{quoted}}})[^"]*"', r'"\1…"', message)
    return message if len(message) <= whole else message[: whole - 1] + "…"


def _reader_problem(exc: ReaderError, text: str, name: str) -> Problem:
    """A character YAML refuses (control characters, DEL, C1), at its line and column."""
    offset = exc.position if isinstance(exc.position, int) else 0
    line, col = line_and_column(text, offset)
    char = exc.character
    point = ord(char) if isinstance(char, str) and len(char) == 1 else char
    message = f"character U+{point:04X} is not allowed in YAML (a control character)"
    shown = message if isinstance(point, int) else str(exc.reason)
    return Problem(name, line, col, "$", shown, "yaml.character")


class _Converter:
    """Turns a ruamel round-trip tree into plain data, recording positions and refusing abuse."""

    def __init__(self, name: str):
        self.name = name
        self.positions: dict[str, tuple[int | None, int | None]] = {"": (1, 1)}
        self.problems: list[Problem] = []
        self.nodes = 0

    def fail(self, pointer: str, message: str, code: ProblemCode) -> None:
        doc = Document(self.name, None, self.positions)
        self.problems.append(doc.problem(pointer, message, code=code))

    def convert(self, node: Any, pointer: str, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                message = f"document has more than {MAX_NODES} values (alias bomb?)"
                self.fail(pointer, message, "limit.values")
            return None
        if depth > MAX_DEPTH:
            self.fail(pointer, f"nested deeper than {MAX_DEPTH} levels", "limit.depth")
            return None
        tag = getattr(getattr(node, "tag", None), "value", None)
        if tag is not None and tag not in _PLAIN_TAGS:
            self.fail(pointer, f"YAML tag {tag!r} is not allowed", "yaml.tag")
            return None
        if isinstance(node, CommentedMap):
            return self._mapping(node, pointer, depth)
        if isinstance(node, CommentedSeq):
            return self._sequence(node, pointer, depth)
        return self._scalar(node, pointer)

    def _mapping(self, node: CommentedMap, pointer: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in node:
            child = pointer_join(pointer, key)
            with contextlib.suppress(*_NO_MARK):
                line, col = node.lc.value(key) if _is_block_value(node, key) else node.lc.key(key)
                self.positions[child] = (line + 1, col + 1)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                self.fail(child, "keys must be strings", "yaml.key")
                continue
            out[str(key)] = self.convert(node[key], child, depth + 1)
        return out

    def _sequence(self, node: CommentedSeq, pointer: str, depth: int) -> list[Any]:
        out = []
        for index, item in enumerate(node):
            child = pointer_join(pointer, index)
            with contextlib.suppress(*_NO_MARK):
                line, col = node.lc.item(index)
                self.positions[child] = (line + 1, col + 1)
            out.append(self.convert(item, child, depth + 1))
        return out

    def _scalar(self, node: Any, pointer: str) -> Any:
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            if not math.isfinite(node):
                self.fail(
                    pointer, "numbers must be finite (no NaN or infinity)", "value.not_finite"
                )
                return None
            return float(node)
        if isinstance(node, str):
            text = real_unicode(str(node))
            if text is None:
                self.fail(pointer, SURROGATE, "text.surrogate")
            return text
        if isinstance(node, TaggedScalar):  # an explicit standard tag, e.g. !!str 3
            return str(node.value)
        if isinstance(node, (dt.date, dt.datetime)):
            return node.isoformat()
        kind = "binary (!!binary)" if isinstance(node, bytes) else type(node).__name__
        self.fail(pointer, f"unsupported value: {kind}", "yaml.value")
        return None


def _is_block_value(node: CommentedMap, key: Any) -> bool:
    # Point at the value for scalars (where the mistake usually is), at the key for collections.
    return not isinstance(node[key], (CommentedMap, CommentedSeq))


# Positions are best effort: a missing mark must never hide the real problem.
_NO_MARK = (KeyError, IndexError, TypeError)
