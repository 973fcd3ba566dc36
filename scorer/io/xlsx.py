"""Reading one sheet of an .xlsx workbook within fixed limits.

Nothing is inflated before it is measured: the zip directory is checked first
(number of parts, each part's unzipped size and compression ratio, the total),
every XML part is refused if it declares a DTD (no entity can expand), and the
chosen sheet's XML is streamed once through expat (DTDs, entities and
external references refused, as defusedxml does; no tree built) to count its rows and
cells, read its merged ranges, hidden rows and formulas, stopping at the first
limit crossed. Only then does openpyxl read the values, in read-only (streaming)
mode, within the bounds the scan measured; the sheet's declared dimension is
never trusted.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scorer.errors import DataError, Problem
from scorer.io.csv_text import HEADER_SEARCH_ROWS
from scorer.io.csv_text import read_error as _fail
from scorer.io.limits import Limits, raise_hint
from scorer.io.spreadsheet import frame_below_header, settle_decimal_comma

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_ROW, _NS_C, _NS_V, _NS_T, _NS_F, _NS_MERGE = (_NS + tag for tag in ("row", "c", "v", "t", "f", "mergeCell"))
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$")
_RATIO_FLOOR = 1_000_000


def column_number(letters: str) -> int:
    """1-based column number of spreadsheet column letters.

    >>> column_number("A"), column_number("XFD")
    (1, 16384)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def parse_ref(ref: str) -> tuple[int, int] | None:
    """(row, column) of a cell reference such as ``B12``; None if it is not one.

    >>> parse_ref("B12"), parse_ref("12B")
    ((12, 2), None)
    """
    m = _REF.match(ref.strip().upper())
    return (int(m.group(2)), column_number(m.group(1))) if m else None


def _too_large(file: str, message: str, limit: str) -> DataError:
    return DataError(Problem("data.too_large", message, file=file, fix=raise_hint(limit)))


def check_archive(archive: zipfile.ZipFile, *, file: str, limits: Limits) -> None:
    """Refuse a workbook whose parts would inflate beyond the limits, before any is read."""
    infos = archive.infolist()
    if len(infos) > limits.max_zip_parts:
        raise _too_large(
            file, f"should hold at most {limits.max_zip_parts:,} parts, but it holds {len(infos):,}", "max_zip_parts"
        )
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_zip_ratio * max(info.compress_size, 1):
            raise _too_large(
                file,
                f"part {info.filename!r} should inflate at most {limits.max_zip_ratio}-fold, but it inflates "
                f"{info.file_size // max(info.compress_size, 1):,}-fold ({info.file_size:,} bytes): a zip bomb?",
                "max_zip_ratio",
            )
        if total > limits.max_unzipped_bytes:
            raise _too_large(
                file,
                f"should unzip to at most {limits.max_unzipped_bytes:,} bytes, but it unzips to more "
                f"(part {info.filename!r} alone is {info.file_size:,})",
                "max_unzipped_bytes",
            )
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _refuse_dtd(archive, info.filename, file=file)


class _Forbidden(Exception):
    """An XML part declared a DTD, an entity or an external reference."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class _Stop(Exception):
    """The root element was reached: the prolog held no DTD."""


def _safe_parser() -> Any:
    """An expat parser that refuses DTDs, entities and external references, as defusedxml does."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator="}")

    def forbid(what: str) -> Any:
        def handler(*_args: Any) -> None:
            raise _Forbidden(what)

        return handler

    parser.StartDoctypeDeclHandler = forbid("a document type (DTD)")
    parser.EntityDeclHandler = forbid("entities")
    parser.UnparsedEntityDeclHandler = forbid("entities")
    parser.ExternalEntityRefHandler = forbid("an external reference")
    return parser


def _feed(parser: Any, stream: Any) -> None:
    while chunk := stream.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _refuse_dtd(archive: zipfile.ZipFile, name: str, *, file: str) -> None:
    """Parse a part's prolog, stopping at its root element: a DTD or an entity is refused."""
    parser = _safe_parser()

    def stop(*_args: Any) -> None:
        raise _Stop

    parser.StartElementHandler = stop
    try:
        with archive.open(name) as stream:
            _feed(parser, stream)
    except _Forbidden as exc:
        raise _fail(file, f"part {name!r} should be plain XML, but it declares {exc.what}") from None
    except Exception:
        return  # the root was reached, or the part is not XML: openpyxl reports that when it reads it


@dataclass
class SheetScan:
    """What one streaming pass over a sheet's XML found."""

    max_row: int = 0
    max_col: int = 0
    cells: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    formulas_without_value: list[tuple[str, str]] = field(default_factory=list)


class _SheetHandler:
    """Expat callbacks counting rows and cells and noting merges, hidden rows and formulas without a value."""

    def __init__(self, scan: SheetScan, *, file: str, sheet: str, limits: Limits) -> None:
        self.scan, self.file, self.sheet, self.limits = scan, file, sheet, limits
        self.max_rows = limits.max_rows + HEADER_SEARCH_ROWS
        self.row = self.col = 0
        self.ref = ""
        self.formula: list[str] | None = None
        self.has_value = False
        self.text: list[str] | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _NS_C:
            ref = attrs.get("r", "")
            where = parse_ref(ref) if ref else None
            self.col = where[1] if where else self.col + 1
            self.ref = ref or f"row {self.row}"
            _check_cell(self.scan, self.col, file=self.file, sheet=self.sheet, limits=self.limits)
            self.formula, self.has_value = None, False
        elif name == _NS_ROW:
            self.row = int(attrs.get("r") or self.row + 1)
            self.col = 0
            if self.row > self.max_rows:
                raise _too_large(
                    self.file,
                    f"sheet {self.sheet!r} should have at most {self.limits.max_rows:,} data rows "
                    f"({self.max_rows:,} rows with titles above the header), but it has a row {self.row:,}",
                    "max_rows",
                )
            if attrs.get("hidden") in ("1", "true"):
                self.scan.hidden_rows.append(self.row)
            self.scan.max_row = max(self.scan.max_row, self.row)
        elif name in (_NS_V, _NS_T, _NS_F):
            self.text = []
        elif name == _NS_MERGE:
            _add_merge(self.scan, attrs.get("ref", ""), file=self.file, sheet=self.sheet, limits=self.limits)

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, name: str) -> None:
        if name in (_NS_V, _NS_T):
            self.has_value = self.has_value or bool("".join(self.text or []))
            self.text = None
        elif name == _NS_F:
            self.formula, self.text = self.text or [], None
        elif name == _NS_C and self.formula is not None and not self.has_value:
            self.scan.formulas_without_value.append((self.ref, "=" + "".join(self.formula)))


def scan_sheet(stream: Any, *, file: str, sheet: str, limits: Limits) -> SheetScan:
    """Stream a sheet's XML once with expat (no tree is built), stopping at the first limit crossed."""
    scan = SheetScan()
    handler = _SheetHandler(scan, file=file, sheet=sheet, limits=limits)
    parser = _safe_parser()
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    try:
        _feed(parser, stream)
    except _Forbidden as exc:
        raise _fail(file, f"sheet {sheet!r} should be plain XML, but it declares {exc.what}") from None
    except DataError:
        raise
    except Exception as exc:  # expat errors, bad numbers in attributes
        raise _fail(file, f"sheet {sheet!r} should be readable XML, but it is not ({type(exc).__name__})") from None
    for r0, c0, r1, c1 in scan.merged:  # a merged area counts as used, as Excel shows it
        if r0 <= scan.max_row and c0 <= scan.max_col:
            scan.max_row, scan.max_col = max(scan.max_row, r1), max(scan.max_col, c1)
    return scan


def _check_cell(scan: SheetScan, col: int, *, file: str, sheet: str, limits: Limits) -> None:
    scan.cells += 1
    if col > limits.max_columns:
        raise _too_large(
            file,
            f"sheet {sheet!r} should have at most {limits.max_columns:,} columns, but it has a cell in column {col:,}",
            "max_columns",
        )
    if scan.cells > limits.max_cells:
        raise _too_large(
            file, f"sheet {sheet!r} should have at most {limits.max_cells:,} cells, but it has more", "max_cells"
        )
    scan.max_col = max(scan.max_col, col)


def _add_merge(scan: SheetScan, ref: str, *, file: str, sheet: str, limits: Limits) -> None:
    first, _, last = ref.partition(":")
    a, b = parse_ref(first), parse_ref(last or first)
    if a is None or b is None:
        raise _fail(file, f"sheet {sheet!r}: a merged range should be like A1:B2, but it is {ref[:40]!r}")
    max_rows = limits.max_rows + HEADER_SEARCH_ROWS
    if max(a[0], b[0]) > max_rows or max(a[1], b[1]) > limits.max_columns:
        raise _too_large(
            file,
            f"sheet {sheet!r}: merged range {ref} should lie within {max_rows:,} rows and "
            f"{limits.max_columns:,} columns, but it reaches row {max(a[0], b[0]):,}, column {max(a[1], b[1]):,}",
            "max_rows" if max(a[0], b[0]) > max_rows else "max_columns",
        )
    if len(scan.merged) >= limits.max_cells:
        raise _too_large(file, f"sheet {sheet!r} should have at most {limits.max_cells:,} merged ranges", "max_cells")
    scan.merged.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])))


def pick_sheet(names: list[str], hidden: set[str], sheet: str | int | None, *, file: str) -> str:
    """The sheet to read: ``sheet`` by 1-based number or name (case-insensitive), else the first visible one."""
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


def sheet_notes(name: str, hidden: set[str], *, file: str, named: bool) -> list[str]:
    """What to tell the user about hidden sheets.

    >>> sheet_notes("Data", {"Data"}, file="w.xlsx", named=False)
    ["w.xlsx: every sheet is hidden in Excel; the first, 'Data', was read (name another with --sheet)"]
    """
    if name in hidden and named:
        return [f"{file}: sheet {name!r} is hidden in Excel; it was read because --sheet named it"]
    if name in hidden:
        return [f"{file}: every sheet is hidden in Excel; the first, {name!r}, was read (name another with --sheet)"]
    if hidden:
        return [f"{file}: hidden sheets were not read: {', '.join(sorted(hidden))}"]
    return []


def read_xlsx(
    data: bytes,
    *,
    file: str,
    sheet: str | int | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
    decimal_comma: bool | None = None,
    limits: Limits | None = None,
) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook (its bytes) as people make them.

    Formulas are read through the values Excel saved with them (a formula with
    no saved value is an error naming the cell); merged cells take the value
    of their top-left cell; title rows above the header are skipped; hidden
    rows are read and hidden sheets are skipped unless ``sheet`` names one,
    both said in ``df.attrs["notes"]``.
    """
    from openpyxl import load_workbook

    limits = limits or Limits.from_env()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _fail(file, f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__})") from None
    with archive:
        check_archive(archive, file=file, limits=limits)
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # InvalidFileException, BadZipFile, KeyError, XML errors and friends
            raise _fail(file, f"should be an .xlsx workbook, but it cannot be opened ({type(exc).__name__})") from None
        try:
            names = list(wb.sheetnames)
            if not names:
                raise _fail(file, "should have at least one sheet, but it has none")
            hidden = {n for n in names if wb[n].sheet_state != "visible"}
            name = pick_sheet(names, hidden, sheet, file=file)
            notes = sheet_notes(name, hidden, file=file, named=sheet is not None)
            ws = wb[name]
            part = getattr(ws, "_worksheet_path", None)
            if part is None:
                raise _fail(file, f"sheet {name!r} should be a worksheet, but it is a chart sheet")
            with archive.open(part) as stream:
                scan = scan_sheet(stream, file=file, sheet=name, limits=limits)
            rows = _read_rows(ws, scan, file=file, sheet=name)
        except DataError:
            raise
        except Exception as exc:
            raise _fail(file, f"should be an .xlsx workbook, but sheet cannot be read ({type(exc).__name__})") from None
        finally:
            wb.close()
    numbers = list(range(1, len(rows) + 1))
    df, rows = frame_below_header(rows, numbers, file=file, header_row=header_row, id_column=id_column, limits=limits)
    kept = set(df.attrs["row_numbers"])
    shown = [r for r in scan.hidden_rows if r in kept]
    if shown:
        listed = ", ".join(map(str, shown[:10])) + (", ..." if len(shown) > 10 else "")
        notes.append(f"{file}: sheet {name!r}: {len(shown)} hidden row(s) were read like the others (rows {listed})")
    df.attrs["notes"] = notes
    df.attrs["sheet"] = name
    settle_decimal_comma(df, rows[1:], decimal_comma)
    return df


def _read_rows(ws: Any, scan: SheetScan, *, file: str, sheet: str) -> list[list[object]]:
    """The sheet's values within the scanned bounds, merged cells filled from their top-left cell."""
    if scan.max_row == 0 or scan.max_col == 0:
        return []
    rows: list[list[object]] = [
        list(r) for r in ws.iter_rows(min_row=1, max_row=scan.max_row, max_col=scan.max_col, values_only=True)
    ]
    rows += [[None] * scan.max_col for _ in range(scan.max_row - len(rows))]
    problems = [
        Problem(
            "data.formula_no_value",
            f"formula {text} has no saved value; open the file in Excel and save it",
            file=file,
            key=f"sheet {sheet!r}: cell {ref}",
            value=text,
        )
        for ref, text in scan.formulas_without_value
    ]
    if problems:
        raise DataError(problems)
    for r0, c0, r1, c1 in scan.merged:
        if r0 > len(rows) or c0 > scan.max_col:
            continue
        top = rows[r0 - 1][c0 - 1]
        for r in range(r0, min(r1, len(rows)) + 1):
            for c in range(c0, min(c1, scan.max_col) + 1):
                rows[r - 1][c - 1] = top
    return rows
