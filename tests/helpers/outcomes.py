"""What a target may answer a hostile input: a valid result, or problems that each name their place."""

from __future__ import annotations

import json
import re
from typing import Any

from assessment.io.schema import validator
from assessment.problems import MAX_MESSAGE, ProblemsFound

RESULT = validator("result")
WHOLE_INPUT = re.compile(
    r"^(not UTF-8 text \(byte \d+\)|file is \d+ bytes; the limit is \d+|document exceeds \d+ bytes)$"
)


def names_its_place(pointer: str, line: int | None, message: str) -> bool:
    """A field or question (a pointer below `$`), a line, or the whole input (size, encoding)."""
    return pointer != "$" or line is not None or bool(WHOLE_INPUT.match(message))


def check_scored(result: dict[str, Any]) -> None:
    """A result that validates against result.schema.json and encodes as UTF-8 JSON."""
    errors = [e.message for e in RESULT.iter_errors(result)]
    assert not errors, errors[:3]
    json.dumps(result, ensure_ascii=False, allow_nan=False).encode("utf-8")


def check_rejected(exc: ProblemsFound) -> None:
    """Problems, each one line of at most MAX_MESSAGE characters that names its place."""
    assert exc.problems
    for problem in exc.problems:
        assert problem.message.strip() and problem.pointer.startswith("$"), problem
        assert len(problem.message) <= MAX_MESSAGE, f"{len(problem.message)} characters: {problem}"
        assert names_its_place(problem.pointer, problem.line, problem.message), (
            f"a problem that does not say where: {problem}"
        )
