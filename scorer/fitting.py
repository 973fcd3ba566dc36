"""Fit criterion weights to past decisions with a maximum-margin linear program (HiGHS).

A decision says country ``a`` should score above country ``b``. Past joins give
one decision per (joined, not joined) pair; explicit ordered pairs can be given
instead. Weights stay on the simplex and within :class:`WeightConstraints`
(bounds and order).

The objective is lexicographic, in two linear programs:

1. Reproduce as many decisions as possible: minimise the total shortfall
   ``sum_p max(0, eps - (s_a - s_b))`` with ``eps = 1e-6`` (the usual L1 stand-in
   for the count of broken decisions, which would need integer variables).
2. Among weights keeping every decision that step 1 reproduced, maximise the
   margin: the smallest score gap over those decisions.

So one contradictory decision costs only itself, not the margin of the rest,
and no trade-off constant has to be chosen. Whether a decision is reproduced
is then read from the fitted scores (gap > ``tolerance``), not from the
slacks. Scores are the plain weighted sum: the "reweight" missing-data mask is
ignored here (its scores are not linear in the weights), so fill missing
criterion scores before fitting.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.errors import DataError, Problem, ScoringError
from scorer.highs import quietly
from scorer.sampling import WeightConstraints
from scorer.sensitivity import check_values

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_EPS = 1e-6


@dataclass(frozen=True, eq=False)
class WeightFit:
    """Fitted weights and how well they reproduce the decisions.

    ``pairs[p] = (a, b)``: country ``a`` should score above ``b``; ``gaps[p]``
    is ``s_a - s_b`` under ``weights``; ``reproduced[p]`` is ``gaps[p] >
    tolerance``. ``margin`` is the smallest gap over the decisions kept in
    step 1 (NaN if none). ``country_reproduced`` (joined decisions only): a
    joined country scores above every other one, or a non-joined one below
    every joined one.
    """

    weights: FloatArray
    margin: float
    pairs: IntArray
    gaps: FloatArray
    reproduced: BoolArray
    country_reproduced: BoolArray | None

    @property
    def n_decisions(self) -> int:
        return len(self.pairs)

    @property
    def n_reproduced(self) -> int:
        return int(self.reproduced.sum())

    @property
    def reproduced_share(self) -> float:
        return self.n_reproduced / self.n_decisions


def decision_pairs(joined: ArrayLike) -> IntArray:
    """Every (joined, not joined) pair of country indices, shape ``(P, 2)``.

    >>> decision_pairs([True, False, True]).tolist()
    [[0, 1], [2, 1]]
    """
    j = _check_joined(joined, None)
    a, b = np.flatnonzero(j), np.flatnonzero(~j)
    return np.stack([np.repeat(a, len(b)), np.tile(b, len(a))], axis=1).astype(np.int64)


def fit_weights(
    values: ArrayLike,
    *,
    joined: ArrayLike | None = None,
    pairs: ArrayLike | None = None,
    constraints: WeightConstraints | None = None,
    tolerance: float = 1e-9,
) -> WeightFit:
    """Weights that best reproduce past decisions (see the module doc for the objective).

    Give ``joined`` (one bool per country) or ``pairs`` (rows ``(a, b)``: ``a``
    before ``b``), not both.

    >>> v = [[0.9, 0.1], [0.6, 0.5], [0.2, 0.3]]
    >>> fit = fit_weights(v, joined=[True, True, False])
    >>> fit.n_reproduced, fit.n_decisions, fit.weights.round(3).tolist(), round(fit.margin, 3)
    (2, 2, [1.0, 0.0], 0.4)
    """
    v, _ = check_values(values)
    n, k = v.shape
    country_joined: BoolArray | None = None
    if (joined is None) == (pairs is None):
        raise DataError(
            Problem("data.decisions", "should give joined or pairs (one of them), but it gives both or none")
        )
    if joined is not None:
        country_joined = _check_joined(joined, n)
        p = decision_pairs(country_joined)
    elif pairs is not None:
        p = _check_pairs(pairs, n)
    if constraints is None:
        constraints = WeightConstraints(k)
    if constraints.k != k:
        raise DataError(
            Problem("data.decisions", f"constraints should cover the {k} criteria, but they cover {constraints.k}")
        )
    diff = v[p[:, 0]] - v[p[:, 1]]
    weights, kept = _fit_shortfall(diff, constraints)
    margin = float("nan")
    if kept.any():
        weights, margin = _fit_margin(diff[kept], constraints)
    gaps = diff @ weights
    reproduced = gaps > tolerance
    country_ok: BoolArray | None = None
    if country_joined is not None:
        s = v @ weights
        best_out = s[~country_joined].max()
        worst_in = s[country_joined].min()
        country_ok = np.where(country_joined, s - best_out > tolerance, worst_in - s > tolerance)
    return WeightFit(
        weights=weights,
        margin=margin,
        pairs=p,
        gaps=gaps,
        reproduced=reproduced,
        country_reproduced=country_ok,
    )


def _check_joined(joined: ArrayLike, n: int | None) -> BoolArray:
    j = np.asarray(joined)
    if j.dtype != bool or j.ndim != 1 or (n is not None and len(j) != n):
        raise DataError(
            Problem(
                "data.decisions",
                f"joined should be one true/false per country ({n if n is not None else 'n'}), "
                f"but it has dtype {j.dtype} and shape {j.shape}",
            )
        )
    if j.all() or not j.any():
        raise DataError(
            Problem(
                "data.decisions",
                f"joined should mark some countries joined and some not, but it marks {int(j.sum())} of {len(j)}",
            )
        )
    return j


def _check_pairs(pairs: ArrayLike, n: int) -> IntArray:
    p = np.asarray(pairs)
    if p.ndim != 2 or p.shape[1] != 2 or len(p) == 0 or not np.issubdtype(p.dtype, np.integer):
        raise DataError(
            Problem("data.decisions", f"pairs should be rows of two country indices, but they have shape {p.shape}")
        )
    bad = np.flatnonzero((p < 0).any(axis=1) | (p >= n).any(axis=1) | (p[:, 0] == p[:, 1]))
    if len(bad):
        raise DataError(
            Problem(
                "data.decisions",
                f"each pair should name two different countries from 0 to {n - 1}, "
                f"but pair {bad[0]} is {p[bad[0]].tolist()}",
            )
        )
    return p.astype(np.int64)


if TYPE_CHECKING:
    from scipy import sparse


def _order_rows(constraints: WeightConstraints, width: int) -> tuple[sparse.csr_matrix, FloatArray]:
    from scipy import sparse

    order = constraints.order or ()
    rows = max(len(order) - 1, 0)
    m = sparse.lil_matrix((rows, width))
    for r, (a, b) in enumerate(pairwise(order)):
        m[r, b] = 1.0
        m[r, a] = -1.0
    return m.tocsr(), np.zeros(rows)


def _solve(
    cost: FloatArray,
    a_ub: sparse.csr_matrix,
    b_ub: FloatArray,
    k: int,
    bounds: list[tuple[float | None, float | None]],
) -> FloatArray:
    from scipy import sparse
    from scipy.optimize import linprog

    a_eq = sparse.csr_matrix(np.concatenate([np.ones(k), np.zeros(len(cost) - k)])[None, :])
    res = quietly(linprog, cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if res.status != 0:
        raise ScoringError(Problem("scoring.fit", f"the weight fit should solve, but HiGHS says: {res.message}"))
    return np.asarray(res.x, dtype=np.float64)


def _weight_bounds(constraints: WeightConstraints) -> list[tuple[float | None, float | None]]:
    return [(float(lo), float(hi)) for lo, hi in zip(constraints.tight_lower, constraints.tight_upper, strict=True)]


def _fit_shortfall(diff: FloatArray, constraints: WeightConstraints) -> tuple[FloatArray, BoolArray]:
    """Step 1: minimise the total shortfall below ``eps``; return weights and the decisions met."""
    from scipy import sparse

    p, k = diff.shape
    width = k + p
    gaps = sparse.hstack([sparse.csr_matrix(-diff), -sparse.identity(p, format="csr")])
    order, order_rhs = _order_rows(constraints, width)
    a_ub = sparse.vstack([gaps, order]).tocsr()
    b_ub = np.concatenate([np.full(p, -_EPS), order_rhs])
    cost = np.concatenate([np.zeros(k), np.ones(p)])
    x = _solve(cost, a_ub, b_ub, k, _weight_bounds(constraints) + [(0.0, None)] * p)
    w = np.clip(x[:k], 0.0, None)
    w /= w.sum()
    return w, diff @ w >= _EPS / 2


def _fit_margin(diff: FloatArray, constraints: WeightConstraints) -> tuple[FloatArray, float]:
    """Step 2: maximise the smallest gap over the kept decisions."""
    from scipy import sparse

    p, k = diff.shape
    width = k + 1
    gaps = sparse.hstack([sparse.csr_matrix(-diff), sparse.csr_matrix(np.ones((p, 1)))])
    order, order_rhs = _order_rows(constraints, width)
    a_ub = sparse.vstack([gaps, order]).tocsr()
    b_ub = np.concatenate([np.zeros(p), order_rhs])
    cost = np.zeros(width)
    cost[-1] = -1.0
    x = _solve(cost, a_ub, b_ub, k, [*_weight_bounds(constraints), (None, 1.0)])
    w = np.clip(x[:k], 0.0, None)
    w /= w.sum()
    return w, float((diff @ w).min())
