"""validate names the one-flag fix when the columns are on another row (--header-row N) or sheet (--sheet NAME)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from scorer.cli import main
from scorer.resources import demo_spreadsheet_path


@pytest.fixture
def demo_rows() -> list[list[str]]:
    return list(csv.reader(demo_spreadsheet_path().open(encoding="utf-8", newline="")))


def validate(*args: str) -> tuple[int, list[dict[str, object]], str]:
    res = CliRunner().invoke(main, ["-q", "validate", *args, "--format", "json"])
    as_csv = CliRunner().invoke(main, ["-q", "validate", *args, "--format", "csv"])
    table = CliRunner().invoke(main, ["-q", "validate", *args])
    records = json.loads(res.stdout)
    fixes = {r["suggested fix"] for r in csv.DictReader(as_csv.stdout.splitlines())}
    assert fixes == {r["fix"] for r in records}  # the same fix text in JSON and CSV ...
    assert all(str(r["fix"]) in table.stdout for r in records)  # ... and in the table
    return res.exit_code, records, table.stdout


def test_columns_on_another_sheet_suggest_sheet(tmp_path: Path, demo_rows: list[list[str]]) -> None:
    wb = Workbook()
    wb.active.title = "Read me"
    wb.active.append(["Fill one row per country on the sheet Country data."])
    data = wb.create_sheet("Country data")
    data.append(["UNCT data, 2025"])
    for row in demo_rows:
        data.append(row)
    wb.save(tmp_path / "two.xlsx")
    code, records, _table = validate(str(tmp_path / "two.xlsx"))
    assert code == 1
    # the first sheet holds one line of text: no data row, and none of the columns
    assert [r["code"] for r in records] == ["data.empty"]
    assert {r["fix"] for r in records} == {
        "rerun with --sheet 'Country data' (sheet 'Country data' names 6 of the 7 columns needed)"
    }
    ok = CliRunner().invoke(main, ["-q", "validate", str(tmp_path / "two.xlsx"), "--sheet", "Country data"])
    assert ok.exit_code == 0, ok.stdout


def test_a_wrong_header_row_suggests_the_right_one(tmp_path: Path, demo_rows: list[list[str]]) -> None:
    path = tmp_path / "titled.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([["Country data"], ["compiled 2025"], *demo_rows])
    code, records, _table = validate(str(path), "--header-row", "2")
    assert code == 1
    assert {r["fix"] for r in records} == {"rerun with --header-row 3 (row 3 names 6 of the 7 columns needed)"}
    assert CliRunner().invoke(main, ["-q", "validate", str(path), "--header-row", "3"]).exit_code == 0


def test_no_flag_is_suggested_when_the_columns_are_nowhere(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("iso3,population\nTCD,1\nPER,2\n", encoding="utf-8")
    _code, records, _table = validate(str(path))
    assert records and not any(str(r["fix"]).startswith("rerun with --") for r in records)
