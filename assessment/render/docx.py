"""The report as an editable Word document (python-docx), from the same views as the PDF.

`report_context` (report/html.py) computes everything the report shows; this module only lays it
out in Word's own structure: Title and Heading 1-4 styles (the navigation pane and the table of
contents field follow them), table styles, the charts as PNG pictures with alternative text, a
header and 'Page n of m' footer, document properties. The frame (template, fonts, fields) is in
docx_setup.py.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..engine.result import Result
from ..numbers import decimal
from .chart_png import chart_png
from .docx_assurance import write_assurance
from .docx_setup import (
    begin_field,
    end_field,
    mark_east_asian,
    open_template,
    set_languages,
    set_properties,
    update_fields_on_open,
    write_header_footer,
)
from .report.html import CJK_FAMILY, report_context

TEMPLATE_VARIABLE = "TQM_DOCX_TEMPLATE"
TABLE_STYLES = ("Light Grid Accent 1", "Table Grid")  # the first the template has
Context = dict[str, Any]


def render_docx(result: Result, lang: str, template: Path | None = None) -> bytes:
    """The report as DOCX bytes; `template` (default: $TQM_DOCX_TEMPLATE) gives styles and frame."""
    lang = "zh" if lang == "zh" else "en"
    if template is None and os.environ.get(TEMPLATE_VARIABLE):
        template = Path(os.environ[TEMPLATE_VARIABLE])
    ctx = report_context(result, lang)
    document = open_template(template)
    set_languages(document, lang)
    writer = Writer(document, ctx)
    for part in (_cover, _contents, _summary, _profile, _dimensions, _perception, write_assurance,
                 _roadmap, _method, _trace):  # fmt: skip
        part(writer)
    if lang == "zh":
        mark_east_asian(r for p in _paragraphs(document) for r in p.runs)
    update_fields_on_open(document)
    write_header_footer(document, f"{ctx['organisation']} — {ctx['doc_title']}", lang)
    set_properties(document, _facts(ctx), lang)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Writer:
    """Paragraphs, headings and tables in the document's styles (the template's if it has them)."""

    def __init__(self, document: WordDocument, ctx: Context):
        self.doc, self.ctx = document, ctx
        self.t: Callable[..., str] = ctx["t"]
        # python-docx looks a style up by name with XPath on every use (a third of the render):
        # the ids are looked up once and set on the paragraphs directly
        self.style_ids = {s.name: s.style_id for s in document.styles if s.name}
        names = set(self.style_ids)
        self.table_style = next((n for n in TABLE_STYLES if n in names), None)
        self.styles = names
        self.colon = "：" if ctx["lang"] == "zh" else ":"  # full-width in Chinese text

    def para(self, text: str = "", style: str | None = None, bold: str = "") -> Paragraph:
        """A paragraph: `bold` (a label) first, then `text`."""
        paragraph = self.doc.add_paragraph()
        if style in self.style_ids:
            paragraph._p.style = self.style_ids[style]
        if bold:
            paragraph.add_run(bold + " ").bold = True
        if text:
            paragraph.add_run(text)
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        """A paragraph in the style Heading `level` (the outline level Word navigates by)."""
        return self.para(text, f"Heading {level}")

    def section(self, key: str, page_break: bool = True) -> None:
        """A numbered section's Heading 1, on a new page."""
        sec = self.ctx["sections"][key]
        if page_break:
            self.doc.add_page_break()
        self.heading(f"{sec.number} {sec.title}".strip(), 1)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        weights: Sequence[float] = (),
    ) -> Table:
        """A table with a header row repeated on every page; column widths in proportion to
        `weights` (default: the first column three times as wide as each of the others)."""
        table = self.doc.add_table(rows=1, cols=len(header), style=self.table_style)
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        _repeat_header(table)
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
        self._set_widths(table, weights or (3.0, *[1.0] * (len(header) - 1)))
        return table

    def _set_widths(self, table: Table, weights: Sequence[float]) -> None:
        """Fixed column widths over the text width (Word reads the cells', LibreOffice the grid)."""
        section = self.doc.sections[-1]
        usable = (
            (section.page_width or Cm(21))
            - (section.left_margin or 0)
            - (section.right_margin or 0)
        )
        table.autofit = False
        for column, weight in zip(table.columns, weights, strict=True):
            width = int(usable * weight / sum(weights))
            column.width = width
            for cell in column.cells:
                cell.width = width

    def picture(self, svg: str, alt: str, width_cm: float) -> None:
        """A chart as a PNG picture with alternative text (wp:docPr descr), centred."""
        image = chart_png(svg, CJK_FAMILY)
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        shape = paragraph.add_run().add_picture(io.BytesIO(image.png), width=Cm(width_cm))
        shape._inline.docPr.set("descr", alt)
        shape._inline.docPr.set("title", alt.split(".")[0].split("：")[0])


def _repeat_header(table: Table) -> None:
    from docx.oxml import OxmlElement

    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))


def _paragraphs(document: WordDocument) -> list[Paragraph]:
    """Every paragraph of the body, tables included."""
    out = list(document.paragraphs)
    for table in document.tables:
        out.extend(p for row in table.rows for cell in row.cells for p in cell.paragraphs)
    return out


def _facts(ctx: Context) -> dict[str, str]:
    about = ctx["about"]
    return {
        "title": f"{ctx['organisation']} — {ctx['doc_title']}",
        "subject": about.questionnaire_title or about.questionnaire_id,
        "organisation": ctx["organisation"],
        "keywords": f"{ctx['doc_title']}, {about.questionnaire_id}, {about.rulepack_id}",
        "comments": f"{about.schema}; {about.rulepack_id} sha256 {about.rulepack_sha256}",
    }


# --- the sections, in the PDF's order -----------------------------------------------------------


def _cover(w: Writer) -> None:
    ctx, t, about = w.ctx, w.t, w.ctx["about"]
    w.para(ctx["kicker"], "Subtitle").paragraph_format.space_before = Cm(5)
    w.para(ctx["doc_title"], "Subtitle")
    w.para(ctx["organisation"], "Title")
    w.para(about.questionnaire_title or about.questionnaire_id, "Subtitle")
    respondents = t("respondent_count", n=about.respondents)
    rows = [
        (t("organisation"), ctx["organisation"]),
        (t("questionnaire"), f"{about.questionnaire_title or about.questionnaire_id} · "
                             f"{about.questionnaire_id}, {t('version', v=about.questionnaire_version)}"),
        (t("rule_pack"), f"{about.rulepack_id} · {t('version', v=about.rulepack_version)}"),
        (t("date"), ctx["date"]),
        (t("respondents"), " · ".join([respondents, *ctx["roles"]])),
    ]  # fmt: skip
    w.table(rows[0], rows[1:], (1, 3))
    w.para()
    w.para(f"{t('level_n', n=about.level)} · {about.level_name}", bold=t("overall_level") + w.colon)
    w.para(t("index_of_100", x=decimal(about.index)))


def _contents(w: Writer) -> None:
    """A table of contents field (Heading 1-2), shown filled in before Word updates it."""
    w.doc.add_page_break()
    w.para(w.t("contents"), "TOC Heading" if "TOC Heading" in w.styles else "Heading 1")
    flat: list[tuple[str, int]] = []
    for sec in w.ctx["sections"].values():
        flat.append((f"{sec.number} {sec.title}".strip(), 1))
        flat.extend((f"{c.number} {c.title}", 2) for c in sec.children)
    first = w.para()
    begin_field(first, 'TOC \\o "1-2" \\h \\z \\u')
    first.add_run(flat[0][0])
    last = first
    for text, level in flat[1:]:
        last = w.para(text, f"TOC {level}" if f"TOC {level}" in w.styles else None)
        if level == 2:
            last.paragraph_format.left_indent = Cm(0.6)
    end_field(last)
    w.para(w.t("toc_hint"), "Caption")


def _summary(w: Writer) -> None:
    ctx, t, about = w.ctx, w.t, w.ctx["about"]
    w.section("summary")
    w.table(
        (t("overall_level"), t("index"), t("respondents"), ctx["sections"]["roadmap"].title),
        [(f"{about.level} · {about.level_name}", f"{decimal(about.index)} / 100",
          str(about.respondents), f"{len(ctx['action_numbers'])} {t('actions_word')}")],
        (1, 1, 1, 1),
    )  # fmt: skip
    for text in [*ctx["summary"], ctx["teaser"]]:
        w.para(text)
    w.heading(t("themes"), 2)
    if not ctx["themes"]:
        w.para(t("no_themes"))
    for f in ctx["themes"]:
        w.para("", "List Number", bold=f.title)
        w.para(f"{_tags(f, t)} · {' · '.join(f.dimension_titles)}", "Caption")
        w.para(f.detail)
    strength = ctx["strength"]
    if strength:
        w.heading(t("top_strength"), 2)
        if isinstance(strength, str):
            w.para(strength)
        else:
            w.para(strength.detail, bold=strength.title + ".")


def _profile(w: Writer) -> None:
    ctx, t, about = w.ctx, w.t, w.ctx["about"]
    w.section("profile")
    w.para(t("profile_intro", gates=ctx["gates"]))
    w.picture(ctx["radar_svg"], ctx["radar_alt"], 14.0)
    dims = ctx["dimensions"]
    previous = bool(dims and dims[0].previous)
    header = [t("dimension"), t("index"), t("level"), t("reference"), t("target"), t("gap")]
    header += [t("previous"), t("change")] if previous else []
    rows = [
        [d.title, d.index, f"{d.level} {d.level_name}", d.traditional, d.target, d.gap]
        + ([d.previous, d.change] if previous else [])
        for d in dims
    ]
    rows.append([t("overall"), decimal(about.index), f"{about.level} {about.level_name}",
                 *[""] * (len(header) - 3)])  # fmt: skip
    w.table(header, rows, (4.2, 1.2, 2.6, *[1.3] * (len(header) - 3)))


def _dimensions(w: Writer) -> None:
    ctx, t = w.ctx, w.t
    w.section("dimensions")
    for i, (d, sec) in enumerate(zip(ctx["dimensions"], ctx["sections"]["dimensions"].children,
                                     strict=True)):  # fmt: skip
        if i:
            w.doc.add_page_break()
        w.heading(f"{sec.number} {d.title}", 2)
        w.para(f"{t('level_n', n=d.level)} · {d.level_name}", bold=t("level") + w.colon)
        figures = [(t("index"), d.index), (t("reference"), d.traditional),
                   (t("target"), d.target), (t("gap"), d.gap)]  # fmt: skip
        if d.previous:
            figures.insert(1, (t("previous"), f"{d.previous} ({d.change})"))
        if d.agreement:
            figures.append((t("agreement"), d.agreement))
        w.table([k for k, _ in figures], [[v for _, v in figures]], [1.0] * len(figures))
        w.para(d.counts + (f"; {t('by_role')}: {d.roles}" if d.roles else ""), "Caption")
        w.para(d.description, bold=t("what_level_means") + w.colon)
        _dimension_findings(w, d)


def _dimension_findings(w: Writer, d: Any) -> None:
    t = w.t
    w.heading(t("strengths"), 3)
    for f in d.strengths:
        _finding(w, f)
    if not d.strengths:
        w.para(d.no_strength)
    w.heading(t("issues"), 3)
    for f in d.issues:
        _finding(w, f)
    if not d.issues and not d.also:
        w.para(t("no_issues"))
    for f in d.also:
        section = w.ctx["section_of"][f.dimensions[0]]
        w.para(f"{f.title} ({t('see_section', n=section)})", "List Bullet", bold=_tags(f, t))
    if d.planned:
        w.heading(t("planned_actions"), 3)
        for phase, actions in d.planned:
            w.para("; ".join(f"{n} {title}" for n, title in actions), bold=phase + w.colon)


def _finding(w: Writer, f: Any) -> None:
    t = w.t
    w.heading(f.title, 4)
    w.para(_tags(f, t), "Caption")
    w.para(f.detail)
    if f.evidence:
        w.para("", bold=t("evidence_from"))
    for e in f.evidence:
        w.para(e.text + (f" — {e.value}" if e.value else ""), "List Bullet")
        for ev in e.evidence:
            w.para(ev, "List Bullet 2", bold=t("evidence") + w.colon)
        for note in e.notes:
            w.para(note, "List Bullet 2", bold=t("note") + w.colon)
    numbers = w.ctx["action_numbers"]
    planned = [str(numbers[a]) for a in f.actions if a in numbers]
    if planned:
        w.para(", ".join(planned), bold=t("actions_called") + w.colon)


def _perception(w: Writer) -> None:
    ctx, t = w.ctx, w.t
    if not ctx["perception"]:
        return
    w.section("perception")
    w.para(ctx["perception_intro"])
    header = [t("dimension"), *ctx["perception_roles"], t("spread"), t("agreement")]
    rows = [[r.title, *r.values, r.spread + (" !" if r.flagged else ""), r.agreement]
            for r in ctx["perception"]]  # fmt: skip
    w.table(header, rows)
    for f in ctx["findings"]:
        if f.kind == "perception_gap":
            w.para(f"{f.title} — {f.detail}", "List Bullet", bold=_tags(f, t))


def _roadmap(w: Writer) -> None:
    ctx, t = w.ctx, w.t
    w.section("roadmap")
    if not ctx["action_numbers"]:
        w.para(t("empty_roadmap"))
        return
    w.para(t("roadmap_intro"))
    w.picture(ctx["timeline_svg"], ctx["timeline_alt"], 16.0)
    for p in ctx["phases"]:
        w.heading(p.heading, 2)
        w.para(p.effort, "Caption")
        for a in p.actions:
            w.heading(f"{a.number} {a.title}", 3)
            extra = [a.dimension, a.effort, f"{t('requires')} {a.requires}" if a.requires else ""]
            w.para(" · ".join(x for x in extra if x), "Caption")
            if a.because:
                w.para("; ".join(a.because), bold=t("why") + w.colon)
            if a.kpi:
                w.para(a.kpi, bold=t("kpi") + w.colon)
        if not p.actions:
            w.para(t("no_actions"))
        moved = [f"{title} {before} → {after}" for title, before, after, ch in p.projected if ch]
        if moved:
            w.para("; ".join(moved), bold=t("projected") + w.colon)
    if ctx["about"].deferred:
        w.para(t("deferred", ids=", ".join(ctx["about"].deferred)), "Caption")
    if ctx["about"].skipped:
        w.para(t("skipped", ids=", ".join(ctx["about"].skipped)), "Caption")


def _method(w: Writer) -> None:
    ctx, t, about = w.ctx, w.t, w.ctx["about"]
    w.section("method")
    for paragraph in ctx["method_text"]:
        w.para(paragraph)
    w.para(about.capacity_note)
    w.heading(t("versions"), 2)
    rows = [
        (t("questionnaire"), f"{about.questionnaire_id} · {t('version', v=about.questionnaire_version)}"),
        (t("rule_pack"), f"{about.rulepack_id} · {t('version', v=about.rulepack_version)} · "
                         f"sha256 {about.rulepack_sha256}"),
        (t("respondents"), " · ".join([t("respondent_count", n=about.respondents), *ctx["roles"]])),
        (t("date"), ctx["date"]),
        (t("generated"), f"{ctx['today']} · {about.schema}"),
    ]  # fmt: skip
    w.table(rows[0], rows[1:], (1, 3))


def _trace(w: Writer) -> None:
    t = w.t
    w.section("trace")
    w.para(t("trace_intro"))
    rows = [(r.rule, t("yes") if r.fired else t("no"), r.conditions) for r in w.ctx["trace"]]
    table = w.table((t("rule"), t("fired"), t("conditions")), rows, (3.2, 0.9, 6))
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _tags(f: Any, t: Callable[..., str]) -> str:
    """'Gap · Severity: high': a finding's kind and severity, as the PDF's tags."""
    if f.kind == "strength":
        return str(f.kind_label)
    return f"{f.kind_label} · {t('severity')}: {f.severity_label}"
