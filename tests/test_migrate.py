"""Carrying answers over to a later questionnaire version: every kind of change, a chain, what
needs a person, and `tqm migrate` (tests/data/versions: mini in 3 versions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from assessment.cli import main
from assessment.content.library import Library, load_library
from assessment.content.versions import Merge, migration_chain
from assessment.engine.answers import Response, load_answers
from assessment.engine.migration import merged_response, migrate_responses

VERSIONS = Path(__file__).resolve().parent / "data" / "versions"


@pytest.fixture(scope="module")
def versioned() -> Library:
    return load_library(VERSIONS)


def v1_answers(**given: Any) -> dict[str, Response]:
    """Answers to mini version 1: every question 3 unless given (dots as '__')."""
    ids = [f"{d}.{n}" for d in ("customer", "leadership", "process", "learning", "structure", "performance") for n in ("first", "second")]  # fmt: skip
    answers = {qid: Response(3.0) for qid in ids}
    answers.update({k.replace("__", "."): v for k, v in given.items()})
    return {k: v for k, v in answers.items() if v is not None}


def migrate(library: Library, answers: dict[str, Response], start: int = 1, end: int = 2) -> Any:
    chain = migration_chain(library.migrations, "mini", start, end)
    return migrate_responses(answers, chain, library.versions["mini"])


def kinds(outcome: Any) -> dict[str, str]:
    return {c.question: c.kind for c in outcome.changes}


# --- each kind of change ---------------------------------------------------------------------


def test_a_renamed_question_keeps_its_answer_evidence_and_note(versioned: Library) -> None:
    answer = Response(4.0, "value", "survey 2026", "from the panel")
    outcome = migrate(versioned, v1_answers(customer__second=answer))
    assert outcome.responses["customer.voice"] == answer
    assert "customer.second" not in outcome.responses
    assert kinds(outcome)["customer.voice"] == "renamed"


def test_a_split_question_copies_its_answer_to_each_new_one(versioned: Library) -> None:
    outcome = migrate(versioned, v1_answers(leadership__second=Response(5.0, "value", "minutes")))
    assert outcome.responses["leadership.vision"] == Response(5.0, "value", "minutes")
    assert outcome.responses["leadership.review"] == Response(5.0, "value", "minutes")
    assert kinds(outcome)["leadership.review"] == "split"


def test_merged_questions_follow_their_rule_and_say_how(versioned: Library) -> None:
    outcome = migrate(
        versioned, v1_answers(process__first=Response(3.0), process__second=Response(4.0))
    )
    assert (
        outcome.responses["process.flow"].value == 4.0
    )  # mean 3.5: the nearest value, higher on a tie
    change = next(c for c in outcome.changes if c.question == "process.flow")
    assert change.detail == "merged from process.first, process.second by mean = 4"
    assert not change.needs_person


def test_merged_questions_that_disagree_beyond_the_tolerance_need_a_person(
    versioned: Library,
) -> None:
    outcome = migrate(
        versioned, v1_answers(process__first=Response(1.0), process__second=Response(5.0))
    )
    assert "process.flow" not in outcome.responses
    assert outcome.needs_person
    assert {n.question for n in outcome.notes} >= {"process.first", "process.second"}


def test_merge_rules_min_max_and_the_same_non_value() -> None:
    from assessment.content.model import Option, Question, Text

    scale = tuple(Option(v, Text(str(v), str(v))) for v in (1, 2, 3, 4, 5))
    question = Question("process.flow", "process", Text("q", "问"), "five", scale)
    two = [Response(2.0, "value", "a"), Response(4.0, "value", "b")]
    assert merged_response(two, Merge(("a", "b"), "process.flow", "min"), question)[0] == Response(
        2.0, "value", "a; b"
    )
    assert merged_response(two, Merge(("a", "b"), "process.flow", "max"), question)[0] == Response(
        4.0, "value", "a; b"
    )
    unknowns = [Response(None, "unknown"), Response(None, "unknown")]
    assert merged_response(unknowns, Merge(("a", "b"), "process.flow", "mean"), question)[
        0
    ] == Response(None, "unknown")
    mixed = [Response(None, "na"), Response(None, "unknown")]
    assert merged_response(mixed, Merge(("a", "b"), "process.flow", "mean"), question) == (
        None,
        "its answers are N/A and don't know",
    )


def test_a_removed_question_keeps_its_answer_as_a_note(versioned: Library) -> None:
    answer = Response(2.0, "value", "audit report", "only one site")
    outcome = migrate(versioned, v1_answers(learning__second=answer))
    assert [(n.question, n.from_version, n.response) for n in outcome.notes] == [
        ("learning.second", 1, answer)
    ]
    assert kinds(outcome)["learning.second"] == "removed"


def test_an_added_question_is_left_unanswered(versioned: Library) -> None:
    outcome = migrate(versioned, v1_answers())
    assert "performance.third" not in outcome.responses
    assert kinds(outcome)["performance.third"] == "added"


def test_a_reworded_answer_is_carried_over_and_a_person_confirms_it(versioned: Library) -> None:
    outcome = migrate(versioned, v1_answers(structure__first=Response(2.0)))
    assert outcome.responses["structure.first"] == Response(2.0)
    change = next(c for c in outcome.changes if c.question == "structure.first")
    assert (change.kind, change.needs_person) == ("reworded", True)


def test_an_answer_the_new_question_does_not_allow_is_kept_as_a_note(versioned: Library) -> None:
    na = Response(None, "na", "", "not our business")  # customer.voice allows no N/A any more
    outcome = migrate(versioned, v1_answers(customer__second=na))
    assert "customer.voice" not in outcome.responses
    assert [n.response for n in outcome.notes if n.question == "customer.second"] == [na]
    change = next(c for c in outcome.changes if c.question == "customer.voice")
    assert change.needs_person
    assert (
        change.detail
        == "renamed from customer.second; N/A is not allowed any more: left unanswered"
    )


def test_unchanged_questions_are_carried_over_silently(versioned: Library) -> None:
    outcome = migrate(versioned, v1_answers(customer__first=Response(5.0, "value", "nps")))
    assert outcome.responses["customer.first"] == Response(5.0, "value", "nps")
    assert "customer.first" not in kinds(outcome)


def test_a_chain_carries_answers_from_version_1_to_3(versioned: Library) -> None:
    answers = v1_answers(
        customer__second=Response(4.0, "value", "survey"), leadership__second=Response(2.0)
    )
    outcome = migrate(versioned, answers, 1, 3)
    assert outcome.responses["customer.listening"] == Response(4.0, "value", "survey")
    assert outcome.responses["leadership.direction"] == Response(2.0)  # split, then merged by min
    assert set(outcome.responses) == versioned.resolve("mini@3").question_ids - {
        "performance.third"
    }
    assert [(c.question, c.from_version) for c in outcome.changes if c.kind == "renamed"] == [
        ("customer.voice", 1),
        ("customer.listening", 2),
    ]


# --- tqm migrate -----------------------------------------------------------------------------


def write_v1(tmp_path: Path, **given: Any) -> Path:
    answers: dict[str, Any] = {qid: (r.value if r.value is not None else r.status) for qid, r in v1_answers().items()}  # fmt: skip
    answers |= {k.replace("__", "."): v for k, v in given.items()}
    path = tmp_path / "v1.yaml"
    doc = {"questionnaire": "mini@1", "organisation": "Test Co", "answers": answers}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--content", str(VERSIONS)])


def test_tqm_migrate_writes_answers_that_score_on_the_new_version(
    tmp_path: Path, versioned: Library
) -> None:
    source = write_v1(tmp_path, learning__second={"value": 2, "evidence": "audit report"})
    out = tmp_path / "v3.yaml"
    result = run("migrate", str(source), "--to", "mini@3", "-o", str(out))
    migrated = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert migrated["questionnaire"] == "mini@3"
    assert migrated["notes"] == [{"question": "learning.second", "from_version": 1, "reason": "removed in version 2", "value": 2, "evidence": "audit report"}]  # fmt: skip
    lines = result.output.splitlines()
    assert "performance.third (v1->v2): added: left unanswered" in lines
    assert "customer.listening (v2->v3): renamed from customer.voice" in lines
    assert (
        "learning.second (v1->v2): removed: its answer is kept as a note on the assessment" in lines
    )
    assert lines[0].startswith("NEEDS A PERSON structure.first (v1->v2): reworded")
    assert result.exit_code == 1  # the reworded question needs a person
    migrated["answers"]["performance.third"] = 3
    out.write_text(yaml.safe_dump(migrated, allow_unicode=True), encoding="utf-8")
    assert load_answers(out, versioned).questionnaire.version == 3


def test_tqm_migrate_exits_0_when_nothing_needs_a_person(tmp_path: Path) -> None:
    source = write_v1(tmp_path)
    source.write_text(
        source.read_text(encoding="utf-8").replace("mini@1", "mini@2"), encoding="utf-8"
    )
    text = yaml.safe_load(source.read_text(encoding="utf-8"))
    text["answers"] = {"customer.voice": 4, "leadership.vision": 2, "leadership.review": 3}
    source.write_text(yaml.safe_dump(text), encoding="utf-8")
    result = run("migrate", str(source), "--to", "mini")
    assert result.exit_code == 0, result.output
    assert "customer.listening: 4" in result.stdout
    assert "leadership.direction: 2" in result.stdout


def test_tqm_migrate_lists_a_merge_it_cannot_do(tmp_path: Path) -> None:
    result = run(
        "migrate", str(write_v1(tmp_path, process__first=1, process__second=5)), "--to", "mini@2"
    )
    assert result.exit_code == 1
    assert (
        "NEEDS A PERSON process.flow (v1->v2): merged from process.first, process.second by mean; "
        "its answers differ by 4, more than the tolerance 1: left unanswered"
    ) in result.output
    assert "process.flow" not in yaml.safe_load(result.stdout.split("NEEDS")[0])["answers"]


def test_tqm_migrate_refuses_to_go_back_or_to_another_questionnaire(tmp_path: Path) -> None:
    source = tmp_path / "v2.yaml"
    source.write_text("questionnaire: mini@2\nanswers: {customer.voice: 4}\n", encoding="utf-8")
    result = run("migrate", str(source), "--to", "mini@1")
    assert result.exit_code == 1
    assert "answers to mini@2 cannot be migrated to mini@1" in result.output
    assert (
        "mini has no version 9 (versions: 1, 2, 3)"
        in run("migrate", str(source), "--to", "mini@9").output
    )
