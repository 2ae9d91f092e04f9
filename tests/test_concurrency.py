"""The engine under threads and over time: the same answers as the reference evaluator, flat memory.

durable-rules' C core is not thread-safe (FIELD-NOTES.md); the adapter serialises it with one
process-wide lock and a host without timer threads. Here 16 threads score 20,000 random assessments
at once and every judgement must equal the pure-Python reference evaluator's; a slow test runs
100,000 evaluations in a child process and bounds its RSS growth.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assessment.answers import AnswerSet, parse_answers
from assessment.content import Library
from assessment.evaluation import Judgement, judge
from assessment.pipeline import evaluate_answers, program_for
from assessment.scoring import Profile, score_profile
from assessment.source import Document

ROOT = Path(__file__).resolve().parent.parent
THREADS, EVALUATIONS, DISTINCT = 16, 20_000, 1_000
ROLES = ["leader", "manager", "staff", "staff", "customer", "auditor"]


def random_document(library: Library, questionnaire_id: str, rng: random.Random) -> dict[str, Any]:
    """Answers of 1-5 respondents around a bias per respondent, with unknown, na and evidence."""
    questionnaire = library.questionnaires[questionnaire_id]
    responses = []
    for index in range(rng.choice([1, 1, 2, 3, 5])):
        bias, answers = rng.randint(1, 5), {}
        for q in questionnaire.questions:
            roll = rng.random()
            if roll < 0.06:
                answers[q.id] = "unknown"
            elif roll < 0.12 and q.allow_na:
                answers[q.id] = "na"
            else:
                value = max(1, min(5, bias + rng.choice([-2, -1, 0, 0, 1, 2])))
                answers[q.id] = {"value": value, "evidence": "doc"} if roll > 0.8 else value
        respondent = {"id": f"r{index}", "role": rng.choice(ROLES)}
        responses.append({"respondent": respondent, "answers": answers})
    return {"questionnaire": questionnaire_id, "organisation": "Thread Co", "responses": responses}


@dataclass(frozen=True)
class Case:
    """One assessment, with the reference evaluator's judgement of it."""

    answers: AnswerSet
    profile: Profile
    expected: Judgement


def outcome(judgement: Judgement) -> tuple[Any, ...]:
    """What must agree: fired instance keys (in order), levels, caps, uncapped and overall level."""
    return (
        [i.key for i in judgement.fired],
        dict(judgement.levels),
        judgement.caps,
        judgement.uncapped_level,
        judgement.overall_level,
    )


@pytest.fixture(scope="module")
def cases(library: Library) -> list[Case]:
    rng = random.Random(20261129)
    out = []
    for n in range(DISTINCT):
        qid = "tqm-quick" if n % 3 else "tqm-audit"
        answers = parse_answers(Document("t", random_document(library, qid, rng)), library)
        program = program_for(library.pack_for(qid), answers.questionnaire)
        profile = score_profile(answers)
        out.append(Case(answers, profile, judge(program, profile, use_engine=False, trace=False)))
    return out


def score_many(library: Library, cases: list[Case], seed: int, count: int) -> list[str]:
    """`count` engine evaluations of random cases; a description of each disagreement."""
    rng, wrong = random.Random(seed), []
    for n in range(count):
        case = rng.choice(cases)
        if n % 10 == 0:  # the whole library path, sometimes with the trace
            got = evaluate_answers(case.answers, library, trace=n % 50 == 0)[1]
        else:
            program = program_for(
                library.pack_for(case.answers.questionnaire.id), case.answers.questionnaire
            )
            got = judge(program, case.profile, use_engine=True, trace=False)
        if outcome(got) != outcome(case.expected):
            wrong.append(
                f"thread {seed}, evaluation {n}: {outcome(got)} != {outcome(case.expected)}"
            )
    return wrong


def test_sixteen_threads_agree_with_the_reference_evaluator(
    library: Library, cases: list[Case]
) -> None:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-3)  # switch threads 5x as often: more interleavings inside the adapter
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> list[str]:
        start.wait()
        return score_many(library, cases, seed, EVALUATIONS // THREADS)

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(worker, range(THREADS)))
    finally:
        sys.setswitchinterval(interval)
    wrong = [w for result in results for w in result]
    assert sum(map(len, results)) == 0, f"{len(wrong)} of {EVALUATIONS} wrong, e.g. {wrong[:3]}"


def test_the_cases_cover_every_level_and_some_caps(cases: list[Case]) -> None:
    overall = {c.expected.overall_level for c in cases}
    assert overall == {1, 2, 3, 4, 5}
    assert sum(bool(c.expected.caps) for c in cases) > DISTINCT // 100


RSS_CHILD = r"""
import json, random, resource, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
from test_concurrency import random_document
from assessment.answers import parse_answers
from assessment.content import load_library
from assessment.evaluation import judge
from assessment.pipeline import program_for
from assessment.scoring import score_profile
from assessment.source import Document

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6

library, rng = load_library(sys.argv[1]), random.Random(7)
work = []
for qid in ("tqm-quick", "tqm-audit"):
    for _ in range(200):
        answers = parse_answers(Document("m", random_document(library, qid, rng)), library)
        work.append((program_for(library.pack_for(qid), answers.questionnaire), score_profile(answers)))
for n in range(2_000):  # warm-up: allocator pools, caches
    judge(*work[n % len(work)], trace=False)
before = rss_mb()
for n in range(int(sys.argv[2])):
    judge(*work[n % len(work)], trace=False)
print(json.dumps({"before": before, "after": rss_mb()}))
"""


@pytest.mark.slow
def test_rss_stays_flat_over_100000_engine_evaluations() -> None:
    child = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(ROOT), "100000"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    rss = json.loads(child.stdout.splitlines()[-1])
    assert rss["after"] - rss["before"] <= 20, rss
