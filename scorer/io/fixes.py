"""Writing the corrected copy of ``validate --fix``: the input's cells with the fixes applied, nothing else.

CSV in, CSV out: the same separator, line endings and byte-order mark, every
other cell as it was (quoting may become minimal). XLSX in, XLSX out: the
same workbook with the fixed cells' values changed (sheets, other cells,
formats and formulas kept; what openpyxl does not keep, such as charts, is
not). Written all-or-nothing through the project's writer, which refuses an
output equal to the input.

The copy records the command that rewrites it without adding a cell to the
user's sheet: an XLSX copy in its file properties' description ("Comments" in
Excel), a CSV copy in ``<name>-metadata.json`` beside it, as every CSV output
of the tool does.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from pathlib import Path

from scorer.errors import DataError, OutputError, Problem
from scorer.io.limits import Limits, read_limited
from scorer.io.writer import write_atomic
from scorer.prepare.fixing import CellFix

CSV_SUFFIXES = (".csv", ".tsv", ".txt", "")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def write_fixed_copy(
    source: Path,
    output: Path,
    fixes: Sequence[CellFix],
    *,
    header_row: int,
    sheet: str | None = None,
    force: bool = False,
    command: str | None = None,
) -> list[CellFix]:
    """Write ``source`` with ``fixes`` applied to ``output`` (the same kind of file); never touch ``source``.

    ``command`` (the ``validate --fix`` command that rewrites the copy) is recorded with it. Returns the
    fixes made (a cell holding a formula is left alone, so its fix is not among them).
    """
    kind = source.suffix.lower()
    wanted = XLSX_SUFFIXES if kind in XLSX_SUFFIXES else CSV_SUFFIXES
    if output.suffix.lower() not in wanted or not output.suffix:
        named = [s for s in wanted if s]
        expected = ", ".join(named[:-1]) + " or " + named[-1]
        raise OutputError(
            Problem(
                "output.format",
                f"should end in {expected} like the input {source.name}, but it ends in {output.suffix or 'nothing'!r}",
                file=str(output),
            )
        )
    raw = read_limited(
        source,
        limit=Limits.from_env().max_bytes,
        limit_name="max_bytes",
        error=DataError,
        code="data",
        what="spreadsheet file",
    )
    if kind in XLSX_SUFFIXES:
        data, made = _fixed_xlsx(raw, fixes, header_row=header_row, sheet=sheet, file=str(source), command=command)
    else:
        data, made = _fixed_csv(raw, fixes, header_row=header_row, file=str(source)), list(fixes)
        if command is not None:
            from scorer.io.results import provenance, write_csv_metadata

            prov = provenance({"spreadsheet": source}, command=command)
            write_csv_metadata(output, prov, force=force, guard=(source,))

    def writer(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    write_atomic(output, writer, force=force, inputs=(source,))
    return made


def _column_index(header: Sequence[object], column: str, *, file: str, row: int) -> int:
    names = ["" if h is None else str(h).strip() for h in header]
    if column not in names:
        raise DataError(
            Problem("data.read", f"should have the column {column!r} in its header row", file=file, row=row)
        )
    return names.index(column)


def _fixed_csv(raw: bytes, fixes: Sequence[CellFix], *, header_row: int, file: str) -> bytes:
    """The CSV bytes with the fixes applied: same separator, line endings and encoding mark."""
    from scorer.io.spreadsheet import decode_text, read_csv_records, sniff_delimiter

    text = decode_text(raw, file=file)
    delimiter = sniff_delimiter(text)
    records, starts = read_csv_records(text, file=file, delimiter=delimiter)
    where = {line: i for i, line in enumerate(starts)}
    header = records[where[header_row]]
    for fix in fixes:
        i = where[fix.row]
        j = _column_index(header, fix.column, file=file, row=header_row)
        row = list(records[i])
        row += [""] * (j + 1 - len(row))
        row[j] = fix.fixed
        records[i] = row
    out = io.StringIO(newline="")
    ending = "\r\n" if "\r\n" in text else "\n"
    csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows(records)
    body = out.getvalue()
    if not text.endswith(("\n", "\r")):
        body = body[: -len(ending)] if body.endswith(ending) else body
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.encode("utf-16")
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    return bom + body.encode("utf-8")


def _fixed_xlsx(
    raw: bytes, fixes: Sequence[CellFix], *, header_row: int, sheet: str | None, file: str, command: str | None = None
) -> tuple[bytes, list[CellFix]]:
    """The workbook with the fixed cells' values changed (numbers as numbers); a formula cell is left alone."""
    from openpyxl import load_workbook

    from scorer.io.outputs import fixed_zip_bytes

    wb = load_workbook(io.BytesIO(raw))
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        header = [c.value for c in ws[header_row]]
        made = []
        for fix in fixes:
            cell = ws.cell(row=fix.row, column=_column_index(header, fix.column, file=file, row=header_row) + 1)
            if cell.data_type != "f":
                cell.value = fix.value
                made.append(fix)
        if command is not None:
            wb.properties.description = f"Command: {command}"
        buffer = io.BytesIO()
        wb.save(buffer)
    finally:
        wb.close()
    return fixed_zip_bytes(buffer.getvalue()), made
