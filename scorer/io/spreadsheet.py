"""Reading country spreadsheets (CSV and XLSX) into a DataFrame of raw cells.

Cells are kept as typed (text, or the numbers Excel stored); the pipeline
parses them per indicator so that every bad cell can be reported with its row
and column. ``df.attrs`` records the file name and the spreadsheet row of the
first data line, which is how problems are located.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from scorer.errors import DataError, Problem
from scorer.io.limits import Limits, raise_hint, read_limited, refuse_control_characters
from scorer.prepare.cells import RowNumbers

__all__ = ["Limits", "decode_text", "parse_csv_text", "read_countries", "read_csv_records"]

HEADER_SEARCH_ROWS = 30
MAX_BYTES = Limits.max_bytes
MAX_ROWS = Limits.max_rows
MAX_COLUMNS = Limits.max_columns

_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})%?$")
_AMBIGUOUS_THOUSANDS = re.compile(r"^[+-]?\d{1,3},\d{3}$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})%?$|^\d{1,3}(,\d{3})+\.\d+$")


def _fail(file: str, message: str, **kw: object) -> DataError:
    return DataError(Problem("data.read", message, file=file, **kw))  # type: ignore[arg-type]


def decode_text(raw: bytes, *, file: str) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.

    A file that is UTF-8 in some lines and not in others is refused with the
    first line that is not, rather than read as mojibake ("AlgÃ©rie").

    >>> decode_text("a;b\\n".encode("utf-16"), file="x.csv")
    'a;b\\n'
    >>> decode_text("Algérie\\n".encode() + "Pérou\\n".encode("latin-1"), file="x.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: x.csv: row 2: should use one text encoding, but this line is not UTF-8 while line 1 is ...
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(file, f"should be valid UTF-16 text, but byte {exc.start} is not") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in raw:
            raise _fail(file, "should be a text (CSV) file, but it holds binary data") from None
        _refuse_mixed_encoding(raw, exc.start, file=file)
        return raw.decode("cp1252", errors="strict") if _cp1252_ok(raw) else raw.decode("latin-1")


def _refuse_mixed_encoding(raw: bytes, bad: int, *, file: str) -> None:
    """Raise when some line holds valid multi-byte UTF-8 although the byte at ``bad`` is not UTF-8."""
    text = raw.decode("utf-8", errors="surrogateescape")
    utf8_line = next((i for i, line in enumerate(text.split("\n"), start=1) if _has_utf8(line)), None)
    if utf8_line is None:
        return
    bad_line = raw[:bad].count(b"\n") + 1
    raise DataError(
        Problem(
            "data.encoding",
            f"should use one text encoding, but this line is not UTF-8 while line {utf8_line} is",
            file=file,
            row=bad_line,
            fix="save the file again as UTF-8",
        )
    )


def _has_utf8(line: str) -> bool:
    return any(ord(ch) > 0x7F and not 0xDC80 <= ord(ch) <= 0xDCFF for ch in line)


def _cp1252_ok(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the most lines into the same number of fields.

    >>> sniff_delimiter("iso3;score\\nDZA;1,5\\n")
    ';'
    """
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    scores: dict[str, tuple[int, int, bool]] = {}
    for d in (",", ";", "\t"):
        counts = Counter(n for n in (line.count(d) for line in lines) if n)
        common, lines_agreeing = counts.most_common(1)[0] if counts else (0, 0)
        scores[d] = (lines_agreeing, common, d == ",")
    best = max(scores, key=lambda d: scores[d])
    return best if scores[best][1] else ","


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
            raise _fail(file, f"--header-row should be 1 or more, but it is {header_row}")
        start = next((i for i, (n, _r) in enumerate(kept) if n >= header_row), None)
        if start is None or kept[start][0] != header_row:
            raise _fail(
                file,
                f"--header-row {header_row} should be a row with column names, but that row is blank "
                "or beyond the end of the sheet",
            )
    else:
        start = find_header_row([r for _n, r in kept], id_column=id_column)
    kept = kept[start:]
    return [r for _n, r in kept], [n for n, _r in kept]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_OTHER_BREAK = re.compile("[\v\f\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines() also breaks there, csv does not


def read_csv_records(text: str, *, file: str, delimiter: str) -> tuple[list[list[object]], list[int]]:
    r"""Split CSV text into records and the line each starts on, or raise a located DataError.

    The structure is verified, not trusted: a double quote that is never closed,
    or whose cell swallows whole lines shaped like rows (a stray ``"`` before a
    name), is reported with its row and the rows it swallowed instead of being
    read as one long name; so is a quoted cell that swallows separators and
    leaves its row short. A cell with a line break but no swallowed rows (a
    note typed with Alt+Enter) is read as it is.

    >>> read_csv_records('id,x\n"Chad,1\nPeru,2\nMali,3\n', file="a.csv", delimiter=",")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.DataError: a.csv: row 2: column 1: the double quote that opens this cell ('Chad,1') is never ...
    >>> read_csv_records('id,x\n"Chad\nNdjamena",1\n', file="a.csv", delimiter=",")
    ([['id', 'x'], ['Chad\nNdjamena', '1']], [1, 2])
    """
    if '"' not in text:  # nothing quoted: each line is one record, split at each delimiter (as csv reads it)
        lines = _LINE_BREAK.split(text) if _OTHER_BREAK.search(text) else [*text.splitlines(), ""]
        if lines[-1] == "":
            lines.pop()
        split = [line.split(delimiter) if line else [] for line in lines]
        return cast(list[list[object]], split), list(range(1, len(lines) + 1))
    lines = _LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    usual = Counter(line.count(delimiter) for line in lines if line.count(delimiter)).most_common(1)
    row_shaped = usual[0][0] if usual else 0
    records: list[list[str]] = []
    starts: list[int] = []
    problems: list[Problem] = []
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if line > start:
                problem = _spanning_problem(
                    record, start, line, file=file, lines=lines, row_shaped=row_shaped, delimiter=delimiter
                )
                if problem is not None:
                    problems.append(problem)
            records.append(record)
            starts.append(start)
    except csv.Error as exc:
        raise _fail(file, f"should be valid CSV, but {exc}", row=line + 1) from None
    if problems:
        raise DataError(problems)
    if line != len(lines):
        raise _fail(file, f"should be read to its last line, {len(lines):,}, but reading stopped on line {line:,}")
    width = Counter(len(r) for r in records if len(r) > 1).most_common(1)
    usual_width = width[0][0] if width else 0
    for n, record in zip(starts, records, strict=True):
        if 0 < len(record) < usual_width and any(delimiter in str(c) for c in record):
            problems.append(
                _swallowed_delimiter_problem(
                    record, n, usual_width, file=file, delimiter=delimiter, open_quote=lines[n - 1].count('"') % 2 == 1
                )
            )
    # a quote opening the file's last cell ('"5') swallows only the final line break: still never closed
    if not problems and records and starts[-1] == line and _open_at_end(lines[line - 1], delimiter):
        cell = records[-1][-1].rstrip("\r\n")
        problems.append(
            Problem(
                "data.csv_quote",
                f"column {len(records[-1])}: the double quote that opens this cell ({cell[:40]!r}) is never closed",
                file=file,
                row=line,
                value=cell[:40],
                fix='remove the stray " or close it',
            )
        )
    if problems:
        raise DataError(problems)
    return [list[object](r) for r in records], starts


def _spanning_problem(
    record: list[str], start: int, end: int, *, file: str, lines: list[str], row_shaped: int, delimiter: str
) -> Problem | None:
    """The problem with a record spanning lines ``start``-``end``, or None when it is a genuine multi-line cell."""
    column = next((i for i, c in enumerate(record) if "\n" in c or "\r" in c), 0)
    never_closed = end == len(lines) and _open_at_end("\n".join(lines[start - 1 : end]), delimiter)
    inner = _LINE_BREAK.split(record[column] if record else "")
    swallowed_rows = row_shaped > 0 and any(part.count(delimiter) >= row_shaped for part in inner[1:])
    if not (never_closed or swallowed_rows):
        return None
    swallowed = f"row {start + 1}" if end == start + 1 else f"rows {start + 1}-{end}"
    what = "is never closed" if never_closed else f"closes only on row {end}"
    return Problem(
        "data.csv_quote",
        f"column {column + 1}: the double quote that opens this cell ({inner[0][:40]!r}) {what}, "
        f"so it swallows {swallowed} into one cell",
        file=file,
        row=start,
        value=inner[0][:40],
        fix='remove the stray " or close it',
    )


def _open_at_end(text: str, delimiter: str) -> bool:
    """Whether CSV text ends inside a quoted field (a double quote never closed).

    >>> _open_at_end('a,"b\\nc', ","), _open_at_end('a,"b\\nc",d', ",")
    (True, False)
    """
    try:
        for _record in csv.reader(io.StringIO(text + "\n", newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "end of data" in str(exc) or "EOF" in str(exc)
    return False


def _swallowed_delimiter_problem(
    record: list[str], row: int, width: int, *, file: str, delimiter: str, open_quote: bool
) -> Problem:
    column = next(i for i, c in enumerate(record) if delimiter in str(c))
    shown = "tab" if delimiter == "\t" else repr(delimiter)
    cell = str(record[column]).rstrip("\r\n")
    what = "is never closed" if open_quote else f"holds {cell.count(delimiter)} {shown} separator(s)"
    return Problem(
        "data.csv_quote",
        f"column {column + 1}: the double quote that opens this cell ({cell[:40]!r}) {what}, "
        f"leaving {len(record)} cell(s) where the header has {width}",
        file=file,
        row=row,
        value=cell[:40],
        fix='remove the stray " or close it',
    )


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
        raise _fail(file, "should be a text (CSV) file, but it holds NUL bytes", row=row)
    sep = sniff_delimiter(text)
    table = _rectangular_columns(text, delimiter=sep, file=file, header_row=header_row, id_column=id_column)
    if table is not None:
        header, columns, numbers = table
        _check_header(header, len(numbers) - 1, file=file, header_row=numbers[0], limits=limits)
        df = _frame(header, columns, numbers[1:], file=file)
        df.attrs["header_row"] = numbers[0]  # where the column names are (validate --fix writes there)
        cells: list[list[object]] = columns
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
) -> tuple[list[str], list[list[object]], list[int]] | None:
    """(header, columns, row numbers from the header's on) of a plain file, read column by column; else None.

    A plain file has no double quote, and below its header every line has the
    header's number of fields, none of them all blank and none past the named
    columns filled: it reads as :func:`read_csv_records`, :func:`_select_header`
    and :func:`frame_from_rows` read it, in a few passes over the text instead of
    a list per row. Any other file (and every error) is left to those.
    """
    if '"' in text or _OTHER_BREAK.search(text):
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
    if any(line.count(delimiter) != fields - 1 or not line.replace(delimiter, "").strip() for line in body):
        return None
    flat = delimiter.join(body).split(delimiter) if body else []
    if any(_text(c) for j in range(len(header), fields) for c in flat[j::fields]):
        return None  # a filled cell past the named columns: frame_from_rows reports it
    columns = [cast(list[object], flat[j::fields]) for j in range(len(header))]
    return header, columns, list(range(numbers[0], numbers[0] + len(body) + 1))


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
        raise _fail(file, "should have a header row and at least one data row, but it is empty")
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


def _frame(header: list[str], columns: list[list[object]], row_numbers: list[int], *, file: str) -> pd.DataFrame:
    """The raw frame of text cells, with where it came from in ``attrs``."""
    df = pd.DataFrame(
        {k: np.array(c, dtype=object) for k, c in enumerate(columns)},
        index=pd.RangeIndex(len(row_numbers)),
        dtype=object,
    )
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
        raise _fail(file, "old .xls workbooks are not read; open it in Excel and save it as .xlsx or CSV")
    if suffix == ".ods":
        raise _fail(file, ".ods workbooks are not read; save it as .xlsx or CSV")
    if suffix not in {".csv", ".tsv", ".txt", "", ".xlsx", ".xlsm"}:
        raise _fail(file, f"should be a .csv or .xlsx file, but it is {suffix!r}")
    raw = read_limited(
        path, limit=limits.max_bytes, limit_name="max_bytes", error=DataError, code="data", what="spreadsheet file"
    )
    options = {"header_row": header_row, "id_column": id_column, "decimal_comma": decimal_comma, "limits": limits}
    if suffix in {".xlsx", ".xlsm"}:
        from scorer.io.xlsx import read_xlsx

        return read_xlsx(raw, file=file, sheet=sheet, **options)  # type: ignore[arg-type]
    return parse_csv_text(decode_text(raw, file=file), file=file, **options)  # type: ignore[arg-type]
