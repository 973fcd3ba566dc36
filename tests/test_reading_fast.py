"""The column-wise fast path for numbers gives exactly what the per-cell parser gives (issue 18)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scorer.cells import MISSING_TOKENS, parse_number
from scorer.criteria import Indicator
from scorer.reading import _PLAIN, plain_numbers, read_indicator

texts = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.from_regex(r"[+-]?[0-9]{0,4}[.,]?[0-9]{0,4}([eE][+-]?[0-9]{1,3})?%?", fullmatch=True),
    st.sampled_from(["1,234", "1.234", "1 234", " 5", "5 ", "٣", "３", "−2", "N/A", "-", "", "inf", "nan", "1e400"]),
    st.text(max_size=6),
)
cells = st.one_of(texts, st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6))


def per_cell(values: list[object], decimal_comma: bool) -> list[tuple[str, float | None, bool, str]]:
    out = []
    for v in values:
        c = parse_number(v, decimal_comma=decimal_comma)
        out.append((c.kind, c.value, c.converted, c.expected))
    return out


@given(st.lists(cells, max_size=30), st.booleans())
def test_fast_path_equals_the_per_cell_parser_on_mixed_columns(values: list[object], decimal_comma: bool) -> None:
    column = pd.Series(values, dtype=object)
    numbers, done = plain_numbers(column, decimal_comma=decimal_comma)
    expected = per_cell(values, decimal_comma)
    for x, ok, (kind, value, converted, _e) in zip(numbers.tolist(), done.tolist(), expected, strict=True):
        if ok:
            assert (kind, converted) == (("missing", False) if math.isnan(x) else ("value", False))
            assert math.isnan(x) or x == value
    got = read_indicator(column, Indicator(column="x"), decimal_comma=decimal_comma)
    assert [(c.kind, c.value, c.converted, c.expected) for c in got] == expected


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30), st.booleans())
def test_fast_path_on_float_and_string_columns(values: list[float], decimal_comma: bool) -> None:
    for column in (pd.Series(values, dtype=float), pd.Series([repr(v) for v in values], dtype="string")):
        got = read_indicator(column, Indicator(column="x"), decimal_comma=decimal_comma)
        assert [(c.kind, c.value, c.converted, c.expected) for c in got] == per_cell(list(column), decimal_comma)


def test_no_missing_token_reads_as_a_plain_number() -> None:
    assert not [t for t in MISSING_TOKENS if pd.Series([t]).str.fullmatch(_PLAIN).iloc[0]]


def test_a_clean_column_is_read_whole() -> None:
    numbers, done = plain_numbers(pd.Series(["1", "2.5", "-3e2", "0.1"]))
    assert numbers.tolist() == [1.0, 2.5, -300.0, 0.1] and done.all()
    numbers, done = plain_numbers(pd.Series(["1.234", "0,5"]), decimal_comma=True)
    assert not done.any()
    assert np.array_equal(plain_numbers(pd.Series([1, 2]))[0], [1.0, 2.0])
