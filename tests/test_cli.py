"""The command line: exit codes, exact Error lines, outputs, parity with the library."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import all_commands, main
from tests.conftest import SMALL_CRITERIA, SMALL_SHEET, write


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_rank_with_no_arguments_ranks_the_demo(runner) -> None:
    res = run(runner, "rank")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].split() == [
        "rank",
        "id",
        "name",
        "score",
        "tier",
        "engagement",
        "representation",
        "government_interest",
    ]
    assert len(lines) == 2 + 162
    assert "Note: ILLUSTRATIVE DATA" in res.stderr


def test_rank_small_table_and_weights(runner, small) -> None:
    sheet, crit = small
    res = run(runner, "rank", str(sheet), "-c", str(crit), "--format", "csv")
    assert res.exit_code == 0
    assert res.stdout.splitlines()[1] == "1,AAA,Alpha,0.75,join,0.5,0.25,0,1"
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-w", "representation=0", "--top", "1", "--format", "csv")
    # weights 2:0:1 -> A = 2/3*1 + 1/3*0 = 0.6667; B = 2/3*1/3 + 1/3*1 = 0.5556
    assert res.stdout.splitlines()[1].startswith("1,AAA,Alpha,0.666666666667,join")
    assert len(res.stdout.splitlines()) == 2


def test_json_output_equals_library(runner, small, tmp_path: Path) -> None:
    sheet, crit = small
    out = tmp_path / "r.json"
    assert run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    lib = score_countries(read_countries(sheet), load_criteria(crit)).to_dict()
    assert data["countries"] == lib["countries"]
    assert data["weights"] == lib["weights"]
    assert data["provenance"]["spreadsheet_sha256"] == hashlib.sha256(sheet.read_bytes()).hexdigest()
    printed = json.loads(run(runner, "rank", str(sheet), "-c", str(crit), "--format", "json").stdout)
    assert [r["id"] for r in printed] == [c["id"] for c in lib["countries"]]
    assert [r["score"] for r in printed] == pytest.approx([c["score"] for c in lib["countries"]], abs=1e-15)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".md", ".xlsx"])
def test_outputs_are_reproducible_and_never_overwritten(
    runner, small, tmp_path: Path, suffix: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a workbook records when it was made, unless asked not to
    sheet, crit = small
    out = tmp_path / f"r{suffix}"
    assert run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(out)).exit_code == 0
    first = out.read_bytes()
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(out))
    assert res.exit_code == 1
    assert res.stderr == f"Error: {out}: already exists; use --force to replace it\n"
    assert run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_xlsx_output_sheets(runner, small, tmp_path: Path) -> None:
    sheet, crit = small
    out = tmp_path / "r.xlsx"
    run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(out))
    wb = load_workbook(out)
    assert wb.sheetnames == ["Ranking", "Contributions", "Data quality", "Criteria", "Data dictionary", "Provenance"]
    ws = wb["Ranking"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I5"
    assert [c.value for c in ws[1]][:5] == ["Rank", "Code", "Country", "Score", "Tier"]
    assert [c.value for c in ws[2]][:5] == [1, "AAA", "Alpha", 0.75, "join"]


def test_output_cannot_be_an_input_or_unknown_format(runner, small, tmp_path: Path) -> None:
    sheet, crit = small
    before = sheet.read_bytes()
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(sheet), "--force")
    assert res.exit_code == 1
    assert res.stderr == f"Error: {sheet}: should not be one of the input files; choose another name\n"
    assert sheet.read_bytes() == before
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-o", str(tmp_path / "r.pdf"))
    assert (
        res.stderr
        == f"Error: {tmp_path / 'r.pdf'}: should end in one of .csv, .xlsx, .json, .md, but it ends in '.pdf'\n"
    )


def test_bad_weight_option(runner, small) -> None:
    sheet, crit = small
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-w", "engagement=-1")
    assert (res.exit_code, res.stderr) == (1, "Error: weights.engagement: should be >= 0, but it is -1.0\n")
    res = run(runner, "rank", str(sheet), "-c", str(crit), "-w", "engagement")
    assert res.stderr == "Error: --weight: -w should be CRITERION=WEIGHT, but it is 'engagement'\n"


def test_bad_data_lists_every_problem(runner, tmp_path: Path) -> None:
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    sheet = write(tmp_path / "s.csv", SMALL_SHEET.replace("yes,10", "maybe,ten").replace("BBB,Beta", "AAA,Beta"))
    res = run(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        "Error: 3 problems:",
        f"Error: {sheet}: row 3: column 'iso3': country 'AAA' should appear once, but it also appears on row 2",
        f"Error: {sheet}: row 2: column 'office': should be yes or no, but it is 'maybe'",
        f"Error: {sheet}: row 2: column 'rate': should be a number, but it is 'ten'",
        f"Error: run `unct-scorer validate {sheet} -c {crit}` for the table of every problem and its fix",
    ]
    assert res.stdout == ""


def test_missing_column_error(runner, tmp_path: Path) -> None:
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    sheet = write(tmp_path / "s.csv", SMALL_SHEET.replace(",office,", ",offices,"))
    res = run(runner, "rank", str(sheet), "-c", str(crit))
    assert res.stderr == (
        f"Error: {sheet}: column 'office': should have a column 'office' "
        "(criteria.representation.indicators.office.column), but it does not; did you mean 'offices'?\n"
    )  # no pointer to validate: the problem is not in a cell, and this line already says it all


def test_bad_criteria_exit_1(runner, tmp_path: Path) -> None:
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA.replace("weight: 2", "weight: -0.2"))
    res = run(runner, "rank", "-c", str(crit))
    assert (res.exit_code, res.stderr) == (
        1,
        f"Error: {crit}:7: criteria.engagement.weight: should be >= 0, but it is -0.2\n",
    )
    res = run(runner, "rank", "-c", str(tmp_path / "none.yaml"))
    assert res.stderr.splitlines()[-1] == f"Error: {tmp_path / 'none.yaml'}: file not found"


def test_usage_error_exit_2(runner) -> None:
    res = runner.invoke(main, ["rank", "--top", "0"])
    assert res.exit_code == 2
    res = runner.invoke(main, ["frobnicate"])
    assert res.exit_code == 2


def test_explain(runner, small) -> None:
    sheet, crit = small
    res = run(runner, "explain", "Delta", str(sheet), "-c", str(crit))
    assert res.exit_code == 0
    assert res.stdout.splitlines()[0] == "Delta (DDD): rank 2 of 4, tier consider, score 0.5104"
    assert "Score = sum of contributions = 0.5104" in res.stdout
    data = json.loads(run(runner, "explain", "DDD", str(sheet), "-c", str(crit), "--format", "json").stdout)
    assert data["rank"] == 2 and len(data["indicators"]) == 4
    res = run(runner, "explain", "Nowhere", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1].startswith("Error: 'Nowhere' should be a country id or name in")


def test_explain_demo_country(runner) -> None:
    res = run(runner, "explain", "DZA")
    assert res.exit_code == 0
    assert res.stderr.startswith("Note: ILLUSTRATIVE DATA")
    assert res.stderr.splitlines()[-1].startswith("No project (unct-scorer.toml) here or above: using the bundled")
    assert res.stdout.startswith("Algeria (DZA): rank")


def test_verbose_rank_reports_data_quality(runner, small) -> None:
    sheet, crit = small
    res = runner.invoke(main, ["--verbose", "rank", str(sheet), "-c", str(crit)])
    assert res.exit_code == 0
    assert res.stderr.splitlines()[0].startswith("Data quality: 4 rows read, 4 ranked, 0 excluded, 0 imputed cells")
    quiet = runner.invoke(main, ["--quiet", "rank", str(sheet), "-c", str(crit)])
    assert quiet.stderr == ""


def test_validate(runner, small, tmp_path: Path) -> None:
    sheet, crit = small
    res = run(runner, "validate", str(sheet), "-c", str(crit))
    ok = "OK: sheet.csv and small.yaml are valid; 4 rows read, 4 countries can be ranked.\n"
    assert (res.exit_code, res.stdout) == (0, ok)
    bad_crit = write(tmp_path / "bad.yaml", SMALL_CRITERIA.replace("weight: 2", "weight: -1"))
    bad_sheet = write(tmp_path / "bad.csv", "name,level\nx,y\n")
    res = run(runner, "validate", str(bad_sheet), "-c", str(bad_crit))
    assert res.exit_code == 1
    assert res.stderr == "1 problem(s) found:\n"
    lines = res.stdout.splitlines()
    assert lines[0].split() == ["file", "row", "country", "column", "value", "problem", "suggested", "fix"]
    assert lines[2].split("  ")[0] == f"{bad_crit}:7"
    assert "criteria.engagement.weight" in lines[2] and "should be >= 0, but it is -1" in lines[2]
    res = run(runner, "validate", str(bad_sheet), "-c", str(crit), "--format", "json")
    problems = json.loads(res.stdout)
    assert res.exit_code == 1
    assert {p["column"] for p in problems} == {"iso3", "office", "rate", "cost"}


def test_every_command_has_help_with_example(runner) -> None:
    for name, cmd in all_commands().items():
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0, name
        assert cmd.help and "Example:" in res.stdout, name


def test_python_m_scorer_and_no_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path / "c.yaml", "name: [\n")
    proc = subprocess.run(
        [sys.executable, "-m", "scorer", "rank", "-c", str(bad)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"Error: {bad}:2: is not valid YAML")
