"""Uniform random criterion weights under constraints, for SMAA.

SMAA asks "how often would each country rank here if the weights were any
*allowed* weights?", which only means something if every allowed weight vector
is equally likely. So the sampler draws uniformly from the allowed region: the
weight simplex cut by optional per-criterion bounds and an optional importance
order. It never draws each weight and renormalises (that piles mass in the
middle of the simplex).

Methods, picked automatically (:func:`sampling_method`):

- ``dirichlet``: no constraint; exact (normalised exponentials, Dirichlet(1, ..., 1)).
- ``ordered``: an order only; exact. The simplex is symmetric under permuting
  criteria, so sorting the ordered criteria's values of a uniform draw maps it
  uniformly onto the ordered region (every point has the same number of
  preimages), also when the order names only some criteria.
- ``polygon``: bounds on two or three free weights. The allowed weights are a
  segment, or a convex polygon in the plane of the first two weights (the simplex
  clipped by each inequality); exact: a triangle of the polygon drawn by its area,
  a uniform point in it. Nothing is dropped, however small the region.
- ``rejection``: bounds on four or more weights; draws of the two exact methods
  outside the bounds are dropped. Exact; used when at least 2% of draws are kept
  (estimated once per constraint set with a fixed pilot seed, so the choice never
  depends on ``seed``).
- ``hit-and-run``: bounds leaving a small region; an MCMC walk that is uniform in
  the limit, run as many parallel chains with burn-in, direction rounding from
  the chains' spread, and thinning.
- ``fixed``: the bounds leave a single weight vector.

Weights pinned by zero-width bounds are taken out first, and the other weights
are sampled on the smaller simplex that remains, so pinning one weight does not
push the rest onto the approximate method.

Draws come in a stream that does not depend on how many are asked for: the
first ``m`` rows of ``sample_weights(c, n, seed=s)`` are ``sample_weights(c, m,
seed=s)`` for ``m <= n``, and :func:`iter_weights` yields the same rows in chunks.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from scorer.errors import ConfigError, Problem
from scorer.solvers.highs import quietly
from scorer.solvers.weight_region import TOL, WeightConstraints

FloatArray = NDArray[np.float64]
Method = Literal["auto", "rejection", "hit-and-run"]

_BLOCK = 4096
_POLYGON_BLOCK = 16384
_PILOT_DRAWS = 4000
_PILOT_SEED = 20240611
_MIN_ACCEPTANCE = 0.02
_CHAINS = 512


def sampling_method(constraints: WeightConstraints) -> str:
    """The method :func:`sample_weights` uses for these constraints (see the module doc).

    >>> sampling_method(WeightConstraints(4)), sampling_method(WeightConstraints(4, order=(3, 1)))
    ('dirichlet', 'ordered')
    >>> sampling_method(WeightConstraints(2, lower=[0.3, 0.7], upper=[0.3, 0.7]))
    'fixed'
    """
    return _make_sampler(constraints, "auto").method


def sample_weights(constraints: WeightConstraints, n: int, *, seed: int | None, method: Method = "auto") -> FloatArray:
    """``n`` weight vectors drawn uniformly from the allowed region, shape ``(n, k)``.

    ``method`` forces ``"rejection"`` or ``"hit-and-run"`` for the bounded part
    (for checks); ``"auto"`` picks as the module doc says. Same seed, same bytes.

    >>> w = sample_weights(WeightConstraints(3, order=(0, 1, 2)), 5, seed=1)
    >>> w.shape, bool(np.allclose(w.sum(axis=1), 1)), bool(np.all(np.diff(w, axis=1) <= 0))
    ((5, 3), True, True)
    """
    chunks = list(iter_weights(constraints, n, seed=seed, method=method))
    if not chunks:
        return np.empty((0, constraints.k))
    return np.concatenate(chunks)


def iter_weights(
    constraints: WeightConstraints,
    n: int,
    *,
    seed: int | None,
    chunk_size: int = _BLOCK,
    method: Method = "auto",
) -> Iterator[FloatArray]:
    """The rows of :func:`sample_weights` in chunks of ``chunk_size`` (memory stays bounded).

    >>> c = WeightConstraints(3, upper=[0.5, 0.5, 0.5])
    >>> parts = list(iter_weights(c, 10, seed=7, chunk_size=4))
    >>> [len(p) for p in parts], bool(np.array_equal(np.concatenate(parts), sample_weights(c, 10, seed=7)))
    ([4, 4, 2], True)
    """
    _check_count("draws", n)
    _check_count("chunk_size", chunk_size, minimum=1)
    sampler = _make_sampler(constraints, method)
    rng = np.random.default_rng(seed)
    pending: list[FloatArray] = []
    have = 0
    left = n
    stream = sampler.stream(rng)
    while left > 0:
        while have < min(chunk_size, left):
            block = next(stream)
            pending.append(block)
            have += len(block)
        buf = np.concatenate(pending) if len(pending) > 1 else pending[0]
        take = min(chunk_size, left)
        yield buf[:take].copy()
        rest = buf[take:]
        pending = [rest] if len(rest) else []
        have = len(rest)
        left -= take


def _check_count(name: str, value: int, *, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ConfigError(
            Problem("config.sampling", f"should be an integer >= {minimum}, but it is {value!r}", key=name)
        )


def _inequalities(
    k: int, lower: FloatArray, upper: FloatArray, order: tuple[int, ...] | None
) -> tuple[FloatArray, FloatArray]:
    """``G w <= h`` for the bounds and the order (the simplex equality is implicit)."""
    rows: list[FloatArray] = []
    rhs: list[float] = []
    eye = np.eye(k)
    for i in range(k):
        rows.append(-eye[i])
        rhs.append(-float(lower[i]))
        if upper[i] < 1 - TOL:
            rows.append(eye[i])
            rhs.append(float(upper[i]))
    if order is not None:
        for a, b in pairwise(order):
            rows.append(eye[b] - eye[a])
            rhs.append(0.0)
    return np.array(rows), np.array(rhs)


def _chebyshev(
    g: FloatArray, h: FloatArray, eq: FloatArray | None = None, eq_rhs: FloatArray | None = None
) -> tuple[FloatArray, float] | None:
    """A point of ``{w: sum w = 1, G w <= h, E w = e}`` maximising the common slack, or None if empty."""
    from scipy.optimize import linprog

    k = g.shape[1]
    a_eq = np.ones((1, k))
    b_eq = np.ones(1)
    if eq is not None and eq_rhs is not None and len(eq):
        a_eq = np.vstack([a_eq, eq])
        b_eq = np.concatenate([b_eq, eq_rhs])
    norms = np.linalg.norm(g, axis=1)
    a_ub = np.hstack([g, norms[:, None]])
    cost = np.zeros(k + 1)
    cost[-1] = -1.0
    res = quietly(
        linprog,
        cost,
        A_ub=a_ub,
        b_ub=h,
        A_eq=np.hstack([a_eq, np.zeros((len(a_eq), 1))]),
        b_eq=b_eq,
        bounds=[(None, None)] * k + [(None, 1.0)],
        method="highs",
    )
    if res.status != 0 or res.x[-1] < -1e-9:
        return None
    return np.asarray(res.x[:k], dtype=np.float64), float(res.x[-1])


class _Sampler(ABC):
    """An endless stream of weight blocks, each row a draw."""

    method: str

    @abstractmethod
    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        """Yield blocks of draws forever."""


class _Embedded(_Sampler):
    """Pinned weights fixed, the others sampled on the remaining simplex and scaled."""

    def __init__(self, k: int, fixed: NDArray[np.intp], values: FloatArray, free: NDArray[np.intp], inner: _Sampler):
        self.k, self.fixed, self.values, self.free, self.inner = k, fixed, values, free, inner
        self.scale = max(0.0, 1.0 - float(values.sum()))
        self.method = inner.method

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        for block in self.inner.stream(rng):
            out = np.empty((len(block), self.k))
            out[:, self.fixed] = self.values
            out[:, self.free] = block * self.scale
            yield out


class _Fixed(_Sampler):
    method = "fixed"

    def __init__(self, point: FloatArray):
        self.point = point

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        block = np.broadcast_to(self.point, (_BLOCK, len(self.point))).copy()
        while True:
            yield block.copy()


class _Exact(_Sampler):
    """Dirichlet(1, ..., 1), sorted along ``order`` when given."""

    def __init__(self, k: int, order: tuple[int, ...] | None):
        self.k, self.order = k, order
        self.method = "ordered" if order is not None else "dirichlet"
        # By columns: numpy sums fewer than 8 terms one after another, so a running sum gives its bits.
        self.by_columns = k < _PAIRWISE_FROM and (order is None or len(order) <= len(_NETWORKS))

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.stack(self.columns(rng, size), axis=1)

    def columns(self, rng: np.random.Generator, size: int) -> list[FloatArray]:
        """``size`` draws as ``k`` columns: normalised exponentials, the ordered criteria sorted largest first.

        The numbers of ``e / e.sum(axis=1)`` and of the sort, worked on contiguous columns.
        """
        e = rng.standard_exponential((size, self.k))
        if not self.by_columns:
            w = e / e.sum(axis=1, keepdims=True)
            if self.order is not None:
                w[:, list(self.order)] = -np.sort(-w[:, list(self.order)], axis=1)
            return list(w.T)
        t = np.ascontiguousarray(e.T)
        total = t[0].copy()
        for row in t[1:]:
            total += row
        t /= total
        cols = list(t)
        if self.order is not None:
            ordered = [cols[c] for c in self.order]
            for a, b in _NETWORKS[len(ordered)]:
                ordered[a], ordered[b] = np.maximum(ordered[a], ordered[b]), np.minimum(ordered[a], ordered[b])
            for c, values in zip(self.order, ordered, strict=True):
                cols[c] = values
        return cols

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        while True:
            yield self.draw(rng, _BLOCK)


_PAIRWISE_FROM = 8
_NETWORKS = {1: [], 2: [(0, 1)], 3: [(0, 1), (1, 2), (0, 1)], 4: [(0, 1), (2, 3), (0, 2), (1, 3), (1, 2)]}
"""Sorting networks, largest first, for orders of up to 4 criteria (more: ``np.sort``)."""


class _Polygon(_Sampler):
    """Two or three free weights with bounds: the allowed weights are a segment or a convex polygon, drawn exactly.

    In the plane of the first two weights (the third is 1 minus them) the polygon is cut
    into triangles from its first corner; a draw picks a triangle by its area, then a
    uniform point in it from two uniforms (folded back across the diagonal when they sum
    past 1). With two weights, a uniform point of the segment of allowed first weights.
    """

    method = "polygon"

    def __init__(self, corners: FloatArray):
        self.corners = corners
        if len(corners[0]) == 2:
            legs = corners[1:] - corners[0]
            areas = _fan_areas(legs)
            self.shares = np.cumsum(areas[:-1]) / areas.sum()
            # Triangle i is first, first + legs[i], first + legs[i + 1]: its two legs, by coordinate.
            self.legs = (
                [np.ascontiguousarray(legs[:-1, j]) for j in range(2)],
                [np.ascontiguousarray(legs[1:, j]) for j in range(2)],
            )

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        while True:
            yield self.draw(rng, _POLYGON_BLOCK)

    def draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` draws, worked on contiguous columns."""
        corners = self.corners
        if corners.shape[1] == 1:
            low, high = float(corners[0, 0]), float(corners[1, 0])
            x = rng.random(size)
            x *= high - low
            x += low
            return np.column_stack([x, 1.0 - x])
        u = rng.random((3, size))
        triangle = np.zeros(size, dtype=np.intp)
        for share in self.shares:  # a few triangles: one comparison each
            triangle += u[0] >= share
        s, t = u[1], u[2]
        folded = s + t > 1.0
        np.subtract(1.0, s, out=s, where=folded)
        np.subtract(1.0, t, out=t, where=folded)
        out = np.empty((3, size))
        for j in range(2):
            along, across = self.legs[0][j], self.legs[1][j]
            np.multiply(s, np.take(along, triangle), out=out[j])
            out[j] += t * np.take(across, triangle)
            out[j] += corners[0, j]
        np.subtract(1.0, out[0], out=out[2])
        out[2] -= out[1]
        np.maximum(out, 0.0, out=out)  # corners on an edge of the simplex: no -1e-17
        return out.T


def _corners(k: int, lower: FloatArray, upper: FloatArray, order: tuple[int, ...] | None) -> FloatArray | None:
    """The allowed region of two or three weights in the first ``k - 1`` weights: segment ends or polygon corners.

    The simplex (a triangle in the plane of the first two weights) is clipped by each
    inequality in turn (Sutherland and Hodgman). None if what is left has no length or
    area (then another method applies).

    >>> _corners(3, np.array([0.2, 0.0, 0.0]), np.ones(3), None).round(3).tolist()
    [[0.2, 0.0], [1.0, 0.0], [0.2, 0.8]]
    >>> _corners(2, np.array([0.1, 0.3]), np.array([0.6, 1.0]), (1, 0)).round(3).tolist()
    [[0.1], [0.5]]
    """
    g, h = _inequalities(k, lower, upper, order)
    # w = (x, y, 1 - x - y) (or (x, 1 - x)): G w <= h becomes A (x, y) <= b.
    a = g[:, :-1] - g[:, -1:]
    b = h - g[:, -1]
    if k == 2:
        low, high = 0.0, 1.0
        for (slope,), bound in zip(a, b, strict=True):
            if slope > 0:
                high = min(high, bound / slope)
            elif slope < 0:
                low = max(low, bound / slope)
            elif bound < -TOL:
                return None
        return np.array([[low], [high]]) if high - low > 1e-9 else None
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    for row, bound in zip(a, b, strict=True):
        corners = _clip(corners, row, float(bound))
        if len(corners) < 3:
            return None
    area = float(_fan_areas(corners[1:] - corners[0]).sum()) / 2
    return corners if area > 1e-12 else None


def _fan_areas(legs: FloatArray) -> FloatArray:
    """Twice the area of each triangle of a fan: first corner, ``first + legs[i]``, ``first + legs[i + 1]``."""
    return np.abs(legs[:-1, 0] * legs[1:, 1] - legs[:-1, 1] * legs[1:, 0])


def _clip(corners: FloatArray, row: FloatArray, bound: float) -> FloatArray:
    """The corners of a convex polygon (in order round it) cut by ``row @ x <= bound``."""
    kept: list[FloatArray] = []
    slack = bound - corners @ row
    inside = slack >= -TOL
    for i in range(len(corners)):
        j = (i + 1) % len(corners)
        if inside[i]:
            kept.append(corners[i])
        if inside[i] != inside[j]:
            kept.append(corners[i] + (corners[j] - corners[i]) * (slack[i] / (slack[i] - slack[j])))
    return np.array(kept) if kept else np.empty((0, 2))


class _Rejection(_Sampler):
    method = "rejection"

    def __init__(self, base: _Exact, lower: FloatArray, upper: FloatArray, acceptance: float):
        self.base, self.lower, self.upper = base, lower, upper
        self.batch = int(min(max(_BLOCK, np.ceil(1.2 * _BLOCK / max(acceptance, 1e-6))), 2_000_000 // base.k))

    def accept(self, w: FloatArray | list[FloatArray]) -> NDArray[np.bool_]:
        """Which draws (rows, or given as columns) are within the bounds."""
        cols = list(w.T) if isinstance(w, np.ndarray) else w
        ok: NDArray[np.bool_] = (cols[0] >= self.lower[0] - TOL) & (cols[0] <= self.upper[0] + TOL)
        for j in range(1, len(cols)):  # column by column: a reduction along rows of k is slow
            ok &= cols[j] >= self.lower[j] - TOL
            ok &= cols[j] <= self.upper[j] + TOL
        return ok

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        k = self.base.k
        while True:
            cols = self.base.columns(rng, self.batch)
            kept = np.flatnonzero(self.accept(cols))
            if len(kept):
                out = np.empty((len(kept), k))
                for j, col in enumerate(cols):
                    out[:, j] = col[kept]
                yield out


class _HitAndRun(_Sampler):
    """Parallel hit-and-run chains on ``{sum w = 1, G w <= h}`` within its affine hull."""

    method = "hit-and-run"

    def __init__(self, region: _Region, lower: FloatArray, upper: FloatArray):
        self.lower, self.upper = lower, upper
        self.point, self.basis = region.point, region.basis
        self.dim = region.basis.shape[1]
        active = np.linalg.norm(region.g @ region.basis, axis=1) > 1e-12
        self.g, self.h = region.g[active], region.h[active]
        self.burn = 50 + 25 * self.dim
        self.thin = max(2, self.dim)

    def _steps(self, rng: np.random.Generator, w: FloatArray, dirs: FloatArray, steps: int) -> FloatArray:
        chains = len(w)
        for _ in range(steps):
            z = rng.standard_normal((chains, dirs.shape[0])) @ dirs
            z /= np.linalg.norm(z, axis=1, keepdims=True)
            slack = np.maximum(self.h - w @ self.g.T, 0.0)
            rate = z @ self.g.T
            with np.errstate(divide="ignore", invalid="ignore"):
                bound = slack / rate
            hi = np.min(np.where(rate > 1e-15, bound, np.inf), axis=1)
            lo = np.max(np.where(rate < -1e-15, bound, -np.inf), axis=1)
            t = lo + (hi - lo) * rng.random(chains)
            w = w + t[:, None] * z
        return w

    def _rounded(self, w: FloatArray) -> FloatArray:
        """Directions shaped like the chains' spread (symmetric, so the walk stays uniform)."""
        y = (w - self.point) @ self.basis
        cov = np.cov(y, rowvar=False).reshape(self.dim, self.dim)
        cov += 1e-12 * np.eye(self.dim) + 1e-3 * np.trace(cov) / self.dim * np.eye(self.dim)
        chol = np.linalg.cholesky(cov)
        out: FloatArray = chol.T @ self.basis.T
        return out

    def stream(self, rng: np.random.Generator) -> Iterator[FloatArray]:
        w = np.broadcast_to(self.point, (_CHAINS, len(self.point))).copy()
        dirs: FloatArray = self.basis.T
        for _ in range(3):
            w = self._steps(rng, w, dirs, self.burn)
            dirs = self._rounded(w)
        while True:
            w = self._steps(rng, w, dirs, self.thin)
            yield np.clip(w, self.lower, self.upper)


def _implicit_equalities(g: FloatArray, h: FloatArray) -> NDArray[np.bool_]:
    """Rows of ``G w <= h`` that hold with equality on the whole region."""
    from scipy.optimize import linprog

    k = g.shape[1]
    out = np.zeros(len(g), dtype=bool)
    for i in range(len(g)):
        res = quietly(
            linprog, g[i], A_ub=g, b_ub=h, A_eq=np.ones((1, k)), b_eq=[1.0], bounds=[(None, None)] * k, method="highs"
        )
        out[i] = res.status == 0 and h[i] - res.fun <= 1e-9
    return out


@dataclass(frozen=True)
class _Region:
    """The region's inequalities that are not always tight, an inner point, and its affine hull's basis."""

    g: FloatArray
    h: FloatArray
    point: FloatArray
    basis: FloatArray
    full: bool


def _region(g: FloatArray, h: FloatArray) -> _Region:
    from scipy.linalg import null_space

    start = _chebyshev(g, h)
    assert start is not None, "constraints were checked feasible"
    point, slack = start
    k = g.shape[1]
    if slack > 1e-9:
        return _Region(g, h, point, null_space(np.ones((1, k))), True)
    implicit = _implicit_equalities(g, h)
    keep = ~implicit
    centre = _chebyshev(g[keep], h[keep], g[implicit], h[implicit])
    if centre is not None:
        point = centre[0]
    basis = null_space(np.vstack([np.ones((1, k)), g[implicit]]))
    return _Region(g[keep], h[keep], point, basis, False)


def _make_sampler(constraints: WeightConstraints, method: str) -> _Sampler:
    if method not in ("auto", "rejection", "hit-and-run"):
        raise ConfigError(
            Problem(
                "config.sampling",
                f"should be 'auto', 'rejection' or 'hit-and-run', but it is {method!r}",
                key="method",
            )
        )
    k = constraints.k
    lower, upper = constraints.tight_lower, constraints.tight_upper
    pinned = upper - lower <= 1e-12
    assert constraints.lower is not None and constraints.upper is not None
    # Weights the user pinned exactly keep their exact values (the plain ranking's weights).
    lower = np.where(constraints.lower == constraints.upper, constraints.lower, lower)
    if pinned.all():
        total = float(lower.sum())
        return _Fixed(lower if abs(total - 1.0) <= 1e-12 else lower / total)
    if pinned.any():
        fixed = np.flatnonzero(pinned)
        free = np.flatnonzero(~pinned)
        values = lower[fixed]
        scale = 1.0 - float(values.sum())
        sub_lower = lower[free] / scale
        sub_upper = np.minimum(upper[free] / scale, 1.0)
        sub_order: tuple[int, ...] | None = None
        if constraints.order is not None:
            position = {int(c): p for p, c in enumerate(free)}
            chain = constraints.order
            for p, c in enumerate(chain):
                if c not in position:
                    continue
                below = [lower[d] for d in chain[p + 1 :] if pinned[d]]
                above = [lower[d] for d in chain[:p] if pinned[d]]
                if below:
                    sub_lower[position[c]] = max(sub_lower[position[c]], max(below) / scale)
                if above:
                    sub_upper[position[c]] = min(sub_upper[position[c]], min(above) / scale)
            kept = tuple(position[c] for c in chain if c in position)
            sub_order = kept if len(kept) >= 2 else None
        sub = WeightConstraints(len(free), lower=np.minimum(sub_lower, sub_upper), upper=sub_upper, order=sub_order)
        return _Embedded(k, fixed, values, free, _make_sampler(sub, method))
    base = _Exact(k, constraints.order)
    if not constraints.has_bounds:
        if method != "auto":
            raise ConfigError(
                Problem(
                    "config.sampling",
                    f"should be 'auto' when no bound cuts the simplex, but it is {method!r}",
                    key="method",
                )
            )
        return base
    if method == "auto" and k in (2, 3):
        corners = _corners(k, lower, upper, constraints.order)
        if corners is not None:
            return _Polygon(corners)
    pilot = base.draw(np.random.default_rng(_PILOT_SEED), _PILOT_DRAWS)
    acceptance = float(_Rejection(base, lower, upper, 1.0).accept(pilot).mean())
    if method in ("auto", "rejection") and acceptance >= _MIN_ACCEPTANCE:
        # A region that keeps 2% of the draws has volume: it is full, and rejection needs no LP (no SciPy).
        return _Rejection(base, lower, upper, acceptance)
    region = _region(*_inequalities(k, lower, upper, constraints.order))
    if region.basis.shape[1] == 0:
        return _Fixed(np.clip(region.point, lower, upper))
    if not region.full:
        acceptance = 0.0
    if method == "rejection" or (method == "auto" and acceptance >= _MIN_ACCEPTANCE):
        if acceptance == 0.0:
            raise ConfigError(
                Problem(
                    "config.sampling",
                    f"rejection should keep some draws, but it kept none of {_PILOT_DRAWS}",
                    key="method",
                    fix="use method='hit-and-run'",
                )
            )
        return _Rejection(base, lower, upper, acceptance)
    return _HitAndRun(region, lower, upper)
