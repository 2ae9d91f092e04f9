"""The XLSX export: sheets, localised headers, frozen panes, styling, raw answers, no formulas."""

from __future__ import annotations

import io
from typing import Any

import pytest
from helpers.answers import role_answers
from helpers.wording import mini_answers, other_result, tqm_words_in
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from assessment.content.library import Library
from assessment.engine.answers import AnswerSet, parse_answers
from assessment.engine.pipeline import assess
from assessment.io.source import Document
from assessment.render.xlsx import write_workbook

EVIDENCE = "Process map v2, 2026-09"
FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture(scope="module")
def answers(library: Library) -> AnswerSet:
    """Two respondents; one answer with evidence, one note that looks like a formula."""
    q = library.questionnaires["tqm-audit"]
    first = role_answers(q, "leader", 3)
    first["process.core_processes_mapped"] = {"value": 4, "evidence": EVIDENCE, "note": "见流程图"}
    second = role_answers(q, "staff", 2)
    second["customer.voice_capture"] = {"value": "unknown", "note": FORMULA}
    doc = {
        "questionnaire": "tqm-audit",
        "organisation": "Book Co",
        "responses": [
            {"respondent": {"id": "r1", "role": "leader"}, "answers": first},
            {"respondent": {"id": "r2", "role": "staff"}, "answers": second},
        ],
    }
    return parse_answers(Document("book", doc), library)


def book(answers: AnswerSet, library: Library, lang: str, **options: Any) -> Workbook:
    """Write the workbook to memory and open it again."""
    buffer = io.BytesIO()
    write_workbook(
        assess(answers, library, use_engine=False),
        answers,
        buffer,
        lang,
        **options,
    )
    buffer.seek(0)
    return load_workbook(buffer)


@pytest.fixture(scope="module")
def books(answers: AnswerSet, library: Library) -> dict[str, Workbook]:
    """The workbook in English and Chinese."""
    return {lang: book(answers, library, lang) for lang in ("en", "zh")}


def test_sheets_in_both_languages(books: dict[str, Workbook]) -> None:
    assert books["en"].sheetnames == [
        "Dimensions",
        "Findings",
        "Roadmap",
        "Answers",
        "Trace",
        "Statistics",
    ]
    assert books["zh"].sheetnames == ["维度", "诊断发现", "路线图", "答卷", "规则追踪", "统计量"]


def test_headers_in_both_languages(books: dict[str, Workbook]) -> None:
    en = [c.value for c in books["en"]["Answers"][1]]
    zh = [c.value for c in books["zh"]["答卷"][1]]
    assert en[:3] == ["Respondent", "Role", "Question id"] and "Evidence" in en and "Note" in en
    assert zh[:3] == ["答卷人", "角色", "题目编号"] and "证据" in zh and "备注" in zh
    assert [c.value for c in books["zh"]["维度"][1]][:3] == ["维度编号", "维度", "指数"]


def test_every_sheet_is_styled_and_frozen(books: dict[str, Workbook]) -> None:
    for sheet in books["en"].worksheets:
        assert sheet.freeze_panes == "A2"
        header = sheet[1][0]
        assert header.font.bold and header.fill.fgColor.rgb.endswith("1F4E79")
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(8 <= w <= 80 for w in widths)


def test_answers_sheet_has_raw_answers_with_evidence(
    books: dict[str, Workbook], answers: AnswerSet
) -> None:
    rows = list(books["en"]["Answers"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == sum(len(r.answers) for r in answers.respondents)
    mapped = next(r for r in rows if r[0] == "r1" and r[2] == "process.core_processes_mapped")
    assert (
        mapped[1] == "Senior leader"
        and mapped[5] == 4
        and mapped[6] == EVIDENCE
        and mapped[7] == "见流程图"
    )
    unknown = next(r for r in rows if r[0] == "r2" and r[2] == "customer.voice_capture")
    assert unknown[5] == "unknown"


def test_text_that_looks_like_a_formula_stays_text(books: dict[str, Workbook]) -> None:
    cells = [
        c for row in books["en"]["Answers"].iter_rows(min_row=2) for c in row if c.value == FORMULA
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_dimensions_findings_and_roadmap(books: dict[str, Workbook]) -> None:
    dims = list(books["en"]["Dimensions"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in dims] == [
        "customer", "leadership", "process", "learning", "structure", "performance", "overall"]  # fmt: skip
    assert all(0 <= r[2] <= 100 for r in dims)
    roadmap = list(books["zh"]["路线图"].iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in roadmap] == list(range(1, len(roadmap) + 1))
    findings = list(books["zh"]["诊断发现"].iter_rows(min_row=2, values_only=True))
    assert all(r[2] in ("高", "中", "低") for r in findings)


def test_trace_is_optional(answers: AnswerSet, library: Library) -> None:
    assert "Trace" not in book(answers, library, "en", trace=False).sheetnames


def test_writes_to_a_path(answers: AnswerSet, library: Library, tmp_path: Any) -> None:
    path = tmp_path / "out.xlsx"
    write_workbook(assess(answers, library, use_engine=False), answers, path, "en")
    assert load_workbook(path).sheetnames[0] == "Dimensions"


def test_a_chinese_workbook_names_roles_and_dimensions_in_chinese(
    books: dict[str, Workbook],
) -> None:
    by_role = [row[-1].value for row in books["zh"]["维度"].iter_rows(min_row=2, max_row=7)]
    assert all(cell and "领导" in cell and "员工" in cell for cell in by_role), by_role
    assert not [cell for cell in by_role if "leader" in cell or "staff" in cell]
    answers = [r[5].value for r in books["zh"]["答卷"].iter_rows(min_row=2)]
    assert "不清楚" in answers and "unknown" not in answers
    ids = {"customer", "leadership", "process", "learning", "structure", "performance"}
    for sheet, column in (("诊断发现", 4), ("路线图", 5), ("答卷", 4)):
        cells = [r[column - 1].value for r in books["zh"][sheet].iter_rows(min_row=2)]
        named = {part for cell in cells if cell for part in str(cell).split("；")}
        assert named and not named & ids, (sheet, named)


def test_the_dimensions_sheet_names_the_bundled_comparison_profiles(
    books: dict[str, Workbook],
) -> None:
    en = [c.value for c in books["en"]["Dimensions"][1]]
    zh = [c.value for c in books["zh"]["维度"][1]]
    assert "Traditional baseline" in en and "Target" in en and "Above traditional" in en
    assert "传统管理基准" in zh and "目标" in zh and "高于传统管理" in zh


@pytest.mark.parametrize(
    ("lang", "headers"),
    [
        ("en", ["Sector median baseline", "Benchmark", "Above sector median"]),
        ("zh", ["行业中位数基准", "标杆", "高于行业中位数"]),
    ],
)
def test_another_framework_s_workbook_has_none_of_the_bundled_wording(
    mini: Library, lang: str, headers: list[str]
) -> None:
    buffer = io.BytesIO()
    write_workbook(other_result(mini), mini_answers(mini), buffer, lang)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    cells = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert tqm_words_in("\n".join(cells)) == []
    first_sheet = [c.value for c in workbook.worksheets[0][1]]
    assert all(h in first_sheet for h in headers)
