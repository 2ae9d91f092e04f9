"""Hypothesis strategies of odd values for hostile documents: text with awkward characters and
surrogates, long text around the 5,000-character limit, numbers from huge to NaN, nesting."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import strategies as st

SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
AWKWARD = st.sampled_from(["\u202e", "\ufeff", "\u200b", "\U0001f600", "质", "\x7f", "\x85", "\\"])
CHAR = st.one_of(st.characters(codec="utf-8"), st.characters(max_codepoint=0x1F), AWKWARD)
TEXT = st.one_of(st.text(CHAR, max_size=30), st.text(st.one_of(CHAR, SURROGATE), max_size=5))
LONG_TEXT = st.builds(
    lambda s, n: (s * n)[:100_000], st.text(CHAR, min_size=1, max_size=3), st.integers(1, 100_000)
)
AROUND_THE_LIMIT = st.one_of(st.integers(4_998, 5_002), st.integers(5_003, 100_000))
VERY_LONG_TEXT = st.builds(
    lambda s, n: (s * n)[:n], st.text(CHAR, min_size=1, max_size=3), AROUND_THE_LIMIT
)
NUMBER = st.one_of(
    st.integers(),
    st.integers(min_value=10**300, max_value=10**330),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 6, 2.5, 3.0000001, 1e308, -0.0, 5e-324]),
    st.sampled_from([math.nan, math.inf, -math.inf, 10**400, -(10**400)]),
)
SCALE = st.sampled_from([1, 2, 3, 4, 5, 3.0, "unknown", "unknown"])
LEAF = st.one_of(
    NUMBER, TEXT, st.booleans(), st.none(), st.sampled_from(["na", "unknown", "NA", ""])
)
NESTED = st.recursive(
    LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)


def deep(depth: int) -> Any:
    """A value nested `depth` levels (the limit is 40)."""
    value: Any = 3
    for level in range(depth):
        value = [value] if level % 2 else {"value": value}
    return value


DEEP = st.integers(30, 80).map(deep)
WEIRD = st.one_of(LEAF, NESTED, DEEP, LONG_TEXT)
ANSWER = st.one_of(
    SCALE,
    WEIRD,
    st.fixed_dictionaries(
        {"value": st.one_of(SCALE, LEAF)},
        optional={
            "evidence": st.one_of(TEXT, LONG_TEXT, LEAF),
            "note": st.one_of(TEXT, LONG_TEXT),
            "x": LEAF,
        },
    ),
)
