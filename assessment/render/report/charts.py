"""SVG charts drawn from the result's numbers: the maturity radar and the roadmap swimlanes.

Built with ElementTree, so every label is escaped; presentation attributes only (no `style`), so
the same SVG passes a strict Content-Security-Policy in the web app and renders in WeasyPrint.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...engine.result import DimensionResult, Result
from ...engine.roadmap import Phase
from ...numbers import decimal
from ..messages import comparison_names, label

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Liberation Sans, Arial, Helvetica, WenQuanYi Micro Hei, Noto Sans CJK SC, sans-serif"
INK, MUTED, RULE, ACCENT = "#1d2733", "#6b7785", "#d5dbe1", "#1f4e79"


@dataclass(frozen=True)
class Series:
    """One polygon of the radar chart."""

    key: str
    name: str
    values: tuple[float, ...]
    stroke: str
    width: float
    dash: str = ""
    fill: str = "none"
    markers: bool = False


def _el(parent: ET.Element | None, tag: str, text: str = "", **attrs: object) -> ET.Element:
    """A new SVG element; `font_size` becomes `font-size`, floats are rounded."""
    values = {k.rstrip("_").replace("_", "-"): _fmt(v) for k, v in attrs.items() if v != ""}
    node = ET.Element(tag, values) if parent is None else ET.SubElement(parent, tag, values)
    if text:
        node.text = text
    return node


def _fmt(value: object) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _svg(width: int, height: int, title: str) -> ET.Element:
    root = _el(None, "svg", xmlns=SVG_NS, width=width, height=height, role="img")
    root.set("viewBox", f"0 0 {width} {height}")
    root.set("font-family", FONT)
    _el(root, "title", title)
    return root


def _to_string(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def wrap(text: str, width: int, max_lines: int = 3) -> list[str]:
    """Break a label into lines: by words when it has spaces, else by characters (Chinese)."""
    if " " not in text.strip():
        step = max(1, width // 2)
        lines = [text[i : i + step] for i in range(0, len(text), step)] or [""]
    else:
        lines = _word_lines(text.split(), width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1].rstrip() + "…"]
    return lines


def _word_lines(words: Sequence[str], width: int) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# --- radar -------------------------------------------------------------------------------------


def level_gates(result: Result) -> tuple[float, ...]:
    """The overall-index thresholds of levels 2..5, from the rule pack (none when unknown: a
    result read back from a document without a trace draws no gate rings)."""
    return result.gates


def radar_series(result: Result, lang: str) -> list[Series]:
    """The framework's reference baseline, target, previous (when known) and current, drawn in
    that order (the legend names the profiles as the framework does)."""
    dims = list(result.dimensions.values())
    names = comparison_names(result.framework, lang)
    series = [
        Series("traditional", label("reference_baseline", lang, **names),
               tuple(d.traditional for d in dims), "#8a939c", 1.4, "4 3"),
        Series("target", label("target", lang, **names), tuple(d.target for d in dims), "#2e7d4f",
               1.6, "7 3"),
    ]  # fmt: skip
    known = [d.previous for d in dims if d.previous is not None]
    if len(known) == len(dims):
        series.append(
            Series("previous", label("legend_previous", lang), tuple(known), "#b5762c", 1.4, "2 2")
        )
    current = tuple(d.index or 0.0 for d in dims)
    series.append(Series("current", label("current", lang), current, ACCENT, 2.4, "", ACCENT, True))
    return series


@dataclass(frozen=True)
class Radar:
    """Geometry of the radar: centre, radius and number of axes."""

    cx: float
    cy: float
    radius: float
    axes: int

    def point(self, axis: int, value: float, extra: float = 0.0) -> tuple[float, float]:
        """The (x, y) of `value` (0..100) on an axis, `extra` pixels further out."""
        angle = math.radians(-90 + 360 * axis / self.axes)
        r = self.radius * max(0.0, min(100.0, value)) / 100 + extra
        return self.cx + r * math.cos(angle), self.cy + r * math.sin(angle)

    def polygon(self, values: Sequence[float], extra: float = 0.0) -> str:
        """The `points` attribute of a polygon through the values."""
        pts = (self.point(i, v, extra) for i, v in enumerate(values))
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)


def radar_svg(result: Result, lang: str) -> str:
    """The radar chart of the six dimensions: current vs traditional, target and previous."""
    dims = list(result.dimensions.values())
    radar = Radar(330, 215, 145, len(dims))
    root = _svg(660, 470, label("profile", lang))
    _radar_grid(root, radar, level_gates(result))
    series = radar_series(result, lang)
    for s in series:
        _radar_series(root, radar, s)
    for axis, dim in enumerate(dims):
        _radar_label(root, radar, axis, dim.title.get(lang), decimal(dim.index))
    _legend(root, series, 660, 452)
    return _to_string(root)


def _radar_grid(root: ET.Element, radar: Radar, gates: Sequence[float]) -> None:
    group = _el(root, "g", fill="none", stroke=RULE, stroke_width=0.8)
    _el(group, "polygon", points=radar.polygon([100.0] * radar.axes), stroke="#aab4be")
    for gate in gates:
        _el(group, "polygon", points=radar.polygon([gate] * radar.axes), stroke_dasharray="3 3")
    for axis in range(radar.axes):
        x, y = radar.point(axis, 100)
        _el(group, "line", x1=radar.cx, y1=radar.cy, x2=x, y2=y)
    for gate in (*gates, 100.0):
        x, y = radar.point(0, gate)
        _el(root, "text", decimal(gate), x=x - 4, y=y + 9, text_anchor="end", font_size=8,
            fill=MUTED)  # fmt: skip


def _radar_series(root: ET.Element, radar: Radar, s: Series) -> None:
    opacity = 0.16 if s.fill != "none" else ""
    _el(root, "polygon", class_=f"series series-{s.key}", points=radar.polygon(s.values),
        fill=s.fill, fill_opacity=opacity, stroke=s.stroke, stroke_width=s.width,
        stroke_dasharray=s.dash, stroke_linejoin="round")  # fmt: skip
    if s.markers:
        for axis, value in enumerate(s.values):
            x, y = radar.point(axis, value)
            _el(root, "circle", cx=x, cy=y, r=3.2, fill=s.stroke, stroke="#ffffff", stroke_width=1)


def _radar_label(root: ET.Element, radar: Radar, axis: int, title: str, value: str) -> None:
    x, y = radar.point(axis, 100, extra=14)
    dx = x - radar.cx
    anchor = "middle" if abs(dx) < 20 else ("start" if dx > 0 else "end")
    lines = wrap(title, 26 if anchor != "middle" else 40)
    height = 12.5 * (len(lines) + 1)
    top = y - height if y < radar.cy - radar.radius * 0.9 else y
    if anchor != "middle":
        top = y - height / 2 + 6
    text = _el(root, "text", x=x, y=top + 10, text_anchor=anchor, font_size=10.5, fill=INK)
    for i, line in enumerate(lines):
        _el(text, "tspan", line, x=x, dy=0 if i == 0 else 12.5)
    _el(text, "tspan", value, x=x, dy=13, font_weight="bold", fill=ACCENT)


def _legend(root: ET.Element, series: Sequence[Series], width: int, y: float) -> None:
    item = 150
    x = (width - item * len(series)) / 2
    for s in reversed(series):
        _el(root, "line", x1=x, y1=y - 4, x2=x + 26, y2=y - 4, stroke=s.stroke,
            stroke_width=s.width, stroke_dasharray=s.dash)  # fmt: skip
        _el(root, "text", s.name, x=x + 32, y=y, font_size=10, fill=INK)
        x += item


# --- roadmap swimlanes ---------------------------------------------------------------------------


def number_actions(phases: Sequence[Phase]) -> dict[str, int]:
    """Action id -> its number in the report (phase by phase, in plan order), from 1."""
    ids = [p.action.id for phase in phases for p in phase.actions]
    return {action_id: n for n, action_id in enumerate(ids, start=1)}


@dataclass(frozen=True)
class Lanes:
    """Layout of the roadmap chart."""

    phases: int
    width: int = 660
    label_w: int = 150
    head_h: int = 42
    chip: int = 20
    value_w: int = 34

    @property
    def col_w(self) -> float:
        """Width of one phase column."""
        return (self.width - self.label_w) / max(1, self.phases)

    @property
    def per_row(self) -> int:
        """How many chips fit side by side in one cell."""
        return max(1, int((self.col_w - self.value_w - 6) // self.chip))


def roadmap_svg(result: Result, lang: str) -> str:
    """Swimlanes: one lane per dimension, one column per phase, numbered action chips."""
    roadmap, dims = result.phases, result.dimensions
    layout, numbers = Lanes(len(roadmap)), number_actions(roadmap)
    lanes = _lane_ids(dims, roadmap)
    heights = [_lane_height(layout, roadmap, lane) for lane in lanes]
    height = round(layout.head_h + sum(heights) + 46)
    root = _svg(layout.width, height, label("roadmap", lang))
    _phase_heads(root, layout, roadmap, height, lang)
    y = float(layout.head_h)
    for lane, lane_h in zip(lanes, heights, strict=True):
        _lane(root, layout, result, lane, y, lane_h, numbers, lang)
        y += lane_h
    _effort_row(root, layout, roadmap, y + 8, lang)
    return _to_string(root)


def _lane_ids(dims: Mapping[str, DimensionResult], roadmap: Sequence[Phase]) -> list[str]:
    extra = [
        a.action.dimension for p in roadmap for a in p.actions if a.action.dimension not in dims
    ]
    return [*dims, *dict.fromkeys(extra)]


def _cell_actions(phase: Phase, lane: str) -> list[str]:
    return [a.action.id for a in phase.actions if a.action.dimension == lane]


def _lane_height(layout: Lanes, roadmap: Sequence[Phase], lane: str) -> float:
    per_row = layout.per_row
    rows = max((math.ceil(len(_cell_actions(p, lane)) / per_row) for p in roadmap), default=0)
    return max(34.0, rows * layout.chip + 12.0)


def _phase_heads(
    root: ET.Element, layout: Lanes, roadmap: Sequence[Phase], height: float, lang: str
) -> None:
    col = layout.col_w
    for i, phase in enumerate(roadmap):
        x = layout.label_w + i * col
        shade = "#f3f6f9" if i % 2 == 0 else "#ffffff"
        _el(root, "rect", x=x, y=0, width=col, height=height - 4, fill=shade)
        _el(root, "text", label("phase", lang, n=phase.number), x=x + 8, y=16,
            font_size=11, font_weight="bold", fill=INK)  # fmt: skip
        a, b = phase.months
        _el(root, "text", label("months", lang, a=a, b=b), x=x + 8, y=31, font_size=9.5, fill=MUTED)
    _el(root, "line", x1=0, y1=layout.head_h - 4, x2=layout.width, y2=layout.head_h - 4,
        stroke="#aab4be", stroke_width=1)  # fmt: skip


def _lane(
    root: ET.Element,
    layout: Lanes,
    result: Result,
    lane: str,
    y: float,
    lane_h: float,
    numbers: Mapping[str, int],
    lang: str,
) -> None:
    dim = result.dimensions.get(lane)
    index = dim.index if dim else None
    name = result.framework.short_title(lane, lang, dim.title.get(lang) if dim else lane)
    _el(root, "text", name, x=4, y=y + 16, font_size=10.5, font_weight="bold", fill=INK)
    now = f"{label('now', lang)} {decimal(index)}"
    _el(root, "text", now, x=4, y=y + 28, font_size=9, fill=MUTED)
    previous, last = index, len(result.phases) - 1
    for i, phase in enumerate(result.phases):
        x = layout.label_w + i * layout.col_w
        _chips(root, layout, [numbers[a] for a in _cell_actions(phase, lane)], x + 6, y + 6)
        value = phase.projected.get(lane)
        if value != previous or i == last:
            _projected(root, layout, x, y, value, changed=value != index)
        previous = value
    _el(root, "line", x1=0, y1=y + lane_h, x2=layout.width, y2=y + lane_h, stroke=RULE,
        stroke_width=0.8)  # fmt: skip


def _chips(root: ET.Element, layout: Lanes, numbers: Sequence[int], x0: float, y0: float) -> None:
    per_row = layout.per_row
    for k, number in enumerate(numbers):
        cx = x0 + (k % per_row) * layout.chip + 9
        cy = y0 + (k // per_row) * layout.chip + 9
        _el(root, "circle", class_="chip", cx=cx, cy=cy, r=8.5, fill=ACCENT)
        _el(root, "text", str(number), x=cx, y=cy + 3.2, text_anchor="middle", font_size=8.5,
            font_weight="bold", fill="#ffffff")  # fmt: skip


def _projected(
    root: ET.Element, layout: Lanes, x: float, y: float, value: float | None, changed: bool
) -> None:
    right = x + layout.col_w - 6
    _el(root, "text", decimal(value), x=right, y=y + 19, text_anchor="end", font_size=10,
        font_weight="bold" if changed else "normal", fill=ACCENT if changed else MUTED)  # fmt: skip


def _effort_row(
    root: ET.Element, layout: Lanes, roadmap: Sequence[Phase], y: float, lang: str
) -> None:
    col = layout.col_w
    _el(root, "text", label("capacity", lang), x=4, y=y + 12, font_size=10, fill=MUTED)
    for i, phase in enumerate(roadmap):
        x = layout.label_w + i * col + 8
        used, capacity = phase.effort_days, phase.capacity_days or 0.0
        share = min(1.0, used / capacity) if capacity else 0.0
        _el(root, "rect", x=x, y=y + 3, width=col - 16, height=8, fill="#e3e8ed", rx=2)
        _el(root, "rect", x=x, y=y + 3, width=(col - 16) * share, height=8, fill="#6d8fb0", rx=2)
        text = label("days_of", lang, used=decimal(used), capacity=decimal(capacity))
        _el(root, "text", text, x=x, y=y + 25, font_size=9, fill=MUTED)
