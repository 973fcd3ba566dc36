"""The 0-1 programme of a selection: its rows, checked against the data, and one HiGHS solve."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.errors import (
    ConfigError,
    DataError,
    Problem,
    ProblemCollector,
    ScoringError,
)
from scorer.selection.model import (
    TIE_RESOLUTION,
    BoolArray,
    FloatArray,
    SelectionSpec,
    _fmt,
    _Kind,
    _listing,
)
from scorer.solvers.highs import quietly

IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class _Row:
    name: str
    kind: _Kind
    coef: FloatArray
    lower: float
    upper: float
    bound: float


@dataclass(frozen=True)
class _Prepared:
    """The validated program, rows in ISO3 order."""

    spec: SelectionSpec
    iso3: tuple[str, ...]
    score: FloatArray
    cost: FloatArray | None
    cost_defaulted: BoolArray
    cost_unit: str
    groups: pd.DataFrame
    group_text: dict[str, list[str | None]]
    forced: BoolArray
    excluded: BoolArray
    rows: tuple[_Row, ...]
    tiebreak: FloatArray

    @property
    def n(self) -> int:
        return len(self.iso3)

    def values(self, score: FloatArray) -> FloatArray:
        if self.spec.objective == "score-minus-cost":
            assert self.cost is not None and self.spec.cost_weight is not None
            return score - self.spec.cost_weight * self.cost
        return score

    def base_rows(self) -> tuple[_Row, ...]:
        return tuple(r for r in self.rows if r.kind in ("capacity", "budget"))


def _check_index(index: pd.Index, what: str, problems: ProblemCollector) -> None:
    dupes = index[index.duplicated()].unique()
    if len(dupes):
        problems.add(
            Problem(
                "selection.index",
                f"each ISO3 code should appear once, but "
                f"{_listing(map(str, dupes))} "
                f"{'appears' if len(dupes) == 1 else 'appear'} more than once",
                key=what,
            )
        )
    bad = [v for v in index if not isinstance(v, str)]
    if bad:
        problems.add(
            Problem(
                "selection.index",
                f"the index should hold ISO3 codes, but it holds {_listing(map(repr, bad))}",
                key=what,
            )
        )


def _prepare(
    scores: pd.Series,
    spec: SelectionSpec,
    groups: pd.DataFrame | None,
    costs: pd.Series | None,
) -> _Prepared:
    data = ProblemCollector()
    config = ProblemCollector()
    _check_scores(scores, data)
    data.raise_if_any(DataError)

    iso3 = tuple(sorted(str(c) for c in scores.index))
    n = len(iso3)
    score = scores.reindex(list(iso3)).to_numpy(dtype=np.float64)
    known = set(iso3)

    for name in ("include", "exclude"):
        unknown = [c for c in getattr(spec, name) if c not in known]
        if unknown:
            config.add(
                Problem(
                    "selection.unknown_country",
                    f"should name countries that have a score, but "
                    f"{_listing(unknown)} {'is' if len(unknown) == 1 else 'are'} "
                    f"not among the {n} scored countries",
                    key=name,
                )
            )

    group_frame, group_text = _read_groups(spec, groups, iso3, data, config)

    cost, defaulted, cost_name, group_frame = _read_costs(spec, costs, groups, group_frame, iso3, data, config)
    data.raise_if_any(DataError)
    config.raise_if_any(ConfigError)

    position = {c: i for i, c in enumerate(iso3)}
    forced = np.zeros(n, dtype=bool)
    forced[[position[c] for c in spec.include]] = True
    excluded = np.zeros(n, dtype=bool)
    excluded[[position[c] for c in spec.exclude]] = True

    cost_unit = f" {cost_name}" if cost_name else ""
    rows = _rows(spec, n, cost, cost_unit, group_text, position)

    tiebreak = (n - np.arange(n, dtype=np.float64)) / (n * (n + 1) / 2 + 1)
    return _Prepared(
        spec=spec,
        iso3=iso3,
        score=score,
        cost=cost,
        cost_defaulted=defaulted,
        cost_unit=cost_unit,
        groups=group_frame,
        group_text=group_text,
        forced=forced,
        excluded=excluded,
        rows=tuple(rows),
        tiebreak=tiebreak,
    )


def _check_scores(scores: pd.Series, data: ProblemCollector) -> None:
    """Scores: a Series of finite numbers, one per ISO3 code (problems added to ``data``)."""
    if not isinstance(scores, pd.Series):
        raise DataError(
            Problem(
                "selection.scores",
                f"scores should be a pandas Series, but it is {type(scores).__name__}",
            )
        )
    _check_index(scores.index, "scores", data)
    if scores.empty:
        data.add(Problem("selection.scores", "scores should hold at least one country, but it is empty", key="scores"))
    if not pd.api.types.is_numeric_dtype(scores) or pd.api.types.is_bool_dtype(scores):
        data.add(
            Problem(
                "selection.scores",
                f"scores should be numbers, but their type is {scores.dtype}",
                key="scores",
            )
        )
    else:
        bad = scores.index[~np.isfinite(scores.to_numpy(dtype=float))]
        if len(bad):
            data.add(
                Problem(
                    "selection.scores",
                    "score should be a number for every eligible country, "
                    f"but it is blank or infinite for {_listing(map(str, bad))}",
                    key="scores",
                    fix="drop ineligible countries before selecting",
                )
            )


def _read_groups(
    spec: SelectionSpec,
    groups: pd.DataFrame | None,
    iso3: tuple[str, ...],
    data: ProblemCollector,
    config: ProblemCollector,
) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """The group columns in ISO3 order and each bounded column's values as text; unknown columns and values noted."""
    group_frame = pd.DataFrame(index=pd.Index(list(iso3), name="iso3"))
    group_text: dict[str, list[str | None]] = {}
    if groups is not None:
        if not isinstance(groups, pd.DataFrame):
            raise DataError(
                Problem(
                    "selection.groups",
                    f"groups should be a pandas DataFrame, but it is {type(groups).__name__}",
                )
            )
        _check_index(groups.index, "groups", data)
        data.raise_if_any(DataError)
        group_frame = groups.reindex(list(iso3))
        group_frame.index.name = "iso3"
    columns = [str(c) for c in group_frame.columns]
    for i, bound in enumerate(spec.bounds):
        if bound.column not in group_frame.columns:
            config.add(
                Problem(
                    "selection.unknown_group_column",
                    f"the group column should be one of "
                    f"{', '.join(columns) if columns else '(no groups given)'}, "
                    f"but it is {bound.column!r}",
                    key=f"bounds[{i}]",
                )
            )
            continue
        if bound.column not in group_text:
            group_text[bound.column] = [None if pd.isna(v) else str(v) for v in group_frame[bound.column]]
        assert groups is not None
        found = sorted({str(v) for v in groups[bound.column] if not pd.isna(v)})
        if bound.value not in found:
            config.add(
                Problem(
                    "selection.unknown_group_value",
                    f"the value should be one found in column {bound.column!r} "
                    f"({', '.join(found) if found else 'no values'}), but it is "
                    f"{bound.value!r}",
                    key=f"bounds[{i}]",
                    value=bound.value,
                )
            )
    return group_frame, group_text


def _read_costs(
    spec: SelectionSpec,
    costs: pd.Series | None,
    groups: pd.DataFrame | None,
    group_frame: pd.DataFrame,
    iso3: tuple[str, ...],
    data: ProblemCollector,
    config: ProblemCollector,
) -> tuple[FloatArray | None, BoolArray, str | None, pd.DataFrame]:
    """Each country's cost (defaults filled), which were defaulted, the cost's name, and the groups without it."""
    n = len(iso3)
    cost_name = spec.cost_column
    if costs is None and groups is not None and spec.cost_column is not None and spec.cost_column in groups.columns:
        costs = groups[spec.cost_column]
        group_frame = group_frame.drop(columns=[spec.cost_column])
    if costs is not None and spec.cost_column is None and costs.name is not None:
        cost_name = str(costs.name)
    cost_key = cost_name or "costs"
    cost: FloatArray | None = None
    defaulted = np.zeros(n, dtype=bool)
    if costs is None:
        if spec.needs_costs:
            what = "spec.budget" if spec.budget is not None else "spec.objective='score-minus-cost'"
            config.add(
                Problem(
                    "selection.costs",
                    f"costs should be given with {what}, but they are missing",
                    key="costs",
                    fix="pass costs=, or groups= holding the column spec.cost_column names",
                )
            )
    else:
        _check_index(costs.index, "costs", data)
        data.raise_if_any(DataError)
        raw = pd.to_numeric(costs.reindex(list(iso3)), errors="coerce")
        cost = raw.to_numpy(dtype=np.float64)
        nonnumeric = [
            c for c, v, r in zip(iso3, cost, costs.reindex(list(iso3)), strict=True) if np.isnan(v) and not pd.isna(r)
        ]
        if nonnumeric:
            data.add(
                Problem(
                    "selection.costs",
                    f"cost should be a number, but it is not for {_listing(nonnumeric)}",
                    key=cost_key,
                )
            )
        negative = [c for c, v in zip(iso3, cost, strict=True) if v < 0 or v == np.inf]
        if negative:
            data.add(
                Problem(
                    "selection.costs",
                    f"cost should be a number >= 0, but it is not for {_listing(negative)}",
                    key=cost_key,
                )
            )
        blank = np.isnan(cost)
        if spec.default_cost is not None:
            defaulted = blank
            cost = np.where(blank, float(spec.default_cost), cost)
        elif blank.any() and spec.needs_costs:
            data.add(
                Problem(
                    "selection.costs",
                    f"cost should be given for every eligible country, but it is "
                    f"blank for {_listing([c for c, b in zip(iso3, blank, strict=True) if b])}",
                    key=cost_key,
                    fix="fill them in or set default_cost",
                )
            )
    return cost, defaulted, cost_name, group_frame


def _rows(
    spec: SelectionSpec,
    n: int,
    cost: FloatArray | None,
    cost_unit: str,
    group_text: dict[str, list[str | None]],
    position: dict[str, int],
) -> list[_Row]:
    """The programme's constraint rows: capacity, budget, group bounds, forced in and out."""
    rows: list[_Row] = []
    if spec.capacity is not None:
        cap = float(spec.capacity)
        rows.append(
            _Row(
                f"capacity <= {spec.capacity}",
                "capacity",
                np.ones(n),
                -np.inf,
                cap,
                cap,
            )
        )
    if spec.budget is not None:
        assert cost is not None
        rows.append(
            _Row(
                f"budget <= {_fmt(spec.budget)}{cost_unit}",
                "budget",
                cost.copy(),
                -np.inf,
                spec.budget,
                spec.budget,
            )
        )
    for bound in spec.bounds:
        member = np.array([v == bound.value for v in group_text[bound.column]], dtype=np.float64)
        if bound.min is not None:
            rows.append(
                _Row(
                    f"{bound.name} >= {bound.min}",
                    "min",
                    member,
                    float(bound.min),
                    np.inf,
                    float(bound.min),
                )
            )
        if bound.max is not None:
            rows.append(
                _Row(
                    f"{bound.name} <= {bound.max}",
                    "max",
                    member,
                    -np.inf,
                    float(bound.max),
                    float(bound.max),
                )
            )
    for c in spec.include:
        unit = np.zeros(n)
        unit[position[c]] = 1.0
        rows.append(_Row(f"include {c}", "include", unit, 1.0, np.inf, 1.0))
    for c in spec.exclude:
        unit = np.zeros(n)
        unit[position[c]] = 1.0
        rows.append(_Row(f"exclude {c}", "exclude", unit, -np.inf, 0.0, 0.0))
    return rows


def _solve(values: FloatArray | None, rows: Sequence[_Row], tiebreak: FloatArray) -> BoolArray | None:
    """Maximise values (plus the tie-break) under rows; None if infeasible.

    ``values=None`` asks only whether the rows can hold together. Under a
    capacity and forced countries alone the optimum is found by sorting
    (:func:`_solve_by_sorting`); otherwise HiGHS solves the 0-1 program.
    """
    n = len(tiebreak)
    if values is None:
        c = np.zeros(n)
    else:
        scale = float(np.max(np.abs(values))) if n else 0.0
        unit = 1.0 / (TIE_RESOLUTION * scale) if scale > 0 else 1.0
        c = -(values * unit + tiebreak)
    if all(r.kind in _COUNT_ONLY for r in rows):
        return _solve_by_sorting(c, rows)
    kept = _candidates(c, rows)
    if not len(kept):  # nobody can be chosen: the empty set, if it fits
        return np.zeros(n, dtype=bool) if all(r.lower <= 0.0 <= r.upper for r in rows) else None
    x = _milp(c[kept], [r.coef[kept] for r in rows], rows)
    if x is None:
        return None
    chosen = np.zeros(n, dtype=bool)
    chosen[kept[x]] = True
    return chosen


def _milp(c: FloatArray, coefs: Sequence[FloatArray], rows: Sequence[_Row]) -> BoolArray | None:
    """HiGHS on ``min c @ x`` with ``lower <= coef @ x <= upper`` for each row; None if infeasible."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    constraints = None
    if rows:
        constraints = LinearConstraint(
            np.vstack(coefs),
            np.array([r.lower for r in rows]),
            np.array([r.upper for r in rows]),
        )
    res = quietly(
        milp,
        c,
        integrality=np.ones(len(c)),
        bounds=Bounds(0.0, 1.0),
        constraints=constraints,
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 0:
        out: BoolArray = np.asarray(res.x, dtype=np.float64) > 0.5
        return out
    if res.status == 2:
        return None
    raise ScoringError(
        Problem(
            "selection.solver",
            f"the solver should finish, but it stopped: {res.message}",
        )
    )


_COUNT_ONLY = frozenset({"capacity", "include", "exclude"})
"""Row kinds under which the 0-1 program is solved exactly by sorting (no solver)."""


def _solve_by_sorting(c: FloatArray, rows: Sequence[_Row]) -> BoolArray | None:
    """Minimise ``c @ x`` under a capacity and countries forced in or out: the forced ones, then the best gains.

    With no other rows the program's optimum is plain: every forced country,
    then the countries with a negative cost ``c`` (a gain), most negative first
    (earliest row on exact ties), up to the capacity. This is the optimum the
    integer program finds, without the solver (HiGHS took about 5 s for 5,000
    countries). None if the forced countries cannot all be chosen.

    >>> cap = _Row("capacity <= 2", "capacity", np.ones(4), -np.inf, 2.0, 2.0)
    >>> out = _Row("exclude B", "exclude", np.array([0.0, 1.0, 0.0, 0.0]), -np.inf, 0.0, 0.0)
    >>> _solve_by_sorting(np.array([-3.0, -4.0, -1.0, 2.0]), [cap, out]).tolist()
    [True, False, True, False]
    """
    n = len(c)
    forced = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    capacity = n
    for row in rows:
        if row.kind == "include":
            forced |= row.coef > 0
        elif row.kind == "exclude":
            excluded |= row.coef > 0
        else:
            capacity = min(capacity, int(np.floor(row.upper + 1e-9)))
    if (forced & excluded).any() or int(forced.sum()) > capacity:
        return None
    chosen = forced.copy()
    free = np.flatnonzero(~forced & ~excluded & (c < 0))
    best = free[np.argsort(c[free], kind="stable")][: capacity - int(forced.sum())]
    chosen[best] = True
    return chosen


def _candidates(c: FloatArray, rows: Sequence[_Row]) -> IntArray:
    """The countries some optimal set may hold: the forced ones and those not dominated (sorted positions).

    A country that is neither forced in nor out is left out of the program when
    at least ``m`` other such countries in the same groups (the same member of
    every group row) are at least as good: a gain ``-c`` as large (larger, or
    equal and earlier) and, under a budget, a cost as small. Here ``m`` is the
    most such countries any set can hold (the capacity, or the number of the
    cheapest that fit the budget, less the forced ones). Swapping it for an
    unchosen better one keeps every row satisfied and loses nothing, so the
    optimum is unchanged (and so is feasibility); a capacity of 25 leaves a
    few hundred of 5,000 countries.

    >>> cap = _Row("capacity <= 1", "capacity", np.ones(3), -np.inf, 1.0, 1.0)
    >>> _candidates(np.array([-1.0, -3.0, -2.0]), [cap]).tolist()
    [1]
    """
    n = len(c)
    forced = np.zeros(n, dtype=bool)
    excluded = np.zeros(n, dtype=bool)
    room = float(n)
    cost: FloatArray | None = None
    groups = []
    for row in rows:
        if row.kind == "include":
            forced |= row.coef > 0
        elif row.kind == "exclude":
            excluded |= row.coef > 0
        elif row.kind == "capacity":
            room = min(room, np.floor(row.upper + 1e-9))
        elif row.kind == "budget":
            cost = row.coef
            cheapest = np.cumsum(np.sort(row.coef))
            room = min(room, float(np.searchsorted(cheapest, row.upper * (1 + 1e-9), side="right")))
        else:
            groups.append(row.coef)
    free = np.flatnonzero(~forced & ~excluded)
    limit = int(room) - int(forced.sum())
    if limit >= len(free):
        return np.flatnonzero(~excluded | forced)
    kinds = np.zeros(n, dtype=np.int64)
    if groups:
        kinds[free] = np.unique(np.vstack(groups).T[free], axis=0, return_inverse=True)[1].reshape(-1)
    keep = forced.copy()
    better: dict[int, list[float]] = {}  # per kind, the costs of the countries seen so far (all better)
    for i in free[np.lexsort((free, c[free]))]:  # best gain first, earliest on ties
        costs = better.setdefault(int(kinds[i]), [])
        price = 0.0 if cost is None else float(cost[i])
        if bisect.bisect_right(costs, price) < limit:
            keep[i] = True
        bisect.insort(costs, price)
    return np.flatnonzero(keep)
