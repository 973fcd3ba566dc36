"""``unct-scorer validate``: check a criteria file and a spreadsheet together."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from scorer.cli.common import example, input_options, note, read_sheet, render_table, resolve_inputs
from scorer.errors import Problem, ScorerError
from scorer.io.criteria_file import load_criteria
from scorer.io.outputs import frame_to_csv
from scorer.pipeline import score_countries


def problem_table(problems: list[Problem]) -> pd.DataFrame:
    """One row per problem: file, row, column, value, problem, suggested fix.

    >>> problem_table([Problem("data.x", "should be a number, but it is 'ten'", file="s.csv", row=3,
    ...                        column="rate", value="ten")]).iloc[0].tolist()
    ['s.csv', '3', 'rate', 'ten', "should be a number, but it is 'ten'", '']
    """
    rows = []
    for p in problems:
        where = f"{p.file}:{p.line}" if p.file and p.line else (p.file or "")
        column = p.column if p.column is not None else (p.key or "")
        rows.append(
            {
                "file": where,
                "row": "" if p.row is None else str(p.row),
                "column": column,
                "value": "" if p.value is None else p.value,
                "problem": p.message,
                "suggested fix": p.fix or _default_fix(p),
            }
        )
    return pd.DataFrame(rows, columns=["file", "row", "column", "value", "problem", "suggested fix"], dtype=object)


_FIXES = {
    "data.duplicate_id": "keep one row per country",
    "data.blank_id": "type the country's name or ISO3 code",
    "data.country_unknown": "type the ISO3 code or the name as the UN writes it",
    "data.country_ambiguous": "type the ISO3 code or the full name",
    "data.missing_column": "add the column or fix the criteria file",
    "data.header": "give every column a unique name",
}


def _default_fix(problem: Problem) -> str:
    if problem.code in _FIXES:
        return _FIXES[problem.code]
    if problem.code == "data.invalid_cell":
        return "correct the cell, or leave it blank if unknown"
    return ""


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

    Prints one table (file, row, column, value, problem, suggested fix) with
    every problem of both files; ``--format json`` prints the same records.

    Exit 0 when both are fine, 1 when there is any problem.
    """
    data_path, crit_path = resolve_inputs(spreadsheet, criteria_path)
    problems: list[Problem] = []
    criteria = df = None
    try:
        criteria = load_criteria(crit_path)
    except ScorerError as exc:
        problems += exc.problems
    try:
        df = read_sheet(data_path, sheet, criteria)
    except ScorerError as exc:
        problems += exc.problems
    result = None
    if criteria is not None and df is not None:
        try:
            result = score_countries(df, criteria)
        except ScorerError as exc:
            problems += exc.problems
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(frame_to_csv(problem_table(problems)), nl=False)
    elif problems:
        click.echo(f"{len(problems)} problem(s) found:", err=True)
        click.echo(render_table(problem_table(problems), max_width=10_000), err=True)
    elif result is not None:
        units = "offices" if result.offices is not None else "countries"
        for text in result.notes:
            note(f"Note: {text}")
        click.echo(f"OK: {data_path.name} and {crit_path.name} are valid; {len(result.table)} {units} can be ranked.")
    if problems:
        raise SystemExit(1)
