"""CSV: one result flat (one row per dimension, then one per finding), or rows streamed to a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..engine.result import Result
from .cells import BOM, csv_cell

CSV_COLUMNS = (
    "record",
    "id",
    "title",
    "index",
    "level",
    "level_name",
    "traditional",
    "target",
    "gap_to_target",
    "kind",
    "severity",
    "dimensions",
    "detail",
)


def result_csv(result: Result, lang: str) -> str:
    """The documented CSV layout: `record` is overall, dimension or finding (with a BOM, for
    Excel; text that could be a formula neutralised: see cells.py)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()

    def write(record: Mapping[str, Any]) -> None:
        writer.writerow({key: csv_cell(value) for key, value in record.items()})

    overall = result.overall
    write(
        {
            "record": "overall",
            "id": "overall",
            "index": overall.index,
            "level": overall.level,
            "level_name": result.level_name(overall.level, lang),
        }
    )
    for dim in result.dimensions.values():
        write(
            {
                "record": "dimension",
                "id": dim.id,
                "title": dim.title.get(lang),
                "index": dim.index,
                "level": dim.level,
                "level_name": result.level_name(dim.level, lang),
                "traditional": dim.traditional,
                "target": dim.target,
                "gap_to_target": dim.to_target,
            }
        )
    for finding in result.findings:
        write(
            {
                "record": "finding",
                "id": finding.rule,
                "title": finding.title.get(lang),
                "kind": finding.kind,
                "severity": finding.severity,
                "dimensions": " ".join(finding.dimensions),
                "detail": finding.detail.get(lang),
            }
        )
    return buffer.getvalue()


@contextmanager
def csv_rows(path: Path, header: Sequence[str]) -> Iterator[Callable[[Sequence[Any]], object]]:
    """A CSV file (UTF-8 with a BOM, for Excel) with this header row: the function given writes
    one row, its text cells never formulas."""
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow([csv_cell(h) for h in header])
        yield lambda row: writer.writerow([csv_cell(v) for v in row])
