"""Numbers as every output shows them (assessment/numbers.py, written by Babel)."""

from __future__ import annotations

import pytest

from assessment.numbers import decimal, percent, signed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_decimal_keeps_one_decimal_at_most(lang: str) -> None:
    assert [decimal(v, lang) for v in (12.0, 62.456, 62.45, 2.675, 0.04, -0.04)] == [
        "12", "62.5", "62.5", "2.7", "0", "0"
    ]  # fmt: skip
    assert decimal(None, lang) == "—"


def test_decimal_groups_thousands() -> None:
    assert decimal(1234.56) == "1,234.6" and decimal(1234.56, "zh") == "1,234.6"


def test_signed_shows_the_direction_and_no_sign_for_no_change() -> None:
    assert [signed(v) for v in (3.46, -2.0, 0.04, -0.04)] == ["+3.5", "-2", "0", "0"]
    assert signed(None) == ""


def test_percent_rounds_a_share_to_whole_percent_as_python_does() -> None:
    assert [percent(s) for s in (0.558, 0.125, 0.575, 1.0)] == ["56%", "12%", "57%", "100%"]
    assert percent(None, "zh") == ""
