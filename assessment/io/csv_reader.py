"""CSV with a header row into plain data that remembers the row and column of every cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..problems import Problem, ProblemsFound
from .source import Document, display_pointer, pointer_join


def parse_csv(text: str, name: str = "<input>") -> Document:
    """Parse CSV with a header row into a list of dicts; positions are row and column."""
    positions: dict[str, tuple[int | None, int | None]] = {"": (1, 1)}
    rows = list(_csv_rows(text, name))
    if not rows:
        msg = "CSV file is empty (a header row is needed)"
        raise ProblemsFound([Problem(name, 1, 1, "$", msg, "csv.empty")])
    header = [h.strip() for h in rows[0][1]]
    twice = [
        Problem(name, rows[0][0], col, "$", f"column {key!r} appears twice", "csv.duplicate_column")
        for col, key in enumerate(header, start=1)
        if key in header[: col - 1]
    ]
    if twice:  # as a YAML key given twice: which of the two was meant is not ours to guess
        raise ProblemsFound(twice)
    data: list[dict[str, str]] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        row_pointer = pointer_join("/rows", len(data))
        positions[row_pointer] = (line, 1)
        record = {}
        for col, key in enumerate(header, start=1):
            positions[pointer_join(row_pointer, key)] = (line, col)
            record[key] = cells[col - 1].strip() if col <= len(cells) else ""
        if len(cells) > len(header):
            msg = f"row has {len(cells)} cells but the header has {len(header)}"
            where = display_pointer(row_pointer)
            raise ProblemsFound(
                [Problem(name, line, len(header) + 1, where, msg, "csv.row_length")]
            )
        data.append(record)
    return Document(name, {"header": header, "rows": data}, positions)


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ProblemsFound(
            [Problem(name, reader.line_num, 1, "$", f"CSV: {exc}", "csv.syntax")]
        ) from None
