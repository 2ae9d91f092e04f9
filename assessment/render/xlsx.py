"""XLSX, the one writer: a result as a workbook (Dimensions, Findings, Roadmap, Answers, Trace
and Statistics sheets), and rows streamed into a one-sheet workbook (`tqm batch`).

Every sheet has a bold header row, frozen panes under it; the result's sheets also fill the header
in the chosen language and fit column widths to the content. User text is always written through
`text_cell`: a string, never a formula (an evidence note starting with "=" stays text), without the
characters XLSX cannot hold and within Excel's cell limit.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..content.model import Text, level_name
from ..engine.answers import AnswerSet
from ..engine.result import Result
from . import MAX_CELL
from .messages import msg
from .report.assurance import statistics_rows
from .report.messages import role_name
from .report.plan_view import condition_text

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH, MIN_WIDTH = 60, 8


@dataclass(frozen=True)
class Column:
    """One column: its header in both languages and a width hint."""

    header: Text
    width: int = 0  # 0: fit to content


SHEETS: Mapping[str, Text] = {
    "dimensions": Text("Dimensions", "维度"),
    "findings": Text("Findings", "诊断发现"),
    "roadmap": Text("Roadmap", "路线图"),
    "answers": Text("Answers", "答卷"),
    "trace": Text("Trace", "规则追踪"),
    "statistics": Text("Statistics", "统计量"),
}

COLUMNS: Mapping[str, tuple[Column, ...]] = {
    "dimensions": (
        Column(Text("Dimension id", "维度编号")),
        Column(Text("Dimension", "维度"), 40),
        Column(Text("Index", "指数")),
        Column(Text("Level", "等级")),
        Column(Text("Level name", "等级名称")),
        Column(Text("Traditional baseline", "传统管理基准")),
        Column(Text("Target", "目标")),
        Column(Text("Gap to target", "距目标")),
        Column(Text("Above traditional", "高于传统管理")),
        Column(Text("Previous", "上次评估")),
        Column(Text("Answered", "计分答案")),
        Column(Text("N/A", "不适用")),
        Column(Text("Unknown", "不清楚")),
        Column(Text("Agreement", "一致度")),
        Column(Text("By role", "按角色"), 40),
    ),
    "findings": (
        Column(Text("Rule", "规则")),
        Column(Text("Kind", "类型")),
        Column(Text("Severity", "严重程度")),
        Column(Text("Dimensions", "涉及维度")),
        Column(Text("Title", "标题"), 45),
        Column(Text("Detail", "说明"), 60),
        Column(Text("Evidence (questions)", "依据（题目）"), 40),
        Column(Text("Actions", "相关行动"), 35),
    ),
    "roadmap": (
        Column(Text("Phase", "阶段")),
        Column(Text("Months", "月份")),
        Column(Text("No.", "序号")),
        Column(Text("Action id", "行动编号")),
        Column(Text("Dimension", "维度")),
        Column(Text("Action", "行动"), 45),
        Column(Text("Description", "说明"), 60),
        Column(Text("Why", "原因"), 35),
        Column(Text("Effort (person-days)", "投入（人日）")),
        Column(Text("Duration (weeks)", "周期（周）")),
        Column(Text("Impact (1-5)", "影响（1-5）")),
        Column(Text("Priority", "优先级")),
        Column(Text("KPI", "衡量指标"), 45),
        Column(Text("Requires", "前置行动"), 30),
    ),
    "answers": (
        Column(Text("Respondent", "答卷人")),
        Column(Text("Role", "角色")),
        Column(Text("Question id", "题目编号")),
        Column(Text("Dimension", "维度")),
        Column(Text("Question", "题目"), 60),
        Column(Text("Answer", "答案")),
        Column(Text("Evidence", "证据"), 45),
        Column(Text("Note", "备注"), 45),
    ),
    "statistics": (
        Column(Text("Dimension id", "维度编号")),
        Column(Text("Dimension", "维度"), 40),
        Column(Text("Verified level", "核实等级")),
        Column(Text("Verified index", "核实指数")),
        Column(Text("Claimed level", "自报等级")),
        Column(Text("Claimed index", "自报指数")),
        Column(Text("Respondents", "答卷人数")),
        Column(Text("Respondents by role", "各角色答卷人数"), 40),
        Column(Text("Cronbach's alpha", "克朗巴赫 α 系数")),
        Column(Text("rwg(j)", "rwg(j)")),
        Column(Text("Why alpha is missing", "α 系数未计算的原因"), 45),
        Column(Text("Why rwg(j) is missing", "rwg(j) 未计算的原因"), 45),
    ),
    "trace": (
        Column(Text("Rule", "规则"), 45),
        Column(Text("Stage", "阶段")),
        Column(Text("Fired", "是否触发")),
        Column(Text("Conditions", "条件"), 80),
    ),
}


def write_workbook(
    result: Result,
    answers: AnswerSet,
    target: str | Path | BinaryIO,
    lang: str,
    *,
    trace: bool = True,
) -> None:
    """Write the result (and the raw answers) as an XLSX workbook to a path or a binary file."""
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "dimensions", dimension_rows(result, lang), lang)
    _sheet(book, "findings", finding_rows(result, lang), lang)
    _sheet(book, "roadmap", roadmap_rows(result, lang), lang)
    _sheet(book, "answers", answer_rows(answers, lang), lang)
    if trace and result.trace:
        _sheet(book, "trace", trace_rows(result, lang), lang)
    _sheet(book, "statistics", statistics_rows(result, lang), lang)
    book.save(target)


def workbook_bytes(result: Result, answers: AnswerSet, lang: str) -> bytes:
    """The workbook of `write_workbook` as bytes."""
    buffer = io.BytesIO()
    write_workbook(result, answers, buffer, lang)
    return buffer.getvalue()


def text_cell(sheet: Any, value: str, font: Font | None = None) -> Cell:
    """A text cell that is never a formula, without the characters XLSX cannot hold, cut to
    Excel's cell limit (for normal and write-only sheets alike)."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL])
    cell.data_type = "s"  # openpyxl would take text starting with "=" for a formula
    if font is not None:
        cell.font = font
    return cell


def _cell(sheet: Any, value: Any) -> Any:
    """Numbers stay numbers; everything else becomes a text cell."""
    if value is None or isinstance(value, (int, float)):
        return value
    return text_cell(sheet, str(value))


@contextmanager
def sheet_rows(path: Path, header: Sequence[str]) -> Iterator[Callable[[Sequence[Any]], object]]:
    """A one-sheet workbook with a bold header row, frozen under it, written to `path` at the end;
    the function given appends one row (write-only: rows stream to a temporary file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Organisations")
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, h, Font(bold=True)) for h in header])
    yield lambda row: sheet.append([_cell(sheet, v) for v in row])
    book.save(path)


def _sheet(book: Workbook, key: str, rows: Iterable[Sequence[Any]], lang: str) -> None:
    sheet = book.create_sheet(SHEETS[key].get(lang))
    columns = COLUMNS[key]
    sheet.append([c.header.get(lang) for c in columns])
    for row in rows:
        sheet.append([_cell(sheet, v) for v in row])
    _style(sheet, columns, lang)


def _style(sheet: Worksheet, columns: Sequence[Column], lang: str) -> None:
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        width = column.width or _fit(sheet, index, lang)
        sheet.column_dimensions[letter].width = width


def _fit(sheet: Worksheet, index: int, lang: str) -> int:
    """A width that fits the column's longest value (wide characters count double)."""
    longest = max(
        (_display_width(str(c.value)) for (c,) in sheet.iter_rows(min_col=index, max_col=index)
         if c.value is not None),
        default=0,
    )  # fmt: skip
    return max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


# --- rows ----------------------------------------------------------------------------------------


def dimension_rows(result: Result, lang: str) -> list[list[Any]]:
    """One row per dimension, then the overall row."""
    rows = []
    for d in result.dimensions.values():
        roles = "; ".join(f"{r}: {v}" for r, v in d.by_role.items())
        rows.append([d.id, d.title.get(lang), d.index, d.level, level_name(d.level, lang),
                     d.traditional, d.target, d.to_target, d.above_traditional, d.previous,
                     d.answered, d.na, d.unknown, d.agreement, roles])  # fmt: skip
    overall = result.overall
    rows.append(["overall", "", overall.index, overall.level, level_name(overall.level, lang)])
    return rows


def finding_rows(result: Result, lang: str) -> list[list[Any]]:
    """One row per finding, in the result's order (most severe first)."""
    return [
        [f.rule, msg(f"kind.{f.kind}", lang), msg(f"severity.{f.severity}", lang),
         ", ".join(f.dimensions), f.title.get(lang), f.detail.get(lang),
         "; ".join(e.question for e in f.evidence), ", ".join(f.actions)]
        for f in result.findings
    ]  # fmt: skip


def roadmap_rows(result: Result, lang: str) -> list[list[Any]]:
    """One row per planned action, numbered as in the report."""
    rows, number = [], 0
    for phase in result.phases:
        months = "{}-{}".format(*phase.months)
        for p in phase.actions:
            a, number = p.action, number + 1
            rows.append([phase.number, months, number, a.id, a.dimension, a.title.get(lang),
                         a.description.get(lang), ", ".join(str(r) for r in p.because),
                         a.effort_days, a.duration_weeks, a.impact, p.priority,
                         a.kpi.get(lang), ", ".join(a.requires)])  # fmt: skip
    return rows


def answer_rows(answers: AnswerSet, lang: str) -> list[list[Any]]:
    """One row per respondent and question, with the value (or na / unknown), evidence and note."""
    questionnaire = answers.questionnaire
    rows = []
    for respondent in answers.respondents:
        role = role_name(respondent.role, lang, plural=False) if respondent.role else ""
        for question in questionnaire.questions:
            response = respondent.answers.get(question.id)
            if response is None:
                continue
            value = response.value if response.status == "value" else response.status
            rows.append([respondent.id, role, question.id, question.dimension,
                         question.text.get(lang), value, response.evidence, response.note])  # fmt: skip
    return rows


def trace_rows(result: Result, lang: str) -> list[list[Any]]:
    """The full trace: one row per rule instance, every condition."""
    yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
    return [
        [s.rule, s.stage, yes if s.fired else no,
         "; ".join(("" if c["result"] else "✗ ") + condition_text(c) for c in s.conditions)]
        for s in result.trace
    ]  # fmt: skip
