"""``unct-scorer validate``: check a criteria file and a spreadsheet together (renders :mod:`scorer.validation`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scorer.cli.common import (
    announce_inputs,
    example,
    input_options,
    note,
    reading_options,
    render_table,
    resolve_inputs,
)
from scorer.io.outputs import frame_to_csv
from scorer.validation import problem_table, validate_files

__all__ = ["command", "problem_table"]


@click.command("validate")
@input_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: one line per problem; csv: the same table as CSV; json: a list of problem records.",
)
@example(
    """
unct-scorer validate countries.xlsx -c criteria/default.yaml
unct-scorer validate --format json my.csv
"""
)
def command(spreadsheet: Path | None, criteria_path: Path | None, sheet: str | None, fmt: str) -> None:
    """Check SPREADSHEET and the criteria file and list every problem.

    Prints one table on stdout (file, row, country, column, value, problem,
    suggested fix), sorted by file, row and column, with every problem of
    both files; ``--format csv`` and ``--format json`` print the same rows
    with the same fix text. A mistyped level or yes/no gets "did you mean";
    a number typed with a decimal comma gets the flag that reads it.

    Exit 0 when both are fine, 1 when there is any problem.
    """
    data_path, crit_path = resolve_inputs(spreadsheet, criteria_path)
    found = validate_files(data_path, crit_path, sheet=sheet, **reading_options())
    announce_inputs()
    if fmt == "json":
        click.echo(json.dumps(found.records(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(frame_to_csv(found.table()), nl=False)
    elif found.problems:
        click.echo(f"{len(found.problems)} problem(s) found:", err=True)
        click.echo(render_table(found.table(), max_width=10_000))
    elif found.result is not None:
        for text in found.result.notes:
            note(f"Note: {text}")
        for line in found.lines():
            click.echo(line)
    if found.problems:
        raise SystemExit(1)
