"""Builders of hostile input files, shared by tests/test_hostile_*.py and benchmarks/hostile_cases.py.

Each builder writes one small file that used to cost minutes, gigabytes or a
silent wrong result; the sizes are parameters so the tests stay small and the
benchmark can use the sizes of issue 16.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

SHEET_PART = "xl/worksheets/sheet1.xml"
ROWS = [["iso3", "name", "level", "rate"], ["AAA", "Alpha", "high", 10], ["BBB", "Beta", "low", 30]]


def base_workbook(rows: list[list[object]] = ROWS) -> bytes:
    """A small, valid workbook: one sheet, Data."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def replace_parts(data: bytes, parts: dict[str, bytes], *, level: int = 9) -> bytes:
    """The same workbook with some parts replaced (or added), deflated at ``level``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = parts.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
        for name, content in parts.items():
            if name not in src.namelist():
                dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(SHEET_PART)


def merged_range_workbook(path: Path, ref: str = "A10:XFD1048576") -> Path:
    """A few KB: one merged range covering most of the sheet (openpyxl's full mode makes a cell for each)."""
    data = base_workbook()
    xml = sheet_xml(data)
    xml = re.sub(
        rb"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="' + ref.encode() + b'"/></mergeCells>',
        xml,
    )
    path.write_bytes(replace_parts(data, {SHEET_PART: xml}))
    return path


def zip_bomb_workbook(path: Path, *, megabytes: int = 30) -> Path:
    """A sheet whose XML inflates ~1000-fold: ``megabytes`` MB of padding inside a valid sheet."""
    data = base_workbook()
    xml = sheet_xml(data)
    pad = b" " * (megabytes * 1_000_000)
    xml = xml.replace(b"</sheetData>", b"</sheetData>" + pad, 1)
    path.write_bytes(replace_parts(data, {SHEET_PART: xml}))
    return path


def many_rows_workbook(path: Path, *, rows: int) -> Path:
    """A sheet with ``rows`` data rows of one cell each, written straight as XML (fast to make)."""
    data = base_workbook()
    xml = sheet_xml(data)
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(4, rows + 4))
    xml = xml.replace(b"</sheetData>", body + b"</sheetData>", 1)
    path.write_bytes(replace_parts(data, {SHEET_PART: xml}, level=6))
    return path


def entity_workbook(path: Path) -> Path:
    """A billion-laughs DTD in the shared strings part."""
    data = base_workbook()
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    path.write_bytes(replace_parts(data, {"xl/sharedStrings.xml": laughs}))
    return path


def hidden_workbook(path: Path) -> Path:
    """Every sheet hidden (Excel allows it only by editing the file, but files come that way)."""
    data = base_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/workbook.xml")
    path.write_bytes(replace_parts(data, {"xl/workbook.xml": xml.replace(b'state="visible"', b'state="hidden"')}))
    return path
