"""The result workbook is a planner's workbook: grouping columns, percentages, readable headers, a dictionary."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scorer import demo_result, read_countries
from scorer.cli import main
from scorer.io.results import result_workbook
from scorer.render.export import grouping_frame
from scorer.report import make_report, run_sensitivity
from scorer.resources import demo_spreadsheet_path
from tests.conftest import SMALL_CRITERIA, SMALL_SHEET, write
from tests.workbook_helpers import column_ids, sheet_records

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
GROUPS = ["region", "sub_region", "income_group", "ldc", "lldc", "sids"]


@pytest.fixture(scope="module")
def report_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``report --sensitivity`` as a workbook, with its time stamp (no SOURCE_DATE_EPOCH)."""
    out = tmp_path_factory.mktemp("book") / "r.xlsx"
    res = CliRunner().invoke(
        main,
        ["report", "--sensitivity", "--draws", "400", "--seed", "5", "-o", str(out)],
        env={"SOURCE_DATE_EPOCH": None},  # type: ignore[dict-item]
    )
    assert res.exit_code == 0, res.stderr
    return out


def demo_rows() -> dict[str, dict[str, str]]:
    with demo_spreadsheet_path().open(encoding="utf-8", newline="") as fh:
        return {row["iso3"]: row for row in csv.DictReader(fh)}


def test_the_ranking_carries_the_grouping_columns_after_the_name(report_book: Path) -> None:
    ids = column_ids(report_book, "Ranking")
    assert ids[: 3 + len(GROUPS)] == ["rank", "id", "name", *GROUPS]
    header = [c.value for c in load_workbook(report_book)["Ranking"][1]]
    assert header[3:9] == ["Region", "Sub-region", "Income group", "LDC", "LLDC", "SIDS"]
    sheet = demo_rows()
    rows = sheet_records(report_book, "Ranking")
    assert len(rows) == 162
    for row in rows:  # every value as the spreadsheet has it
        assert [row[c] for c in GROUPS] == [sheet[row["id"]][c] or None for c in GROUPS], row["id"]
    dza = next(r for r in rows if r["id"] == "DZA")
    assert (dza["region"], dza["sub_region"], dza["income_group"]) == (
        "Africa",
        "Northern Africa",
        "Lower middle income",
    )


def test_probabilities_are_numbers_shown_as_percentages(report_book: Path) -> None:
    wb = load_workbook(report_book)
    percent = {
        ("Sensitivity", "p_top_k"),
        ("Sensitivity", "p_join"),
        ("Sensitivity", "p_consider"),
        ("Sensitivity", "p_not_now"),
        ("Sensitivity", "confidence_factor"),
        ("Ranking", "coverage"),
    }
    for sheet, column in percent:
        j = column_ids(report_book, sheet).index(column) + 1
        cells = [wb[sheet].cell(row=r, column=j) for r in range(2, wb[sheet].max_row + 1)]
        numbers = [c for c in cells if c.value is not None]
        assert numbers and all(isinstance(c.value, int | float) for c in numbers), (sheet, column)
        assert {c.number_format for c in numbers} <= {"0.0%", "0%"}, (sheet, column)
    header = [c.value for c in wb["Sensitivity"][1]]
    assert header[6:10] == ["P(in top 15)", "P(tier join)", "P(tier consider)", "P(tier not_now)"]
    p_top = [r["p_top_k"] for r in sheet_records(report_book, "Sensitivity")]
    assert sum(p_top) == pytest.approx(15.0)  # stored as shares, not as 0-100


def test_the_dictionary_explains_every_column_of_every_sheet(report_book: Path) -> None:
    wb = load_workbook(report_book)
    assert wb.sheetnames == [
        "Ranking",
        "Contributions",
        "Data quality",
        "Criteria",
        "Sensitivity",
        "Stability weights",
        "Stability countries",
        "Data dictionary",
        "Provenance",
    ]
    entries = sheet_records(report_book, "Data dictionary")
    assert [c.value for c in wb["Data dictionary"][1]] == ["Sheet", "Column id", "Header", "Meaning", "Unit"]
    for ws in wb:
        listed = [e for e in entries if e["sheet"] == ws.title]
        assert [e["header"] for e in listed] == [c.value for c in ws[1]], ws.title
        assert all(e["meaning"] for e in listed), [e["column_id"] for e in listed if not e["meaning"]]
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:"), ws.title
    by_id = {(e["sheet"], e["column_id"]): e for e in entries}
    assert by_id[("Sensitivity", "rank_p05")]["header"] == "Rank, 5th percentile"
    assert by_id[("Sensitivity", "p_top_k")]["unit"] == "probability"


def test_stability_weights_and_countries_are_two_tables(report_book: Path) -> None:
    weights = sheet_records(report_book, "Stability weights")
    countries = sheet_records(report_book, "Stability countries")
    assert [r["criterion"] for r in weights] == ["engagement", "representation", "government_interest"]
    assert all(r["low"] <= r["weight"] <= r["high"] for r in weights)
    assert len(countries) == 162 and {"rank", "in_top_k", "value_in_words"} <= set(countries[0])
    assert "low" not in countries[0] and "rank" not in weights[0]


def test_the_time_stamp_is_there_unless_source_date_epoch_asks_for_the_same_bytes(
    report_book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prov = {r["key"]: r["value"] for r in sheet_records(report_book, "Provenance")}
    stamp = datetime.strptime(prov["generated"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 600
    made = []
    for folder in ("a", "b"):
        out = tmp_path / folder / "r.xlsx"
        out.parent.mkdir()
        monkeypatch.chdir(out.parent)  # the same command line: the output's name is part of it
        res = CliRunner().invoke(main, ["rank", "-o", "r.xlsx"], env=EPOCH)
        assert res.exit_code == 0, res.stderr
        made.append(out.read_bytes())
    assert made[0] == made[1]
    keys = [r["key"] for r in sheet_records(tmp_path / "a" / "r.xlsx", "Provenance")]
    assert "generated" not in keys and "command" in keys


def test_rank_workbook_has_the_regions_and_keeps_formulas_as_text(tmp_path: Path) -> None:
    rows = SMALL_SHEET.splitlines()
    regions = ["region", '=HYPERLINK("http://x")', "Europe", "Asia", "Europe"]
    sheet = write(tmp_path / "s.csv", "\n".join(f"{r},{g}" for r, g in zip(rows, regions, strict=True)) + "\n")
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(main, ["rank", str(sheet), "-c", str(crit), "-o", str(out)], env=EPOCH)
    assert res.exit_code == 0, res.stderr
    records = {r["id"]: r for r in sheet_records(out, "Ranking")}
    assert records["AAA"]["region"] == '\'=HYPERLINK("http://x")'  # stored as text, never run
    assert records["BBB"]["region"] == "Europe"
    assert all(c.data_type != "f" for row in load_workbook(out)["Ranking"].iter_rows() for c in row)


def test_the_library_gives_the_same_book_as_the_command() -> None:
    result = demo_result()
    data = read_countries(demo_spreadsheet_path())
    report = make_report(result, data)
    assert report.groups is not None and report.groups.columns.tolist() == GROUPS
    assert grouping_frame(result, data).equals(report.groups)
    book = result_workbook(
        result,
        {"tool": "x"},
        groups=report.groups,
        sensitivity=run_sensitivity(result, draws=200, seed=1, top_k=10).frame(),
        stability=report.stability,
        top_k=10,
    )
    assert book["Sensitivity"].column("p_top_k").header == "P(in top 10)"
    assert book["Ranking"].column("engagement").header == "Engagement: contribution"
    assert book["Ranking"].frame.columns.tolist()[3:9] == GROUPS


def test_a_ranking_of_offices_says_office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["rank", "--group-by", "workspace_id", "-o", "o.xlsx"], env=EPOCH)
    assert res.exit_code == 0, res.stderr
    header = [c.value for c in load_workbook(tmp_path / "o.xlsx")["Ranking"][1]]
    assert header[:4] == ["Rank", "Office id", "Office", "Region"]
    rows = sheet_records(tmp_path / "o.xlsx", "Ranking")
    assert {"members", "n_members", "region"} <= set(rows[0])


def test_selection_sheets_are_explained_and_shares_are_percentages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["report", "--capacity", "20", "--sensitivity", "--draws", "300", "--selection-draws", "20", "-o", "s.xlsx"]
    res = CliRunner().invoke(main, args, env=EPOCH)
    assert res.exit_code == 0, res.stderr
    wb = load_workbook(tmp_path / "s.xlsx")
    assert {"Selection", "Selection summary", "Selection robustness"} <= set(wb.sheetnames)
    entries = sheet_records(tmp_path / "s.xlsx", "Data dictionary")
    assert all(e["meaning"] for e in entries), [e for e in entries if not e["meaning"]]
    j = column_ids(tmp_path / "s.xlsx", "Selection robustness").index("share_selected") + 1
    ws = wb["Selection robustness"]
    assert {ws.cell(row=r, column=j).number_format for r in range(2, ws.max_row + 1)} == {"0.0%"}
