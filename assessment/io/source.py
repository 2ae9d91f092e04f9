"""Read YAML, JSON and CSV inputs into plain data that remembers where every value stood.

This is the only module that parses files. YAML is read with ruamel.yaml's round-trip loader, which
never constructs Python objects from tags; the conversion to plain data then rejects custom tags,
binary values, non-finite numbers, over-deep nesting and alias bombs, so that every later stage works
on plain JSON-like data.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from ..problems import Problem, ProblemCode, ProblemsFound

# Documented limits (README "Limits"): generous for content and answers, fatal for abuse.
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_DIGITS = 4300  # CPython's int() limit (sys.get_int_max_str_digits)
TOO_MANY_DIGITS = f"a number with more than {MAX_DIGITS} digits cannot be read"
SURROGATE = "text with an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape)"
_STANDARD_TAG = "tag:yaml.org,2002:"
_PLAIN_KEY = re.compile(r"^[\w.@:/~-]+$")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {f"{_STANDARD_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq")}


@dataclass(frozen=True)
class Document:
    """Parsed data plus the (line, col) of every JSON pointer, both 1-based."""

    name: str
    data: Any
    positions: dict[str, tuple[int | None, int | None]] = field(default_factory=dict, compare=False)

    def where(self, pointer: str) -> tuple[int | None, int | None]:
        """Line and column of the pointer, or of its nearest located ancestor."""
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return None, None
            pointer = pointer.rsplit("/", 1)[0]

    def problem(self, pointer: str, message: str, *, code: ProblemCode) -> Problem:
        """A problem located at a JSON pointer of this document."""
        line, col = self.where(pointer)
        return Problem(self.name, line, col, display_pointer(pointer), message, code)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset in the text."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def display_pointer(pointer: str) -> str:
    """'/dimensions/0/id' -> '$.dimensions[0].id' (the form people read in messages)."""
    out = "$"
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if part.isdigit():
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}"
        else:  # quoted and escaped: a problem stays one line, and no control character reaches a terminal
            out += f"[{part!r}]"
    return out


def pointer_join(pointer: str, key: object) -> str:
    """Append one JSON-pointer segment."""
    return f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}"


def load_file(path: str | Path, *, fast: bool = False, lazy: bool = False) -> Document:
    """Read a YAML, JSON or CSV file into a Document (CSV: a list of row dicts).

    `fast` is for trusted content that is usually right (the bundled questionnaires and packs):
    libyaml parses it about 15x faster but keeps no positions. The caller re-reads with
    positions when it finds a problem to report (see content.py).
    `lazy` is for answers (untrusted, often large): libyaml when the document is plain, its
    positions found when a problem is reported (see plain_yaml.py).
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read file: {exc.strerror}"
        raise ProblemsFound([Problem(name, None, None, "$", msg, "file.unreadable")]) from None
    text = decode_text(raw, name)
    if path.suffix.lower() == ".csv":
        return parse_csv(text, name)
    if fast:
        data = _fast_plain_yaml(text)
        if data is not None:
            return Document(name, data)
    if lazy:
        from .plain_yaml import parse_plain_first  # it builds on this module

        return parse_plain_first(text, name)
    return parse_yaml(text, name)


def _fast_plain_yaml(text: str) -> Any:
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


def decode_text(raw: bytes, name: str) -> str:
    """UTF-8 text within the size limit (a BOM is allowed)."""
    if len(raw) > MAX_BYTES:
        msg = f"file is {len(raw)} bytes; the limit is {MAX_BYTES}"
        raise ProblemsFound([Problem(name, None, None, "$", msg, "limit.size")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start})"
        raise ProblemsFound([Problem(name, None, None, "$", msg, "text.encoding")]) from None


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


def refuse_large_or_deep(text: str, name: str) -> None:
    """ProblemsFound when the text is over the size limit or nests flow collections too deep."""
    if len(text) > MAX_BYTES:
        raise ProblemsFound([size_problem(name)])
    offset = too_deep_at(text)
    if offset is not None:
        raise ProblemsFound([depth_problem(text, offset, name)])


def size_problem(name: str) -> Problem:
    """The document is over the size limit (YAML and JSON alike)."""
    return Problem(name, None, None, "$", f"document exceeds {MAX_BYTES} bytes", "limit.size")


def depth_problem(text: str, offset: int, name: str) -> Problem:
    """The document nests deeper than the limit at this offset (YAML and JSON alike)."""
    line, col = line_and_column(text, offset)
    return Problem(name, line, col, "$", f"nested deeper than {MAX_DEPTH} levels", "limit.depth")


def real_unicode(text: str) -> str | None:
    """JSON-style escape pairs (\\ud83d\\ude00) joined into one character; None if one is unpaired."""
    if not any("\ud800" <= c <= "\udfff" for c in text):
        return text
    try:
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        return None


def too_deep_at(text: str, limit: int = MAX_DEPTH) -> int | None:
    """Offset of the first [ or { (outside double quotes) nested deeper than `limit`, else None.

    YAML parsing time grows steeply with flow nesting, so a small body nested thousands of levels
    deep is refused before the parser sees it.
    """
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    depth = span = 0
    for match in _BRACKETS.finditer(text):
        while span < len(quoted) and quoted[span][1] <= match.start():
            span += 1
        if span < len(quoted) and quoted[span][0] <= match.start():
            continue  # inside a quoted string
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return match.start()
    return None


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
    return Problem(name, line, col, "$", f"{kind}: {message}", code)


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


def parse_csv(text: str, name: str = "<input>") -> Document:
    """Parse CSV with a header row into a list of dicts; positions are row and column."""
    positions: dict[str, tuple[int | None, int | None]] = {"": (1, 1)}
    rows = list(_csv_rows(text, name))
    if not rows:
        msg = "CSV file is empty (a header row is needed)"
        raise ProblemsFound([Problem(name, 1, 1, "$", msg, "csv.empty")])
    header = [h.strip() for h in rows[0][1]]
    twice = [
        Problem(name, rows[0][0], col, "$", f"column {key!r} appears twice", "csv.duplicate_column")
        for col, key in enumerate(header, start=1)
        if key in header[: col - 1]
    ]
    if twice:  # as a YAML key given twice: which of the two was meant is not ours to guess
        raise ProblemsFound(twice)
    data: list[dict[str, str]] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        row_pointer = pointer_join("/rows", len(data))
        positions[row_pointer] = (line, 1)
        record = {}
        for col, key in enumerate(header, start=1):
            positions[pointer_join(row_pointer, key)] = (line, col)
            record[key] = cells[col - 1].strip() if col <= len(cells) else ""
        if len(cells) > len(header):
            msg = f"row has {len(cells)} cells but the header has {len(header)}"
            where = display_pointer(row_pointer)
            raise ProblemsFound(
                [Problem(name, line, len(header) + 1, where, msg, "csv.row_length")]
            )
        data.append(record)
    return Document(name, {"header": header, "rows": data}, positions)


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ProblemsFound(
            [Problem(name, reader.line_num, 1, "$", f"CSV: {exc}", "csv.syntax")]
        ) from None
