"""Choosing the set of UNCTs, not just their order.

The ranking says which countries score best; joining a UNCT brings a heavy
coordination workload (summary para 16), so WIPO can join only some. This
module picks the set that maximises the total score under a capacity (at
most N UNCTs), a budget against a cost (e.g. staff-days a year), minimum and
maximum counts per group (region, income group, LDC status: the regional
issue-based coalitions of para 15 need a presence in each region), and
countries forced in or out.

The choice is solved exactly as a 0-1 integer program with
``scipy.optimize.milp`` (HiGHS), with ``mip_rel_gap=0``.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.aggregation import weighted_sum
from scorer.errors import (
    ConfigError,
    DataError,
    Problem,
    ProblemCollector,
    ScoringError,
)
from scorer.highs import quietly

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Objective = Literal["score", "score-minus-cost"]

OBJECTIVE_ALIASES: dict[str, Objective] = {
    "score": "score",
    "total": "score",
    "score-minus-cost": "score-minus-cost",
    "score_minus_cost": "score-minus-cost",
    "net": "score-minus-cost",
}

#: Value differences below this share of the largest |value| count as ties.
TIE_RESOLUTION = 1e-6
#: Relative slack under which the budget counts as fully used.
BUDGET_TOLERANCE = 1e-9

_Kind = Literal["capacity", "budget", "min", "max", "include", "exclude"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def _is_whole(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_)


def _listing(codes: Iterable[str], limit: int = 10) -> str:
    items = list(codes)
    text = ", ".join(items[:limit])
    if len(items) > limit:
        text += f" and {len(items) - limit} more"
    return text


@dataclass(frozen=True)
class GroupBound:
    """At least ``min`` and/or at most ``max`` chosen countries with ``column == value``.

    Group values are compared as text, so ``value="True"`` matches a boolean
    column's ``True``.

    >>> GroupBound("region", "Africa", min=3).labels()
    ['region=Africa >= 3']
    >>> GroupBound("income_group", "High income", max=2).labels()
    ['income_group=High income <= 2']
    """

    column: str
    value: str
    min: int | None = None
    max: int | None = None

    def __post_init__(self) -> None:
        problems = ProblemCollector()
        key = f"{self.column}={self.value}"
        if not isinstance(self.column, str) or not self.column:
            problems.add(
                Problem(
                    "selection.bound",
                    f"the group column should be a non-empty name, but it is {self.column!r}",
                    key=key,
                )
            )
        if not isinstance(self.value, str):
            problems.add(
                Problem(
                    "selection.bound",
                    f"the group value should be text, but it is {self.value!r}",
                    key=key,
                    fix=f"write it as {str(self.value)!r}",
                )
            )
        for name, bound in (("min", self.min), ("max", self.max)):
            if bound is not None and (not _is_whole(bound) or bound < 0):
                problems.add(
                    Problem(
                        "selection.bound",
                        f"{name} should be a whole number >= 0, but it is {bound!r}",
                        key=key,
                    )
                )
        if self.min is None and self.max is None:
            problems.add(
                Problem(
                    "selection.bound",
                    "min or max should be given, but both are missing",
                    key=key,
                )
            )
        elif (
            self.min is not None
            and self.max is not None
            and _is_whole(self.min)
            and _is_whole(self.max)
            and self.min > self.max
        ):
            problems.add(
                Problem(
                    "selection.bound",
                    f"min should be <= max, but min is {self.min} and max is {self.max}",
                    key=key,
                )
            )
        problems.raise_if_any(ConfigError)

    @property
    def name(self) -> str:
        return f"{self.column}={self.value}"

    def labels(self) -> list[str]:
        """The constraint labels this bound stands for (min first)."""
        out = []
        if self.min is not None:
            out.append(f"{self.name} >= {self.min}")
        if self.max is not None:
            out.append(f"{self.name} <= {self.max}")
        return out


@dataclass(frozen=True)
class SelectionSpec:
    """What to choose: limits, group bounds, forced countries and the objective.

    At least one of ``capacity`` (max number of UNCTs) and ``budget`` (max
    total cost) is required. ``cost_column`` names the cost (used in labels,
    and read from ``groups`` when no ``costs`` Series is passed);
    ``default_cost`` replaces blank costs. ``objective`` is ``"score"`` or
    ``"score-minus-cost"`` (with ``cost_weight`` > 0, score points per unit of
    cost).

    >>> spec = SelectionSpec(capacity=25, bounds=(GroupBound("region", "Africa", 3),))
    >>> spec.objective, spec.capacity
    ('score', 25)
    >>> SelectionSpec(capacity=None, budget=None)
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: selection: capacity or budget should be given, but both are missing
    """

    capacity: int | None = None
    budget: float | None = None
    cost_column: str | None = None
    default_cost: float | None = None
    bounds: tuple[GroupBound, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    objective: str = "score"
    cost_weight: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "bounds", tuple(self.bounds))
        object.__setattr__(self, "include", tuple(dict.fromkeys(self.include)))
        object.__setattr__(self, "exclude", tuple(dict.fromkeys(self.exclude)))
        problems = ProblemCollector()

        def bad(key: str, message: str, fix: str | None = None) -> None:
            problems.add(Problem("selection.spec", message, key=key, fix=fix))

        if self.capacity is None and self.budget is None:
            bad("selection", "capacity or budget should be given, but both are missing")
        if self.capacity is not None:
            if not _is_whole(self.capacity) or self.capacity < 0:
                bad(
                    "capacity",
                    f"should be a whole number >= 0, but it is {self.capacity!r}",
                )
            else:
                object.__setattr__(self, "capacity", int(self.capacity))
        if self.budget is not None:
            if not _is_number(self.budget) or not math.isfinite(self.budget) or self.budget <= 0:
                bad("budget", f"should be a number > 0, but it is {self.budget!r}")
            else:
                object.__setattr__(self, "budget", float(self.budget))
        if self.default_cost is not None and (
            not _is_number(self.default_cost) or not math.isfinite(self.default_cost) or self.default_cost < 0
        ):
            bad(
                "default_cost",
                f"should be a number >= 0, but it is {self.default_cost!r}",
            )
        for i, bound in enumerate(self.bounds):
            if not isinstance(bound, GroupBound):
                bad(f"bounds[{i}]", f"should be a GroupBound, but it is {bound!r}")
        for name in ("include", "exclude"):
            for code in getattr(self, name):
                if not isinstance(code, str):
                    bad(name, f"should hold ISO3 codes, but it holds {code!r}")
        both = sorted(set(self.include) & set(self.exclude), key=str)
        if both:
            bad(
                "include",
                f"include and exclude should not share a country, but both name {_listing(map(str, both))}",
            )
        objective = OBJECTIVE_ALIASES.get(str(self.objective).strip().lower())
        if objective is None:
            bad(
                "objective",
                f"should be one of 'score', 'score-minus-cost', but it is {self.objective!r}",
            )
        else:
            object.__setattr__(self, "objective", objective)
        if objective == "score-minus-cost":
            if self.cost_weight is None:
                bad(
                    "cost_weight",
                    "should be a number > 0 when objective is 'score-minus-cost', but it is missing",
                )
            elif not _is_number(self.cost_weight) or not math.isfinite(self.cost_weight) or self.cost_weight <= 0:
                bad(
                    "cost_weight",
                    f"should be a number > 0, but it is {self.cost_weight!r}",
                )
        elif objective == "score" and self.cost_weight is not None:
            bad(
                "cost_weight",
                f"should be left out when objective is 'score', but it is {self.cost_weight!r}",
                fix="set objective to 'score-minus-cost' to use it",
            )
        problems.raise_if_any(ConfigError)

    @property
    def needs_costs(self) -> bool:
        return self.budget is not None or self.objective == "score-minus-cost"


@dataclass(frozen=True)
class Binding:
    """A constraint that holds with no room left in the chosen set.

    ``constraint`` is its name (``"region=Africa >= 3"``), ``bound`` its limit,
    ``actual`` the chosen count or cost, ``label`` a sentence for reports.
    """

    constraint: str
    bound: float
    actual: float
    label: str


@dataclass(frozen=True)
class LeftOut:
    """The best-scoring country not chosen, and what it would take to enter.

    ``needed_increase``: its score must rise by more than this for the optimum
    to include it (the value lost by forcing it in); ``math.inf`` if no score
    can bring it in. ``replaces``: chosen countries that leave when it is
    forced in; ``also_enters``: others that come in with it.
    """

    iso3: str
    score: float
    needed_increase: float
    replaces: tuple[str, ...]
    also_enters: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class SelectionResult:
    """The chosen set and the numbers that explain it.

    ``chosen`` is indexed by ISO3 (best score first) with columns ``score``,
    ``cost``, ``cost_defaulted``, the group columns and ``forced``.
    ``total_value`` is the objective (equal to ``total_score`` for the
    ``"score"`` objective). ``price_of_balance`` is the value of the best set
    under the same capacity and budget without group bounds or include/exclude
    (``unconstrained``) minus ``total_value``; it is never negative.
    ``defaulted_costs`` lists every eligible country whose blank cost was
    replaced by the default. ``solve_seconds`` times the main solve.
    """

    chosen: pd.DataFrame
    objective: Objective
    total_value: float
    total_score: float
    total_cost: float
    binding: tuple[Binding, ...]
    best_left_out: LeftOut | None
    price_of_balance: float
    unconstrained: tuple[str, ...]
    unconstrained_value: float
    defaulted_costs: tuple[str, ...]
    solve_seconds: float

    @property
    def iso3(self) -> tuple[str, ...]:
        """The chosen ISO3 codes, sorted."""
        return tuple(sorted(self.chosen.index))


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
            what = "a budget" if spec.budget is not None else "objective"
            config.add(
                Problem(
                    "selection.costs",
                    f"costs should be given with {what}, but they are missing",
                    key="costs",
                    fix="pass costs= or a cost_column found in groups",
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
    data.raise_if_any(DataError)
    config.raise_if_any(ConfigError)

    position = {c: i for i, c in enumerate(iso3)}
    forced = np.zeros(n, dtype=bool)
    forced[[position[c] for c in spec.include]] = True
    excluded = np.zeros(n, dtype=bool)
    excluded[[position[c] for c in spec.exclude]] = True

    cost_unit = f" {cost_name}" if cost_name else ""
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


def _solve(values: FloatArray | None, rows: Sequence[_Row], tiebreak: FloatArray) -> BoolArray | None:
    """Maximise values (plus the tie-break) under rows; None if infeasible.

    ``values=None`` asks only whether the rows can hold together.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(tiebreak)
    if values is None:
        c = np.zeros(n)
    else:
        scale = float(np.max(np.abs(values))) if n else 0.0
        unit = 1.0 / (TIE_RESOLUTION * scale) if scale > 0 else 1.0
        c = -(values * unit + tiebreak)
    constraints = None
    if rows:
        constraints = LinearConstraint(
            np.vstack([r.coef for r in rows]),
            np.array([r.lower for r in rows]),
            np.array([r.upper for r in rows]),
        )
    res = quietly(
        milp,
        c,
        integrality=np.ones(n),
        bounds=Bounds(0.0, 1.0),
        constraints=constraints,
        options={"mip_rel_gap": 0.0},
    )
    if res.status == 0:
        return np.asarray(res.x, dtype=np.float64) > 0.5
    if res.status == 2:
        return None
    raise ScoringError(
        Problem(
            "selection.solver",
            f"the solver should finish, but it stopped: {res.message}",
        )
    )


def _infeasible(message: str, fix: str = "relax or drop one of these constraints") -> Problem:
    return Problem("selection.infeasible", f"the request is infeasible: {message}", fix=fix)


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _counting_conflicts(prep: _Prepared) -> list[Problem]:
    """Conflicts a simple count proves; each is sound on its own."""
    spec = prep.spec
    out: list[Problem] = []
    forced_codes = [c for c, f in zip(prep.iso3, prep.forced, strict=True) if f]
    if spec.capacity is not None and len(forced_codes) > spec.capacity:
        out.append(
            _infeasible(
                f"include forces {len(forced_codes)} UNCTs "
                f"({_listing(forced_codes)}), but the capacity is {spec.capacity}"
            )
        )
    if spec.budget is not None and prep.cost is not None and forced_codes:
        forced_cost = float(prep.cost[prep.forced].sum())
        if forced_cost > spec.budget * (1 + BUDGET_TOLERANCE):
            out.append(
                _infeasible(
                    f"the {len(forced_codes)} included countries cost "
                    f"{_fmt(forced_cost)}{prep.cost_unit}, but the budget is "
                    f"{_fmt(spec.budget)}"
                )
            )
    mins: dict[tuple[str, str], int] = {}
    maxes: dict[tuple[str, str], int] = {}
    for b in spec.bounds:
        key = (b.column, b.value)
        if b.min is not None:
            mins[key] = max(mins.get(key, 0), b.min)
        if b.max is not None:
            maxes[key] = min(maxes.get(key, b.max), b.max)
    short: set[tuple[str, str]] = set()
    for (col, val), lo in mins.items():
        member = np.array([v == val for v in prep.group_text[col]], dtype=bool)
        if (col, val) in maxes and maxes[(col, val)] < lo:
            out.append(
                _infeasible(
                    f"{col}={val} >= {lo} and {col}={val} <= {maxes[(col, val)]} cross: no count satisfies both"
                )
            )
        available = int((member & ~prep.excluded).sum())
        if available < lo:
            short.add((col, val))
            n_excl = int((member & prep.excluded).sum())
            note = f" ({n_excl} excluded)" if n_excl else ""
            out.append(
                _infeasible(
                    f"{col}={val} >= {lo} needs {lo} UNCTs with {col}={val}, but "
                    f"only {available} eligible {'country has' if available == 1 else 'countries have'} it{note}"
                )
            )
    for (col, val), hi in maxes.items():
        member = np.array([v == val for v in prep.group_text[col]], dtype=bool)
        in_group = [c for c, m in zip(prep.iso3, member & prep.forced, strict=True) if m]
        if len(in_group) > hi:
            out.append(
                _infeasible(
                    f"include forces {len(in_group)} UNCTs with {col}={val} "
                    f"({_listing(in_group)}), but {col}={val} <= {hi}"
                )
            )
    for col in dict.fromkeys(col for col, _ in mins):
        keys = [k for k in mins if k[0] == col and mins[k] > 0]
        names = [f"{c}={v} >= {mins[(c, v)]}" for c, v in keys]
        need = sum(mins[k] for k in keys)
        together = "together need" if len(keys) > 1 else "needs"
        if spec.capacity is not None and need > spec.capacity:
            out.append(_infeasible(f"{_and(names)} {together} {need} UNCTs, but the capacity is {spec.capacity}"))
        if spec.budget is not None and prep.cost is not None and keys and not short.intersection(keys):
            cheapest = 0.0
            for c, v in keys:
                member = np.array([g == v for g in prep.group_text[c]], dtype=bool)
                pool = np.sort(prep.cost[member & ~prep.excluded])
                cheapest += float(pool[: mins[(c, v)]].sum())
            if cheapest > spec.budget * (1 + BUDGET_TOLERANCE):
                cost_verb = "together cost" if len(keys) > 1 else "costs"
                out.append(
                    _infeasible(
                        f"{_and(names)} {cost_verb} at least {_fmt(cheapest)}"
                        f"{prep.cost_unit}, but the budget is {_fmt(spec.budget)}"
                    )
                )
    return out


def _irreducible_conflict(prep: _Prepared) -> list[_Row]:
    """Deletion filter: a minimal set of rows that cannot hold together.

    Include/exclude rows are tried first, so the set found leans on the
    capacity, budget and group bounds when those suffice to conflict.
    """
    order = {"include": 0, "exclude": 1, "min": 2, "max": 3, "budget": 4, "capacity": 5}
    kept = sorted(prep.rows, key=lambda r: order[r.kind])
    i = 0
    while i < len(kept):
        trial = kept[:i] + kept[i + 1 :]
        if _solve(None, trial, prep.tiebreak) is None:
            kept = trial
        else:
            i += 1
    return kept


def _explain_infeasible(prep: _Prepared) -> ScoringError:
    problems = _counting_conflicts(prep)
    if not problems:
        names = [r.name for r in _irreducible_conflict(prep)]
        if len(names) == 1:
            problems = [_infeasible(f"{names[0]} cannot hold on its own")]
        else:
            problems = [
                _infeasible(
                    f"{_and(names)} cannot all hold together",
                    fix="dropping or relaxing any one of them makes the request feasible",
                )
            ]
    return ScoringError(problems)


def _solve_or_explain(prep: _Prepared, values: FloatArray, rows: Sequence[_Row]) -> BoolArray:
    chosen = _solve(values, rows, prep.tiebreak)
    if chosen is None:
        raise _explain_infeasible(prep)
    return chosen


def _bindings(prep: _Prepared, chosen: BoolArray) -> tuple[Binding, ...]:
    out: list[Binding] = []
    available = ~chosen & ~prep.excluded
    for row in prep.rows:
        used = float(row.coef @ chosen)
        if row.kind == "capacity" and used >= row.bound:
            out.append(
                Binding(
                    row.name,
                    row.bound,
                    used,
                    f"{row.name} (binding: {used:.0f} chosen)",
                )
            )
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
        elif row.kind in ("min", "max") and used == row.bound:
            out.append(
                Binding(
                    row.name,
                    row.bound,
                    used,
                    f"{row.name} (binding: {used:.0f} chosen)",
                )
            )
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
    problems = ProblemCollector()
    if not isinstance(values, pd.DataFrame):
        raise DataError(
            Problem(
                "selection.values",
                f"values should be a pandas DataFrame, but it is {type(values).__name__}",
            )
        )
    if isinstance(weight_draws, pd.DataFrame):
        missing = [c for c in values.columns if c not in weight_draws.columns]
        if missing:
            raise ConfigError(
                Problem(
                    "selection.draws",
                    f"weight_draws should have a column for each criterion, but "
                    f"{_listing(map(str, missing))} are missing",
                )
            )
        draws = weight_draws[list(values.columns)].to_numpy(dtype=np.float64)
    else:
        draws = np.asarray(weight_draws, dtype=np.float64)
    k = values.shape[1]
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
