"""``unct-scorer fit``: the weights that best reproduce past decisions, written to a new criteria file."""

from __future__ import annotations

from pathlib import Path

import click

from scorer.analyses import fit
from scorer.cli.common import check_suffix, echo_frame, load_inputs, note_written
from scorer.cli.options import INPUT_PATH, OUTPUT_PATH, example, format_option, input_options
from scorer.io.outputs import check_target, to_json, write_text
from scorer.io.spreadsheet import read_countries
from scorer.io.tuning_results import fitted_criteria_text
from scorer.pipeline import score_countries
from scorer.solvers.fitting import DEFAULT_NODE_LIMIT

YAML_SUFFIXES = (".yaml", ".yml")


@click.command("fit")
@click.option(
    "--decisions",
    "decisions_path",
    required=True,
    type=INPUT_PATH,
    metavar="FILE",
    help="CSV or XLSX of past decisions: columns country and decision (join / not join, yes / no, 1 / 0), "
    "or columns before and after (before should rank above after).",
)
@input_options
@click.option(
    "-o",
    "--output",
    type=OUTPUT_PATH,
    metavar="FILE",
    default=None,
    help="Write a new criteria file (.yaml) with the fitted weights; the original is never changed.",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=0),
    default=DEFAULT_NODE_LIMIT,
    show_default=True,
    help="Branch-and-bound nodes the exact search may use (a count, so the answer never depends on speed); "
    "0 uses the linear surrogate only.",
)
@format_option
@example(
    """
unct-scorer fit --decisions decisions.csv
unct-scorer fit --decisions decisions.xlsx countries.xlsx -c criteria/default.yaml -o fitted.yaml
unct-scorer rank -c fitted.yaml
"""
)
def command(
    decisions_path: Path,
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    output: Path | None,
    force: bool,
    max_nodes: int,
    fmt: str,
) -> None:
    """Fit the criterion weights to past decisions (which UNCTs were joined, or which came first).

    Finds, within each criterion's `range` and the `weight_order`, the weights
    under which the most decisions hold (a joined country scores above a
    country not joined, by at least 1e-5), counted exactly by a mixed-integer
    programme (HiGHS) within --max-nodes nodes, and among those the ones with
    the widest margin (a linear programme). The output names the objective
    used and the optimality gap: "proven optimal", or how many more decisions
    allowed weights might reproduce when the node limit stopped the search.
    Never returns weights reproducing fewer decisions than the file's own
    (when those are within its ranges). Reports which decisions are not
    reproduced, and with -o writes a new criteria file that differs from the
    original only in its weights, with a comment naming the decisions file
    and its SHA-256.
    """
    check_suffix(output, YAML_SUFFIXES)
    decisions = read_countries(decisions_path)
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    inputs = (data_path, crit_path, decisions_path)
    if output is not None:
        check_target(output, force=force, inputs=inputs)
    result = score_countries(df, criteria)
    # the sheet and criteria are valid: a problem from here on is in the decisions file, not for `validate`
    click.get_current_context().find_root().meta.pop("scorer.validate_hint", None)
    report = fit(result, decisions, node_limit=max_nodes)
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    if output is not None:
        kind = "pairwise decisions" if report.mode == "joined" else "ordered pairs"
        summary = f"{report.n_reproduced:,} of {report.n_decisions:,} {kind} reproduced. {report.search.words()}"
        text = fitted_criteria_text(
            crit_path,
            {str(k): float(v) for k, v in report.weights.items()},
            decisions_path=decisions_path,
            spreadsheet_path=data_path,
            summary=summary,
        )
        write_text(output, text, force=force, inputs=inputs)
        note_written(f"Wrote {output}: the criteria of {crit_path.name} with the fitted weights")
    if fmt == "json":
        click.echo(to_json(report.to_dict()), nl=False)
    elif fmt == "csv":
        echo_frame(report.decisions, "csv")
    else:
        for line in report.lines():
            click.echo(line)
