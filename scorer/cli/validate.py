"""``unct-scorer validate``: check a criteria file and a spreadsheet together (:mod:`scorer.prepare.validation`)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scorer.cli.common import announce_inputs, note, note_written, render_table, resolve_inputs
from scorer.cli.options import OUTPUT_PATH, example, input_options, reading_options
from scorer.io.outputs import frame_to_csv
from scorer.prepare.validation import Validation, problem_table, validate_files

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
@click.option(
    "--fix",
    "fix_output",
    type=OUTPUT_PATH,
    metavar="FILE",
    default=None,
    help="Write a corrected copy of SPREADSHEET to FILE (same kind: .csv or .xlsx; never the input) with the "
    "fixes that leave no doubt (level case and typos with one close candidate, yes/no spellings, spaces, "
    "thousands separators, decimal commas), and list each change and each problem left.",
)
@click.option("--force", is_flag=True, help="Replace the --fix FILE if it exists.")
@example(
    """
unct-scorer validate countries.xlsx -c criteria/default.yaml
unct-scorer validate --format json my.csv
unct-scorer validate my.xlsx --fix my-fixed.xlsx
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    fmt: str,
    fix_output: Path | None,
    force: bool,
) -> None:
    """Check SPREADSHEET and the criteria file and list every problem.

    Prints one table on stdout (file, row, country, column, value, problem,
    suggested fix), sorted by file, row and column, with every problem of
    both files; ``--format csv`` and ``--format json`` print the same rows
    with the same fix text. A mistyped level or yes/no gets "did you mean";
    a number typed with a decimal comma gets the flag that reads it.

    Exit 0 when both are fine, 1 when there is any problem.
    """
    data_path, crit_path = resolve_inputs(spreadsheet, criteria_path)
    found = validate_files(data_path, crit_path, sheet=sheet, fixes=fix_output is not None, **reading_options())
    announce_inputs()
    for text in found.warnings:
        note(f"Warning: {text}")
    if fix_output is not None:
        _write_fixed(found, data_path, fix_output, fmt=fmt, force=force)
        return
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


def _write_fixed(found: Validation, data_path: Path, output: Path, *, fmt: str, force: bool) -> None:
    """``--fix``: write the corrected copy, then list each change and each problem left (exit 1 if any is)."""
    from scorer.cli.reproduce import reproduce_command
    from scorer.io.fixes import write_fixed_copy

    command = reproduce_command()
    made = (
        write_fixed_copy(
            data_path,
            output,
            found.fixes,
            header_row=found.header_row,
            sheet=found.sheet,
            force=force,
            command=command,
        )
        if found.fixes
        else []
    )
    left = found.remaining(made)
    table = found.fix_table(made)
    if fmt == "json":
        click.echo(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(frame_to_csv(table), nl=False)
    elif len(table):
        click.echo(render_table(table, max_width=10_000))
    if made:
        note_written(f"Wrote {output}: {len(made)} change(s); {len(left)} problem(s) left to correct by hand")
    else:
        note(f"Nothing to fix with certainty: {output} was not written; {len(left)} problem(s) to correct by hand")
    if left:
        click.get_current_context().exit(1)  # click's Exit keeps the copy (a SystemExit would roll it back)
