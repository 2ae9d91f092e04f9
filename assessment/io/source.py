"""Untrusted text as located plain data: the Document every reader returns (plain data plus the
line and column of every JSON pointer), the pointers people read in messages, and the limits every
reader shares (size, nesting, digits, surrogates).

The readers: YAML (yaml_reader.py), CSV (csv_reader.py), JSON (strict_json.py); files.py reads a
file and picks the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..problems import Problem, ProblemCode, ProblemsFound

# Documented limits (README "Limits"): generous for content and answers, fatal for abuse.
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_DIGITS = 4300  # CPython's int() limit (sys.get_int_max_str_digits)
TOO_MANY_DIGITS = f"a number with more than {MAX_DIGITS} digits cannot be read"
SURROGATE = "text with an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape)"
_PLAIN_KEY = re.compile(r"^[\w.@:/~-]+$")
_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")


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
