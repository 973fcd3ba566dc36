"""``unct-scorer init``: from an empty folder to a ranking, reading only what the tool wrote."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scorer import __version__, load_criteria
from scorer.cli import main
from scorer.model.criteria import Criteria, Criterion, EligibilityRule, Indicator, Tier
from scorer.resources import default_criteria_path
from scorer.starter.data_entry import DATA_SHEET
from scorer.starter.text import criteria_key_reference


def test_init_creates_the_four_files_in_a_new_nested_folder(tmp_path: Path, runner) -> None:
    target = tmp_path / "a" / "b"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == [
        "HOW-TO.md",
        "countries.xlsx",
        "criteria.yaml",
        "unct-scorer.toml",
    ]
    assert load_criteria(target / "criteria.yaml") == load_criteria(default_criteria_path())
    howto = (target / "HOW-TO.md").read_text(encoding="utf-8")
    assert "unct-scorer validate countries.xlsx -c criteria.yaml" in howto
    assert "unct-scorer rank countries.xlsx -c criteria.yaml" in howto
    assert "| `gov_ip_interest` |" in howto
    assert load_workbook(target / "countries.xlsx").sheetnames == [DATA_SHEET, "How to fill"]
    assert result.stderr.splitlines()[-5:] == [
        f"  cd {target}",
        "  open countries.xlsx in Excel and fill in the yellow columns: wipo_engagement, gov_ip_interest",
        "  unct-scorer validate countries.xlsx -c criteria.yaml",
        "  unct-scorer rank countries.xlsx -c criteria.yaml",
        "  unct-scorer report countries.xlsx -c criteria.yaml -o report.html",
    ]
    assert "unct-scorer report countries.xlsx -c criteria.yaml -o report.html" in howto


def test_starter_criteria_explains_every_key_of_the_model(tmp_path: Path, runner) -> None:
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    text = (tmp_path / "criteria.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# Criteria file for unct-scorer {__version__}. Every key, in brief:\n")
    assert "yaml-language-server" not in text  # the schema path would not resolve in the user's folder
    header = text.split("\nversion: 1\n")[0]
    reference = dict(criteria_key_reference())
    prefixes = {
        Criteria: "",
        Criterion: "criteria.<id>.",
        Indicator: "criteria.<id>.indicators.<id>.",
        EligibilityRule: "eligibility[].",
        Tier: "tiers[].",
    }
    for model, prefix in prefixes.items():
        for name, info in model.model_fields.items():
            key = prefix + (info.alias or name)
            assert reference.get(key), f"{key} has no explanation: give its field a description"
            assert f"#   {key} " in header
    schema = Criteria.model_json_schema()
    leaves = {key.rsplit(".", 1)[-1] for key in reference}
    for model in [schema, *schema.get("$defs", {}).values()]:
        missing = set(model.get("properties", {})) - leaves
        assert not missing, f"keys of {model.get('title')} missing from the starter header: {sorted(missing)}"
    unexplained = [key for key, text in reference.items() if not text.strip()]
    assert not unexplained, f"give these fields a description in the model (it is the only text): {unexplained}"
    assert (
        "One of: error, zero, worst, mean, median, group_mean, reweight."
        in reference["criteria.<id>.indicators.<id>.missing"]
    )


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, runner) -> None:
    (tmp_path / "criteria.yaml").write_text("mine\n", encoding="utf-8")
    result = runner.invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'criteria.yaml'}: already exists; init never replaces files: choose a new folder "
        "(unct-scorer init NEW-FOLDER) or move the file away\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["criteria.yaml"]
    assert (tmp_path / "criteria.yaml").read_text(encoding="utf-8") == "mine\n"


def test_init_lists_every_existing_file(tmp_path: Path, runner) -> None:
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 1
    lines = again.stderr.splitlines()
    assert lines[0] == "Error: 4 problems:"
    assert [line.split(": ")[1] for line in lines[1:]] == [
        str(tmp_path / "criteria.yaml"),
        str(tmp_path / "countries.xlsx"),
        str(tmp_path / "HOW-TO.md"),
        str(tmp_path / "unct-scorer.toml"),
    ]


def test_init_into_a_file_is_an_error(tmp_path: Path, runner) -> None:
    file = tmp_path / "taken"
    file.write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["init", str(file)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {file}: should be a folder (or a new name), but it is a file\n"


def test_init_from_another_criteria_file(tmp_path: Path, runner) -> None:
    source = tmp_path / "mine.yaml"
    text = default_criteria_path().read_text(encoding="utf-8").replace("weight: 0.4\n", "weight: 0.6\n", 1)
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["init", str(tmp_path / "p"), "-c", str(source)])
    assert result.exit_code == 0, result.output
    assert load_criteria(tmp_path / "p" / "criteria.yaml").criteria["engagement"].weight == 0.6


def test_from_init_to_a_ranking_with_the_printed_commands(
    tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's "done when": init, fill the yellow columns, run the commands init printed."""
    monkeypatch.chdir(tmp_path)
    created = runner.invoke(main, ["init", "my-ranking"])
    assert created.exit_code == 0, created.output
    steps = [line.strip() for line in created.stderr.split("Next:\n")[1].splitlines()]
    assert steps[0] == "cd my-ranking"
    monkeypatch.chdir(tmp_path / "my-ranking")

    wb = load_workbook("countries.xlsx")
    ws = wb[DATA_SHEET]
    header = [c.value for c in ws[1]]
    yellow = [j for j, c in enumerate(ws[1], start=1) if c.fill.fgColor.rgb.endswith("FFF2CC")]
    assert [header[j - 1] for j in yellow] == ["wipo_engagement", "gov_ip_interest"]
    for j in yellow:
        levels = ws.cell(row=1, column=j).comment.text.split("Allowed: one of: ")[1].split(" (")[0].split(", ")
        for i in range(2, ws.max_row + 1):
            ws.cell(row=i, column=j).value = levels[i % len(levels)]
    wb.save("countries.xlsx")

    assert steps[1].startswith("open countries.xlsx in Excel and fill in the yellow columns")
    for step in steps[2:]:
        argv = shlex.split(step)
        assert argv[0] == "unct-scorer"
        result = runner.invoke(main, [*argv[1:], *(["--format", "json"] if argv[1] == "rank" else [])])
        assert result.exit_code == 0, (step, result.output)
        if argv[1] == "rank":
            ranked = result
    assert argv[1] == "report" and Path("report.html").is_file()
    result = ranked
    ranking = json.loads(result.stdout)
    assert len(ranking) == 162 and ranking[0]["rank"] == 1
    assert "ILLUSTRATIVE" not in result.stderr
