"""Reading every indicator cell by its normalisation's cell type, collecting every bad cell.

A text listed in an indicator's ``zero_tokens`` is a true 0; one listed in
``not_applicable.tokens`` is missing of kind "not applicable", told apart
from unknown cells; a blank cell under ``missing: error`` is a problem.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.cells import FALSE_TOKENS, TRUE_TOKENS, Cell, as_typed, clean_text, parse_number, suggest
from scorer.columns import ColumnPlan
from scorer.criteria import Indicator, MissingPolicy
from scorer.errors import Problem
from scorer.formatting import plain_number
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


def cell_fix(raw: object, indicator: Indicator, *, decimal_comma: bool) -> str | None:
    """The fix for a cell that cannot be read: a one-flag rerun, or the level or yes/no it most likely meant.

    >>> cell_fix("3,5", Indicator(column="c"), decimal_comma=False)
    "rerun with --decimal-comma (it reads '3,5' as 3.5)"
    >>> levels = Indicator(column="c", normalisation="ordinal", levels={"low": 0, "high": 1})
    >>> cell_fix("hihg", levels, decimal_comma=False)
    "did you mean 'high'?"
    >>> cell_fix("yse", Indicator(column="c", normalisation="boolean"), decimal_comma=False)
    "did you mean 'yes'?"
    """
    text = clean_text(raw)
    if indicator.levels:
        close = suggest(text, list(indicator.levels))
        return f"did you mean {close!r}?" if close else None
    if indicator.normalisation == "boolean":
        close = suggest(text, ["yes", "no", *sorted(TRUE_TOKENS - {"yes"}), "false", "non"])
        if close is None:
            return None
        return f"did you mean {'yes' if close in TRUE_TOKENS else 'no'!r}?"
    if not decimal_comma:
        other = parse_number(raw, decimal_comma=True)
        if other.kind == "value" and other.value is not None:
            return f"rerun with --decimal-comma (it reads {text!r} as {plain_number(other.value)})"
    return None


def how_read(raw: object, cell: Cell) -> str:
    """What reading did to a text cell, in words, for the data-quality list.

    >>> how_read(" High", Cell("value", 2.0, converted=True)), how_read("N/A", Cell("missing"))
    ('spaces trimmed, case changed', 'read as missing')
    >>> how_read("3,5", Cell("value", 3.5, converted=True)), how_read("1,234", Cell("value", 1234.0, converted=True))
    ('decimal comma', 'thousands separator')
    >>> how_read("Oui", Cell("value", 1.0, converted=True)), how_read("12.4 ", Cell("value", 12.4, converted=True))
    ('read as yes', 'spaces trimmed')
    """
    if cell.kind == "missing":
        return "read as missing"
    if not isinstance(raw, str):
        return "a number read as yes/no or a level"
    text = clean_text(raw)
    said = ["spaces trimmed"] if text != raw else []
    value = cell.value if cell.value is not None else math.nan
    if text.endswith("%"):
        said.append("percent")
    elif any(ch.isdigit() for ch in text):
        if "," in text and not float(value).is_integer():
            said.append("decimal comma")
        elif any(sep in text for sep in (",", ".", " ", "'")) and float(value).is_integer() and abs(value) >= 1000:
            said.append("thousands separator")
    elif text.casefold() in TRUE_TOKENS | FALSE_TOKENS and text.casefold() not in ("yes", "no"):
        said.append(f"read as {'yes' if value == 1.0 else 'no'}")
    elif text != text.casefold():
        said.append("case changed")
    return ", ".join(said) or "text read as a value"


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
                        value=as_typed(originals[i]),
                        fix=cell_fix(originals[i], ind, decimal_comma=decimal_comma),
                    )
                )
            elif cell.kind == "missing" and clean_text(as_typed(originals[i])):
                conversions.append(  # 'N/A', '-', 'unknown': a spelling of missing, listed as typed
                    {
                        "id": ids[i],
                        "row": int(rows_of[i]),
                        "column": column,
                        "original": as_typed(originals[i]),
                        "value": float("nan"),
                        "how": "read as missing" if cell.expected != NOT_APPLICABLE else "read as not applicable",
                    }
                )
            elif cell.kind == "value":
                raw[i, j] = cell.value
                if cell.converted:
                    conversions.append(
                        {
                            "id": ids[i],
                            "row": int(rows_of[i]),
                            "column": column,
                            "original": as_typed(originals[i]),
                            "value": cell.value,
                            "how": how_read(originals[i], cell),
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
