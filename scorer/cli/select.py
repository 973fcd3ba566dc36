"""``unct-scorer select``: the best set of UNCTs under capacity, budget and group counts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from scorer.cli.common import (
    echo_frame,
    fill_from_evidence,
    is_verbose,
    load_inputs,
    note,
    note_written,
    output_kind,
    parse_weights,
    render_table,
)
from scorer.cli.options import (
    F,
    FiniteFloatRange,
    evidence_option,
    example,
    format_option,
    input_options,
    output_options,
    seed_option,
    weights_option,
)
from scorer.errors import ConfigError, Problem
from scorer.io.outputs import to_json
from scorer.io.selection_results import write_selection
from scorer.model.criteria import Selection
from scorer.pipeline import score_countries
from scorer.selection.config import ROBUST_DRAWS, SelectionOverrides, parse_group_count, select_from_result


def _codes(items: tuple[str, ...]) -> tuple[str, ...] | None:
    """Repeated and comma-separated ISO3 codes; None when the option was not given."""
    if not items:
        return None
    return tuple(c.strip() for item in items for c in item.split(",") if c.strip())


SELECTION_KEYS = ("capacity", "budget", "cost_column", "default_cost", "min_per", "max_per", "include", "exclude")


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a selection option's value in the root context for :func:`selection_overrides`."""
    ctx.find_root().meta[f"scorer.selection.{param.name}"] = value
    return value


def selection_options(func: F) -> F:
    """--capacity, --budget, --cost-column, --default-cost, --min-per, --max-per, --include, --exclude.

    One definition for every command that chooses a set (``select``,
    ``report``). The values are kept in the context, not passed to the
    command; :func:`selection_overrides` turns them into overrides of the
    criteria file's ``selection:`` section.
    """
    kept: dict[str, Any] = {"expose_value": False, "callback": _keep}
    options = [
        click.option("--capacity", type=click.IntRange(min=0), help="At most N UNCTs (para. 16).", **kept),
        click.option("--budget", type=FiniteFloatRange(min=0, min_open=True), help="At most this total cost.", **kept),
        click.option("--cost-column", help="Spreadsheet column with each UNCT's cost (for --budget).", **kept),
        click.option("--default-cost", type=FiniteFloatRange(min=0), help="Cost where the column is blank.", **kept),
        click.option(
            "--min-per",
            multiple=True,
            metavar="COLUMN[=VALUE]:N",
            help="At least N UNCTs with COLUMN=VALUE; COLUMN:N means in every value (region:3). Repeatable.",
            **kept,
        ),
        click.option(
            "--max-per",
            multiple=True,
            metavar="COLUMN[=VALUE]:N",
            help="At most N UNCTs per group. Repeatable.",
            **kept,
        ),
        click.option(
            "--include", multiple=True, metavar="ISO3", help="Always choose these (repeat or comma-separate).", **kept
        ),
        click.option(
            "--exclude", multiple=True, metavar="ISO3", help="Never choose these (repeat or comma-separate).", **kept
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def selection_overrides() -> SelectionOverrides | None:
    """The selection options given on the command line, or None when none was.

    A bad ``--min-per``/``--max-per`` text is a :class:`~scorer.errors.ConfigError`.
    """
    ctx = click.get_current_context()
    meta = ctx.find_root().meta
    given = {name: meta.get(f"scorer.selection.{name}") for name in SELECTION_KEYS}
    if all(v is None or v == () for v in given.values()):
        return None
    return SelectionOverrides(
        capacity=given["capacity"],
        budget=given["budget"],
        cost_column=given["cost_column"],
        default_cost=given["default_cost"],
        min_per=tuple(parse_group_count(t, option="--min-per") for t in given["min_per"] or ()) or None,
        max_per=tuple(parse_group_count(t, option="--max-per") for t in given["max_per"] or ()) or None,
        include=_codes(given["include"] or ()),
        exclude=_codes(given["exclude"] or ()),
    )


def require_costs(selection: Selection, overrides: SelectionOverrides | None) -> None:
    """Raise a one-line ConfigError naming ``--budget`` when it was given but no cost column is known.

    A criteria file's own ``budget:`` without ``cost_column:`` is caught when
    the file is read (``check_selection``); this covers the command line,
    where the library's check would name its Python parameters instead.

    >>> require_costs(Selection(budget=10, cost_column="staff_days"), SelectionOverrides(budget=10))
    >>> try:
    ...     require_costs(Selection(budget=10), SelectionOverrides(budget=10))
    ... except ConfigError as exc:
    ...     print(exc)
    --budget: needs costs: --cost-column COLUMN (a column of the spreadsheet) should be given, but it is not
    """
    if selection.cost_column is not None or overrides is None or overrides.budget is None:
        return
    fills = "; --default-cost only fills that column's blanks" if selection.default_cost is not None else ""
    raise ConfigError(
        Problem(
            "selection.costs",
            "needs costs: --cost-column COLUMN (a column of the spreadsheet) should be given, but it is not" + fills,
            key="--budget",
        )
    )


@click.command("select")
@input_options
@weights_option
@evidence_option()
@selection_options
@click.option(
    "--robust", is_flag=True, help="Also report each country's share of plausible weightings in the optimal set."
)
@click.option(
    "--draws", type=click.IntRange(min=1, max=1000), default=ROBUST_DRAWS, show_default=True, help="With --robust."
)
@seed_option("With --robust: random seed (as `report`'s).")
@output_options("Write the selection")
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
    evidence_path: Path | None,
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
    inputs = {"spreadsheet": data_path, "criteria": crit_path}
    df, _merged = fill_from_evidence(df, criteria, evidence_path, inputs)
    overrides = selection_overrides() or SelectionOverrides()
    selection = overrides.apply(criteria.selection)
    require_costs(selection, overrides)
    result = score_countries(df, criteria, weights=parse_weights(weights))
    report = select_from_result(result, selection, df)
    if robust:
        report = report.with_robustness(draws=draws, seed=seed)
    data = report.to_dict()

    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    if output is not None:
        write_selection(
            output,
            table=report.table(),
            data=data,
            summary=report.lines(),
            robust=report.robust_table(),
            force=force,
            inputs=inputs,
            argv=sys.argv[1:],
        )
        note_written(f"Wrote {output}")
    if fmt == "json":
        click.echo(to_json(data), nl=False)
        return
    if fmt == "csv":
        echo_frame(report.table(), fmt)
        return
    note(f"Criteria: {criteria.name} ({crit_path.name}); data: {data_path.name}; {len(result.table)} eligible")
    if data["constraints"]:
        note("Constraints: " + "; ".join(data["constraints"]))
    note("Solved exactly (HiGHS): no other set within the constraints has a higher total")
    if is_verbose():
        note(f"Solve time: {report.solved.solve_seconds:.3f} s (varies from run to run)")
    click.echo(render_table(report.shown_table()))
    click.echo("")
    for line in report.lines():
        click.echo(line)
    robust_frame = report.robust_table()
    if robust_frame is not None:
        click.echo("")
        click.echo(report.robust_heading())
        click.echo(render_table(robust_frame, digits=2))
