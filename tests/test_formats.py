"""The output-format registry: one list of formats for every command and the web downloads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assessment.content.library import Library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.source import Document
from assessment.render import FORMATS, format_of, formats_for, render


@pytest.fixture(scope="module")
def assessed(library: Library) -> tuple[AnswerSet, Result]:
    questionnaire = library.questionnaires["tqm-quick"]
    data = {"questionnaire": "tqm-quick", "answers": dict.fromkeys(questionnaire.question_ids, 2)}
    answers = parse_answers(Document("formats", data), library)
    return answers, assess(answers, library, use_engine=False)


def test_each_command_offers_its_formats() -> None:
    assert formats_for("score") == ("text", "json", "csv")
    assert formats_for("report") == ("html", "pdf", "docx")
    assert formats_for("export") == ("xlsx",)
    assert formats_for("batch") == ("jsonl", "csv", "xlsx")
    assert formats_for("web") == ("json", "xlsx", "pdf", "docx")


def test_a_file_name_names_its_format_among_a_commands_formats() -> None:
    assert format_of(Path("r.HTM"), "report") is FORMATS["html"]
    assert format_of(Path("r.csv"), "batch") is FORMATS["csv"]
    assert format_of(Path("r.csv"), "report") is None


@pytest.mark.parametrize("name", [n for n, f in FORMATS.items() if f.render and n != "pdf"])
def test_every_single_result_format_renders_in_both_languages(
    name: str, assessed: tuple[AnswerSet, Result]
) -> None:
    answers, result = assessed
    for lang in ("en", "zh"):
        content = render(name, result, answers, lang)
        assert isinstance(content, bytes if FORMATS[name].binary else str) and content


def test_streamed_formats_have_no_single_rendering(assessed: tuple[AnswerSet, Result]) -> None:
    answers, result = assessed
    with pytest.raises(ValueError, match="many results"):
        render("jsonl", result, answers, "en")


def test_importing_the_registry_loads_no_renderer() -> None:
    code = (
        "import sys, assessment.render; "
        "print(sorted(m for m in ('openpyxl', 'weasyprint', 'jinja2', 'assessment.engine', 'docx', "
        "'cairosvg') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_render_modules_hold_no_interface_text_outside_the_messages_package() -> None:
    """Every bilingual string of the outputs lives in assessment/render/messages/ (README)."""
    render = Path(__file__).resolve().parent.parent / "assessment" / "render"
    holders = [
        str(path.relative_to(render))
        for path in render.rglob("*.py")
        if "messages" not in path.parts and "Text(" in path.read_text(encoding="utf-8")
    ]
    assert holders == []


def test_csv_starts_with_a_bom_for_excel_and_holds_no_formula(
    assessed: tuple[AnswerSet, Result],
) -> None:
    answers, result = assessed
    text = render("csv", result, answers, "zh")
    assert isinstance(text, str) and text.startswith("\ufeffrecord,")
    assert "觉醒" in text or "维度" in text or any("\u4e00" <= ch <= "\u9fff" for ch in text)
    cells = [cell for line in text.splitlines()[1:] for cell in line.split(",")]
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]


def test_one_rule_decides_what_text_a_spreadsheet_could_run() -> None:
    from assessment.render.cells import csv_cell, looks_like_formula

    risky = ["=1+1", "+1", "-Bad Co", "@SUM(1)", "\tx", "\rx"]
    assert all(looks_like_formula(t) for t in risky)
    assert [csv_cell(t) for t in risky] == ["'" + t for t in risky]
    assert [csv_cell(v) for v in ("Plain", "觉醒", -3.5, 2, None)] == [
        "Plain",
        "觉醒",
        -3.5,
        2,
        None,
    ]
