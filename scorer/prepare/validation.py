"""Validation: check a criteria file and a spreadsheet together and collect every problem.

The workflow ``unct-scorer validate`` runs, callable from Python: read the
criteria, read the sheet, score it, and keep every problem each step raises
(pandera's ``lazy=True``) instead of stopping at the first. The result is a
:class:`Validation` that the command renders as a table, CSV or JSON; each
problem's suggested fix is its own or its code's default
(:func:`scorer.errors.default_fix`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.errors import Problem, ScorerError, default_fix
from scorer.model.criteria import Criteria
from scorer.prepare.fixing import CellFix, find_fixes
from scorer.resources import shown_path

PROBLEM_COLUMNS = ["file", "row", "country", "column", "value", "problem", "suggested fix"]


def sort_problems(problems: list[Problem] | tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems by file, line, row and column (a file's own problems before its rows').

    >>> [p.row for p in sort_problems([Problem("d", "m", file="a", row=9), Problem("d", "m", file="a", row=3)])]
    [3, 9]
    """
    return tuple(
        sorted(
            problems,
            key=lambda p: (p.file or "", p.line or 0, -1 if p.row is None else p.row, p.column or p.key or ""),
        )
    )


def problem_table(
    problems: list[Problem] | tuple[Problem, ...], countries: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """One row per problem: file, row, country (the row's, when known), column, value, problem, suggested fix.

    >>> p = Problem("data.invalid_cell", "should be a number, but it is 'ten'", file="s.csv", row=3, column="rate")
    >>> problem_table([p], {3: "Chad"}).iloc[0].tolist()[:5]
    ['s.csv', '3', 'Chad', 'rate', '']
    >>> problem_table([p]).iloc[0].tolist()[-1]
    'correct the cell, or leave it blank if unknown'
    """
    names = countries or {}
    rows = [
        {
            "file": f"{shown_path(p.file)}:{p.line}" if p.file and p.line else shown_path(p.file or ""),
            "row": "" if p.row is None else str(p.row),
            "country": "" if p.row is None else names.get(p.row, ""),
            "column": p.column if p.column is not None else (p.key or ""),
            "value": "" if p.value is None else p.value,
            "problem": p.message,
            "suggested fix": p.fix or default_fix(p.code),
        }
        for p in problems
    ]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS, dtype=object)


@dataclass(frozen=True)
class Validation:
    """What :func:`validate_files` found: every problem of both files, and the result when there is none."""

    spreadsheet: str
    criteria: str
    problems: tuple[Problem, ...]
    result: ScoreResult | None
    countries: Mapping[int, str] = field(default_factory=dict)
    fixes: tuple[CellFix, ...] = ()
    header_row: int = 1
    sheet: str | None = None
    source: str = ""  # the spreadsheet's path as given (problems name it so)
    warnings: tuple[str, ...] = ()  # worth a look, not wrong: the exit code stays 0

    @property
    def ok(self) -> bool:
        return not self.problems and self.result is not None

    def table(self) -> pd.DataFrame:
        """The problems as :func:`problem_table`, with each row's country."""
        return problem_table(self.problems, self.countries)

    def records(self) -> list[dict[str, Any]]:
        """The problems as JSON-ready records (code, location, country, message, fix): the table's fix text."""
        return [
            {
                **p.to_dict(),
                "country": None if p.row is None else self.countries.get(p.row),
                "fix": p.fix or default_fix(p.code),
            }
            for p in self.problems
        ]

    def remaining(self, made: tuple[CellFix, ...] | list[CellFix]) -> tuple[Problem, ...]:
        """The problems a corrected copy with the fixes ``made`` still has: those of cells no fix changed."""
        fixed = {(f.row, f.column) for f in made}
        return tuple(p for p in self.problems if p.row is None or (p.row, p.column) not in fixed)

    def fix_table(self, made: tuple[CellFix, ...] | list[CellFix]) -> pd.DataFrame:
        """``validate --fix``: one row per change (status ``fixed``) and per problem left (``problem``).

        Columns: status, then the problem table's with ``fixed to`` after ``value``; by file, row and column.
        """
        problem_of = {(p.row, p.column): p.message for p in self.problems if p.row is not None}
        rows = [
            {
                "status": "fixed",
                "file": shown_path(self.source) or self.spreadsheet,
                "row": str(f.row),
                "country": f.country,
                "column": f.column,
                "value": f.original,
                "fixed to": f.fixed,
                "problem": problem_of.get((f.row, f.column), ""),
                "suggested fix": f.why,
            }
            for f in made
        ]
        left = problem_table(self.remaining(made), self.countries)
        left.insert(0, "status", "problem")
        left.insert(list(left.columns).index("value") + 1, "fixed to", "")
        table = pd.concat([pd.DataFrame(rows, columns=left.columns, dtype=object), left], ignore_index=True)
        key = table["row"].map(lambda r: int(r) if r else -1)
        order = sorted(range(len(table)), key=lambda i: (table.at[i, "file"], key[i], table.at[i, "column"]))
        return table.iloc[order].reset_index(drop=True)

    def lines(self) -> list[str]:
        """The verdict in one line."""
        if self.problems:
            return [f"{len(self.problems)} problem(s) found"]
        if self.result is None:
            return []
        units = "offices" if self.result.offices is not None else "countries"
        read = "" if self.result.rows_read is None else f"{self.result.rows_read} rows read, "
        ranked = f"{read}{len(self.result.table)} {units} can be ranked"
        return [f"OK: {self.spreadsheet} and {self.criteria} are valid; {ranked}."]


def validate_files(
    spreadsheet: str | Path,
    criteria: str | Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    id_column: str | None = None,
    decimal_comma: bool | None = None,
    year: int | None = None,
    year_column: str | None = None,
    group_by: str | None = None,
    fixes: bool = False,
) -> Validation:
    """Read and score ``spreadsheet`` with ``criteria``, collecting every problem instead of stopping.

    The reading options are those of every command (``--sheet``, ``--header-row``, ...).
    With ``fixes=True`` the unambiguous fixes of the sheet's cells are found too
    (:func:`scorer.prepare.fixing.find_fixes`), for ``validate --fix``.

    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> v = validate_files(demo_spreadsheet_path(), default_criteria_path())
    >>> v.ok, v.lines()[0].startswith("OK: countries.csv and default.yaml are valid")
    (True, True)
    """
    from scorer.io.criteria_file import load_criteria
    from scorer.io.spreadsheet import read_countries
    from scorer.pipeline import score_countries

    problems: list[Problem] = []
    loaded: Criteria | None = None
    df: pd.DataFrame | None = None
    try:
        loaded = load_criteria(criteria)
    except ScorerError as exc:
        problems += exc.problems
    try:
        hint = id_column or (loaded.id_column if loaded is not None else None)
        df = read_countries(
            spreadsheet, sheet=sheet, header_row=header_row, id_column=hint, decimal_comma=decimal_comma
        )
    except ScorerError as exc:
        problems += exc.problems
    result = None
    if loaded is not None and df is not None:
        try:
            result = score_countries(
                df, loaded, id_column=id_column, year=year, year_column=year_column, group_by=group_by
            )
        except ScorerError as exc:
            problems += exc.problems
    hint = id_column or (loaded.id_column if loaded is not None else None)
    if loaded is not None and any(p.code in LAYOUT_CODES for p in problems):
        problems = with_reading_fix(
            problems, Path(spreadsheet), loaded, df, id_column=hint, sheet=sheet, header_row=header_row
        )
    # only the rows a problem names (a name for each id costs a fuzzy search when it names no country)
    wanted = None if fixes else {p.row for p in problems if p.row is not None}
    countries = row_countries(df, hint, rows=wanted) if problems or fixes else {}
    found: tuple[CellFix, ...] = ()
    if fixes and df is not None and loaded is not None:
        found = tuple(find_fixes(df, loaded, id_column=id_column, countries=countries))
    return Validation(
        Path(spreadsheet).name,
        Path(criteria).name,
        sort_problems(problems),
        result,
        countries,
        fixes=found,
        header_row=int(df.attrs.get("header_row", 1)) if df is not None else 1,
        sheet=df.attrs.get("sheet") if df is not None else None,
        source=str(spreadsheet),
        warnings=criteria_warnings(loaded) if loaded is not None else (),
    )


def criteria_warnings(criteria: Criteria) -> tuple[str, ...]:
    """What is allowed but likely unintended in a criteria file: a criterion without a weight range among ranged ones.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = load_criteria(default_criteria_path())
    >>> extra = c.criteria["representation"].model_copy(update={"range": None})
    >>> criteria_warnings(c.model_copy(update={"criteria": {**c.criteria, "new": extra}}))[0]
    'criterion new has no weight range; sensitivity samples it within [0, 0.45] (give it a range to choose)'
    """
    from scorer.analyses.common import unranged_bounds
    from scorer.render.formatting import plain_number

    try:
        bounds = unranged_bounds(criteria)
    except ScorerError:
        return ()  # inconsistent ranges are a problem of their own, reported by the commands that sample
    return tuple(
        f"criterion {cid} has no weight range; sensitivity samples it within "
        f"[{plain_number(low)}, {plain_number(high)}] (give it a range to choose)"
        for cid, (low, high) in bounds.items()
    )


LAYOUT_CODES = ("data.missing_column", "data.header", "data.read", "data.empty")


def with_reading_fix(
    problems: list[Problem],
    path: Path,
    criteria: Criteria,
    df: pd.DataFrame | None,
    *,
    id_column: str | None,
    sheet: str | None,
    header_row: int | None = None,
) -> list[Problem]:
    """The problems, the missing columns' and header's fixed to ``--header-row N`` or ``--sheet NAME`` when the
    columns are on another row or sheet (:func:`scorer.io.layout.reading_fix`)."""
    from dataclasses import replace

    from scorer.io.layout import reading_fix

    expected = {ind.column for _c, _i, ind in criteria.indicator_items()} | {id_column or criteria.id_column}
    fix = reading_fix(
        path,
        expected,
        id_column=id_column or criteria.id_column,
        sheet_used=(df.attrs.get("sheet") if df is not None else None) or sheet,
        header_used=int(df.attrs["header_row"]) if df is not None and "header_row" in df.attrs else header_row,
    )
    if fix is None:
        return problems
    return [replace(p, fix=fix) if p.code in LAYOUT_CODES else p for p in problems]


def row_countries(df: pd.DataFrame | None, id_column: str | None, *, rows: set[int] | None = None) -> dict[int, str]:
    """Each spreadsheet row's country name (the id as typed when it names no country), by row number.

    ``rows`` limits the work to those row numbers (None: every row).

    >>> row_countries(pd.DataFrame({"iso3": ["TCD", "XYZ"]}), None)
    {2: 'Chad', 3: 'XYZ'}
    """
    from scorer.prepare.cells import as_typed
    from scorer.prepare.countries import default_resolver

    if df is None or df.empty:
        return {}
    resolver = default_resolver()
    column = id_column if id_column in df.columns else resolver.detect_id_column(df)
    if column is None:
        return {}
    numbers = df.attrs.get("row_numbers") or range(2, len(df) + 2)
    out: dict[int, str] = {}
    for row, raw in zip(numbers, df[column], strict=False):
        if rows is not None and int(row) not in rows:
            continue
        text = as_typed(raw).strip()
        try:
            out[int(row)] = resolver.name_of(resolver.resolve(text)) if text else ""
        except ScorerError:
            out[int(row)] = text
    return out
