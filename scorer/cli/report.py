"""``unct-scorer report``: the committee report (HTML, XLSX, Markdown) and its charts."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scorer.cli.common import (
    INPUT_PATH,
    OUTPUT_PATH,
    example,
    input_options,
    load_inputs,
    note,
    note_written,
    parse_weights,
    seed_option,
    weights_option,
)
from scorer.cli.reproduce import rank_equivalent, reproduce_command
from scorer.cli.select import require_costs, selection_options, selection_overrides
from scorer.errors import ConfigError, OutputError, Problem
from scorer.io.outputs import check_target
from scorer.io.results import write_report
from scorer.pipeline import score_countries
from scorer.report import ROBUST_DRAWS, make_report
from scorer.tuning import DEFAULT_DRAWS
from scorer.uncertainty.analysis import DEFAULT_SAMPLES
from scorer.uncertainty.sobol import DEFAULT_BOOTSTRAP

if TYPE_CHECKING:
    import pandas as pd

    from scorer.model.criteria import Criteria
    from scorer.report.evidence_section import EvidenceSection

REPORT_FORMATS = (".html", ".htm", ".xlsx", ".md")
DEFAULT_OUTPUT = Path("report.html")


def generated_time() -> str:
    """The report's time stamp: ``SOURCE_DATE_EPOCH`` if set (reproducible builds), else now; UTC."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        moment = datetime.now(UTC)
    else:
        try:
            moment = datetime.fromtimestamp(int(raw.strip()), UTC)
        except (ValueError, OverflowError, OSError):
            raise ConfigError(
                Problem(
                    "config.environment",
                    f"should be a whole number of seconds since 1970, but it is {raw!r}",
                    key="SOURCE_DATE_EPOCH",
                )
            ) from None
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def load_evidence_section(df: pd.DataFrame, criteria: Criteria, path: Path) -> tuple[pd.DataFrame, EvidenceSection]:
    """The sheet filled from an evidence file (as ``rank --evidence``) and what the report quotes from it."""
    from scorer.io.evidence_file import apply_evidence_file, read_passages, read_suggestions
    from scorer.report.evidence_section import EvidenceSection

    filled, merged = apply_evidence_file(df, criteria, path)
    for line in merged.lines():
        note(f"Evidence: {line}")
    suggestions = {iso3: level for _number, iso3, level in read_suggestions(path)}
    return filled, EvidenceSection(path.name, suggestions, read_passages(path), merged)


def report_targets(outputs: tuple[Path, ...]) -> list[Path]:
    """The files to write (default report.html): each a report format, none named twice."""
    targets = list(outputs) or [DEFAULT_OUTPUT]
    for target in targets:
        if target.suffix.lower() not in REPORT_FORMATS:
            raise OutputError(
                Problem(
                    "output.format",
                    f"should end in one of {', '.join(REPORT_FORMATS)}, but it ends in {target.suffix or 'nothing'!r}",
                    file=str(target),
                )
            )
    if len({t.resolve() for t in targets}) < len(targets):
        raise OutputError(Problem("output.duplicate", "-o names the same file twice", key="--output"))
    return targets


@click.command("report")
@input_options
@weights_option
@selection_options
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=OUTPUT_PATH,
    metavar="FILE",
    help="File to write, by extension: .html (the report; default report.html), .xlsx (workbook), .md "
    "(summary for documents). Repeat for several.",
)
@click.option(
    "--top",
    "top_k",
    type=click.IntRange(min=1),
    default=None,
    help="K for the summary and P(top K) (default: the size of the first tier, else 15).",
)
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Add the weight sensitivity analysis, as `unct-scorer sensitivity` computes it: P(top K), rank "
    "intervals, rank acceptability; with a selection, also how often each country is in the optimal set "
    "(--selection-draws).",
)
@click.option(
    "--draws",
    type=click.IntRange(min=1, max=10_000_000),
    default=DEFAULT_DRAWS,
    show_default=True,
    help="Weight draws for --sensitivity (as `sensitivity --draws`).",
)
@seed_option("Random seed for --sensitivity and the selection's robustness (as `sensitivity --seed`).")
@click.option(
    "--no-data-uncertainty",
    is_flag=True,
    help="With --sensitivity: ignore the indicators' declared uncertainty, vary the weights only.",
)
@click.option(
    "--selection-draws",
    type=click.IntRange(min=1, max=1000),
    default=ROBUST_DRAWS,
    show_default=True,
    help="With --sensitivity and a selection: weightings solved for the set's robustness (as `select --robust "
    "--draws`).",
)
@click.option(
    "--uncertainty",
    "method_uncertainty",
    is_flag=True,
    help="Add the method-uncertainty section, as `unct-scorer uncertainty` computes it with the same --seed, "
    "--samples, --bootstrap and K: rank intervals per country and the Sobol' indices of each modelling choice.",
)
@click.option(
    "--samples",
    type=click.IntRange(min=2, max=1_000_000),
    default=DEFAULT_SAMPLES,
    show_default=True,
    help="Base samples for --uncertainty (as `uncertainty --samples`).",
)
@click.option(
    "--bootstrap",
    type=click.IntRange(min=0, max=10_000),
    default=DEFAULT_BOOTSTRAP,
    show_default=True,
    help="Bootstrap replicates for --uncertainty's Sobol' intervals (as `uncertainty --bootstrap`).",
)
@click.option(
    "--evidence",
    "evidence_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="An evidence file from `unct-scorer evidence` (.csv/.json/.xlsx): fill blank government-interest cells "
    "with its suggested levels (typed values win, as `rank --evidence`) and quote the passages behind each level "
    "for the countries near the cut.",
)
@click.option(
    "--plots",
    "plots_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write the charts (PNG and SVG) into this folder.",
)
@click.option(
    "--region-column",
    default=None,
    help="Spreadsheet column for the region filter (default: 'region' when the sheet has it).",
)
@click.option(
    "--stakeholders",
    "stakeholders_path",
    type=INPUT_PATH,
    default=None,
    help="Judgement workbook or folder (as `weights` reads it): add the Whose weights section.",
)
@click.option(
    "--judgement-method",
    type=click.Choice(["ahp", "swing", "points", "rank"]),
    default="ahp",
    show_default=True,
    help="With --stakeholders: which judgements become each stakeholder's weights (as `weights --method`).",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
@example(
    """
unct-scorer report -o report.html
unct-scorer report countries.xlsx -c criteria/default.yaml --sensitivity -o report.html -o results.xlsx
unct-scorer report -w engagement=0.5 --top 20 -o summary.md --plots charts
unct-scorer report --capacity 25 --min-per region:3 -o report.html -o results.xlsx
unct-scorer report -c criteria/uncertainty_example.yaml --uncertainty --evidence evidence.csv -o report.html
"""
)
def command(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    outputs: tuple[Path, ...],
    top_k: int | None,
    sensitivity: bool,
    draws: int,
    seed: int,
    no_data_uncertainty: bool,
    selection_draws: int,
    method_uncertainty: bool,
    samples: int,
    bootstrap: int,
    evidence_path: Path | None,
    plots_dir: Path | None,
    region_column: str | None,
    stakeholders_path: Path | None,
    judgement_method: str,
    force: bool,
) -> None:
    """Write a report a committee can read: one self-contained HTML page.

    The page holds the summary, the ranking (sortable, filterable, searchable),
    each country's contributions, the criteria and weights, data quality, a
    methodology annex and the provenance, plus sliders that re-rank live exactly
    as `rank -w` does. It loads nothing from a network: email it, open it
    offline. .xlsx and .md outputs hold the same ranking as tables.

    Every report also says what would change the list, exactly (no sampling,
    as `stability` computes it): how far each weight can move before the top
    K changes, and for the countries near the cut the smallest change of one
    weight or one value that moves them in or out (two Stability sheets in
    .xlsx).

    When the criteria file has a `selection:` section, or the selection
    options are given (as for `select`), the report adds the Recommended set:
    the best set of UNCTs within capacity, what binds, the best country left
    out and the price of balance, as `select` computes it; the ranking marks
    the chosen countries.

    With --stakeholders (the judgement workbook or folder `weights` reads),
    the report adds Whose weights: each stakeholder's weights and own top K,
    the consensus, the two who disagree most and on which countries, and the
    compromise weights with their distance to each, as `weights` prints them.

    --uncertainty adds the Method uncertainty section, with the numbers
    `unct-scorer uncertainty` prints for the same --seed, --samples,
    --bootstrap and K: each country's median rank and 5-95% interval over
    every modelling choice the criteria file declares (a chart and its
    table) and the Sobol' indices of each choice. --evidence EVIDENCE fills
    blank government-interest cells as `rank --evidence` does and quotes,
    for the countries in or near the top K, the passages behind each level.
    """
    targets = report_targets(outputs)
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    inputs = {"spreadsheet": data_path, "criteria": crit_path}
    if stakeholders_path is not None and stakeholders_path.is_file():
        inputs["judgements"] = stakeholders_path
    evidence = None
    if evidence_path is not None:
        df, evidence = load_evidence_section(df, criteria, evidence_path)
        inputs["evidence"] = evidence_path
    for target in targets:
        check_target(target, force=force, inputs=tuple(inputs.values()))
    if plots_dir is not None:
        from scorer.render.plots import check_plots

        check_plots(plots_dir, sensitivity=sensitivity, force=force)
    stamp = generated_time()
    result = score_countries(df, criteria, weights=parse_weights(weights))
    committee = None
    if stakeholders_path is not None:
        from scorer.io.judgements import read_elicitation

        committee = read_elicitation(stakeholders_path, criteria, method=judgement_method)
    overrides = selection_overrides()
    selection = overrides.apply(criteria.selection) if overrides is not None else None
    if selection is not None:
        require_costs(selection, overrides)
    started = time.monotonic()
    report = make_report(
        result,
        df,
        top_k=top_k,
        sensitivity=sensitivity,
        draws=draws,
        seed=seed,
        data_uncertainty=not no_data_uncertainty,
        selection=selection,
        selection_draws=selection_draws,
        region_column=region_column,
        stakeholders=committee,
        uncertainty=method_uncertainty,
        samples=samples,
        bootstrap=bootstrap,
        evidence=evidence,
    )
    seconds = f"{time.monotonic() - started:.1f} s (not in the report)"
    if report.recommended is not None:
        robust = f"; robustness: {report.recommended.robust_note}" if report.recommended.robust_note else ""
        note(f"Recommended set: {len(report.recommended.ids)} UNCTs{robust}")
    if report.sensitivity is not None:
        note(f"Sensitivity: {draws:,} draws (seed {seed}); all analyses in {seconds}")
    if report.uncertainty is not None:
        note(f"Method uncertainty: {report.uncertainty.runs:,} runs (seed {seed}); all analyses in {seconds}")
    for target in targets:
        write_report(
            report,
            target,
            force=force,
            inputs=inputs,
            command=reproduce_command(),
            generated=stamp,
            command_prefix=rank_equivalent(),
        )
        note_written(f"Wrote {target}")
    if plots_dir is not None:
        from scorer.render.plots import write_plots

        written = write_plots(result, plots_dir, top_k=report.top_k, sensitivity=report.sensitivity, force=force)
        note_written(f"Wrote {len(written)} charts into {plots_dir}")
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
