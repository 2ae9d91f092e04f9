"""The PDF for everyone and for the archive, read back with pikepdf (not the library that wrote it):
tagged with a structure tree, /Lang, bookmarks per section, XMP metadata, chart alternative text,
the result JSON attached; PDF/A-3b on request; pdftotext reads it in order."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from assessment.content.library import Library
from assessment.engine.answers import load_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.render.report import pdf
from assessment.render.report.html import report_context

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")

ANSWERS = Path(__file__).parent / "data" / "answers" / "quick-three-roles.yaml"
XMP_UA = "{http://www.aiim.org/pdfua/ns/id/}part"


@pytest.fixture(scope="module")
def result(library: Library) -> Result:
    return assess(load_answers(ANSWERS, library), library, use_engine=False)


@pytest.fixture(scope="module")
def files(result: Result, tmp_path_factory: Any) -> dict[str, Path]:
    """The tagged report in both languages and the PDF/A-3b one in English, as files."""
    folder = tmp_path_factory.mktemp("archive")
    out = {}
    for key, lang, variant in (("en", "en", None), ("zh", "zh", None), ("a3", "en", "pdf/a-3b")):
        out[key] = folder / f"{key}.pdf"
        out[key].write_bytes(pdf.render_pdf(result, lang, variant))
    return out


def outline(path: Path) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in order."""
    found: list[tuple[int, str]] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            found.append((depth, str(item.title)))
            walk(item.children, depth + 1)

    with pikepdf.open(path) as document, document.open_outline() as tree:
        walk(tree.root, 0)
    return found


def struct_elements(node: Any) -> Any:
    """Every structure element under a node of the structure tree."""
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from struct_elements(kid)


@pytest.mark.parametrize(("key", "lang"), [("en", "en-GB"), ("zh", "zh-CN")])
def test_tagged_with_a_structure_tree_and_language(
    key: str, lang: str, files: dict[str, Path]
) -> None:
    with pikepdf.open(files[key]) as document:
        assert document.Root.MarkInfo.Marked is True
        tree = document.Root.StructTreeRoot
        kinds = {str(e.S) for e in struct_elements(tree)}
        assert {"/H1", "/H2", "/P", "/Table", "/Figure"} <= kinds
        assert str(document.Root.Lang) == ("zh-CN" if key == "zh" else "en")


def test_charts_have_alternative_text(files: dict[str, Path]) -> None:
    with pikepdf.open(files["zh"]) as document:
        figures = [e for e in struct_elements(document.Root.StructTreeRoot) if e.S == "/Figure"]
        alts = [str(f.get("/Alt", "")) for f in figures]
    assert len(alts) == 2 and alts[0].startswith("成熟度概况雷达图") and "关注顾客" in alts[0]
    assert alts[1].startswith("路线图时间线")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bookmark_per_section_with_a_space_after_its_number(
    lang: str, files: dict[str, Path], result: Result
) -> None:
    sections = report_context(result, lang)["sections"]
    marks = outline(files[lang])
    top = [title for depth, title in marks if depth == 0]
    assert top == [report_context(result, lang)["t"]("contents")] + [
        f"{s.number} {s.title}".strip() for s in sections.values()
    ]
    children = [f"{c.number} {c.title}" for c in sections["dimensions"].children]
    assert [t for _, t in marks if t in children] == children


def test_xmp_metadata_names_title_author_and_pdf_ua(files: dict[str, Path]) -> None:
    with pikepdf.open(files["en"]) as document:
        meta = document.open_metadata()
        assert meta["dc:title"] == "华东精密 Precision Co — TQM maturity assessment"
        assert "华东精密 Precision Co" in str(meta["dc:creator"])
        assert meta[XMP_UA] == "1"


def test_pdf_a_3b_is_declared_and_the_result_is_its_associated_file(
    files: dict[str, Path],
) -> None:
    with pikepdf.open(files["a3"]) as document:
        meta = document.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        associated = {str(f.F): str(f.AFRelationship) for f in document.Root.AF}
        assert associated == {pdf.RESULT_FILE: "/Data"}
        assert "/StructTreeRoot" in document.Root  # tagged as well
        assert "/OutputIntents" in document.Root


@pytest.mark.parametrize(("key", "lang"), [("en", "en"), ("zh", "zh"), ("a3", "en")])
def test_embedded_result_is_what_tqm_score_prints(
    key: str, lang: str, files: dict[str, Path], cli: Any
) -> None:
    printed = cli("score", str(ANSWERS), "--format", "json", "--lang", lang).stdout_bytes
    with pikepdf.open(files[key]) as document:
        attachments = dict(document.attachments)
        assert list(attachments) == [pdf.RESULT_FILE]
        embedded = attachments[pdf.RESULT_FILE].get_file().read_bytes()
    assert embedded == printed.replace(b"\r\n", b"\n")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdftotext_reads_the_sections_in_order(
    lang: str, files: dict[str, Path], result: Result
) -> None:
    text = subprocess.run(
        ["pdftotext", files[lang], "-"], capture_output=True, text=True, check=True
    ).stdout
    body = "\f".join(text.split("\f")[2:])  # after the cover and the contents page
    sections = report_context(result, lang)["sections"]
    headings = [f"{s.number} {s.title}".strip() for s in sections.values()]
    positions = [body.find(h) for h in headings]
    assert -1 not in positions, list(zip(headings, positions, strict=True))
    assert positions == sorted(positions)


def test_an_unknown_variant_is_refused(result: Result) -> None:
    with pytest.raises(pdf.RenderError, match="unknown PDF variant"):
        pdf.render_pdf(result, "en", "pdf/x-4")
