"""Panels: a sheet with several rows per country, one per year.

:func:`select_panel` turns a panel into one row per country before scoring:
``year=Y`` keeps the rows of that year; by default each indicator takes the
latest non-missing value of each country, and the year it came from is
recorded. Pure pandas, no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from scorer.errors import DataError, Problem
from scorer.prepare.cells import RowNumbers, clean_text, is_missing, parse_number

YEAR_HEADERS = ("year", "année", "annee", "año", "ano", "ano de referencia", "год", "年", "السنة", "yr")


@dataclass(frozen=True)
class PanelSelection:
    """One row per country, and the year each indicator value came from.

    ``cell_rows`` gives, per indicator column, the spreadsheet row each of
    ``frame``'s values was taken from (a latest value may come from an
    earlier year's row), so a bad cell is reported on its own row.
    """

    frame: pd.DataFrame
    years: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["id", "column", "year", "row"]))
    notes: list[str] = field(default_factory=list)
    cell_rows: dict[str, list[int]] = field(default_factory=dict)


def detect_year_column(columns: Sequence[str]) -> str | None:
    """The column named like a year (year, Year, année, año, ...), if any.

    >>> detect_year_column(["pays", "Année", "score"])
    'Année'
    """
    for column in columns:
        if clean_text(column).casefold() in YEAR_HEADERS:
            return column
    return None


def _year(value: object) -> int | None:
    cell = parse_number(value)
    if cell.kind != "value" or cell.value is None or not float(cell.value).is_integer():
        return None
    return int(cell.value)


def select_panel(
    df: pd.DataFrame,
    *,
    id_column: str,
    columns: Sequence[str],
    year_column: str | None = None,
    year: int | None = None,
) -> PanelSelection:
    """Collapse a panel to one row per country (``df`` itself when it is not a panel).

    >>> df = pd.DataFrame({"iso3": ["DZA", "DZA", "PER"], "year": ["2021", "2022", "2022"], "x": ["1", "", "3"]})
    >>> sel = select_panel(df, id_column="iso3", columns=["x"])
    >>> sel.frame["x"].tolist(), sel.years["year"].tolist()
    (['1', '3'], [2021, 2022])
    >>> select_panel(df, id_column="iso3", columns=["x"], year=2022).frame["x"].tolist()
    ['', '3']
    """
    source = str(df.attrs.get("source", "<data>"))
    found_column = _resolve_year_column(df, source, year_column, year)
    if found_column is None:
        return PanelSelection(df)
    rows = _PanelRows.of(df, source, id_column, found_column)
    if year is None and len(set(rows.keys)) == len(rows.keys):
        return PanelSelection(df)
    _check_years(rows)
    if year is not None:
        return _rows_of_year(rows, year)
    order: dict[str, list[int]] = {}
    for i, key in enumerate(rows.keys):
        order.setdefault(key, []).append(i)
    _check_one_row_per_year(rows, order)
    return _latest_values(rows, order, columns)


@dataclass(frozen=True)
class _PanelRows:
    """A panel's rows as ``select_panel``'s steps read them: sheet row numbers, country keys, years."""

    df: pd.DataFrame
    source: str
    id_column: str
    year_column: str
    numbers: list[int]
    keys: list[str]
    years: list[int | None]

    @classmethod
    def of(cls, df: pd.DataFrame, source: str, id_column: str, year_column: str) -> _PanelRows:
        first = int(df.attrs.get("first_row", 2))
        numbers = [int(n) for n in (df.attrs.get("row_numbers") or range(first, first + len(df)))]
        keys = [clean_text(v).casefold() if not is_missing(v) else "" for v in df[id_column]]
        years = [_year(v) for v in df[year_column]]
        return cls(df, source, id_column, year_column, numbers, keys, years)


def _resolve_year_column(df: pd.DataFrame, source: str, year_column: str | None, year: int | None) -> str | None:
    """The year column named by --year-column or detected; None when there is none and --year was not asked."""
    year_column = year_column or detect_year_column([str(c) for c in df.columns])
    if year_column is None:
        if year is not None:
            raise DataError(
                Problem(
                    "data.year",
                    "--year needs a year column (year, année, año, ...), but there is none",
                    file=source,
                    fix="name it with --year-column",
                )
            )
        return None
    if year_column not in df.columns:
        raise DataError(
            Problem(
                "data.missing_column",
                f"should have a column {year_column!r} (--year-column), but it does not",
                file=source,
                column=year_column,
            )
        )
    return year_column


def _check_years(rows: _PanelRows) -> None:
    """Every row's year is a whole number; else one problem per bad cell."""
    problems = [
        Problem(
            "data.year",
            "should be a year such as 2022, but it is " + repr(clean_text(v)),
            file=rows.source,
            row=n,
            column=rows.year_column,
            value=clean_text(v),
        )
        for v, y, n in zip(rows.df[rows.year_column], rows.years, rows.numbers, strict=True)
        if y is None
    ]
    if problems:
        raise DataError(problems)


def _rows_of_year(rows: _PanelRows, year: int) -> PanelSelection:
    """The rows of ``year`` (--year), keeping their sheet row numbers."""
    keep = [i for i, y in enumerate(rows.years) if y == year]
    if not keep:
        found = ", ".join(str(y) for y in sorted({y for y in rows.years if y is not None}))
        raise DataError(
            Problem(
                "data.year",
                f"--year should be one of the years in the sheet ({found}), but it is {year}",
                file=rows.source,
                column=rows.year_column,
            )
        )
    df = rows.df
    frame = df.iloc[keep].reset_index(drop=True)
    frame.attrs = {
        **df.attrs,
        "row_numbers": RowNumbers(rows.numbers[i] for i in keep),
        "first_row": rows.numbers[keep[0]],
    }
    return PanelSelection(frame, notes=[f"{rows.source}: panel: the rows of {year} were used ({len(keep)} countries)"])


def _check_one_row_per_year(rows: _PanelRows, order: dict[str, list[int]]) -> None:
    """A country has at most one row per year (else the later row would silently win)."""
    repeats = []
    for key, members in order.items():
        first_of_year: dict[int | None, int] = {}
        for i in members:
            y = rows.years[i]
            if key and y in first_of_year:
                repeats.append(
                    Problem(
                        "data.duplicate_id",
                        f"country {clean_text(rows.df[rows.id_column].iloc[i])!r} should have one row per year, "
                        f"but row {rows.numbers[first_of_year[y]]} has {y} too",
                        file=rows.source,
                        row=rows.numbers[i],
                        column=rows.year_column,
                        value=str(y),
                        fix="keep one row per country and year",
                    )
                )
            first_of_year.setdefault(y, i)
    if repeats:
        raise DataError(repeats)


def _latest_values(rows: _PanelRows, order: dict[str, list[int]], columns: Sequence[str]) -> PanelSelection:
    """One row per country: each indicator its latest non-missing value, with the year and row it came from."""
    df, numbers, years = rows.df, rows.numbers, rows.years
    rows_out: list[dict[object, object]] = []
    kept_numbers: list[int] = []
    provenance: list[dict[str, object]] = []
    cell_rows: dict[str, list[int]] = {}
    for key, members in order.items():
        by_year = sorted(members, key=lambda i: years[i] or 0)
        latest = by_year[-1]
        row = df.iloc[latest].to_dict()
        for column in dict.fromkeys(columns):
            if column not in df.columns or column in (rows.id_column, rows.year_column):
                continue
            chosen = next((i for i in reversed(by_year) if not is_missing(df[column].iloc[i])), latest)
            row[column] = df[column].iloc[chosen]
            cell_rows.setdefault(column, []).append(numbers[chosen])
            provenance.append(
                {
                    "id": clean_text(df[rows.id_column].iloc[chosen]) if key else "",
                    "column": column,
                    "year": years[chosen],
                    "row": numbers[chosen],
                }
            )
        rows_out.append(row)
        kept_numbers.append(numbers[latest])
    frame = pd.DataFrame(rows_out, columns=df.columns, dtype=object)
    frame.attrs = {
        **df.attrs,
        "row_numbers": RowNumbers(kept_numbers),
        "first_row": kept_numbers[0] if kept_numbers else 2,
    }
    known = [y for y in years if y is not None]
    note = (
        f"{rows.source}: panel: each indicator takes each country's latest non-missing value "
        f"(years {min(known)}-{max(known)}; see the year of each value in the data-quality output)"
    )
    return PanelSelection(frame, pd.DataFrame(provenance, columns=["id", "column", "year", "row"]), [note], cell_rows)
