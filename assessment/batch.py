"""Score many organisations from one CSV file, streaming (`tqm batch`).

The CSV has the answers layout, one row per respondent. With an `organisation` column, consecutive
rows of one organisation form a group; without it every row is an organisation, named by its
`respondent` cell or `row <line>`. The file is read once; each group is parsed, scored and written
at once (JSON lines, CSV or XLSX), so memory does not grow with the file (except the set of names
seen, to catch an organisation whose rows are not consecutive). A group with problems is written with
its `errors` and counted as rejected; a problem with the file itself (not UTF-8, no header, broken
quoting) stops the batch and leaves no output (it is written to a temporary file, renamed at the end).
Big files are scored by spawned worker processes (durable-rules state is never forked), in order.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from .content.framework import FrameworkDimension
from .content.library import Library
from .engine.answers import AnswerSet, csv_to_answers, parse_answers
from .engine.pipeline import assess
from .engine.result import Result
from .io.source import Document, display_pointer, pointer_join
from .problems import Problem, ProblemsFound, UsageError
from .questionnaire_option import MISSING, csv_with_questionnaire
from .render import FORMATS, MAX_CELL, Format, Write, format_of, formats_for, suffix_list
from .render.json_document import json_line
from .render.messages import msg

SEVERITIES = ("high", "medium", "low")
MAX_GROUP_ROWS = 10_000  # the answers schema's limit on respondents
PARALLEL_MIN_BYTES = 64 * 1024  # smaller files are scored in-process (workers take ~0.5 s to start)
CHUNK = 32  # groups per task sent to a worker (8: ~0.4 s more of the parent's CPU per 10,000)
MAX_ERRORS_SHOWN = 20
Progress = Callable[[int, int], None]
Row = tuple[int, tuple[str, ...]]  # line, cells


@dataclass(frozen=True)
class BatchSummary:
    """What a batch did: organisations read, scored and rejected, and the wall time."""

    organisations: int
    scored: int
    rejected: int
    seconds: float


@dataclass(frozen=True)
class Group:
    """Consecutive rows of one organisation: (line, cells) each, and the bytes read so far."""

    name: str
    rows: tuple[Row, ...]
    end: int
    problem: Problem | None = None


@dataclass(frozen=True)
class Outcome:
    """One organisation's output record (a JSON line or a row of cells)."""

    ok: bool
    record: Any
    end: int


def batch_dimensions(library: Library) -> list[FrameworkDimension]:
    """The dimensions a batch's columns show: those of every framework the library's packs use,
    in the frameworks' order (one framework: its dimensions)."""
    seen: dict[str, FrameworkDimension] = {}
    for pack in library.packs.values():
        for dim in pack.framework.dimensions:
            seen.setdefault(dim.id, dim)
    return list(seen.values())


def columns(dimensions: Sequence[FrameworkDimension]) -> list[str]:
    """The CSV and XLSX columns, one row per organisation."""
    ids = ["overall", *(d.id for d in dimensions)]
    dims = [f"{d}_{part}" for d in ids for part in ("index", "level")]
    return ["organisation", "respondents", *dims, *(f"findings_{s}" for s in SEVERITIES), "errors"]


def headings(dimensions: Sequence[FrameworkDimension], lang: str) -> list[str]:
    """The columns as the workbook's header row shows them, in `lang` (the CSV keeps the ids:
    its header is the documented contract programs read)."""
    zh = lang == "zh"
    names = {"overall": "总体" if zh else "Overall"}
    names.update({d.id: d.short.get(lang) for d in dimensions})
    parts = {"index": "指数" if zh else "index", "level": "等级" if zh else "level"}
    dims = [
        f"{names[d]}{parts[p]}" if zh else f"{names[d]} {parts[p]}"
        for d in ("overall", *(d.id for d in dimensions))
        for p in ("index", "level")
    ]
    found = [
        f"发现（{msg(f'severity.{s}', lang)}）"
        if zh
        else f"Findings ({msg(f'severity.{s}', lang)})"
        for s in SEVERITIES
    ]
    first = ["组织", "答卷人数"] if zh else ["Organisation", "Respondents"]
    return [*first, *dims, *found, "问题" if zh else "Errors"]


def score_batch(
    source: Path,
    target: Path,
    library: Library,
    lang: str = "en",
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    questionnaire: str | None = None,
    name: str | None = None,
) -> BatchSummary:
    """Score every organisation of `source` into `target` (.jsonl, .csv or .xlsx); `questionnaire`
    (`--questionnaire`) names the questionnaire of a CSV without that column; problems name the
    file `name` (default: the source's path; the web app gives the uploaded file's)."""
    start = time.perf_counter()
    fmt = output_format(target).name
    total = _size(source)
    workers = workers or (min(os.cpu_count() or 1, 4) if total >= PARALLEL_MIN_BYTES else 1)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with source.open("rb") as handle:
            shown = name or str(source)
            reader = GroupReader(handle, shown, questionnaire is not None)
            scorer = GroupScorer(library, lang, fmt, shown, reader.header, questionnaire)
            outcomes = _outcomes(reader.groups(), scorer, workers)
            stream = FORMATS[fmt].stream
            assert stream is not None  # every batch format has one
            dims = batch_dimensions(library)
            header = (
                headings(dims, lang) if fmt == "xlsx" else columns(dims)
            )  # a workbook is for people
            with stream(partial, header) as write:
                counts = _run(outcomes, write, progress, total)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return BatchSummary(counts[0] + counts[1], counts[0], counts[1], time.perf_counter() - start)


def output_format(target: Path) -> Format:
    """The output format named by the target's suffix."""
    fmt = format_of(target, "batch")
    if fmt is None:
        names = suffix_list(formats_for("batch"))
        raise UsageError(f"output must end in {names}, not {target.name!r}")
    if not target.parent.is_dir():
        raise UsageError(f"no such folder for the output: {str(target.parent)!r}")
    return fmt


def _size(source: Path) -> int:
    try:
        with source.open("rb"):  # readable, and a file
            return source.stat().st_size
    except OSError as exc:
        raise ProblemsFound([_file_problem(str(source), f"cannot read: {exc.strerror}")]) from None


def _run(
    outcomes: Iterable[Outcome], write: Write, progress: Progress | None, total: int
) -> list[int]:
    """Write every outcome; [scored, rejected]. Progress: bytes done, at most 20 times a second."""
    counts, last = [0, 0], 0.0
    for outcome in outcomes:
        write(outcome.record)
        counts[not outcome.ok] += 1
        if progress and time.monotonic() - last > 0.05:
            progress(outcome.end, total)
            last = time.monotonic()
    if progress:
        progress(total, total)
    return counts


def _outcomes(groups: Iterable[Group], scorer: GroupScorer, workers: int) -> Iterator[Outcome]:
    return map(scorer, groups) if workers <= 1 else _parallel(groups, scorer, workers)


def _parallel(groups: Iterable[Group], scorer: GroupScorer, workers: int) -> Iterator[Outcome]:
    """Outcomes in input order from worker processes, with a bounded number of chunks in flight."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, context, initializer=_init_worker, initargs=(scorer,))
    pending: deque[Future[list[Outcome]]] = deque()
    try:
        for chunk in _chunks(groups, CHUNK):
            pending.append(pool.submit(_score_chunk, chunk))
            if len(pending) >= 4 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(groups: Iterable[Group], size: int) -> Iterator[list[Group]]:
    rest = iter(groups)
    return iter(lambda: list(islice(rest, size)), [])


_WORKER: GroupScorer | None = None


def _init_worker(scorer: GroupScorer) -> None:
    global _WORKER
    _WORKER = scorer


def _score_chunk(chunk: list[Group]) -> list[Outcome]:
    assert _WORKER is not None, "worker not initialised"
    return [_WORKER(group) for group in chunk]


# --- reading -----------------------------------------------------------------------------------


def _file_problem(name: str, message: str, line: int | None = None) -> Problem:
    return Problem(name, line, 1 if line else None, "$", message)  # about the whole file


class GroupReader:
    """The CSV read line by line: its header, then its groups of rows."""

    def __init__(self, handle: BinaryIO, name: str, named: bool = False):
        self.name, self.bytes, self.named = name, 0, named  # named: by --questionnaire
        self.csv = csv.reader(self._lines(handle))
        self.header = self._header()
        self.by_organisation = "organisation" in self.header
        key = "organisation" if self.by_organisation else "respondent"
        self.key = self.header.index(key) if key in self.header else len(self.header)

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        for number, raw in enumerate(handle, start=1):
            self.bytes += len(raw)
            try:
                yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                msg = f"not UTF-8 text (byte {exc.start + 1} of the line)"
                raise ProblemsFound([_file_problem(self.name, msg, number)]) from None

    def _rows(self) -> Iterator[Row]:
        """(line, cells) of every non-blank row; a CSV syntax error stops the batch."""
        start = self.csv.line_num + 1
        try:
            for cells in self.csv:
                if any(c.strip() for c in cells):
                    yield start, tuple(c.strip() for c in cells)
                start = self.csv.line_num + 1
        except csv.Error as exc:
            problem = _file_problem(self.name, f"CSV: {exc}", self.csv.line_num)
            raise ProblemsFound([problem]) from None

    def _header(self) -> tuple[str, ...]:
        header = next(self._rows(), (0, ()))[1]
        twice = [f"column {c!r} appears twice" for c in sorted(set(header)) if header.count(c) > 1]
        missing = [] if "questionnaire" in header or self.named else [MISSING]
        problems = twice + missing if header else ["CSV file is empty (a header row is needed)"]
        if problems:
            raise ProblemsFound([_file_problem(self.name, msg, 1) for msg in problems])
        return header

    def _name(self, line: int, cells: tuple[str, ...]) -> str:
        """The organisation cell, or (one per row) the respondent cell or `row <line>`."""
        cell = cells[self.key] if self.key < len(cells) else ""
        return cell if self.by_organisation else cell or f"row {line}"

    def groups(self) -> Iterator[Group]:
        """Groups of consecutive rows with one organisation (one row each without that column)."""
        seen: set[str] = set()
        block: list[Row] = []
        name, size = "", 0
        for line, cells in self._rows():
            new = self._name(line, cells)
            if block and (new != name or not self.by_organisation):
                yield self._group(name, block, size, seen)
                block, size = [], 0
            name, size = new, size + 1
            if size <= MAX_GROUP_ROWS:
                block.append((line, cells))
        if block:
            yield self._group(name, block, size, seen)

    def _group(self, name: str, block: list[Row], size: int, seen: set[str]) -> Group:
        line, message = block[0][0], ""
        if self.by_organisation and not name:
            message = "the organisation is empty"
        elif self.by_organisation and name in seen:
            message = f"organisation {name!r} appears again; its rows must be consecutive"
        elif size > MAX_GROUP_ROWS:
            message = f"{size} respondents; the limit is {MAX_GROUP_ROWS} per organisation"
        if self.by_organisation:
            seen.add(name)
        problem = Problem(self.name, line, self.key + 1, "$.organisation", message)
        return Group(name or f"row {line}", tuple(block), self.bytes, problem if message else None)


# --- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupScorer:
    """Turns a group into its output record (picklable: it is sent to the worker processes)."""

    library: Library
    lang: str
    fmt: str
    source: str
    header: tuple[str, ...]
    questionnaire: str | None = None  # --questionnaire

    @property
    def dimensions(self) -> list[FrameworkDimension]:
        return batch_dimensions(self.library)

    def __call__(self, group: Group) -> Outcome:
        try:
            if group.problem:
                raise ProblemsFound([group.problem])
            result = self.result(self.answers(group))
        except ProblemsFound as exc:
            return Outcome(False, self._rejected(group, exc.problems), group.end)
        return Outcome(True, self._scored(group, result), group.end)

    def result(self, answers: AnswerSet) -> Result:
        """The result without its trace; the CSV and XLSX rows need no roadmap (~20% of the time)."""
        jsonl = self.fmt == "jsonl"
        return assess(answers, self.library, trace=False, roadmap=jsonl, langs=(self.lang,))

    def answers(self, group: Group) -> AnswerSet:
        """The group's rows as a checked AnswerSet (problems located in the source file)."""
        positions: dict[str, tuple[int | None, int | None]] = {"": (group.rows[0][0], 1)}
        rows = [self._record(i, row, positions) for i, row in enumerate(group.rows)]
        doc = Document(self.source, {"header": list(self.header), "rows": rows}, positions)
        return parse_answers(
            csv_to_answers(csv_with_questionnaire(doc, self.questionnaire)), self.library
        )

    def _record(self, index: int, row: Row, positions: dict[str, Any]) -> dict[str, str]:
        """One row as a dict by column, its cells' positions recorded (as `parse_csv` does)."""
        (line, cells), pointer, width = row, f"/rows/{index}", len(self.header)
        positions[pointer] = (line, 1)
        if len(cells) > width:
            msg = f"row has {len(cells)} cells but the header has {width}"
            problem = Problem(self.source, line, width + 1, display_pointer(pointer), msg)
            raise ProblemsFound([problem])
        for col, key in enumerate(self.header, start=1):
            positions[pointer_join(pointer, key)] = (line, col)
        return dict(zip(self.header, cells + ("",) * (width - len(cells)), strict=True))

    def _scored(self, group: Group, result: Result) -> Any:
        if self.fmt == "jsonl":
            named = replace(result, organisation=result.organisation or group.name)
            return json_line(named.to_document(self.lang))
        return summary_row(group.name, result, self.dimensions)

    def _rejected(self, group: Group, problems: list[Problem]) -> Any:
        if self.fmt == "jsonl":
            record = {"organisation": group.name, "errors": [p.as_dict() for p in problems]}
            return json_line(record)
        blank = [None] * (len(columns(self.dimensions)) - 3)
        return [group.name, len(group.rows), *blank, errors_text(problems)]


def summary_row(name: str, result: Result, dimensions: Sequence[FrameworkDimension]) -> list[Any]:
    """One organisation's row of the CSV and XLSX outputs."""
    dims, overall = result.dimensions, result.overall
    cells = [name, result.respondents.count, overall.index, overall.level]
    for dim in (d.id for d in dimensions):
        cells += [dims[dim].index, dims[dim].level] if dim in dims else [None, None]
    severities = [f.severity for f in result.findings]
    return [*cells, *(severities.count(s) for s in SEVERITIES), ""]


def errors_text(problems: list[Problem]) -> str:
    """Problems for one cell: the first few, one a line, within Excel's cell limit."""
    more = len(problems) - MAX_ERRORS_SHOWN
    lines = [str(p) for p in problems[:MAX_ERRORS_SHOWN]] + [f"... and {more} more"] * (more > 0)
    return "\n".join(lines)[:MAX_CELL]
