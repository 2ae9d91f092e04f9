"""A client's trend across signed-off rounds: each dimension's index as an accessible SVG line chart
(a title, a description in words, the page's table as its alternative), and per dimension the
roadmap actions of the latest signed-off result expected to move it next.

The chart is built with ElementTree (every label escaped) and uses presentation attributes only,
never `style=`, so it passes the strict Content-Security-Policy.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

WIDTH, HEIGHT = 780, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 260, 16, 44
PAD = 40  # between the axis and the first and last round, so their labels fit
COLOURS = ("#2f6fb0", "#c0504d", "#2e7d4f", "#c98a1b", "#6d3f96", "#b5487f", "#7a5c3e", "#5f6b7a")
OVERALL = "#1d2733"  # drawn dashed and thicker: it must not read as one of the dimensions


@dataclass(frozen=True)
class Series:
    """One line: a label and the index of each round (None where the round has none)."""

    label: str
    values: tuple[float | None, ...]
    colour: str
    bold: bool = False


def series(points: Sequence[Mapping[str, Any]]) -> list[Series]:
    """The overall index and each dimension's, over the rounds in order."""
    if not points:
        return []
    results = [p["result"] for p in points]
    first = results[0]
    out = [Series(_("Overall"), tuple(r["overall"]["index"] for r in results), OVERALL, True)]
    for n, (dim_id, dim) in enumerate(first["dimensions"].items()):
        values = tuple(r["dimensions"].get(dim_id, {}).get("index") for r in results)
        out.append(Series(dim["title"], values, COLOURS[n % len(COLOURS)]))
    return out


def trend_svg(points: Sequence[Mapping[str, Any]]) -> Markup:
    """The line chart of `points` (the client page's signed-off rounds), '' when there are none."""
    lines = series(points)
    if not lines:
        return Markup("")
    labels = [str(p["round"].title) for p in points]
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "role": "img",
                             "viewBox": f"0 0 {WIDTH} {HEIGHT}", "class": "trend-chart",
                             "aria-labelledby": "trend-chart-title trend-chart-desc"})  # fmt: skip
    ET.SubElement(svg, "title", {"id": "trend-chart-title"}).text = _(
        "Index of each dimension across the signed-off rounds"
    )
    ET.SubElement(svg, "desc", {"id": "trend-chart-desc"}).text = describe(lines, labels)
    _axes(svg, labels)
    for n, line in enumerate(lines):
        _line(svg, line, len(labels))
        _legend(svg, line, n)
    return Markup(ET.tostring(svg, encoding="unicode"))


def describe(lines: Sequence[Series], labels: Sequence[str]) -> str:
    """The chart in words: every line's values, round by round."""
    rounds = " → ".join(labels)
    parts = [
        f"{line.label}: " + " → ".join("–" if v is None else f"{v:g}" for v in line.values)
        for line in lines
    ]
    lead: str = _("Rounds %(rounds)s.", rounds=rounds)
    return lead + " " + "; ".join(parts) + "."


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT - 2 * PAD
    return LEFT + PAD + (span / 2 if count == 1 else span * index / (count - 1))


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / 100)


def _axes(svg: ET.Element, labels: Sequence[str]) -> None:
    grid = ET.SubElement(svg, "g", {"aria-hidden": "true", "font-size": "11", "fill": "#6b7785"})
    for tick in (0, 25, 50, 75, 100):
        y = f"{_y(tick):.1f}"
        ET.SubElement(grid, "line", {"x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": y, "y2": y,
                                     "stroke": "#d5dbe1", "stroke-width": "1"})  # fmt: skip
        ET.SubElement(grid, "text", {"x": str(LEFT - 6), "y": y, "text-anchor": "end",
                                     "dominant-baseline": "middle"}).text = str(tick)  # fmt: skip
    for n, label in enumerate(labels):
        ET.SubElement(grid, "text", {"x": f"{_x(n, len(labels)):.1f}", "y": str(HEIGHT - 18),
                                     "text-anchor": "middle"}).text = _short(label, 18)  # fmt: skip


def _line(svg: ET.Element, line: Series, count: int) -> None:
    group = ET.SubElement(svg, "g", {"fill": line.colour, "stroke": line.colour})
    known = [(n, v) for n, v in enumerate(line.values) if v is not None]
    if len(known) > 1:
        points = " ".join(f"{_x(n, count):.1f},{_y(v):.1f}" for n, v in known)
        attributes = {"points": points, "fill": "none", "stroke-width": "1.8"}
        if line.bold:
            attributes.update({"stroke-width": "3", "stroke-dasharray": "7 4"})
        ET.SubElement(group, "polyline", attributes)
    for n, v in known:
        dot = ET.SubElement(group, "circle", {"cx": f"{_x(n, count):.1f}", "cy": f"{_y(v):.1f}",
                                              "r": "4" if line.bold else "3"})  # fmt: skip
        ET.SubElement(dot, "title").text = f"{line.label}: {v:g}"


def _legend(svg: ET.Element, line: Series, n: int) -> None:
    x, y = WIDTH - RIGHT + 16, TOP + 6 + n * 20
    group = ET.SubElement(svg, "g", {"aria-hidden": "true", "font-size": "11"})
    ET.SubElement(group, "line", {"x1": str(x), "x2": str(x + 16), "y1": str(y), "y2": str(y),
                                  "stroke": line.colour, "stroke-width": "3" if line.bold else "2",
                                  **({"stroke-dasharray": "5 3"} if line.bold else {})})  # fmt: skip
    text = ET.SubElement(group, "text", {"x": str(x + 20), "y": str(y), "fill": "#1d2733",
                                         "dominant-baseline": "middle"})  # fmt: skip
    text.text = _short(line.label, 34)


def _short(text: str, limit: int) -> str:
    wide = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    if wide <= limit:
        return text
    out, used = "", 0
    for c in text:
        used += 2 if ord(c) > 0x2E80 else 1
        if used > limit - 1:
            break
        out += c
    return out + "…"


# --- what the latest roadmap expects to move each dimension next --------------------------------


@dataclass(frozen=True)
class NextActions:
    """A dimension's actions in the earliest roadmap phase that has any for it."""

    dimension: str
    title: str
    phase: int
    months: tuple[int, int]
    actions: tuple[str, ...]


def next_actions(document: Mapping[str, Any] | None) -> list[NextActions]:
    """Per dimension of the latest signed-off result, the roadmap actions planned first for it."""
    if not document:
        return []
    out = []
    for dim_id, dim in document["dimensions"].items():
        for phase in document.get("roadmap") or []:
            mine = tuple(a["title"] for a in phase["actions"] if a["dimension"] == dim_id)
            if mine:
                months = (int(phase["months"][0]), int(phase["months"][1]))
                out.append(NextActions(dim_id, dim["title"], phase["phase"], months, mine))
                break
    return out
