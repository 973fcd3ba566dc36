"""Where a spreadsheet's columns really are: the one-flag fix (``--header-row N``, ``--sheet NAME``) for validate.

When the criteria's columns are missing from the header that was read, the
columns may simply be elsewhere: on a lower row (titles above the header
that the detection did not skip) or on another sheet. This looks at the
first rows of the file (and of every visible sheet of a workbook) for the
row naming most of the expected columns, and says which flag reads it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scorer.errors import DataError, ScorerError
from scorer.io.limits import Limits, read_limited

SEARCH_ROWS = 50
"""Rows of each sheet looked at for the header."""


@dataclass(frozen=True)
class HeaderSpot:
    """A row naming ``found`` of the expected columns: on ``sheet`` (None for a CSV) at ``row``."""

    sheet: str | None
    row: int
    found: int
    has_id: bool


def _count(cells: Iterable[object], expected: set[str], id_column: str | None) -> tuple[int, bool]:
    names = {str(c).strip() for c in cells if c is not None and str(c).strip()}
    return len(names & expected), id_column is not None and id_column in names


def best_spot(
    rows: Iterable[tuple[str | None, int, Iterable[object]]], expected: set[str], id_column: str | None
) -> HeaderSpot | None:
    """The row naming most expected columns (the first on a tie), or None if no row names any.

    >>> best_spot([(None, 1, ["Title"]), (None, 3, ["iso3", "a", "b"])], {"iso3", "a", "b"}, "iso3")
    HeaderSpot(sheet=None, row=3, found=3, has_id=True)
    """
    best: HeaderSpot | None = None
    for sheet, row, cells in rows:
        found, has_id = _count(cells, expected, id_column)
        if found and (best is None or found > best.found):
            best = HeaderSpot(sheet, row, found, has_id)
    return best


def reading_fix(
    path: Path,
    expected: set[str],
    *,
    id_column: str | None,
    sheet_used: str | None,
    header_used: int | None,
) -> str | None:
    """The one-flag fix that reads more of the ``expected`` columns than the header used, or None.

    ``--sheet NAME`` when another sheet names more of them (with ``--header-row N`` too when
    the id column is not in that row, so the detection would not find it); ``--header-row N``
    when a row of the same sheet does.
    """
    try:
        spots = list(_rows(path, sheet_used=sheet_used))
    except (ScorerError, OSError, ValueError, KeyError):
        return None
    best = best_spot(spots, expected, id_column)
    if best is None or not spots:
        return None
    sheet = sheet_used if sheet_used is not None else spots[0][0]  # a workbook read without --sheet: its first
    used = next((cells for name, row, cells in spots if name == sheet and row == header_used), None)
    if best.found <= (_count(used, expected, id_column)[0] if used is not None else 0):
        return None
    if best.sheet is not None and best.sheet != sheet:
        flag = f"--sheet {_quoted(best.sheet)}"
        if not best.has_id and best.row > 1:
            flag += f" --header-row {best.row}"
        return f"rerun with {flag} (sheet {best.sheet!r} names {best.found} of the {len(expected)} columns needed)"
    if header_used is None or best.row == header_used:  # a sheet not read at all: only another sheet is sure
        return None
    return (
        f"rerun with --header-row {best.row} (row {best.row} names {best.found} of the {len(expected)} columns needed)"
    )


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)


def _rows(path: Path, *, sheet_used: str | None) -> Iterable[tuple[str | None, int, list[object]]]:
    """(sheet, row number, cells) of the first rows of the file (every visible sheet of a workbook)."""
    limits = Limits.from_env()
    raw = read_limited(
        path, limit=limits.max_bytes, limit_name="max_bytes", error=DataError, code="data", what="spreadsheet file"
    )
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(raw, file=str(path), sheet_used=sheet_used, limits=limits)
        return
    from scorer.io.spreadsheet import decode_text, read_csv_records, sniff_delimiter

    text = decode_text(raw, file=str(path))
    head = "\n".join(text.splitlines()[: SEARCH_ROWS * 2])
    records, starts = read_csv_records(head, file=str(path), delimiter=sniff_delimiter(text))
    for record, start in zip(records[:SEARCH_ROWS], starts, strict=False):
        yield None, start, list(record)


def _xlsx_rows(
    raw: bytes, *, file: str, sheet_used: str | None, limits: Limits
) -> Iterable[tuple[str | None, int, list[object]]]:
    import zipfile

    from openpyxl import load_workbook

    from scorer.io.xlsx import check_archive

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        check_archive(archive, file=file, limits=limits)
    wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" and ws.title != sheet_used:
                continue
            for n, row in enumerate(ws.iter_rows(max_row=SEARCH_ROWS, values_only=True), start=1):
                yield ws.title, n, list(row)
    finally:
        wb.close()
