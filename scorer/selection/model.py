"""The selection's vocabulary: what to choose (:class:`SelectionSpec`, :class:`GroupBound`) and what was chosen."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.errors import (
    ConfigError,
    Problem,
    ProblemCollector,
)
from scorer.render.formatting import plain_number

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
    return plain_number(x)


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
