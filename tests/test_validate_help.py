"""``validate`` that helps: the table on stdout, sorted, with the country; "did you mean"; one-flag fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.model.criteria import Indicator
from scorer.prepare.cells import Cell, as_typed, parse_boolean, parse_level, parse_number
from scorer.prepare.reading import cell_fix, how_read
from scorer.prepare.validation import validate_files
from tests.conftest import SMALL_CRITERIA, write

BAD = 'iso3,name,level,office,rate,cost\nNER,Niger,low,yse,30,1\nTCD,Chad,hihg,yes,"3,5",5\nMLI,Mali,none,no,20,3\n'


@pytest.fixture
def bad(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "bad.csv", BAD), write(tmp_path / "small.yaml", SMALL_CRITERIA)


def test_the_table_is_on_stdout_sorted_with_the_country_and_each_fix(bad, runner, monkeypatch) -> None:
    monkeypatch.chdir(bad[0].parent)
    res = runner.invoke(main, ["validate", "bad.csv", "-c", "small.yaml", "--decimal-point"])
    assert res.exit_code == 1
    assert res.stderr == "3 problem(s) found:\n"
    assert res.stdout.splitlines() == [
        "file     row  country  column  value  problem                                             suggested fix",
        "-------  ---  -------  ------  -----  --------------------------------------------------  "
        "--------------------------------------------------",
        "bad.csv  2    Niger    office  yse    should be yes or no, but it is 'yse'                did you mean 'yes'?",
        "bad.csv  3    Chad     level   hihg   should be one of none, low, high, but it is 'hihg'  "
        "did you mean 'high'?",
        "bad.csv  3    Chad     rate    3,5    should be a number, but it is '3,5'                 "
        "rerun with --decimal-comma (it reads '3,5' as 3.5)",
    ]


def test_csv_and_json_carry_the_same_fix_text(bad, runner, monkeypatch) -> None:
    monkeypatch.chdir(bad[0].parent)
    args = ["validate", "bad.csv", "-c", "small.yaml", "--decimal-point", "--format"]
    csv_lines = runner.invoke(main, [*args, "csv"]).stdout.splitlines()
    records = json.loads(runner.invoke(main, [*args, "json"]).stdout)
    assert csv_lines[0] == "file,row,country,column,value,problem,suggested fix"
    assert csv_lines[3].endswith(",\"rerun with --decimal-comma (it reads '3,5' as 3.5)\"")
    assert [(r["row"], r["country"], r["column"], r["fix"]) for r in records] == [
        (2, "Niger", "office", "did you mean 'yes'?"),
        (3, "Chad", "level", "did you mean 'high'?"),
        (3, "Chad", "rate", "rerun with --decimal-comma (it reads '3,5' as 3.5)"),
    ]
    assert all(r["fix"] for r in records)


def test_the_rank_error_says_the_same_fix(bad, runner, monkeypatch) -> None:
    monkeypatch.chdir(bad[0].parent)
    res = runner.invoke(main, ["rank", "bad.csv", "-c", "small.yaml", "--decimal-point"])
    assert res.exit_code == 1
    assert (
        "Error: bad.csv: row 3: column 'level': should be one of none, low, high, but it is 'hihg' "
        "(did you mean 'high'?)"
    ) in res.stderr.splitlines()


def test_a_fix_is_offered_only_when_one_reading_is_likely() -> None:
    levels = Indicator(column="c", normalisation="ordinal", levels={"low": 0, "medium": 1, "high": 2})
    assert cell_fix("med", levels, decimal_comma=False) == "did you mean 'medium'?"
    assert cell_fix("maybe", levels, decimal_comma=False) is None
    assert cell_fix("3,5", Indicator(column="c"), decimal_comma=True) is None  # already read that way
    assert cell_fix("ten", Indicator(column="c"), decimal_comma=False) is None


def test_ordinary_entries_are_not_conversions_and_originals_keep_their_spaces() -> None:
    assert not parse_level("low", {"low": 0, "high": 1}).converted
    assert parse_level("Low", {"low": 0, "high": 1}).converted
    assert not parse_boolean("no").converted and parse_boolean("No").converted
    assert parse_number("12.4 ").converted and not parse_number("12.4").converted
    assert as_typed("12.4 ") == "12.4 " and as_typed(None) == "" and as_typed(float("nan")) == ""
    assert how_read("12.4 ", Cell("value", 12.4, converted=True)) == "spaces trimmed"
    assert how_read("High", Cell("value", 2.0, converted=True)) == "case changed"


def test_data_quality_lists_the_conversions_worth_a_look_as_typed(tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "s.csv",
        "iso3,name,level,office,rate,cost\nNER,Niger,low,yes,12.4 ,1\nTCD,Chad,High,no,N/A,5\nMLI,Mali,none,Oui,20,3\n",
    )
    criteria = SMALL_CRITERIA.replace("        column: rate\n", "        column: rate\n        missing: worst\n")
    found = validate_files(sheet, write(tmp_path / "small.yaml", criteria))
    assert found.ok and found.result is not None
    conv = found.result.conversions
    listed = sorted(zip(conv["row"], conv["column"], conv["original"], conv["how"], strict=True))
    assert listed == [
        (2, "rate", "12.4 ", "spaces trimmed"),
        (3, "level", "High", "case changed"),
        (3, "rate", "N/A", "read as missing"),
        (4, "office", "Oui", "read as yes"),
    ]


def test_rank_echoes_each_w_as_the_share_it_became(small, runner) -> None:
    sheet, crit = small
    res = runner.invoke(main, ["rank", str(sheet), "-c", str(crit), "-w", "engagement=1"])
    assert res.exit_code == 0, res.output
    # small.yaml: engagement 2 -> 1, representation 1, interest 1: shares 1/3 each
    assert "-w engagement 1 \u2192 share 0.33 (weights are relative)" in res.stderr.splitlines()
