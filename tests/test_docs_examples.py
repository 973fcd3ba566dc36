"""Every `unct-scorer` example of README.md and docs/ runs as written.

A fenced ``sh`` or ``console`` block whose first command (after any ``cd``)
starts with ``unct-scorer`` is run, command by command, in process with click's
``CliRunner``, in a folder laid out like a clone of the repository (a copy of
``criteria/``) plus the reader's own files the guides name (``past.csv``,
``my-countries.csv``, ``typed.csv``, ``cf_documents/``; made here, see :func:`reader_folder`).
The blocks of one page run in order in one folder, so a file written by one
block is there for the next; each block starts in the folder's top (a ``cd``
inside a block holds to the block's end). A comment line in a block saying to
fill in a workbook is done here, as a person would (:data:`FILLERS`).

An HTML comment on the line above a block changes how it is run:

- ``<!-- exit: 1 -->``: every command of the block should exit with that code;
- ``<!-- slow -->``: run only in the slow run (``pytest -m slow``);
- ``<!-- no-test: why -->``: not run; the reason is required (e.g. shell start-up lines).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import shlex
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*(no-test|slow|exit)\s*:?\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    """One fenced shell block: where it is, its command lines and its markers."""

    page: Path
    line: int
    language: str
    lines: list[str]
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def commands(self) -> list[str]:
        """The command lines (comments and console output left out, continuations joined)."""
        out: list[str] = []
        pending = ""
        for raw in self.lines:
            text = raw.rstrip()
            if self.language == "console":
                if not (text.startswith("$ ") or pending):
                    continue
                text = text.removeprefix("$ ")
            if not pending and (not text.strip() or text.lstrip().startswith("#")):
                out.append(text.strip())  # comments stay: a fill step is written as one
                continue
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            out.append(pending + text)
            pending = ""
        return [c for c in out if c]

    @property
    def runnable(self) -> bool:
        if self.language not in ("sh", "console"):
            return False
        first = next((c for c in self.commands() if not c.startswith(("#", "cd "))), "")
        return first.startswith("unct-scorer")


def blocks(page: Path) -> list[Block]:
    """The fenced blocks of ``page``, with the markers written just above each."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        markers = {}
        above = lines[i - 1] if i else ""
        if match := MARKER.match(above):
            markers[match.group(1)] = match.group(2)
        found.append(Block(page, i + 1, opening.group(1), lines[i + 1 : end], markers))
        i = end + 1
    return found


def fill_countries(path: Path) -> None:
    """Type a level into every blank ordinal column of an ``init`` workbook, as a person would.

    The levels come from the project's criteria file; rows cycle through them so
    every level is used. These are test values, not data about any country.
    """
    from openpyxl import load_workbook

    from scorer import load_criteria

    criteria = load_criteria(path.parent / "criteria.yaml")
    levels = {
        ind.column: list(ind.levels)
        for _c, _i, ind in criteria.indicator_items()
        if ind.normalisation.value == "ordinal" and ind.levels
    }
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value in levels}
    assert header, f"{path.name}: no level column to fill among {sorted(levels)}"
    for column, col in header.items():
        cells = [sheet.cell(row=r, column=col) for r in range(2, sheet.max_row + 1)]
        if all(c.value in (None, "") for c in cells):
            for k, c in enumerate(cells):
                c.value = levels[column][k % len(levels[column])]
    book.save(path)


def fill_judgements(path: Path) -> None:
    """Type pairwise judgements and swing points into every stakeholder sheet (test values, differing by sheet)."""
    from elicitation_helpers import fill_sheet
    from openpyxl import load_workbook

    book = load_workbook(path)
    people = [name for name in book.sheetnames if name not in ("How to fill", "Scale")]
    first = book[people[0]]
    header = [first.cell(row=4, column=c).value for c in range(2, first.max_column + 1)]
    ids = [str(v) for v in header if v]
    for k, name in enumerate(people):
        pairs = enumerate(itertools.pairwise(ids))
        pairwise = {(a, b): ("3", "1/2", "2", "1/3")[(i + k) % 4] for i, (a, b) in pairs}
        swing = {cid: 100 if i == k % len(ids) else 50 for i, cid in enumerate(ids)}
        fill_sheet(path, name, ids, pairwise=pairwise, swing=swing)


FILLERS: dict[str, Callable[[Path], None]] = {"countries.xlsx": fill_countries, "judgements.xlsx": fill_judgements}
"""Workbooks a block's comment tells the reader to fill in, and how this test fills them."""


def reader_folder(top: Path) -> Path:
    """A folder laid out like a clone, with the reader's own files the guides use."""
    shutil.copytree(ROOT / "criteria", top / "criteria")
    from scorer import demo_result

    table = demo_result().table
    ids = list(table.index)
    # past decisions (test values): the current top 10 were joined, the next 20 not
    decisions = ["country,decision"] + [f"{i},join" for i in ids[:10]] + [f"{i},not join" for i in ids[10:30]]
    (top / "past.csv").write_text("\n".join(decisions) + "\n", encoding="utf-8")
    # the demo plus a cost column (test values: 2 to 10 staff-days a year)
    from scorer.resources import demo_spreadsheet_path

    demo = demo_spreadsheet_path().read_text(encoding="utf-8").splitlines()
    rows = [demo[0] + ",staff_days"] + [f"{row},{2 + k % 9}" for k, row in enumerate(demo[1:])]
    (top / "my-countries.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    # the demo with three typing slips in wipo_engagement (test values), for validate --fix
    table = list(csv.reader(io.StringIO("\n".join(demo) + "\n")))
    column = table[0].index("wipo_engagement")
    for row, slip in zip(table[1:4], ("hihg", "Medium", " low "), strict=True):
        row[column] = slip
    with (top / "typed.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(table)
    docs = top / "cf_documents"
    docs.mkdir()
    (docs / "Nigeria_cooperation_framework_2023.txt").write_text(
        "Test document for the unct-scorer docs examples, not a real Cooperation Framework.\n\n"
        "Outcome 2: The Government requests support to strengthen the intellectual property system, "
        "with WIPO, to promote innovation.\n",
        encoding="utf-8",
    )
    return top


def run_command(runner: CliRunner, command: str, *, where: str, expected: int) -> float:
    """Run one ``unct-scorer ...`` line in process; its exit code should be ``expected``. Returns seconds."""
    args = shlex.split(command, comments=True)
    assert args[0] == "unct-scorer", f"{where}: a runnable block holds only unct-scorer and cd lines: {command!r}"
    start = time.perf_counter()
    result = runner.invoke(main, args[1:], prog_name="unct-scorer")
    took = time.perf_counter() - start
    assert result.exit_code == expected, (
        f"{where}: `{command}` exited {result.exit_code}, expected {expected}\n{result.output}"
        + (f"\n{result.exception!r}" if result.exit_code not in (0, 1, 2) else "")
    )
    return took


def run_block(
    block: Block, top: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, *, fill: bool = True
) -> Iterator[tuple[str, float]]:
    """Run ``block`` from ``top``: yields (command, seconds) for every command."""
    monkeypatch.chdir(top)
    expected = int(block.markers.get("exit", "0") or 0)
    for command in block.commands():
        if command.startswith("#"):
            names = [name for name in FILLERS if name in command]
            if fill and "fill" in command and names:
                FILLERS[names[0]](Path.cwd() / names[0])
            continue
        if command.startswith("cd "):
            monkeypatch.chdir(Path.cwd() / shlex.split(command)[1])
            continue
        yield command, run_command(runner, command, where=block.where, expected=expected)


def _runnable(page: Path) -> list[Block]:
    return [b for b in blocks(page) if b.runnable and "no-test" not in b.markers]


def _page_ids() -> list[str]:
    return [str(p.relative_to(ROOT)) for p in PAGES]


def run_page(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, slow: bool) -> int:
    """Run the runnable blocks of ``page`` in one reader folder; the number of commands run."""
    top = reader_folder(tmp_path)
    runner = CliRunner()
    ran = 0
    for block in _runnable(page):
        if "slow" in block.markers and not slow:
            continue
        ran += sum(1 for _ in run_block(block, top, runner, monkeypatch))
    return ran


@pytest.mark.parametrize("page", PAGES, ids=_page_ids())
def test_examples_run_as_written(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_page(page, tmp_path, monkeypatch, slow=False)


@pytest.mark.slow
@pytest.mark.parametrize(
    "page", [p for p in PAGES if any("slow" in b.markers for b in _runnable(p))], ids=lambda p: str(p.relative_to(ROOT))
)
def test_slow_examples_run_as_written(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_page(page, tmp_path, monkeypatch, slow=True) > 0


def test_skipped_blocks_say_why() -> None:
    for page in PAGES:
        for block in blocks(page):
            if "no-test" in block.markers:
                assert block.markers["no-test"], f"{block.where}: <!-- no-test: ... --> should say why"


def test_the_readme_leads() -> None:
    """The README fits on a few screens and its examples are really run."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Set-up: two commands", "## Your own data in five steps", "## A short tour"]
    commands = [c for b in _runnable(ROOT / "README.md") for c in b.commands() if c.startswith("unct-scorer")]
    for verb in ("init", "validate", "rank", "report", "explain", "sensitivity", "stability", "select"):
        assert any(c.split()[1] == verb for c in commands), verb


def test_five_steps_reach_a_report_on_a_filled_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README's five steps, with the workbook filled in between: a report on the user's own values."""
    readme = _runnable(ROOT / "README.md")
    block = next(b for b in readme if any(c.startswith("unct-scorer init") for c in b.commands()))
    top = reader_folder(tmp_path)
    runner = CliRunner()
    start = time.perf_counter()
    ran = [command for command, _ in run_block(block, top, runner, monkeypatch)]
    took = time.perf_counter() - start
    assert [c.split()[1] for c in ran] == ["init", "validate", "rank", "report"]
    assert (top / "my-ranking" / "report.html").stat().st_size > 0
    ranking = runner.invoke(main, ["rank", "--format", "csv"], prog_name="unct-scorer")
    assert ranking.exit_code == 0 and "Project unct-scorer.toml" in ranking.stderr
    assert "blank for every eligible country" not in ranking.stderr  # the filled columns are used
    rows = list(csv.DictReader(io.StringIO(ranking.stdout)))
    assert len(rows) == 162 and len({r["government_interest"] for r in rows}) == 4  # one per level typed
    print(f"init to report: {took:.2f} s")
    assert took < 60


def _python_blocks() -> list[Block]:
    return [b for page in PAGES for b in blocks(page) if b.language == "python" and "no-test" not in b.markers]


@pytest.mark.parametrize("block", _python_blocks(), ids=lambda b: b.where)
def test_python_examples_run(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Python block of the docs runs from the top of a clone."""
    monkeypatch.chdir(ROOT)
    exec(compile("\n".join(block.lines), block.where, "exec"), {})


def _yaml_blocks() -> list[Block]:
    return [b for page in PAGES for b in blocks(page) if b.language == "yaml" and "no-test" not in b.markers]


@pytest.mark.parametrize("block", _yaml_blocks(), ids=lambda b: b.where)
def test_yaml_examples_are_valid_criteria(block: Block) -> None:
    """A criteria-file example is valid: a whole file as it is, a criterion or a section inside the default file."""
    from scorer.io.criteria_file import parse_criteria_text
    from scorer.resources import default_criteria_path

    text = "\n".join(block.lines) + "\n"
    default = default_criteria_path().read_text(encoding="utf-8")
    if text.startswith("version:") or text.startswith("# yaml-language-server"):
        whole = text  # a whole criteria file
    elif text.startswith("  "):  # a criterion, to go under criteria:
        at = default.index("\ncriteria:\n") + len("\ncriteria:\n")
        whole = default[:at] + text + default[at:]
    else:  # a top-level section
        whole = default.rstrip("\n") + "\n" + text
    criteria = parse_criteria_text(whole)
    assert criteria.criteria


def test_project_file_example_is_what_init_writes(tmp_path: Path) -> None:
    block = next(b for b in blocks(ROOT / "docs" / "how-to" / "own-data.md") if b.language == "toml")
    assert CliRunner().invoke(main, ["init", str(tmp_path / "p")]).exit_code == 0
    written = (tmp_path / "p" / "unct-scorer.toml").read_text(encoding="utf-8").splitlines()
    assert [line for line in written if line and not line.startswith("#")] == block.lines


def test_every_command_has_a_tested_example() -> None:
    from scorer.cli import COMMANDS

    used = {c.split()[1] for p in PAGES for b in _runnable(p) for c in b.commands() if c.startswith("unct-scorer ")}
    assert set(COMMANDS) <= used, f"commands with no example in README.md or docs/: {sorted(set(COMMANDS) - used)}"
