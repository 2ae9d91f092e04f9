"""The Word report, read back with python-docx: its sections as Word headings, the charts as
pictures with alternative text, Chinese runs in an East Asian font, properties, templates."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.oxml.ns import qn
from helpers.wording import other_result, tqm_words_in

from assessment.content.library import Library
from assessment.engine.answers import load_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.render import RenderOptions, render
from assessment.render.docx import render_docx
from assessment.render.docx_setup import EAST_ASIAN_FONT
from assessment.render.report.html import report_context

ANSWERS = Path(__file__).parent / "data" / "answers" / "quick-three-roles.yaml"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


@pytest.fixture(scope="module")
def result(library: Library) -> Result:
    """Three roles that disagree, with evidence: every section of the report is there."""
    return assess(load_answers(ANSWERS, library), library, use_engine=False)


@pytest.fixture(scope="module")
def documents(result: Result) -> dict[str, WordDocument]:
    """The report in both languages, read back."""
    return {lang: docx.Document(io.BytesIO(render_docx(result, lang))) for lang in ("en", "zh")}


def headings(document: WordDocument, level: int) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sections_are_heading_1_in_the_pdf_order(
    lang: str, documents: dict[str, WordDocument], result: Result
) -> None:
    sections = report_context(result, lang)["sections"]
    expected = [f"{s.number} {s.title}".strip() for s in sections.values()]
    assert headings(documents[lang], 1) == expected
    assert [key for key in sections][:7] == [
        "summary", "profile", "dimensions", "perception", "assurance", "roadmap", "method"
    ]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_dimension_has_its_heading_2_section(
    lang: str, documents: dict[str, WordDocument], result: Result
) -> None:
    children = report_context(result, lang)["sections"]["dimensions"].children
    level2 = headings(documents[lang], 2)
    positions = [level2.index(f"{c.number} {c.title}") for c in children]
    assert len(children) == len(result.dimensions) == 6
    assert positions == sorted(positions)


def test_findings_and_their_evidence_are_in_the_document(
    documents: dict[str, WordDocument], result: Result
) -> None:
    document = documents["en"]
    finding_titles = set(headings(document, 4))
    text = "\n".join(p.text for p in document.paragraphs)
    assert {f.title.en for f in result.findings if f.kind != "perception_gap"} <= finding_titles
    assert "QFD matrix, design review minutes" in text and "Projects borrow people." in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_method_and_the_actions_say_weeks_and_capacity(
    documents: dict[str, WordDocument], result: Result, lang: str
) -> None:
    text = "\n".join(p.text for p in documents[lang].paragraphs)
    plan = result.roadmap
    assert plan is not None
    days = format(plan.days_per_month, "g")
    assert (f"{days} person-days a month" if lang == "en" else f"每月 {days} 人日") in text
    action = result.phases[0].actions[0]
    weeks = "weeks {}–{}" if lang == "en" else "第 {}–{} 周"
    assert weeks.format(*action.weeks) in text


def test_charts_are_pictures_with_alternative_text(documents: dict[str, WordDocument]) -> None:
    for lang, document in documents.items():
        properties = document.element.body.findall(f".//{{{DRAWING_NS}}}docPr")
        descriptions = [p.get("descr", "") for p in properties]
        assert len(descriptions) == 2, lang  # the profile radar and the roadmap timeline
        assert all(len(d) > 60 for d in descriptions), descriptions
    radar, timeline = (p.get("descr") for p in documents["zh"].element.body.iter(
        f"{{{DRAWING_NS}}}docPr"))  # fmt: skip
    assert radar.startswith("成熟度概况雷达图") and "关注顾客与顾客满意 75" in radar
    assert timeline.startswith("路线图时间线")


def test_chinese_runs_carry_the_east_asian_font(documents: dict[str, WordDocument]) -> None:
    document = documents["zh"]
    chinese = [r for p in document.paragraphs for r in p.runs if any("\u4e00" <= c <= "\u9fff"
               for c in r.text)]  # fmt: skip
    assert len(chinese) > 100
    for run in chinese:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == EAST_ASIAN_FONT, run.text
        assert fonts.get(qn("w:eastAsiaTheme")) is None


def test_defaults_and_styles_name_the_east_asian_font_and_language(
    documents: dict[str, WordDocument],
) -> None:
    styles = documents["zh"].styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == EAST_ASIAN_FONT
    language = defaults.find(qn("w:lang"))
    assert (language.get(qn("w:val")), language.get(qn("w:eastAsia"))) == ("zh-CN", "zh-CN")
    assert not [f for f in styles.iter(qn("w:rFonts")) if f.get(qn("w:eastAsiaTheme"))]


def test_table_of_contents_is_a_field_filled_with_the_sections(
    documents: dict[str, WordDocument],
) -> None:
    body = documents["en"].element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC ") for i in instructions)
    settings = documents["en"].settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_footer_numbers_pages_and_header_names_the_report(
    documents: dict[str, WordDocument],
) -> None:
    section = documents["zh"].sections[0]
    footer = section.footer._element
    fields = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert "全面质量管理成熟度评估" in section.header.paragraphs[0].text
    assert section.different_first_page_header_footer  # the cover has none


def test_tables_have_a_style_and_a_repeated_header(documents: dict[str, WordDocument]) -> None:
    tables = documents["en"].tables
    assert len(tables) >= 6
    assert all(t.style is not None and t.style.name == "Light Grid Accent 1" for t in tables)
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in tables)


def test_properties_describe_the_report(documents: dict[str, WordDocument]) -> None:
    props = documents["zh"].core_properties
    assert props.title == "华东精密 Precision Co — 全面质量管理成熟度评估"
    assert props.author == "华东精密 Precision Co"
    assert props.language == "zh-CN" and props.created is not None and "tqm-quick" in props.keywords


def test_a_template_brings_its_styles_header_and_page(result: Result, tmp_path: Path) -> None:
    template = docx.Document()
    template.styles["Heading 1"].font.name = "Georgia"
    template.sections[0].header.paragraphs[0].text = "ACME Consulting"
    template.add_paragraph("This sample text is dropped.")
    template.styles["Heading 4"].delete()  # Word saves only the styles a document used
    path = tmp_path / "acme.docx"
    template.save(str(path))
    document = docx.Document(io.BytesIO(render_docx(result, "en", template=path)))
    assert document.styles["Heading 1"].font.name == "Georgia"
    assert document.sections[0].header.paragraphs[0].text == "ACME Consulting"
    assert "This sample text is dropped." not in [p.text for p in document.paragraphs]
    assert document.paragraphs[0].text  # the report starts at once
    assert len([p for p in document.paragraphs if p.style.name == "Heading 4"]) > 3


def test_template_from_the_environment(
    result: Result, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Env Template Ltd"
    path = tmp_path / "env.docx"
    template.save(str(path))
    monkeypatch.setenv("TQM_DOCX_TEMPLATE", str(path))
    data = render("docx", result, load_answers(ANSWERS, library), "en", RenderOptions())
    assert isinstance(data, bytes)
    document = docx.Document(io.BytesIO(data))
    assert document.sections[0].header.paragraphs[0].text == "Env Template Ltd"


def test_cli_writes_docx_by_its_suffix(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    run = cli("report", str(ANSWERS), "-o", str(out), "--lang", "zh")
    assert run.exit_code == 0, run.output
    document = docx.Document(str(out))
    assert headings(document, 1)[0] == "1 执行摘要"


@pytest.mark.parametrize(
    ("lang", "names"), [("en", ("Sector median", "Benchmark")), ("zh", ("行业中位数", "标杆"))]
)
def test_another_framework_s_document_has_none_of_the_bundled_wording(
    mini: Library, lang: str, names: tuple[str, str]
) -> None:
    document = docx.Document(io.BytesIO(render_docx(other_result(mini), lang)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    props = document.core_properties
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join([*paragraphs, *cells, props.title, props.keywords])
    text = text.replace("tqm-result/1", "")  # the result contract's name, not wording
    assert tqm_words_in(text) == []
    assert all(name in text for name in names)
