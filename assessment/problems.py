"""Problems as data, and the exceptions that carry them to the user with an exit code."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# The stable, machine-readable kinds of problem. A message may be reworded; a code is kept (tests,
# the web API's clients and the batch output filter on it). docs/problem-codes.md lists them too.
ProblemCode = Literal[
    "input.invalid",
    "file.unreadable",
    "file.missing",
    "file.kind",
    "text.encoding",
    "text.surrogate",
    "limit.size",
    "limit.depth",
    "limit.values",
    "limit.digits",
    "limit.respondents",
    "yaml.syntax",
    "yaml.duplicate_key",
    "yaml.character",
    "yaml.tag",
    "yaml.key",
    "yaml.value",
    "value.not_finite",
    "json.syntax",
    "csv.syntax",
    "csv.empty",
    "csv.duplicate_column",
    "csv.row_length",
    "csv.missing_column",
    "csv.no_rows",
    "csv.mixed_values",
    "schema.type",
    "schema.required",
    "schema.enum",
    "schema.const",
    "schema.pattern",
    "schema.range",
    "schema.length",
    "schema.unique",
    "schema.unexpected_field",
    "schema.invalid",
    "unknown.questionnaire",
    "unknown.question",
    "unknown.dimension",
    "unknown.scale",
    "unknown.action",
    "unknown.role",
    "unknown.fact",
    "unknown.rule",
    "unknown.language",
    "unknown.framework",
    "unknown.level",
    "unknown.placeholder",
    "content.duplicate_id",
    "content.id_mismatch",
    "content.id_prefix",
    "content.anchor",
    "content.lift_order",
    "content.cycle",
    "content.placeholder",
    "content.no_pack",
    "content.unreachable",
    "content.unscored",
    "content.empty",
    "content.layout",
    "content.version_mismatch",
    "content.baseline",
    "content.migration",
    "answers.shape",
    "answers.version",
    "answers.missing",
    "answers.unknown_not_offered",
    "answers.not_a_number",
    "answers.off_scale",
    "answers.na_not_allowed",
    "answers.not_asked",
    "answers.questionnaire_conflict",
    "packtest.uncovered",
    "batch.empty_organisation",
    "batch.split_organisation",
]

CODES: Final[Mapping[ProblemCode, str]] = {
    "input.invalid": "any other problem with an input (no more specific code applies)",
    "file.unreadable": "the file cannot be read (it is missing, a folder, not permitted, an I/O error)",
    "file.missing": "a path given to `tqm validate` does not exist",
    "file.kind": "a file or folder is not of a kind the command knows",
    "text.encoding": "the file is not UTF-8 text",
    "text.surrogate": "text holds an unpaired UTF-16 surrogate (e.g. a lone \\ud800 escape)",
    "limit.size": "the document is larger than the size limit (5 MiB)",
    "limit.depth": "the document is nested deeper than the limit (40 levels)",
    "limit.values": "the document has, or expands through aliases to, more than 200,000 values",
    "limit.digits": "a number has more than 4,300 digits",
    "limit.respondents": "an organisation in a batch has more respondents than the limit",
    "yaml.syntax": "the text is not valid YAML",
    "yaml.duplicate_key": "a mapping gives a key twice (in YAML or in JSON)",
    "yaml.character": "a control character YAML does not allow",
    "yaml.tag": "a YAML tag other than the standard plain-data ones",
    "yaml.key": "a mapping key that is not a string",
    "yaml.value": "a value that cannot be read as plain data (binary, a bad !!int, a set...)",
    "value.not_finite": "NaN or an infinite number",
    "json.syntax": "the text is not valid JSON (the API's application/json bodies)",
    "csv.syntax": "the text is not valid CSV",
    "csv.empty": "the CSV file has no header row",
    "csv.duplicate_column": "the CSV header names a column twice",
    "csv.row_length": "a CSV row has more cells than the header",
    "csv.missing_column": "a column the CSV file needs is missing (e.g. questionnaire)",
    "csv.no_rows": "the CSV file has a header but no respondents",
    "csv.mixed_values": "a column that must hold one value for the whole file holds several",
    "schema.type": "a value of the wrong type (e.g. text where a number is expected)",
    "schema.required": "a required field is missing",
    "schema.enum": "a value is not one of those allowed",
    "schema.const": "a value is not the one allowed",
    "schema.pattern": "text (or a key) does not have the required form",
    "schema.range": "a number is outside its allowed range",
    "schema.length": "text, a list or a mapping is too short or too long",
    "schema.unique": "a list holds the same item twice",
    "schema.unexpected_field": "a field the schema does not know (often a misspelling)",
    "schema.invalid": "any other schema violation",
    "unknown.questionnaire": "no questionnaire has this id",
    "unknown.question": "no question of the questionnaire has this id",
    "unknown.dimension": "no dimension has this id",
    "unknown.scale": "the questionnaire has no scale of this name",
    "unknown.action": "the action catalogue has no action of this id",
    "unknown.role": "no respondent role has this name",
    "unknown.fact": "a rule reads a fact that does not exist",
    "unknown.rule": "a pack test names a rule the pack does not have",
    "unknown.language": "a language the product does not speak (it speaks en and zh)",
    "unknown.framework": "a pack names a framework that has no file `frameworks/<id>.yaml`",
    "unknown.level": "a level, cap or action lift above the framework's highest level",
    "unknown.placeholder": "a text names a placeholder that is not filled where it stands (it would print as written); a placeholder naming a fact that does not exist has that fact's code (`unknown.fact`, `unknown.dimension`, ...)",
    "content.duplicate_id": "an id (dimension, question, rule, action) appears twice",
    "content.id_mismatch": "a questionnaire's id differs from its file name",
    "content.id_prefix": "a question or action id does not start with its dimension",
    "content.anchor": "an anchor is given for a value that is not on the question's scale",
    "content.lift_order": "an action's lifts.from is not below its lifts.to",
    "content.cycle": "actions require each other in a cycle",
    "content.placeholder": "a {question} or {dimension} placeholder without the for_each it needs",
    "content.no_pack": "no rule pack scores the questionnaire",
    "content.unreachable": "a rule compares a fact with a number outside the fact's range on a questionnaire the pack scores (an index above 100, an answer off the scale): the comparison never or always holds",
    "content.unscored": "a questionnaire (version) that no rule pack of the content scores (`tqm validate`)",
    "content.empty": "a content folder holds no questionnaires",
    "content.layout": "a questionnaire file is not where versions live (questionnaires/<id>/<N>.yaml)",
    "content.version_mismatch": "a questionnaire version file's version differs from its file name",
    "content.baseline": (
        "a baseline profile does not give an index for each dimension of the framework, or the "
        "framework's reference or target profile is missing"
    ),
    "content.migration": "a migration between questionnaire versions is incomplete or contradicts itself, or there is no way from one version to another",
    "answers.shape": "an answers document gives both or neither of 'answers' and 'responses'",
    "answers.version": "answers are for another version of the questionnaire",
    "answers.missing": "a required question has no answer",
    "answers.unknown_not_offered": (
        '"don\'t know" given where the framework does not offer it '
        "(`answering: {dont_know: false}`)"
    ),
    "answers.not_a_number": "an answer is not a number, 'na' or 'unknown'",
    "answers.off_scale": "an answer is not a value of the question's scale",
    "answers.na_not_allowed": "N/A is given for a question that does not allow it",
    "answers.not_asked": "an answer to a question the respondent's role is not asked (its `roles:` leave the role out)",
    "answers.questionnaire_conflict": "the answers name another questionnaire or version than `--questionnaire`",
    "packtest.uncovered": "a rule has no pack test where it fires, or none where it does not (or the pack has no tests.yaml)",
    "batch.empty_organisation": "a batch row grouped by organisation has an empty organisation",
    "batch.split_organisation": "an organisation's rows in a batch are not consecutive",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, with where it is."""

    file: str
    line: int | None
    col: int | None
    pointer: str
    message: str
    code: ProblemCode = "input.invalid"

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a typo in a code would silently escape every filter on it
            raise ValueError(f"unregistered problem code {self.code!r}")
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
            "code": self.code,
        }


class TqmError(Exception):
    """Base of every error the product reports to a user; carries its exit code."""

    exit_code = EXIT_INTERNAL

    def render(self) -> str:
        """The message shown to the user."""
        return str(self)


# Problems listed in full wherever they are shown (the CLI, the API); the rest are only counted,
# so that a hostile document's work and answer stay bounded by its size, not by what it holds.
MAX_PROBLEMS = 100
MAX_COUNTED = 1000  # schema errors past this many are not counted ("at least"): each costs time


class Problems(list[Problem]):
    """Problems found so far, and how many more were found but not built (past MAX_PROBLEMS)."""

    def __init__(self, problems: Iterable[Problem] = ()):
        super().__init__(problems)
        self.more = 0
        self.at_least = False  # counting stopped at MAX_COUNTED

    def room(self) -> bool:
        """True while fewer than MAX_PROBLEMS are listed (build the problem and append it); else
        the problem about to be found is counted, and need not be built."""
        if len(self) < MAX_PROBLEMS:
            return True
        self.more += 1
        return False


class ProblemsFound(TqmError):
    """Content or answers have problems; nothing was scored or stored."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems), key=_problem_order)
        self.more = problems.more if isinstance(problems, Problems) else 0
        self.at_least = isinstance(problems, Problems) and problems.at_least
        super().__init__(f"{len(self.problems) + self.more} problem(s) found")

    def listed(self) -> tuple[list[Problem], int]:
        """The first MAX_PROBLEMS problems and how many more there are."""
        hidden = max(0, len(self.problems) - MAX_PROBLEMS) + self.more
        return self.problems[:MAX_PROBLEMS], hidden

    def render(self) -> str:
        shown, hidden = self.listed()
        lines = [str(p) for p in shown]
        if hidden:
            count = f"at least {hidden}" if self.at_least else str(hidden)
            lines.append(f"… and {count} more problem(s) (the first {MAX_PROBLEMS} are listed)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """The API's answer: the first MAX_PROBLEMS problems and the count of the rest."""
        shown, hidden = self.listed()
        return {
            "errors": [p.as_dict() for p in shown],
            "more": hidden,
            "more_at_least": self.at_least,
        }


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
