"""The data-entry workbook of a :class:`~scorer.starter.data_entry.TemplatePlan`, in memory (openpyxl).

Sheet ``Countries`` first (so ``read_countries`` reads it with no
``--sheet``), ``How to fill`` second but shown on opening, and a hidden
``Lists`` sheet for drop-down lists too long to write inline. Saving is the
edge's job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scorer.starter.data_entry import (
    DATA_SHEET,
    HELP_SHEET,
    LISTS_SHEET,
    VALIDATED_ROWS,
    TemplateColumn,
    TemplatePlan,
    Validation,
    help_lines,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

_FILL_COLOUR = "FFF2CC"
_PUBLIC_COLOUR = "EDEDED"


def build_workbook(plan: TemplatePlan) -> Workbook:
    """The data-entry workbook, in memory: sheet ``Countries`` first, ``How to fill`` second (shown on opening).

    Text cells are stored as text, never as formulas, whatever they start with.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> from scorer.starter.data_entry import plan_template
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> build_workbook(plan).sheetnames
    ['Countries', 'How to fill']
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    n = plan.n_countries
    for j, col in enumerate(plan.columns, start=1):
        _write_column(ws, j, col)
        if col.validation is not None:
            letter = get_column_letter(j)
            dv = _data_validation(col.validation, _list_source(wb, col.validation))
            dv.add(f"{letter}2:{letter}{max(VALIDATED_ROWS, n + 1)}")
            ws.add_data_validation(dv)
    if plan.columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(plan.columns))}{n + 1}"
    frozen = 2 if len(plan.columns) > 1 and plan.columns[1].role == "name" else 1
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    _write_help(wb, plan)
    wb.active = wb.sheetnames.index(HELP_SHEET)
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet.title == HELP_SHEET
    wb.properties.creator = "unct-scorer"
    wb.properties.title = f"Data entry: {plan.criteria_name}"
    return wb


def _write_column(ws: Any, j: int, col: TemplateColumn) -> None:
    """Column ``j`` of the data sheet: its header (bold, coloured, with the note as a comment) and its cells."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    fill = PatternFill("solid", fgColor=_FILL_COLOUR if col.to_fill else _PUBLIC_COLOUR)
    head = ws.cell(row=1, column=j)
    _set_text(head, col.name)
    head.font = Font(bold=True)
    head.fill = fill
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
            cell.fill = fill
    width = max([len(col.name), *(len(str(v)) for v in col.values[:200] if v is not None)])
    ws.column_dimensions[get_column_letter(j)].width = min(40, max(10, width + 3))


def _list_source(wb: Workbook, rule: Validation) -> str | None:
    """Where a drop-down list's options are: None when inline, else a range of the hidden ``Lists`` sheet."""
    from openpyxl.utils import get_column_letter

    if rule.kind != "list" or _inline_list_ok(rule.options):
        return None
    if LISTS_SHEET in wb.sheetnames:
        lists_ws = wb[LISTS_SHEET]
    else:
        lists_ws = wb.create_sheet(LISTS_SHEET)
        lists_ws.sheet_state = "hidden"
    list_col = lists_ws.max_column + (1 if lists_ws.max_row > 1 or lists_ws["A1"].value else 0)
    for r, option in enumerate(rule.options, start=1):
        _set_text(lists_ws.cell(row=r, column=list_col), option)
    lc = get_column_letter(list_col)
    return f"{LISTS_SHEET}!${lc}$1:${lc}${len(rule.options)}"


def _write_help(wb: Workbook, plan: TemplatePlan) -> None:
    """The ``How to fill`` sheet, second: :func:`~scorer.starter.data_entry.help_lines`, commands in fixed width."""
    from openpyxl.styles import Alignment, Font

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
    low, high = rule.minimum, rule.maximum
    if rule.kind == "list":
        formula: dict[str, str] = {"type": "list", "formula1": source or '"' + ",".join(rule.options) + '"'}
    elif low is not None and high is not None:
        formula = {"operator": "between", "formula1": _number(low), "formula2": _number(high)}
    elif low is not None:
        formula = {"operator": "greaterThanOrEqual", "formula1": _number(low)}
    elif high is not None:
        formula = {"operator": "lessThanOrEqual", "formula1": _number(high)}
    else:
        formula = {"operator": "between", "formula1": "-1E+300", "formula2": "1E+300"}
    dv = DataValidation(**{"type": "decimal", **formula}, allow_blank=True, errorStyle=style)
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.errorTitle = "Not an allowed value"[:32]
    dv.error = rule.message[:225]
    dv.promptTitle = "Allowed values"
    dv.prompt = rule.message[:250]
    return dv
