"""The report's SVG charts as PNG images, for formats that cannot hold SVG (Word).

CairoSVG draws them with cairo and fontconfig. Cairo takes only the first family of a font list
and does not fall back per character, so Chinese labels under "Liberation Sans" came out as empty
boxes: a chart with CJK text is drawn in the CJK family alone (it has Latin letters too). The SVG is the report's own (built by ElementTree from
numbers and content titles), so it names no external resource; CairoSVG is still told not to
fetch any (`unsafe=False`, its default, and no URL base).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALE = 2.0  # pixels per SVG unit: ~190 dpi at the chart's size, sharp enough in print
SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')
FONT_LIST = re.compile(r'font-family="[^"]*"')
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class ChartImage:
    """A chart as PNG bytes and its size in SVG units (CSS pixels, 96 per inch)."""

    png: bytes
    width: float
    height: float


def chart_png(svg: str, cjk_family: str) -> ChartImage:
    """The chart drawn as PNG at SCALE times its size, on white; `cjk_family` for Chinese."""
    import cairosvg  # imported here: only the DOCX needs it

    if CJK.search(svg):
        svg = FONT_LIST.sub(f'font-family="{cjk_family}"', svg)
    match = SIZE.search(svg)
    width, height = (float(match[1]), float(match[2])) if match else (600.0, 400.0)
    png = cairosvg.svg2png(
        bytestring=svg.encode("utf-8"), scale=SCALE, background_color="white", unsafe=False
    )
    assert isinstance(png, bytes)
    return ChartImage(png, width, height)
