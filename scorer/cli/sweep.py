"""``unct-scorer sweep``: ranks as one criterion's weight goes from 0 to 1, as a table and a chart."""

from __future__ import annotations

from pathlib import Path

import click

from scorer.analyses import check_top_k, find_criterion, frame_records, sweep
from scorer.cli.common import check_suffix, echo_frame, load_inputs, note_written, parse_weights, render_table
from scorer.cli.options import OUTPUT_PATH, example, format_option, input_options, top_option, weights_option
from scorer.io.outputs import check_target, to_json
from scorer.pipeline import score_countries

PLOT_FORMATS = (".png", ".svg")


@click.command("sweep")
@click.argument("criterion")
@input_options
@weights_option
@click.option(
    "--steps",
    type=click.IntRange(min=2, max=1001),
    default=21,
    show_default=True,
    help="Weights from 0 to 1 (21: every 0.05).",
)
@top_option("Show the countries in the top K at some step (default: the size of the first tier, else 15).")
@click.option(
    "--plot",
    type=OUTPUT_PATH,
    metavar="FILE",
    default=None,
    help="Also draw the top K's rank trajectories: .png or .svg (needs matplotlib).",
)
@click.option("--force", is_flag=True, help="Replace the --plot file if it exists.")
@format_option
@example(
    """
unct-scorer sweep engagement
unct-scorer sweep government_interest countries.xlsx -c criteria/default.yaml --steps 11
unct-scorer sweep representation --plot sweep.svg
"""
)
def command(
    criterion: str,
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    steps: int,
    top_k: int | None,
    plot: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Move CRITERION's weight from 0 to 1 (the others keep their proportions) and rank at each step.

    The table shows the countries that reach the top K at some step, with
    their rank at each weight (CSV and JSON: every country). --plot draws the
    rank of each country of the current top K along the way.
    """
    check_suffix(plot, PLOT_FORMATS, key="--plot")
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    cid = find_criterion(criteria, criterion)
    if plot is not None:
        check_target(plot, force=force, inputs=(data_path, crit_path))
    result = score_countries(df, criteria, weights=parse_weights(weights))
    k = check_top_k(top_k, result, key="--top")
    frame = sweep(result, cid, steps=steps)
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    if plot is not None:
        from scorer.render.plots import save_figure_as, weight_sweep_figure

        figure = weight_sweep_figure(result, top_k=k, steps=steps, criteria=[cid])
        save_figure_as(figure, plot, force=force, inputs=(data_path, crit_path))
        note_written(f"Wrote {plot}")
    if fmt == "json":
        click.echo(to_json(frame_records(frame)), nl=False)
        return
    if fmt == "csv":
        echo_frame(frame.reset_index(), "csv")
        return
    ranks = frame.drop(columns=["name", "rank"])
    shown = frame[(ranks <= k).any(axis=1)]
    click.echo(
        f"Rank of each country as {cid}'s share of the weight goes from 0 to 1 (now {result.weights[cid]:.2f}); "
        f"the others keep their proportions. Countries in the top {k} at some step: {len(shown)}."
    )
    click.echo(render_table(shown.reset_index(), digits=0))
