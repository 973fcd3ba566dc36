"""The data-entry workbook: generated from the criteria, filled in, ranked, validated."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.io.criteria_file import parse_criteria_text
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.starter.data_entry import DATA_SHEET, HELP_SHEET, help_lines, plan_template
from scorer.starter.workbook import build_workbook

TO_FILL = ["wipo_engagement", "gov_ip_interest"]
LEVELS = {
    "wipo_engagement": ["none", "low", "medium", "high"],
    "gov_ip_interest": ["none", "expressed", "requested", "included"],
}


@pytest.fixture
def workbook(tmp_path: Path, runner) -> Path:
    out = tmp_path / "countries.xlsx"
    result = runner.invoke(main, ["template", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _fill(path: Path, out: Path) -> dict[str, list[str | None]]:
    """Fill the empty columns with valid values (every 11th cell left blank: both policies allow it)."""
    wb = load_workbook(path)
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[1]]
    filled: dict[str, list[str | None]] = {}
    for name in TO_FILL:
        j = header.index(name) + 1
        levels = LEVELS[name]
        values: list[str | None] = []
        for i in range(2, ws.max_row + 1):
            value = None if i % 11 == 0 else levels[(i * (3 if name == TO_FILL[0] else 5)) % len(levels)]
            ws.cell(row=i, column=j).value = value
            values.append(value)
        filled[name] = values
    wb.save(out)
    return filled


def test_workbook_layout_and_prefilled_public_data(workbook: Path) -> None:
    demo = read_countries(demo_spreadsheet_path())
    wb = load_workbook(workbook)
    assert wb.sheetnames == [DATA_SHEET, HELP_SHEET]
    assert wb.active.title == HELP_SHEET  # Excel opens on the help sheet
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [False, True]
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[1]]
    assert header == [
        "iso3",
        "name",
        "region",
        "wipo_engagement",
        "gov_ip_interest",
        "n_wipo_treaties_joined_since_2015",
        "latest_accession_year",
        "n_wipo_treaties_in_force",
        "wipo_external_office",
        "has_unct",
        "treaties_apply_through",
    ]
    assert ws.freeze_panes == "C2"
    assert ws.max_row == 1 + 165  # the 162 UNCT rows, then GBR, NLD, NZL (territories' states)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(demo["iso3"])
    assert [r[2] for r in rows] == list(demo["region"])
    # real public values copied (numbers as numbers); the illustrative stand-in and the
    # demo's blank wipo_engagement column are NOT copied: both are left to fill in
    assert [r[5] for r in rows] == [float(v) for v in demo["n_wipo_treaties_joined_since_2015"]]
    assert [r[6] for r in rows] == [None if v == "" else float(v) for v in demo["latest_accession_year"]]
    assert [r[7] for r in rows] == [None if v == "" else float(v) for v in demo["n_wipo_treaties_in_force"]]
    # a territory's own cell stays blank: the territory_rule applies its state's value when scoring
    assert [r[0] for r in rows if r[10]] == ["ABW", "AIA", "BMU", "CUW", "CYM", "MSR", "SXM", "TCA", "TKL", "VGB"]
    assert [r[8] for r in rows] == list(demo["wipo_external_office"])
    assert all(r[3] is None and r[4] is None for r in rows)
    assert not any(str(h).startswith("illustrative_") for h in header)


def test_header_comments_carry_description_unit_allowed_values(workbook: Path) -> None:
    ws = load_workbook(workbook)[DATA_SHEET]
    note = ws["E1"].comment.text
    assert ws["E1"].value == "gov_ip_interest"
    assert "Highest step reached: none, expressed (in dialogue)" in note
    assert "Unit: level" in note
    assert "Allowed: one of: none, expressed, requested, included (pick from the drop-down list)" in note
    assert "If unknown: a blank cell counts as none" in note  # the lowest level, not the lowest entered
    assert "(para. 11(3))" in note
    joined = ws["F1"].comment.text
    assert ws["F1"].value == "n_wipo_treaties_joined_since_2015"
    assert "Unit: treaties" in joined and "Allowed: a number" in joined
    assert "a blank cell stops the ranking with an error naming its row" in joined
    assert "Pre-filled from public data: wipo_treaty_membership" in joined
    assert "has_unct is yes" in ws["J1"].comment.text


def test_validations_follow_the_criteria(workbook: Path) -> None:
    ws = load_workbook(workbook)[DATA_SHEET]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert set(rules) == {"D2", "E2", "F2", "G2", "H2", "I2", "J2"}
    assert (rules["D2"].type, rules["D2"].formula1) == ("list", '"none,low,medium,high"')
    assert (rules["E2"].type, rules["E2"].formula1) == ("list", '"none,expressed,requested,included"')
    assert (rules["I2"].type, rules["I2"].formula1) == ("list", '"yes,no"')
    joined = rules["F2"]  # minmax accepts any number
    assert (joined.type, joined.operator) == ("decimal", "between")
    year = rules["G2"]  # goalposts: a year before 2000 is valid (it scores 0), so Excel only warns
    assert (year.formula1, year.formula2, year.errorStyle) == ("2000.0", "2025.0", "warning")
    assert all(dv.errorStyle == "stop" for k, dv in rules.items() if k != "G2")
    assert all(dv.allow_blank and dv.showErrorMessage for dv in rules.values())
    assert str(rules["D2"].sqref) == "D2:D2000"  # rows added under the 162 are checked too


def test_filled_workbook_ranks_like_the_library(workbook: Path, tmp_path: Path, runner) -> None:
    filled_path = tmp_path / "filled.xlsx"
    filled = _fill(workbook, filled_path)
    result = runner.invoke(main, ["rank", str(filled_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    ranked = json.loads(result.stdout)

    demo = read_countries(demo_spreadsheet_path())
    equivalent = demo.drop(columns=["wipo_engagement", "illustrative_gov_ip_interest"])
    for name, values in filled.items():
        equivalent[name] = pd.Series([v if v is not None else "" for v in values], dtype=object)
    expected = score_countries(equivalent, load_criteria(default_criteria_path())).table

    assert [r["id"] for r in ranked] == list(expected.index)
    assert [r["score"] for r in ranked] == pytest.approx(list(expected["score"]), abs=1e-12)
    assert [r["tier"] for r in ranked] == list(expected["tier"])
    assert "illustrative" not in result.stderr.lower()  # real inputs: no made-up-data note


def test_out_of_list_value_is_reported_with_its_row_and_column(workbook: Path, tmp_path: Path, runner) -> None:
    bad = tmp_path / "bad.xlsx"
    _fill(workbook, bad)
    wb = load_workbook(bad)
    wb[DATA_SHEET]["E7"] = "maybe"  # typed past the drop-down (or pasted)
    wb.save(bad)
    checked = runner.invoke(main, ["validate", str(bad), "--format", "json"])
    assert checked.exit_code == 1
    assert json.loads(checked.stdout) == [
        {
            "code": "data.invalid_cell",
            "file": str(bad),
            "line": None,
            "key": None,
            "row": 7,
            "column": "gov_ip_interest",
            "value": "maybe",
            "message": "should be one of none, expressed, requested, included, but it is 'maybe'",
            "fix": "correct the cell, or leave it blank if unknown",
            "country": "United Arab Emirates",
        }
    ]
    table = runner.invoke(main, ["validate", str(bad)])
    assert table.exit_code == 1
    assert table.stderr.splitlines()[0].startswith("No project (unct-scorer.toml) here or above: using the bundled")
    assert table.stderr.splitlines()[1] == "1 problem(s) found:"
    row = table.stdout.splitlines()[-1].split()
    assert row[:7] == [str(bad), "7", "United", "Arab", "Emirates", "gov_ip_interest", "maybe"]
    assert " ".join(row[7:]).startswith("should be one of none, expressed, requested, included, but it is")
    ranked = runner.invoke(main, ["rank", str(bad)])
    assert ranked.exit_code == 1
    assert ranked.stderr.splitlines()[0] == (
        f"Error: {bad}: row 7: column 'gov_ip_interest': should be one of none, expressed, requested, included, "
        "but it is 'maybe'"
    )


MISSING_ERROR = """\
name: strict
criteria:
  engagement:
    label: Engagement
    cites: para. 11(1)
    weight: 1
    indicators:
      wipo_engagement:
        column: wipo_engagement
        normalisation: ordinal
        levels: {none: 0, low: 1, high: 2}
        missing: error
  activity:
    label: Activity
    cites: para. 11(1)
    weight: 1
    indicators:
      goal:
        column: patent_res_per_million
        normalisation: goalposts
        bounds: [0, 100]
        missing: zero
      office_level:
        column: office_level
        normalisation: ordinal
        levels: {"none, yet": 0, "=open": 1}
        missing: worst
      office:
        column: wipo_external_office
        normalisation: boolean
        missing: reweight
eligibility:
  - {column: member, equals: true, reason: not a member}
tiers: [{name: all}]
"""


def test_empty_missing_error_column_makes_rank_fail_helpfully(tmp_path: Path, runner) -> None:
    crit = tmp_path / "strict.yaml"
    crit.write_text(MISSING_ERROR, encoding="utf-8")
    out = tmp_path / "countries.xlsx"
    assert runner.invoke(main, ["template", "-c", str(crit), "-o", str(out)]).exit_code == 0
    wb = load_workbook(out)
    ws = wb[DATA_SHEET]
    member = [c.value for c in ws[1]].index("member") + 1
    for i in range(2, ws.max_row + 1):
        ws.cell(row=i, column=member).value = "yes"
    wb.save(out)
    result = runner.invoke(main, ["rank", str(out), "-c", str(crit)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: 165 problems:"  # every row made a member
    assert lines[1] == (
        f"Error: {out}: row 2: column 'wipo_engagement': should have a value (the criteria say missing: error), "
        "but it is blank (fill it in, or set a missing policy for this indicator)"
    )
    assert len(lines) == 1 + 165 + 1 and "Traceback" not in result.output
    assert lines[-1] == f"Error: run `unct-scorer validate {out} -c {crit}` for the table of every problem and its fix"


def test_custom_criteria_columns_validations_and_text_safety(tmp_path: Path) -> None:
    criteria = parse_criteria_text(MISSING_ERROR)
    plan = plan_template(criteria, read_countries(demo_spreadsheet_path()), workbook="c.xlsx", criteria_file="s.yaml")
    assert [c.name for c in plan.columns] == [
        "iso3",
        "name",
        "region",
        "wipo_engagement",
        "office_level",
        "patent_res_per_million",
        "wipo_external_office",
        "member",
    ]
    assert [c.name for c in plan.to_fill] == ["wipo_engagement", "office_level", "member"]
    wb = build_workbook(plan)
    ws = wb[DATA_SHEET]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    goal = rules["F2"]  # goalposts: values beyond the posts are valid, so Excel only warns
    assert (goal.type, goal.operator, goal.formula1, goal.formula2, goal.errorStyle) == (
        "decimal",
        "between",
        "0.0",
        "100.0",
        "warning",
    )
    # a level holding a comma cannot be an inline list: it is listed on a hidden sheet, as text
    assert rules["E2"].formula1 == "Lists!$A$1:$A$2"
    lists = wb["Lists"]
    assert lists.sheet_state == "hidden"
    assert [lists["A1"].value, lists["A2"].value] == ["none, yet", "=open"]
    assert lists["A2"].data_type == "s"  # never a formula
    assert (rules["H2"].type, rules["H2"].formula1) == ("list", '"yes,no"')
    assert "member is yes" in ws["H1"].comment.text and "not a member" in ws["H1"].comment.text
    text = help_lines(plan)
    assert text[-1] == "unct-scorer rank c.xlsx -c s.yaml"
    assert "unct-scorer validate c.xlsx -c s.yaml" in text


def test_written_workbook_reads_back_as_the_data_sheet(workbook: Path) -> None:
    df = read_countries(workbook)
    assert len(df) == 165 and df.attrs["first_row"] == 2
    assert list(df.columns)[:3] == ["iso3", "name", "region"]


def test_output_must_be_xlsx_and_is_not_replaced_without_force(workbook: Path, runner) -> None:
    again = runner.invoke(main, ["template", "-o", str(workbook)])
    assert again.exit_code == 1
    assert again.stderr == f"Error: {workbook}: already exists; use --force to replace it\n"
    assert runner.invoke(main, ["template", "-o", str(workbook), "--force"]).exit_code == 0
    csv = workbook.with_suffix(".csv")
    wrong = runner.invoke(main, ["template", "-o", str(csv)])
    assert wrong.exit_code == 1
    assert wrong.stderr == f"Error: {csv}: should end in .xlsx (an Excel workbook), but it ends in '.csv'\n"
    assert not csv.exists()
    usage = runner.invoke(main, ["template"])
    assert usage.exit_code == 2 and "Missing option '-o' / '--output'" in usage.stderr


def test_bad_criteria_is_one_error_line(tmp_path: Path, runner) -> None:
    crit = tmp_path / "bad.yaml"
    crit.write_text("name: x\ncriteria: {}\n", encoding="utf-8")
    out = tmp_path / "c.xlsx"
    result = runner.invoke(main, ["template", "-c", str(crit), "-o", str(out)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {crit}:2: criteria: should have at least 1 item(s), but it has 0\n"
    assert not out.exists()


def test_quiet_and_verbose(tmp_path: Path, runner) -> None:
    quiet = runner.invoke(main, ["-q", "template", "-o", str(tmp_path / "q.xlsx")])
    assert quiet.exit_code == 0 and quiet.output == ""
    normal = runner.invoke(main, ["template", "-o", str(tmp_path / "n.xlsx")])
    assert normal.stderr.splitlines()[0] == (
        f"Wrote {tmp_path / 'n.xlsx'}: 165 countries, 11 columns, 2 to fill in (wipo_engagement, gov_ip_interest)."
    )
    assert normal.stderr.splitlines()[-1] == f"  unct-scorer rank {tmp_path / 'n.xlsx'}"
    verbose = runner.invoke(main, ["-v", "template", "-o", str(tmp_path / "v.xlsx")])
    assert "  gov_ip_interest: indicator, to fill; one of: none, expressed, requested, included" in verbose.stderr
    assert "made-up stand-ins for gov_ip_interest (columns illustrative_...)" in verbose.stderr
    assert "made-up" not in normal.stderr


TOKENS = """\
name: tokens
criteria:
  engagement:
    label: Engagement
    cites: para. 11(1)
    weight: 1
    indicators:
      wipo_engagement:
        column: wipo_engagement
        normalisation: ordinal
        levels: {none: 0, low: 1, high: 2}
        missing: worst
        not_applicable: {tokens: [n/app], policy: reweight}
      staff:
        column: staff_days
        normalisation: log_minmax
        missing: zero
        zero_tokens: [nil]
tiers: [{name: all}]
"""


def test_not_applicable_and_zero_words_are_allowed_and_rank(tmp_path: Path, runner) -> None:
    crit = tmp_path / "tokens.yaml"
    crit.write_text(TOKENS, encoding="utf-8")
    out = tmp_path / "countries.xlsx"
    assert runner.invoke(main, ["template", "-c", str(crit), "-o", str(out)]).exit_code == 0
    wb = load_workbook(out)
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[1]]
    assert header[3:5] == ["wipo_engagement", "staff_days"]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    assert rules["D2"].formula1 == '"none,low,high,n/app"'
    staff = rules["E2"]  # a number, or the word nil: Excel's number check may only warn
    assert (staff.type, staff.operator, staff.formula1, staff.errorStyle) == (
        "decimal",
        "greaterThanOrEqual",
        "0.0",
        "warning",
    )
    assert "Allowed: a number >= 0; also 'nil' (means 0)" in ws["E1"].comment.text
    assert "Allowed: one of: none, low, high (pick from the drop-down list); also 'n/app' (not applicable)" in (
        ws["D1"].comment.text
    )
    ws["D2"], ws["E2"] = "n/app", "nil"
    ws["D3"], ws["E3"] = "high", 12
    wb.save(out)
    ranked = runner.invoke(main, ["rank", str(out), "-c", str(crit), "--format", "json"])
    assert ranked.exit_code == 0, ranked.output
    ids = [r["id"] for r in json.loads(ranked.stdout)]
    assert ids[0] == ws["A3"].value and len(ids) == 165
