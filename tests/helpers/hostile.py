"""The hostile cases of tests/data/hostile.yaml: the documents they make and the outcome they expect.

A case changes a complete, valid tqm-quick answers document (see the head of the data file). It is
written in block YAML or in flow (JSON-style) YAML; each target must give the outcome recorded for
it: scored, or rejected with a problem that names what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML

from assessment.content.library import Library
from helpers import DATA

# (where, key, raw YAML or JSON text): where is "answer" or "top" (set or add the key), or
# "+answer" or "+top" (add the key once more)
Change = tuple[str, str, str]
# What a target reported of each problem: (line, pointer, message, code); `tqm score` prints no code
Reported = tuple[int | None, str, str, str | None]
STYLES = ("block", "flow")


@dataclass(frozen=True)
class Outcome:
    """Scored, or rejected with a problem of this `code` whose message holds `problem` (and whose
    pointer is `at`)."""

    expect: str
    code: str = ""
    problem: str = ""
    at: str = ""

    def __post_init__(self) -> None:
        assert self.expect in ("scored", "rejected"), f"expect: {self.expect!r}"
        named = bool(self.code and (self.problem or self.at))
        assert named == (self.expect == "rejected"), f"a rejection (only) names its problem: {self}"

    def check(self, name: str, problems: list[Reported] | None) -> None:
        """Fail unless the target did this: `problems` is None for a scored document."""
        if self.expect == "scored":
            assert problems is None, f"{name}: scored before, now rejected: {problems}"
            return
        assert problems is not None, (
            f"{name}: rejected before ({self.problem or self.at}), now scored"
        )
        assert any(self.names(problem) for problem in problems), (
            f"{name}: no {self.code} problem says {self.problem!r}"
            + (f" at {self.at}" if self.at else ""),
            [f"{code} {pointer}: {message[:200]}" for _, pointer, message, code in problems],
        )

    def names(self, problem: Reported) -> bool:
        _line, pointer, message, code = problem
        return (
            self.problem in message
            and (not self.at or pointer == self.at)
            and code in (None, self.code)
        )


@dataclass(frozen=True)
class HostileCase:
    """One case: its category, name, changes, and outcome (`as_json`: of strict JSON, flow style)."""

    category: str
    name: str
    changes: tuple[Change, ...]
    outcome: Outcome
    as_json: Outcome

    def __str__(self) -> str:
        return f"{self.category}: {self.name}"


def _raw(value: str | list[Any]) -> str:
    """A raw value: text, or pieces each text or [text, times]."""
    if isinstance(value, str):
        return value
    return "".join(p if isinstance(p, str) else p[0] * p[1] for p in value)


def _change(entry: dict[str, Any]) -> Change:
    where = "answer" if "answer" in entry else "top"
    return (f"+{where}" if entry.get("again") else where, entry[where], _raw(entry["raw"]))


def bomb(levels: int, width: int, question: str) -> list[Change]:
    """Anchored lists l0..l<levels>, each `width` aliases of the one below; an answer is the last."""
    changes = [("top", "l0", '["lol", "lol"]')]
    changes += [
        ("top", f"l{n}", "[" + ", ".join([f"*l{n - 1}"] * width) + "]")
        for n in range(1, levels + 1)
    ]
    changes = [(w, k, f"&{k} {raw}") for w, k, raw in changes]
    return [*changes, ("answer", question, f"*l{levels}")]


def _case(category: str, name: str, entry: dict[str, Any], question: str) -> HostileCase:
    if "bomb" in entry:
        changes = bomb(entry["bomb"]["levels"], entry["bomb"]["width"], question)
    else:
        changes = [_change(c) for c in entry.get("changes", [entry])]
    outcome = Outcome(
        entry["expect"], entry.get("code", ""), entry.get("problem", ""), entry.get("at", "")
    )
    as_json = Outcome(**entry["json"]) if "json" in entry else outcome
    return HostileCase(category, name, tuple(changes), outcome, as_json)


def load_cases() -> list[HostileCase]:
    """Every case of tests/data/hostile.yaml, in the file's order."""
    data = YAML(typ="safe", pure=True).load((DATA / "hostile.yaml").read_text(encoding="utf-8"))
    question = data["bomb target"]
    return [
        _case(category, name, entry, question)
        for category, cases in data["cases"].items()
        for name, entry in cases.items()
    ]


def hostile_text(
    library: Library, changes: tuple[Change, ...], style: str
) -> tuple[str, list[int]]:
    """A complete valid tqm-quick document with the changes; and the lines they are on (block)."""
    top = [("questionnaire", '"tqm-quick"'), ("organisation", '"Hostile Co"')]
    answers = [(q.id, "3") for q in library.questionnaires["tqm-quick"].questions]
    for where, key, raw in changes:
        pairs = answers if where.endswith("answer") else top
        index = next((i for i, (k, _) in enumerate(pairs) if k == key), None)
        if where.startswith("+") or index is None:
            pairs.append((key, raw))
        else:
            pairs[index] = (key, raw)
    head = [f"{_key(k)}: {v}" for k, v in top]
    body = [f"{_key(k)}: {v}" for k, v in answers]
    if style == "flow":
        return "{" + ", ".join([*head, '"answers": {' + ", ".join(body) + "}"]) + "}\n", [1]
    lines = [*head, '"answers":', *(f"  {entry}" for entry in body)]
    changed = {f"{_key(key)}: {raw}" for _, key, raw in changes}
    at = [n for n, line in enumerate(lines, 1) if line.strip() in changed]
    return "\n".join(lines) + "\n", at


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def points_at_a_change(case: HostileCase, problem: Reported, lines: list[int]) -> bool:
    """The problem names a changed key or the line of a change (an alias bomb: the whole input)."""
    line, pointer, message, _code = problem
    keys = {key for _, key, _ in case.changes}
    return (
        any(key in pointer or f'"{key}"' in message for key in keys)
        or line in lines
        or (case.category == "alias bombs" and pointer == "$")
    )
