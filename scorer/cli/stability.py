"""``unct-scorer stability``: exact weight intervals, and what single change would move each country."""

from __future__ import annotations

from pathlib import Path

import click

from scorer.analyses import check_top_k, stability
from scorer.cli.common import analysis_inputs, emit_analysis, fill_from_evidence, note, parse_weights
from scorer.cli.options import (
    evidence_option,
    example,
    format_option,
    input_options,
    output_options,
    top_option,
    weights_option,
)
from scorer.cli.progress import progress_bar
from scorer.pipeline import score_countries
from scorer.solvers.intervals import reporting_progress

BAR_UNITS = 3 * 3 * 2_000
"""A bar from about 2,000 countries with three criteria (a few seconds of crossings)."""


@click.command("stability")
@input_options
@weights_option
@evidence_option()
@top_option("K for the top K (default: the size of the first tier, else 15).")
@output_options("Write the analysis")
@format_option
@example(
    """
unct-scorer stability
unct-scorer stability countries.xlsx -c criteria/default.yaml --top 20
unct-scorer stability -w engagement=0.5 --format csv > what-it-takes.csv
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    evidence_path: Path | None,
    top_k: int | None,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """What change of the weights or the data would alter the top K: exact, no sampling.

    For each criterion, its weight moved alone (the others keep their
    proportions): the interval within which the top-K set stays the same.
    For each country: the smallest change of one weight, and of one criterion
    score (with the indicator value needed, where it can be read back), that
    moves it into or out of the top K, in words; and per criterion the
    interval of the weight within which its tier stays the same (in CSV,
    JSON and the -o outputs).
    """
    extra = {"evidence": evidence_path} if evidence_path is not None else None
    df, criteria, inputs = analysis_inputs(spreadsheet, criteria_path, sheet, output, force=force, extra=extra)
    df, _merged = fill_from_evidence(df, criteria, evidence_path, inputs)
    result = score_countries(df, criteria, weights=parse_weights(weights))
    k = check_top_k(top_k, result, key="--top")
    criteria_count = sum(1 for node in result.criteria.nodes() if node.parent is None)
    # each criterion's weight is moved three times (top K, what it takes, tiers), each over every country
    with progress_bar(3 * criteria_count * len(result.table), "Weight intervals", minimum=BAR_UNITS) as progress:
        if progress is None:
            report = stability(result, top_k=k)
        else:
            done = [0]

            def advance(countries: int) -> None:
                done[0] += countries
                progress(done[0], 0)

            with reporting_progress(advance):
                report = stability(result, top_k=k)
    for remark in result.notes:
        click.echo(f"Note: {remark}", err=True)

    def text() -> list[str]:
        weights_text = ", ".join(f"{name} {v:.2f}" for name, v in result.weights.items())
        note(f"Criteria: {criteria.name} ({inputs['criteria'].name}); weights: {weights_text}")
        return [*report.lines(), "", *report.country_lines()]

    emit_analysis(
        report,
        output,
        fmt,
        title=f"Stability of the top {report.top_k}: {criteria.name}",
        sheets={"Countries": report.countries, "Weights": report.weights, "Options": report.options},
        text=text,
        force=force,
        inputs=inputs,
    )
