"""CSV: one result flat (one row per dimension, then one per finding), or rows streamed to a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..content.model import level_name
from ..engine.result import Result

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
    """The documented CSV layout: `record` is overall, dimension or finding."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    overall = result.overall
    writer.writerow(
        {
            "record": "overall",
            "id": "overall",
            "index": overall.index,
            "level": overall.level,
            "level_name": level_name(overall.level, lang),
        }
    )
    for dim in result.dimensions.values():
        writer.writerow(
            {
                "record": "dimension",
                "id": dim.id,
                "title": dim.title.get(lang),
                "index": dim.index,
                "level": dim.level,
                "level_name": level_name(dim.level, lang),
                "traditional": dim.traditional,
                "target": dim.target,
                "gap_to_target": dim.to_target,
            }
        )
    for finding in result.findings:
        writer.writerow(
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
    """A CSV file with this header row: the function given writes one row."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        yield writer.writerow
