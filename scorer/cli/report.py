"""``unct-scorer report``: the committee report (HTML, XLSX, Markdown) and its charts."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scorer.cli.common import check_suffix, load_inputs, note, note_written, parse_weights
from scorer.cli.options import (
    OUTPUT_PATH,
    draws_option,
    evidence_option,
    input_options,
    method_uncertainty_options,
    no_data_uncertainty_option,
    seed_option,
    stakeholder_options,
    top_option,
    weights_option,
    with_example,
)
from scorer.cli.reproduce import report_commands, reproduce_command
from scorer.cli.select import require_costs, selection_options, selection_overrides
from scorer.errors import ConfigError, OutputError, Problem
from scorer.io.outputs import check_target
from scorer.io.results import write_report
from scorer.pipeline import score_countries
from scorer.report import ROBUST_DRAWS, Report, make_report

if TYPE_CHECKING:
    import pandas as pd

    from scorer.model.criteria import Criteria
    from scorer.report.evidence_section import EvidenceSection
    from scorer.selection.config import Selection

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
    from scorer.io.evidence_file import apply_evidence_file, read_levels, read_passages, read_suggestions
    from scorer.report.evidence_section import EvidenceSection

    filled, merged = apply_evidence_file(df, criteria, path)
    suggestions = {iso3: level for _number, iso3, level in read_suggestions(path)}
    bases = {iso3: basis for iso3, (_level, basis) in read_levels(path, criteria)[3].items()}
    return filled, EvidenceSection(path.name, suggestions, read_passages(path), merged, bases=bases)


def report_targets(outputs: tuple[Path, ...]) -> list[Path]:
    """The files to write (default report.html): each a report format, none named twice."""
    targets = list(outputs) or [DEFAULT_OUTPUT]
    for target in targets:
        check_suffix(target, REPORT_FORMATS)
    if len({t.resolve() for t in targets}) < len(targets):
        raise OutputError(Problem("output.duplicate", "-o names the same file twice", key="--output"))
    return targets


@dataclass(frozen=True)
class ReportInputs:
    """What the report reads: the sheet (filled from the evidence file, if any), the criteria, the evidence
    section, and every input file by role (recorded in the report's provenance)."""

    df: pd.DataFrame
    criteria: Criteria
    evidence: EvidenceSection | None
    paths: dict[str, Path]


def read_inputs(
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    *,
    stakeholders: Path | None,
    evidence: Path | None,
) -> ReportInputs:
    """Read the sheet and criteria as every command does, then the evidence file (as ``rank --evidence``)."""
    df, criteria, data_path, crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    paths = {"spreadsheet": data_path, "criteria": crit_path}
    if stakeholders is not None and stakeholders.is_file():
        paths["judgements"] = stakeholders
    section = None
    if evidence is not None:
        df, section = load_evidence_section(df, criteria, evidence)
        paths["evidence"] = evidence
    return ReportInputs(df, criteria, section, paths)


def command_selection(criteria: Criteria) -> Selection | None:
    """The selection options given (over the criteria file's ``selection:``), else None: the report then uses the
    file's own section, if any."""
    overrides = selection_overrides()
    selection = overrides.apply(criteria.selection) if overrides is not None else None
    if selection is not None:
        require_costs(selection, overrides)
    return selection


def say_done(report: Report, *, draws: int, seed: int, seconds: float) -> None:
    """The notes on stderr after the analyses: the recommended set, the draws and runs, how long it took."""
    took = f"{seconds:.1f} s (not in the report)"
    if report.evidence is not None and report.evidence.merge is not None:
        for line in report.evidence.merge.lines():  # blank cells counted among the ranked countries
            note(f"Evidence: {line}")
    if report.recommended is not None:
        robust = f"; robustness: {report.recommended.robust_note}" if report.recommended.robust_note else ""
        note(f"Recommended set: {len(report.recommended.ids)} UNCTs{robust}")
    if report.sensitivity is not None:
        note(f"Sensitivity: {draws:,} draws (seed {seed}); all analyses in {took}")
    if report.uncertainty is not None:
        note(f"Method uncertainty: {report.uncertainty.runs:,} runs (seed {seed}); all analyses in {took}")


HELP = """Write a report a committee can read: one self-contained HTML page.

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

EXAMPLE = """
unct-scorer report -o report.html
unct-scorer report countries.xlsx -c criteria/default.yaml --sensitivity -o report.html -o results.xlsx
unct-scorer report -w engagement=0.5 --top 20 -o summary.md --plots charts
unct-scorer report --capacity 25 --min-per region:3 -o report.html -o results.xlsx
unct-scorer report -c criteria/uncertainty_example.yaml --uncertainty --evidence evidence.csv -o report.html
"""


@click.command("report", help=with_example(HELP, EXAMPLE))
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
@top_option("K for the summary and P(top K) (default: the size of the first tier, else 15).")
@click.option(
    "--sensitivity",
    is_flag=True,
    help="Add the weight sensitivity analysis, as `unct-scorer sensitivity` computes it: P(top K), rank "
    "intervals, rank acceptability; with a selection, also how often each country is in the optimal set "
    "(--selection-draws).",
)
@draws_option("Weight draws for --sensitivity (as `sensitivity --draws`).")
@seed_option("Random seed for --sensitivity and the selection's robustness (as `sensitivity --seed`).")
@no_data_uncertainty_option("With --sensitivity: ignore the indicators' declared uncertainty, vary the weights only.")
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
@method_uncertainty_options("With --uncertainty (as `uncertainty`): ")
@evidence_option(
    "An evidence file from `unct-scorer evidence` (.csv/.json/.xlsx): fill blank government-interest cells "
    "with its suggested levels (typed values win, as `rank --evidence`) and quote the passages behind each level "
    "for the countries near the cut."
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
@stakeholder_options(
    "Judgement workbook or folder (as `weights` reads it): add the Whose weights section.",
    method_help="With --stakeholders: which judgements become each stakeholder's weights (as `weights --method`).",
)
@click.option("--force", is_flag=True, help="Replace output files that exist.")
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
    """Write the committee report (its help is :data:`HELP`): read, score, :func:`scorer.report.make_report`, write."""
    targets = report_targets(outputs)
    inputs = read_inputs(spreadsheet, criteria_path, sheet, stakeholders=stakeholders_path, evidence=evidence_path)
    for target in targets:
        check_target(target, force=force, inputs=tuple(inputs.paths.values()))
    if plots_dir is not None:
        from scorer.render.plots import check_plots

        check_plots(plots_dir, sensitivity=sensitivity, force=force)
    stamp = generated_time()
    result = score_countries(inputs.df, inputs.criteria, weights=parse_weights(weights))
    committee = None
    if stakeholders_path is not None:
        from scorer.io.judgements import read_elicitation

        committee = read_elicitation(stakeholders_path, inputs.criteria, method=judgement_method)
    started = time.monotonic()
    report = make_report(
        result,
        inputs.df,
        top_k=top_k,
        sensitivity=sensitivity,
        draws=draws,
        seed=seed,
        data_uncertainty=not no_data_uncertainty,
        selection=command_selection(inputs.criteria),
        selection_draws=selection_draws,
        region_column=region_column,
        stakeholders=committee,
        uncertainty=method_uncertainty,
        samples=samples,
        bootstrap=bootstrap,
        evidence=inputs.evidence,
        commands=report_commands(),
    )
    say_done(report, draws=draws, seed=seed, seconds=time.monotonic() - started)
    for target in targets:
        write_report(
            report,
            target,
            force=force,
            inputs=inputs.paths,
            command=reproduce_command(),
            generated=stamp,
        )
        note_written(f"Wrote {target}")
    if plots_dir is not None:
        from scorer.render.plots import write_plots

        written = write_plots(result, plots_dir, top_k=report.top_k, sensitivity=report.sensitivity, force=force)
        note_written(f"Wrote {len(written)} charts into {plots_dir}")
    for text in result.notes:
        click.echo(f"Note: {text}", err=True)
