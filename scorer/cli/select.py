"""``unct-scorer select``: the best set of UNCTs under capacity, budget and group counts."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from scorer.cli.common import (
    echo_frame,
    example,
    format_option,
    input_options,
    load_inputs,
    note,
    output_kind,
    parse_weights,
    render_table,
    weights_option,
)
from scorer.io.outputs import to_json
from scorer.io.selection_results import write_selection
from scorer.pipeline import score_countries
from scorer.selection_config import (
    SelectionOverrides,
    parse_group_count,
    robust_shares,
    robust_table,
    select_from_result,
    selection_table,
    selection_to_dict,
    summary_lines,
)


def _codes(items: tuple[str, ...]) -> tuple[str, ...] | None:
    """Repeated and comma-separated ISO3 codes; None when the option was not given."""
    if not items:
        return None
    return tuple(c.strip() for item in items for c in item.split(",") if c.strip())


@click.command("select")
@input_options
@weights_option
@click.option("--capacity", type=click.IntRange(min=0), default=None, help="At most N UNCTs (para. 16).")
@click.option("--budget", type=click.FloatRange(min=0, min_open=True), default=None, help="At most this total cost.")
@click.option("--cost-column", default=None, help="Spreadsheet column with each UNCT's cost (for --budget).")
@click.option("--default-cost", type=click.FloatRange(min=0), default=None, help="Cost where the column is blank.")
@click.option(
    "--min-per",
    multiple=True,
    metavar="COLUMN[=VALUE]:N",
    help="At least N UNCTs with COLUMN=VALUE; COLUMN:N means in every value (region:3). Repeatable.",
)
@click.option("--max-per", multiple=True, metavar="COLUMN[=VALUE]:N", help="At most N UNCTs per group. Repeatable.")
@click.option("--include", multiple=True, metavar="ISO3", help="Always choose these (repeat or comma-separate).")
@click.option("--exclude", multiple=True, metavar="ISO3", help="Never choose these (repeat or comma-separate).")
@click.option(
    "--robust", is_flag=True, help="Also report each country's share of plausible weightings in the optimal set."
)
@click.option("--draws", type=click.IntRange(min=1, max=1000), default=100, show_default=True, help="With --robust.")
@click.option("--seed", type=int, default=1, show_default=True, help="With --robust: random seed.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the selection; format by extension: .csv .xlsx .json .md",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@format_option
@example(
    """
unct-scorer select --capacity 25 --min-per region:3
unct-scorer select -c criteria/cost_aware.yaml --capacity 20 --include DZA --exclude FRA
unct-scorer select --budget 120 --cost-column staff_days --default-cost 6 -o selection.xlsx
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    capacity: int | None,
    budget: float | None,
    cost_column: str | None,
    default_cost: float | None,
    min_per: tuple[str, ...],
    max_per: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    robust: bool,
    draws: int,
    seed: int,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Choose which UNCTs to join: the highest total score within capacity.

    Solves a 0-1 integer program exactly (SciPy milp, HiGHS) under the
    criteria file's `selection:` section; options override its keys (a list
    option replaces the file's list). Prints the chosen set, the constraints
    that bind, the best country left out and what it would take to bring it
    in, and the price of balance: the score given up to the group counts and
    forced countries, against the best set under capacity and budget alone.
    An infeasible request names the constraints that conflict.
    """
    if output is not None:
        output_kind(output)
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    overrides = SelectionOverrides(
        capacity=capacity,
        budget=budget,
        cost_column=cost_column,
        default_cost=default_cost,
        min_per=tuple(parse_group_count(t, option="--min-per") for t in min_per) or None,
        max_per=tuple(parse_group_count(t, option="--max-per") for t in max_per) or None,
        include=_codes(include),
        exclude=_codes(exclude),
    )
    selection = overrides.apply(criteria.selection)
    result = score_countries(df, criteria, weights=parse_weights(weights))
    solved, spec, groups = select_from_result(result, selection, df)
    shares = robust_shares(result, spec, groups, draws=draws, seed=seed) if robust else None
    table = selection_table(solved, result)
    data = selection_to_dict(solved, result, spec, robust=shares)
    summary = summary_lines(solved, spec)
    robust_frame = robust_table(shares, result, list(solved.chosen.index)) if shares is not None else None

    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    if output is not None:
        write_selection(
            output,
            table=table,
            data=data,
            summary=summary,
            robust=robust_frame,
            force=force,
            inputs={"spreadsheet": data_path, "criteria": crit_path},
            argv=sys.argv[1:],
        )
        note(f"Wrote {output}")
    if fmt == "json":
        click.echo(to_json(data), nl=False)
        return
    if fmt == "csv":
        echo_frame(table, fmt)
        return
    note(f"Criteria: {criteria.name} ({crit_path.name}); data: {data_path.name}; {len(result.table)} eligible")
    if data["constraints"]:
        note("Constraints: " + "; ".join(data["constraints"]))
    note(f"Solved exactly (HiGHS) in {solved.solve_seconds:.3f} s")
    shown = table.drop(columns=["cost", "cost_defaulted"]) if spec.cost_column is None else table
    click.echo(render_table(shown))
    click.echo("")
    for line in summary:
        click.echo(line)
    if robust_frame is not None:
        click.echo("")
        click.echo(f"Robustness: share of {draws} plausible weightings (seed {seed}) with each country chosen")
        click.echo(render_table(robust_frame, digits=2))
