"""Reading the planner's workbook back by column id (headers are for people; the Data dictionary maps them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook


def column_ids(path: Path, sheet: str) -> list[str]:
    """The column ids of ``sheet``, in order, as its Data dictionary lists them."""
    wb = load_workbook(path, read_only=True)
    rows = list(wb["Data dictionary"].iter_rows(min_row=2, values_only=True))
    wb.close()
    return [str(r[1]) for r in rows if r[0] == sheet]


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """Every row of ``sheet`` with its header row replaced by the column ids."""
    wb = load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    ids = column_ids(path, sheet)
    assert len(ids) == len(rows[0]), (sheet, ids, rows[0])
    return [tuple(ids), *rows[1:]]


def sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    """The data rows of ``sheet`` as dicts keyed by column id."""
    header, *rows = sheet_rows(path, sheet)
    return [dict(zip(header, r, strict=True)) for r in rows]
