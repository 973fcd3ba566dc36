"""Choosing the set of UNCTs, not just their order.

The ranking says which countries score best; joining a UNCT brings a heavy
coordination workload (summary para 16), so WIPO can join only some. This
module picks the set that maximises the total score under a capacity (at
most N UNCTs), a budget against a cost (e.g. staff-days a year), minimum and
maximum counts per group (region, income group, LDC status: the regional
issue-based coalitions of para 15 need a presence in each region), and
countries forced in or out.

The choice is solved exactly as a 0-1 integer program with
``scipy.optimize.milp`` (HiGHS), with ``mip_rel_gap=0``. When the only
constraints are a capacity and countries forced in or out, the same
program's optimum is found by sorting instead (the forced countries, then the
best gains), which a test holds equal to HiGHS's answer.

Objective. ``"score"`` (default) maximises the sum of the chosen scores.
``"score-minus-cost"`` maximises ``sum(score) - cost_weight * sum(cost)``,
so a country enters only if its score pays for its cost at the stated
exchange rate (``cost_weight`` = score points per unit of cost). Values are
taken as benefits: a country with a negative value lowers the total, so it is
chosen only when forced in or needed for a group minimum. Capacity and budget
are upper limits, not targets.

Tie-break. When several sets reach the optimum, the result must not depend on
row order. Two measures ensure it:

1. rows are sorted by ISO3 before the program is built, so the solver sees the
   identical program whatever the input order (HiGHS is deterministic);
2. the objective is measured in units of ``1e-6 * max|value|`` and each
   country gets a bonus ``(n - p) / (n(n+1)/2 + 1)``, where ``p`` is its
   position in ISO3 order. All bonuses together sum to less than one unit, so
   they can never override a score difference of ``1e-6 * max|value|`` or
   more; among sets tied on value, the one whose ISO3 codes come earliest
   (smallest sum of alphabetical positions) wins. The bonus steps
   (>= 7.6e-5 units for 162 countries) are above HiGHS's absolute gap
   (1e-6 units), so the solver resolves them.

Infeasibility. When the program is infeasible, the error names the
conflicting constraints: first by simple counting arguments (forced-in
countries over capacity or budget, a group minimum above the group's
eligible countries, minimum and maximum crossing, group minimums of one column
that together exceed the capacity or the budget), otherwise by a deletion
filter that finds an irreducible infeasible subset of the named constraints
(drop each constraint in turn, re-solve, keep it dropped if the rest is still
infeasible).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.core.aggregation import weighted_sum
from scorer.errors import (
    ConfigError,
    DataError,
    Problem,
    ProblemCollector,
)
from scorer.selection.conflicts import _irreducible_conflict, _solve_or_explain  # noqa: F401  (tests)
from scorer.selection.model import (
    BUDGET_TOLERANCE,
    OBJECTIVE_ALIASES,
    TIE_RESOLUTION,
    Binding,
    BoolArray,
    FloatArray,
    GroupBound,
    LeftOut,
    Objective,
    SelectionResult,
    SelectionSpec,
    _fmt,
    _listing,
)
from scorer.selection.program import _prepare, _Prepared, _Row, _solve


def _bindings(prep: _Prepared, chosen: BoolArray) -> tuple[Binding, ...]:
    out: list[Binding] = []
    available = ~chosen & ~prep.excluded
    for row in prep.rows:
        used = float(row.coef @ chosen)
        counted = (row.kind == "capacity" and used >= row.bound) or (row.kind in ("min", "max") and used == row.bound)
        if counted:
            out.append(Binding(row.name, row.bound, used, f"{row.name} (binding: {used:.0f} chosen)"))
        elif row.kind == "budget":
            slack = row.bound - used
            cheapest = float(row.coef[available].min()) if available.any() else None
            if slack <= BUDGET_TOLERANCE * row.bound:
                label = f"{row.name} (binding: {_fmt(used)} used)"
            elif cheapest is not None and slack < cheapest:
                label = (
                    f"{row.name} (binding: {_fmt(used)} used; the {_fmt(slack)} "
                    f"left is less than the cheapest country not chosen, "
                    f"{_fmt(cheapest)})"
                )
            else:
                continue
            out.append(Binding(row.name, row.bound, used, label))
    return tuple(out)


def _best_left_out(prep: _Prepared, chosen: BoolArray, values: FloatArray, total: float) -> LeftOut | None:
    candidates = np.flatnonzero(~chosen & ~prep.excluded)
    if not len(candidates):
        return None
    # Highest score first, earliest ISO3 on ties (rows are in ISO3 order).
    j = int(candidates[np.argmax(prep.score[candidates])])
    code, score = prep.iso3[j], float(prep.score[j])
    unit = np.zeros(prep.n)
    unit[j] = 1.0
    forced_row = _Row(f"include {code}", "include", unit, 1.0, np.inf, 1.0)
    alt = _solve(values, (*prep.rows, forced_row), prep.tiebreak)
    head = f"{code} (score {score:.4g})"
    if alt is None:
        return LeftOut(
            code,
            score,
            math.inf,
            (),
            (),
            f"{head} cannot enter under these constraints, whatever its score",
        )
    loss = max(0.0, total - float(values[alt].sum()))
    replaces = tuple(c for c, a, b in zip(prep.iso3, chosen, alt, strict=True) if a and not b)
    also = tuple(c for c, a, b in zip(prep.iso3, chosen, alt, strict=True) if b and not a and c != code)
    scale = float(np.max(np.abs(values)))
    swap = f", replacing {_listing(replaces)}" if replaces else ""
    if also:
        swap += f" (with {_listing(also)} also entering)"
    if loss <= TIE_RESOLUTION * scale:
        label = f"{head} ties with the chosen set{swap}; only the ISO3 tie-break left it out"
    else:
        label = f"{head} would enter if its score rose by more than {loss:.4g}{swap}"
    return LeftOut(code, score, loss, replaces, also, label)


def _chosen_frame(prep: _Prepared, chosen: BoolArray) -> pd.DataFrame:
    index = pd.Index([c for c, k in zip(prep.iso3, chosen, strict=True) if k], name="iso3")
    cost = prep.cost[chosen] if prep.cost is not None else np.full(len(index), np.nan)
    frame = pd.DataFrame(
        {
            "score": prep.score[chosen],
            "cost": cost,
            "cost_defaulted": prep.cost_defaulted[chosen],
        },
        index=index,
    )
    for col in prep.groups.columns:
        frame[col] = prep.groups.loc[list(index), col].to_numpy()
    frame["forced"] = prep.forced[chosen]
    order = np.lexsort((frame.index.to_numpy(dtype=object), -frame["score"].to_numpy()))
    return frame.iloc[order]


def select_countries(
    scores: pd.Series,
    spec: SelectionSpec,
    *,
    groups: pd.DataFrame | None = None,
    costs: pd.Series | None = None,
) -> SelectionResult:
    """Choose the set of UNCTs with the highest total value under ``spec``.

    ``scores`` holds each eligible country's score (ISO3 index, higher is
    better); ``groups`` the group columns the bounds refer to; ``costs`` the
    cost of each UNCT (blanks take ``spec.default_cost``). Raises
    ``ConfigError`` for a spec that does not fit the data, ``DataError`` for
    bad scores or costs, and ``ScoringError`` naming the conflicting
    constraints when no set satisfies them all.

    >>> scores = pd.Series({"KEN": 0.9, "TZA": 0.8, "FRA": 0.7, "PER": 0.4})
    >>> groups = pd.DataFrame({"region": ["Africa", "Africa", "Europe", "Americas"]},
    ...                       index=["KEN", "TZA", "FRA", "PER"])
    >>> spec = SelectionSpec(capacity=2, bounds=(GroupBound("region", "Africa", max=1),))
    >>> result = select_countries(scores, spec, groups=groups)
    >>> result.iso3, round(result.price_of_balance, 2)
    (('FRA', 'KEN'), 0.1)
    >>> [b.label for b in result.binding]
    ['capacity <= 2 (binding: 2 chosen)', 'region=Africa <= 1 (binding: 1 chosen)']
    >>> result.best_left_out.label
    'TZA (score 0.8) would enter if its score rose by more than 0.1, replacing KEN'
    """
    prep = _prepare(scores, spec, groups, costs)
    values = prep.values(prep.score)
    start = time.perf_counter()
    chosen = _solve_or_explain(prep, values, prep.rows)
    seconds = time.perf_counter() - start
    total = float(values[chosen].sum())

    base = prep.base_rows()
    if len(base) == len(prep.rows):
        free = chosen
    else:
        solved = _solve(values, base, prep.tiebreak)
        assert solved is not None  # choosing nobody always fits capacity and budget
        free = solved
    free_value = float(values[free].sum())
    price = free_value - total
    scale = float(np.max(np.abs(values))) if prep.n else 0.0
    if price < 0 and -price <= TIE_RESOLUTION * scale:
        price = 0.0

    cost_total = float(prep.cost[chosen].sum()) if prep.cost is not None else math.nan
    return SelectionResult(
        chosen=_chosen_frame(prep, chosen),
        objective=OBJECTIVE_ALIASES[spec.objective],
        total_value=total,
        total_score=float(prep.score[chosen].sum()),
        total_cost=cost_total,
        binding=_bindings(prep, chosen),
        best_left_out=_best_left_out(prep, chosen, values, total),
        price_of_balance=price,
        unconstrained=tuple(c for c, k in zip(prep.iso3, free, strict=True) if k),
        unconstrained_value=free_value,
        defaulted_costs=tuple(c for c, d in zip(prep.iso3, prep.cost_defaulted, strict=True) if d),
        solve_seconds=seconds,
    )


def robust_selection(
    values: pd.DataFrame,
    weight_draws: NDArray[np.floating] | pd.DataFrame,
    spec: SelectionSpec,
    *,
    groups: pd.DataFrame | None = None,
    costs: pd.Series | None = None,
    max_draws: int = 200,
) -> pd.Series:
    """Share of weight draws in which each country is in the optimal set.

    ``values`` holds the criterion values (ISO3 index, one column per
    criterion, already normalised); ``weight_draws`` one weight vector per
    row, in the column order of ``values`` (a DataFrame is aligned by column
    name). Each draw scores the countries as ``values @ weights`` and solves
    the selection; the result is sorted by share (highest first), then ISO3.
    One integer program per draw: more than ``max_draws`` draws is refused.

    >>> values = pd.DataFrame({"a": [1.0, 0.0, 0.5], "b": [0.0, 1.0, 0.5]},
    ...                       index=["KEN", "PER", "FRA"])
    >>> draws = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.9, 0.1]])
    >>> # The third draw ties all three at 0.5: the ISO3 tie-break picks FRA.
    >>> robust_selection(values, draws, SelectionSpec(capacity=1)).to_dict()
    {'KEN': 0.5, 'FRA': 0.25, 'PER': 0.25}
    """
    if not isinstance(values, pd.DataFrame):
        raise DataError(
            Problem(
                "selection.values",
                f"values should be a pandas DataFrame, but it is {type(values).__name__}",
            )
        )
    draws = _weight_draws(weight_draws, list(values.columns), max_draws)
    matrix = values.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    if not np.isfinite(matrix).all():
        bad = values.index[~np.isfinite(matrix).all(axis=1)]
        raise DataError(
            Problem(
                "selection.values",
                f"criterion values should be numbers, but they are blank or not numeric for {_listing(map(str, bad))}",
                fix="impute or drop them before selecting",
            )
        )
    return selection_shares(
        pd.DataFrame(weighted_sum(matrix, draws).T, index=values.index), spec, groups=groups, costs=costs
    )


def _weight_draws(
    weight_draws: NDArray[np.floating] | pd.DataFrame, criteria: list[object], max_draws: int
) -> NDArray[np.float64]:
    """The weight draws as an ``(m, k)`` array in the order of ``criteria``, checked (finite, at most ``max_draws``)."""
    if isinstance(weight_draws, pd.DataFrame):
        missing = [c for c in criteria if c not in weight_draws.columns]
        if missing:
            raise ConfigError(
                Problem(
                    "selection.draws",
                    f"weight_draws should have a column for each criterion, but "
                    f"{_listing(map(str, missing))} are missing",
                )
            )
        draws = weight_draws[criteria].to_numpy(dtype=np.float64)
    else:
        draws = np.asarray(weight_draws, dtype=np.float64)
    k = len(criteria)
    problems = ProblemCollector()
    if draws.ndim != 2 or draws.shape[1] != k or draws.shape[0] == 0:
        problems.add(
            Problem(
                "selection.draws",
                f"weight_draws should have shape (m, {k}) with m >= 1, but it has shape {draws.shape}",
            )
        )
    elif not np.isfinite(draws).all():
        problems.add(
            Problem(
                "selection.draws",
                "weight_draws should be finite numbers, but some are blank or infinite",
            )
        )
    elif draws.shape[0] > max_draws:
        problems.add(
            Problem(
                "selection.draws",
                f"weight_draws should have at most {max_draws} rows (one integer "
                f"program each), but it has {draws.shape[0]}",
                fix="pass max_draws= to allow more",
            )
        )
    problems.raise_if_any(ConfigError)
    return draws


def selection_shares(
    score_draws: pd.DataFrame,
    spec: SelectionSpec,
    *,
    groups: pd.DataFrame | None = None,
    costs: pd.Series | None = None,
) -> pd.Series:
    """Share of score draws (one column each, ISO3 index) in which each country is in the optimal set.

    The one robust-set computation: one integer program per column; sorted by
    share (highest first), then ISO3.

    >>> draws = pd.DataFrame({0: [1.0, 0.0], 1: [0.0, 1.0], 2: [0.9, 0.1]}, index=["KEN", "PER"])
    >>> selection_shares(draws, SelectionSpec(capacity=1)).round(3).to_dict()
    {'KEN': 0.667, 'PER': 0.333}
    """
    prep = _prepare(score_draws.iloc[:, 0], spec, groups, costs)
    ordered = score_draws.reindex(list(prep.iso3)).to_numpy(dtype=np.float64)
    counts = np.zeros(prep.n)
    for d in range(ordered.shape[1]):
        counts += _solve_or_explain(prep, prep.values(ordered[:, d]), prep.rows)
    share = pd.Series(
        counts / ordered.shape[1],
        index=pd.Index(list(prep.iso3), name="iso3"),
        name="share_selected",
    )
    order = np.lexsort((share.index.to_numpy(dtype=object), -share.to_numpy()))
    return share.iloc[order]


__all__ = [
    "BUDGET_TOLERANCE",
    "OBJECTIVE_ALIASES",
    "TIE_RESOLUTION",
    "Binding",
    "GroupBound",
    "LeftOut",
    "Objective",
    "SelectionResult",
    "SelectionSpec",
    "robust_selection",
    "select_countries",
    "selection_shares",
]
