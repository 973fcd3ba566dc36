"""Large sheets read in linear time with a small constant (issue 18): the shortcuts give what the long way gives."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorer.core import scoring
from scorer.core.imputation import impute_cells
from scorer.core.scoring import rows_in_order
from scorer.errors import DataError
from scorer.io.criteria_file import parse_criteria_text
from scorer.io.csv_text import split_columns
from scorer.io.spreadsheet import SPACES, _select_header, frame_from_rows, parse_csv_text, read_csv_records
from scorer.model.criteria import Indicator
from scorer.pipeline import prepare_countries, score_prepared
from scorer.prepare.columns import ColumnPlan
from scorer.prepare.countries import default_resolver, fold_name, normalize_name
from scorer.prepare.identity import identify_rows

csv_texts = st.text(alphabet=st.sampled_from(list("ab 1.;,\t\r\n\v\x85\u2028\xa0")), max_size=40)


@given(csv_texts, st.sampled_from([",", ";", "\t"]))
def test_unquoted_csv_is_split_as_the_csv_module_splits_it(text: str, delimiter: str) -> None:
    records, starts = read_csv_records(text, file="x.csv", delimiter=delimiter)
    expected = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert records == expected
    assert starts == list(range(1, len(records) + 1))


def test_a_quoted_file_still_goes_through_the_csv_module() -> None:
    records, starts = read_csv_records('id,x\n"a,b",1\n', file="x.csv", delimiter=",")
    assert records == [["id", "x"], ["a,b", "1"]] and starts == [1, 2]


def test_frame_from_an_unquoted_file_keeps_blank_rows_out_and_pads_short_rows() -> None:
    df = parse_csv_text("Title\n\nid,x,y\na,1\n,,\nb,2,3,\n", file="x.csv")
    assert df.to_numpy().tolist() == [["a", "1", ""], ["b", "2", "3"]]
    assert list(df.attrs["row_numbers"]) == [4, 6]
    assert df.attrs["rows_read"] == 2 and list(df.columns) == ["id", "x", "y"]


ascii_names = st.text(alphabet=st.sampled_from(list("abcLSTe '`*&()-.,_19")), max_size=20)


@given(ascii_names)
def test_ascii_names_fold_as_the_unicode_path_folds_them(text: str) -> None:
    # A zero-width space (a format character) sends the text down the Unicode path, which drops it.
    assert normalize_name(text) == normalize_name(text + "\u200b")
    assert fold_name(text) == fold_name(text + "\u200b")


def test_ids_with_digits_are_never_looked_up_as_names() -> None:
    resolver = default_resolver()
    assert resolver.candidates("unit-000123") == ()
    assert resolver.candidates("004") == ("AFG",)  # an M49 code is still a code
    assert resolver.candidates("Peru") == ("PER",)


def test_a_sheet_of_unit_ids_reads_them_as_written_with_every_duplicate_reported() -> None:
    ids = pd.Series([f"unit-{i:06d}" for i in range(2000)] + ["UNIT-000007"])
    identity = identify_rows(ids, np.arange(2, 2 + len(ids)), column="unit", source="s.csv")
    assert not identity.countries and identity.ids[:2] == ["unit-000000", "unit-000001"]
    assert [(p.code, p.row) for p in identity.problems] == [("data.duplicate_id", 2002)]


def read_record_by_record(text: str, *, header_row: int | None = None) -> pd.DataFrame:
    """parse_csv_text's general path: a list per record, then the frame."""
    rows, starts = read_csv_records(text, file="x.csv", delimiter=",")
    rows, numbers = _select_header(rows, starts, file="x.csv", header_row=header_row, id_column=None)
    return frame_from_rows(rows, file="x.csv", header_row=numbers[0] if numbers else 1, row_numbers=numbers)


def outcome(read: Callable[[], pd.DataFrame]) -> object:
    try:
        df = read()
    except DataError as exc:
        return str(exc)
    attrs = {k: v for k, v in df.attrs.items() if k in ("first_row", "row_numbers", "rows_read")}
    return df.to_numpy().tolist(), list(df.columns), {k: list(v) if k == "row_numbers" else v for k, v in attrs.items()}


cell_texts = st.sampled_from(["", " ", "\xa0", "id", "x", "1", "2.5", "a b", "é", "Côte", "中文", "0,5"])
csv_lines = st.lists(st.lists(cell_texts, min_size=0, max_size=4).map(",".join), max_size=8)


@given(csv_lines, st.sampled_from([None, 1, 2, 3]))
def test_a_plain_file_read_column_by_column_equals_the_record_by_record_reading(
    lines: list[str], header_row: int | None
) -> None:
    text = "\n".join(lines)
    fast = outcome(lambda: parse_csv_text(text, file="x.csv", header_row=header_row, decimal_comma=False))
    assert fast == outcome(lambda: read_record_by_record(text, header_row=header_row))


id_texts = st.sampled_from(["Peru", "PER", "pe", "604", "4", "004", "1234", "Congo", "unit-1", "U-2", "Atlantis"])


@given(st.lists(id_texts, max_size=12))
def test_count_named_counts_what_the_candidates_give(texts: list[str]) -> None:
    resolver = default_resolver()
    assert resolver.count_named(texts) == sum(len(resolver.candidates(t)) == 1 for t in texts)


@given(st.lists(st.sampled_from(["unit-1", "UNIT-1", "unit-2", "", " ", "Peru", "PER", "x"]), min_size=1, max_size=8))
def test_blank_and_repeated_ids_are_reported_in_row_order_whichever_way_they_are_found(texts: list[str]) -> None:
    identity = identify_rows(pd.Series(texts, dtype=object), np.arange(2, 2 + len(texts)), column="c", source="s")
    rows = [p.row for p in identity.problems if p.code in ("data.blank_id", "data.duplicate_id")]
    assert rows == sorted(rows)
    blanks = [i + 2 for i, t in enumerate(texts) if not t.strip()]
    assert [p.row for p in identity.problems if p.code == "data.blank_id"] == blanks
    keys = [identity.ids[i] if identity.countries else t.strip().casefold() for i, t in enumerate(texts) if t.strip()]
    assert sum(p.code == "data.duplicate_id" for p in identity.problems) == len(keys) - len(set(keys))


split_cells = st.text(alphabet=st.sampled_from(list("ab 1.é中\xa0\t;,")), max_size=5)


@given(
    st.integers(1, 5).flatmap(lambda k: st.lists(st.lists(split_cells, min_size=k, max_size=k), max_size=12)),
    st.sampled_from([",", ";", "\t"]),
    st.integers(1, 64),
)
def test_columns_split_together_equal_each_line_split(rows: list[list[str]], delimiter: str, chunk: int) -> None:
    rows = [[c.replace(delimiter, "") for c in r] for r in rows]  # a cell never holds the delimiter here
    if not rows:
        return
    lines = [delimiter.join(r) for r in rows]
    columns = split_columns(lines, delimiter, len(rows[0]), chunk_bytes=chunk)  # chunks of a few lines
    split = [line.split(delimiter) for line in lines]
    assert [c.tolist() for c in columns] == [[cells[j] for cells in split] for j in range(len(rows[0]))]
    assert all(c.dtype == object for c in columns)


def test_split_columns_refuses_a_line_of_another_width() -> None:
    with pytest.raises(ValueError, match="each line should hold 1 ','"):
        split_columns(["a,1", "b"], ",", 2)


def test_a_wide_plain_file_is_read_as_the_record_by_record_path_reads_it() -> None:
    header = ",".join(["id", *(f"x{j}" for j in range(40))])
    body = [",".join([f"unit-{i}", *(f"{i * j % 97}.{j}" for j in range(40))]) for i in range(300)]
    text = "\n".join([header, *body, ""])
    assert outcome(lambda: parse_csv_text(text, file="x.csv")) == outcome(lambda: read_record_by_record(text))


@pytest.mark.parametrize("layout", ["C", "F"])
@pytest.mark.parametrize("in_place", [False, True])
def test_rows_in_order_is_fancy_indexing(layout: str, in_place: bool) -> None:
    values = np.array(np.arange(24.0).reshape(6, 4), order=layout)
    before = values.copy()
    positions = np.array([3, 0, 5, 1, 4, 2])
    got = rows_in_order(values, positions, in_place=in_place)
    assert np.array_equal(got, before[positions]) and got.flags.f_contiguous == (layout == "F")
    assert np.array_equal(values, before[positions] if in_place and layout == "F" else before)


def test_imputation_copies_only_when_a_cell_is_filled() -> None:
    raw = np.asfortranarray([[1.0, 2.0], [3.0, np.nan]])
    items = [("a", "i", Indicator(column="c", missing="zero")), ("b", "j", Indicator(column="d", missing="zero"))]
    df = pd.DataFrame({"c": ["1", "3"], "d": ["2", ""]})
    plan = ColumnPlan({"i": "c", "j": "d"}, {})
    kw = {"ids": ["A", "B"], "names": ["A", "B"], "rows": np.array([2, 3])}
    filled, records = impute_cells(raw, np.zeros((2, 2), bool), items, plan, df, **kw)  # type: ignore[arg-type]
    assert filled.tolist() == [[1.0, 2.0], [3.0, 0.0]] and np.isnan(raw[1, 1]) and filled.flags.f_contiguous
    assert [(r["id"], r["column"], r["value"]) for r in records] == [("B", "d", 0.0)]
    full = raw[:1]
    assert impute_cells(full, np.zeros((1, 2), bool), items, plan, df[:1], **kw)[0] is full  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [1, 3, 9, 40])
def test_top_level_contributions_taken_from_the_root_are_the_same_bits(k: int, monkeypatch) -> None:
    rng = np.random.default_rng(k)
    criteria = parse_criteria_text(
        "name: t\ncriteria:\n"
        + "".join(
            f"  c{j}: {{label: C, cites: p, weight: {j % 3 + 1}, indicators: {{i{j}: {{column: x{j}}}}}}}\n"
            for j in range(k)
        )
    )
    raw = rng.normal(size=(300, k))
    raw[rng.random((300, k)) < 0.2] = np.nan
    shared = scoring.score_matrix(raw, criteria)
    decompose = scoring._decompose
    monkeypatch.setattr(scoring, "_decompose", lambda *a, top_contributions=None: decompose(*a))
    computed = scoring.score_matrix(raw, criteria)
    for name in ("node_contributions", "scores", "contributions", "node_weights", "indicator_weights"):
        a, b = getattr(shared, name), getattr(computed, name)
        assert np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b)), name


def test_scoring_a_prepared_table_twice_leaves_it_as_it_was() -> None:
    criteria = parse_criteria_text(
        "name: t\nid_column: unit\ncriteria:\n"
        "  a: {label: A, cites: p, weight: 1, indicators: {i: {column: x, missing: mean}}}\n"
        "  b: {label: B, cites: p, weight: 2, indicators: {j: {column: y}}}\n"
    )
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(6)], "x": ["1", "", "3", "4", "", "6"], "y": list("654321")})
    prepared = prepare_countries(df, criteria)
    before = prepared.cells.raw.copy()
    first, second = score_prepared(prepared), score_prepared(prepared)
    assert np.array_equal(prepared.cells.raw, before, equal_nan=True)
    for name in ("raw", "normalised", "contributions", "node_scores", "node_contributions", "node_weights"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    # u1's blank x is the mean 3.5, min-max 0.5; its y 5 is 0.8: (0.5 + 2 x 0.8) / 3 = 0.7, ahead of u0's 2/3
    assert first.raw.loc["u1", "i"] == 3.5 and list(first.table.index[:2]) == ["u1", "u0"]
    assert first.table.loc["u1", "score"] == pytest.approx(0.7) and first.raw.index[0] == "u1"


def test_spaces_are_every_character_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == SPACES


@given(st.text(alphabet=st.sampled_from(list(" \t\xa0\u3000\u2028\x1c,;ab1")), max_size=12), st.sampled_from(",;\t"))
def test_a_line_blank_but_for_its_delimiters_is_found_by_one_strip(line: str, delimiter: str) -> None:
    assert (not line.strip(SPACES + delimiter)) == (not line.replace(delimiter, "").strip())
