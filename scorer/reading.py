"""Reading every indicator cell by its normalisation's cell type, collecting every bad cell.

A text listed in an indicator's ``zero_tokens`` is a true 0; one listed in
``not_applicable.tokens`` is missing of kind "not applicable", told apart
from unknown cells; a blank cell under ``missing: error`` is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.cells import Cell, clean_text, parse_number
from scorer.columns import ColumnPlan
from scorer.criteria import Indicator, MissingPolicy
from scorer.errors import Problem
from scorer.normalisation import NormalisationMethod, method_of


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
    if type(method).read is not NormalisationMethod.read:
        return [method.read(v, indicator, decimal_comma=decimal_comma) for v in values]
    numbers, done = plain_numbers(values, decimal_comma=decimal_comma)
    missing = Cell("missing")
    cells = [missing if x != x else Cell("value", x) for x in numbers.tolist()]
    for i in map(int, np.flatnonzero(~done)):
        cells[i] = parse_number(values.iloc[i], decimal_comma=decimal_comma)
    return cells


# A number as plain ASCII text ("12", "-0.5", "1e3"): read as is, never counted as converted
# (scorer.cells._NUMBER on ASCII digits; float() accepts exactly these once the checks pass).
_PLAIN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_THOUSANDS = r"[+-]?[0-9]{1,3}\.[0-9]{3}"  # "1.234": a thousands group under a decimal comma


def plain_numbers(values: pd.Series, *, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, done): the cells read column-wise; ``done`` is False where the per-cell parser must read.

    Numeric columns are taken whole (NaN = missing); in text columns only plain ASCII
    numbers are; every other cell (grouped, percent, missing tokens, decimal commas,
    non-finite, Unicode digits) is left to :func:`scorer.cells.parse_number`, which
    gives the same value for every cell marked done.

    >>> x, done = plain_numbers(pd.Series(["1.5", "1,234", None, "abc", 7]))
    >>> x.tolist()[:1], done.tolist()
    ([1.5], [True, False, False, False, False])
    >>> plain_numbers(pd.Series([1.0, float("nan"), float("inf")]))[1].tolist()
    [True, True, False]
    """
    n = len(values)
    if pd.api.types.is_bool_dtype(values.dtype) or not (
        pd.api.types.is_numeric_dtype(values.dtype)
        or pd.api.types.is_object_dtype(values.dtype)
        or pd.api.types.is_string_dtype(values.dtype)
    ):
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        return numbers, ~np.isinf(numbers)
    numbers = np.full(n, np.nan)
    done = np.zeros(n, dtype=bool)
    thousands = re.compile(_THOUSANDS) if decimal_comma else None
    for i, v in enumerate(values.to_numpy(dtype=object).tolist()):
        # float() reads exactly the plain numbers once Unicode, spaces and "_" are ruled out
        if type(v) is not str or not v.isascii() or "_" in v or v != v.strip():
            continue
        if thousands is not None and thousands.fullmatch(v):
            continue
        try:
            x = float(v)
        except ValueError:
            continue
        if x - x == 0.0:  # finite
            numbers[i], done[i] = x, True
    return numbers, done


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
