"""Flat exports of a result: CSV (one row per dimension, then one per finding)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

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


def result_csv(result: Mapping[str, Any]) -> str:
    """The documented CSV layout: `record` is overall, dimension or finding."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    overall = result["overall"]
    writer.writerow(
        {
            "record": "overall",
            "id": "overall",
            "index": overall["index"],
            "level": overall["level"],
            "level_name": overall["level_name"],
        }
    )
    for dim_id, dim in result["dimensions"].items():
        writer.writerow(
            {
                "record": "dimension",
                "id": dim_id,
                "title": dim["title"],
                "index": dim["index"],
                "level": dim["level"],
                "level_name": dim["level_name"],
                "traditional": dim["baselines"]["traditional"],
                "target": dim["target"],
                "gap_to_target": dim["gaps"]["to_target"],
            }
        )
    for finding in result["findings"]:
        writer.writerow(
            {
                "record": "finding",
                "id": finding["rule"],
                "title": finding["title"],
                "kind": finding["kind"],
                "severity": finding["severity"],
                "dimensions": " ".join(finding["dimensions"]),
                "detail": finding["detail"],
            }
        )
    return buffer.getvalue()
