"""The allowed region for criterion weights: bounds per weight and an importance order, checked once.

:class:`WeightConstraints` validates the region a criteria file allows (every
problem listed together) and tightens each bound by what the others leave, so
the samplers of :mod:`scorer.solvers.sampling` and the fitting programmes of
:mod:`scorer.solvers.fitting` start from a region known to be non-empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.errors import ConfigError, Problem, ProblemCollector
from scorer.render.formatting import plain_number

FloatArray = NDArray[np.float64]

TOL = 1e-12
"""Slack for comparing weights with their bounds."""


@dataclass(frozen=True, eq=False)
class WeightConstraints:
    """The allowed region for ``k`` normalised criterion weights.

    ``lower``/``upper`` bound each normalised weight; ``order`` lists criterion
    indices from most to least important, meaning ``w[order[0]] >= w[order[1]]
    >= ...`` (criteria not listed are free). ``names`` only label messages.
    Arrays are copied and made read-only. Raises :class:`ConfigError` listing
    every problem when the constraints are malformed or leave no weights.

    >>> c = WeightConstraints(3, lower=[0.1, 0.1, 0.1], order=(0, 2))
    >>> c.tight_upper.round(6).tolist()
    [0.8, 0.8, 0.8]
    >>> WeightConstraints(2, upper=[0.3, 0.4])
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: weights.upper: the upper bounds should sum to at least 1, but they sum to 0.7
    """

    k: int
    lower: FloatArray | None = None
    upper: FloatArray | None = None
    order: tuple[int, ...] | None = None
    names: tuple[str, ...] | None = None
    tight_lower: FloatArray = field(init=False, repr=False)
    tight_upper: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        problems = ProblemCollector()
        k = self.k
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ConfigError(Problem("config.weights", f"should be a positive integer, but it is {k!r}", key="k"))
        k = int(k)
        object.__setattr__(self, "k", k)
        if self.names is not None:
            object.__setattr__(self, "names", tuple(str(x) for x in self.names))
            if len(self.names) != k:
                problems.add(
                    Problem(
                        "config.weights",
                        f"should name {k} criteria, but it names {len(self.names)}",
                        key="weights.names",
                    )
                )
        lower = self._bound_array("lower", self.lower, 0.0, problems)
        upper = self._bound_array("upper", self.upper, 1.0, problems)
        order = self._order_tuple(problems)
        problems.raise_if_any(ConfigError)
        for i in np.flatnonzero(lower > upper + TOL):
            problems.add(
                Problem(
                    "config.weights",
                    "lower bound should be <= the upper bound, "
                    f"but it is {plain_number(lower[i])} > {plain_number(upper[i])}",
                    key=f"weights.{self._label(int(i))}",
                )
            )
        if lower.sum() > 1 + 1e-9:
            problems.add(
                Problem(
                    "config.weights",
                    f"the lower bounds should sum to at most 1, but they sum to {plain_number(lower.sum())}",
                    key="weights.lower",
                )
            )
        if upper.sum() < 1 - 1e-9:
            problems.add(
                Problem(
                    "config.weights",
                    f"the upper bounds should sum to at least 1, but they sum to {plain_number(upper.sum())}",
                    key="weights.upper",
                )
            )
        problems.raise_if_any(ConfigError)
        upper = np.maximum(upper, lower)
        tight_lower = np.maximum(lower, 1.0 - (upper.sum() - upper))
        tight_upper = np.minimum(upper, 1.0 - (lower.sum() - lower))
        tight_upper = np.maximum(tight_upper, tight_lower)
        if order is not None and not _order_feasible(tight_lower, tight_upper, order):
            raise ConfigError(
                Problem(
                    "config.weights",
                    "the bounds and the weight order should leave at least one weight vector, but none meets both",
                    key="weights.order",
                    fix="widen the bounds or change the order",
                )
            )
        for name, arr in (
            ("lower", lower),
            ("upper", upper),
            ("tight_lower", tight_lower),
            ("tight_upper", tight_upper),
        ):
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "order", order)

    def _label(self, i: int) -> str:
        return self.names[i] if self.names is not None and len(self.names) == self.k else f"criterion {i}"

    def _bound_array(self, name: str, raw: ArrayLike | None, default: float, problems: ProblemCollector) -> FloatArray:
        if raw is None:
            return np.full(self.k, default)
        try:
            arr = np.array(raw, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            problems.add(Problem("config.weights", f"should be numbers, but it is {raw!r}", key=f"weights.{name}"))
            return np.full(self.k, default)
        if arr.shape != (self.k,):
            problems.add(
                Problem(
                    "config.weights",
                    f"should have one bound per criterion ({self.k}), but it has {arr.size}",
                    key=f"weights.{name}",
                )
            )
            return np.full(self.k, default)
        for i in np.flatnonzero(~np.isfinite(arr) | (arr < 0) | (arr > 1)):
            problems.add(
                Problem(
                    "config.weights",
                    f"{name} bound should be between 0 and 1, but it is {arr[i]}",
                    key=f"weights.{self._label(int(i))}",
                )
            )
        return arr

    def _order_tuple(self, problems: ProblemCollector) -> tuple[int, ...] | None:
        if self.order is None:
            return None
        raw = list(self.order)
        if not all(isinstance(i, int | np.integer) and not isinstance(i, bool) for i in raw):
            problems.add(
                Problem("config.weights", f"should list criterion indices, but it is {raw!r}", key="weights.order")
            )
            return None
        out = tuple(int(i) for i in raw)
        bad = [i for i in out if not 0 <= i < self.k]
        if bad:
            problems.add(
                Problem(
                    "config.weights",
                    f"should hold indices from 0 to {self.k - 1}, but it holds {bad[0]}",
                    key="weights.order",
                )
            )
        if len(set(out)) != len(out):
            problems.add(
                Problem(
                    "config.weights", f"should name each criterion once, but it is {list(out)}", key="weights.order"
                )
            )
        return out if len(out) >= 2 else None

    @property
    def has_bounds(self) -> bool:
        """Whether the bounds cut the simplex at all (after tightening)."""
        return bool(np.any(self.tight_lower > TOL) or np.any(self.tight_upper < 1 - TOL))


def _order_feasible(lower: FloatArray, upper: FloatArray, order: tuple[int, ...]) -> bool:
    """Whether some weights summing to 1 meet the bounds and ``w[order[0]] >= w[order[1]] >= ...`` (no LP).

    Along the chain a weight is at most every upper bound before it and at least every lower
    bound after it; those tightened bounds fall along the chain, so the lowest (and highest)
    choice is itself ordered, and so is every mix of the two: the sums in between are all reached.

    >>> _order_feasible(np.array([0.0, 0.5]), np.array([0.4, 1.0]), (0, 1))
    False
    >>> _order_feasible(np.array([0.0, 0.0, 0.3]), np.array([1.0, 0.6, 1.0]), (0, 1))
    True
    """
    low, high = lower.copy(), upper.copy()
    chain = list(order)
    high[chain] = np.minimum.accumulate(upper[chain])
    low[chain] = np.maximum.accumulate(lower[chain][::-1])[::-1]
    return bool(np.all(low <= high + 1e-9) and low.sum() <= 1 + 1e-9 and high.sum() >= 1 - 1e-9)
