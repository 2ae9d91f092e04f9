"""The Word document's frame: template, fonts and languages, header and footer, fields, properties.

A consultant's template (`tqm report --template my.docx`, or TQM_DOCX_TEMPLATE) brings its styles
(Title, Heading 1-4, Normal, List Bullet, Caption and a table style), colours, fonts, page size,
margins and its header and footer (a logo, say): its body text is dropped and the report written
in its place. A header or footer the template leaves empty gets the report's own.

Chinese: Word picks the font of CJK characters from `w:eastAsia` of the run fonts, and a style's
`w:eastAsiaTheme` overrides it; so every style's theme East Asian font is replaced by a named one,
the document defaults and every Chinese run name it too, and the language of East Asian text is
zh-CN. The font table gives Word and LibreOffice its Chinese name and character set, for a
fallback when it is not installed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from .messages import label

EAST_ASIAN_FONT = "Microsoft YaHei"  # Windows and Office; LibreOffice substitutes a CJK sans
EAST_ASIAN_ALT = "微软雅黑"
LATIN_FONT = "Arial"
LANGUAGE = {"en": "en-GB", "zh": "zh-CN"}


def open_template(template: Path | None) -> WordDocument:
    """A document with the template's styles, page set-up, header and footer, and no body text."""
    document = Document(str(template)) if template else _plain_document()
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):  # keep the section: page size, margins, header, footer
            body.remove(child)
    _add_missing_headings(document)
    return document


def _add_missing_headings(document: WordDocument) -> None:
    """Heading 1-4 defined (a document saved by Word defines only the styles it used): bold, on
    outline levels 1-4, so the navigation pane and the TOC field find them."""
    names = {s.name for s in document.styles}
    for level in range(1, 5):
        if f"Heading {level}" in names:
            continue
        style = document.styles.add_style(f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.bold = True
        style.font.size = Pt((16, 13, 11.5, 10.5)[level - 1])
        style.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), str(level - 1))
        style.element.get_or_add_pPr().append(outline)


def _plain_document() -> WordDocument:
    """python-docx's own template on A4 with 2 cm margins and a sans-serif body (Arial: Word has
    it, LibreOffice shows the metric-compatible Liberation Sans) like the PDF's."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT  # sets w:ascii and w:hAnsi
    normal.font.size = Pt(10.5)
    return document


def set_languages(document: WordDocument, lang: str) -> None:
    """Document defaults and every style: the report's language and a named East Asian font."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    run_props = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    set_east_asian(run_props)
    language = _child(run_props, "w:lang")
    language.set(qn("w:val"), LANGUAGE.get(lang, "en-GB"))
    language.set(qn("w:eastAsia"), "zh-CN")
    for fonts in styles.iter(qn("w:rFonts")):
        if fonts.get(qn("w:eastAsiaTheme")) is not None:
            del fonts.attrib[qn("w:eastAsiaTheme")]
            fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    _declare_font(document)


def set_east_asian(run_props: Any) -> None:
    """A run's (or the defaults') properties name the East Asian font."""
    fonts = _child(run_props, "w:rFonts", first=True)
    if fonts.get(qn("w:eastAsiaTheme")) is not None:
        del fonts.attrib[qn("w:eastAsiaTheme")]
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def mark_east_asian(runs: Iterable[Run]) -> None:
    """Runs of Chinese text: the East Asian font named on the run itself."""
    for run in runs:
        set_east_asian(run._r.get_or_add_rPr())


def _declare_font(document: WordDocument) -> None:
    """The East Asian font in the font table: its Chinese name and GB2312 character set."""
    part = next((r.target_part for r in document.part.rels.values()
                 if r.reltype.endswith("/fontTable")), None)  # fmt: skip
    if part is None:
        return
    table = etree.fromstring(part.blob)
    if any(f.get(qn("w:name")) == EAST_ASIAN_FONT for f in table.findall(qn("w:font"))):
        return
    font = etree.SubElement(table, qn("w:font"))
    font.set(qn("w:name"), EAST_ASIAN_FONT)
    for tag, value in (("w:altName", EAST_ASIAN_ALT), ("w:charset", "86"), ("w:family", "swiss")):
        etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _child(parent: Any, tag: str, first: bool = False) -> Any:
    """The child element `tag` of `parent`, added when missing (first, or last)."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        if first:
            parent.insert(0, found)
        else:
            parent.append(found)
    return found


def add_field(paragraph: Paragraph, instruction: str, shown: str = "") -> None:
    """A field (PAGE, NUMPAGES, TOC ...) in a paragraph, `shown` until Word updates it."""
    begin_field(paragraph, instruction)
    if shown:
        paragraph.add_run(shown)
    end_field(paragraph)


def begin_field(paragraph: Paragraph, instruction: str) -> None:
    """The start of a field and its instruction; its result follows until `end_field`."""
    _field_char(paragraph, "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    _field_char(paragraph, "separate")


def end_field(paragraph: Paragraph) -> None:
    """The end of the field begun earlier (in this or an earlier paragraph)."""
    _field_char(paragraph, "end")


def _field_char(paragraph: Paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def update_fields_on_open(document: WordDocument) -> None:
    """Word fills the table of contents and page numbers when it opens the document."""
    settings = document.settings.element
    update = _child(settings, "w:updateFields")
    update.set(qn("w:val"), "true")


def write_header_footer(document: WordDocument, header: str, lang: str) -> None:
    """The running header (unless the template has one) and 'Page n of m' in the footer."""
    section = document.sections[0]
    section.different_first_page_header_footer = True  # the cover has neither
    if not any(p.text.strip() for p in section.header.paragraphs) and not _has_drawing(
        section.header
    ):
        paragraph = section.header.paragraphs[0]
        paragraph.text = header
        if "Header" in {s.name for s in document.styles}:
            paragraph.style = document.styles["Header"]
    footer = section.footer
    if any(p.text.strip() for p in footer.paragraphs):
        return
    paragraph = footer.paragraphs[0]
    if "Footer" in {s.name for s in document.styles}:
        paragraph.style = document.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(label("page", lang) + " ")
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" " + label("page_of", lang) + " ")
    add_field(paragraph, "NUMPAGES", "1")
    if label("page_end", lang):
        paragraph.add_run(" " + label("page_end", lang))


def _has_drawing(part: Any) -> bool:
    return bool(part._element.xpath(".//w:drawing | .//w:pict"))


def set_properties(document: WordDocument, facts: Mapping[str, str], lang: str) -> None:
    """Document properties: title, subject, author (the organisation), keywords, language, dates."""
    props = document.core_properties
    props.title = facts["title"]
    props.subject = facts["subject"]
    props.author = facts["organisation"]
    props.last_modified_by = "tqm-maturity"
    props.keywords = facts["keywords"]
    props.category = label("report_kicker", lang)
    props.comments = facts["comments"]
    props.language = LANGUAGE.get(lang, "en-GB")
    props.created = props.modified = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    props.revision = 1
