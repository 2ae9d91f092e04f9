"""Numbers as people read them, in every output (text, report, workbook labels, web pages): one
decimal at most, signed changes, whole percentages, all written by Babel for the language's locale.

Values are rounded here first with Python's round() (on the float's exact value, as the outputs
always did), so Babel, which rounds the decimal text half to even, only writes what is decided:
62.45 shows as 62.5 in every output. English and Chinese (zh_Hans_CN) write numbers alike today; the
locale still picks the symbols, so a later language needs no change here. Dates are Babel's too
(`render.report.view.report_date`).
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern

MISSING = "—"
_LOCALES = {"en": Locale.parse("en"), "zh": Locale.parse("zh_Hans_CN")}
_DECIMAL = parse_pattern("#,##0.#")
_SIGNED = parse_pattern("+#,##0.#;-#,##0.#")
_PERCENT = parse_pattern("#,##0%")


def _write(pattern: NumberPattern, value: float, lang: str) -> str:
    return str(pattern.apply(value, _LOCALES.get(lang, _LOCALES["en"])))


def decimal(value: float | None, lang: str = "en") -> str:
    """12.0 -> '12', 62.456 -> '62.5', 1234.5 -> '1,234.5', None -> '—'."""
    if value is None:
        return MISSING
    return _write(_DECIMAL, round(value, 1) + 0.0, lang)  # + 0.0: -0.0 shows as 0


def signed(value: float | None, lang: str = "en") -> str:
    """A change: 3.46 -> '+3.5', -2.0 -> '-2', 0.01 -> '0', None -> ''."""
    if value is None:
        return ""
    rounded = round(value, 1)
    return decimal(0.0, lang) if rounded == 0 else _write(_SIGNED, rounded, lang)


def percent(share: float | None, lang: str = "en") -> str:
    """A share of one as a whole percentage: 0.558 -> '56%', None -> ''."""
    if share is None:
        return ""
    return _write(_PERCENT, round(share * 100) / 100, lang)
