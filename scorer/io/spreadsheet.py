"""Reading country spreadsheets (CSV and XLSX) into a DataFrame of raw cells.

Cells are kept as typed (text, or the numbers Excel stored); the pipeline
parses them per indicator so that every bad cell can be reported with its row
and column. ``df.attrs`` records the file name and the spreadsheet row of the
first data line, which is how problems are located.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from scorer.errors import DataError, Problem

MAX_BYTES = 50_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000


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
    """Comma, semicolon or tab: whichever splits the header into the most fields.

    >>> sniff_delimiter("iso3;score\\nDZA;1,5\\n")
    ';'
    """
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def parse_csv_text(text: str, *, file: str) -> pd.DataFrame:
    """Parse CSV text into a frame of strings, header on the first line."""
    if "\x00" in text:
        raise _fail(file, "should be a text (CSV) file, but it holds NUL bytes")
    sep = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        raise _fail(file, f"should be valid CSV, but {exc}") from None
    rows = [r for r in rows if any(c.strip() for c in r)] if rows else rows
    return frame_from_rows(rows, file=file, header_row=1)


def frame_from_rows(rows: list[list[object]], *, file: str, header_row: int) -> pd.DataFrame:
    """Build the raw frame from a header row and data rows, checking the header."""
    if not rows:
        raise _fail(file, "should have a header row and at least one data row, but it is empty")
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name == "":
            problems.append(
                Problem("data.header", f"column {i + 1} should have a name, but its header is blank",
                        file=file, row=header_row)
            )
        elif name in seen:
            problems.append(
                Problem("data.header", f"column name {name!r} should appear once, but columns "
                        f"{seen[name] + 1} and {i + 1} share it", file=file, row=header_row, column=name)
            )
        else:
            seen[name] = i
    if len(header) > MAX_COLUMNS:
        problems.append(Problem("data.too_large", f"should have at most {MAX_COLUMNS} columns, but it has {len(header)}", file=file))
    data = rows[1:]
    if len(data) > MAX_ROWS:
        problems.append(Problem("data.too_large", f"should have at most {MAX_ROWS:,} rows, but it has {len(data):,}", file=file))
    if not data:
        problems.append(Problem("data.empty", "should have at least one data row, but it has none", file=file))
    if problems:
        raise DataError(problems)
    width = len(header)
    for n, r in enumerate(data):
        extra = [c for c in r[width:] if c not in (None, "") and str(c).strip()]
        if extra:
            raise _fail(file, f"should have {width} cells like the header, but it has {len(r)}", row=header_row + 1 + n)
    body = [[*(list(r[:width])), *([""] * (width - len(r)))] for r in data]
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["source"] = file
    df.attrs["first_row"] = header_row + 1
    return df


def read_xlsx(path: Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook (cached values of formulas)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    file = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise _fail(file, f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__})") from None
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise _fail(file, f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__})") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb[names[0]]
        elif isinstance(sheet, int) or (isinstance(sheet, str) and sheet.isdigit()):
            i = int(sheet)
            if not 1 <= i <= len(names):
                raise _fail(file, f"--sheet should be 1 to {len(names)} or a name ({', '.join(names)}), but it is {sheet}")
            ws = wb[names[i - 1]]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise _fail(file, f"--sheet should be one of the sheets ({', '.join(names)}), but it is {sheet!r}")
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    rows = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
    return frame_from_rows(rows, file=file, header_row=1)


def read_countries(path: str | Path, *, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a country spreadsheet (.csv, .tsv, .txt or .xlsx) as raw cells.

    >>> from scorer.resources import demo_spreadsheet_path
    >>> df = read_countries(demo_spreadsheet_path())
    >>> len(df), df.attrs["first_row"]
    (162, 2)
    """
    path = Path(path)
    file = str(path)
    if not path.exists():
        raise _fail(file, "file not found")
    if path.is_dir():
        raise _fail(file, "should be a spreadsheet file, but it is a folder")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _fail(file, f"should be at most {MAX_BYTES:,} bytes, but it is {size:,}")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _fail(file, "old .xls workbooks are not read; open it in Excel and save it as .xlsx or CSV")
    if suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(path, sheet=sheet)
    if suffix not in {".csv", ".tsv", ".txt", ""}:
        raise _fail(file, f"should be a .csv or .xlsx file, but it is {suffix!r}")
    return parse_csv_text(decode_text(path.read_bytes(), file=file), file=file)
