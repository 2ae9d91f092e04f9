"""`tqm score` wall time next to a bare Python start, in the same run (not a test).

    .venv/bin/python bench/cli.py [--runs 10] [--answers tests/data/answers/audit-flat-profile.yaml]
                                  [--summary]

Times, each as the median of `--runs` runs taken in turns (one of each command, then again), so
a machine shared with other work slows them alike; one warm-up round first fills the OS file cache:

- `python -c pass`: the interpreter start, the baseline;
- `python -c "import assessment"`: the package's own start (its names load on first use);
- `tqm score ANSWERS` with the content cache warm (what a user pays on every call but the first);
- `tqm score ANSWERS` with `TQM_NO_CACHE=1` (the content parsed and checked: the first call).

Every command runs `python -m assessment.cli` in this checkout with a cache folder of its own (a
temporary one), so neither an installed copy nor the user's cache is measured, and with bytecode
written (PYTHONDONTWRITEBYTECODE is dropped), as an installed package has it. Prints each figure
and the ratios of `tqm score` to the two baselines. Lines starting with RESULT are for
bench/run_all.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
ANSWERS = "tests/data/answers/audit-flat-profile.yaml"


def result_line(name: str, value: float, unit: str, baseline: float | str, target: str) -> str:
    """The machine-readable line bench/run_all.py collects."""
    base = f"{baseline:.4g}" if isinstance(baseline, float) else baseline
    return f"RESULT name={name} value={value:.4g} unit={unit} baseline={base} target={target}"


def wall(command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one run of a command, which must succeed."""
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def medians(commands: dict[str, tuple[list[str], dict[str, str]]], runs: int) -> dict[str, float]:
    """Median wall seconds of each command, run in turns after one warm-up round."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, (command, env) in commands.items():
            seconds = wall(command, env)
            if round_number:  # round 0 warms the file cache (and fills the content cache)
                walls[name].append(seconds)
    return {name: statistics.median(values) for name, values in walls.items()}


def main() -> None:
    """Time the four commands and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--answers", default=ANSWERS)
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    say = (lambda *_a: None) if args.summary else print
    python = str(PYTHON if PYTHON.exists() else sys.executable)
    score = [python, "-m", "assessment.cli", "score", args.answers]
    with tempfile.TemporaryDirectory(prefix="tqm-bench-cache-") as cache:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TQM_CACHE_DIR": cache}
        env.pop("TQM_NO_CACHE", None)
        # An installed package has its bytecode (pip compiles it): let the warm-up round write it,
        # or every run would compile every module of the product from source again.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        times = medians(
            {
                "bare": ([python, "-c", "pass"], env),
                "package": ([python, "-c", "import assessment"], env),
                "warm": (score, env),
                "cold": (score, {**env, "TQM_NO_CACHE": "1"}),
            },
            args.runs,
        )
    bare, package, warm, cold = (times[k] for k in ("bare", "package", "warm", "cold"))
    say(f"median of {args.runs} runs each, taken in turns")
    say(f"  python -c pass (baseline)          {bare * 1000:7.0f} ms")
    say(f"  python -c 'import assessment'      {package * 1000:7.0f} ms  ({package / bare:.1f}x)")
    ratios = f"({warm / bare:.1f}x pass, {warm / package:.1f}x import)"
    say(f"  tqm score, content cache warm      {warm * 1000:7.0f} ms  {ratios}")
    say(f"  tqm score, TQM_NO_CACHE=1          {cold * 1000:7.0f} ms  ({cold / bare:.1f}x pass)")
    print(result_line("cli_score_wall", warm, "s", bare, "-"))
    print(result_line("cli_score_uncached_wall", cold, "s", bare, "-"))
    print(result_line("cli_import_wall", package, "s", bare, "-"))
    print(result_line("cli_score_ratio", warm / bare, "x", "-", "-"))
    print(result_line("cli_score_ratio_to_import", warm / package, "x", "-", "-"))


if __name__ == "__main__":
    main()
