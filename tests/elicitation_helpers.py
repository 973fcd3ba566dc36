"""Filling a judgement workbook as a person would, for the elicitation tests."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scorer.starter.judgements import MATRIX_ROW, TABLE_COLUMNS, table_row


def fill_sheet(
    path: Path,
    sheet: str,
    ids: list[str],
    *,
    pairwise: Mapping[tuple[str, str], Any] | None = None,
    swing: Mapping[str, Any] | None = None,
    points: Mapping[str, Any] | None = None,
    ranks: Mapping[str, Any] | None = None,
    cells: Mapping[str, Any] | None = None,
) -> None:
    """Type judgements into one stakeholder's sheet of a workbook made by ``template --judgements``."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb[sheet]
    for (a, b), value in (pairwise or {}).items():
        ws.cell(row=MATRIX_ROW + 1 + ids.index(a), column=2 + ids.index(b)).value = value
    top = table_row(len(ids))
    for what, values in (("swing", swing), ("points", points), ("rank", ranks)):
        for cid, value in (values or {}).items():
            ws.cell(row=top + 1 + ids.index(cid), column=TABLE_COLUMNS[what]).value = value
    for ref, value in (cells or {}).items():
        ws[ref] = value
    wb.save(path)
