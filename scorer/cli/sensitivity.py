"""``unct-scorer sensitivity``: how sure is each country's place in the top K under every plausible weighting."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scorer.analyses import SensitivityReport, check_top_k, indicator_uncertainty, sensitivity
from scorer.cli.common import analysis_inputs, emit_analysis, fill_from_evidence, note, parse_weights, render_table
from scorer.cli.options import (
    draws_option,
    evidence_option,
    example,
    format_option,
    input_options,
    no_data_uncertainty_option,
    output_options,
    seed_option,
    stakeholder_options,
    top_option,
    weights_option,
)
from scorer.cli.progress import progress_bar as bar
from scorer.pipeline import score_countries

if TYPE_CHECKING:
    from scorer.elicitation.hull import Stakeholders
    from scorer.model.criteria import Criteria

BAR_DRAWS = 500_000
"""Draws from which a progress bar is worth showing (without data uncertainty; a tenth with it)."""


@contextmanager
def progress_bar(draws: int, *, heavy: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` drawing a bar on stderr, only on a terminal and for long runs."""
    with bar(draws, "Weight draws", minimum=BAR_DRAWS // 10 if heavy else BAR_DRAWS) as progress:
        yield progress


def table_view(report: SensitivityReport) -> str:
    """The countries with any chance of the top K (and every country ranked in it), compactly."""
    view = report.table_rows()
    text = render_table(view, digits=3)
    hidden = len(report.summary) - len(view)
    if hidden:
        text += f"\n({hidden} countries never in the top {report.top_k} not shown: --format csv or -o for all)"
    return text


def read_committee(path: Path | None, criteria: Criteria, method: str) -> Stakeholders | None:
    """The stakeholders' weights from ``--stakeholders`` (their judgements, read as ``weights`` reads them), or None."""
    if path is None:
        return None
    from scorer.io.judgements import read_stakeholders

    return read_stakeholders(path, criteria, method=method)


@click.command("sensitivity")
@input_options
@weights_option
@evidence_option()
@draws_option("Weight vectors drawn uniformly from the allowed weights.")
@seed_option()
@top_option("K for P(top K) (default: the size of the first tier, else 15).")
@no_data_uncertainty_option("Ignore the indicators' declared uncertainty: vary the weights only.")
@stakeholder_options(
    "Judgement workbook or folder (as `weights` reads it): draw the weights within the stakeholders' "
    "convex hull (any mix of their own weights) instead of the criteria's allowed weights.",
    method_help="With --stakeholders: which judgements become each stakeholder's weights.",
)
@output_options("Write the analysis")
@format_option
@example(
    """
unct-scorer sensitivity
unct-scorer sensitivity countries.xlsx -c criteria/default.yaml --draws 100000 --top 20
unct-scorer sensitivity --seed 7 -o sensitivity.xlsx
unct-scorer sensitivity --stakeholders judgements.xlsx --judgement-method swing
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    evidence_path: Path | None,
    draws: int,
    seed: int,
    top_k: int | None,
    no_data_uncertainty: bool,
    stakeholders_path: Path | None,
    judgement_method: str,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Which countries are in the top K under every plausible weighting, which only under some.

    Draws weight vectors uniformly from the weights the criteria file allows
    (each criterion's `range`, the `weight_order`; none: any weights) and
    ranks every country under each (SMAA-2). Leads with the answer: the
    countries in the top K under every sampled weighting, those in it under
    some (with the chance and the mean weights that put each there), and how
    many never are. Then, per country: P(top K), P(each tier), the median
    rank and the 5-95% rank interval, the central weights, and the
    confidence factor. Indicators with an `uncertainty` in the criteria file
    also vary their data in each draw. With --stakeholders the weights are
    drawn within the committee's convex hull instead: every draw a mix of the
    stakeholders' own weights (from their judgements, as `weights` computes
    them). `unct-scorer stability` says which single change of a weight or a
    value would move a country in or out.
    """
    extra = {"stakeholders": stakeholders_path} if stakeholders_path is not None and stakeholders_path.is_file() else {}
    if evidence_path is not None:
        extra["evidence"] = evidence_path
    df, criteria, inputs = analysis_inputs(spreadsheet, criteria_path, sheet, output, force=force, extra=extra)
    df, _merged = fill_from_evidence(df, criteria, evidence_path, inputs)
    stakeholders = read_committee(stakeholders_path, criteria, judgement_method)
    result = score_countries(df, criteria, weights=parse_weights(weights))
    k = check_top_k(top_k, result, key="--top")
    heavy = bool(indicator_uncertainty(criteria)) and not no_data_uncertainty
    started = time.monotonic()
    with progress_bar(draws, heavy=heavy) as progress:
        report = sensitivity(
            result,
            draws=draws,
            seed=seed,
            top_k=k,
            data_uncertainty=not no_data_uncertainty,
            progress=progress,
            stakeholders=stakeholders,
        )
    note(f"Sensitivity: {draws:,} draws in {time.monotonic() - started:.2f} s")
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    emit_analysis(
        report,
        output,
        fmt,
        title=f"Sensitivity to the weights: {criteria.name}",
        sheets={"Summary": report.summary, "Rank acceptability": report.acceptability},
        text=lambda: [
            *report.lines(),
            "What single change of a weight or of the data would move a country: unct-scorer stability",
            "",
            table_view(report),
        ],
        force=force,
        inputs=inputs,
        extra_provenance={"seed": str(seed), "draws": str(draws)},
    )
