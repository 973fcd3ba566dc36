"""The project folder: ``unct-scorer.toml`` found from the folder or below, announced, and beaten by ``-c``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.errors import ConfigError
from scorer.io.project import PROJECT_FILE, find_project, parse_project, project_text, resolve_inputs
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.conftest import SMALL_CRITERIA, SMALL_SHEET, write


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the small sheet and criteria, and a sub-folder."""
    write(tmp_path / "sheet.csv", SMALL_SHEET)
    write(tmp_path / "small.yaml", SMALL_CRITERIA)
    write(tmp_path / PROJECT_FILE, project_text("small.yaml", "sheet.csv", None))
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    return tmp_path


def test_find_project_looks_in_the_folder_and_above(project: Path) -> None:
    assert find_project(project / "notes" / "deep") == (project / PROJECT_FILE).resolve()
    assert find_project(project) == (project / PROJECT_FILE).resolve()


def test_project_text_reads_back_with_paths_relative_to_its_folder(tmp_path: Path) -> None:
    file = tmp_path / PROJECT_FILE
    got = parse_project(project_text("criteria.yaml", "my data.xlsx", "Countries"), file)
    assert (got.criteria, got.spreadsheet, got.sheet) == (
        tmp_path / "criteria.yaml",
        tmp_path / "my data.xlsx",
        "Countries",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("criteria = [", "should be valid TOML, but it is not"),
        ('criterion = "c.yaml"\n', "should be one of criteria, spreadsheet, sheet, but it is 'criterion'"),
        ('sheet = ""\n', "sheet: should be a text (a file name), but it is ''"),
    ],
)
def test_a_bad_project_file_is_a_located_one_line_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_project(text, Path("p") / PROJECT_FILE)
    (line,) = caught.value.lines()
    assert line.startswith(str(Path("p") / PROJECT_FILE) + ": ")
    assert message in line


def test_without_a_project_the_bundled_files_are_used_and_said(tmp_path: Path) -> None:
    got = resolve_inputs(None, None, cwd=tmp_path)
    assert (got.spreadsheet, got.criteria) == (demo_spreadsheet_path(), default_criteria_path())
    assert got.announcement == (
        "No project (unct-scorer.toml) here or above: using the bundled default criteria and "
        "the bundled demo data (unct-scorer init makes a project)"
    )


def test_given_files_need_no_project_and_no_announcement(project: Path) -> None:
    got = resolve_inputs(Path("a.csv"), Path("b.yaml"), cwd=project)
    assert (got.spreadsheet, got.criteria, got.announcement) == (Path("a.csv"), Path("b.yaml"), None)


def test_every_command_below_the_project_uses_it_and_says_so_once(
    project: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "notes" / "deep")
    result = runner.invoke(main, ["rank", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)] == ["AAA", "DDD", "BBB", "CCC"]
    announced = [line for line in result.stderr.splitlines() if "Project" in line]
    assert announced == [f"Project {Path('..') / '..' / PROJECT_FILE}: criteria small.yaml, spreadsheet sheet.csv"]


def test_an_explicit_criteria_file_wins_over_the_project(
    project: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    mine = write(project / "notes" / "mine.yaml", SMALL_CRITERIA.replace("name: small", "name: mine"))
    result = runner.invoke(main, ["rank", "-c", str(mine)])
    assert result.exit_code == 0, result.output
    assert "Criteria: mine (mine.yaml)" in result.stderr
    assert result.stderr.splitlines()[-1] == f"Project {PROJECT_FILE}: spreadsheet sheet.csv"


def test_a_failing_command_names_its_file_in_the_error_alone(project: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = runner.invoke(main, ["rank", "-c", str(default_criteria_path())])
    assert result.exit_code == 1
    assert all(line.startswith("Error: ") for line in result.stderr.splitlines())


def test_validate_in_a_project_checks_the_project_files(project: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(project)
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "OK: sheet.csv and small.yaml are valid; 4 rows read, 4 countries can be ranked." in result.stdout


def test_init_writes_a_project_that_the_next_commands_use(tmp_path: Path, runner, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["init", "p"]).exit_code == 0
    assert (tmp_path / "p" / PROJECT_FILE).read_text(encoding="utf-8").splitlines()[2:] == [
        'criteria = "criteria.yaml"',
        'spreadsheet = "countries.xlsx"',
        'sheet = "Countries"',
    ]
    monkeypatch.chdir(tmp_path / "p")
    result = runner.invoke(main, ["validate"])
    # the yellow columns are still empty: validate names the workbook of the project, not the demo
    assert f"Project {PROJECT_FILE}: criteria criteria.yaml, spreadsheet countries.xlsx (sheet Countries)" in (
        result.stderr
    )
    assert "countries.xlsx" in result.stdout + result.stderr
