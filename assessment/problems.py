"""Problems as data, and the exceptions that carry them to the user with an exit code."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, with where it is."""

    file: str
    line: int | None
    col: int | None
    pointer: str
    message: str

    def __post_init__(self) -> None:
        # A problem is one bounded line wherever it is shown: messages and pointers quote what the
        # input held, which may be a 100,000-character value or key.
        object.__setattr__(self, "message", one_line(self.message))
        if len(self.pointer) > MAX_POINTER:  # keys are quoted with escapes: already one line
            object.__setattr__(self, "pointer", self.pointer[: MAX_POINTER - 1] + "…")

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}:{self.col or 1}"
        return f"{where}: {self.pointer}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data (for the API and the web forms)."""
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "pointer": self.pointer,
            "message": self.message,
        }


class TqmError(Exception):
    """Base of every error the product reports to a user; carries its exit code."""

    exit_code = EXIT_INTERNAL

    def render(self) -> str:
        """The message shown to the user."""
        return str(self)


class ProblemsFound(TqmError):
    """Content or answers have problems; nothing was scored or stored."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__(f"{len(self.problems)} problem(s) found")

    def render(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UsageError(TqmError):
    """The command was called wrongly."""

    exit_code = EXIT_USAGE


def _problem_order(p: Problem) -> tuple[str, int, int, str, str]:
    return (p.file, p.line or 0, p.col or 0, p.pointer, p.message)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """A ' (did you mean X?)' suffix when a close match exists, else ''."""
    matches = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """The message for an unknown id, with a suggestion."""
    return f"unknown {kind} {name!r}{did_you_mean(name, known)}"


MAX_MESSAGE = 300
MAX_POINTER = 200


def one_line(message: str, limit: int = MAX_MESSAGE) -> str:
    """A message as one bounded line (schema messages quote the offending value, which may be huge)."""
    flat = " ".join(message.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
