"""The judgement workbook: template, round trip, located errors, and the `weights` command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from elicitation_helpers import fill_sheet

from scorer import load_criteria
from scorer.cli import main
from scorer.elicitation.hull import recorded_stakeholder_weights
from scorer.elicitation.workflow import elicit
from scorer.errors import DataError
from scorer.io.judgements import read_judgements
from scorer.resources import default_criteria_path

IDS = ["engagement", "representation", "government_interest"]
E, R, G = IDS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "judgements.xlsx"
    code, _out, err = run("template", "--judgements", "--stakeholder", "Ana", "--stakeholder", "Bo", "-o", str(path))
    assert code == 0, err
    return path


def test_template_writes_one_sheet_per_stakeholder_with_dropdowns_and_formulas(workbook: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    assert wb.sheetnames == ["How to fill", "Ana", "Bo", "Scale"]
    ws = wb["Ana"]
    assert [ws.cell(row=4, column=c).value for c in range(1, 5)] == ["criterion", *IDS]
    assert ws["B5"].value == 1 and ws["C5"].value is None and ws["C5"].number_format == "@"
    assert ws["B6"].value.startswith('=IF(C5="","",')  # lower triangle: the reciprocal of the mirror cell
    dv = ws.data_validations.dataValidation[0]
    assert dv.formula1 == "Scale!$A$1:$A$17" and "C5" in str(dv.sqref)
    assert [wb["Scale"].cell(row=r, column=1).value for r in (1, 9, 17)] == ["9", "1", "1/9"]
    assert wb["Scale"].sheet_state == "hidden"


def test_same_template_bytes_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        monkeypatch.chdir(tmp_path / sub)
        assert run("template", "--judgements", "-o", "j.xlsx")[0] == 0
    assert (tmp_path / "a" / "j.xlsx").read_bytes() == (tmp_path / "b" / "j.xlsx").read_bytes()


def test_round_trip(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3", (E, G): 2, (R, G): "1/2"}, swing={E: 100, R: 40, G: 70})
    fill_sheet(workbook, "Bo", IDS, pairwise={(E, R): "1/3"}, cells={"B7": "5"}, ranks={E: 2, R: 1, G: 3})
    people = read_judgements(workbook, load_criteria(default_criteria_path()))
    assert [p.name for p in people] == ["Ana", "Bo"]
    ana, bo = people
    assert ana.pairwise == {(E, R): 3.0, (E, G): 2.0, (R, G): 0.5}
    assert ana.swing == {E: 100.0, R: 40.0, G: 70.0} and ana.ranks == {} and ana.points == {}
    # Bo typed 5 in the lower triangle (government_interest vs engagement): read as engagement vs g = 1/5
    assert bo.pairwise == {(E, R): pytest.approx(1 / 3), (E, G): pytest.approx(1 / 5)}
    e = elicit(IDS, people, method="swing")
    assert e.skipped == ("Bo",) and e.group.weights == pytest.approx([100 / 210, 40 / 210, 70 / 210])


def test_folder_of_workbooks(tmp_path: Path, workbook: Path) -> None:
    folder = tmp_path / "people"
    folder.mkdir()
    for who in ("alice", "bob"):
        (folder / f"{who}.xlsx").write_bytes(workbook.read_bytes())
    fill_sheet(folder / "alice.xlsx", "Ana", IDS, swing={E: 100, R: 50, G: 50})
    fill_sheet(folder / "bob.xlsx", "Ana", IDS, swing={E: 50, R: 100, G: 50})
    (folder / "~$alice.xlsx").write_bytes(b"lock")
    people = read_judgements(folder, load_criteria(default_criteria_path()))
    assert [p.name for p in people] == ["alice/Ana", "alice/Bo", "bob/Ana", "bob/Bo"]


def test_every_bad_cell_is_reported_with_file_sheet_and_cell(workbook: Path) -> None:
    fill_sheet(
        workbook,
        "Ana",
        IDS,
        pairwise={(E, R): "12", (E, G): dt.datetime(2026, 1, 3)},
        swing={E: 100, R: 140},
    )
    with pytest.raises(DataError) as err:
        read_judgements(workbook, load_criteria(default_criteria_path()))
    f = str(workbook)
    assert err.value.lines() == [
        f"{f}: sheet 'Ana': cell C5: (engagement vs representation) should be on Saaty's scale from 1/9 to 9 "
        "(9, 8, ..., 1, 1/2, ..., 1/9), but it is '12'",
        f"{f}: sheet 'Ana': cell D5: (engagement vs government_interest) should be on Saaty's scale from 1/9 to 9 "
        "(9, 8, ..., 1, 1/2, ..., 1/9), but it is a date (2026-01-03); Excel turned the judgement into a date: "
        "format the cell as Text and retype it",
        f"{f}: sheet 'Ana': cell C12: (representation) should be swing points from 0 to 100, but it is 140",
        f"{f}: sheet 'Ana': cell C13: (government_interest) should be swing points from 0 to 100, "
        "but it is blank (fill every criterion's, or none)",
    ]


def test_workbook_for_other_criteria_is_refused(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, cells={"C4": "engagment"})
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert err.splitlines()[0] == (
        f"Error: {workbook}: sheet 'Ana': cell C4: should be 'representation' (the layout `template --judgements` "
        "writes for this criteria file), but it is 'engagment'"
    )


def test_cli_weights_ahp_and_yaml_output(tmp_path: Path, workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3", (E, G): "2", (R, G): "1/2"})
    fill_sheet(workbook, "Bo", IDS, pairwise={(E, R): "2", (E, G): "1/9", (R, G): "9"})
    out = tmp_path / "committee.yaml"
    code, stdout, err = run("weights", str(workbook), "--hull-draws", "200", "-o", str(out))
    assert code == 0, err
    assert "Bo, most inconsistent:" in stdout
    assert "CR 3.133 (above 0.10: revise the judgements)" in stdout
    assert "Top 15 for every stakeholder" in stdout
    written = load_criteria(out)
    assert written.elicitation is not None
    assert written.elicitation["method"] == "ahp"
    assert written.elicitation["stakeholders"] == ["Ana", "Bo"]
    assert written.elicitation["consistency_ratios"]["Bo"] == pytest.approx(3.133, abs=1e-3)
    assert written.elicitation["command"].startswith("unct-scorer ")
    code, stdout, _err = run("weights", str(workbook), "--hull-draws", "0", "--format", "json")
    data = json.loads(stdout)
    total = sum(c.weight for c in written.criteria.values())
    assert {k: round(c.weight / total, 6) for k, c in written.criteria.items()} == data["group"]["weights"]
    # the written file ranks, and records each stakeholder's weights for sampling between them
    assert run("rank", "-c", str(out), "--top", "3")[0] == 0
    names, w = recorded_stakeholder_weights(written) or ((), None)
    assert names == ("Ana", "Bo")
    assert w is not None and w.tolist() == [
        [pytest.approx(data["stakeholders"][n]["weights"][c], abs=2e-6) for c in IDS] for n in names
    ]


def test_cli_errors(tmp_path: Path, workbook: Path) -> None:
    code, _out, err = run("weights", str(workbook), "--method", "swing")
    assert code == 1
    assert err.splitlines() == [
        f"Error: {workbook}: should hold swing points (--method swing) from at least one stakeholder, "
        "but no sheet has any"
    ]
    code, _out, err = run("weights", str(tmp_path / "nope.xlsx"))
    assert (code, err.splitlines()) == (1, [f"Error: {tmp_path / 'nope.xlsx'}: file not found"])
    code, _out, err = run("weights")
    assert code == 2 and "Missing argument 'JUDGEMENTS'" in err
    code, _out, err = run("weights", str(workbook), "-o", str(tmp_path / "w.txt"))
    assert (code, err.splitlines()[-1]) == (
        1,
        f"Error: {tmp_path / 'w.txt'}: should end in one of .yaml, .yml, .csv, .json, .md, .xlsx, "
        "but it ends in '.txt'",
    )
    code, _out, err = run("template", "--judgements", "--stakeholder", "a/b", "-o", str(tmp_path / "j.xlsx"))
    assert (code, err.splitlines()) == (
        1,
        ["Error: --stakeholder: stakeholder name should not contain any of []:*?/\\, but it is 'a/b'"],
    )


def test_cli_objective_weights_say_they_describe_the_data() -> None:
    code, stdout, err = run("weights", "--method", "entropy")
    assert code == 0, err
    assert stdout.splitlines()[0] == "NOTE: objective weights describe the data, not anyone's priorities."


@pytest.mark.parametrize("same", [False, True])
def test_written_criteria_ranges_are_usable_by_sensitivity(tmp_path: Path, workbook: Path, same: bool) -> None:
    from scorer.tuning import weight_constraints

    fill_sheet(workbook, "Ana", IDS, swing={E: 100, R: 30, G: 70})
    fill_sheet(workbook, "Bo", IDS, swing={E: 100, R: 30, G: 70} if same else {E: 40, R: 100, G: 90})
    out = tmp_path / "c.yaml"
    code, _stdout, err = run("weights", str(workbook), "--method", "swing", "--hull-draws", "0", "-o", str(out))
    assert code == 0, err
    written = load_criteria(out)
    # the bundled file's weight_order described its own weights, not Ana's and Bo's
    assert written.weight_order is None
    ranges = {cid: c.range for cid, c in written.criteria.items()}
    ana = {E: 0.5, R: 0.15, G: 0.35}
    for cid, (lo, hi) in ranges.items():  # type: ignore[misc]
        assert lo <= ana[cid] <= hi
    constraints = weight_constraints(written)  # feasible, also when the ranges have zero width
    assert constraints.k == 3
    before = {cid: c.weight for cid, c in load_criteria(default_criteria_path()).criteria.items()}
    assert written.elicitation is not None and written.elicitation["previous_weights"] == before


def test_unlinked_comparisons_and_other_blocks(workbook: Path) -> None:
    # Ana compares only engagement with representation: government_interest is linked to nothing
    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3"}, ranks={E: 1, R: 2, G: 9})
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert err.splitlines() == [
        f"Error: {workbook}: sheet 'Ana': the comparisons should link every criterion to every other (directly or "
        "through others), but they fall into 2 separate groups: engagement, representation | government_interest; "
        "compare one criterion of each group with one of another"
    ]
    # the bad rank (9) is only reported when the ranks are asked for
    code, _out, err = run("weights", str(workbook), "--method", "rank")
    assert (code, err.splitlines()) == (
        1,
        [
            f"Error: {workbook}: sheet 'Ana': cell B13: (government_interest) should be a rank from 1 to 3 "
            "(1 = most important), but it is 9"
        ],
    )
