"""``unct-scorer init``: a starter folder with a criteria file, a workbook and a how-to."""

from __future__ import annotations

from pathlib import Path

import click

from scorer import __version__
from scorer.cli.common import is_verbose, note_written
from scorer.cli.options import criteria_option, example
from scorer.cli.template import describe_columns, make_plan, save_workbook
from scorer.errors import ConfigError, OutputError, Problem
from scorer.io.criteria_file import load_criteria, parse_criteria_text
from scorer.io.outputs import make_dir, output_transaction, write_text
from scorer.io.project import PROJECT_FILE, project_text
from scorer.resources import default_criteria_path
from scorer.starter.data_entry import DATA_SHEET, quote_arg
from scorer.starter.text import howto_markdown, starter_criteria_text

CRITERIA_FILE = "criteria.yaml"
WORKBOOK_FILE = "countries.xlsx"
HOWTO_FILE = "HOW-TO.md"


def starter_paths(directory: Path) -> dict[str, Path]:
    """The four files ``init`` writes, by name."""
    return {name: directory / name for name in (CRITERIA_FILE, WORKBOOK_FILE, HOWTO_FILE, PROJECT_FILE)}


def refuse_existing(directory: Path) -> None:
    """Stop before writing anything if the folder, or a folder above it, is a file, or any starter file exists."""
    probe = directory
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        message = (
            "should be a folder (or a new name), but it is a file"
            if probe == directory
            else f"should be a folder (or a new name), but {str(probe)!r} above it is a file"
        )
        raise OutputError(Problem("output.folder", message, file=str(directory)))
    taken = [p for p in starter_paths(directory).values() if p.exists()]
    if taken:
        raise OutputError(
            [
                Problem(
                    "output.exists",
                    "already exists; init never replaces files: choose a new folder "
                    "(unct-scorer init NEW-FOLDER) or move the file away",
                    file=str(p),
                )
                for p in taken
            ]
        )


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=True, path_type=Path))
@criteria_option("Criteria file to start from (default: the bundled criteria/default.yaml).")
@example(
    """
unct-scorer init my-ranking
cd my-ranking
unct-scorer validate
unct-scorer rank
unct-scorer report -o report.html
"""
)
def command(directory: Path, criteria_path: Path | None) -> None:
    """Create a starter folder DIRECTORY (default: the current folder).

    It holds criteria.yaml (the criteria, every key explained in its opening
    comments), countries.xlsx (the data-entry workbook: fill in its yellow
    columns), HOW-TO.md (what to do next) and unct-scorer.toml (the project
    file: every command run in this folder, or below it, uses the criteria
    file and workbook it names unless the command line names others).
    DIRECTORY is created if needed; an existing file is never replaced.
    """
    refuse_existing(directory)
    source = criteria_path or default_criteria_path()
    criteria = load_criteria(source)
    text = starter_criteria_text(source.read_text(encoding="utf-8-sig"), version=__version__)
    paths = starter_paths(directory)
    if parse_criteria_text(text, file=str(paths[CRITERIA_FILE])) != criteria:
        raise ConfigError(
            Problem(
                "config.starter",
                "the starter criteria text should read back as the source, but it does not",
                file=str(source),
            )
        )
    plan = make_plan(source, Path(WORKBOOK_FILE), criteria_file=CRITERIA_FILE)
    with output_transaction():  # the folder and its three files appear together, or not at all
        make_dir(directory)
        write_text(paths[CRITERIA_FILE], text, force=False)
        save_workbook(plan, paths[WORKBOOK_FILE], force=False)
        write_text(paths[HOWTO_FILE], howto_markdown(plan), force=False)
        write_text(paths[PROJECT_FILE], project_text(CRITERIA_FILE, WORKBOOK_FILE, DATA_SHEET), force=False)
    where = "" if directory == Path(".") else f" in {directory}"
    note_written(f"Created{where}:")
    note_written(f"  {CRITERIA_FILE}   the criteria: weights, levels, tiers (its opening comments explain every key)")
    note_written(f"  {WORKBOOK_FILE}  the data-entry workbook: fill in the yellow columns in Excel")
    note_written(f"  {HOWTO_FILE}       what to do next")
    note_written(f"  {PROJECT_FILE} the project: commands run in this folder use the two files above")
    if is_verbose():
        for line in describe_columns(plan):
            note_written(line)
    note_written("Next:")
    if directory != Path("."):
        note_written(f"  cd {quote_arg(str(directory))}")
    fill = [c.name for c in plan.to_fill]
    if fill:
        note_written(f"  open {WORKBOOK_FILE} in Excel and fill in the yellow columns: {', '.join(fill)}")
    note_written(f"  {plan.validate_command}")
    note_written(f"  {plan.rank_command}")
    note_written(f"  {plan.report_command}")
