"""`tqm batch` throughput: 10,000 respondent rows from one CSV, next to reading them (not a test).

    .venv/bin/python bench/batch.py [--rows 10000] [--workers 0] [--format jsonl] [--summary]

Generates two tqm-quick CSVs in a temporary folder: 2,500 organisations x 4 respondents, and 10,000
single-respondent organisations (no `organisation` column). For each it times `score_batch` (the
`tqm batch` path) next to a baseline measured in the same run: reading the same CSV and parsing every
group into checked answers, without scoring. Prints rows/s, wall time against the target (10,000 rows
in <= 10 s on the 2-core machine), and the peak RSS of this process and of the worker processes.
Machine-readable lines start with RESULT (see bench/run_all.py).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assessment.batch import GroupReader, GroupScorer, score_batch
from assessment.content.library import Library, load_library

TARGET_SECONDS = 10.0
ROLES = ("leader", "manager", "staff", "staff", "customer")


def result_line(name: str, value: float, unit: str, baseline: float | str, target: str) -> str:
    """The machine-readable line bench/run_all.py collects."""
    base = f"{baseline:.4g}" if isinstance(baseline, float) else baseline
    return f"RESULT name={name} value={value:.4g} unit={unit} baseline={base} target={target}"


def generate(
    path: Path, library: Library, organisations: int, per_org: int, seed: int = 11
) -> None:
    """A tqm-quick CSV: `per_org` respondents each (no organisation column when per_org is 1)."""
    rng = random.Random(seed)
    questions = [q.id for q in library.questionnaires["tqm-quick"].questions]
    grouped = per_org > 1
    meta = ["questionnaire", *(["organisation"] if grouped else []), "respondent", "role"]
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*meta, *questions, f"{questions[0]}:evidence"])
        for org in range(organisations):
            bias = rng.randint(1, 5)
            for r in range(per_org):
                ident = [f"Org {org:05d}"] if grouped else []
                values = [_value(rng, bias) for _ in questions]
                evidence = "audit report" if rng.random() < 0.2 else ""
                writer.writerow(
                    ["tqm-quick", *ident, f"r{org}-{r}", rng.choice(ROLES), *values, evidence]
                )


def _value(rng: random.Random, bias: int) -> str:
    if rng.random() < 0.04:
        return "unknown"
    return str(max(1, min(5, bias + rng.choice([-2, -1, 0, 0, 1, 2]))))


def baseline(path: Path, library: Library) -> float:
    """Seconds to read the CSV and parse every group into checked answers, without scoring."""
    start = time.perf_counter()
    with path.open("rb") as handle:
        reader = GroupReader(handle, str(path))
        scorer = GroupScorer(library, "en", "jsonl", str(path), reader.header)
        for group in reader.groups():
            scorer.answers(group)
    return time.perf_counter() - start


def peak_rss_mb() -> tuple[float, float]:
    """Peak RSS of this process and of the largest finished child, in MB (Linux: ru_maxrss in kB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the workers), user + system."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def run_case(label: str, path: Path, rows: int, library: Library, args: argparse.Namespace) -> None:
    """Time one CSV shape and print the human and RESULT lines."""
    say = (lambda *_a: None) if args.summary else print
    cpu = cpu_seconds()
    base = baseline(path, library)
    base_cpu, cpu = cpu_seconds() - cpu, cpu_seconds()
    out = path.with_suffix(f".out.{args.format}")
    summary = score_batch(path, out, library, workers=args.workers or None)
    cpu = cpu_seconds() - cpu
    rate, base_rate = rows / summary.seconds, rows / base
    target = TARGET_SECONDS * rows / 10_000
    verdict = "ok" if summary.seconds <= target else "MISSED"
    say(
        f"{label}: {rows:,} rows, {summary.organisations:,} organisations, {summary.rejected} rejected"
    )
    say(f"  score_batch          {summary.seconds:6.2f} s  {rate:7,.0f} rows/s  cpu {cpu:6.2f} s")
    say(f"  baseline read+parse  {base:6.2f} s  {base_rate:7,.0f} rows/s  cpu {base_cpu:6.2f} s")
    say(f"  ratio batch/baseline {summary.seconds / base:.2f}x; {verdict}: target {target:g} s")
    print(result_line(f"batch_{label}_seconds", summary.seconds, "s", base, f"<={target:g}"))
    print(result_line(f"batch_{label}_rows_per_s", rate, "/s", base_rate, f">={rows / target:g}"))
    print(result_line(f"batch_{label}_cpu", cpu, "s", base_cpu, "-"))


def main() -> None:
    """Generate both shapes, time them, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=0, help="0: automatic (one per core)")
    parser.add_argument("--format", choices=["jsonl", "csv", "xlsx"], default="jsonl")
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    library = load_library()
    with tempfile.TemporaryDirectory() as tmp:
        grouped, single = Path(tmp) / "grouped.csv", Path(tmp) / "single.csv"
        generate(grouped, library, args.rows // 4, 4)
        generate(single, library, args.rows, 1)
        if not args.summary:
            print(
                f"workers: {args.workers or 'automatic'} on {os.cpu_count()} CPUs; output .{args.format}"
            )
        run_case("grouped4", grouped, args.rows, library, args)
        run_case("single", single, args.rows, library, args)
    own, children = peak_rss_mb()
    if not args.summary:
        print(f"peak RSS: this process {own:.0f} MB, largest worker {children:.0f} MB")
    print(result_line("batch_peak_rss", max(own, children), "MB", "-", "<=300"))


if __name__ == "__main__":
    main()
