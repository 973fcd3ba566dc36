"""Make messy spreadsheets, the way people save them, at test time.

Each maker writes one file into a folder and returns its path; the expected
values live next to the tests that use them (tests/test_messy.py).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

MESSY_CRITERIA = """\
version: 1
name: messy
criteria:
  engagement:
    label: Engagement
    cites: para. 11(1)
    weight: 2
    indicators:
      level:
        column: level
        normalisation: ordinal
        levels: {none: 0, low: 1, high: 3}
  representation:
    label: Representation
    cites: para. 11(2)
    weight: 1
    indicators:
      office:
        column: office
        normalisation: boolean
  interest:
    label: Interest
    cites: para. 11(3)
    weight: 1
    indicators:
      rate:
        column: rate
        missing: mean
      cost:
        column: cost
        direction: lower
        missing: mean
"""

HEADER = ["pays", "level", "office", "rate", "cost"]
ROWS = [
    ["Algérie", "high", "oui", "12,5", "1 234"],
    ["Côte d'Ivoire", "low", "non", "n/a", "2 000"],
    ["République démocratique du Congo", "none", "non", "45%", "n/a"],
    ["Pérou", "low", "oui", "7,25", "800"],
]
EXPECTED_IDS = ["DZA", "CIV", "COD", "PER"]
EXPECTED_RATE = [12.5, None, 0.45, 7.25]
EXPECTED_COST = [1234.0, 2000.0, None, 800.0]


def csv_text(delimiter: str = ";", rows: Sequence[Sequence[str]] = ROWS) -> str:
    """The officer's sheet as CSV text, with a title row above the header."""
    lines = ["Données pays 2024 (bureau de Genève)", "", delimiter.join(HEADER)]
    lines += [delimiter.join(r) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def write_csv_variants(folder: Path) -> dict[str, Path]:
    """The same sheet in the encodings and dialects Excel and people produce."""
    text = csv_text(";")
    variants = {
        "utf8.csv": text.encode("utf-8"),
        "utf8_bom.csv": text.encode("utf-8-sig"),
        "utf16_excel.txt": csv_text("\t").encode("utf-16"),  # Excel "Unicode text": UTF-16LE with BOM, tabs
        "cp1252.csv": text.encode("cp1252"),
        "latin1.csv": text.encode("latin-1"),
    }
    out = {}
    for name, data in variants.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    return out


def _number(text: str) -> object:
    return text


def write_officer_workbook(path: Path, *, hidden_row: bool = False, hidden_first_sheet: bool = False) -> Path:
    """An .xlsx typed by a programme officer: title row, French names, decimal commas, 'n/a'."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if hidden_first_sheet:
        ws.title = "Notes"
        ws["A1"] = "Internal notes"
        ws.sheet_state = "hidden"
        ws = wb.create_sheet("Données")
    else:
        ws.title = "Données"
    ws.append(["Données pays 2024 — saisie manuelle"])
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append([_number(c) for c in r])
    if hidden_row:
        ws.row_dimensions[5].hidden = True
    wb.save(path)
    return path


def write_formula_workbook(path: Path, *, cached: float | None) -> Path:
    """A workbook whose E5 is the formula =D5*2; ``cached`` is the value Excel would have saved."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Data"
    ws.append(["iso3", "level", "office", "rate", "cost"])
    ws.append(["DZA", "high", "yes", 10, 5])
    ws.append(["PER", "low", "no", 30, 1])
    ws.append(["CIV", "none", "no", 20, 3])
    ws.append(["FRA", "low", "yes", 20, None])
    ws["E5"] = "=D5*2"
    wb.save(path)
    if cached is not None:
        _set_cached_value(path, "E5", cached)
    return path


def _set_cached_value(path: Path, cell: str, value: float) -> None:
    """Write a formula's saved value into the sheet XML, as Excel does on save."""
    with zipfile.ZipFile(path) as zin:
        items = {n: zin.read(n) for n in zin.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = items[name].decode("utf-8")
    pattern = re.compile(rf'(<c r="{cell}"[^>]*>)<f>([^<]*)</f>(?:<v\s*/>|<v></v>)?')
    xml, n = pattern.subn(lambda m: f"{m.group(1)}<f>{m.group(2)}</f><v>{value}</v>", xml)
    assert n == 1, xml
    items[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for n_, data in items.items():
            zout.writestr(n_, data)


def write_two_sheets(path: Path) -> Path:
    """Sheets 'Read me' (text) and 'Data' (the table)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Read me"
    ws["A1"] = "Fill in the Data sheet"
    data = wb.create_sheet("Data")
    data.append(["iso3", "level", "office", "rate", "cost"])
    data.append(["DZA", "high", "yes", 10, 5])
    data.append(["PER", "low", "no", 30, 1])
    wb.save(path)
    return path


def write_merged_header(path: Path) -> Path:
    """A two-row header: 'iso3' merged over A1:A2, a group title merged over B1:E1."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "iso3"
    ws["B1"] = "Indicators (2024)"
    ws.merge_cells("A1:A2")
    ws.merge_cells("B1:E1")
    for col, name in zip("BCDE", ["level", "office", "rate", "cost"], strict=True):
        ws[f"{col}2"] = name
    ws.append(["DZA", "high", "yes", 10, 5])
    ws.append(["PER", "low", "no", 30, 1])
    wb.save(path)
    return path
