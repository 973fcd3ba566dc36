"""``validate --fix FILE``: a corrected copy with only the fixes that leave no doubt, each change listed (issue 14)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

from scorer.cli import main
from scorer.model.criteria import Indicator
from scorer.prepare.cells import unique_suggestion
from scorer.prepare.fixing import fix_cell
from scorer.resources import demo_spreadsheet_path

GOV = "illustrative_gov_ip_interest"
OFFICE = "wipo_external_office"
TREATIES = "n_wipo_treaties_in_force"

# (data row index, column, typed) -> expected fix (to, why) or None (left as a problem)
EDITS = [
    (1, OFFICE, "No ", ("no", "spaces trimmed")),
    (2, OFFICE, "Oui", ("yes", "yes/no spelling")),
    (3, GOV, "Expresed", ("expressed", "a typo of 'expressed'")),
    (4, GOV, "Requested", ("requested", "case changed")),
    (5, TREATIES, "12 ", ("12", "spaces trimmed")),
    (6, TREATIES, "1,234", ("1234", "thousands separator")),
    (7, TREATIES, "3,5", ("3.5", "decimal comma")),
    (8, OFFICE, "yse", ("yes", "a typo of 'yes'")),
]
UNSURE = [(9, GOV, "zzz"), (10, GOV, "re")]  # no candidate; 're' begins 'requested' but is too short to be sure


def demo_rows() -> list[list[str]]:
    return list(csv.reader(demo_spreadsheet_path().open(encoding="utf-8", newline="")))


def messy(rows: list[list[str]], edits: list[tuple[int, str, str]]) -> list[list[str]]:
    out = [list(r) for r in rows]
    for i, column, typed in edits:
        out[i][rows[0].index(column)] = typed
    return out


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["-q", *args])


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_fixed_copy_lists_each_change_and_keeps_the_unsure_as_problems(here: Path) -> None:
    rows = demo_rows()
    typed = [(i, c, t) for i, c, t, _f in EDITS] + UNSURE
    source = write_csv(here / "messy.csv", messy(rows, typed))
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    res = run("validate", "messy.csv", "--fix", "fixed.csv", "--format", "json")
    assert res.exit_code == 1, res.stderr  # two problems are left to correct by hand
    records = json.loads(res.stdout)
    fixed = [
        (r["row"], r["column"], r["value"], r["fixed to"], r["suggested fix"])
        for r in records
        if r["status"] == "fixed"
    ]
    assert fixed == [(str(i + 1), c, t, to, why) for i, c, t, (to, why) in EDITS]
    left = [(r["row"], r["column"], r["value"]) for r in records if r["status"] == "problem"]
    assert left == [(str(i + 1), c, t) for i, c, t in UNSURE]
    assert records[0]["country"] == "Aruba" and records[0]["file"] == "messy.csv"
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the input is never changed
    want = messy(rows, [(i, c, to) for i, c, _t, (to, _w) in EDITS] + UNSURE)
    assert list(csv.reader((here / "fixed.csv").open(encoding="utf-8", newline=""))) == want
    again = run("validate", "fixed.csv", "--format", "json")
    assert [(p["row"], p["column"]) for p in json.loads(again.stdout)] == [(i + 1, c) for i, c, _t in UNSURE]


def test_a_copy_with_only_sure_fixes_validates_clean(here: Path) -> None:
    write_csv(here / "messy.csv", messy(demo_rows(), [(i, c, t) for i, c, t, _f in EDITS]))
    assert run("validate", "messy.csv").exit_code == 1
    res = CliRunner().invoke(main, ["validate", "messy.csv", "--fix", "fixed.csv"])
    assert res.exit_code == 0, res.stderr
    assert "Wrote fixed.csv: 8 change(s); 0 problem(s) left to correct by hand" in res.stderr
    table = res.stdout.splitlines()
    assert table[0].split()[:3] == ["status", "file", "row"] and len(table) == 2 + len(EDITS)
    ok = run("validate", "fixed.csv")
    assert ok.exit_code == 0 and ok.stdout.startswith("OK: fixed.csv and default.yaml are valid")


def test_table_csv_and_json_carry_the_same_rows(here: Path) -> None:
    write_csv(here / "messy.csv", messy(demo_rows(), [(i, c, t) for i, c, t, _f in EDITS] + UNSURE))
    as_json = json.loads(run("validate", "messy.csv", "--fix", "a.csv", "--format", "json").stdout)
    as_csv = list(csv.DictReader(run("validate", "messy.csv", "--fix", "b.csv", "--format", "csv").stdout.splitlines()))
    assert [dict(r) for r in as_csv] == as_json
    assert (here / "a.csv").read_bytes() == (here / "b.csv").read_bytes()


def test_xlsx_in_xlsx_out_keeps_other_sheets_and_cells(here: Path) -> None:
    rows = messy(demo_rows(), [(1, OFFICE, "Oui"), (3, GOV, "Expresed"), (5, TREATIES, "12 "), *UNSURE[:1]])
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Country data, 2025"])
    ws.append([])
    for r in rows:
        ws.append(r)
    wb.create_sheet("Notes").append(["kept as it is"])
    wb.save(here / "messy.xlsx")
    res = run("validate", "messy.xlsx", "--fix", "fixed.xlsx", "--format", "json")
    assert res.exit_code == 1
    changes = [(r["row"], r["fixed to"]) for r in json.loads(res.stdout) if r["status"] == "fixed"]
    assert changes == [("4", "yes"), ("6", "expressed"), ("8", "12")]  # two title rows above the header
    out = load_workbook(here / "fixed.xlsx")
    assert out.sheetnames == ["Data", "Notes"] and out["Notes"]["A1"].value == "kept as it is"
    data = out["Data"]
    header = [c.value for c in data[3]]
    assert data["A1"].value == "Country data, 2025"
    assert data.cell(row=4, column=header.index(OFFICE) + 1).value == "yes"
    assert data.cell(row=8, column=header.index(TREATIES) + 1).value == 12  # a number, not the text '12'
    assert data.cell(row=12, column=header.index(GOV) + 1).value == "zzz"
    assert data.cell(row=5, column=2).value == rows[2][1]  # an untouched cell


def test_the_copy_is_never_the_input_and_keeps_its_kind(here: Path) -> None:
    write_csv(here / "messy.csv", messy(demo_rows(), [(1, OFFICE, "Oui")]))
    same = run("validate", "messy.csv", "--fix", "messy.csv")
    assert same.exit_code == 1
    assert same.stderr.splitlines()[-1] == "Error: messy.csv: should not be one of the input files; choose another name"
    kind = run("validate", "messy.csv", "--fix", "fixed.xlsx")
    assert kind.exit_code == 1
    assert kind.stderr.splitlines()[-1] == (
        "Error: fixed.xlsx: should end in .csv, .tsv or .txt like the input messy.csv, but it ends in '.xlsx'"
    )
    assert not (here / "fixed.xlsx").exists()


def test_nothing_sure_to_fix_writes_nothing(here: Path) -> None:
    write_csv(here / "messy.csv", messy(demo_rows(), UNSURE))
    res = CliRunner().invoke(main, ["validate", "messy.csv", "--fix", "fixed.csv"])
    assert res.exit_code == 1
    assert "Nothing to fix with certainty: fixed.csv was not written; 2 problem(s) to correct by hand" in res.stderr
    assert not (here / "fixed.csv").exists()


LEVELS = Indicator(column="c", normalisation="ordinal", levels={"low": 0, "medium": 1, "high": 2})


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [("hihg", "high"), ("HIGH", "high"), ("med", "medium"), ("meduim", "medium"), ("m", None), ("hgh", "high")],
)
def test_level_fixes_only_when_sure(typed: str, fixed: str | None) -> None:
    got = fix_cell(typed, LEVELS, decimal_comma=False)
    assert (got[0] if got else None) == fixed


def test_two_close_candidates_are_not_sure() -> None:
    assert unique_suggestion("hig", ["high", "higher"]) is None
    assert unique_suggestion("mediun", ["medium", "median"]) is None


def test_a_decimal_comma_file_keeps_its_numbers() -> None:
    num = Indicator(column="c")
    assert fix_cell("1.234", num, decimal_comma=True) is None
    assert fix_cell("0,75 ", num, decimal_comma=True) == ("0,75", "0,75", "spaces trimmed")
    assert fix_cell("45%", num, decimal_comma=False) is None
    assert fix_cell("N/A", num, decimal_comma=False) is None


def test_the_fixed_copy_records_the_command_that_rewrites_it(here: Path) -> None:
    """Issue 10, item 3: a CSV copy's command goes beside it (``-metadata.json``), an XLSX copy's in its properties."""
    import shlex

    write_csv(here / "messy.csv", messy(demo_rows(), [(i, c, t) for i, c, t, _f in EDITS]))
    assert run("validate", "messy.csv", "--fix", "fixed.csv").exit_code == 0
    record = json.loads((here / "fixed.csv-metadata.json").read_text(encoding="utf-8"))
    assert record["url"] == "fixed.csv"
    command = record["provenance"]["command"]
    assert command == "unct-scorer validate messy.csv --fix fixed.csv"
    first = (here / "fixed.csv").read_bytes()
    (here / "fixed.csv").unlink()
    (here / "fixed.csv-metadata.json").unlink()
    assert run(*shlex.split(command)[1:]).exit_code == 0
    assert (here / "fixed.csv").read_bytes() == first

    wb = Workbook()
    ws = wb.active
    for row in messy(demo_rows(), [(1, OFFICE, "Oui")]):
        ws.append(row)
    wb.save(here / "messy.xlsx")
    assert run("validate", "messy.xlsx", "--fix", "fixed.xlsx").exit_code == 0
    fixed = load_workbook(here / "fixed.xlsx")
    assert fixed.properties.description == "Command: unct-scorer validate messy.xlsx --fix fixed.xlsx"
    assert not (here / "fixed.xlsx-metadata.json").exists()
