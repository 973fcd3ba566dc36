"""Variance-based sensitivity: first-order and total Sobol' indices, streamed over chunks.

For a model ``Y = f(X_1, ..., X_D)`` with independent inputs (or independent
groups of inputs), the first-order index ``S_i = V[E(Y | X_i)] / V(Y)`` is the
share of the variance of ``Y`` that ``X_i`` explains alone, and the total index
``ST_i = E[V(Y | X_~i)] / V(Y)`` its share counting every interaction.

Design (Saltelli 2010, section 3): two independent samples ``A`` and ``B`` of
``N`` rows, and for each factor ``i`` the matrix ``A_B^(i)``: ``A`` with the
columns of factor ``i`` taken from ``B``; ``N (D + 2)`` model runs in all.
Estimators (Saltelli et al. 2010, Table 2):

- first order, Saltelli (2010) formula (b):
  ``V_i = 1/N sum_j f(B)_j (f(A_B^(i))_j - f(A)_j)``;
- total effect, Jansen (1999), formula (f):
  ``VT_i = 1/(2N) sum_j (f(A)_j - f(A_B^(i))_j)^2``;
- ``V(Y)``: the variance of the ``2N`` values ``f(A)`` and ``f(B)``;
- ``S_i = V_i / V(Y)`` and ``ST_i = VT_i / V(Y)``.

A factor that does not change ``f`` gives ``f(A_B^(i)) = f(A)`` row by row, so
both its indices are exactly 0.

Confidence intervals come from the Poisson bootstrap (Hanley & MacGibbon
2006): each replicate weights every row ``j`` (its ``A``, ``B`` and ``A_B^(i)``
runs together) by an independent Poisson(1) count, which approximates the
multinomial resampling of rows and lets every sum be accumulated chunk by chunk,
so memory does not grow with ``N``. The interval is the replicates' percentile
interval. Rows are weighted in the order they are added, with a generator
seeded by ``seed`` and the row offset, so the same chunks give the same bytes.

References:

- A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola (2010),
  "Variance based sensitivity analysis of model output. Design and estimator for
  the total sensitivity index", Computer Physics Communications 181(2), 259-270.
- M.J.W. Jansen (1999), "Analysis of variance designs for model output",
  Computer Physics Communications 117(1-2), 35-43.
- J.A. Hanley, B. MacGibbon (2006), "Creating non-parametric bootstrap samples
  using Poisson frequencies", Computer Methods and Programs in Biomedicine 83(1), 57-62.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scorer.errors import ConfigError, Problem

FloatArray = NDArray[np.float64]

DEFAULT_BOOTSTRAP = 100
DEFAULT_LEVEL = 0.95


@dataclass(frozen=True, eq=False)
class SobolEstimate:
    """First-order and total indices per factor (rows) and output (columns), with their intervals.

    ``variance[m]`` is ``V(Y_m)``; where it is 0 (the output never changes)
    every index of that output is NaN. ``pooled_*`` pool the outputs: the
    summed partial variances over the summed variances (the share of the total
    variance of all outputs), shape ``(pools, factors)``.
    """

    first: FloatArray
    first_low: FloatArray
    first_high: FloatArray
    total: FloatArray
    total_low: FloatArray
    total_high: FloatArray
    variance: FloatArray
    pooled_first: FloatArray
    pooled_first_low: FloatArray
    pooled_first_high: FloatArray
    pooled_total: FloatArray
    pooled_total_low: FloatArray
    pooled_total_high: FloatArray
    rows: int
    bootstrap: int
    level: float


class SobolAccumulator:
    """Running sums for the Saltelli/Jansen estimators and their Poisson-bootstrap replicates.

    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.random((20000, 2)), rng.random((20000, 2))
    >>> f = lambda x: (x[:, 0] + 2 * x[:, 1])[:, None]   # S = (0.2, 0.8)
    >>> acc = SobolAccumulator(2, 1, bootstrap=50, seed=1)
    >>> acc.add(f(a), f(b), np.stack([f(m) for m in ab_matrices(a, b, [[0], [1]])]))
    >>> est = acc.result()
    >>> np.round(est.first[:, 0], 1).tolist(), np.round(est.total[:, 0], 1).tolist()
    ([0.2, 0.8], [0.2, 0.8])
    """

    def __init__(self, factors: int, outputs: int, *, bootstrap: int = DEFAULT_BOOTSTRAP, seed: int = 0) -> None:
        if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 0:
            raise ConfigError(
                Problem("config.bootstrap", f"should be an integer >= 0, but it is {bootstrap!r}", key="bootstrap")
            )
        self.factors, self.outputs, self.bootstrap, self.seed = factors, outputs, bootstrap, seed
        # sums[r, t, m]: replicate r (0 = every row once), term t, output m.
        self.sums = np.zeros((1 + bootstrap, 4 + 2 * factors, outputs))
        self.weight = np.zeros(1 + bootstrap)
        self.rows = 0

    def add(self, y_a: FloatArray, y_b: FloatArray, y_ab: FloatArray) -> None:
        """Add a chunk: ``y_a``, ``y_b`` of shape ``(rows, outputs)``, ``y_ab`` of ``(factors, rows, outputs)``."""
        c = y_a.shape[0]
        if y_b.shape != y_a.shape or y_ab.shape != (self.factors, *y_a.shape) or y_a.shape[1:] != (self.outputs,):
            raise ValueError(f"chunk shapes disagree: {y_a.shape}, {y_b.shape}, {y_ab.shape}")
        d = self.factors
        terms = np.empty((c, 4 + 2 * d, self.outputs))
        terms[:, 0] = y_a
        terms[:, 1] = y_a * y_a
        terms[:, 2] = y_b
        terms[:, 3] = y_b * y_b
        diff = y_ab - y_a[None]  # (d, c, m)
        terms[:, 4 : 4 + d] = np.moveaxis(diff * y_b[None], 0, 1)
        terms[:, 4 + d :] = np.moveaxis(diff * diff, 0, 1)
        flat = terms.reshape(c, -1)
        self.sums[0] += flat.sum(axis=0).reshape(self.sums.shape[1:])
        self.weight[0] += c
        if self.bootstrap:
            rng = np.random.default_rng([self.seed, 7, self.rows])
            w = rng.poisson(1.0, (self.bootstrap, c)).astype(np.float32)
            # Single precision halves the cost of the replicates; the point estimates above stay exact.
            self.sums[1:] += (w @ flat.astype(np.float32)).reshape(self.sums[1:].shape)
            self.weight[1:] += w.sum(axis=1)
        self.rows += c

    def result(self, *, level: float = DEFAULT_LEVEL, pools: Sequence[slice] | None = None) -> SobolEstimate:
        """The indices, with ``level`` percentile intervals from the bootstrap replicates (NaN without).

        ``pools`` are the groups of outputs pooled into ``pooled_*`` (default: all outputs, one pool).
        """
        if not 0 < level < 1:
            raise ConfigError(Problem("config.level", f"should be between 0 and 1, but it is {level!r}", key="level"))
        if self.rows == 0:
            raise ValueError("no rows added")
        d = self.factors
        w = np.where(self.weight > 0, self.weight, 1.0)[:, None]
        mean = (self.sums[:, 0] + self.sums[:, 2]) / (2 * w)
        variance = np.maximum((self.sums[:, 1] + self.sums[:, 3]) / (2 * w) - mean * mean, 0.0)
        first_var = self.sums[:, 4 : 4 + d] / w[:, :, None]
        total_var = self.sums[:, 4 + d :] / (2 * w[:, :, None])
        # Exact integer outputs (ranks) make a constant output's variance exactly 0; floats may leave ~1e-16.
        scale = np.maximum(np.abs(mean), 1.0)
        positive = variance > 1e-12 * scale * scale
        safe = np.where(positive, variance, 1.0)[:, None, :]
        first = np.where(positive[:, None, :], first_var / safe, np.nan)
        total = np.where(positive[:, None, :], total_var / safe, np.nan)
        pools = pools if pools is not None else [slice(0, self.outputs)]
        pooled_first = np.stack([_pooled(first_var[:, :, p], variance[:, p], positive[:, p]) for p in pools], axis=1)
        pooled_total = np.stack([_pooled(total_var[:, :, p], variance[:, p], positive[:, p]) for p in pools], axis=1)
        lo, hi = _interval(first[1:], level), _interval(total[1:], level)
        plo, phi = _interval(pooled_first[1:], level), _interval(pooled_total[1:], level)
        defined = positive[0]
        return SobolEstimate(
            first=first[0],
            first_low=np.where(defined, lo[0], np.nan),
            first_high=np.where(defined, lo[1], np.nan),
            total=total[0],
            total_low=np.where(defined, hi[0], np.nan),
            total_high=np.where(defined, hi[1], np.nan),
            variance=variance[0],
            pooled_first=pooled_first[0],
            pooled_first_low=plo[0],
            pooled_first_high=plo[1],
            pooled_total=pooled_total[0],
            pooled_total_low=phi[0],
            pooled_total_high=phi[1],
            rows=self.rows,
            bootstrap=self.bootstrap,
            level=level,
        )


def _pooled(partial: FloatArray, variance: FloatArray, positive: NDArray[np.bool_]) -> FloatArray:
    """Summed partial variances over summed variances: ``(replicates, factors)``, NaN where nothing varies."""
    vsum = np.where(positive, variance, 0.0).sum(axis=1)
    num = np.where(positive[:, None, :], partial, 0.0).sum(axis=2)
    out: FloatArray = np.where(vsum[:, None] > 0, num / np.where(vsum > 0, vsum, 1.0)[:, None], np.nan)
    return out


def _interval(replicates: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval over the first axis; a replicate with no variance counts as index 0."""
    shape = replicates.shape[1:]
    if replicates.shape[0] == 0:
        return np.full(shape, np.nan), np.full(shape, np.nan)
    r = np.nan_to_num(replicates, nan=0.0)
    tail = (1.0 - level) / 2
    low, high = np.quantile(r, [tail, 1.0 - tail], axis=0)
    return low, high


def ab_matrices(a: FloatArray, b: FloatArray, groups: list[list[int]]) -> list[FloatArray]:
    """Saltelli's ``A_B^(i)`` for each group of columns: ``A`` with the group's columns from ``B``.

    >>> a, b = np.zeros((1, 3)), np.ones((1, 3))
    >>> [m.tolist() for m in ab_matrices(a, b, [[0], [1, 2]])]
    [[[1.0, 0.0, 0.0]], [[0.0, 1.0, 1.0]]]
    """
    out = []
    for cols in groups:
        m = a.copy()
        m[:, cols] = b[:, cols]
        out.append(m)
    return out
