"""Run every benchmark and print one table of their RESULT lines (not a test).

    .venv/bin/python bench/run_all.py [--only batch,cli] [--timeout 1800] [--write]

Runs each `bench/*.py` but this one as a subprocess with `--summary` (again without it when the
script does not know the flag) and collects the lines it prints in this format, one measure a line:

    RESULT name=<id> value=<number> unit=<unit> baseline=<number or -> target=<op><number or ->

`name` and `unit` hold no spaces; `op` is one of <=, >=, <, >, =; `baseline` is the same run's
reference figure (or `-`), `target` the goal (or `-`). Prints one table: measure | value | baseline
(same run) | target | ok?. With `--write`, also writes it to bench/RESULTS.md with the date, the CPU
count, the Python version and the load average when the run started (the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import operator
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
LINE = re.compile(r"^RESULT((?: \w+=\S+)+)\s*$")
TARGET = re.compile(r"^(<=|>=|<|>|=)(-?[0-9.]+(?:e[-+]?[0-9]+)?)$")
OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
}


@dataclass(frozen=True)
class Row:
    """One measure of one benchmark."""

    script: str
    name: str
    value: str
    unit: str
    baseline: str
    target: str

    @property
    def verdict(self) -> str:
        """'yes', 'NO', or '-' when there is no target (or the value is not a number)."""
        match = TARGET.match(self.target)
        try:
            value = float(self.value)
        except ValueError:
            return "-"
        return "-" if not match else ("yes" if OPS[match[1]](value, float(match[2])) else "NO")

    def cells(self) -> list[str]:
        unit = "" if self.unit in ("-", "") else f" {self.unit}"
        base = self.baseline if self.baseline == "-" else f"{self.baseline}{unit}"
        return [
            f"{self.script}: {self.name}",
            f"{self.value}{unit}",
            base,
            self.target,
            self.verdict,
        ]


def parse(script: str, output: str) -> list[Row]:
    """The RESULT lines of a benchmark's output."""
    rows = []
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            fields = dict(part.split("=", 1) for part in match[1].split())
            keys = ("name", "value", "unit", "baseline", "target")
            rows.append(Row(script, *(fields.get(k, "-") for k in keys)))
    return rows


def run(script: Path, timeout: float) -> tuple[list[Row], str]:
    """Run one benchmark (with --summary if it takes it); its rows and a note on failure."""
    python = str(PYTHON if PYTHON.exists() else sys.executable)
    for args in (["--summary"], []):
        try:
            done = subprocess.run(
                [python, str(script), *args],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return [], f"timed out after {timeout:g} s"
        if args and done.returncode == 2 and "unrecognized arguments" in done.stderr:
            continue  # an older script without --summary: run it plainly and read its output
        rows = parse(script.stem, done.stdout)
        if done.returncode:
            return (
                rows,
                f"exit {done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1]}",
            )
        return rows, "" if rows else "no RESULT lines"
    return [], "?"


def table(rows: list[Row], notes: dict[str, str]) -> str:
    """A Markdown table of every row, then one line per benchmark that failed."""
    head = ["measure", "value", "baseline (same run)", "target", "ok?"]
    body = [head, ["---"] * len(head), *(row.cells() for row in rows)]
    lines = ["| " + " | ".join(cells) + " |" for cells in body]
    lines += [f"\n**{script}**: {note}" for script, note in notes.items() if note]
    return "\n".join(lines)


def header(started: float, load: float) -> str:
    """When and where the run happened."""
    when = dt.datetime.fromtimestamp(started).astimezone().isoformat(timespec="seconds")
    return (
        f"Run {when}: {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load:.2f} at the start, "
        f"{time.time() - started:.0f} s in all."
    )


def main() -> None:
    """Run the benchmarks, print the table, optionally write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated script names (e.g. batch,cli)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per benchmark")
    parser.add_argument("--write", action="store_true", help="also write bench/RESULTS.md")
    args = parser.parse_args()
    wanted = set(args.only.split(",")) if args.only else None
    scripts = [p for p in sorted(HERE.glob("*.py")) if p.name != Path(__file__).name]
    scripts = [p for p in scripts if wanted is None or p.stem in wanted]
    started, load = time.time(), os.getloadavg()[0]
    rows: list[Row] = []
    notes: dict[str, str] = {}
    for script in scripts:
        print(f"running bench/{script.name} ...", file=sys.stderr, flush=True)
        found, notes[script.stem] = run(script, args.timeout)
        rows += found
    text = f"{header(started, load)}\n\n{table(rows, notes)}\n"
    print(text)
    if args.write:
        (HERE / "RESULTS.md").write_text(f"# Benchmark results\n\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
