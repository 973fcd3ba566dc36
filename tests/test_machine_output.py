"""Nothing but the requested format reaches standard output (issue 10, defect 4).

HiGHS writes some messages straight to file descriptor 1; ``--format json`` and
``--format csv`` must still print only JSON and CSV. Commands run in-process
with click's runner (their output) while pytest's ``capfd`` holds descriptor 1
(anything written past ``sys.stdout``), and one chatty ``select`` runs as a
real subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import all_commands, main
from scorer.solvers.highs import captured_stdout
from tests.elicitation_helpers import fill_sheet

CHATTER = Path(__file__).parent / "data" / "highs_chatter"
CHATTY_SELECT = [
    "select",
    str(CHATTER / "countries.csv"),
    "-c",
    str(CHATTER / "criteria.yaml"),
    "--budget",
    "46.68",
    "--cost-column",
    "patent_res_per_million",
    "--default-cost",
    "4.668",
    "--min-per",
    "region=Africa:3",
    "--min-per",
    "region=Europe:3",
    "--min-per",
    "region=Oceania:3",
    "--include",
    "DZA",
]


def _decisions(folder: Path) -> Path:
    path = folder / "decisions.csv"
    path.write_text("country,decision\nTZA,join\nKEN,join\nDZA,join\nFJI,not join\nPER,not join\n", encoding="utf-8")
    return path


def _judgements(folder: Path, criteria: str) -> Path:
    path = folder / "judgements.xlsx"
    made = CliRunner().invoke(main, ["-q", "template", "--judgements", "-c", criteria, "-o", str(path)])
    assert made.exit_code == 0, made.output
    ids = ["engagement", "representation", "government_interest"]
    fill_sheet(path, "Stakeholder 1", ids, swing={"engagement": 100, "representation": 40, "government_interest": 70})
    fill_sheet(path, "Stakeholder 2", ids, swing={"engagement": 60, "representation": 100, "government_interest": 50})
    return path


def _commands(folder: Path) -> dict[str, list[str]]:
    default = str(CHATTER / "criteria.yaml")
    other = folder / "other.yaml"
    other.write_text(Path(default).read_text(encoding="utf-8").replace("weight: 0.4", "weight: 0.5", 1), "utf-8")
    inputs = [str(CHATTER / "countries.csv"), "-c", default]
    return {
        "rank": ["rank", *inputs],
        "explain": ["explain", "DZA", *inputs],
        "validate": ["validate", *inputs],
        "select": CHATTY_SELECT,
        "sensitivity": ["sensitivity", *inputs, "--draws", "200"],
        "stability": ["stability", *inputs],
        "sweep": ["sweep", "engagement", *inputs, "--steps", "5"],
        "compare": ["compare", default, str(other), "-s", inputs[0]],
        "fit": ["fit", "--decisions", str(_decisions(folder)), *inputs],
        "uncertainty": ["uncertainty", *inputs, "--samples", "16", "--bootstrap", "0"],
        "weights": [
            "weights",
            str(_judgements(folder, default)),
            "-c",
            default,
            "--method",
            "swing",
            "--data",
            inputs[0],
        ],
    }


def _with_format() -> list[str]:
    """Every command that has a --format option."""
    return sorted(name for name, command in all_commands().items() if any(p.name == "fmt" for p in command.params))


def test_every_command_with_a_format_option_is_checked(tmp_path: Path) -> None:
    assert sorted(_commands(tmp_path)) == _with_format()


def _parse(fmt: str, text: str) -> object:
    if fmt == "json":
        return json.loads(text)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and len({len(r) for r in rows}) == 1, text[:300]
    return rows


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(
    "name",
    [
        "rank",
        "explain",
        "validate",
        "select",
        "sensitivity",
        "stability",
        "sweep",
        "compare",
        "fit",
        "uncertainty",
        "weights",
    ],
)
def test_every_command_prints_only_the_requested_format(
    name: str, fmt: str, tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import scipy.optimize

    # every HiGHS call talks on descriptor 1 here, as HiGHS sometimes does
    for solver in ("milp", "linprog"):
        real = getattr(scipy.optimize, solver)

        def chatty(*args: object, _real: object = real, **kwargs: object) -> object:
            os.write(1, b"HiGHS chatter\n")
            return _real(*args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(scipy.optimize, solver, chatty)
    args = _commands(tmp_path)[name]
    result = CliRunner().invoke(main, ["-q", *args, "--format", fmt])
    assert result.exit_code == 0, result.stderr
    _parse(fmt, result.stdout)
    leaked = capfd.readouterr().out
    assert leaked == ""


def test_the_chatty_select_case_really_makes_highs_talk(monkeypatch: pytest.MonkeyPatch) -> None:
    import scorer.selection.program
    from scorer import read_countries
    from scorer.io.criteria_file import load_criteria
    from scorer.model.criteria import GroupCount, Selection
    from scorer.pipeline import score_countries
    from scorer.selection.config import select_from_result

    monkeypatch.setattr(scorer.selection.program, "quietly", lambda solve, *a, **k: solve(*a, **k))
    data = read_countries(CHATTER / "countries.csv")
    result = score_countries(data, load_criteria(CHATTER / "criteria.yaml"))
    selection = Selection(
        budget=46.68,
        cost_column="patent_res_per_million",
        default_cost=4.668,
        min_per=[GroupCount(column="region", value=r, count=3) for r in ("Africa", "Europe", "Oceania")],
        include=["DZA"],
    )
    with captured_stdout() as out:
        select_from_result(result, selection, data)
    assert "Highs" in out.text


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_chatty_select_in_a_real_process_prints_clean_output(fmt: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "scorer", "-q", *CHATTY_SELECT, "--format", fmt],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Highs" not in proc.stdout
    parsed = _parse(fmt, proc.stdout)
    if fmt == "json":
        assert isinstance(parsed, dict) and "DZA" in [c["id"] for c in parsed["chosen"]]
