"""Claimed and verified levels and the statistics of many respondents, shown in the PDF, the Word
document and the workbook with the very figures of the result document (issue #12).

Each format is read back as a reader would get it (pdftotext, python-docx, openpyxl) and compared
with the JSON result, in English and Chinese.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx
from helpers.answers import evidenced
from helpers.frameworks import TQM
from openpyxl import load_workbook

from assessment.content.library import Library
from assessment.engine.answers import AnswerSet, load_answers, parse_answers
from assessment.engine.pipeline import assess
from assessment.engine.result import Result
from assessment.io.source import Document
from assessment.numbers import decimal
from assessment.render.docx import render_docx
from assessment.render.report import pdf
from assessment.render.report.assurance import LABELS
from assessment.render.report.html import render_html
from assessment.render.xlsx import workbook_bytes

DATA = Path(__file__).parent / "data" / "answers"
ROLES = ("leader", "leader", "manager", "staff", "staff", "staff")


def team_answers(library: Library) -> AnswerSet:
    """Six audit respondents; leaders rate high, half the ratings carry dated evidence, and the
    structure items carry none (so claimed and verified differ there)."""
    rng = random.Random(3)
    responses = []
    for i, role in enumerate(ROLES):
        answers = {}
        for qid in (q.id for q in library.resolve("tqm-audit").questions_for(role)):
            base = 5 if role == "leader" and qid.startswith("structure.") else 4
            value = max(1, min(5, (base if role == "leader" else 3) + rng.choice([-1, 0, 0, 1])))
            plain = qid.startswith("structure.")
            answers[qid] = value if plain or rng.random() < 0.5 else evidenced(value)
        responses.append({"respondent": {"id": f"p{i}", "role": role}, "answers": answers})
    data = {"questionnaire": "tqm-audit", "organisation": "Northwind", "responses": responses}
    return parse_answers(Document("team", data), library)


@pytest.fixture(scope="module")
def team(library: Library) -> tuple[AnswerSet, Result]:
    answers = team_answers(library)
    return answers, assess(answers, library, use_engine=False)


@pytest.fixture(scope="module")
def quick(library: Library) -> Result:
    return assess(load_answers(DATA / "quick-all-3.yaml", library), library, use_engine=False)


def index(value: float | None) -> str:
    """An index as the report prints it (one decimal)."""
    return decimal(None if value is None else round(value, 1))


def stat(value: float | None) -> str:
    """A statistic as the result document gives it."""
    return "—" if value is None else format(value, "g")


def expected_rows(result: Result, lang: str) -> list[list[str]]:
    """Per dimension, from the JSON result: the cells of the report's table in order."""
    doc = result.to_document(lang)
    level = LABELS["level_index"].get(lang)
    roles: list[str] = []
    for d in doc["dimensions"].values():
        roles += [r for r in d["statistics"]["respondents"]["by_role"] if r not in roles]
    rows = []
    for d in doc["dimensions"].values():
        stats, counted = d["statistics"], d["statistics"]["respondents"]
        cells = [d["title"], level.format(level=d["level"], index=index(d["index"]))]
        if "claimed" in d:
            claimed = d["claimed"]
            cells.append(level.format(level=claimed["level"], index=index(claimed["index"])))
        cells += [str(counted["by_role"].get(r, 0)) for r in roles]
        cells += [str(counted["total"]), stat(stats["cronbach_alpha"]), stat(stats["rwg_j"])]
        rows.append(cells)
    return rows


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_the_team_has_claims_above_verified_and_computable_statistics(
    team: tuple[AnswerSet, Result],
) -> None:
    doc = team[1].to_document("en")
    structure = doc["dimensions"]["structure"]
    assert structure["claimed"]["index"] > structure["index"]
    assert doc["verification"]["unverified_ratings"] > 0
    assert all(d["statistics"]["cronbach_alpha"] is not None for d in doc["dimensions"].values())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_shows_claimed_verified_and_statistics_as_in_the_json(
    lang: str, team: tuple[AnswerSet, Result], tmp_path: Path
) -> None:
    result = team[1]
    path = tmp_path / f"report-{lang}.pdf"
    path.write_bytes(pdf.render_pdf(result, lang))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    section = squeeze(text.split(LABELS["assurance"].get(lang))[-1])
    for row in expected_rows(result, lang):
        assert squeeze("".join(row[1:])) in section, row
    for key in ("read_claimed", "read_alpha", "read_rwg"):
        assert squeeze(LABELS[key].get(lang)) in section
    doc = result.to_document(lang)
    assert squeeze(doc["verification"]["note"]) in section


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_word_table_holds_the_json_figures(lang: str, team: tuple[AnswerSet, Result]) -> None:
    result = team[1]
    document = open_docx(io.BytesIO(render_docx(result, lang)))
    verified = LABELS["verified"].get(lang)
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text.startswith(verified)]
    cells = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert cells == expected_rows(result, lang)
    header = [c.text for c in table.rows[0].cells]
    assert TQM.role_name("leader", lang) in header
    assert (
        header[2].startswith(LABELS["claimed"].get(lang))
        and LABELS["index_paren"].get(lang) in header[2]
    )
    paragraphs = [p.text for p in document.paragraphs]
    assert LABELS["read_alpha"].get(lang) in paragraphs
    assert LABELS["read_rwg"].get(lang) in paragraphs


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workbook_statistics_sheet_equals_the_json(
    lang: str, team: tuple[AnswerSet, Result]
) -> None:
    answers, result = team
    book = load_workbook(io.BytesIO(workbook_bytes(result, answers, lang)))
    sheet = book["Statistics" if lang == "en" else "统计量"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    doc = result.to_document(lang)
    for row, (dim_id, d) in zip(rows, doc["dimensions"].items(), strict=False):
        stats = d["statistics"]
        assert row[:7] == (
            dim_id, d["title"], d["level"], d["index"], d["claimed"]["level"],
            d["claimed"]["index"], stats["respondents"]["total"],
        )  # fmt: skip
        assert (row[8], row[9]) == (stats["cronbach_alpha"], stats["rwg_j"])
    notes = [r[0] for r in rows[len(doc["dimensions"]) + 1 :]]
    assert LABELS["read_alpha"].get(lang) in notes and LABELS["read_rwg"].get(lang) in notes


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_self_assessment_says_so_and_gives_the_reason_for_each_missing_statistic(
    lang: str, quick: Result
) -> None:
    html = render_html(quick, lang)
    doc = quick.to_document(lang)
    assert doc["verification"]["basis"] == "self_reported"
    assert doc["verification"]["note"] in html
    assert LABELS["claimed"].get(lang) not in html
    reasons = {
        reason
        for d in doc["dimensions"].values()
        for reason in d["statistics"]["not_computed"].values()
    }
    assert reasons and all(reason in html for reason in reasons)
    assert LABELS["all_dimensions"].get(lang) in html


def test_word_table_of_a_self_assessment_has_one_level_column(quick: Result) -> None:
    document = open_docx(io.BytesIO(render_docx(quick, "zh")))
    level = LABELS["level"].get("zh") + LABELS["index_paren"].get("zh")
    (table,) = [t for t in document.tables if t.rows[0].cells[1].text == level]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == expected_rows(quick, "zh")
    paragraphs = [p.text for p in document.paragraphs]
    assert quick.to_document("zh")["verification"]["note"] in " ".join(paragraphs)


def test_workbook_of_a_self_assessment_leaves_the_claimed_columns_empty(
    library: Library, quick: Result
) -> None:
    answers = load_answers(DATA / "quick-all-3.yaml", library)
    book = load_workbook(io.BytesIO(workbook_bytes(quick, answers, "en")))
    first = next(book["Statistics"].iter_rows(min_row=2, values_only=True))
    assert first[4:6] == (None, None)
    assert first[8] is None and "respondents" in str(first[10])


def test_chinese_reading_notes_use_full_width_punctuation(team: tuple[AnswerSet, Result]) -> None:
    html = render_html(team[1], "zh")
    for key in ("read_claimed", "read_alpha", "read_rwg", "consensus"):
        zh = LABELS[key].get("zh")
        assert zh in html
        assert not any(mark in zh.replace("rwg(j)", "") for mark in (",", ";", ":", "(", ")"))
