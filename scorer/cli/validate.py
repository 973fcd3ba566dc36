"""``unct-scorer validate``: check a criteria file and a spreadsheet together."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scorer.cli.common import example, input_options, resolve_inputs
from scorer.errors import Problem, ScorerError
from scorer.io.criteria_file import load_criteria
from scorer.io.spreadsheet import read_countries
from scorer.pipeline import score_countries


@click.command("validate")
@input_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: one line per problem; json: a list of problem records.")
@example(
    """
unct-scorer validate countries.xlsx -c criteria/default.yaml
unct-scorer validate --format json my.csv
"""
)
def command(spreadsheet: Path | None, criteria_path: Path | None, sheet: str | None, fmt: str) -> None:
    """Check SPREADSHEET and the criteria file and list every problem.

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
        df = read_countries(data_path, sheet=sheet)
    except ScorerError as exc:
        problems += exc.problems
    ranked = 0
    if criteria is not None and df is not None:
        try:
            ranked = len(score_countries(df, criteria).table)
        except ScorerError as exc:
            problems += exc.problems
    if fmt == "json":
        click.echo(json.dumps([p.to_dict() for p in problems], ensure_ascii=False, indent=2))
    elif problems:
        click.echo(f"{len(problems)} problem(s) found:", err=True)
        for p in problems:
            click.echo(f"Error: {p.format()}", err=True)
    else:
        click.echo(f"OK: {data_path.name} and {crit_path.name} are valid; {ranked} countries can be ranked.")
    if problems:
        raise SystemExit(1)
