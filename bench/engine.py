"""Engine throughput next to the reference evaluator, and memory over many evaluations (not a test).

    .venv/bin/python bench/engine.py [--n 2000] [--questionnaire tqm-quick] [--rss-evaluations 100000]

Scores the same generated answer sets through durable-rules (the product's path) and through the
pure-Python reference evaluator, with the trace on, and prints both throughputs and their ratio; then
runs many evaluations through the engine and prints the RSS before and after. Targets (issue #2, on the
2-core machine): >= 2,000 assessments/s with the trace on; RSS growth <= 20 MB over 100,000 evaluations.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment.content.library import Library, load_library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.evaluation import judge
from assessment.engine.pipeline import assess, program_for
from assessment.engine.scoring import score_profile
from assessment.io.source import Document


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def generate(library: Library, questionnaire_id: str, n: int, seed: int = 7) -> list[AnswerSet]:
    rng = random.Random(seed)
    questions = library.questionnaires[questionnaire_id].questions
    out = []
    for _ in range(n):
        bias = rng.randint(1, 5)
        answers = {q.id: max(1, min(5, bias + rng.choice([-2, -1, 0, 1, 2]))) for q in questions}
        out.append(
            parse_answers(
                Document("bench", {"questionnaire": questionnaire_id, "answers": answers}), library
            )
        )
    return out


def throughput(label: str, sets: list[AnswerSet], library: Library, use_engine: bool) -> float:
    program = program_for(library.pack_for(sets[0].questionnaire.id), sets[0].questionnaire)
    start = time.perf_counter()
    for answers in sets:
        judge(program, score_profile(answers), use_engine=use_engine, trace=True)
    rate = len(sets) / (time.perf_counter() - start)
    print(f"{label:<34} {rate:>9,.0f} assessments/s")
    return rate


def full_results(sets: list[AnswerSet], library: Library) -> float:
    start = time.perf_counter()
    for answers in sets:
        assess(answers, library)
    rate = len(sets) / (time.perf_counter() - start)
    print(f"{'full result (engine+trace+roadmap)':<34} {rate:>9,.0f} assessments/s")
    return rate


def memory(sets: list[AnswerSet], library: Library, evaluations: int) -> float:
    program = program_for(library.pack_for(sets[0].questionnaire.id), sets[0].questionnaire)
    profiles = [score_profile(a) for a in sets]
    for p in profiles[:200]:
        judge(program, p, trace=False)  # warm up allocator pools before the first reading
    before = rss_mb()
    for i in range(evaluations):
        judge(program, profiles[i % len(profiles)], trace=False)
    after = rss_mb()
    print(
        f"RSS over {evaluations:,} evaluations: {before:.1f} MB -> {after:.1f} MB (growth {after - before:+.1f} MB; target <= 20)"
    )
    return after - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--questionnaire", default="tqm-quick")
    parser.add_argument("--rss-evaluations", type=int, default=100_000)
    parser.add_argument("--summary", action="store_true", help="accepted for bench/run_all.py")
    args = parser.parse_args()
    library = load_library()
    sets = generate(library, args.questionnaire, args.n)
    print(f"{args.n:,} generated {args.questionnaire} assessments, trace on")
    engine = throughput("durable-rules engine", sets, library, True)
    reference = throughput("reference evaluator (baseline)", sets, library, False)
    print(f"ratio engine / reference: {engine / reference:.2f} (target: engine >= 2,000/s)")
    print(
        f"RESULT name=engine_assessments value={engine:.0f} unit=/s baseline={reference:.0f} target=>=2000"
    )
    full_results(sets[:500], library)
    if args.rss_evaluations:
        growth = memory(sets, library, args.rss_evaluations)
        print(
            f"RESULT name=engine_rss_growth_100k value={growth:.1f} unit=MB baseline=- target=<=20"
        )


if __name__ == "__main__":
    main()
