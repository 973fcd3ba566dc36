"""Reading country spreadsheets (CSV and XLSX) into a DataFrame of raw cells.

Cells are kept as typed (text, or the numbers Excel stored); the pipeline
parses them per indicator so that every bad cell can be reported with its row
and column. ``df.attrs`` records the file name and the spreadsheet row of the
first data line, which is how problems are located.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from scorer.errors import DataError, Problem
from scorer.io.csv_text import (
    HEADER_SEARCH_ROWS,
    OTHER_BREAK,
    decode_text,
    read_csv_records,
    read_error,
    sniff_delimiter,
    split_columns,
)
from scorer.io.limits import Limits, raise_hint, read_limited, refuse_control_characters
from scorer.prepare.cells import RowNumbers

__all__ = ["Limits", "decode_text", "parse_csv_text", "read_countries", "read_csv_records", "sniff_delimiter"]

MAX_BYTES = Limits.max_bytes
MAX_ROWS = Limits.max_rows
MAX_COLUMNS = Limits.max_columns

_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})%?$")
_AMBIGUOUS_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})%?$|^\d{1,3}(,\d{3})+\.\d+$")
# every character str.strip() removes (the last is U+3000): ``line.strip(SPACES + d)`` is empty exactly when
# ``line.replace(d, "").strip()`` is, but stops at a line's first and last visible characters
SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).replace("\u00a0", " ").strip()


def detect_decimal_comma(rows: list[list[object]], *, delimiter: str | None = None) -> bool:
    """Whether a file writes decimals with a comma (``0,75``), judged from its text cells.

    A cell such as ``0,75`` or ``12,5`` votes for the comma, ``0.75`` for the dot;
    ``1,234`` is ambiguous and counts for the comma only in a semicolon-separated file.

    >>> detect_decimal_comma([["0,75", "12"]]), detect_decimal_comma([["1,234"]])
    (True, False)
    >>> detect_decimal_comma([["1,234"]], delimiter=";")
    True
    """
    comma = ambiguous = 0
    for row in rows:
        for cell in row:
            # every pattern needs a comma or a dot; one dot decimal settles it (linear, early exit)
            if not isinstance(cell, str) or ("," not in cell and "." not in cell):
                continue
            text = _text(cell).replace(" ", "")
            if _COMMA_DECIMAL.match(text):
                comma += 1
            elif _DOT_DECIMAL.match(text):
                return False
            elif _AMBIGUOUS_THOUSANDS.match(text):
                ambiguous += 1
    return comma > 0 or (delimiter == ";" and ambiguous > 0)


def find_header_row(rows: list[list[object]], *, id_column: str | None = None) -> int:
    """Index (0-based) of the header among ``rows``: skips title and notes rows above it.

    The header is the first row holding the id column's name; failing that, the
    first row filled at least half as much as the fullest of the first rows.

    >>> find_header_row([["Country data 2024"], [], ["pays", "score"], ["Algérie", "1"]])
    2
    >>> find_header_row([["Notes", "x"], ["iso3", "a", "b"]], id_column="ISO3")
    1
    """
    head = rows[:HEADER_SEARCH_ROWS]
    if id_column:
        wanted = _text(id_column).casefold()
        for i, row in enumerate(head):
            if any(_text(c).casefold() == wanted for c in row):
                return i
    counts = [sum(1 for c in row if _text(c)) for row in head]
    if not counts or max(counts) < 2:
        return 0
    need = max(2, (max(counts) + 1) // 2)
    return next(i for i, n in enumerate(counts) if n >= need)


def _select_header(
    rows: list[list[object]],
    numbers: list[int],
    *,
    file: str,
    header_row: int | None,
    id_column: str | None,
) -> tuple[list[list[object]], list[int]]:
    """Drop blank rows and everything above the header; keep spreadsheet row numbers."""
    kept = [(n, r) for n, r in zip(numbers, rows, strict=True) if r and (_text(r[0]) or any(_text(c) for c in r))]
    if header_row is not None:
        if header_row < 1:
            raise read_error(file, f"--header-row should be 1 or more, but it is {header_row}")
        start = next((i for i, (n, _r) in enumerate(kept) if n >= header_row), None)
        if start is None or kept[start][0] != header_row:
            raise read_error(
                file,
                f"--header-row {header_row} should be a row with column names, but that row is blank "
                "or beyond the end of the sheet",
            )
    else:
        start = find_header_row([r for _n, r in kept], id_column=id_column)
    kept = kept[start:]
    return [r for _n, r in kept], [n for n, _r in kept]


def parse_csv_text(
    text: str,
    *,
    file: str,
    header_row: int | None = None,
    id_column: str | None = None,
    decimal_comma: bool | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    r"""Parse CSV text into a frame of strings, below the header row (given or detected).

    >>> df = parse_csv_text("Données pays\n\npays;score\nAlgérie;0,75\n", file="x.csv")
    >>> df.iloc[0].tolist(), df.attrs["first_row"], df.attrs["decimal_comma"]
    (['Algérie', '0,75'], 4, True)
    """
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise read_error(file, "should be a text (CSV) file, but it holds NUL bytes", row=row)
    sep = sniff_delimiter(text)
    table = _rectangular_columns(text, delimiter=sep, file=file, header_row=header_row, id_column=id_column)
    if table is not None:
        header, block, numbers = table
        _check_header(header, len(numbers) - 1, file=file, header_row=numbers[0], limits=limits)
        df = _frame(header, block, numbers[1:], file=file)
        df.attrs["header_row"] = numbers[0]  # where the column names are (validate --fix writes there)
        cells = cast(list[list[object]], block)  # column by column: a dot decimal settles it at its first number
    else:
        rows, starts = read_csv_records(text, file=file, delimiter=sep)
        df, rows = frame_below_header(
            rows, starts, file=file, header_row=header_row, id_column=id_column, limits=limits
        )
        cells = rows[1:]
    # the order of the cells does not matter to the detection, so the columns do as well as the rows
    settle_decimal_comma(df, cells, decimal_comma, delimiter=sep)
    return df


def _rectangular_columns(
    text: str, *, delimiter: str, file: str, header_row: int | None, id_column: str | None
) -> tuple[list[str], list[np.ndarray], list[int]] | None:
    """(header, cells, row numbers from the header's on) of a plain file, read column by column; else None.

    A plain file has no double quote, and below its header every line has the
    header's number of fields, none of them all blank and none past the named
    columns filled: it reads as :func:`read_csv_records`, :func:`_select_header`
    and :func:`frame_from_rows` read it, in a few passes over the text instead of
    a list per row; ``cells`` is an array of text per column (see
    :func:`scorer.io.csv_text.split_columns`). Any other file (and every error) is left to those.
    """
    if '"' in text or OTHER_BREAK.search(text):
        return None
    lines = text.splitlines()
    head = 0
    filled = 0
    while head < len(lines) and (filled < HEADER_SEARCH_ROWS or (header_row is not None and head < header_row)):
        filled += bool(lines[head].replace(delimiter, "").strip())
        head += 1
    records = [line.split(delimiter) if line else [] for line in lines[:head]]
    try:
        kept, numbers = _select_header(
            cast(list[list[object]], records),
            list(range(1, head + 1)),
            file=file,
            header_row=header_row,
            id_column=id_column,
        )
    except DataError:
        return None
    if not kept:
        return None
    fields = len(kept[0])
    header = _header_names(kept[0])
    body = lines[numbers[0] :]
    blank = SPACES + delimiter
    if any(line.count(delimiter) != fields - 1 or not line.strip(blank) for line in body):
        return None
    columns = split_columns(body, delimiter, fields)
    if any(_text(c) for column in columns[len(header) :] for c in column):
        return None  # a filled cell past the named columns: frame_from_rows reports it
    return header, columns[: len(header)], list(range(numbers[0], numbers[0] + len(body) + 1))


def frame_below_header(
    rows: list[list[object]],
    numbers: list[int],
    *,
    file: str,
    header_row: int | None,
    id_column: str | None,
    limits: Limits | None,
) -> tuple[pd.DataFrame, list[list[object]]]:
    """The frame from the header row on (``header_row`` or detected) and the rows it was built from, header first.

    ``numbers`` are the spreadsheet rows of ``rows``; blank rows are dropped
    and ``df.attrs["header_row"]`` says where the column names are (validate
    --fix writes there). The CSV and XLSX readers share this step.

    >>> df, rows = frame_below_header(
    ...     [["Title"], [], ["pays", "x"], ["PER", "1"]], [1, 2, 3, 4],
    ...     file="t.csv", header_row=None, id_column="pays", limits=None,
    ... )
    >>> df["x"].tolist(), df.attrs["header_row"], df.attrs["row_numbers"], rows[0]
    (['1'], 3, (4,), ['pays', 'x'])
    """
    rows, numbers = _select_header(rows, numbers, file=file, header_row=header_row, id_column=id_column)
    header_at = numbers[0] if numbers else 1
    df = frame_from_rows(rows, file=file, header_row=header_at, row_numbers=numbers, limits=limits)
    df.attrs["header_row"] = header_at
    return df, rows


def settle_decimal_comma(
    df: pd.DataFrame, cells: list[list[object]], decimal_comma: bool | None, *, delimiter: str | None = None
) -> None:
    """Record in ``df.attrs`` whether ``0,75`` means 0.75: ``decimal_comma`` if given, else detected from ``cells``.

    >>> df = pd.DataFrame({"x": ["0,75"]})
    >>> df.attrs["source"] = "t.csv"
    >>> settle_decimal_comma(df, [["0,75"]], None)
    >>> df.attrs["decimal_comma"], len(df.attrs["notes"])
    (True, 1)
    """
    comma = detect_decimal_comma(cells, delimiter=delimiter) if decimal_comma is None else decimal_comma
    _note_decimal_comma(df, comma, given=decimal_comma is not None)


def _note_decimal_comma(df: pd.DataFrame, comma: bool, *, given: bool) -> None:
    df.attrs["decimal_comma"] = comma
    if comma and not given:
        df.attrs.setdefault("notes", []).append(
            f"{df.attrs['source']}: numbers are read with a decimal comma (0,75 = 0.75), as this file writes them"
        )


def frame_from_rows(
    rows: list[list[object]],
    *,
    file: str,
    header_row: int,
    row_numbers: list[int] | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Build the raw frame from a header row and data rows, checking the header.

    ``row_numbers`` are the spreadsheet row numbers of ``rows`` (default:
    consecutive from ``header_row``); they go to ``df.attrs["row_numbers"]``.
    """
    if not rows:
        raise read_error(file, "should have a header row and at least one data row, but it is empty")
    if row_numbers is None:
        row_numbers = list(range(header_row, header_row + len(rows)))
    header = _header_names(rows[0])
    data = rows[1:]
    _check_header(header, len(data), file=file, header_row=header_row, limits=limits)
    width = len(header)
    problems = [
        Problem("data.read", f"should have {width} cells like the header, but it has {len(r)}", file=file, row=n)
        for n, r in zip(row_numbers[1:], data, strict=True)
        if len(r) > width and any(_text(c) for c in r[width:])
    ]
    if problems:
        raise DataError(problems)
    short = [i for i, r in enumerate(data) if len(r) < width]
    if short:
        data = list(data)
        for i in short:
            data[i] = [*data[i], *([""] * (width - len(data[i])))]
    columns = [list(c) for c, _name in zip(zip(*data, strict=False), header, strict=False)]
    return _frame(header, columns, row_numbers[1:], file=file)


def _header_names(record: list[object]) -> list[str]:
    """The column names of a header record, without the blank cells at its end."""
    header = [_text(h) for h in record]
    while header and header[-1] == "":
        header.pop()
    return header


def _check_header(header: list[str], rows: int, *, file: str, header_row: int, limits: Limits | None) -> None:
    """Raise every problem of the header (blank or repeated names, too many columns) and of the row count."""
    limits = limits or Limits.from_env()
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name == "":
            problems.append(
                Problem(
                    "data.header",
                    f"column {i + 1} should have a name, but its header is blank",
                    file=file,
                    row=header_row,
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    "data.header",
                    f"column name {name!r} should appear once, but columns {seen[name] + 1} and {i + 1} share it",
                    file=file,
                    row=header_row,
                    column=name,
                )
            )
        else:
            seen[name] = i
    if len(header) > limits.max_columns:
        problems.append(
            Problem(
                "data.too_large",
                f"should have at most {limits.max_columns:,} columns, but it has {len(header):,}",
                file=file,
                fix=raise_hint("max_columns"),
            )
        )
    if rows > limits.max_rows:
        problems.append(
            Problem(
                "data.too_large",
                f"should have at most {limits.max_rows:,} rows, but it has {rows:,}",
                file=file,
                fix=raise_hint("max_rows"),
            )
        )
    if not rows:
        problems.append(Problem("data.empty", "should have at least one data row, but it has none", file=file))
    if problems:
        raise DataError(problems)


def _frame(
    header: list[str], cells: list[list[object]] | list[np.ndarray], row_numbers: list[int], *, file: str
) -> pd.DataFrame:
    """The raw frame of text cells, a list or an array per column, with where it came from in ``attrs``."""
    index = pd.RangeIndex(len(row_numbers))
    columns = {k: np.asarray(c, dtype=object) for k, c in enumerate(cells)}  # an array of objects is kept as it is
    df = pd.DataFrame(columns, index=index, dtype=object, copy=False)
    df.columns = pd.Index(header)
    df.attrs["source"] = file
    df.attrs["first_row"] = row_numbers[0]
    df.attrs["row_numbers"] = RowNumbers(row_numbers)
    df.attrs["notes"] = []
    df.attrs["rows_read"] = len(row_numbers)  # data rows read below the header, for the data-quality output
    return df


def read_countries(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
    decimal_comma: bool | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Read a country spreadsheet (.csv, .tsv, .txt or .xlsx) as raw cells.

    ``header_row`` is the spreadsheet row of the column names (default: the
    first row naming ``id_column``, else the first well-filled row);
    ``decimal_comma`` forces how ``0,75`` is read (default: detected per file).
    The file is only read, never written.

    >>> from scorer.resources import demo_spreadsheet_path
    >>> df = read_countries(demo_spreadsheet_path())
    >>> len(df), df.attrs["first_row"]
    (165, 2)
    """
    path = Path(path)
    file = str(path)
    limits = limits or Limits.from_env()
    refuse_control_characters(path, error=DataError, code="data.read")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise read_error(file, "old .xls workbooks are not read; open it in Excel and save it as .xlsx or CSV")
    if suffix == ".ods":
        raise read_error(file, ".ods workbooks are not read; save it as .xlsx or CSV")
    if suffix not in {".csv", ".tsv", ".txt", "", ".xlsx", ".xlsm"}:
        raise read_error(file, f"should be a .csv or .xlsx file, but it is {suffix!r}")
    raw = read_limited(
        path, limit=limits.max_bytes, limit_name="max_bytes", error=DataError, code="data", what="spreadsheet file"
    )
    options = {"header_row": header_row, "id_column": id_column, "decimal_comma": decimal_comma, "limits": limits}
    if suffix in {".xlsx", ".xlsm"}:
        from scorer.io.xlsx import read_xlsx

        return read_xlsx(raw, file=file, sheet=sheet, **options)  # type: ignore[arg-type]
    return parse_csv_text(decode_text(raw, file=file), file=file, **options)  # type: ignore[arg-type]
