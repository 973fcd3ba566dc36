"""The words around a data-entry workbook: the how-to page and the starter criteria file.

:func:`howto_markdown` is the ``HOWTO.md`` that ``unct-scorer init`` writes
beside the workbook; :func:`criteria_key_reference` lists every key of a
criteria file from the model's own field descriptions, for the comment block
:func:`starter_criteria_text` puts at the top of a starter criteria file.
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic import BaseModel

from scorer.model.criteria import Criteria
from scorer.starter.data_entry import DATA_SHEET, TemplateColumn, TemplatePlan


def howto_markdown(
    plan: TemplatePlan,
) -> str:
    """The short ``HOW-TO.md`` of a starter folder.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> from scorer.starter.data_entry import plan_template
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> howto_markdown(plan).splitlines()[0]
    '# How to rank the UN Country Teams to join'
    """
    workbook = plan.workbook
    criteria_file = f"`{plan.criteria_file}`" if plan.criteria_file else "the bundled default criteria file"
    return "\n".join(
        [
            "# How to rank the UN Country Teams to join",
            "",
            f"This folder holds a criteria file ({criteria_file}) and a data-entry workbook "
            f"(`{workbook}`) with {plan.rows_sentence()}. Run the commands below in this folder.",
            "",
            *_fill_and_check(plan),
            *_rank_and_report(plan, criteria_file),
        ]
    )


def _fill_and_check(plan: TemplatePlan) -> list[str]:
    """Steps 1 and 2 of the how-to: the columns to fill in, and the command that checks them."""
    workbook = plan.workbook
    rows = [f"| `{c.name}` | {c.title} | {allowed_text_of(c)} |" for c in plan.to_fill] or [
        "| (none) | every column is pre-filled | |"
    ]
    listed = next((c for c in plan.to_fill if c.validation is not None and c.validation.kind == "list"), None)
    if listed is not None and listed.validation is not None:
        error = (
            f"`Error: {workbook}: row 7: column '{listed.name}': should be one of "
            f"{', '.join(listed.validation.options)}, but it is 'maybe'`."
        )
    else:
        error = f"`Error: {workbook}: row 7: column 'x': should be a number, but it is 'ten'`."
    return [
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
        plan.validate_command,
        "```",
        "",
        "`validate` lists every problem in one table: row number, column, the value found, the problem "
        "and a suggested fix. `rank` stops at bad data with lines such as",
        error,
        "",
    ]


def _rank_and_report(plan: TemplatePlan, criteria_file: str) -> list[str]:
    """Steps 3 to 5 of the how-to: rank, write the report, tune the criteria."""
    rank = plan.rank_command
    ids = plan.columns[0].values if plan.columns else ()
    country = "DZA" if "DZA" in ids else next((str(v) for v in ids if v), "COUNTRY")
    weight = f"{plan.criterion_ids[0]}=0.5" if plan.criterion_ids else "CRITERION=0.5"
    return [
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


def allowed_text_of(column: TemplateColumn) -> str:
    """The allowed values of a template column, read from its note.

    >>> allowed_text_of(TemplateColumn("x", "indicator", True, "X\\nAllowed: a number"))
    'a number'
    """
    for line in column.note.split("\n"):
        if line.startswith("Allowed: "):
            return line.removeprefix("Allowed: ")
    return "any value"


def criteria_key_reference() -> list[tuple[str, str]]:
    """Every key a criteria file may hold, with its meaning, read from the model.

    Descriptions come from the pydantic fields of :mod:`scorer.model.criteria`
    (one truth: every field carries its own description), enum choices from
    the enums, so the list follows the model.

    >>> dict(criteria_key_reference())["criteria.<id>.indicators.<id>.direction"]
    'higher (more is better) or lower (less is better, a cost). One of: higher, lower.'
    """
    out: list[tuple[str, str]] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = info.alias or name
            path = f"{prefix}{key}"
            text = info.description or ""
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
