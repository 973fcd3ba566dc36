"""Every command a report prints is complete: run as printed, it gives the report's numbers (issue 10, defect 2).

The report prints, besides its own command, the ``uncertainty`` command of its
Method uncertainty section (page, workbook, Markdown), the ``sensitivity``
command of its methodology annex and the ``select --robust`` command of its
robustness note. Each must repeat the spreadsheet, ``-c``, every reading option
(``--sheet``, ``--header-row``, ``--decimal-comma``, ``--year``,
``--group-by``), ``-w`` and ``--evidence``: the report is made with all of them
(grouped into offices, and read with decimal commas), each printed command is
run with ``--format json`` in the same folder, and its figures are compared
with the report's.
"""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.report.commands import ReportCommands
from tests.test_reproduce import GROUPED, MESSY, inputs  # noqa: F401 (the inputs fixture)
from tests.workbook_helpers import sheet_records

REPORT = [
    "-c",
    "crit.yaml",
    "-w",
    "engagement=0.5",
    "--evidence",
    "ev.csv",
    "--top",
    "5",
    "--uncertainty",
    "--samples",
    "16",
    "--bootstrap",
    "0",
    "--sensitivity",
    "--draws",
    "200",
    "--capacity",
    "5",
    "--selection-draws",
    "4",
    "-o",
    "r.html",
    "-o",
    "r.xlsx",
    "-o",
    "r.md",
]


def printed(folder: Path, words: list[str]) -> dict[str, Any]:
    """Run a printed command's words (after ``unct-scorer``) with ``--format json`` in ``folder``."""
    res = CliRunner().invoke(main, [*words, "--format", "json"])
    assert res.exit_code == 0, (words, res.output)
    return dict(json.loads(res.stdout))


@pytest.fixture(scope="module", params=[GROUPED, MESSY], ids=["grouped", "decimal-comma"])
def made(
    request: pytest.FixtureRequest,
    inputs: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, tuple[str, ...]]:
    """A folder with the report r.html, r.xlsx and r.md made with every reading option (grouped or not), and
    the reading words."""
    folder = tmp_path_factory.mktemp("made") / "w"
    shutil.copytree(inputs, folder)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        res = CliRunner().invoke(main, ["report", *request.param, *REPORT])
    assert res.exit_code == 0, res.output
    return folder, tuple(request.param)


def holds(words: list[str], reading: tuple[str, ...]) -> bool:
    """The command holds every reading word and every option of REPORT that the analysis repeats."""
    return all(w in words for w in (*reading, "-c", "crit.yaml", "-w", "engagement=0.5", "--evidence", "ev.csv"))


def uncertainty_commands(folder: Path) -> list[str]:
    """The uncertainty command as the page, the workbook and the Markdown print it."""
    page = (folder / "r.html").read_text(encoding="utf-8")
    markdown = (folder / "r.md").read_text(encoding="utf-8")
    summary = {r["item"]: r["text"] for r in sheet_records(folder / "r.xlsx", "Uncertainty summary")}
    found = [
        html.unescape(re.search(r"<code>(unct-scorer uncertainty .*?)</code>", page).group(1)),  # type: ignore[union-attr]
        re.search(r"`(unct-scorer uncertainty .*?)`", markdown).group(1),  # type: ignore[union-attr]
        summary["command"],
    ]
    return found


def test_the_uncertainty_command_the_report_prints_gives_its_numbers(
    made: tuple[Path, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, reading = made
    page, markdown, book = uncertainty_commands(folder)
    assert page == markdown == book
    words = shlex.split(page)
    assert holds(words, reading), page
    assert words[-8:] == ["--samples", "16", "--seed", "20210816", "--top", "5", "--bootstrap", "0"]
    monkeypatch.chdir(folder)
    countries = printed(folder, words[1:])["countries"]
    columns = ["rank", "p_top_k", "median_rank", "rank_p05", "rank_p95"]
    section = {r["id"]: [r[c] for c in columns] for r in sheet_records(folder / "r.xlsx", "Uncertainty countries")}
    assert len(section) == (142 if "--group-by" in reading else 162)
    assert {str(r["id"]): [r[c] for c in columns] for r in countries} == section


def test_the_sensitivity_command_the_report_prints_gives_its_numbers(
    made: tuple[Path, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, reading = made
    page = (folder / "r.html").read_text(encoding="utf-8")
    line = html.unescape(re.search(r"<code>(unct-scorer sensitivity .*?)</code>", page).group(1))  # type: ignore[union-attr]
    words = shlex.split(line)
    assert holds(words, reading) and words[-6:] == ["--draws", "200", "--seed", "20210816", "--top", "5"], line
    monkeypatch.chdir(folder)
    countries = printed(folder, words[1:])["countries"]
    columns = ["p_top_k", "median_rank", "rank_p05", "rank_p95", "mean_rank"]
    report = {str(r["id"]): [r[c] for c in columns] for r in sheet_records(folder / "r.xlsx", "Sensitivity")}
    assert {str(r["id"]): [r[c] for c in columns] for r in countries} == report


def test_the_select_command_of_the_robustness_note_gives_the_set_and_its_shares(
    made: tuple[Path, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, reading = made
    summary = {r["item"]: r["text"] for r in sheet_records(folder / "r.xlsx", "Selection summary")}
    line = re.search(r"the same as (unct-scorer select .*)\.$", summary["robustness"]).group(1)  # type: ignore[union-attr]
    page = html.unescape((folder / "r.html").read_text(encoding="utf-8"))
    assert line in page
    words = shlex.split(line)
    assert holds(words, reading) and words[-7:] == ["--capacity", "5", "--robust", "--draws", "4", "--seed", "20210816"]
    monkeypatch.chdir(folder)
    data = printed(folder, words[1:])
    chosen = [str(r["id"]) for r in sheet_records(folder / "r.xlsx", "Selection")]
    assert [str(c["id"]) if isinstance(c, dict) else str(c) for c in data["chosen"]] == chosen
    shares = {str(r["id"]): r["share_selected"] for r in sheet_records(folder / "r.xlsx", "Selection robustness")}
    assert {str(r["id"]): r["share_selected"] for r in data["robust"] if str(r["id"]) in shares} == shares


def test_a_report_made_in_python_prints_the_commands_of_the_bundled_demo() -> None:
    from scorer import demo_result
    from scorer.report import make_report

    rep = make_report(demo_result(), top_k=5)
    assert rep.commands.rank_prefix() == "unct-scorer rank"
    assert rep.commands.robust_selection(draws=3, seed=1) == "unct-scorer select --robust --draws 3 --seed 1"
    result = SimpleNamespace(samples=8, seed=2, top_k=4, bootstrap=0)
    line = ReportCommands(("my data.csv", "--decimal-comma"), ("-w", "a=1")).uncertainty(result)  # type: ignore[arg-type]
    assert (
        line
        == "unct-scorer uncertainty 'my data.csv' --decimal-comma -w a=1 --samples 8 --seed 2 --top 4 --bootstrap 0"
    )
