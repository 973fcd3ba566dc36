"""Starter files built from a criteria file: the data-entry workbook and its help.

A new user's first job is to collect the inputs that have no public source
(WIPO's engagement in a country, the government's interest in IP). The
criteria file already says which columns are needed, their units, levels and
bounds, so the workbook is generated from it: :func:`plan_template` decides
the columns (pre-filled from the demo's real public data, or left empty to be
filled), their header notes and their Excel validations;
:func:`scorer.starter.workbook.build_workbook` turns that plan into an
in-memory openpyxl workbook, and :mod:`scorer.starter.text` writes the
how-to page and the starter criteria file. Saving is the edge's job.

The data sheet ``Countries`` comes first, so ``read_countries`` reads it with
no ``--sheet``; the ``How to fill`` sheet comes second but is the sheet Excel
opens on. Columns named ``illustrative_<col>`` in the demo are random
stand-ins, never copied: the template has an empty ``<col>`` instead; a demo
column left blank for the user's own rating is likewise one to fill in.

"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from scorer.core.normalisation import method_of
from scorer.model.criteria import (
    Criteria,
    Criterion,
    Direction,
    EligibilityRule,
    Indicator,
    MissingPolicy,
)
from scorer.prepare.cells import clean_text, is_missing, parse_number
from scorer.render.formatting import plain_number

DATA_SHEET = "Countries"
HELP_SHEET = "How to fill"
LISTS_SHEET = "Lists"
ILLUSTRATIVE_PREFIX = "illustrative_"
VALIDATED_ROWS = 2000
"""Validations reach this spreadsheet row, so countries added below the 162 are checked too."""

Role = Literal["id", "name", "context", "indicator", "group", "eligibility", "territory"]

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
    n_eligible: int | None = None
    """How many rows the criteria file's eligibility rules admit (None when a rule's column is not pre-filled)."""

    def rows_sentence(self) -> str:
        """How many rows the workbook has and how many of them are ranked, in words.

        >>> TemplatePlan("p", 165, (), "c.xlsx", None, n_eligible=162).rows_sentence()
        '165 rows, one per country or territory; 162 of them pass the eligibility rules and are ranked'
        """
        text = f"{self.n_countries} rows, one per country or territory"
        if self.n_eligible is not None and self.n_eligible != self.n_countries:
            text += f"; {self.n_eligible} of them pass the eligibility rules and are ranked"
        return text

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
    source = _Demo(demo)
    columns: dict[str, TemplateColumn] = {}
    for column in (
        *_reading_columns(criteria, source, context_columns),
        *_indicator_columns(criteria, source),
        *_group_columns(criteria, source),
        *_eligibility_columns(criteria, source),
        *_territory_columns(criteria, source),
    ):
        columns.setdefault(column.name, column)  # a column used twice appears once, where first met
    stand_ins = sorted(c.name for c in columns.values() if c.to_fill and ILLUSTRATIVE_PREFIX + c.name in source)
    notes = []
    if stand_ins:
        notes.append(
            "The bundled demo only has made-up stand-ins for "
            + ", ".join(stand_ins)
            + " (columns illustrative_...); they are random, so these columns are left empty here."
        )
    gate_columns = [rule.column for rule in criteria.eligibility]
    n_eligible = None
    if all(column in source for column in gate_columns):
        from scorer.core.eligibility import eligibility_reasons

        n_eligible = sum(not reasons for reasons in eligibility_reasons(demo, list(criteria.eligibility)))
    return TemplatePlan(
        criteria_name=criteria.name,
        n_countries=source.n,
        n_eligible=n_eligible,
        columns=tuple(columns.values()),
        workbook=workbook,
        criteria_file=criteria_file,
        criterion_ids=tuple(criteria.criteria),
        notes=tuple(notes),
    )


class _Demo:
    """The demo sheet a template copies public data from: its columns, and a column's cells as text."""

    def __init__(self, demo: pd.DataFrame):
        self.frame = demo
        self.columns = {str(c) for c in demo.columns}
        self.n = len(demo)
        self.blank: tuple[Any, ...] = (None,) * self.n

    def __contains__(self, column: str) -> bool:
        return column in self.columns

    def text(self, column: str) -> tuple[Any, ...]:
        """The column's cells as clean text (None when blank), or blanks when the demo lacks it."""
        if column not in self.columns:
            return self.blank
        return tuple(None if is_missing(v) else clean_text(v) for v in self.frame[column])

    def has_data(self, column: str) -> bool:
        """The demo has the column and at least one of its cells is filled."""
        return column in self.columns and not self.frame[column].map(is_missing).all()


def _reading_columns(criteria: Criteria, demo: _Demo, context_columns: Sequence[str]) -> list[TemplateColumn]:
    """The id, the name and the context columns (region, ...): for reading, copied from the demo."""
    id_source = criteria.id_column if criteria.id_column in demo else "iso3"
    if id_source not in demo:
        raise ValueError(f"the demo should have a column {criteria.id_column!r} or 'iso3', but it has neither")
    note = "Country id (ISO 3166 alpha-3 code). Do not change it."
    out = [TemplateColumn(criteria.id_column, "id", False, note, values=demo.text(id_source), title="Country id")]
    if criteria.name_column:
        name_source = criteria.name_column if criteria.name_column in demo else "name"
        if name_source in demo:
            note = "Country or territory name (for reading only)."
            values = demo.text(name_source)
            out.append(TemplateColumn(criteria.name_column, "name", False, note, values=values, title="Name"))
    for context in context_columns:
        if context in demo:
            note = f"{context.replace('_', ' ').capitalize()}, from UN M49 (for reading and sorting)."
            out.append(TemplateColumn(context, "context", False, note, values=demo.text(context), title=context))
    return out


def _indicator_columns(criteria: Criteria, demo: _Demo) -> list[TemplateColumn]:
    """One column per indicator: those to fill in first, then those pre-filled from the demo's public data."""
    out = []
    for cid, iid, ind in criteria.indicator_items():
        # A column the demo has but leaves blank (the user's own rating) is one to fill in.
        real = demo.has_data(ind.column)
        out.append(
            TemplateColumn(
                ind.column,
                "indicator",
                not real,
                _indicator_note(ind, criteria.criteria[cid], iid, real=real),
                _indicator_validation(ind),
                _indicator_values(demo.frame[ind.column], ind) if real else demo.blank,
                ind.label or ind.column,
            )
        )
    return sorted(out, key=lambda c: not c.to_fill)


def _group_columns(criteria: Criteria, demo: _Demo) -> list[TemplateColumn]:
    """The group columns of ``missing: group_mean`` indicators."""
    out = []
    for _cid, _iid, ind in criteria.indicator_items():
        group = ind.missing_group
        if group:
            note = f"Group used to fill blank '{ind.column}' cells with the group's mean."
            out.append(TemplateColumn(group, "group", group not in demo, note, values=demo.text(group), title=group))
    return out


def _eligibility_columns(criteria: Criteria, demo: _Demo) -> list[TemplateColumn]:
    """The columns the eligibility rules read."""
    return [
        TemplateColumn(
            rule.column,
            "eligibility",
            rule.column not in demo,
            _eligibility_note(rule),
            _eligibility_validation(rule),
            demo.text(rule.column),
            rule.column,
        )
        for rule in criteria.eligibility
    ]


def _territory_columns(criteria: Criteria, demo: _Demo) -> list[TemplateColumn]:
    """The column naming the state a territory's values apply through (the criteria's ``territory_rule``)."""
    territory = criteria.territory_rule
    if territory is None:
        return []
    note = (
        "For a territory whose values apply through a state: that state's id (its row must be in the "
        f"sheet); blank otherwise. Blank cells of {', '.join(territory.indicators)} then take the "
        "state's value."
    )
    return [
        TemplateColumn(territory.column, "territory", False, note, None, demo.text(territory.column), territory.column)
    ]


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
        f"The sheet '{DATA_SHEET}' has {plan.rows_sentence()}. Fill in the yellow columns; the grey ones "
        "are already filled from public data and may be corrected.",
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
