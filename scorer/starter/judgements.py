"""The judgement workbook: one sheet per stakeholder to weigh the criteria, built in memory.

Each stakeholder's sheet holds two blocks at fixed places (so the reader,
:mod:`scorer.io.judgements`, finds every cell by position and can name it):

- the pairwise matrix (:data:`MATRIX_ROW` is its header row): row criterion vs
  column criterion, "how much more important is the row than the column", on
  Saaty's scale chosen from a drop-down (9, 8, ..., 1, 1/2, ..., 1/9). Only the
  cells above the diagonal are to be filled (yellow); those below show the
  reciprocal by formula (grey); the diagonal is 1. A blank pair is allowed
  (the weights then come from the pairs given);
- the ranking / swing / points table, below the matrix: a rank (1 = most
  important), swing points (0-100, the most valuable swing from worst to
  best 100) and direct points, one row per criterion. ``unct-scorer weights
  --method`` picks which block is read.

Cells to fill are formatted as text so that Excel keeps ``1/3`` as typed and
does not turn it into a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from scorer.elicitation.ahp import SCALE_TEXTS, SCALE_WORDS
from scorer.model.criteria import Criteria

HELP_SHEET = "How to fill"
SCALE_SHEET = "Scale"
RESERVED_SHEETS = (HELP_SHEET, SCALE_SHEET)
RESERVED_NAMES = ("compromise", "group", "id", "name", "stakeholder")
"""Rows and columns of the committee's tables (:data:`scorer.elicitation.group.RESERVED`, held equal by a test)."""
MATRIX_ROW = 4
"""Header row of the pairwise matrix; criterion ids in column A from the next row, and in this row from column B."""
TABLE_HEADERS = ("criterion", "rank (1 = most important)", "swing points (0-100)", "direct points", "label")
TABLE_COLUMNS = {"rank": 2, "swing": 3, "points": 4}
DEFAULT_STAKEHOLDERS = tuple(f"Stakeholder {i}" for i in range(1, 6))
_FILL = "FFF2CC"
_GREY = "EDEDED"
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = set("[]:*?/\\")


def table_row(n: int) -> int:
    """Header row of the ranking/swing/points table for ``n`` criteria (two blank rows below the matrix).

    >>> table_row(3)
    10
    """
    return MATRIX_ROW + n + 3


_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def unsafe_name_character(name: str) -> str:
    """The first control or text-direction character of a name ("" if none).

    Names are printed in tables, Markdown and CSV; a right-to-left override
    (U+202E) would reverse the figures that follow it on the line. Arabic or
    Hebrew letters themselves are fine.

    >>> unsafe_name_character("أحمد"), unsafe_name_character("Ana\u202e")
    ('', '\u202e')
    """
    found = _UNSAFE.search(name)
    return found.group() if found else ""


def check_stakeholder_names(names: Sequence[str]) -> list[str]:
    """Problems with sheet names for stakeholders (Excel's rules), as messages.

    >>> for line in check_stakeholder_names(["Ana", "Ana", "a/b"]):
    ...     print(line)
    stakeholder names should be unique, but 'Ana' repeats
    stakeholder name should not contain any of []:*?/\\, but it is 'a/b'
    """
    problems = []
    seen: set[str] = set()
    for name in names:
        folded = name.casefold()
        if folded in seen:
            problems.append(f"stakeholder names should be unique, but {name!r} repeats")
        seen.add(folded)
        if not name.strip() or len(name) > MAX_SHEET_NAME:
            problems.append(f"stakeholder name should be 1 to {MAX_SHEET_NAME} characters, but it is {name!r}")
        elif set(name) & _BAD_SHEET_CHARS:
            problems.append(f"stakeholder name should not contain any of []:*?/\\, but it is {name!r}")
        elif unsafe_name_character(name):
            code = f"U+{ord(unsafe_name_character(name)):04X}"
            problems.append(
                f"stakeholder name should have no control or text-direction characters, but {name!r} has {code}"
            )
        elif name in RESERVED_SHEETS or name in RESERVED_NAMES or name.strip("'") != name:
            problems.append(f"stakeholder name should not be {name!r} (a reserved sheet name)")
    return problems


def help_lines(criteria: Criteria, names: Sequence[str], *, workbook: str, criteria_file: str | None) -> list[str]:
    """The text of the sheet "How to fill"."""
    c = f" -c {criteria_file}" if criteria_file else ""
    lines = [
        f"Weighing the criteria of '{criteria.name}': one sheet per stakeholder",
        "",
        f"Each stakeholder fills in their own sheet ({', '.join(names)}); rename a sheet to the person's name.",
        "Copies of this workbook filled by different people can be put in one folder and read together.",
        "",
        "Pairwise comparisons (the matrix at the top):",
        "  In each yellow cell, say how much more important the ROW criterion is than the COLUMN criterion:",
        *(f"  {k} = {SCALE_WORDS[k]} important" for k in (1, 3, 5, 7, 9)),
        "  2, 4, 6, 8 are in between; 1/3 means the row is moderately LESS important than the column, and so on.",
        "  The grey cells below the diagonal fill themselves. A pair may be left blank.",
        "  Consistency is checked: if A is 3 times B and B 3 times C, A should be about 9 times C.",
        "",
        "Ranking, swing weighting and direct points (the table below the matrix), any or all of:",
        "  rank: 1 for the most important criterion, 2 for the next, ... (ties allowed).",
        "  swing points: picture each criterion going from its worst to its best value. Give 100 to the swing that",
        "  matters most, then points from 0 to 100 to each other swing, relative to it (50 = half as valuable).",
        "  direct points: any points; the weights are the points divided by their total.",
        "",
        "Criteria:",
        *(f"  {cid}: {crit.label} ({crit.cites})" for cid, crit in criteria.criteria.items()),
        "",
        "Then run one of:",
        f"  unct-scorer weights {workbook}{c} --method ahp",
        f"  unct-scorer weights {workbook}{c} --method swing -o weights.yaml",
    ]
    return lines


def build_judgement_workbook(
    criteria: Criteria,
    names: Sequence[str] = DEFAULT_STAKEHOLDERS,
    *,
    workbook: str = "judgements.xlsx",
    criteria_file: str | None = None,
) -> Workbook:
    """The judgement workbook in memory: "How to fill", one sheet per stakeholder, a hidden "Scale".

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> wb = build_judgement_workbook(load_criteria(default_criteria_path()), ["Ana", "Bo"])
    >>> wb.sheetnames, wb["Ana"]["C5"].value, wb["Ana"]["B6"].value.startswith("=IF(")
    (['How to fill', 'Ana', 'Bo', 'Scale'], None, True)
    """
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    help_ws = wb.active
    assert help_ws is not None
    help_ws.title = HELP_SHEET
    help_ws.column_dimensions["A"].width = 110
    for i, line in enumerate(help_lines(criteria, names, workbook=workbook, criteria_file=criteria_file), start=1):
        cell = help_ws.cell(row=i, column=1)
        _text(cell, line)
        cell.alignment = Alignment(wrap_text=True)
        if i == 1:
            cell.font = Font(bold=True, size=14)
        elif line.endswith(":") and not line.startswith(" "):
            cell.font = Font(bold=True)
    for name in names:
        _stakeholder_sheet(wb.create_sheet(name), criteria, name)
    scale = wb.create_sheet(SCALE_SHEET)
    scale.sheet_state = "hidden"
    for r, text in enumerate(SCALE_TEXTS, start=1):
        _text(scale.cell(row=r, column=1), text)
        _text(scale.cell(row=r, column=2), SCALE_TEXTS[len(SCALE_TEXTS) - r])
    wb.properties.creator = "unct-scorer"
    wb.properties.title = f"Judgements: {criteria.name}"
    return wb


def _stakeholder_sheet(ws: Any, criteria: Criteria, name: str) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ids = list(criteria.criteria)
    n = len(ids)
    yellow, grey = PatternFill("solid", fgColor=_FILL), PatternFill("solid", fgColor=_GREY)
    _text(ws.cell(row=1, column=1), f"Judgements of {name} (rename this sheet to the person's name)")
    ws.cell(row=1, column=1).font = Font(bold=True, size=13)
    _text(
        ws.cell(row=2, column=1),
        "How much more important is the ROW criterion than the COLUMN criterion? (9 .. 1 .. 1/9)",
    )
    _text(ws.cell(row=MATRIX_ROW, column=1), "criterion")
    ws.cell(row=MATRIX_ROW, column=1).font = Font(bold=True)
    ws.column_dimensions["A"].width = max(22, *(len(c) + 2 for c in ids))
    dv = DataValidation(
        type="list", formula1=f"{SCALE_SHEET}!$A$1:$A${len(SCALE_TEXTS)}", allow_blank=True, errorStyle="stop"
    )
    dv.showErrorMessage = True
    dv.error = "Pick a value of Saaty's scale: 9, 8, ..., 1, 1/2, ..., 1/9"
    dv.promptTitle = "Row vs column"
    dv.prompt = "9 = row extremely more important ... 1 = equal ... 1/9 = column extremely more important"
    dv.showInputMessage = True
    for j, cid in enumerate(ids):
        head = ws.cell(row=MATRIX_ROW, column=2 + j)
        _text(head, cid)
        head.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(2 + j)].width = max(10, len(cid) + 2)
        _text(ws.cell(row=MATRIX_ROW + 1 + j, column=1), cid)
        ws.cell(row=MATRIX_ROW + 1 + j, column=1).font = Font(bold=True)
    for i in range(n):
        for j in range(n):
            cell = ws.cell(row=MATRIX_ROW + 1 + i, column=2 + j)
            if i == j:
                cell.value = 1
                cell.fill = grey
            elif i < j:
                cell.number_format = "@"
                cell.fill = yellow
                dv.add(cell.coordinate)
            else:
                mirror = ws.cell(row=MATRIX_ROW + 1 + j, column=2 + i).coordinate
                table = f"{SCALE_SHEET}!$A$1:$B${len(SCALE_TEXTS)}"
                cell.value = f'=IF({mirror}="","",IFERROR(VLOOKUP({mirror}&"",{table},2,FALSE),""))'
                cell.fill = grey
    if n > 1:
        ws.add_data_validation(dv)
    top = table_row(n)
    for k, header in enumerate(TABLE_HEADERS, start=1):
        cell = ws.cell(row=top, column=k)
        _text(cell, header)
        cell.font = Font(bold=True)
    for column in "BCDE":
        ws.column_dimensions[column].width = max(ws.column_dimensions[column].width or 0, 14)
    for r, (cid, crit) in enumerate(criteria.criteria.items(), start=top + 1):
        _text(ws.cell(row=r, column=1), cid)
        for col in TABLE_COLUMNS.values():
            ws.cell(row=r, column=col).fill = yellow
        _text(ws.cell(row=r, column=5), crit.label)
    ws.freeze_panes = None


def _text(cell: Any, text: str) -> None:
    """Store text as text: a leading '=' must not become a formula."""
    cell.value = text
    cell.data_type = "s"
