"""`tqm score` wall time next to a bare Python start, in the same run (not a test).

    .venv/bin/python bench/cli.py [--runs 5] [--answers examples/mixed.yaml] [--summary]

Times, each as the median of `--runs` runs (after one warm-up run that fills the OS file cache):
`python -c pass` (the baseline: interpreter start), `python -c "import assessment.cli"` (our
import cost), loading and checking the bundled content (`load_library()`), and the whole
`.venv/bin/tqm score examples/mixed.yaml`. Prints each, and the ratio of `tqm score` to the bare start,
which is comparable across machines. Machine-readable lines start with RESULT (see bench/run_all.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
TQM = ROOT / ".venv" / "bin" / "tqm"


def result_line(name: str, value: float, unit: str, baseline: float | str, target: str) -> str:
    """The machine-readable line bench/run_all.py collects."""
    base = f"{baseline:.4g}" if isinstance(baseline, float) else baseline
    return f"RESULT name={name} value={value:.4g} unit={unit} baseline={base} target={target}"


def median_wall(command: list[str], runs: int) -> float:
    """Median wall seconds of `runs` runs of a command (after one warm-up run); it must succeed."""
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    """Time the four commands and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answers", default="examples/mixed.yaml")
    parser.add_argument("--summary", action="store_true", help="print only the RESULT lines")
    args = parser.parse_args()
    say = (lambda *_a: None) if args.summary else print
    python = str(PYTHON if PYTHON.exists() else sys.executable)
    bare = median_wall([python, "-c", "pass"], args.runs)
    imported = median_wall([python, "-c", "import assessment.cli"], args.runs)
    content = median_wall(
        [python, "-c", "from assessment.content.library import load_library; load_library()"],
        args.runs,
    )
    score = median_wall([str(TQM), "score", args.answers], args.runs)
    say(f"median of {args.runs} runs each")
    say(f"  python -c pass (baseline)        {bare * 1000:7.0f} ms")
    say(f"  python -c 'import assessment.cli' {imported * 1000:6.0f} ms  ({imported / bare:.1f}x)")
    say(f"  load_library() (with its import)  {content * 1000:6.0f} ms  ({content / bare:.1f}x)")
    say(f"  tqm score {args.answers:<22} {score * 1000:7.0f} ms  ({score / bare:.1f}x)")
    print(result_line("cli_score_wall", score, "s", bare, "-"))
    print(result_line("cli_import_wall", imported, "s", bare, "-"))
    print(result_line("cli_load_library_wall", content, "s", bare, "-"))
    print(result_line("cli_score_ratio", score / bare, "x", "-", "-"))


if __name__ == "__main__":
    main()
