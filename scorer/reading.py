"""Reading every indicator cell by its normalisation's cell type, collecting every bad cell.

A text listed in an indicator's ``zero_tokens`` is a true 0; one listed in
``not_applicable.tokens`` is missing of kind "not applicable", told apart
from unknown cells; a blank cell under ``missing: error`` is a problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.cells import Cell, clean_text
from scorer.columns import ColumnPlan
from scorer.criteria import Indicator, MissingPolicy
from scorer.errors import Problem
from scorer.normalisation import method_of


def read_indicator(values: pd.Series, indicator: Indicator, *, decimal_comma: bool = False) -> list[Cell]:
    """Parse every cell of one indicator column by its normalisation's cell type.

    A text listed in ``zero_tokens`` is a true 0; one listed in
    ``not_applicable.tokens`` is missing of kind "not applicable"
    (``Cell.expected == "not_applicable"``), told apart from unknown cells.

    >>> [c.value for c in read_indicator(pd.Series(["yes", "no"]), Indicator(column="c", normalisation="boolean"))]
    [1.0, 0.0]
    """
    zero = {clean_text(t).casefold() for t in indicator.zero_tokens or []}
    na = {clean_text(t).casefold() for t in (indicator.not_applicable.tokens if indicator.not_applicable else [])}
    if not zero and not na:
        return _read_typed(values, indicator, decimal_comma=decimal_comma)
    cells = _read_typed(values, indicator, decimal_comma=decimal_comma)
    out = []
    for v, cell in zip(values, cells, strict=True):
        text = clean_text(v).casefold() if v is not None and not (isinstance(v, float) and np.isnan(v)) else ""
        if text and text in zero:
            out.append(Cell("value", 0.0, converted=True))
        elif text and text in na:
            out.append(Cell("missing", expected=NOT_APPLICABLE))
        else:
            out.append(cell)
    return out


NOT_APPLICABLE = "not_applicable"


def _read_typed(values: pd.Series, indicator: Indicator, *, decimal_comma: bool) -> list[Cell]:
    method = method_of(indicator)
    return [method.read(v, indicator, decimal_comma=decimal_comma) for v in values]


@dataclass(frozen=True)
class Cells:
    """Every indicator cell read as a number (NaN = missing), with what reading found."""

    raw: np.ndarray
    not_applicable: np.ndarray
    conversions: list[dict[str, object]]
    problems: list[Problem]


def read_cells(
    df: pd.DataFrame,
    items: list[tuple[str, str, Indicator]],
    plan: ColumnPlan,
    *,
    rows: np.ndarray,
    ids: list[str],
    eligible: np.ndarray,
    decimal_comma: bool,
    source: str,
    cell_rows: Mapping[str, Sequence[int]] | None = None,
) -> Cells:
    """Read each indicator column by its type; collect every bad or forbidden-blank cell.

    ``cell_rows`` overrides ``rows`` for a column whose cells come from other
    rows (a panel's latest values), so each problem names the cell's own row.
    """
    raw = np.full((len(df), len(items)), np.nan)
    not_applicable = np.zeros((len(df), len(items)), dtype=bool)
    conversions: list[dict[str, object]] = []
    problems: list[Problem] = []
    for j, (_cid, iid, ind) in enumerate(items):
        column = plan.columns[iid]
        rows_of = np.asarray(cell_rows[column]) if cell_rows and column in cell_rows else rows
        originals = list(df[column])
        cells = read_indicator(df[column], ind, decimal_comma=decimal_comma)
        not_applicable[:, j] = [c.kind == "missing" and c.expected == NOT_APPLICABLE for c in cells]
        bad_rows: set[int] = set()
        for i, cell in enumerate(cells):
            if cell.kind == "invalid":
                text = clean_text(originals[i])
                bad_rows.add(i)
                problems.append(
                    Problem(
                        "data.invalid_cell",
                        f"should be {cell.expected}, but it is {text!r}",
                        file=source,
                        row=int(rows_of[i]),
                        column=column,
                        value=text,
                    )
                )
            elif cell.kind == "value":
                raw[i, j] = cell.value
                if cell.converted:
                    conversions.append(
                        {
                            "id": ids[i],
                            "row": int(rows_of[i]),
                            "column": column,
                            "original": clean_text(originals[i]),
                            "value": cell.value,
                        }
                    )
        for i, message in method_of(ind).bad_raw(raw[:, j]):
            bad_rows.add(i)
            problems.append(Problem("data.negative", message, file=source, row=int(rows_of[i]), column=column))
        na_policy = ind.not_applicable.policy if ind.not_applicable else ind.missing
        for i in map(int, np.flatnonzero(eligible & np.isnan(raw[:, j]))):
            na = bool(not_applicable[i, j])
            if (na_policy if na else ind.missing) is not MissingPolicy.error or i in bad_rows:
                continue
            said = "not_applicable.policy: error" if na else "missing: error"
            found = repr(clean_text(originals[i])) if na else "blank"
            problems.append(
                Problem(
                    "data.missing_value",
                    f"should have a value (the criteria say {said}), but it is {found}",
                    file=source,
                    row=int(rows_of[i]),
                    column=column,
                    fix="fill it in, or set a missing policy for this indicator",
                )
            )
    return Cells(raw, not_applicable, conversions, problems)
