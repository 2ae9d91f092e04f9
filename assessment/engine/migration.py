"""Carry answers to one questionnaire version over to a later one, as its migrations declare.

Pure functions over `Response` mappings: the web app migrates stored answers with them and
`tqm migrate` migrates answers files. Nothing is guessed silently and nothing is dropped: every
question changed is reported with why, an answer that cannot be carried over is kept as a note
(`KeptNote`), and what a person has to decide is marked `needs_person`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..content.library import Library
from ..content.model import Question, Questionnaire
from ..content.versions import Merge, Migration, format_ref, migration_chain
from ..problems import Problem, ProblemsFound
from .answers import NA, UNKNOWN, AnswerSet, Response

ChangeKind = Literal["renamed", "split", "merged", "removed", "added", "reworded", "rescaled"]


@dataclass(frozen=True)
class Change:
    """One question changed by a migration step, and why (`detail` is English, for the CLI)."""

    kind: ChangeKind
    question: str  # the newer version's question (the earlier one's for `removed`)
    sources: tuple[str, ...]
    from_version: int
    to_version: int
    detail: str
    needs_person: bool = False


@dataclass(frozen=True)
class KeptNote:
    """An answer of an earlier version that no question of the newer one carries."""

    question: str
    from_version: int
    reason: str
    response: Response


@dataclass(frozen=True)
class Carried:
    """The outcome of migrating one respondent's answers."""

    responses: dict[str, Response]
    changes: tuple[Change, ...]
    notes: tuple[KeptNote, ...]

    @property
    def needs_person(self) -> bool:
        """Whether anything is left for a person to decide."""
        return any(c.needs_person for c in self.changes)


def migrate_responses(
    responses: Mapping[str, Response],
    chain: Sequence[Migration],
    versions: Mapping[int, Questionnaire],
) -> Carried:
    """Answers to version chain[0].from_version carried through every step of the chain."""
    current = dict(responses)
    changes: list[Change] = []
    notes: list[KeptNote] = []
    for step in chain:
        outcome = migrate_step(
            current, step, versions[step.from_version], versions[step.to_version]
        )
        current = outcome.responses
        changes += outcome.changes
        notes += outcome.notes
    return Carried(current, tuple(changes), tuple(notes))


def migrate_step(
    responses: Mapping[str, Response], step: Migration, old: Questionnaire, new: Questionnaire
) -> Carried:
    """One step (version N -> a later one): each question of the newer version, then the removed."""
    step_run = _Step(step, responses)
    sources = _sources(step)
    for question in new.questions:
        if question.id in sources:
            step_run.carry_declared(question, sources[question.id])
        elif question.id in old.question_ids:
            step_run.carry_same(question)
        else:
            step_run.change("added", question.id, (), "added: left unanswered")
    for qid in step.removed:
        step_run.remove(qid)
    return Carried(step_run.out, tuple(step_run.changes), tuple(step_run.notes))


def _sources(step: Migration) -> dict[str, tuple[str, Merge | None]]:
    """For each question a rule fills: the earlier question (or the merge) it is filled from."""
    out: dict[str, tuple[str, Merge | None]] = {
        new: (old, None) for old, new in step.renamed.items()
    }
    out |= {new: (old, None) for old, targets in step.split.items() for new in targets}
    out |= {m.into: ("", m) for m in step.merged}
    return out


class _Step:
    """The running state of one migration step."""

    def __init__(self, step: Migration, responses: Mapping[str, Response]):
        self.step = step
        self.given = responses
        self.out: dict[str, Response] = {}
        self.changes: list[Change] = []
        self.notes: list[KeptNote] = []

    def change(
        self,
        kind: ChangeKind,
        qid: str,
        sources: tuple[str, ...],
        detail: str,
        person: bool = False,
    ) -> None:
        step = self.step
        self.changes.append(
            Change(kind, qid, sources, step.from_version, step.to_version, detail, person)
        )

    def keep(self, qid: str, reason: str) -> None:
        if qid in self.given:
            self.notes.append(KeptNote(qid, self.step.from_version, reason, self.given[qid]))

    def carry_declared(self, question: Question, source: tuple[str, Merge | None]) -> None:
        old, merge = source
        if merge is not None:
            self.merge(question, merge)
            return
        kind: ChangeKind = "renamed" if old in self.step.renamed else "split"
        how = f"renamed from {old}" if kind == "renamed" else f"split from {old} (value copied)"
        if old not in self.given:
            self.change(kind, question.id, (old,), f"{how}; no answer to carry over")
            return
        self.put(question, self.given[old], kind, (old,), how)

    def carry_same(self, question: Question) -> None:
        response = self.given.get(question.id)
        reworded = question.id in self.step.reworded
        if response is None:
            if reworded:
                self.change("reworded", question.id, (question.id,), "reworded; not answered yet")
            return
        if reworded:
            how = "reworded: the answer is carried over; confirm it still holds"
            self.put(question, response, "reworded", (question.id,), how, person=True)
        elif _problem(response, question):
            self.put(question, response, "rescaled", (question.id,), "its scale changed")
        else:
            self.out[question.id] = response

    def put(
        self,
        question: Question,
        response: Response,
        kind: ChangeKind,
        sources: tuple[str, ...],
        how: str,
        person: bool = False,
    ) -> None:
        """Carry a response to a question if its scale allows it; else keep it as a note."""
        problem = _problem(response, question)
        if problem:
            for source in sources:
                self.keep(source, f"{how}; {problem}")
            self.change(kind, question.id, sources, f"{how}; {problem}: left unanswered", True)
            return
        self.out[question.id] = response
        self.change(kind, question.id, sources, how, person)

    def merge(self, question: Question, merge: Merge) -> None:
        how = f"merged from {', '.join(merge.sources)} by {merge.rule}"
        inputs = [self.given[s] for s in merge.sources if s in self.given]
        if not inputs:
            self.change("merged", question.id, merge.sources, f"{how}; no answers to merge")
            return
        response, problem = merged_response(inputs, merge, question)
        if len(inputs) < len(merge.sources):
            response, problem = None, "some of its questions are unanswered"
        if response is None:
            for source in merge.sources:
                self.keep(source, f"merged into {question.id}: {problem}")
            self.change(
                "merged", question.id, merge.sources, f"{how}; {problem}: left unanswered", True
            )
            return
        self.put(question, response, "merged", merge.sources, f"{how} = {_shown(response)}")

    def remove(self, qid: str) -> None:
        if qid in self.given:
            self.keep(qid, f"removed in version {self.step.to_version}")
            detail = "removed: its answer is kept as a note on the assessment"
        else:
            detail = "removed; it had no answer"
        self.change("removed", qid, (qid,), detail)


def merged_response(
    inputs: Sequence[Response], merge: Merge, question: Question
) -> tuple[Response | None, str]:
    """Several answers made one by the merge's rule; (None, why) when a person must decide.

    N/A and "don't know" are left out of the rule as in scoring; only when every input is the same
    one of them does it carry over. A mean between two scale values takes the nearest value (the
    higher one on a tie), and says so in the change it reports.
    """
    values = [r.value for r in inputs if r.value is not None]
    evidence = "; ".join(r.evidence for r in inputs if r.evidence)
    note = "; ".join(r.note for r in inputs if r.note)
    if not values:
        statuses = {r.status for r in inputs}
        if len(statuses) > 1:
            return None, "its answers are N/A and don't know"
        return Response(None, statuses.pop(), evidence, note), ""
    spread = max(values) - min(values)
    if merge.tolerance is not None and spread > merge.tolerance:
        return (
            None,
            f"its answers differ by {spread:g}, more than the tolerance {merge.tolerance:g}",
        )
    if merge.rule == "mean":
        value = _nearest(sum(values) / len(values), question)
    else:
        value = min(values) if merge.rule == "min" else max(values)
    return Response(value, "value", evidence, note), ""


def _nearest(value: float, question: Question) -> float:
    return float(min((o.value for o in question.options), key=lambda v: (abs(v - value), -v)))


def _problem(response: Response, question: Question) -> str:
    """Why a response does not fit a question ('' when it does)."""
    if response.status == NA and not question.allow_na:
        return "N/A is not allowed any more"
    if response.value is not None and not question.allows(response.value):
        return f"{response.value:g} is not on its scale any more"
    return ""


def _shown(response: Response) -> str:
    if response.value is None:
        return (
            "N/A" if response.status == NA else "don't know" if response.status == UNKNOWN else ""
        )
    return f"{response.value:g}"


def for_role(carried: Carried, new: Questionnaire, role: str | None, from_version: int) -> Carried:
    """The outcome with each answer to a question the respondent's role is not asked in the newer
    version (its `roles:`) kept as a note instead: nothing is dropped, nothing is refused."""
    out: dict[str, Response] = {}
    notes = list(carried.notes)
    for qid, response in carried.responses.items():
        if new.question(qid).asks(role):
            out[qid] = response
        else:
            why = f"version {new.version} does not ask the role {role!r} {qid}"
            notes.append(KeptNote(qid, from_version, why, response))
    return Carried(out, carried.changes, tuple(notes))


def declared_changes(
    chain: Sequence[Migration], versions: Mapping[int, Questionnaire]
) -> tuple[Change, ...]:
    """What a chain of migrations changes, question by question, whatever the answers."""
    return migrate_responses({}, chain, versions).changes


# --- answers documents (tqm migrate) ---------------------------------------------------------


@dataclass(frozen=True)
class MigratedAnswers:
    """An answers document carried over to a later version, with each respondent's outcome."""

    data: dict[str, Any]
    outcomes: tuple[tuple[str, Carried], ...]  # (respondent id, outcome)

    @property
    def needs_person(self) -> bool:
        return any(outcome.needs_person for _, outcome in self.outcomes)


def migrate_answers(
    answers: AnswerSet, data: Mapping[str, Any], library: Library, target: str
) -> MigratedAnswers:
    """The answers document `data` (checked as `answers`) migrated to `target` ('id' or 'id@N')."""
    old = answers.questionnaire
    new = library.resolve(target, "$.to", "<argument>")
    if new.id != old.id or new.version < old.version:
        msg = f"answers to {format_ref(old.id, old.version)} cannot be migrated to {format_ref(new.id, new.version)}"
        raise ProblemsFound([Problem("<argument>", None, None, "$.to", msg, "input.invalid")])
    chain = migration_chain(library.migrations, old.id, old.version, new.version)
    versions = library.versions[old.id]
    outcomes = tuple(
        (r.id, for_role(migrate_responses(r.answers, chain, versions), new, r.role, old.version))
        for r in answers.respondents
    )
    out = {k: v for k, v in data.items() if k not in ("answers", "responses", "notes")}
    out["questionnaire"] = format_ref(new.id, new.version)
    entries = [_entry(data, index, outcome) for index, (_, outcome) in enumerate(outcomes)]
    if "responses" in data:
        out["responses"] = entries
    else:
        out["answers"] = entries[0]["answers"]
    notes = [*data.get("notes", ()), *_notes(outcomes, "responses" in data)]
    if notes:
        out["notes"] = notes
    return MigratedAnswers(out, outcomes)


def _entry(data: Mapping[str, Any], index: int, outcome: Carried) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if "responses" in data and "respondent" in data["responses"][index]:
        entry["respondent"] = data["responses"][index]["respondent"]
    entry["answers"] = {qid: raw_answer(r) for qid, r in outcome.responses.items()}
    return entry


def _notes(outcomes: Sequence[tuple[str, Carried]], several: bool) -> list[dict[str, Any]]:
    out = []
    for respondent, outcome in outcomes:
        for kept in outcome.notes:
            note: dict[str, Any] = {"respondent": respondent} if several else {}
            note |= {
                "question": kept.question,
                "from_version": kept.from_version,
                "reason": kept.reason,
            }
            note |= {k: v for k, v in _parts(kept.response).items() if v != ""}
            out.append(note)
    return out


def raw_answer(response: Response) -> Any:
    """A response as an answers file writes it: 3, 'na', 'unknown', or {value, evidence, note}."""
    parts = _parts(response)
    if not response.evidence and not response.note:
        return parts["value"]
    return {k: v for k, v in parts.items() if v != ""}


def _parts(response: Response) -> dict[str, Any]:
    value: Any = response.status
    if response.value is not None:
        value = int(response.value) if float(response.value).is_integer() else response.value
    return {"value": value, "evidence": response.evidence, "note": response.note}


def change_lines(migrated: MigratedAnswers) -> list[str]:
    """One line per question changed (with the respondent when there are several), people first."""
    several = len(migrated.outcomes) > 1
    lines = []
    for respondent, outcome in migrated.outcomes:
        who = f"{respondent}: " if several else ""
        for c in outcome.changes:
            mark = "NEEDS A PERSON " if c.needs_person else ""
            lines.append(
                f"{mark}{who}{c.question} (v{c.from_version}->v{c.to_version}): {c.detail}"
            )
    return sorted(lines, key=lambda line: not line.startswith("NEEDS"))
