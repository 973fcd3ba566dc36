"""``unct-scorer uncertainty``: which countries stay in the top K whatever reasonable method is picked, and why."""

from __future__ import annotations

import time
from pathlib import Path

import click

from scorer.cli.common import analysis_inputs, emit_analysis, fill_from_evidence, note, parse_weights, render_table
from scorer.cli.options import (
    evidence_option,
    example,
    format_option,
    input_options,
    method_uncertainty_options,
    output_options,
    seed_option,
    top_option,
    weights_option,
)
from scorer.cli.sensitivity import progress_bar
from scorer.pipeline import apply_weights
from scorer.uncertainty.analysis import UncertaintyResult, uncertainty_analysis


def table_view(result: UncertaintyResult) -> str:
    """Countries with any chance of the top K (and those ranked in it), with the choice driving each rank."""
    s = result.summary
    shown = s[(s["p_top_k"] > 0) | (s["rank"] <= result.top_k)].copy()
    totals = result.country_drivers("rank").loc[shown.index]
    shown["driver"] = ["" if row.isna().all() else f"{row.idxmax()} ({row.max():.2f})" for _i, row in totals.iterrows()]
    columns = ["rank", "name", "p_top_k"]
    columns += [f"p_{t}" for t in result.tier_names[:-1] if f"p_{t}" in s.columns and t != result.top_k_tier]
    columns += ["rank_p05", "median_rank", "rank_p95", "driver"]
    view = shown[columns].reset_index()
    view = view.rename(columns={"p_top_k": f"p_top_{result.top_k}", "median_rank": "median"})
    text = render_table(view, digits=3, max_width=34)
    hidden = len(s) - len(shown)
    if hidden:
        text += f"\n({hidden} countries never in the top {result.top_k} not shown: --format csv or -o for all)"
    return text + "\n(driver: the choice with the largest total Sobol' index of the country's rank)"


@click.command("uncertainty")
@input_options
@weights_option
@evidence_option()
@method_uncertainty_options()
@seed_option()
@top_option("K for P(top K) (default: the size of the first tier, else 15).")
@output_options("Write the analysis")
@format_option
@example(
    """
unct-scorer uncertainty -c criteria/uncertainty_example.yaml
unct-scorer uncertainty countries.xlsx -c my.yaml --samples 8192 --top 20 -o uncertainty.xlsx
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    evidence_path: Path | None,
    samples: int,
    seed: int,
    top_k: int | None,
    bootstrap: int,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Which countries are in the top K whatever reasonable method is picked, and which choice drives the rest.

    Samples jointly every modelling choice the criteria file's `uncertainty:`
    section declares (the weights within their ranges and order; each
    alternative normalisation, missing-data policy and aggregation; each
    indicator's data `uncertainty`) and ranks every country under each
    sample. Reports per country P(top K), P(each tier), the median rank and
    the 5-95% rank interval; and, by Sobol' indices (Saltelli 2010 first order,
    Jansen 1999 total effect, bootstrap intervals), the share of the variance
    of each country's rank, and of membership of the top K, due to each
    choice. Without an `uncertainty:` section only the weights (and declared
    data errors) vary.
    """
    extra = {"evidence": evidence_path} if evidence_path is not None else None
    df, criteria, inputs = analysis_inputs(spreadsheet, criteria_path, sheet, output, force=force, extra=extra)
    df, _merged = fill_from_evidence(df, criteria, evidence_path, inputs)
    given = parse_weights(weights)
    if given:  # the nominal weights, as `rank -w` (and `report -w --uncertainty`) use them
        criteria = apply_weights(criteria, given)
    started = time.monotonic()
    with progress_bar(samples * 50, heavy=False) as progress:
        result = uncertainty_analysis(
            df, criteria, samples=samples, seed=seed, top_k=top_k, bootstrap=bootstrap, progress=progress
        )
    note(f"Uncertainty: {result.runs:,} runs in {time.monotonic() - started:.2f} s")
    emit_analysis(
        result,
        output,
        fmt,
        title=f"Method uncertainty: {criteria.name}",
        sheets={
            "Summary": result.summary,
            "Drivers": result.drivers,
            "Sobol": result.sobol,
            "By choice": result.by_choice,
        },
        text=lambda: [*result.lines(), "", table_view(result)],
        force=force,
        inputs=inputs,
        extra_provenance={"seed": str(seed), "samples": str(samples), "bootstrap": str(bootstrap)},
    )
