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
from typing import cast

import numpy as np
import pandas as pd

from scorer.core.normalisation import NormalisationMethod, method_of
from scorer.errors import Problem
from scorer.model.criteria import Indicator, MissingPolicy
from scorer.prepare.cells import FALSE_TOKENS, TRUE_TOKENS, Cell, as_typed, clean_text, parse_number, suggest
from scorer.prepare.columns import ColumnPlan
from scorer.render.formatting import plain_number


def read_indicator(values: pd.Series, indicator: Indicator, *, decimal_comma: bool = False) -> list[Cell]:
    """Parse every cell of one indicator column by its normalisation's cell type.

    A text listed in ``zero_tokens`` is a true 0; one listed in
    ``not_applicable.tokens`` is missing of kind "not applicable"
    (``Cell.expected == "not_applicable"``), told apart from unknown cells.
    One :class:`Cell` per cell: :func:`read_column` gives the same reading
    without building them for plain numbers.

    >>> [c.value for c in read_indicator(pd.Series(["yes", "no"]), Indicator(column="c", normalisation="boolean"))]
    [1.0, 0.0]
    """
    column = read_column(values, indicator, decimal_comma=decimal_comma)
    missing = Cell("missing")
    cells = [missing if x != x else Cell("value", x) for x in column.numbers.tolist()]
    for i, cell in column.cells.items():
        cells[i] = cell
    return cells


@dataclass(frozen=True)
class ColumnRead:
    """One indicator column read: ``numbers`` (NaN = missing or unreadable) and the :class:`Cell` of
    every cell that is not a plain number, by position, in row order (plain numbers need no Cell)."""

    numbers: np.ndarray
    cells: dict[int, Cell]


def read_column(values: pd.Series, indicator: Indicator, *, decimal_comma: bool = False) -> ColumnRead:
    """Read one indicator column: plain numbers column-wise, every other cell by the per-cell parser.

    Gives exactly what :func:`read_indicator` gives, cell by cell (a property test holds them equal).

    >>> read = read_column(pd.Series(["1.5", "N/A", "abc"]), Indicator(column="c"))
    >>> read.numbers.tolist()[:1], {i: c.kind for i, c in read.cells.items()}
    ([1.5], {1: 'missing', 2: 'invalid'})
    """
    zero = {clean_text(t).casefold() for t in indicator.zero_tokens or []}
    na = {clean_text(t).casefold() for t in (indicator.not_applicable.tokens if indicator.not_applicable else [])}
    method = method_of(indicator)
    if type(method).read is not NormalisationMethod.read:
        numbers = np.full(len(values), np.nan)
        done = np.zeros(len(values), dtype=bool)
        seen: dict[tuple[type, object], Cell] = {}  # yes/no and level columns repeat a few texts
        cells: dict[int, Cell] = {}
        for i, v in enumerate(values.to_numpy(dtype=object).tolist()):
            key = (type(v), v)
            cell = seen.get(key) if _hashable(v) else None
            if cell is None:
                cell = method.read(v, indicator, decimal_comma=decimal_comma)
                if _hashable(v):
                    seen[key] = cell
            cells[i] = cell
    else:
        numbers, done = plain_numbers(values, decimal_comma=decimal_comma)
        originals = values.to_numpy(dtype=object)
        cells = {i: parse_number(originals[i], decimal_comma=decimal_comma) for i in map(int, np.flatnonzero(~done))}
    if zero or na:
        _apply_tokens(values, cells, zero, na)
    for i, cell in cells.items():
        numbers[i] = cell.value if cell.kind == "value" and cell.value is not None else np.nan
    return ColumnRead(numbers, cells)


def _hashable(v: object) -> bool:
    return v is None or type(v) in (str, float, int, bool)


# Characters of the text of a plain number or of a finite float or int as Python writes it
_NUMBER_CHARS = frozenset("0123456789.e+-")


def _apply_tokens(values: pd.Series, cells: dict[int, Cell], zero: set[str], na: set[str]) -> None:
    """A text in ``zero`` reads as a true 0, one in ``na`` as missing "not applicable", whatever the parser said."""
    originals = values.to_numpy(dtype=object)
    # A plain number is read whole, so it is looked up only when a token could spell it.
    number_like = any(t and set(t) <= _NUMBER_CHARS for t in zero | na)
    positions = range(len(values)) if number_like else sorted(cells)
    for i in positions:
        v = originals[i]
        text = clean_text(v).casefold() if v is not None and not (isinstance(v, float) and np.isnan(v)) else ""
        if text and text in zero:
            cells[i] = Cell("value", 0.0, converted=True)
        elif text and text in na:
            cells[i] = Cell("missing", expected=NOT_APPLICABLE)
    if number_like:
        for i in sorted(cells):  # keep the cells in row order
            cells[i] = cells.pop(i)


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


# A number as plain ASCII text ("12", "-0.5", "1e3"): read as is, never counted as converted
# (scorer.prepare.cells._NUMBER on ASCII digits; float() accepts exactly these once the checks pass).
_PLAIN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_THOUSANDS = r"[+-]?[0-9]{1,3}\.[0-9]{3}"  # "1.234": a thousands group under a decimal comma


def plain_numbers(values: pd.Series, *, decimal_comma: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(numbers, done): the cells read column-wise; ``done`` is False where the per-cell parser must read.

    Numeric columns are taken whole (NaN = missing); in text columns only plain ASCII
    numbers are; every other cell (grouped, percent, missing tokens, decimal commas,
    non-finite, Unicode digits) is left to :func:`scorer.prepare.cells.parse_number`, which
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
        numbers = values.to_numpy(dtype=float, na_value=np.nan, copy=True)
        return numbers, ~np.isinf(numbers)
    return _plain_texts(values.to_numpy(dtype=object).tolist(), decimal_comma=decimal_comma)


_NOT_PLAIN = re.compile(r"[^0-9.eE+-]+")
_THOUSANDS_RE = re.compile(_THOUSANDS)


def _plain_texts(texts: list[object], *, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """:func:`plain_numbers` of a text column, in a few passes over the joined text instead of a loop per cell.

    Over the characters of a plain number (digits, ``.``, ``e``, ``E``, ``+``, ``-``), ``float()``
    accepts exactly the plain numbers (no spaces, ``_``, ``inf`` or ``nan`` can occur), so a cell is
    plain when it has no other character, ``float()`` takes it and the result is finite.
    """
    n = len(texts)
    numbers = np.full(n, np.nan)
    done = np.zeros(n, dtype=bool)
    try:
        joined = "".join(texts)  # type: ignore[arg-type]
        strings = cast(list[str], texts)
    except TypeError:  # blanks (NaN, None) and numbers among the texts: the per-cell parser reads those
        strings = [v if isinstance(v, str) else "" for v in texts]
        joined = "".join(strings)
    try:  # no character but those of numbers: one C pass (bytes.translate deletes them; nothing may be left)
        clean = not joined.encode("ascii").translate(None, b"0123456789.eE+-")
    except UnicodeEncodeError:
        clean = False
    if clean and not decimal_comma:  # a clean column: one pass of float() (a blank or "1-2" raises)
        try:
            values = np.fromiter(map(float, strings), dtype=np.float64, count=n)
        except ValueError:
            pass
        else:
            done = np.isfinite(values)
            return np.where(done, values, np.nan), done
    lengths = np.fromiter(map(len, strings), dtype=np.int64, count=n)
    ok = lengths > 0
    if not clean:
        ends = np.cumsum(lengths)
        spans = np.array([m.span() for m in _NOT_PLAIN.finditer(joined)], dtype=np.int64)
        first = np.searchsorted(ends, spans[:, 0], side="right")  # a run of other characters may span cells
        last = np.searchsorted(ends, spans[:, 1] - 1, side="right")
        hit = np.zeros(n + 1, dtype=np.int64)
        np.add.at(hit, first, 1)
        np.add.at(hit, last + 1, -1)
        ok &= np.cumsum(hit[:n]) == 0
    candidates = np.flatnonzero(ok)
    if decimal_comma:  # "1.234" is a thousands group there: left to the per-cell parser
        candidates = np.array(
            [i for i in candidates.tolist() if not _THOUSANDS_RE.fullmatch(strings[i])], dtype=np.int64
        )
    chosen = [strings[i] for i in candidates.tolist()] if len(candidates) < n else strings
    try:
        values = np.fromiter(map(float, chosen), dtype=np.float64, count=len(chosen))
    except ValueError:  # "1-2", "e", ".": the characters of a number, not one
        values = np.array([_float_or_nan(t) for t in chosen], dtype=np.float64)
    finite = np.isfinite(values)
    numbers[candidates[finite]] = values[finite]
    done[candidates[finite]] = True
    return numbers, done


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


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
    # one column per indicator, each contiguous (column-major): every step works column by column
    raw = np.full((len(df), len(items)), np.nan, order="F")
    not_applicable = np.zeros((len(df), len(items)), dtype=bool, order="F")
    conversions: list[dict[str, object]] = []
    problems: list[Problem] = []
    for j, (_cid, iid, ind) in enumerate(items):
        column = plan.columns[iid]
        rows_of = np.asarray(cell_rows[column]) if cell_rows and column in cell_rows else rows
        values = df[column]
        read = read_column(values, ind, decimal_comma=decimal_comma)
        raw[:, j] = read.numbers
        originals = values.to_numpy(dtype=object)
        bad_rows: set[int] = set()
        for i, cell in read.cells.items():
            original = originals[i]
            if cell.kind == "invalid":
                bad_rows.add(i)
                problems.append(
                    Problem(
                        "data.invalid_cell",
                        f"should be {cell.expected}, but it is {clean_text(original)!r}",
                        file=source,
                        row=int(rows_of[i]),
                        column=column,
                        value=as_typed(original),
                        fix=cell_fix(original, ind, decimal_comma=decimal_comma),
                    )
                )
                continue
            not_applicable[i, j] = cell.kind == "missing" and cell.expected == NOT_APPLICABLE
            if cell.kind == "missing" and not clean_text(as_typed(original)):
                continue
            if cell.kind == "value" and not cell.converted:
                continue
            how = (  # 'N/A', '-', 'unknown': a spelling of missing, listed as typed
                how_read(original, cell)
                if cell.kind == "value"
                else "read as missing"
                if cell.expected != NOT_APPLICABLE
                else "read as not applicable"
            )
            value = cell.value if cell.kind == "value" else float("nan")
            conversions.append(
                {"id": ids[i], "row": int(rows_of[i]), "column": column, "original": as_typed(original)}
                | {"value": value, "how": how}
            )
        for i, message in method_of(ind).bad_raw(raw[:, j]):
            bad_rows.add(i)
            problems.append(Problem("data.negative", message, file=source, row=int(rows_of[i]), column=column))
        problems += _missing_problems(
            ind, raw[:, j], not_applicable[:, j], eligible, bad_rows, originals, rows_of, column=column, source=source
        )
    return Cells(raw, not_applicable, conversions, problems)


def _missing_problems(
    ind: Indicator,
    raw: np.ndarray,
    not_applicable: np.ndarray,
    eligible: np.ndarray,
    bad_rows: set[int],
    originals: np.ndarray,
    rows_of: np.ndarray,
    *,
    column: str,
    source: str,
) -> list[Problem]:
    """A problem for each blank cell of an eligible row that the indicator's missing policy forbids."""
    na_policy = ind.not_applicable.policy if ind.not_applicable else ind.missing
    if MissingPolicy.error not in (ind.missing, na_policy):
        return []
    problems = []
    for i in map(int, np.flatnonzero(eligible & np.isnan(raw))):
        na = bool(not_applicable[i])
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
    return problems
