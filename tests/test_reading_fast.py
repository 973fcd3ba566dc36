"""The column-wise fast path for numbers gives exactly what the per-cell parser gives (issue 18)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scorer.core.normalisation import method_of
from scorer.model.criteria import Indicator
from scorer.prepare.cells import MISSING_TOKENS, Cell, clean_text, parse_number
from scorer.prepare.reading import _PLAIN, NOT_APPLICABLE, plain_numbers, read_column, read_indicator

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


def reference_read(values: list[object], indicator: Indicator, decimal_comma: bool) -> list[Cell]:
    """The per-cell reading the column reader must equal: the method's parser, then the declared tokens."""
    method = method_of(indicator)
    zero = {clean_text(t).casefold() for t in indicator.zero_tokens or []}
    na = {clean_text(t).casefold() for t in (indicator.not_applicable.tokens if indicator.not_applicable else [])}
    out = []
    for v in values:
        cell = method.read(v, indicator, decimal_comma=decimal_comma)
        text = clean_text(v).casefold() if v is not None and not (isinstance(v, float) and math.isnan(v)) else ""
        if text and text in zero:
            cell = Cell("value", 0.0, converted=True)
        elif text and text in na:
            cell = Cell("missing", expected=NOT_APPLICABLE)
        out.append(cell)
    return out


INDICATORS = [
    Indicator(column="x"),
    Indicator(column="x", zero_tokens=["none", "0.0"]),
    Indicator(column="x", not_applicable={"tokens": ["n/a", "1"], "policy": "zero"}),
    Indicator(column="x", normalisation="boolean"),
    Indicator(column="x", normalisation="ordinal", levels={"low": 0, "none": 1, "high": 2}),
]


@given(st.lists(st.one_of(cells, st.sampled_from(["none", "0.0", "n/a", "1", "yes", "Low", "high "])), max_size=30))
def test_column_reader_equals_the_per_cell_reading_with_tokens_and_types(values: list[object]) -> None:
    for indicator in INDICATORS:
        for decimal_comma in (False, True):
            column = pd.Series(values, dtype=object)
            got = read_column(column, indicator, decimal_comma=decimal_comma)
            expected = reference_read(values, indicator, decimal_comma)
            assert read_indicator(column, indicator, decimal_comma=decimal_comma) == expected
            numbers = [c.value if c.kind == "value" else None for c in expected]
            assert [None if math.isnan(x) else x for x in got.numbers.tolist()] == numbers
            assert sorted(got.cells) == list(got.cells)  # problems come out in row order


def test_only_cells_off_the_fast_path_get_a_cell_object() -> None:
    got = read_column(pd.Series(["1", "2.5", " 3", "N/A", "x"]), Indicator(column="x"))
    assert sorted(got.cells) == [2, 3, 4]
    assert got.numbers[:3].tolist() == [1.0, 2.5, 3.0]


def test_a_run_of_other_characters_across_two_cells_sends_both_to_the_per_cell_parser() -> None:
    numbers, done = plain_numbers(pd.Series(["5 ", " 5", "7"], dtype=object))
    assert numbers[2] == 7.0
    assert done.tolist() == [False, False, True]
