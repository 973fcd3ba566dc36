"""``unct-scorer template``: write a data-entry workbook for a criteria file."""

from __future__ import annotations

from pathlib import Path

import click

from scorer.cli.common import check_suffix, is_verbose, note, note_written, record_command
from scorer.cli.options import criteria_option, example, output_options
from scorer.io.criteria_file import load_criteria
from scorer.io.outputs import check_target, fix_zip_times, write_atomic
from scorer.io.spreadsheet import read_countries
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.starter.data_entry import TemplatePlan, plan_template
from scorer.starter.text import allowed_text_of
from scorer.starter.workbook import build_workbook


def check_xlsx(path: Path) -> None:
    """The workbook must be an .xlsx file: that is what Excel and ``rank`` both read."""
    check_suffix(path, (".xlsx",), what="an Excel workbook")


def make_plan(criteria_path: Path | None, output: Path, *, criteria_file: str | None) -> TemplatePlan:
    """Load the criteria and the demo's public data, and plan the workbook."""
    criteria = load_criteria(criteria_path or default_criteria_path())
    demo = read_countries(demo_spreadsheet_path())
    return plan_template(criteria, demo, workbook=str(output), criteria_file=criteria_file)


def save_workbook(plan: TemplatePlan, output: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Build the workbook and write it atomically."""
    workbook = build_workbook(plan)
    record_command(workbook)

    def writer(tmp: Path) -> None:
        workbook.save(tmp)
        fix_zip_times(tmp)  # same bytes on every run, as every other .xlsx

    write_atomic(output, writer, force=force, inputs=inputs)


def describe_columns(plan: TemplatePlan) -> list[str]:
    """One line per column, for --verbose."""
    lines = []
    for c in plan.columns:
        state = "to fill" if c.to_fill else "pre-filled"
        allowed = f"; {allowed_text_of(c)}" if c.role == "indicator" else ""
        lines.append(f"  {c.name}: {c.role}, {state}{allowed}")
    return lines


@click.command("template")
@criteria_option()
@output_options(help="The workbook to write (.xlsx).", required=True)
@click.option(
    "--judgements",
    is_flag=True,
    help="Write a judgement workbook instead: one sheet per stakeholder to weigh the criteria (read by `weights`).",
)
@click.option(
    "--stakeholder",
    "stakeholders",
    multiple=True,
    metavar="NAME",
    help="With --judgements: one sheet for NAME (repeat; default: Stakeholder 1 to 5).",
)
@click.option(
    "--evidence",
    "evidence_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Pre-fill the government-interest column with the levels an evidence file from `unct-scorer evidence` "
    "suggests (.csv/.json/.xlsx), each marked as a suggestion in the column beside it.",
)
@example(
    """
unct-scorer template -o countries.xlsx
unct-scorer template -c my-criteria.yaml -o countries.xlsx
unct-scorer rank countries.xlsx -c my-criteria.yaml    # once it is filled in
unct-scorer template -o countries.xlsx --evidence evidence.csv
unct-scorer template --judgements --stakeholder Ana --stakeholder Bo -o judgements.xlsx
"""
)
def command(
    criteria_path: Path | None,
    output: Path,
    force: bool,
    judgements: bool,
    stakeholders: tuple[str, ...],
    evidence_path: Path | None,
) -> None:
    """Write a data-entry workbook for the criteria file.

    One row per country with a UN Country Team (the 162 of the bundled demo,
    then the 3 states without one through which territories' treaties apply),
    with id, name, region and the public columns the criteria need pre-filled
    from real public data. The columns the public data lacks (such as WIPO's
    engagement and the government's interest in IP) are empty and yellow: fill
    them in Excel, where each header explains its column and drop-down lists
    and number checks catch typing mistakes. The sheet "How to fill" gives the
    one command that ranks the filled-in workbook.
    """
    check_xlsx(output)
    inputs = (criteria_path,) if criteria_path else ()
    check_target(output, force=force, inputs=inputs)
    if judgements or stakeholders:
        from scorer.cli.weights import write_judgement_template

        write_judgement_template(criteria_path, output, force=force, stakeholders=stakeholders)
        return
    plan = make_plan(criteria_path, output, criteria_file=str(criteria_path) if criteria_path else None)
    if evidence_path is not None:
        from scorer.evidence.merge import prefill_template
        from scorer.io.evidence_file import read_levels

        column, _levels, _policy, suggested = read_levels(
            evidence_path, load_criteria(criteria_path or default_criteria_path())
        )
        plan = prefill_template(plan, suggested, column=column, source=evidence_path.name)
        inputs = (*inputs, evidence_path)
        note(plan.notes[-1])
    save_workbook(plan, output, force=force, inputs=inputs)
    fill = [c.name for c in plan.to_fill]
    note_written(
        f"Wrote {output}: {plan.n_countries} countries, {len(plan.columns)} columns"
        + (f", {len(fill)} to fill in ({', '.join(fill)})." if fill else ", all pre-filled.")
    )
    if is_verbose():
        for line in [*describe_columns(plan), *plan.notes]:
            note(line)
    note_written(
        "Next: open it in Excel and fill in the yellow columns (the sheet 'How to fill' explains them); then run:"
    )
    note_written(f"  {plan.rank_command}")
