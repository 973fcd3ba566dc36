"""``unct-scorer rank``: score and rank every country of a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd

from scorer.cli.common import (
    echo_frame,
    fill_from_evidence,
    is_verbose,
    load_inputs,
    note,
    note_written,
    output_kind,
    parse_weights,
)
from scorer.cli.options import evidence_option, example, format_option, input_options, output_options, weights_option
from scorer.core.ranking import default_top_k
from scorer.io.results import write_result
from scorer.pipeline import score_countries
from scorer.render.export import grouping_frame, quality_lines, ranking_frame
from scorer.render.formatting import LOOKS_TIED, TIE, TIE_LEGEND, score_decimals, score_texts


@click.command("rank")
@input_options
@weights_option
@click.option("--top", type=click.IntRange(min=1), default=None, help="Print only the first N countries.")
@evidence_option()
@output_options("Write the full result")
@format_option
@example(
    """
unct-scorer rank
unct-scorer rank countries.xlsx -c criteria/default.yaml --top 20
unct-scorer rank -w engagement=0.5 -w representation=0.1 -o ranking.xlsx
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    top: int | None,
    evidence_path: Path | None,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Rank the countries of SPREADSHEET (default: the bundled demo).

    Prints rank, country, score, tier and each criterion's contribution to
    the score (contributions add up to the score).
    """
    if output is not None:
        output_kind(output)
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    inputs = {"spreadsheet": data_path, "criteria": crit_path}
    df, merged = fill_from_evidence(df, criteria, evidence_path, inputs)
    given = parse_weights(weights)
    result = score_countries(df, criteria, weights=given)
    if merged is not None:
        for line in merged.among_ranked(result.exclusions["id"]).lines():
            note(f"Evidence: {line}")
    for name, value in given.items():
        if name in result.weights:
            note(f"-w {name} {value:g} \N{RIGHTWARDS ARROW} share {result.weights[name]:.2f} (weights are relative)")
    if output is not None:
        groups = grouping_frame(result, df) if output.suffix.lower() == ".xlsx" else None
        write_result(result, output, force=force, inputs=inputs, argv=sys.argv[1:], groups=groups)
        note_written(f"Wrote {output}")
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
    if is_verbose():
        for line in quality_lines(result):
            note(line)
    table = ranking_frame(result)
    digits = 3
    if fmt == "table":
        weights_text = ", ".join(f"{k} {v:.2f}" for k, v in result.weights.items())
        note(f"Criteria: {criteria.name} ({crit_path.name}); weights: {weights_text}")
        note(f"{len(table)} ranked, {len(result.exclusions)} excluded; data: {data_path.name}")
        table = table.drop(columns=["coverage", "illustrative_inputs"], errors="ignore")
        table, digits = _shown_scores(table, default_top_k(criteria))
    shown = table.head(top) if top else table
    if fmt == "table" and any(t.endswith((TIE, LOOKS_TIED)) for t in shown["score"]):
        note(f"Scores: {TIE_LEGEND}")
    echo_frame(shown, fmt, digits=digits)


def _shown_scores(table: pd.DataFrame, cut: int) -> tuple[pd.DataFrame, int]:
    """Scores as text with enough decimals to tell neighbours apart at the cut, ties marked; the decimals used."""
    scores = table["score"].tolist()
    digits = score_decimals(scores, cut=cut)
    return table.assign(score=score_texts(scores, cut=cut)), digits
