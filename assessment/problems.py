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
