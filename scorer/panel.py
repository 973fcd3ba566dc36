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

from scorer.cells import RowNumbers, clean_text, is_missing, parse_number
from scorer.errors import DataError, Problem

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
        return PanelSelection(df)
    if year_column not in df.columns:
        raise DataError(
            Problem(
                "data.missing_column",
                f"should have a column {year_column!r} (--year-column), but it does not",
                file=source,
                column=year_column,
            )
        )
    numbers = list(
        df.attrs.get("row_numbers")
        or range(int(df.attrs.get("first_row", 2)), int(df.attrs.get("first_row", 2)) + len(df))
    )
    keys = [clean_text(v).casefold() if not is_missing(v) else "" for v in df[id_column]]
    years = [_year(v) for v in df[year_column]]
    if year is None and len(set(keys)) == len(keys):
        return PanelSelection(df)
    problems = [
        Problem(
            "data.year",
            "should be a year such as 2022, but it is " + repr(clean_text(v)),
            file=source,
            row=int(n),
            column=year_column,
            value=clean_text(v),
        )
        for v, y, n in zip(df[year_column], years, numbers, strict=True)
        if y is None
    ]
    if problems:
        raise DataError(problems)
    if year is not None:
        keep = [i for i, y in enumerate(years) if y == year]
        if not keep:
            found = ", ".join(str(y) for y in sorted({y for y in years if y is not None}))
            raise DataError(
                Problem(
                    "data.year",
                    f"--year should be one of the years in the sheet ({found}), but it is {year}",
                    file=source,
                    column=year_column,
                )
            )
        frame = df.iloc[keep].reset_index(drop=True)
        frame.attrs = {**df.attrs, "row_numbers": RowNumbers(numbers[i] for i in keep), "first_row": numbers[keep[0]]}
        return PanelSelection(frame, notes=[f"{source}: panel: the rows of {year} were used ({len(keep)} countries)"])
    order: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        order.setdefault(key, []).append(i)
    repeats = []
    for key, members in order.items():
        first_of_year: dict[int | None, int] = {}
        for i in members:
            if key and years[i] in first_of_year:
                repeats.append(
                    Problem(
                        "data.duplicate_id",
                        f"country {clean_text(df[id_column].iloc[i])!r} should have one row per year, "
                        f"but row {numbers[first_of_year[years[i]]]} has {years[i]} too",
                        file=source,
                        row=int(numbers[i]),
                        column=year_column,
                        value=str(years[i]),
                        fix="keep one row per country and year",
                    )
                )
            first_of_year.setdefault(years[i], i)
    if repeats:
        raise DataError(repeats)
    rows_out: list[dict[object, object]] = []
    kept_numbers: list[int] = []
    provenance: list[dict[str, object]] = []
    cell_rows: dict[str, list[int]] = {}
    for key, members in order.items():
        by_year = sorted(members, key=lambda i: years[i] or 0)
        latest = by_year[-1]
        row = df.iloc[latest].to_dict()
        for column in dict.fromkeys(columns):
            if column not in df.columns or column in (id_column, year_column):
                continue
            chosen = next((i for i in reversed(by_year) if not is_missing(df[column].iloc[i])), latest)
            row[column] = df[column].iloc[chosen]
            cell_rows.setdefault(column, []).append(numbers[chosen])
            provenance.append(
                {
                    "id": clean_text(df[id_column].iloc[chosen]) if key else "",
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
    note = (
        f"{source}: panel: each indicator takes each country's latest non-missing value "
        f"(years {min(y for y in years if y is not None)}-{max(y for y in years if y is not None)}; "
        "see the year of each value in the data-quality output)"
    )
    return PanelSelection(frame, pd.DataFrame(provenance, columns=["id", "column", "year", "row"]), [note], cell_rows)
