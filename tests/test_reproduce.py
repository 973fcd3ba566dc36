"""Every written artefact records the command that rewrites it, byte for byte.

Each case runs a command in one folder, reads the command recorded in what it
wrote (the provenance of an HTML page, a workbook, JSON, Markdown, the
``-metadata.json`` beside a CSV, the header of a fitted criteria file), runs
that command in a fresh folder holding copies of the same inputs, and compares
the files byte for byte. The inputs are read with every reading option at
once (``--sheet``, ``--header-row``, ``--decimal-comma``, ``--year``,
``--group-by``) and also with none, so an option the record dropped shows up
as different bytes (or a failure).
"""

from __future__ import annotations

import html
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from scorer.cli import main
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.elicitation_helpers import fill_sheet
from tests.evidence_docs import write_text
from tests.workbook_helpers import sheet_records as planner_records

EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}
MESSY = ("data.xlsx", "--sheet", "Data", "--header-row", "3", "--decimal-comma", "--year", "2022")
GROUPED = (*MESSY, "--group-by", "workspace_id")
PLAIN = ("data.csv",)


def write_messy_workbook(path: Path) -> None:
    """The demo sheet as a two-year panel on a second sheet, under two title rows, with decimal commas."""
    df = pd.read_csv(demo_spreadsheet_path(), dtype=str, keep_default_na=False)
    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "Read me first"
    ws = wb.create_sheet("Data")
    ws.append(["Country data, two years"])
    ws.append([])
    ws.append([*df.columns, "year"])
    for year in (2022, 2023):
        for row in df.itertuples(index=False):
            cells = []
            for column, value in zip(df.columns, row, strict=True):
                if column == "patent_res_per_million" and value and year == 2022:
                    value = repr(float(value) / 2)
                if value and column.startswith("patent_") and "." in value:
                    value = value.replace(".", ",")
                cells.append(value)
            ws.append([*cells, year])
    wb.save(path)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with data.xlsx (messy), data.csv (the demo), crit.yaml, decisions.csv, judgements.xlsx (two
    stakeholders' judgements), docs/ (two cooperation frameworks) and ev.csv (the evidence found in them)."""
    folder = tmp_path_factory.mktemp("inputs")
    write_messy_workbook(folder / "data.xlsx")
    shutil.copy(demo_spreadsheet_path(), folder / "data.csv")
    shutil.copy(default_criteria_path(), folder / "crit.yaml")
    (folder / "decisions.csv").write_text("country,decision\nChina,yes\nSingapore,yes\nPeru,no\nBhutan,no\n", "utf-8")
    judgements = folder / "judgements.xlsx"
    made = CliRunner().invoke(
        main,
        [
            "template",
            "--judgements",
            "-c",
            str(folder / "crit.yaml"),
            "--stakeholder",
            "Ana",
            "--stakeholder",
            "Bo",
            "-o",
            str(judgements),
        ],
    )
    assert made.exit_code == 0, made.output
    ids = ["engagement", "representation", "government_interest"]
    fill_sheet(judgements, "Ana", ids, swing={"engagement": 100, "representation": 40, "government_interest": 70})
    fill_sheet(judgements, "Bo", ids, swing={"engagement": 50, "representation": 100, "government_interest": 60})
    docs = folder / "docs"
    docs.mkdir()
    write_text(docs / "KEN_cf.txt", [["Kenya 2022-2026"], ["Outcome 1: firms file patents.", "Partners: UNDP, WIPO"]])
    write_text(docs / "URY_cf.txt", [["Uruguay 2021-2025"], ["Salud y empleo."]])
    found = CliRunner().invoke(main, ["evidence", str(docs), "-o", str(folder / "ev.csv")])
    assert found.exit_code == 0, found.output
    return folder


def recorded_command(path: Path) -> str:
    """The command an artefact records, whatever its kind."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        meta = json.loads(path.with_name(path.name + "-metadata.json").read_text(encoding="utf-8"))
        return str(meta["provenance"]["command"])
    if suffix == ".json":
        return str(json.loads(path.read_text(encoding="utf-8"))["provenance"]["command"])
    if suffix == ".xlsx":
        book = load_workbook(path)
        if "Provenance" not in book.sheetnames:  # a workbook to fill in keeps it in its properties
            return str(book.properties.description).removeprefix("Command: ")
        rows = book["Provenance"].iter_rows(min_row=2, values_only=True)
        return str(dict((k, v) for k, v, *_ in rows)["command"])
    text = path.read_text(encoding="utf-8")
    if suffix == ".md":
        found = re.search(r"^- command: `(.*)`$", text, re.M)
    elif suffix == ".yaml":  # a fitted file's header, else the provenance of the weights it was given
        found = re.search(r"^# Command: (.*)$", text, re.M)
        if found is None:
            return str(yaml.safe_load(text)["elicitation"]["command"])
    elif suffix == ".svg":
        found = re.search(r"<dc:description>Command: (.*?)</dc:description>", text, re.S)
    else:
        found = re.search(r"<dt>Command line</dt><dd>(.*?)</dd>", text)
    assert found, f"{path.name} records no command"
    return html.unescape(found.group(1)) if suffix in (".html", ".svg") else found.group(1)


def same_words(command: str, args: list[str]) -> bool:
    """The recorded command holds exactly the given words (in the command's own order of options)."""
    return sorted(shlex.split(command)) == sorted(["unct-scorer", *args])


def run_in(folder: Path, words: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(folder)
    res = CliRunner().invoke(main, words, env=EPOCH)
    assert res.exit_code == 0, (words, res.output, res.stderr)


def regenerate(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], outputs: list[str]
) -> list[str]:
    """Run ``args`` in one folder, then each output's recorded command in a fresh one; compare bytes."""
    first, again = tmp_path / "first", tmp_path / "again"
    for folder in (first, again):
        shutil.copytree(inputs, folder)
    run_in(first, args, monkeypatch)
    commands = []
    for name in outputs:
        command = recorded_command(first / name)
        words = shlex.split(command)
        assert words[0] == "unct-scorer"
        run_in(again, words[1:], monkeypatch)
        for made in sorted(p.name for p in first.iterdir() if p.name == name or p.name.startswith(name + "-")):
            assert (again / made).read_bytes() == (first / made).read_bytes(), f"{made} differs: {command}"
        for extra in again.iterdir():
            if extra.name not in {p.name for p in inputs.iterdir()}:
                extra.unlink()
        commands.append(command)
    return commands


SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    ("reading", "kind"),
    [
        pytest.param(MESSY, ".csv", id="messy-csv"),
        pytest.param(GROUPED, ".json", id="grouped-json"),
        pytest.param(PLAIN, ".md", id="plain-md"),
        pytest.param(PLAIN, ".xlsx", id="plain-xlsx"),
        *(
            pytest.param(reading, kind, id=f"{name}-{kind[1:]}", marks=SLOW)
            for name, reading in (("messy", MESSY), ("grouped", GROUPED), ("plain", PLAIN))
            for kind in (".csv", ".json", ".xlsx", ".md")
            if (name, kind) not in {("messy", ".csv"), ("grouped", ".json"), ("plain", ".md"), ("plain", ".xlsx")}
        ),
    ],
)
def test_rank_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reading: tuple[str, ...], kind: str
) -> None:
    args = ["rank", *reading, "-c", "crit.yaml", "-w", "engagement=0.5", "-o", f"out{kind}"]
    (command,) = regenerate(inputs, tmp_path, monkeypatch, args, [f"out{kind}"])
    assert same_words(command, args)


@pytest.mark.parametrize("reading", [pytest.param(GROUPED, marks=SLOW), PLAIN], ids=["grouped", "plain"])
def test_report_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reading: tuple[str, ...]
) -> None:
    outputs = ["r.html", "r.xlsx", "r.md"]
    args = ["report", *reading, "-c", "crit.yaml", "--top", "10", *(w for o in outputs for w in ("-o", o))]
    commands = regenerate(inputs, tmp_path, monkeypatch, args, outputs)
    defaults = ["--draws", "10000", "--seed", "20210816", "--selection-draws", "100"]
    assert len(set(commands)) == 1 and same_words(commands[0], [*args, *defaults])


@SLOW
def test_report_with_sensitivity_and_selection_records_seed_and_draws(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["report", *MESSY, "--sensitivity", "--draws", "300", "--capacity", "8", "--selection-draws", "20"]
    args += ["-o", "r.md", "-o", "r.html"]
    commands = regenerate(inputs, tmp_path, monkeypatch, args, ["r.md"])
    # defaults that decide sampled numbers are written out
    assert commands == [
        "unct-scorer report data.xlsx --sheet Data --header-row 3 --year 2022 --decimal-comma --capacity 8 "
        "-o r.md -o r.html --sensitivity --draws 300 --seed 20210816 --selection-draws 20"
    ]


@pytest.mark.parametrize(
    ("command", "kind", "extra"),
    [
        ("sensitivity", ".csv", ["--draws", "200"]),
        pytest.param("sensitivity", ".json", ["--draws", "200", "--top", "12"], marks=SLOW),
        ("stability", ".md", ["--top", "12"]),
        pytest.param("stability", ".xlsx", [], marks=SLOW),
        ("select", ".json", ["--capacity", "6", "--min-per", "region:1"]),
        pytest.param("select", ".csv", ["--capacity", "6"], marks=SLOW),
    ],
)
def test_analysis_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, kind: str, extra: list[str]
) -> None:
    args = [command, *GROUPED, "-c", "crit.yaml", *extra, "-o", f"out{kind}"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, [f"out{kind}"])
    for option in ("--sheet", "--header-row", "--decimal-comma", "--year", "--group-by", *extra):
        assert option in shlex.split(recorded)


def test_fitted_criteria_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["fit", *MESSY, "-c", "crit.yaml", "--decisions", "decisions.csv", "-o", "fitted.yaml"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, ["fitted.yaml"])
    assert same_words(recorded, args)


def test_a_quoted_path_survives_the_shell(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    odd = tmp_path / "odd"
    shutil.copytree(inputs, odd)
    (odd / "data.csv").rename(odd / "my data; $(rm -rf x).csv")
    run_in(odd, ["rank", "my data; $(rm -rf x).csv", "-o", "out.json"], monkeypatch)
    command = recorded_command(odd / "out.json")
    assert command == "unct-scorer rank 'my data; $(rm -rf x).csv' -o out.json"
    assert shlex.split(command)[2] == "my data; $(rm -rf x).csv"


def test_the_pages_rank_line_repeats_every_reading_option(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's "Same result on the command line" ranks what the page ranks (142 offices, not 162 countries)."""
    folder = tmp_path / "w"
    shutil.copytree(inputs, folder)
    run_in(folder, ["report", *GROUPED, "-c", "crit.yaml", "-w", "engagement=0.5", "-o", "r.html"], monkeypatch)
    page = (folder / "r.html").read_text(encoding="utf-8")
    line = html.unescape(re.search(r'<code id="cli-equivalent">(.*?)</code>', page, re.S).group(1))  # type: ignore[union-attr]
    assert line == (
        "unct-scorer rank data.xlsx -c crit.yaml --sheet Data --header-row 3 --year 2022 --decimal-comma "
        "--group-by workspace_id -w engagement=0.5 -w representation=0.25 -w government_interest=0.35"
    )
    monkeypatch.chdir(folder)
    res = CliRunner().invoke(main, [*shlex.split(line)[1:], "--format", "json"])
    assert res.exit_code == 0, res.output
    ranked = json.loads(res.stdout)
    data = json.loads(html.unescape(re.search(r'id="report-data">(.*?)</script>', page, re.S).group(1)))  # type: ignore[union-attr]
    assert len(ranked) == len(data["countries"]) == 142
    assert [str(r["id"]) for r in ranked] == [c["id"] for c in data["countries"]]


def test_charts_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["sweep", "engagement", *GROUPED, "-c", "crit.yaml", "--steps", "5", "--plot", "sweep.svg"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, ["sweep.svg"])
    assert same_words(recorded, args)


@pytest.mark.parametrize(
    "kind",
    [".csv", ".md", pytest.param(".json", marks=SLOW), pytest.param(".xlsx", marks=SLOW)],
)
def test_uncertainty_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    args = ["uncertainty", *GROUPED, "-c", "crit.yaml", "--samples", "16", "--bootstrap", "5", "-o", f"u{kind}"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, [f"u{kind}"])
    assert same_words(recorded, [*args, "--seed", "20210816"])


@pytest.mark.parametrize(
    "kind",
    [".yaml", ".json", pytest.param(".csv", marks=SLOW), pytest.param(".md", marks=SLOW), ".xlsx"],
)
def test_weights_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    args = ["weights", "judgements.xlsx", "-c", "crit.yaml", "--data", *MESSY, "--method", "swing"]
    args += ["--hull-draws", "50", "-o", f"w{kind}"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, [f"w{kind}"])
    assert same_words(recorded, [*args, "--seed", "20210816"])


@pytest.mark.parametrize("kind", [".csv", ".json"])
def test_evidence_outputs_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    args = ["evidence", "docs", "-c", "crit.yaml", "-o", f"e{kind}"]
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, [f"e{kind}"])
    assert same_words(recorded, args)


@pytest.mark.parametrize(
    "args",
    [
        ["template", "-c", "crit.yaml", "-o", "t.xlsx"],
        ["template", "-c", "crit.yaml", "--evidence", "ev.csv", "-o", "t.xlsx"],
        ["template", "--judgements", "-c", "crit.yaml", "--stakeholder", "Ana", "-o", "t.xlsx"],
    ],
    ids=["data-entry", "with-evidence", "judgements"],
)
def test_templates_record_the_command_that_rewrites_them(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    (recorded,) = regenerate(inputs, tmp_path, monkeypatch, args, ["t.xlsx"])
    assert same_words(recorded, args)


@SLOW
def test_a_report_with_every_section_records_the_command_that_rewrites_it(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = ["r.html", "r.xlsx", "r.md"]
    args = ["report", *MESSY, "-c", "crit.yaml", "--sensitivity", "--draws", "200", "--capacity", "8"]
    args += ["--uncertainty", "--samples", "16", "--bootstrap", "5", "--stakeholders", "judgements.xlsx"]
    args += ["--judgement-method", "swing"]
    args += ["--evidence", "ev.csv", *(w for o in outputs for w in ("-o", o))]
    commands = regenerate(inputs, tmp_path, monkeypatch, args, outputs)
    assert len(set(commands)) == 1
    assert same_words(commands[0], [*args, "--seed", "20210816", "--selection-draws", "100"])


SLOW_CLOCK = """
import itertools, sys, time
ticks = itertools.count(0.0, 1000.0)  # every reading of the clock 1,000 s after the last
time.monotonic = time.perf_counter = lambda: next(ticks)  # before scorer loads: a default clock=time.monotonic too
from scorer.cli import main
sys.exit(main(sys.argv[1:], prog_name="unct-scorer"))
"""


def test_a_slow_clock_changes_no_byte_of_any_report_kind(inputs: Path, tmp_path: Path) -> None:
    """No content depends on timing (issue 10, defect 3: the selection's robustness had a 10-second budget, read
    from a clock bound when the module loaded: the slow clock is in place before scorer is imported)."""
    outputs = ["r.html", "r.xlsx", "r.md"]
    args = ["report", *PLAIN, "-c", "crit.yaml", "--capacity", "8", "--min-per", "region:1", "--sensitivity"]
    args += ["--draws", "200", "--selection-draws", "20", *(w for o in outputs for w in ("-o", o))]
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    for folder in (fast, slow):
        shutil.copytree(inputs, folder)
    env = {**os.environ, **EPOCH}
    for folder, code in ((fast, "from scorer.cli import main; main()"), (slow, SLOW_CLOCK)):
        run = subprocess.run([sys.executable, "-c", code, *args], cwd=folder, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    for name in outputs:
        assert (slow / name).read_bytes() == (fast / name).read_bytes(), name
    markdown = (fast / "r.md").read_text(encoding="utf-8")
    assert "### Robustness: share of plausible weightings selecting each country" in markdown


@SLOW
def test_the_reports_analyses_under_w_are_the_commands_under_w(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`report -w ... --sensitivity --uncertainty` prints what `sensitivity -w ...` and `uncertainty -w ...` print."""
    folder = tmp_path / "w"
    shutil.copytree(inputs, folder)
    weight = ["-w", "engagement=0.9"]
    run_in(
        folder,
        [
            "report",
            *PLAIN,
            *weight,
            "--sensitivity",
            "--draws",
            "300",
            "--uncertainty",
            "--samples",
            "32",
            "--bootstrap",
            "0",
            "-o",
            "r.xlsx",
        ],
        monkeypatch,
    )
    run_in(folder, ["sensitivity", *PLAIN, *weight, "--draws", "300", "-o", "s.xlsx"], monkeypatch)
    run_in(folder, ["uncertainty", *PLAIN, *weight, "--samples", "32", "--bootstrap", "0", "-o", "u.json"], monkeypatch)
    run_in(folder, ["uncertainty", *PLAIN, "--samples", "32", "--bootstrap", "0", "-o", "plain.json"], monkeypatch)
    report = {row["id"]: row for row in planner_records(folder / "r.xlsx", "Sensitivity")}
    alone = {row["id"]: row for row in planner_records(folder / "s.xlsx", "Summary")}
    assert report == alone
    columns = ["rank", "p_top_k", "median_rank", "rank_p05", "rank_p95"]
    section = {r["id"]: [r[c] for c in columns] for r in planner_records(folder / "r.xlsx", "Uncertainty countries")}
    for name, same in (("u.json", True), ("plain.json", False)):
        countries = json.loads((folder / name).read_text(encoding="utf-8"))["countries"]
        printed = {r["id"]: [r[c] for c in columns] for r in countries}
        assert (printed == section) is same, name
