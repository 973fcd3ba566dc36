"""Starter files built from a criteria file: the data-entry workbook and its help.

A new user's first job is to collect the inputs that have no public source
(WIPO's engagement in a country, the government's interest in IP). The
criteria file already says which columns are needed, their units, levels and
bounds, so the workbook is generated from it: :func:`plan_template` decides
the columns (pre-filled from the demo's real public data, or left empty to be
filled), their header notes and their Excel validations; :func:`build_workbook`
turns that plan into an in-memory openpyxl workbook. Saving is the edge's job.

The data sheet ``Countries`` comes first, so ``read_countries`` reads it with
no ``--sheet``; the ``How to fill`` sheet comes second but is the sheet Excel
opens on. Columns named ``illustrative_<col>`` in the demo are random
stand-ins, never copied: the template has an empty ``<col>`` instead; a demo
column left blank for the user's own rating is likewise one to fill in.

:func:`criteria_key_reference` lists every key of a criteria file from the
model's own field descriptions, for the comment block ``unct-scorer init``
puts at the top of a starter criteria file.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
from pydantic import BaseModel

from scorer.cells import clean_text, is_missing, parse_number
from scorer.criteria import (
    Criteria,
    Criterion,
    Direction,
    EligibilityRule,
    Indicator,
    MissingPolicy,
)
from scorer.formatting import plain_number
from scorer.normalisation import method_of

if TYPE_CHECKING:
    from openpyxl import Workbook

DATA_SHEET = "Countries"
HELP_SHEET = "How to fill"
LISTS_SHEET = "Lists"
ILLUSTRATIVE_PREFIX = "illustrative_"
VALIDATED_ROWS = 2000
"""Validations reach this spreadsheet row, so countries added below the 162 are checked too."""

Role = Literal["id", "name", "context", "indicator", "group", "eligibility", "territory"]

_FILL_COLOUR = "FFF2CC"
_PUBLIC_COLOUR = "EDEDED"
_MISSING_WORDS = {
    MissingPolicy.error: "must be filled in: a blank cell stops the ranking with an error naming its row",
    MissingPolicy.zero: "a blank cell counts as 0",
    MissingPolicy.worst: "a blank cell counts as the worst value entered for any country",
    MissingPolicy.mean: "a blank cell gets the mean of the values entered for the other countries",
    MissingPolicy.median: "a blank cell gets the median of the values entered for the other countries",
    MissingPolicy.group_mean: "a blank cell gets the mean of the countries with the same {group}",
    MissingPolicy.reweight: (
        "a blank cell is allowed: this indicator is left out for that country and the other "
        "indicators of its criterion count more"
    ),
}


@dataclass(frozen=True)
class Validation:
    """An Excel data-validation rule for one column.

    ``kind`` is ``list`` (a drop-down of ``options``) or ``decimal`` (a number
    between ``minimum`` and ``maximum``, either may be open). A ``strict``
    rule refuses a bad value; a non-strict one only warns (goalposts: values
    beyond the goalposts are valid and count as the goalpost).
    """

    kind: Literal["list", "decimal"]
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    strict: bool = True
    message: str = ""


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the data sheet: its header, role, note, validation and values.

    ``values`` has one entry per country (``None`` is a blank cell); a column
    to fill in has only blanks.
    """

    name: str
    role: Role
    to_fill: bool
    note: str
    validation: Validation | None = None
    values: tuple[Any, ...] = ()
    title: str = ""


@dataclass(frozen=True)
class TemplatePlan:
    """What the data-entry workbook holds, decided from a criteria file and the demo."""

    criteria_name: str
    n_countries: int
    columns: tuple[TemplateColumn, ...]
    workbook: str
    criteria_file: str | None
    criterion_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def command(self, verb: str, *before: str) -> str:
        """The command line running ``verb`` on this workbook and criteria file.

        >>> TemplatePlan("x", 1, (), "my data.xlsx", "c.yaml").command("rank")
        'unct-scorer rank "my data.xlsx" -c c.yaml'
        """
        return command_line(verb, self.workbook, self.criteria_file, *before)

    @property
    def rank_command(self) -> str:
        """The one command that ranks the filled-in workbook."""
        return self.command("rank")

    @property
    def report_command(self) -> str:
        """The command that writes the report (the deliverable) of the filled-in workbook."""
        return self.command("report") + " -o report.html"

    @property
    def validate_command(self) -> str:
        """The command that lists every problem of the filled-in workbook."""
        return self.command("validate")

    @property
    def to_fill(self) -> list[TemplateColumn]:
        """The columns the user has to fill in (empty in the workbook)."""
        return [c for c in self.columns if c.to_fill]

    @property
    def prefilled(self) -> list[TemplateColumn]:
        """The columns copied from the demo's public data."""
        return [c for c in self.columns if not c.to_fill]


def quote_arg(text: str) -> str:
    """Quote a command-line argument only when needed, the same way in every shell.

    >>> quote_arg("countries.xlsx"), quote_arg("my data.xlsx")
    ('countries.xlsx', '"my data.xlsx"')
    """
    safe = text and all(ch.isalnum() or ch in "-_./:\\+=@," for ch in text)
    return text if safe else '"' + text.replace('"', '\\"') + '"'


def command_line(verb: str, workbook: str, criteria_file: str | None, *before: str) -> str:
    """A ``unct-scorer`` command on a workbook (``criteria_file`` None: the bundled default).

    >>> command_line("explain", "countries.xlsx", "criteria.yaml", "DZA")
    'unct-scorer explain DZA countries.xlsx -c criteria.yaml'
    """
    parts = ["unct-scorer", verb, *(quote_arg(b) for b in before), quote_arg(workbook)]
    if criteria_file:
        parts += ["-c", quote_arg(criteria_file)]
    return " ".join(parts)


def plan_template(
    criteria: Criteria,
    demo: pd.DataFrame,
    *,
    workbook: str = "countries.xlsx",
    criteria_file: str | None = None,
    context_columns: Sequence[str] = ("region",),
) -> TemplatePlan:
    """Decide the workbook's columns from ``criteria`` and the demo's real data.

    Columns, left to right: id, name, the ``context_columns`` found in the
    demo, the indicator columns to fill in (the demo has no real data for
    them), the indicator columns pre-filled from the demo, the group columns
    of ``missing: group_mean``, and the eligibility columns. A column used
    twice appears once.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> plan.n_countries, [c.name for c in plan.to_fill]
    (165, ['wipo_engagement', 'gov_ip_interest'])
    """
    present = {str(c) for c in demo.columns}
    id_source = criteria.id_column if criteria.id_column in present else "iso3"
    if id_source not in present:
        raise ValueError(f"the demo should have a column {criteria.id_column!r} or 'iso3', but it has neither")
    n = len(demo)
    blank: tuple[Any, ...] = (None,) * n
    columns: dict[str, TemplateColumn] = {}

    def text_values(source: str) -> tuple[Any, ...]:
        return tuple(None if is_missing(v) else clean_text(v) for v in demo[source])

    def add(column: TemplateColumn) -> None:
        columns.setdefault(column.name, column)

    add(
        TemplateColumn(
            criteria.id_column,
            "id",
            False,
            "Country id (ISO 3166 alpha-3 code). Do not change it.",
            values=text_values(id_source),
            title="Country id",
        )
    )
    if criteria.name_column:
        name_source = criteria.name_column if criteria.name_column in present else "name"
        if name_source in present:
            add(
                TemplateColumn(
                    criteria.name_column,
                    "name",
                    False,
                    "Country or territory name (for reading only).",
                    values=text_values(name_source),
                    title="Name",
                )
            )
    for context in context_columns:
        if context in present:
            add(
                TemplateColumn(
                    context,
                    "context",
                    False,
                    f"{context.replace('_', ' ').capitalize()}, from UN M49 (for reading and sorting).",
                    values=text_values(context),
                    title=context,
                )
            )

    indicator_columns: list[TemplateColumn] = []
    for cid, iid, ind in criteria.indicator_items():
        # A column the demo has but leaves blank (the user's own rating) is one to fill in.
        real = ind.column in present and not demo[ind.column].map(is_missing).all()
        values = _indicator_values(demo[ind.column], ind) if real else blank
        indicator_columns.append(
            TemplateColumn(
                ind.column,
                "indicator",
                not real,
                _indicator_note(ind, criteria.criteria[cid], iid, real=real),
                _indicator_validation(ind),
                values,
                ind.label or ind.column,
            )
        )
    for column in sorted(indicator_columns, key=lambda c: not c.to_fill):
        add(column)
    for _cid, _iid, ind in criteria.indicator_items():
        group = ind.missing_group
        if group and group not in columns:
            real = group in present
            add(
                TemplateColumn(
                    group,
                    "group",
                    not real,
                    f"Group used to fill blank '{ind.column}' cells with the group's mean.",
                    values=text_values(group) if real else blank,
                    title=group,
                )
            )
    for rule in criteria.eligibility:
        if rule.column in columns:
            continue
        real = rule.column in present
        add(
            TemplateColumn(
                rule.column,
                "eligibility",
                not real,
                _eligibility_note(rule),
                _eligibility_validation(rule),
                text_values(rule.column) if real else blank,
                rule.column,
            )
        )
    territory = criteria.territory_rule
    if territory is not None and territory.column not in columns:
        real = territory.column in present
        add(
            TemplateColumn(
                territory.column,
                "territory",
                False,
                "For a territory whose values apply through a state: that state's id (its row must be in the "
                f"sheet); blank otherwise. Blank cells of {', '.join(territory.indicators)} then take the "
                "state's value.",
                None,
                text_values(territory.column) if real else blank,
                territory.column,
            )
        )
    notes = []
    stand_ins = sorted(c.name for c in columns.values() if c.to_fill and ILLUSTRATIVE_PREFIX + c.name in present)
    if stand_ins:
        notes.append(
            "The bundled demo only has made-up stand-ins for "
            + ", ".join(stand_ins)
            + " (columns illustrative_...); they are random, so these columns are left empty here."
        )
    return TemplatePlan(
        criteria_name=criteria.name,
        n_countries=n,
        columns=tuple(columns.values()),
        workbook=workbook,
        criteria_file=criteria_file,
        criterion_ids=tuple(criteria.criteria),
        notes=tuple(notes),
    )


def _indicator_values(series: pd.Series, ind: Indicator) -> tuple[Any, ...]:
    """Demo cells as Excel should hold them: numbers as numbers, the rest as text."""
    out: list[Any] = []
    numeric = method_of(ind).cell_rule(ind).kind == "decimal"
    for raw in series:
        if is_missing(raw):
            out.append(None)
            continue
        cell = parse_number(raw) if numeric else None
        if cell is not None and cell.kind == "value" and cell.value is not None:
            value = cell.value
            out.append(int(value) if value.is_integer() and abs(value) < 2**53 else value)
        else:
            out.append(clean_text(raw))
    return tuple(out)


def allowed_text(ind: Indicator) -> str:
    """The values an indicator accepts, in plain words.

    >>> allowed_text(Indicator(column="x", normalisation="ordinal", levels={"low": 0, "high": 1}))
    'one of: low, high (pick from the drop-down list)'
    >>> allowed_text(Indicator(column="x", zero_tokens=["nil"], not_applicable={"tokens": ["n/app"]}))
    "a number; also 'nil' (means 0), 'n/app' (not applicable)"
    """
    text = method_of(ind).cell_rule(ind).allowed
    extra = [f"'{t}' (means 0)" for t in ind.zero_tokens or []]
    extra += [f"'{t}' (not applicable)" for t in (ind.not_applicable.tokens if ind.not_applicable else [])]
    return text + ("; also " + ", ".join(extra) if extra else "")


def _tokens(ind: Indicator) -> tuple[str, ...]:
    """Texts the indicator accepts besides its values: true zeros, then not-applicable markers."""
    tokens = [*(ind.zero_tokens or []), *(ind.not_applicable.tokens if ind.not_applicable else [])]
    return tuple(dict.fromkeys(tokens))


def _indicator_note(ind: Indicator, crit: Criterion, iid: str, *, real: bool) -> str:
    better = "higher is better" if ind.direction is Direction.higher else "lower is better"
    lines = [f"{ind.label or ind.column} ({better})"]
    if ind.description:
        lines.append(ind.description)
    if ind.unit:
        lines.append(f"Unit: {ind.unit}")
    lines.append(f"Allowed: {allowed_text(ind)}")
    worst = method_of(ind).worst_possible(ind) if ind.missing is MissingPolicy.worst else None
    unknown = f"a blank cell counts as {worst[1]}" if worst else _MISSING_WORDS[ind.missing]
    lines.append("If unknown: " + unknown.format(group=ind.missing_group or "group"))
    lines.append(f"Criterion: {crit.label} ({crit.cites}); indicator id {iid}")
    if real:
        origin = f": {ind.source}" if ind.source else ""
        lines.append(f"Pre-filled from public data{origin}; you may correct it.")
    elif ind.source:
        lines.append(f"Source: {ind.source}")
    return "\n".join(lines)


def _indicator_validation(ind: Indicator) -> Validation:
    """The column's Excel rule: the normalisation method's rule, widened by the indicator's extra tokens."""
    tokens = _tokens(ind)
    rule = method_of(ind).cell_rule(ind)
    if rule.kind == "list":
        options = tuple(dict.fromkeys([*rule.options, *tokens]))
        return Validation("list", options, message="Pick one of: " + ", ".join(options) + ".")
    # Excel's number check refuses text, so a column that also takes words only warns
    return Validation(
        "decimal",
        minimum=rule.minimum,
        maximum=rule.maximum,
        strict=rule.strict and not tokens,
        message=f"Type {allowed_text(ind)}.",
    )


def _eligibility_note(rule: EligibilityRule) -> str:
    tests: list[str] = []
    if rule.equals is not None:
        tests.append(f"{rule.column} is {_shown(rule.equals)}")
    if rule.not_equals is not None:
        tests.append(f"{rule.column} is not {_shown(rule.not_equals)}")
    if rule.in_ is not None:
        tests.append(f"{rule.column} is one of " + ", ".join(_shown(v) for v in rule.in_))
    if rule.not_in is not None:
        tests.append(f"{rule.column} is none of " + ", ".join(_shown(v) for v in rule.not_in))
    if rule.min is not None:
        tests.append(f"{rule.column} is at least {plain_number(rule.min)}")
    if rule.max is not None:
        tests.append(f"{rule.column} is at most {plain_number(rule.max)}")
    if rule.not_missing:
        tests.append(f"{rule.column} is not blank")
    return (
        f"Eligibility: a country is ranked only if {' and '.join(tests) or 'it passes'}; "
        f"otherwise it is excluded with the reason: {rule.reason}."
    )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _eligibility_validation(rule: EligibilityRule) -> Validation | None:
    if any(isinstance(v, bool) for v in (rule.equals, rule.not_equals)):
        return Validation("list", ("yes", "no"), message="Pick yes or no.")
    if rule.min is not None or rule.max is not None:
        return Validation("decimal", message="Type a number.")
    return None


def help_lines(plan: TemplatePlan) -> list[str]:
    """The plain-words text of the ``How to fill`` sheet, one paragraph per line.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> help_lines(plan)[-1]
    'unct-scorer rank countries.xlsx'
    """
    fill = plan.to_fill
    lines = [
        f"How to fill this workbook ({plan.criteria_name})",
        f"The sheet '{DATA_SHEET}' has one row per country or territory with a UN Country Team "
        f"({plan.n_countries} rows). Fill in the yellow columns; the grey ones are already filled from "
        "public data and may be corrected.",
        "Point at a column's header to read what it measures, its unit and its allowed values. Columns "
        "with a fixed list of values have a drop-down list in each cell; number columns refuse text.",
        "",
        "Columns to fill in:",
    ]
    for c in fill:
        first = c.note.split("\n")
        allowed = next((x.removeprefix("Allowed: ") for x in first if x.startswith("Allowed: ")), "any value")
        unknown = next((x.removeprefix("If unknown: ") for x in first if x.startswith("If unknown: ")), "")
        lines.append(f"  {c.name}: {c.title}. Allowed: {allowed}." + (f" If unknown: {unknown}." if unknown else ""))
    if not fill:
        lines.append("  none: every column the criteria need is pre-filled; check and correct them.")
    lines += [
        "",
        "Rules that keep the workbook readable by unct-scorer:",
        f"  Keep '{DATA_SHEET}' the first sheet and its header in row 1; do not rename or delete columns.",
        "  You may add columns of your own and sort the rows; you may add countries below the last row.",
        '  Type values, not formulas that return text such as "N/A"; a blank cell means unknown.',
        "  Save as .xlsx (File > Save As > Excel Workbook).",
        "",
        "To find any mistake before ranking, run (problems are listed with their row number and column):",
        plan.validate_command,
        "",
        "Then rank the countries with this one command:",
        plan.rank_command,
    ]
    return lines


def build_workbook(plan: TemplatePlan) -> Workbook:
    """The data-entry workbook, in memory: sheet ``Countries`` first, ``How to fill`` second (shown on opening).

    Text cells are stored as text, never as formulas, whatever they start with.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> build_workbook(plan).sheetnames
    ['Countries', 'How to fill']
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    n = plan.n_countries
    fills = {True: PatternFill("solid", fgColor=_FILL_COLOUR), False: PatternFill("solid", fgColor=_PUBLIC_COLOUR)}
    lists_ws = None
    for j, col in enumerate(plan.columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(row=1, column=j)
        _set_text(head, col.name)
        head.font = Font(bold=True)
        head.fill = fills[col.to_fill]
        comment = Comment(col.note, "unct-scorer")
        comment.width = 360
        comment.height = 22 * (2 + sum(1 + len(line) // 55 for line in col.note.split("\n")))
        head.comment = comment
        for i, value in enumerate(col.values, start=2):
            cell = ws.cell(row=i, column=j)
            if isinstance(value, str):
                _set_text(cell, value)
            elif value is not None:
                cell.value = value
            if col.to_fill:
                cell.fill = fills[True]
        width = max([len(col.name), *(len(str(v)) for v in col.values[:200] if v is not None)])
        ws.column_dimensions[letter].width = min(40, max(10, width + 3))
        if col.validation is not None:
            if col.validation.kind == "list" and not _inline_list_ok(col.validation.options):
                if lists_ws is None:
                    lists_ws = wb.create_sheet(LISTS_SHEET)
                    lists_ws.sheet_state = "hidden"
                list_col = lists_ws.max_column + (1 if lists_ws.max_row > 1 or lists_ws["A1"].value else 0)
                for r, option in enumerate(col.validation.options, start=1):
                    _set_text(lists_ws.cell(row=r, column=list_col), option)
                lc = get_column_letter(list_col)
                source = f"{LISTS_SHEET}!${lc}$1:${lc}${len(col.validation.options)}"
            else:
                source = None
            dv = _data_validation(col.validation, source)
            dv.add(f"{letter}2:{letter}{max(VALIDATED_ROWS, n + 1)}")
            ws.add_data_validation(dv)
    if plan.columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(plan.columns))}{n + 1}"
    frozen = 2 if len(plan.columns) > 1 and plan.columns[1].role == "name" else 1
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}2"

    help_ws = wb.create_sheet(HELP_SHEET, index=1)
    help_ws.column_dimensions["A"].width = 110
    commands = {plan.rank_command, plan.validate_command}
    for i, line in enumerate(help_lines(plan), start=1):
        cell = help_ws.cell(row=i, column=1)
        _set_text(cell, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = Font(bold=True, size=14)
        elif line in commands:
            cell.font = Font(name="Consolas", bold=True)
        elif line.endswith(":") and not line.startswith(" "):
            cell.font = Font(bold=True)
    wb.active = wb.sheetnames.index(HELP_SHEET)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == HELP_SHEET
    wb.properties.creator = "unct-scorer"
    wb.properties.title = f"Data entry: {plan.criteria_name}"
    return wb


def _set_text(cell: Any, text: str) -> None:
    """Store text as text: a leading '=' must not turn it into a formula."""
    cell.value = text
    cell.data_type = "s"


def _inline_list_ok(options: Sequence[str]) -> bool:
    """Excel's inline list: comma-separated, no quotes, at most 255 characters."""
    joined = ",".join(options)
    return len(joined) <= 250 and not any("," in o or '"' in o for o in options)


def _number(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else "0"


def _data_validation(rule: Validation, source: str | None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    style = "stop" if rule.strict else "warning"
    if rule.kind == "list":
        formula = source or '"' + ",".join(rule.options) + '"'
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, errorStyle=style)
    elif rule.minimum is not None and rule.maximum is not None:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1=_number(rule.minimum),
            formula2=_number(rule.maximum),
            allow_blank=True,
            errorStyle=style,
        )
    elif rule.minimum is not None:
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1=_number(rule.minimum),
            allow_blank=True,
            errorStyle=style,
        )
    elif rule.maximum is not None:
        dv = DataValidation(
            type="decimal",
            operator="lessThanOrEqual",
            formula1=_number(rule.maximum),
            allow_blank=True,
            errorStyle=style,
        )
    else:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+300",
            formula2="1E+300",
            allow_blank=True,
            errorStyle=style,
        )
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.errorTitle = "Not an allowed value"[:32]
    dv.error = rule.message[:225]
    dv.promptTitle = "Allowed values"
    dv.prompt = rule.message[:250]
    return dv


def howto_markdown(
    plan: TemplatePlan,
) -> str:
    """The short ``HOW-TO.md`` of a starter folder.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> howto_markdown(plan).splitlines()[0]
    '# How to rank the UN Country Teams to join'
    """
    rows = [f"| `{c.name}` | {c.title} | {allowed_text_of(c)} |" for c in plan.to_fill] or [
        "| (none) | every column is pre-filled | |"
    ]
    rank, validate = plan.rank_command, plan.validate_command
    workbook = plan.workbook
    criteria_file = f"`{plan.criteria_file}`" if plan.criteria_file else "the bundled default criteria file"
    ids = plan.columns[0].values if plan.columns else ()
    country = "DZA" if "DZA" in ids else next((str(v) for v in ids if v), "COUNTRY")
    weight = f"{plan.criterion_ids[0]}=0.5" if plan.criterion_ids else "CRITERION=0.5"
    listed = next((c for c in plan.to_fill if c.validation is not None and c.validation.kind == "list"), None)
    example = [
        "`validate` lists every problem in one table: row number, column, the value found, the problem "
        "and a suggested fix. `rank` stops at bad data with lines such as"
    ]
    if listed is not None and listed.validation is not None:
        example.append(
            f"`Error: {workbook}: row 7: column '{listed.name}': should be one of "
            f"{', '.join(listed.validation.options)}, but it is 'maybe'`."
        )
    else:
        example.append(f"`Error: {workbook}: row 7: column 'x': should be a number, but it is 'ten'`.")
    return "\n".join(
        [
            "# How to rank the UN Country Teams to join",
            "",
            f"This folder holds a criteria file ({criteria_file}) and a data-entry workbook "
            f"(`{workbook}`) with one row for each of the {plan.n_countries} countries and territories "
            "with a UN Country Team. Run the commands below in this folder.",
            "",
            "## 1. Fill in the workbook",
            "",
            f"Open `{workbook}` in Excel. Fill in the yellow columns of the sheet `{DATA_SHEET}`; point at "
            "a header to read what it means. The grey columns are pre-filled from public data.",
            "",
            "| column | what | allowed values |",
            "|---|---|---|",
            *rows,
            "",
            f"Keep the sheet `{DATA_SHEET}` first and its header in row 1. A blank cell means unknown.",
            "",
            "## 2. Check it",
            "",
            "```sh",
            validate,
            "```",
            "",
            *example,
            "",
            "## 3. Rank",
            "",
            "```sh",
            rank,
            f"{rank} -o ranking.xlsx    # save the full result",
            f"{plan.command('explain', country)}    # one country, indicator by indicator",
            "```",
            "",
            "## 4. Write the report",
            "",
            "The report is the deliverable: one self-contained HTML page (ranking, each country's "
            "contributions, the criteria and weights, data quality, what would change the list) to email "
            "or open offline.",
            "",
            "```sh",
            plan.report_command,
            "```",
            "",
            "In a folder made by `unct-scorer init`, the file `unct-scorer.toml` names the criteria file and "
            "the workbook, so `unct-scorer validate`, `unct-scorer rank` and `unct-scorer report -o report.html` "
            "work without naming them; `-c FILE` or a SPREADSHEET on the command line always wins.",
            "",
            "## 5. Tune the criteria",
            "",
            f"{criteria_file[:1].upper()}{criteria_file[1:]} says which columns count, how, and how much; "
            "its opening comments explain "
            "every key. Change a weight, a level or a tier there, then rank again. To try a weight without "
            f"editing the file: `{rank} -w {weight}`.",
            "",
            "`unct-scorer --help` lists every command; `unct-scorer COMMAND --help` explains one.",
            "",
        ]
    )


def allowed_text_of(column: TemplateColumn) -> str:
    """The allowed values of a template column, read from its note.

    >>> allowed_text_of(TemplateColumn("x", "indicator", True, "X\\nAllowed: a number"))
    'a number'
    """
    for line in column.note.split("\n"):
        if line.startswith("Allowed: "):
            return line.removeprefix("Allowed: ")
    return "any value"


_KEY_HELP = {
    "version": "Format version of the file; always 1.",
    "name": "Short name of this criteria profile, shown in every output.",
    "description": "Free text: what this profile is for.",
    "aggregation": "How criteria combine into the score.",
    "criteria": "The decision criteria, by id; each has a label, a paragraph cited, a weight and indicators.",
    "criteria.<id>.description": "Free text about the criterion.",
    "criteria.<id>.indicators": "The spreadsheet columns measuring the criterion, by indicator id.",
    "eligibility": "Gates, each a column and one test; a country failing any gate is excluded, with the reason.",
    "eligibility[].column": "The column tested.",
    "eligibility[].equals": "Eligible only if the cell equals this value (yes/no for true/false).",
    "eligibility[].not_equals": "Eligible only if the cell differs from this value.",
    "eligibility[].in": "Eligible only if the cell is one of these values.",
    "eligibility[].not_in": "Eligible only if the cell is none of these values.",
    "eligibility[].min": "Eligible only if the cell is a number >= min.",
    "eligibility[].max": "Eligible only if the cell is a number <= max.",
    "eligibility[].not_missing": "true: eligible only if the cell is not blank.",
    "tiers[].name": "Name of the tier, e.g. join.",
    "tiers[].top": "Countries ranked N or better fall in this tier.",
    "tiers[].min_score": "Countries scoring at least this fall in this tier.",
    "tiers[].description": "What the tier means, shown in reports.",
}


def criteria_key_reference() -> list[tuple[str, str]]:
    """Every key a criteria file may hold, with its meaning, read from the model.

    Descriptions come from the pydantic fields of :mod:`scorer.criteria`
    (a few plain fields without one use a short text kept here), enum
    choices from the enums, so the list follows the model.

    >>> dict(criteria_key_reference())["criteria.<id>.indicators.<id>.direction"]
    'higher (more is better) or lower (less is better, a cost). One of: higher, lower.'
    """
    out: list[tuple[str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = info.alias or name
            path = f"{prefix}{key}"
            text = info.description or _KEY_HELP.get(path, "")
            choices = _enum_choices(info.annotation)
            if choices:
                one_of = f"One of: {', '.join(choices)}."
                text = f"{text.rstrip('.')}. {one_of}" if text else one_of
            out.append((path, text))
            nested = _nested_model(info.annotation)
            if nested is not None and nested[0] is not model:  # a criterion's sub-criteria repeat its keys
                walk(nested[0], f"{path}{nested[1]}")

    walk(Criteria, "")
    return out


def _unwrap(annotation: Any) -> list[Any]:
    """The types inside ``X | None`` and ``Annotated[X, ...]``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg) if t is not type(None)]
    return [annotation]


def _nested_model(annotation: Any) -> tuple[type[BaseModel], str] | None:
    """A model nested in a field, and how its keys are written: ``.``, ``.<id>.`` (mapping) or ``[].`` (list)."""
    for candidate in _unwrap(annotation):
        origin, args = typing.get_origin(candidate), typing.get_args(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate, "."
        if origin is dict and args:
            inner = [t for t in _unwrap(args[-1]) if isinstance(t, type) and issubclass(t, BaseModel)]
            if inner:
                return inner[0], ".<id>."
        if origin in (list, tuple) and args:
            inner = [t for t in _unwrap(args[0]) if isinstance(t, type) and issubclass(t, BaseModel)]
            if inner:
                return inner[0], "[]."
    return None


def _enum_choices(annotation: Any) -> list[str]:
    for candidate in _unwrap(annotation):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return [str(m.value) for m in candidate]
    return []


def criteria_header(*, version: str) -> str:
    """A YAML comment block explaining every key, for the top of a starter criteria file.

    >>> criteria_header(version="0.1.0").splitlines()[0]
    '# Criteria file for unct-scorer 0.1.0. Every key, in brief:'
    """
    import textwrap

    lines = [f"# Criteria file for unct-scorer {version}. Every key, in brief:", "#"]
    reference = criteria_key_reference()
    pad = max(len(key) for key, _text in reference)
    for key, text in reference:
        wrapped = textwrap.wrap(text, width=max(40, 118 - 6 - pad)) or [""]
        lines.append(f"#   {key:<{pad}}  {wrapped[0]}".rstrip())
        lines.extend(f"#   {'':<{pad}}  {more}" for more in wrapped[1:])
    lines += [
        "#",
        "# direction aliases: max, +, benefit mean higher; min, -, cost mean lower.",
        "# Weights are relative (they need not sum to 1). Check the file with: unct-scorer validate -c FILE",
        "",
    ]
    return "\n".join(lines) + "\n"


def starter_criteria_text(default_text: str, *, version: str) -> str:
    """The default criteria text with the key reference on top (the editor schema line dropped).

    >>> starter_criteria_text("# yaml-language-server: $schema=./schema.json\\nname: x\\n", version="1").endswith(
    ...     "name: x\\n")
    True
    """
    body = "\n".join(
        line for line in default_text.splitlines() if not line.startswith("# yaml-language-server:")
    ).lstrip("\n")
    return criteria_header(version=version) + body.rstrip("\n") + "\n"
