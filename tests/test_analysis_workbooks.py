"""Every analysis command's .xlsx is a planner's workbook, like the report's (issue 13 item 5).

Readable headers from the one column registry (scorer/io/workbook.py), probabilities shown as percentages,
a Data dictionary that describes every column and keeps its id, the Provenance sheet last, and the command
recorded there rewrites the same bytes.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scorer.cli import main
from scorer.io.workbook import Context, describe
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.elicitation_helpers import fill_sheet
from tests.test_reproduce import regenerate
from tests.workbook_helpers import column_ids, sheet_records

IDS = ["engagement", "representation", "government_interest"]
WEIGHTS = ["weights", "judgements.xlsx", "-c", "crit.yaml", "--method", "swing", "--data", "data.csv"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data.csv (the demo), crit.yaml (the default criteria), judgements.xlsx (two stakeholders' swing weights)."""
    here = tmp_path_factory.mktemp("inputs")
    shutil.copy(demo_spreadsheet_path(), here / "data.csv")
    shutil.copy(default_criteria_path(), here / "crit.yaml")
    book = here / "judgements.xlsx"
    args = ["template", "--judgements", "-c", str(here / "crit.yaml"), "--stakeholder", "Ana", "--stakeholder", "Bo"]
    made = CliRunner().invoke(main, [*args, "-o", str(book)])
    assert made.exit_code == 0, made.output
    fill_sheet(book, "Ana", IDS, swing={"engagement": 100, "representation": 40, "government_interest": 70})
    fill_sheet(book, "Bo", IDS, swing={"engagement": 50, "representation": 100, "government_interest": 60})
    return here


# command words; a sheet, a column id on it, its header and its number format; the sheets in order
CASES = {
    "sensitivity": (
        ["sensitivity", "data.csv", "-c", "crit.yaml", "--top", "12", "--draws", "200"],
        ("Summary", "p_top_k", "P(in top 12)", "0.0%"),
        ["Summary", "Rank acceptability"],
    ),
    "stability": (
        ["stability", "data.csv", "-c", "crit.yaml", "--top", "12"],
        ("Countries", "weight_to", "Share that moves it", "0.000"),
        ["Countries", "Weights", "Options"],
    ),
    "uncertainty": (
        ["uncertainty", "data.csv", "-c", "crit.yaml", "--top", "12", "--samples", "16", "--bootstrap", "5"],
        ("Summary", "p_join", "P(tier join)", "0.0%"),
        ["Summary", "Drivers", "Sobol", "By choice"],
    ),
    "weights": (
        [*WEIGHTS, "--top", "12", "--hull-draws", "50"],
        ("Hull", "p_top_k", "P(in top 12)", "0.0%"),
        ["Weights", "Consensus", "Ranks", "Disagreement", "Hull"],
    ),
    "select": (
        ["select", "data.csv", "-c", "crit.yaml", "--capacity", "8", "--robust", "--draws", "20"],
        ("Robustness", "share_selected", "Share of weightings selecting it", "0.0%"),
        ["Selection", "Summary", "Binding", "Robustness"],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_the_commands_workbook_reads_like_the_reports_and_rewrites_itself(
    name: str, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words, (sheet, column, header, number_format), sheets = CASES[name]
    args = [*words, "-o", "out.xlsx"]
    (recorded,) = regenerate(folder, tmp_path, monkeypatch, args, ["out.xlsx"])  # same bytes from Provenance's command
    assert set(args) <= set(shlex.split(recorded))
    out = tmp_path / "first" / "out.xlsx"
    wb = load_workbook(out)
    assert wb.sheetnames == [*sheets, "Data dictionary", "Provenance"]
    ids = column_ids(out, sheet)
    j = ids.index(column) + 1
    ws = wb[sheet]
    assert ws.cell(row=1, column=j).value == header
    cells = [ws.cell(row=r, column=j) for r in range(2, ws.max_row + 1)]
    numbers = [c for c in cells if c.value is not None]
    assert numbers and all(isinstance(c.value, int | float) for c in numbers)
    assert {c.number_format for c in numbers} == {number_format}
    entries = sheet_records(out, "Data dictionary")
    for ws in wb:
        listed = [e for e in entries if e["sheet"] == ws.title]
        assert [e["header"] for e in listed] == [c.value for c in ws[1]], ws.title
        undescribed = [e["column_id"] for e in listed if not e["meaning"]]
        assert not undescribed, f"{ws.title}: no entry in scorer/io/workbook.py for {undescribed}"
    assert [c.value for c in wb["Provenance"][1]] == ["Key", "Value"]
    assert {r["key"]: r["value"] for r in sheet_records(out, "Provenance")}["command"] == recorded


def test_probabilities_stay_shares_and_ids_stay_in_csv(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbook shows 53.0% but stores 0.53, the same number the CSV has under its raw id."""
    monkeypatch.chdir(folder)
    for out in ("s.xlsx", "s.csv"):
        args = ["sensitivity", "data.csv", "-c", "crit.yaml", "--top", "12", "--draws", "200", "-o", out, "--force"]
        res = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "1"})
        assert res.exit_code == 0, res.stderr
    header = (folder / "s.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:7] == ["id", "name", "rank", "tier", "robustness", "verdict", "p_top_k"]
    shares = [r["p_top_k"] for r in sheet_records(folder / "s.xlsx", "Summary")]
    assert sum(shares) == pytest.approx(12.0)  # each draw has 12 countries in its top 12
    acceptability = sheet_records(folder / "s.xlsx", "Rank acceptability")
    assert all(sum(v for k, v in row.items() if k.isdigit()) == pytest.approx(1.0) for row in acceptability)


def test_an_unregistered_column_has_no_meaning_so_the_dictionary_test_catches_it() -> None:
    ctx = Context(labels={"engagement": "Engagement"}, tiers=("join",), top_k=12)
    assert describe("Summary", "brand_new_column", ctx).meaning == ""
    assert describe("Rank acceptability", "3", ctx).header == "P(rank 3)"
    bound = describe("Countries", "tier_low_engagement", ctx)
    assert (bound.header, bound.number_format) == ("Same tier, engagement down to", "0.000")
    assert describe("Sensitivity", "robustness", ctx).header == "How often in the top 12"


def test_the_selection_workbook_keeps_the_notes_and_constraints_the_markdown_shows(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    for out in ("sel.xlsx", "sel.md"):
        args = ["select", "data.csv", "-c", "crit.yaml", "--capacity", "6", "--min-per", "region:1", "-o", out]
        res = CliRunner().invoke(main, [*args, "--force"], env={"SOURCE_DATE_EPOCH": "1"})
        assert res.exit_code == 0, res.stderr
    rows = sheet_records(folder / "sel.xlsx", "Summary")
    assert [c.value for c in load_workbook(folder / "sel.xlsx")["Summary"][1]] == ["Item", "Text"]
    markdown = (folder / "sel.md").read_text(encoding="utf-8")
    assert {r["item"] for r in rows} == {"note", "constraint", "summary"}
    notes = [r["text"] for r in rows if r["item"] == "note"]
    assert notes and all(f"> **{n}**" in markdown for n in notes)
    assert any(n.startswith("ILLUSTRATIVE DATA") for n in notes)
    summary = [r["text"] for r in rows if r["item"] == "summary"]
    assert summary and all(f"- {s}" in markdown for s in summary)
