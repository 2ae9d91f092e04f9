"""Spreadsheet cells from user text: the one place that knows what makes text a formula.

A CSV or XLSX cell whose text starts with =, +, -, @, a tab or a carriage return may be run as a
formula by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"): an organisation called
`=HYPERLINK(...)` must stay a name. CSV cells get a leading apostrophe, which spreadsheets read as
"this is text" and do not show; XLSX cells are typed text and carry Excel's own marker for it
(quotePrefix), so the text itself stays exactly as given.

CSV files start with a UTF-8 byte order mark: without it Excel on Windows reads UTF-8 as the
local code page (觉醒 becomes è§‰é†’); every CSV reader of note (Python's `utf-8-sig`, pandas,
LibreOffice, Google Sheets) skips it. Programs that want plain UTF-8 have the JSON formats.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A CSV cell: numbers and empty cells as they are, text never a formula."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
