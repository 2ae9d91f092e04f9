"""The report as one standalone HTML document (inline CSS and SVG), for browsers and for the PDF."""

from __future__ import annotations

import base64
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ...engine.result import Result
from ...numbers import decimal
from ..messages import comparison_names, label
from . import plan_view, view
from .assurance import assurance, consensus_findings
from .assurance import text as assurance_text
from .charts import level_gates, number_actions, radar_svg, roadmap_svg
from .method_view import method_paragraphs, perception_intro

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CJK_FAMILY = "WenQuanYi Micro Hei"
# Line breaks and indentation before a block-level tag: nothing on the page, but WeasyPrint parses
# and boxes each of them (the PDF's document drops them).
BLOCK_GAP = re.compile(
    r"\s*\n\s*(?=</?(?:section|div|p|h[1-4]|table|thead|tbody|tfoot|tr|td|th|ul|ol|li|figure)\b)"
)
CJK_FONT_FILES = (
    STATIC / "fonts" / "cjk.ttf",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
)


@functools.cache
def environment() -> Environment:
    """The report's Jinja environment: autoescape on for every template, undefined is an error."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fmt=decimal, zip=zip)
    return env


def compile_templates() -> None:
    """Compile every report template now (Jinja keeps them): ~0.14 s the first report would pay."""
    env = environment()
    for template in sorted(TEMPLATES.glob("*.html")):
        env.get_template(template.name)


@functools.cache
def stylesheet() -> str:
    """The report's CSS (trusted, read from the package)."""
    return (STATIC / "report.css").read_text(encoding="utf-8")


def cjk_font_file() -> Path | None:
    """The CJK font file the PDF loads by @font-face (the first that exists), if any."""
    return next((p for p in CJK_FONT_FILES if p.is_file()), None)


def font_face(for_pdf: bool) -> str:
    """Fonts: for the PDF, the CJK font file and short family lists (fewer font look-ups; every
    family named exists); in a browser, local names and the stylesheet's longer fallback lists."""
    font = cjk_font_file()
    if not for_pdf or font is None:
        local = 'local("WenQuanYi Micro Hei"), local("Noto Sans CJK SC"), local("Microsoft YaHei")'
        return f'@font-face {{ font-family: "{CJK_FAMILY}"; src: {local}; }}'
    return (
        f'@font-face {{ font-family: "{CJK_FAMILY}"; src: url("{font.as_uri()}"); }}\n'
        f'html {{ font-family: "Liberation Sans", "{CJK_FAMILY}"; }}\n'
        f'body.lang-zh {{ font-family: "{CJK_FAMILY}"; }}'
    )


def render_html(result: Result, lang: str, *, for_pdf: bool = False) -> str:
    """The whole report as one HTML document (inline CSS, inline SVG charts).

    `for_pdf`: the document for WeasyPrint, which gets report.css separately (parsed once per
    process, see pdf.py); the document itself carries only the @font-face and font families."""
    lang = "zh" if lang == "zh" else "en"
    context = report_context(result, lang)
    context["radar"] = chart(context["radar_svg"], for_pdf, context["radar_alt"])
    context["timeline"] = chart(context["timeline_svg"], for_pdf, context["timeline_alt"])
    shared = "" if for_pdf else stylesheet() + "\n"
    css = Markup(shared + font_face(for_pdf))  # trusted: our own files only
    document = environment().get_template("report.html").render(context, css=css, for_pdf=for_pdf)
    return BLOCK_GAP.sub("", document) if for_pdf else document


def report_context(result: Result, lang: str) -> dict[str, Any]:
    """Everything the report shows, computed from the typed result: the templates' context, and
    what the Word document is built from (docx.py); the charts as SVG text and in words."""
    organisation = result.organisation or label("unnamed", lang)
    findings = [view.finding_view(f, result, lang) for f in result.findings]
    roles, perception = view.perception_rows(result, lang)
    dimensions = view.dimension_views(result, findings, lang)
    numbered = sections(dimensions, bool(perception), lang)
    return {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        # every label gets the framework's comparison names ({reference}, {target}, ...)
        "t": functools.partial(label, lang=lang, **comparison_names(result.framework, lang)),
        "method_text": method_paragraphs(result, lang),
        "perception_intro": perception_intro(result, lang),
        "organisation": organisation,
        "doc_title": result.framework.title.get(lang),
        "kicker": _kicker(result, lang),
        "about": view.about(result, lang),
        "sections": numbered,
        "findings": findings,
        "dimensions": dimensions,
        "perception": perception,
        "perception_roles": [result.framework.role_name(r, lang) for r in roles],
        "assurance": assurance(result, lang, functools.partial(decimal, lang=lang)),
        "at": functools.partial(assurance_text, lang=lang),
        "consensus": consensus_findings(findings),
        **_front_matter(result, organisation, findings, numbered, lang),
        **_plan_and_charts(result, dimensions, numbered, lang),
    }


def _front_matter(
    result: Result,
    organisation: str,
    findings: Sequence[view.FindingView],
    numbered: Mapping[str, Section],
    lang: str,
) -> dict[str, Any]:
    """Cover and executive summary."""
    return {
        "date": view.report_date(result.date, lang),
        "today": view.report_date(None, lang),
        "roles": view.role_counts(result, lang),
        "summary": view.summary_paragraph(result, organisation, lang),
        "themes": [f for f in findings if f.kind != "strength"][:3],
        "strength": view.top_strength(result, findings, lang),
        "teaser": view.roadmap_teaser(result, numbered["roadmap"].number, lang),
    }


def _plan_and_charts(
    result: Result,
    dimensions: Sequence[view.DimensionView],
    numbered: Mapping[str, Section],
    lang: str,
) -> dict[str, Any]:
    """Roadmap, trace, charts and the cross-references between sections."""
    children = numbered["dimensions"].children
    phases = plan_view.phase_views(result, lang)
    names = comparison_names(result.framework, lang)
    radar_alt, timeline_alt = radar_text(dimensions, lang, names), timeline_text(phases, lang)
    return {
        "section_of": {d.id: s.number for d, s in zip(dimensions, children, strict=True)},
        "phases": phases,
        "trace": plan_view.trace_rows(result.trace, lang),
        "gates": ", ".join(decimal(g) for g in level_gates(result)),
        "radar_svg": radar_svg(result, lang),
        "timeline_svg": roadmap_svg(result, lang),
        "radar_alt": radar_alt,
        "timeline_alt": timeline_alt,
        "action_numbers": number_actions(result.phases),
    }


def radar_text(
    dimensions: Sequence[view.DimensionView], lang: str, names: Mapping[str, str]
) -> str:
    """The profile chart in words (its alternative text): every dimension's three values, the
    profiles named by the framework (`names`: messages.comparison_names)."""
    items = label("item_separator", lang).join(
        label("radar_item", lang, title=d.title, index=d.index,
              reference_value=d.traditional, target_value=d.target, **names)
        for d in dimensions
    )  # fmt: skip
    return label("radar_alt", lang, items=items, **names)


def timeline_text(phases: Sequence[plan_view.PhaseView], lang: str) -> str:
    """The roadmap timeline in words (its alternative text): the actions of every phase."""
    items = label("item_separator", lang).join(
        label("timeline_item", lang, phase=p.heading,
              numbers=", ".join(str(a.number) for a in p.actions))
        for p in phases if p.actions
    )  # fmt: skip
    return label("timeline_alt", lang, items=items)


def chart(svg: str, for_pdf: bool, alt: str) -> Markup:
    """A chart built by ElementTree (every label escaped): inline SVG for browsers, in an element
    with the role of an image and `alt` as its label; for WeasyPrint an image with a data: URL
    (its XML parser reads it, not the much slower HTML parser), `alt` its alternative text (the
    /Alt of the tagged PDF's Figure)."""
    if not for_pdf:
        return (
            Markup('<div role="img" aria-label="{}">').format(alt) + Markup(svg) + Markup("</div>")
        )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Markup('<img alt="{}" src="data:image/svg+xml;base64,{}">').format(alt, data)


@dataclass(frozen=True)
class Section:
    """A numbered section of the report, for its heading and the table of contents."""

    anchor: str
    number: str
    title: str
    children: tuple[Section, ...] = ()


def sections(
    dimensions: Sequence[view.DimensionView], perception: bool, lang: str
) -> dict[str, Section]:
    """The report's sections in order; perception only when there are several roles."""
    keys = ["summary", "profile", "dimensions", *(["perception"] * perception), "assurance",
            "roadmap"]  # fmt: skip
    out = {}
    for n, key in enumerate(keys, start=1):
        children = tuple(
            Section(d.anchor, f"{n}.{i}", d.title) for i, d in enumerate(dimensions, start=1)
        )
        title = assurance_text(key, lang) if key == "assurance" else label(key, lang)
        out[key] = Section(f"sec-{key}", str(n), title, children if key == "dimensions" else ())
    for key in ("method", "trace"):
        out[key] = Section(f"sec-{key}", "", label(key, lang))
    return out


def _kicker(result: Result, lang: str) -> str:
    """The line above the title on the cover: the framework's subtitle, else "Assessment report"."""
    subtitle = result.framework.subtitle
    return subtitle.get(lang) if subtitle else label("report_kicker", lang)
