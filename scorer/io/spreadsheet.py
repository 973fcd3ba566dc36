"""Reading country spreadsheets (CSV and XLSX) into a DataFrame of raw cells.

Cells are kept as typed (text, or the numbers Excel stored); the pipeline
parses them per indicator so that every bad cell can be reported with its row
and column. ``df.attrs`` records the file name and the spreadsheet row of the
first data line, which is how problems are located.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scorer.errors import DataError, Problem

MAX_BYTES = 50_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
HEADER_SEARCH_ROWS = 30

_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,(\d{1,2}|\d{4,})%?$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.(\d{1,2}|\d{4,})%?$|^\d{1,3}(,\d{3})+\.\d+$")


@dataclass(frozen=True)
class Limits:
    """Size limits for a spreadsheet; each can be set by an environment variable.

    ``UNCT_SCORER_MAX_BYTES``, ``UNCT_SCORER_MAX_ROWS``, ``UNCT_SCORER_MAX_COLUMNS``.

    >>> Limits.from_env({"UNCT_SCORER_MAX_ROWS": "10"}).max_rows
    10
    """

    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """Limits from the environment (defaults where unset or not a positive integer)."""
        env = os.environ if env is None else env

        def get(name: str, default: int) -> int:
            text = env.get(name, "").strip().replace("_", "")
            return int(text) if text.isdigit() and int(text) > 0 else default

        return cls(
            get("UNCT_SCORER_MAX_BYTES", MAX_BYTES),
            get("UNCT_SCORER_MAX_ROWS", MAX_ROWS),
            get("UNCT_SCORER_MAX_COLUMNS", MAX_COLUMNS),
        )


def _fail(file: str, message: str, **kw: object) -> DataError:
    return DataError(Problem("data.read", message, file=file, **kw))  # type: ignore[arg-type]


def decode_text(raw: bytes, *, file: str) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1.

    >>> decode_text("a;b\\n".encode("utf-16"), file="x.csv")
    'a;b\\n'
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(file, f"should be valid UTF-16 text, but byte {exc.start} is not") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if b"\x00" in raw:
            raise _fail(file, "should be a text (CSV) file, but it holds binary data") from None
        return raw.decode("cp1252", errors="strict") if _cp1252_ok(raw) else raw.decode("latin-1")


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
    comma = dot = ambiguous = 0
    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                continue
            text = _text(cell).replace(" ", "")
            if _COMMA_DECIMAL.match(text):
                comma += 1
            elif _DOT_DECIMAL.match(text):
                dot += 1
            elif re.match(r"^[+-]?\d{1,3},\d{3}$", text):
                ambiguous += 1
    if dot:
        return False
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
    kept = [(n, r) for n, r in zip(numbers, rows, strict=True) if any(_text(c) for c in r)]
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
        raise _fail(file, "should be a text (CSV) file, but it holds NUL bytes")
    sep = sniff_delimiter(text)
    try:
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)]
    except csv.Error as exc:
        raise _fail(file, f"should be valid CSV, but {exc}") from None
    rows, numbers = _select_header(
        rows, list(range(1, len(rows) + 1)), file=file, header_row=header_row, id_column=id_column
    )
    df = frame_from_rows(rows, file=file, header_row=numbers[0] if numbers else 1, row_numbers=numbers, limits=limits)
    comma = detect_decimal_comma(rows[1:], delimiter=sep) if decimal_comma is None else decimal_comma
    _note_decimal_comma(df, comma, given=decimal_comma is not None)
    return df


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
    limits = limits or Limits.from_env()
    if not rows:
        raise _fail(file, "should have a header row and at least one data row, but it is empty")
    if row_numbers is None:
        row_numbers = list(range(header_row, header_row + len(rows)))
    header = [_text(h) for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
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
                fix="raise UNCT_SCORER_MAX_COLUMNS if this is intended",
            )
        )
    data = rows[1:]
    if len(data) > limits.max_rows:
        problems.append(
            Problem(
                "data.too_large",
                f"should have at most {limits.max_rows:,} rows, but it has {len(data):,}",
                file=file,
                fix="raise UNCT_SCORER_MAX_ROWS if this is intended",
            )
        )
    if not data:
        problems.append(Problem("data.empty", "should have at least one data row, but it has none", file=file))
    if problems:
        raise DataError(problems)
    width = len(header)
    for n, r in zip(row_numbers[1:], data, strict=True):
        extra = [c for c in r[width:] if _text(c)]
        if extra:
            problems.append(
                Problem(
                    "data.read", f"should have {width} cells like the header, but it has {len(r)}", file=file, row=n
                )
            )
    if problems:
        raise DataError(problems)
    body = [[*(list(r[:width])), *([""] * (width - len(r)))] for r in data]
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["source"] = file
    df.attrs["first_row"] = row_numbers[1]
    df.attrs["row_numbers"] = list(row_numbers[1:])
    df.attrs["notes"] = []
    return df


def _pick_sheet(names: list[str], hidden: set[str], sheet: str | int | None, *, file: str) -> str:
    listing = ", ".join(f"{n!r}" + (" (hidden)" if n in hidden else "") for n in names)
    if sheet is None:
        visible = [n for n in names if n not in hidden]
        return visible[0] if visible else names[0]
    if isinstance(sheet, int) or (isinstance(sheet, str) and sheet.strip().isdigit()):
        i = int(sheet)
        if not 1 <= i <= len(names):
            raise _fail(file, f"--sheet should be 1 to {len(names)} or a name ({listing}), but it is {sheet}")
        return names[i - 1]
    if sheet in names:
        return sheet
    folded = {n.casefold().strip(): n for n in names}
    if sheet.casefold().strip() in folded:
        return folded[sheet.casefold().strip()]
    raise _fail(file, f"--sheet should be one of the sheets ({listing}), but it is {sheet!r}")


def read_xlsx(
    path: Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
    decimal_comma: bool | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook as people make them.

    Formulas are read through the values Excel saved with them (a formula with
    no saved value is an error naming the cell); merged cells take the value
    of their top-left cell; title rows above the header are skipped; hidden
    rows are read and hidden sheets are skipped unless ``sheet`` names one,
    both said in ``df.attrs["notes"]``.
    """
    from openpyxl import load_workbook

    file = str(path)
    limits = limits or Limits.from_env()
    try:
        values_wb = load_workbook(path, data_only=True)
        formulas_wb = load_workbook(path, data_only=False)
    except Exception as exc:  # InvalidFileException, zipfile.BadZipFile, KeyError, XML errors and friends
        raise _fail(file, f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__})") from None
    notes: list[str] = []
    try:
        names = list(values_wb.sheetnames)
        if not names:
            raise _fail(file, "should have at least one sheet, but it has none")
        hidden = {n for n in names if values_wb[n].sheet_state != "visible"}
        name = _pick_sheet(names, hidden, sheet, file=file)
        if name in hidden:
            notes.append(f"{file}: sheet {name!r} is hidden in Excel; it was read because --sheet named it")
        elif hidden:
            notes.append(f"{file}: hidden sheets were not read: {', '.join(sorted(hidden))}")
        ws, fws = values_wb[name], formulas_wb[name]
        if ws.max_row > limits.max_rows + HEADER_SEARCH_ROWS or ws.max_column > limits.max_columns:
            raise DataError(
                Problem(
                    "data.too_large",
                    f"should have at most {limits.max_rows:,} rows and "
                    f"{limits.max_columns:,} columns, but sheet {name!r} has {ws.max_row:,} "
                    f"and {ws.max_column:,}",
                    file=file,
                )
            )
        width = ws.max_column
        rows: list[list[object]] = [
            list(r) for r in ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=1, max_col=width, values_only=True)
        ]
        problems: list[Problem] = []
        for frow in fws.iter_rows(min_row=1, max_row=fws.max_row, min_col=1, max_col=width):
            for cell in frow:
                formula = cell.value
                if cell.data_type == "f" or (isinstance(formula, str) and formula.startswith("=")):
                    text = str(getattr(formula, "text", formula))
                    r, c = cell.row - 1, cell.column - 1
                    if r < len(rows) and c < len(rows[r]) and rows[r][c] is None:
                        problems.append(
                            Problem(
                                "data.formula_no_value",
                                f"formula {text} has no saved value; open the file in Excel and save it",
                                file=file,
                                key=f"sheet {name!r}: cell {cell.coordinate}",
                                value=text,
                            )
                        )
        if problems:
            raise DataError(problems)
        for rng in ws.merged_cells.ranges:
            top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
            for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    rows[r - 1][c - 1] = top
        hidden_rows = sorted(r for r, dim in ws.row_dimensions.items() if dim.hidden and r <= len(rows))
    finally:
        values_wb.close()
        formulas_wb.close()
    rows, numbers = _select_header(
        rows, list(range(1, len(rows) + 1)), file=file, header_row=header_row, id_column=id_column
    )
    df = frame_from_rows(rows, file=file, header_row=numbers[0] if numbers else 1, row_numbers=numbers, limits=limits)
    shown = [r for r in hidden_rows if r in set(df.attrs["row_numbers"])]
    if shown:
        listed = ", ".join(map(str, shown[:10])) + (", ..." if len(shown) > 10 else "")
        notes.append(f"{file}: sheet {name!r}: {len(shown)} hidden row(s) were read like the others (rows {listed})")
    df.attrs["notes"] = notes
    df.attrs["sheet"] = name
    comma = detect_decimal_comma(rows[1:]) if decimal_comma is None else decimal_comma
    _note_decimal_comma(df, comma, given=decimal_comma is not None)
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
    (162, 2)
    """
    path = Path(path)
    file = str(path)
    limits = limits or Limits.from_env()
    if not path.exists():
        raise _fail(file, "file not found")
    if path.is_dir():
        raise _fail(file, "should be a spreadsheet file, but it is a folder")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise DataError(
            Problem(
                "data.too_large",
                f"should be at most {limits.max_bytes:,} bytes, but it is {size:,}",
                file=file,
                fix="raise UNCT_SCORER_MAX_BYTES if this is intended",
            )
        )
    suffix = path.suffix.lower()
    options = {"header_row": header_row, "id_column": id_column, "decimal_comma": decimal_comma, "limits": limits}
    if suffix == ".xls":
        raise _fail(file, "old .xls workbooks are not read; open it in Excel and save it as .xlsx or CSV")
    if suffix == ".ods":
        raise _fail(file, ".ods workbooks are not read; save it as .xlsx or CSV")
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet=sheet, **options)  # type: ignore[arg-type]
    if suffix not in {".csv", ".tsv", ".txt", ""}:
        raise _fail(file, f"should be a .csv or .xlsx file, but it is {suffix!r}")
    return parse_csv_text(decode_text(path.read_bytes(), file=file), file=file, **options)  # type: ignore[arg-type]
