"""``unct-scorer weights``: criterion weights from people's judgements (or from the data), compared."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scorer.cli.common import (
    check_suffix,
    echo_frame,
    note_written,
    read_sheet,
    record_command,
    render_table,
    resolve_inputs,
)
from scorer.cli.options import (
    INPUT_PATH,
    criteria_option,
    example,
    format_option,
    output_options,
    seed_option,
    sheet_options,
    top_option,
)
from scorer.errors import Problem

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport

METHODS = ("ahp", "swing", "points", "rank", "entropy", "critic", "stdev")
OUTPUTS = (".yaml", ".yml", ".csv", ".json", ".md", ".xlsx")


def check_output(path: Path | None) -> None:
    """The output's extension must be one this command writes."""
    check_suffix(path, OUTPUTS)


@click.command("weights")
@click.argument("judgements", type=click.Path(path_type=Path), required=False)
@criteria_option()
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="ahp",
    show_default=True,
    help="ahp: pairwise matrix; swing, points, rank: the table below it; entropy, critic, stdev: from the data "
    "(describe the data, not priorities).",
)
@click.option(
    "--aggregate",
    type=click.Choice(["mean", "median"]),
    default="mean",
    show_default=True,
    help="How swing/points/rank weights combine (AHP always uses geometric means).",
)
@click.option(
    "--rank-formula",
    type=click.Choice(["roc", "rank-sum", "rank-reciprocal"]),
    default="roc",
    show_default=True,
    help="--method rank: rank-order centroid, rank sum or rank reciprocal.",
)
@click.option(
    "--data",
    "spreadsheet",
    type=INPUT_PATH,
    metavar="FILE",
    default=None,
    help="Country sheet to rank under each stakeholder's weights (default: the bundled demo).",
)
@sheet_options
@top_option("K of the top K (default: first tier, else 15).")
@click.option(
    "--hull-draws",
    type=click.IntRange(min=0, max=10_000_000),
    default=10_000,
    show_default=True,
    help="Weightings drawn between the stakeholders' own for P(top K); 0: none.",
)
@seed_option("Random seed for --hull-draws.")
@output_options(
    help="Write the result: .yaml a criteria file with the group's weights and how they were obtained; "
    ".csv the weights; .json .md .xlsx everything."
)
@format_option
@example(
    """
unct-scorer template --judgements -o judgements.xlsx
unct-scorer weights judgements.xlsx --method ahp
unct-scorer weights judgements/ --method swing -o criteria/committee.yaml
unct-scorer weights --method entropy
"""
)
def command(
    judgements: Path | None,
    criteria_path: Path | None,
    method: str,
    aggregate: str,
    rank_formula: str,
    spreadsheet: Path | None,
    sheet: str | None,
    top_k: int | None,
    hull_draws: int,
    seed: int,
    output: Path | None,
    force: bool,
    fmt: str,
) -> None:
    """Criterion weights from stakeholders' JUDGEMENTS (a workbook from `template --judgements`, or a folder of them).

    Prints each stakeholder's weights (with the consistency ratio and the most
    inconsistent judgements for AHP), the group's weights (AHP: geometric mean
    of the judgements, and of the weights; otherwise the mean or median), the
    countries in the top K for every stakeholder, a majority, a minority or
    none, the two stakeholders who disagree most and on which countries, a
    compromise weighting with how far it is from each stakeholder, and
    P(top K) under any weighting between the stakeholders' own. With
    --method entropy/critic/stdev the weights come from the country data
    instead: they describe how the data vary, not what matters.
    """
    from scorer.elicitation.committee import CommitteeReport, weigh_committee
    from scorer.elicitation.workflow import Elicitation, data_weights, elicit
    from scorer.io.criteria_file import load_criteria
    from scorer.io.judgements import read_judgements
    from scorer.io.outputs import check_target
    from scorer.pipeline import score_countries
    from scorer.tuning import default_top_k

    check_output(output)
    data_path, crit_path = resolve_inputs(spreadsheet, criteria_path)
    inputs = {"criteria": crit_path, "spreadsheet": data_path}
    people_method = method in ("ahp", "swing", "points", "rank")
    if people_method:
        if judgements is None:
            raise click.UsageError(f"Missing argument 'JUDGEMENTS' (a workbook or folder; --method {method} needs it).")
        inputs["judgements"] = judgements
    if output is not None:
        check_target(output, force=force, inputs=tuple(p for p in inputs.values() if p.is_file()))
    criteria = load_criteria(crit_path)
    ctx = click.get_current_context()
    ctx.find_root().meta["scorer.validate_hint"] = f"unct-scorer validate {data_path} -c {crit_path}"
    df = read_sheet(data_path, sheet, criteria)
    k = top_k or default_top_k(criteria)
    if people_method:
        assert judgements is not None
        people = read_judgements(judgements, criteria, method=method)
        elicitation = elicit(
            list(criteria.criteria),
            people,
            method=method,  # type: ignore[arg-type]
            aggregate=aggregate,  # type: ignore[arg-type]
            rank_formula=rank_formula,  # type: ignore[arg-type]
            source=str(judgements),
        )
        report = weigh_committee(df, criteria, elicitation, top_k=k, hull_draws=hull_draws, seed=seed)
    else:
        result = score_countries(df, criteria)
        group = data_weights(result, method)  # type: ignore[arg-type]
        report = CommitteeReport(Elicitation(method, {}, group), None, None)
    if output is not None:
        _write(output, report, crit_path=crit_path, inputs=inputs, force=force)
        note_written(f"Wrote {output}")
    _print(report, fmt)


def _print(report: CommitteeReport, fmt: str) -> None:
    """The report on standard output: JSON, the weights as CSV, or the text and tables."""
    if fmt == "json":
        from scorer.io.outputs import to_json

        click.echo(to_json(report.to_dict()), nl=False)
        return
    if fmt == "csv":
        echo_frame(report.weights_frame().reset_index(), "csv")
        return
    for line in report.headline():
        click.echo(line)
    click.echo(render_table(report.weights_frame().reset_index(), digits=3))
    click.echo("")
    for line in report.lines():
        click.echo(line)
    if report.analysis is not None and len(report.analysis.stakeholders) > 1:
        click.echo("")
        click.echo(f"Countries in only one of two stakeholders' top {report.analysis.top_k}:")
        click.echo(render_table(report.analysis.disagreement.rename_axis("stakeholder").reset_index()))


def _write(output: Path, report: CommitteeReport, *, crit_path: Path, inputs: dict[str, Path], force: bool) -> None:
    from scorer.io.judgements import weights_criteria_text
    from scorer.io.outputs import write_text
    from scorer.io.results import provenance
    from scorer.io.tuning_results import write_tables

    guard = tuple(p for p in inputs.values() if p.is_file())
    files = {role: path for role, path in inputs.items() if path.is_file()}
    if output.suffix.lower() in (".yaml", ".yml"):
        record = {**report.elicitation.provenance(), **provenance(files, argv=sys.argv[1:])}
        text = weights_criteria_text(crit_path, report.elicitation.group, record)
        write_text(output, text, force=force, inputs=guard)
        return
    write_tables(
        output,
        title=f"Weights by {report.elicitation.method}",
        lines=[*report.headline(), *report.lines()],
        sheets=report.tables(),
        data=report.to_dict(),
        force=force,
        inputs=files,
        argv=sys.argv[1:],
        kind="weights",
    )


def write_judgement_template(
    criteria_path: Path | None, output: Path, *, force: bool, stakeholders: tuple[str, ...]
) -> None:
    """``template --judgements``: write the judgement workbook and say what to do next."""
    from scorer.errors import ConfigError
    from scorer.io.criteria_file import load_criteria
    from scorer.io.judgements import save_judgement_workbook
    from scorer.resources import default_criteria_path
    from scorer.starter.judgements import DEFAULT_STAKEHOLDERS, build_judgement_workbook, check_stakeholder_names

    names = list(stakeholders) or list(DEFAULT_STAKEHOLDERS)
    problems = check_stakeholder_names(names)
    if problems:
        raise ConfigError([Problem("config.stakeholder", p, key="--stakeholder") for p in problems])
    criteria = load_criteria(criteria_path or default_criteria_path())
    workbook = build_judgement_workbook(
        criteria, names, workbook=str(output), criteria_file=str(criteria_path) if criteria_path else None
    )
    record_command(workbook)
    save_judgement_workbook(workbook, output, force=force, inputs=(criteria_path,) if criteria_path else ())
    c = f" -c {criteria_path}" if criteria_path else ""
    note_written(
        f"Wrote {output}: {len(names)} stakeholder sheets ({', '.join(names)}), {len(criteria.criteria)} criteria."
    )
    note_written("Next: each stakeholder fills in their sheet (the sheet 'How to fill' explains it); then run:")
    note_written(f"  unct-scorer weights {output}{c} --method ahp")
