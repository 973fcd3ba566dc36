"""The report is one library workflow: the CLI writes what ``make_report`` returns, with the defaults of the analyses.

Issue 10, defect 1: ``report --sensitivity`` ignored each indicator's
``uncertainty`` and defaulted to seed 1 while ``sensitivity`` honoured it with
seed 20210816; on the same question P(top 15) differed by up to 0.37.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.io.results import write_report
from scorer.report import make_report, run_sensitivity
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.tuning import DEFAULT_DRAWS, DEFAULT_SEED, sensitivity
from tests.workbook_helpers import sheet_rows as planner_rows

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo sheet and the default criteria with an uncertainty declared on every indicator."""
    folder = tmp_path_factory.mktemp("uncertain")
    shutil.copy(demo_spreadsheet_path(), folder / "data.csv")
    text = default_criteria_path().read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        lines.append(line)
        stripped = line.strip()
        if stripped.startswith("column:") and line.startswith("        "):
            lines.append(line[: len(line) - len(line.lstrip())] + "uncertainty: 0.2")
    (folder / "crit.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_criteria(folder / "crit.yaml").criteria  # still valid
    return folder


def run(folder: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    monkeypatch.chdir(folder)
    res = CliRunner().invoke(main, list(args), env=EPOCH)
    assert res.exit_code == 0, res.output


def sheet_rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    """The rows of a sheet, the header row as column ids (a report's workbook shows readable headers)."""
    if "Data dictionary" in load_workbook(path, read_only=True).sheetnames:
        return planner_rows(path, sheet)
    return list(load_workbook(path)[sheet].iter_rows(values_only=True))


def test_report_sensitivity_is_the_sensitivity_command_with_its_defaults(
    uncertain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crit = load_criteria(uncertain / "crit.yaml")
    assert any(ind.uncertainty for _c, _i, ind in crit.indicator_items())
    run(
        uncertain,
        monkeypatch,
        "report",
        "data.csv",
        "-c",
        "crit.yaml",
        "--sensitivity",
        "--draws",
        "600",
        "-o",
        "r.xlsx",
    )
    run(uncertain, monkeypatch, "sensitivity", "data.csv", "-c", "crit.yaml", "--draws", "600", "-o", "s.xlsx")
    report_rows = sheet_rows(uncertain / "r.xlsx", "Sensitivity")
    alone_rows = sheet_rows(uncertain / "s.xlsx", "Summary")
    assert report_rows == alone_rows  # same P(top K), ranks, verdicts: the same analysis, seed and draws
    header = report_rows[0]
    p_top = [row[header.index("p_top_k")] for row in report_rows[1:]]
    # the uncertainty is honoured: without it the numbers differ
    run(
        uncertain,
        monkeypatch,
        "report",
        "data.csv",
        "-c",
        "crit.yaml",
        "--sensitivity",
        "--draws",
        "600",
        "--no-data-uncertainty",
        "-o",
        "plain.xlsx",
    )
    plain_rows = sheet_rows(uncertain / "plain.xlsx", "Sensitivity")
    assert [row[header.index("p_top_k")] for row in plain_rows[1:]] != p_top
    prov = dict(row[:2] for row in sheet_rows(uncertain / "r.xlsx", "Provenance")[1:])
    assert prov["seed"] == str(DEFAULT_SEED) and prov["draws"] == "600"
    assert prov["data_uncertainty"].startswith("wipo_engagement 0.2")  # type: ignore[union-attr]


def test_the_defaults_are_the_analyses_defaults() -> None:
    import inspect

    from scorer.cli.report import command

    params = {p.name: p.default for p in command.params}
    assert params["seed"] == DEFAULT_SEED and params["draws"] == DEFAULT_DRAWS
    for func in (make_report, run_sensitivity):
        signature = inspect.signature(func).parameters
        assert signature["seed"].default == DEFAULT_SEED and signature["draws"].default == DEFAULT_DRAWS
        assert signature["data_uncertainty"].default is True
    assert inspect.signature(sensitivity).parameters["seed"].default == DEFAULT_SEED


def test_python_users_get_the_cli_report_from_one_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(demo_spreadsheet_path(), tmp_path / "data.csv")
    shutil.copy(default_criteria_path(), tmp_path / "crit.yaml")
    args = ["report", "data.csv", "-c", "crit.yaml", "--top", "12", "--capacity", "6", "-o", "cli.md", "-o", "cli.html"]
    run(tmp_path, monkeypatch, *args)
    df = read_countries(tmp_path / "data.csv")
    result = score_countries(df, load_criteria(tmp_path / "crit.yaml"))
    from scorer.model.criteria import Selection

    report = make_report(result, df, top_k=12, selection=Selection(capacity=6))
    assert report.top_k == 12 and report.recommended is not None and len(report.recommended.ids) == 6
    inputs = {"spreadsheet": tmp_path / "data.csv", "criteria": tmp_path / "crit.yaml"}
    command = (
        "unct-scorer report data.csv -c crit.yaml --capacity 6 -o cli.md -o cli.html --top 12 --draws 10000 "
        "--seed 20210816 --selection-draws 100"
    )
    for name in ("lib.md", "lib.html"):
        write_report(
            report,
            tmp_path / name,
            force=False,
            inputs=inputs,
            command=command,
            generated="2023-11-14 22:13:20 UTC",
            command_prefix="unct-scorer rank data.csv -c crit.yaml",
        )
    assert (tmp_path / "lib.md").read_bytes() == (tmp_path / "cli.md").read_bytes()
    assert (tmp_path / "lib.html").read_bytes() == (tmp_path / "cli.html").read_bytes()
