"""Territories whose values apply through another state: the criteria file's ``territory_rule``.

The treaties of Aruba apply through the Netherlands, those of Bermuda through
the United Kingdom, those of Tokelau through New Zealand: the territory is
not a party itself, so its own treaty columns are blank. The rule names the
column holding, on each territory's row, the id of that state, and the
indicators it applies to; a territory's blank cell then takes the state's
cell (followed along a chain: a blank state cell takes its own state's),
before the cells are read, so the value is read exactly as the state's is.
Every value so taken is returned as an :class:`InheritedCell` for the data
quality list and ``explain``. A territory's own value is never replaced.

Problems are located: the rule's column is not in the sheet; a cell names a
state that is not a row of the sheet; a chain of states leads back to itself or
takes more than :data:`MAX_CHAIN` steps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.errors import DataError, Problem
from scorer.model.criteria import TerritoryRule, did_you_mean
from scorer.prepare.cells import clean_text, is_missing
from scorer.prepare.countries import default_resolver

__all__ = [
    "INHERITED_COLUMNS",
    "MAX_CHAIN",
    "InheritedCell",
    "TerritoryFill",
    "apply_territory_rule",
    "inherited_frame",
]

MAX_CHAIN = 10
"""How many steps a territory's chain of states may take (a territory through its state is one step)."""

INHERITED_COLUMNS = ["id", "name", "row", "column", "value", "state", "how"]


@dataclass(frozen=True)
class InheritedCell:
    """One territory cell that took the value of the state through which its values apply.

    ``position`` and ``source_position`` are row positions in the table;
    ``chain`` lists the ids from the territory to the state whose cell was taken.
    """

    position: int
    source_position: int
    column: str
    chain: tuple[str, ...]

    @property
    def state(self) -> str:
        """The id of the state whose value was taken."""
        return self.chain[-1]


@dataclass(frozen=True)
class TerritoryFill:
    """The table with the territories' blank cells filled, what was filled, and every problem."""

    frame: pd.DataFrame
    inherited: list[InheritedCell]
    problems: list[Problem]
    cell_rows: dict[str, np.ndarray]


def _targets(
    frame: pd.DataFrame, rule: TerritoryRule, ids: Sequence[str], rows: np.ndarray, *, countries: bool, source: str
) -> tuple[list[int | None], list[Problem]]:
    """Each row's state (a row position), or None; a problem for every state that is not a row."""
    resolver = default_resolver()
    where = {(i if countries else i.casefold()): p for p, i in enumerate(ids)}
    targets: list[int | None] = []
    problems = []
    for p, cell in enumerate(frame[rule.column]):
        if is_missing(cell):
            targets.append(None)
            continue
        text = clean_text(cell)
        if isinstance(cell, float) and cell.is_integer():
            text = str(int(cell))
        key = text.casefold()
        if countries:
            try:
                key = resolver.resolve(text)
            except DataError:
                key = text
        target = where.get(key)
        targets.append(target)
        if target is None:
            problems.append(
                Problem(
                    "data.territory",
                    f"should name a row of this sheet (the state through which {ids[p]}'s values apply, "
                    f"territory_rule), but no row has the id {text!r}",
                    file=source,
                    row=int(rows[p]),
                    column=rule.column,
                    value=text,
                    fix="add a row for that state (it may be excluded by eligibility), or correct the id",
                )
            )
    return targets, problems


def _chains(targets: list[int | None], ids: Sequence[str], rows: np.ndarray, column: str, source: str) -> list[Problem]:
    """A problem for every row whose chain of states leads back to a row already on it or takes over MAX_CHAIN steps.

    Each row's walk stops after MAX_CHAIN steps, so the work is bounded by rows x MAX_CHAIN
    whatever the chains (a circle of every row of a large sheet included).
    """
    problems = []
    for start, first in enumerate(targets):
        if first is None:
            continue
        seen = [start]
        p: int | None = first
        while p is not None and p not in seen and len(seen) <= MAX_CHAIN:
            seen.append(p)
            p = targets[p]
        if p is None:
            continue
        if p in seen:
            chain = " -> ".join(ids[i] for i in [*seen, p])
            message = f"should lead to a state with values of its own (territory_rule), but the chain {chain} "
            message += "goes round in a circle"
            fix = "leave this column blank on the row of a state whose values are its own"
        else:
            chain = " -> ".join(ids[i] for i in seen)
            message = f"should reach a state with values of its own within {MAX_CHAIN} steps (territory_rule), "
            message += f"but the chain {chain} -> ... goes on further"
            fix = "name the state itself on this row, not a territory of it"
        problems.append(
            Problem(
                "data.territory",
                message,
                file=source,
                row=int(rows[start]),
                column=column,
                value=str(ids[first]),
                fix=fix,
            )
        )
    return problems


def apply_territory_rule(
    frame: pd.DataFrame,
    rule: TerritoryRule,
    columns: Sequence[str],
    *,
    ids: Sequence[str],
    rows: np.ndarray,
    countries: bool,
    source: str,
    cell_rows: Mapping[str, Sequence[int]] | None = None,
) -> TerritoryFill:
    """Fill each territory's blank cell of ``columns`` with its state's cell; a copy, the input untouched.

    ``ids`` are the rows' resolved ids (ISO3 when ``countries``: the state's
    cell may then be any spelling of the country); ``rows`` the spreadsheet
    rows. ``cell_rows`` (as for :func:`scorer.prepare.reading.read_cells`) is updated
    so that a filled cell is located at the state's row.

    >>> df = pd.DataFrame({"iso3": ["GBR", "BMU"], "n": ["13", ""], "via": ["", "United Kingdom"]})
    >>> fill = apply_territory_rule(df, TerritoryRule(column="via", indicators=["n"]), ["n"],
    ...     ids=["GBR", "BMU"], rows=np.array([2, 3]), countries=True, source="s.csv")
    >>> fill.frame["n"].tolist(), [(c.column, c.chain) for c in fill.inherited], df["n"].tolist()
    (['13', '13'], [('n', ('BMU', 'GBR'))], ['13', ''])
    """
    if rule.column not in frame.columns:
        names = [str(c) for c in frame.columns]
        problem = Problem(
            "data.missing_column",
            f"should have a column {rule.column!r} (territory_rule.column), but it does not"
            + did_you_mean(rule.column, names),
            file=source,
            column=rule.column,
            fix="add the column (blank on every row whose values are its own), or remove territory_rule "
            "from the criteria file",
        )
        return TerritoryFill(frame, [], [problem], {c: np.asarray(v) for c, v in (cell_rows or {}).items()})
    targets, problems = _targets(frame, rule, ids, rows, countries=countries, source=source)
    problems += _chains(targets, ids, rows, rule.column, source)
    out_rows = {c: np.asarray(v) for c, v in (cell_rows or {}).items()}
    if problems:
        return TerritoryFill(frame, [], problems, out_rows)
    out = frame.copy()
    inherited: list[InheritedCell] = []
    for column in dict.fromkeys(columns):
        values = list(frame[column])
        located = np.array(out_rows.get(column, rows), dtype=int, copy=True)
        for p, first in enumerate(targets):
            if first is None or not is_missing(values[p]):
                continue
            chain: list[int] = [p]
            q: int | None = first
            while q is not None and is_missing(values[q]):
                chain.append(q)
                q = targets[q]
            if q is None:
                continue
            chain.append(q)
            out.iat[p, out.columns.get_loc(column)] = values[q]  # type: ignore[index]
            located[p] = located[q]
            inherited.append(InheritedCell(p, q, column, tuple(str(ids[i]) for i in chain)))
        out_rows[column] = located
    return TerritoryFill(out, inherited, [], out_rows)


def inherited_frame(
    cells: Sequence[InheritedCell],
    rule: TerritoryRule | None,
    *,
    ids: Sequence[str],
    names: Sequence[str],
    rows: np.ndarray,
    values: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """One row per inherited cell: id, name, row, column, value, state, and ``how`` in words.

    ``values`` maps each column to the number read from every row (NaN when none).

    >>> rule = TerritoryRule(column="via", indicators=["n"])
    >>> f = inherited_frame([InheritedCell(1, 0, "n", ("BMU", "GBR"))], rule, ids=["GBR", "BMU"],
    ...     names=["United Kingdom", "Bermuda"], rows=np.array([2, 3]), values={"n": np.array([13.0, 13.0])})
    >>> f.loc[0, "how"]
    "value of GBR (United Kingdom) applied through column 'via' (territory_rule)"
    """
    records = []
    for c in cells:
        via = " via ".join(c.chain[1:-1])
        state = f"{c.state} ({names[c.source_position]})"
        records.append(
            {
                "id": ids[c.position],
                "name": names[c.position],
                "row": int(rows[c.position]),
                "column": c.column,
                "value": float(values[c.column][c.position]),
                "state": c.state,
                "how": f"value of {state}{' via ' + via if via else ''} applied through column "
                f"{rule.column if rule else ''!r} (territory_rule)",
            }
        )
    return pd.DataFrame(records, columns=INHERITED_COLUMNS)
