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
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..engine.answers import AnswerSet
from ..engine.result import Result
from . import MAX_CELL
from .cells import looks_like_formula
from .messages import comparison_names, msg
from .messages.workbook import COLUMNS, SHEETS, Column
from .report.assurance import statistics_rows
from .report.plan_view import condition_text

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH, MIN_WIDTH = 60, 8


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
    names = comparison_names(result.framework, lang)
    _sheet(book, "dimensions", dimension_rows(result, lang), lang, names)
    _sheet(book, "findings", finding_rows(result, lang), lang, names)
    _sheet(book, "roadmap", roadmap_rows(result, lang), lang, names)
    _sheet(book, "answers", answer_rows(answers, lang), lang, names)
    if trace and result.trace:
        _sheet(book, "trace", trace_rows(result, lang), lang, names)
    _sheet(book, "statistics", statistics_rows(result, lang), lang, names)
    book.save(target)


def workbook_bytes(result: Result, answers: AnswerSet, lang: str) -> bytes:
    """The workbook of `write_workbook` as bytes."""
    buffer = io.BytesIO()
    write_workbook(result, answers, buffer, lang)
    return buffer.getvalue()


def text_cell(sheet: Any, value: str, font: Font | None = None) -> Cell:
    """A text cell that is never a formula, without the characters XLSX cannot hold, cut to
    Excel's cell limit (for normal and write-only sheets alike)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would take text starting with "=" for a formula
    if looks_like_formula(text):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited (cells.py)
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
    """A one-sheet workbook with a bold header row, frozen under it, columns as wide as their
    headers and a filter on every column, written to `path` at the end; the function given
    appends one row (write-only: rows stream to a temporary file)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Organisations")
    sheet.freeze_panes = "A2"
    for index, title in enumerate(header, start=1):
        width = max(MIN_WIDTH, min(MAX_WIDTH, _display_width(title) + 4))
        sheet.column_dimensions[get_column_letter(index)].width = max(
            width, 12 if index > 1 else 30
        )
    titles = [text_cell(sheet, h, HEADER_FONT) for h in header]
    for cell in titles:
        cell.fill, cell.alignment = HEADER_FILL, WRAP
    sheet.append(titles)
    rows = [1]

    def append(row: Sequence[Any]) -> None:
        sheet.append([_cell(sheet, v) for v in row])
        rows[0] += 1

    try:
        yield append
    except BaseException:
        # Trap: a write-only sheet abandoned mid-way keeps an open lxml writer (and its temporary
        # file) whose clean-up at garbage collection raises "not in an element": close it now.
        sheet.close()
        raise
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{rows[0]}"
    book.save(path)


def _sheet(
    book: Workbook,
    key: str,
    rows: Iterable[Sequence[Any]],
    lang: str,
    names: Mapping[str, str],
) -> None:
    """A sheet of `rows` under its headers, the framework's comparison `names` filled in."""
    sheet = book.create_sheet(SHEETS[key].get(lang))
    columns = COLUMNS[key]
    sheet.append([c.header.get(lang).format(**names) for c in columns])
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
        roles = _joined(
            [
                f"{result.framework.role_name(r, lang, plural=False)}{msg('colon', lang)}{v}"
                for r, v in d.by_role.items()
            ],
            lang,
        )
        rows.append([d.id, d.title.get(lang), d.index, d.level, result.level_name(d.level, lang),
                     d.traditional, d.target, d.to_target, d.above_traditional, d.previous,
                     d.answered, d.na, d.unknown, d.agreement, roles])  # fmt: skip
    overall = result.overall
    rows.append(
        ["overall", "", overall.index, overall.level, result.level_name(overall.level, lang)]
    )
    return rows


def finding_rows(result: Result, lang: str) -> list[list[Any]]:
    """One row per finding, in the result's order (most severe first)."""
    return [
        [f.rule, msg(f"kind.{f.kind}", lang), msg(f"severity.{f.severity}", lang),
         _joined([_dimension(result, d, lang) for d in f.dimensions], lang),
         f.title.get(lang), f.detail.get(lang),
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
            rows.append([phase.number, months, number, a.id, _dimension(result, a.dimension, lang),
                         a.title.get(lang),
                         a.description.get(lang), ", ".join(str(r) for r in p.because),
                         p.effort_days, a.duration_weeks, a.impact, p.priority,
                         a.kpi.get(lang), ", ".join(a.requires)])  # fmt: skip
    return rows


def answer_rows(answers: AnswerSet, lang: str) -> list[list[Any]]:
    """One row per respondent and question, with the value (or na / unknown), evidence and note."""
    questionnaire = answers.questionnaire
    rows = []
    for respondent in answers.respondents:
        role = _role(answers, respondent.role, lang)
        for question in questionnaire.questions:
            response = respondent.answers.get(question.id)
            if response is None:
                continue
            value = response.value if response.status == "value" else _status(response.status, lang)
            found = questionnaire.dimension(question.dimension)
            dimension = found.title.get(lang) if found else question.dimension
            rows.append([respondent.id, role, question.id, dimension,
                         question.text.get(lang), value, response.evidence, response.note])  # fmt: skip
    return rows


def _dimension(result: Result, dimension_id: str, lang: str) -> str:
    """A dimension's name in `lang` (its id when the result does not hold it)."""
    found = result.dimensions.get(dimension_id)
    return found.title.get(lang) if found else dimension_id


def _role(answers: AnswerSet, role: str | None, lang: str) -> str:
    """A respondent's role as the framework names one of them ('' without a role)."""
    if role is None:
        return ""
    return answers.framework.role_name(role, lang, plural=False) if answers.framework else role


def _joined(parts: Sequence[str], lang: str) -> str:
    """Items of one cell: 'a; b' in English, 'a；b' in Chinese."""
    return ("；" if lang == "zh" else "; ").join(parts)


def _status(status: str, lang: str) -> str:
    """'na' / 'unknown' as the answers file has them; in Chinese, in words."""
    return {"na": "不适用", "unknown": "不清楚"}.get(status, status) if lang == "zh" else status


def trace_rows(result: Result, lang: str) -> list[list[Any]]:
    """The full trace: one row per rule instance, every condition."""
    yes, no = msg("yes", lang), msg("no", lang)
    return [
        [s.rule, s.stage, yes if s.fired else no,
         "; ".join(("" if c["result"] else "✗ ") + condition_text(c) for c in s.conditions)]
        for s in result.trace
    ]  # fmt: skip
