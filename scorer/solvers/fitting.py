"""Fit criterion weights to past decisions: the most decisions reproduced, then the widest margin (HiGHS).

A decision says country ``a`` should score above country ``b``. Past joins give
one decision per (joined, not joined) pair; explicit ordered pairs can be given
instead. Weights stay on the simplex and within :class:`WeightConstraints`
(bounds and order).

The objective is lexicographic:

1. Reproduce as many decisions as possible, counted exactly: a mixed-integer
   programme (``scipy.optimize.milp``, HiGHS) with one 0-1 variable per
   distinct decision, 1 when its score gap ``s_a - s_b`` is at least
   ``GAP = 1e-5`` (a big-M constraint); maximise their (multiplicity-weighted)
   sum. The work is bounded by a count, ``node_limit`` branch-and-bound nodes,
   never by time, so the same inputs give the same answer on any machine. If
   the limit stops the search first, the best set found is kept and the
   solver's bound says how many more decisions any allowed weights could
   reproduce (the optimality gap, in decisions). Above ``MAX_EXACT_PAIRS``
   distinct decisions the programme is not attempted.
2. Among weights keeping every decision that step 1 reproduced, maximise the
   margin (the smallest score gap over those decisions), a linear programme.

The earlier linear surrogate (minimise the summed shortfall below ``1e-6``,
then the margin) always runs too: it is the fallback when the programme is
not attempted or finds nothing, and the answer is whichever of the two
reproduces more decisions. Whether a decision is reproduced is read from the
fitted scores (gap > ``tolerance``). Scores are the plain weighted sum: the
"reweight" missing-data mask is ignored here (its scores are not linear in
the weights), so fill missing criterion scores before fitting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.errors import DataError, Problem, ScoringError
from scorer.solvers.highs import quietly
from scorer.solvers.sampling import WeightConstraints
from scorer.solvers.smaa import check_values

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_EPS = 1e-6
GAP = 1e-5
"""The score gap at which the exact search counts a decision as reproduced."""
DEFAULT_NODE_LIMIT = 1000
"""Branch-and-bound nodes the exact search may use: a count, so the answer never depends on speed."""
MAX_EXACT_PAIRS = 50_000
"""More distinct decisions than this and the exact search is not attempted (the linear surrogate is used)."""

OBJECTIVE_EXACT = "most decisions (mixed-integer programme)"
OBJECTIVE_SURROGATE = "least total shortfall (linear programme)"


@dataclass(frozen=True)
class FitSearch:
    """How the weights were found: the objective used and how far from proven optimal.

    ``bound``: the most decisions any allowed weights reproduce with a gap of
    at least :data:`GAP`, as far as the search proved it (None when the exact
    search did not run); ``proven`` when the search closed the gap. ``nodes``:
    branch-and-bound nodes used, of ``node_limit``.
    """

    objective: str
    found: int
    bound: int | None
    proven: bool
    nodes: int
    node_limit: int
    note: str = ""

    @property
    def gap(self) -> int | None:
        """Decisions between the answer and the proven bound (0 = optimal; None = unknown)."""
        return None if self.bound is None else max(self.bound - self.found, 0)

    def words(self) -> str:
        """The search in one sentence.

        >>> FitSearch(OBJECTIVE_EXACT, 12, 12, True, 3, 1000).words()
        'Objective: most decisions (mixed-integer programme); proven optimal (3 of at most 1,000 nodes).'
        """
        if self.bound is None:
            tail = f"optimality gap unknown ({self.note})" if self.note else "optimality gap unknown"
        elif self.proven:
            tail = f"proven optimal ({self.nodes:,} of at most {self.node_limit:,} nodes)"
        else:
            tail = (
                f"the node limit ({self.node_limit:,}) stopped the search: allowed weights may reproduce up to "
                f"{self.gap:,} more decisions (optimality gap)"
            )
        return f"Objective: {self.objective}; {tail}."

    def to_dict(self) -> dict[str, object]:
        return {
            "objective": self.objective,
            "reproduced": self.found,
            "bound": self.bound,
            "gap": self.gap,
            "proven_optimal": self.proven,
            "nodes": self.nodes,
            "node_limit": self.node_limit,
            "note": self.note,
        }


@dataclass(frozen=True, eq=False)
class WeightFit:
    """Fitted weights and how well they reproduce the decisions.

    ``pairs[p] = (a, b)``: country ``a`` should score above ``b``; ``gaps[p]``
    is ``s_a - s_b`` under ``weights``; ``reproduced[p]`` is ``gaps[p] >
    tolerance``. ``margin`` is the smallest gap over the decisions kept in
    step 1 (NaN if none). ``country_reproduced`` (joined decisions only): a
    joined country scores above every other one, or a non-joined one below
    every joined one. ``search``: the objective and optimality gap.
    """

    weights: FloatArray
    margin: float
    pairs: IntArray
    gaps: FloatArray
    reproduced: BoolArray
    country_reproduced: BoolArray | None
    search: FitSearch

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
    node_limit: int = DEFAULT_NODE_LIMIT,
) -> WeightFit:
    """Weights that reproduce the most past decisions, then the widest margin (see the module doc).

    Give ``joined`` (one bool per country) or ``pairs`` (rows ``(a, b)``: ``a``
    before ``b``), not both. ``node_limit=0`` skips the exact search.

    >>> v = [[0.9, 0.1], [0.6, 0.5], [0.2, 0.3]]
    >>> fit = fit_weights(v, joined=[True, True, False])
    >>> fit.n_reproduced, fit.n_decisions, fit.weights.round(3).tolist(), round(fit.margin, 3)
    (2, 2, [1.0, 0.0], 0.4)
    >>> fit.search.proven
    True
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
    if isinstance(node_limit, bool) or not isinstance(node_limit, int | np.integer) or node_limit < 0:
        raise DataError(
            Problem("data.decisions", f"node_limit should be a whole number >= 0, but it is {node_limit!r}")
        )
    diff = v[p[:, 0]] - v[p[:, 1]]
    weights, margin, search = _best_weights(diff, constraints, tolerance, int(node_limit))
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
        search=search,
    )


def _best_weights(
    diff: FloatArray, constraints: WeightConstraints, tolerance: float, node_limit: int
) -> tuple[FloatArray, float, FitSearch]:
    """The surrogate's and the exact search's weights, whichever reproduces more decisions (exact on a tie)."""
    weights, kept = _fit_shortfall(diff, constraints)
    margin = float("nan")
    if kept.any():
        weights, margin = _fit_margin(diff[kept], constraints)
    count = int((diff @ weights > tolerance).sum())
    search = FitSearch(OBJECTIVE_SURROGATE, count, None, False, 0, node_limit, "exact search not run: node limit 0")
    if node_limit == 0:
        return weights, margin, search
    exact = _fit_count(diff, constraints, node_limit)
    if exact is None:
        note = f"more than {MAX_EXACT_PAIRS:,} distinct decisions, or no solution within the node limit"
        return weights, margin, FitSearch(OBJECTIVE_SURROGATE, count, None, False, 0, node_limit, note)
    chosen, bound, proven, nodes = exact
    w_exact, m_exact = weights, margin
    if chosen.any():
        w_exact, m_exact = _fit_margin(diff[chosen], constraints)
    found = int((diff @ w_exact > tolerance).sum())
    if found >= count:
        return w_exact, m_exact, FitSearch(OBJECTIVE_EXACT, found, max(bound, found), proven, nodes, node_limit)
    note = "the linear surrogate's weights reproduce more decisions than the exact search's"
    return weights, margin, FitSearch(OBJECTIVE_EXACT, count, max(bound, count), proven, nodes, node_limit, note)


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


def _fit_count(
    diff: FloatArray, constraints: WeightConstraints, node_limit: int
) -> tuple[BoolArray, int, bool, int] | None:
    """Step 1, exactly: the decisions to keep (gap >= :data:`GAP`) maximising their count.

    Returns the kept decisions, the proven upper bound on the count, whether it
    is proven optimal, and the nodes used; None when not attempted or nothing
    was found. Decisions met by every weight vector, or by none, are settled
    before the programme; identical ones share one variable.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    lowest = _lowest_gap(diff, constraints.tight_lower, constraints.tight_upper)
    always = lowest >= GAP
    never = -_lowest_gap(-diff, constraints.tight_lower, constraints.tight_upper) < GAP
    open_rows = np.flatnonzero(~always & ~never)
    unique, inverse, mult = np.unique(diff[open_rows], axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    q, k = unique.shape
    base = int(always.sum())
    if q > MAX_EXACT_PAIRS:
        return None
    if q == 0:
        return always.copy(), base, True, 0
    big_m = GAP - _lowest_gap(unique, constraints.tight_lower, constraints.tight_upper)
    # gap >= GAP - M (1 - z), i.e. -d.w + M z <= M - GAP
    rows = sparse.hstack([sparse.csr_matrix(-unique), sparse.diags(big_m)]).tocsr()
    parts = [
        LinearConstraint(rows, -np.inf, big_m - GAP),
        LinearConstraint(np.concatenate([np.ones(k), np.zeros(q)])[None, :], 1.0, 1.0),
    ]
    order, order_rhs = _order_rows(constraints, k + q)
    if order.shape[0]:
        parts.append(LinearConstraint(order, -np.inf, order_rhs))
    lower = np.concatenate([constraints.tight_lower, np.zeros(q)])
    upper = np.concatenate([constraints.tight_upper, np.ones(q)])
    cost = np.concatenate([np.zeros(k), -mult.astype(np.float64)])
    res = quietly(
        milp,
        cost,
        integrality=np.concatenate([np.zeros(k), np.ones(q)]),
        bounds=Bounds(lower, upper),
        constraints=parts,
        options={"node_limit": node_limit, "mip_rel_gap": 0.0, "presolve": True},
    )
    if res.x is None:
        return None
    z = np.asarray(res.x[k:]) > 0.5
    kept = always.copy()
    kept[open_rows] = z[inverse]
    dual = getattr(res, "mip_dual_bound", None)
    proven = res.status == 0
    if proven:
        bound = base + int(mult[z].sum())
    elif dual is None:
        bound = base + int(mult.sum())
    else:
        bound = base + math.floor(-float(dual) + 1e-6)
    nodes = int(getattr(res, "mip_node_count", 0) or 0)
    return kept, bound, proven, nodes


def _lowest_gap(diff: FloatArray, lower: FloatArray, upper: FloatArray) -> FloatArray:
    """Per row, the smallest ``d . w`` over weights summing to 1 within ``lower``-``upper`` (greedy, exact).

    Starting from the lower bounds, the rest of the unit goes to the smallest
    ``d_j`` first, each up to its upper bound. The order constraint is left out,
    so this is a valid bound for the big-M constraints, only less tight.

    >>> low, high = np.array([0.1, 0.1, 0.1]), np.array([1.0, 0.5, 1.0])
    >>> _lowest_gap(np.array([[0.5, -0.2, 0.1]]), low, high).round(3).tolist()
    [-0.01]
    """
    order = np.argsort(diff, axis=1, kind="stable")
    ordered = np.take_along_axis(diff, order, axis=1)
    room = (upper - lower)[order]
    rest = 1.0 - float(lower.sum())
    before = np.cumsum(room, axis=1) - room
    share = np.clip(rest - before, 0.0, room)
    out: FloatArray = diff @ lower + (ordered * share).sum(axis=1)
    return out
