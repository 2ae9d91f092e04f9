"""Batch files uploaded by consultants: a CSV or XLSX of many organisations (what `tqm batch`
reads) scored into the results workbook, in memory.

The XLSX's first sheet is read as the CSV would be, one sheet row to one CSV line, so every problem
the library finds (`assessment/batch.py`) names the sheet's own row and column. The scoring writes
into a temporary folder and gives back the whole workbook's bytes, or raises ProblemsFound with
every problem of the file: nothing half-written leaves this module.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from assessment.batch import BatchSummary, score_batch
from assessment.content.library import Library
from assessment.problems import Problem, ProblemsFound

KINDS = {".csv": "csv", ".xlsx": "xlsx"}  # the suffixes accepted, and how each is read
Progress = Callable[[int, int], None]


def upload_kind(filename: str) -> str | None:
    """'csv' or 'xlsx' by the file's suffix; None for anything else."""
    return KINDS.get(Path(filename).suffix.lower())


def score_upload(
    data: bytes,
    kind: str,
    name: str,
    library: Library,
    lang: str,
    progress: Progress | None = None,
) -> tuple[bytes, BatchSummary]:
    """The results workbook of an uploaded file, and what the batch did; problems of the file
    itself (not UTF-8, no header, not a workbook ...) raise ProblemsFound naming `name`."""
    text = data if kind == "csv" else sheet_as_csv(data, name)
    with tempfile.TemporaryDirectory(prefix="tqm-batch-") as folder:
        source, target = Path(folder) / "upload.csv", Path(folder) / "results.xlsx"
        source.write_bytes(text)
        # one process: the web request or the RQ work-horse is already the unit of parallelism
        summary = score_batch(source, target, library, lang, progress, workers=1, name=name)
        return target.read_bytes(), summary


# An XLSX is a zip: a few hundred KiB may unpack to gigabytes (a zip bomb), and openpyxl reads the
# sheet whole. The sizes its directory declares are checked first (zipfile refuses to unpack more
# than a member declares, so they bound the work).
MAX_UNPACKED = 64 * 1024 * 1024
MAX_RATIO = 100


def unpacked_size_problem(data: bytes, name: str) -> Problem | None:
    """Why the workbook would unpack to too much (None: it would not, or it is no zip at all)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # openpyxl says what is wrong with it
    if unpacked <= min(MAX_UNPACKED, MAX_RATIO * max(len(data), 1)):
        return None
    message = (
        f"the workbook unpacks to {unpacked:,} bytes ({len(data):,} packed), more than a batch "
        f"file may ({MAX_UNPACKED:,} bytes, or {MAX_RATIO} times its size): save it as CSV"
    )
    return Problem(name, None, None, "$", message, "limit.size")


def sheet_as_csv(data: bytes, name: str) -> bytes:
    """The workbook's first sheet as CSV text: row N of the sheet is line N of the text."""
    from openpyxl import load_workbook

    if too_large := unpacked_size_problem(data, name):
        raise ProblemsFound([too_large])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = f"not an Excel workbook (.xlsx) that can be read ({type(exc).__name__})"
        raise ProblemsFound([Problem(name, None, None, "$", message)]) from None
    sheet = workbook.worksheets[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in sheet.iter_rows(min_row=1, max_row=max(sheet.max_row, 1), values_only=True):
        writer.writerow([cell_text(value) for value in row])
    workbook.close()
    return out.getvalue().encode("utf-8")


def cell_text(value: Any) -> str:
    """A cell as the CSV would hold it: whole numbers without '.0', dates as ISO, and line
    breaks as spaces (a break inside a cell would shift every later line number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return " ".join(str(value).splitlines())


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem as one line, `file:line:col: pointer: message`."""
    return [str(problem) for problem in problems]
