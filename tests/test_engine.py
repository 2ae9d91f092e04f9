"""The durable-rules adapter agrees with the reference evaluator, and works around the traps of
durable-rules that engine/durable_host.py lists in its docstring."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.answers import random_answers_data

from assessment.content.conditions import All, AnyOf, Compare, Condition, Not, evaluate
from assessment.content.library import Library
from assessment.engine import durable_host as engine
from assessment.engine.answers import parse_answers
from assessment.engine.evaluation import judge
from assessment.engine.pipeline import program_for
from assessment.engine.scoring import score_profile
from assessment.io.source import Document

ROOT = Path(__file__).resolve().parent.parent
FACTS = ["a", "b", "c", "d"]
OPS = ["==", "!=", "<", "<=", ">", ">="]


def random_condition(rng: random.Random, depth: int = 0) -> Condition:
    """A random condition over FACTS using every construct of the language."""
    roll = rng.random()
    if depth < 3 and roll < 0.2:
        return All(tuple(random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))))
    if depth < 3 and roll < 0.4:
        return AnyOf(tuple(random_condition(rng, depth + 1) for _ in range(rng.randint(1, 3))))
    if depth < 3 and roll < 0.55:
        return Not(random_condition(rng, depth + 1))
    fact = rng.choice(FACTS)
    if roll < 0.62:
        return Compare(fact, rng.choice(["present", "absent"]))
    if roll < 0.75:
        return Compare(fact, rng.choice(OPS), ref=rng.choice(FACTS), plus=rng.choice([0, 1, -1.5]))
    return Compare(fact, rng.choice(OPS), value=rng.choice([0, 1, 2, 2.5, 3]))


def random_facts(rng: random.Random) -> dict[str, float]:
    return {f: rng.choice([0, 1, 2, 2.5, 3, 4]) for f in FACTS if rng.random() < 0.8}


def test_compiled_conditions_decide_like_the_reference_evaluator() -> None:
    rng = random.Random(20261129)
    conditions = [random_condition(rng) for _ in range(400)]
    ruleset = engine.compile_ruleset("test_random_conditions_v1", conditions)
    for _ in range(300):
        facts = random_facts(rng)
        expected = {i for i, c in enumerate(conditions) if evaluate(c, facts)}
        assert engine.fire(ruleset, facts) == expected, facts


@pytest.mark.parametrize("questionnaire_id", ["tqm-quick", "tqm-audit"])
def test_engine_and_reference_agree_on_random_answer_sets(
    library: Library, questionnaire_id: str
) -> None:
    rng = random.Random(f"agree-{questionnaire_id}")
    answers0 = parse_answers(
        Document("x", random_answers_data(library, questionnaire_id, rng)), library
    )
    program = program_for(library.pack_for(questionnaire_id), answers0.questionnaire)
    for _ in range(1000):  # 2 x 1,000 = 2,000 answer sets
        answers = parse_answers(
            Document("x", random_answers_data(library, questionnaire_id, rng)), library
        )
        profile = score_profile(answers)
        by_engine = judge(program, profile, use_engine=True, trace=False)
        by_reference = judge(program, profile, use_engine=False, trace=False)
        assert [i.key for i in by_engine.fired] == [i.key for i in by_reference.fired]
        assert by_engine.levels == by_reference.levels
        assert by_engine.caps == by_reference.caps
        assert by_engine.overall_level == by_reference.overall_level


def test_every_session_is_deleted_after_an_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    ruleset = engine.compile_ruleset("test_sessions_v1", [Compare("a", ">=", value=1)])
    sids = iter(f"{n:032x}" for n in range(1, 10_000))
    used: list[str] = []

    def next_sid(_: int) -> str:
        used.append(next(sids))
        return used[-1]

    monkeypatch.setattr(engine.secrets, "token_hex", next_sid)
    for value in (0, 1, 2):
        engine.fire(ruleset, {"a": value})
    for sid in used:
        with pytest.raises(Exception, match="309"):
            engine._host().get_state(ruleset.chunks[0].name, sid)


def test_more_evaluations_than_the_session_limit_of_one_ruleset() -> None:
    ruleset = engine.compile_ruleset("test_session_limit_v1", [Compare("a", ">", value=0)])
    fired = [
        engine.fire(ruleset, {"a": n % 2}) for n in range(1500)
    ]  # the C core caps live sids at 1,024
    assert fired.count({0}) == 750


def test_a_swallowed_action_exception_is_raised() -> None:
    with pytest.raises(engine.EngineError, match="boom"):
        engine._check_state({"sid": "s1", "exception": "boom"}, "s1")


def test_a_state_of_another_session_is_refused() -> None:
    with pytest.raises(engine.EngineError, match="expected"):
        engine._check_state({"sid": "other"}, "s1")


def test_scoring_from_the_command_line_never_corrupts_the_heap(tmp_path: Path) -> None:
    # Regression: without the sink rule, a stage in which no rule matched left a session whose
    # delete_state aborted the process ("free(): invalid pointer") in about one run in four.
    answers = tmp_path / "a.yaml"
    tqm = [sys.executable, "-m", "assessment.cli"]
    answers.write_text(
        subprocess.run(
            [*tqm, "template", "tqm-quick", "--value", "3"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    codes = [
        subprocess.run([*tqm, "score", str(answers)], capture_output=True, cwd=ROOT).returncode
        for _ in range(12)
    ]
    assert codes == [0] * 12


def test_a_stage_with_more_true_rules_than_durables_match_stack() -> None:
    # 64 rules on distinct facts all true at once overflow durable's 64-entry stack (crash or 303).
    conditions = [Compare(f"q{i}", ">=", value=4) for i in range(150)]
    ruleset = engine.compile_ruleset("test_wide_stage_v1", conditions)
    assert len(ruleset.chunks) == 4
    assert engine.fire(ruleset, {f"q{i}": 5.0 for i in range(150)}) == set(range(150))
