"""The engine under threads and over time: the same answers as the reference evaluator, flat memory.

durable-rules' C core is not thread-safe (its stock host runs pending actions from timer threads on
any session); the adapter serialises it with one
process-wide lock and a host without timer threads. Here 16 threads score 20,000 random assessments
at once through the library, and 16 threads (each with a test client of its own, one app) another
20,000 through `POST /api/v1/score`; every judgement must equal the pure-Python reference
evaluator's. A slow test runs 100,000 evaluations in a child process and bounds its RSS growth.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers.answers import random_answers_data
from helpers.frameworks import TQM
from helpers.web import sqlite_app
from ruamel.yaml import YAML

from assessment.content.library import Library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.evaluation import Judgement, Program, judge
from assessment.engine.pipeline import assess, program_for
from assessment.engine.result import Result
from assessment.engine.scoring import Profile, score_profile
from assessment.io.source import Document

ROOT = Path(__file__).resolve().parent.parent
THREADS, EVALUATIONS, DISTINCT = 16, 20_000, 1_000
YAML_EVERY = 40  # API requests: YAML bodies cost ~4x a JSON one and test the same concurrency


@dataclass(frozen=True)
class Case:
    """One assessment, with the reference evaluator's judgement of it."""

    document: dict[str, Any]
    answers: AnswerSet
    program: Program
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
        document = random_answers_data(library, qid, rng)
        answers = parse_answers(Document("t", document), library)
        program = program_for(library.pack_for(qid), answers.questionnaire)
        profile = score_profile(answers)
        expected = judge(program, profile, use_engine=False, trace=False)
        out.append(Case(document, answers, program, profile, expected))
    return out


@contextmanager
def frequent_thread_switches() -> Iterator[None]:
    """Switch threads 5x as often as by default: more interleavings inside the adapter."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-3)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def in_threads(work: Callable[[int], list[str]]) -> list[str]:
    """work(seed) in THREADS threads started at once; every thread's disagreements."""
    start = threading.Barrier(THREADS)

    def worker(seed: int) -> list[str]:
        start.wait()
        return work(seed)

    with frequent_thread_switches(), ThreadPoolExecutor(THREADS) as pool:
        return [w for result in pool.map(worker, range(THREADS)) for w in result]


# --- through the library ------------------------------------------------------------------------


def score_many(library: Library, cases: list[Case], seed: int, count: int) -> list[str]:
    """`count` engine evaluations of random cases; a description of each disagreement."""
    rng, wrong = random.Random(seed), []
    for n in range(count):
        case = rng.choice(cases)
        if n % 10 == 0:  # the whole library path, sometimes with the trace
            result = assess(case.answers, library, trace=n % 50 == 0, roadmap=False)
            got, want = result_outcome(result), outcome(case.expected)[1:]
        else:
            judged = judge(case.program, case.profile, use_engine=True, trace=False)
            got, want = outcome(judged), outcome(case.expected)
        if got != want:
            wrong.append(f"thread {seed}, evaluation {n}: {got} != {want}")
    return wrong


def result_outcome(result: Result) -> tuple[Any, ...]:
    """`outcome` without the fired instances, read from a result: levels, caps, overall levels."""
    levels = {d: v.level for d, v in result.dimensions.items()}
    overall = result.overall
    return (levels, overall.caps, overall.uncapped_level, overall.level)


def test_sixteen_threads_agree_with_the_reference_evaluator(
    library: Library, cases: list[Case]
) -> None:
    wrong = in_threads(lambda seed: score_many(library, cases, seed, EVALUATIONS // THREADS))
    assert not wrong, f"{len(wrong)} of {EVALUATIONS} wrong, e.g. {wrong[:3]}"


def test_the_cases_cover_every_level_and_some_caps(cases: list[Case]) -> None:
    overall = {c.expected.overall_level for c in cases}
    assert overall == {1, 2, 3, 4, 5}
    assert sum(bool(c.expected.caps) for c in cases) > DISTINCT // 100


# --- through the JSON API -----------------------------------------------------------------------


@dataclass(frozen=True)
class ApiCase:
    """One case as the API receives it."""

    case: Case
    body: bytes
    content_type: str


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every thread (the API stores nothing: SQLite is only there to start the app)."""
    with sqlite_app(tmp_path_factory.mktemp("api")) as application:
        yield application


@pytest.fixture(scope="module")
def api_cases(cases: list[Case]) -> dict[str, list[ApiCase]]:
    """Every case as a JSON body; every tenth also as a YAML body (block style, as people write)."""
    yaml = YAML(typ="safe")
    out: dict[str, list[ApiCase]] = {"application/json": [], "application/yaml": []}
    for n, case in enumerate(cases):
        body = json.dumps(case.document, separators=(",", ":"))
        out["application/json"].append(ApiCase(case, body.encode(), "application/json"))
        if n % 10 == 0:
            stream = io.StringIO()
            yaml.dump(case.document, stream)
            out["application/yaml"].append(
                ApiCase(case, stream.getvalue().encode(), "application/yaml")
            )
    return out


def api_outcome(result: dict[str, Any]) -> dict[str, Any]:
    """What the result document says: fired instances, levels and indices, caps, overall level."""
    overall = result["overall"]
    return {
        "fired": sorted(step["rule"] for step in result["trace"] if step["fired"]),
        "dimensions": {dim: (d["level"], d["index"]) for dim, d in result["dimensions"].items()},
        "caps": [(cap["rule"], cap["from"], cap["to"]) for cap in overall["caps"]],
        "uncapped level": overall["uncapped_level"],
        "overall": (overall["level"], overall["level_name"], overall["index"]),
        "lang": result["lang"],
    }


def expected_api_outcome(case: Case, lang: str) -> dict[str, Any]:
    """The reference evaluator's judgement of the case, in the terms of `api_outcome`."""
    judgement, profile = case.expected, case.profile
    overall = judgement.overall_level
    return {
        "fired": sorted(i.key for i in judgement.fired),
        "dimensions": {
            d: (level, profile.dimensions[d].index) for d, level in judgement.levels.items()
        },
        "caps": [(cap.rule, cap.before, cap.after) for cap in judgement.caps],
        "uncapped level": judgement.uncapped_level,
        "overall": (overall, TQM.level_name(overall, lang), profile.overall_index),
        "lang": lang,
    }


def post_many(app: Flask, api_cases: dict[str, list[ApiCase]], seed: int, count: int) -> list[str]:
    """`count` API requests (one in YAML_EVERY as YAML) from a client of its own; each disagreement."""
    client, rng, wrong = app.test_client(), random.Random(seed), []
    for n in range(count):
        sent = rng.choice(
            api_cases["application/yaml" if n % YAML_EVERY == 0 else "application/json"]
        )
        lang = rng.choice(["en", "zh"])
        response = client.post(
            f"/api/v1/score?lang={lang}", data=sent.body, content_type=sent.content_type
        )
        if response.status_code != 200:
            text = response.get_data(as_text=True)[:300]
            wrong.append(f"thread {seed}, request {n}: {response.status_code} {text}")
            continue
        got, expected = api_outcome(response.get_json()), expected_api_outcome(sent.case, lang)
        if got != expected:
            diff = {k: f"{got[k]} != {expected[k]}" for k in expected if got[k] != expected[k]}
            wrong.append(f"thread {seed}, request {n} ({sent.content_type}): {diff}")
    return wrong


@pytest.mark.slow
def test_sixteen_api_clients_agree_with_the_reference_evaluator(
    app: Flask, api_cases: dict[str, list[ApiCase]]
) -> None:
    wrong = in_threads(lambda seed: post_many(app, api_cases, seed, EVALUATIONS // THREADS))
    assert not wrong, f"{len(wrong)} of {EVALUATIONS} wrong, e.g. {wrong[:3]}"


# --- memory -------------------------------------------------------------------------------------

RSS_CHILD = r"""
import json, random, resource, sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/tests")
from helpers.answers import random_answers_data
from assessment.engine.answers import parse_answers
from assessment.content.library import load_library
from assessment.engine.evaluation import judge
from assessment.engine.pipeline import program_for
from assessment.engine.scoring import score_profile
from assessment.io.source import Document
from assessment.engine import durable_host as engine

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6

library, rng = load_library(sys.argv[1]), random.Random(7)
work = []
for qid in ("tqm-quick", "tqm-audit"):
    for _ in range(200):
        answers = parse_answers(Document("m", random_answers_data(library, qid, rng)), library)
        work.append((program_for(library.pack_for(qid), answers.questionnaire), score_profile(answers)))
for n in range(2_000):  # warm-up: allocator pools, caches
    judge(*work[n % len(work)], trace=False)
before = rss_mb()
sids = []  # every 50th session id the adapter makes, to ask durable about afterwards
token_hex = engine.secrets.token_hex
def recorded(nbytes):
    sid = token_hex(nbytes)
    if len(sids) < 20_000 and random.random() < 0.02:
        sids.append(sid)
    return sid
engine.secrets = type("Secrets", (), {"token_hex": staticmethod(recorded)})
for n in range(int(sys.argv[2])):
    judge(*work[n % len(work)], trace=False)
after = rss_mb()

def live(name, sid):
    try:
        engine._host().get_state(name, sid)
        return True
    except Exception as exc:  # durable: error 309, no such session
        assert engine._NO_SUCH_SESSION in str(exc), exc
        return False

names = sorted(engine._REGISTERED)
left = sum(live(name, sid) for sid in sids for name in names)
# the probe can see a session: one left alive on purpose is found
control = "control" + token_hex(8)
ruleset = engine._host().get_ruleset(names[0])
engine._run_actions(ruleset, json.dumps({"sid": control, engine._ANCHOR: 1}))
print(json.dumps({"before": before, "after": after, "probed": len(sids), "live": left,
                  "control_found": live(names[0], control)}))
"""


@pytest.mark.slow
def test_100000_evaluations_leave_no_live_session_and_flat_rss() -> None:
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
    # no session outlives its evaluation (a sample of ~2% of them, asked of durable itself)
    assert rss["probed"] > 1000 and rss["live"] == 0, rss
    assert rss["control_found"], rss
