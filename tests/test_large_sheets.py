"""Large sheets read in linear time with a small constant (issue 18): the shortcuts give what the long way gives."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from scorer.errors import DataError
from scorer.io.spreadsheet import _select_header, frame_from_rows, parse_csv_text, read_csv_records
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


cell_texts = st.sampled_from(["", " ", "\xa0", "id", "x", "1", "2.5", "a b"])
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
