"""SMAA-2 for the weighted sum: how each country's rank moves when the weights may be any allowed weights.

Given criterion scores ``values`` (n countries x k criteria, in [0, 1], higher is
better) and many weight vectors drawn uniformly from the allowed region (see
:mod:`scorer.solvers.sampling`), :func:`acceptability` reports for every country the
share of draws at each rank (the rank acceptability indices), the chance of
being in the top K, tier probabilities, rank percentiles, the central weight
vector (the mean weights that put it in the top K) and the SMAA-2 confidence
factor.

Definitions shared with :mod:`scorer.core.ranking`:

- Score with a ``mask`` (False = criterion unavailable, policy "reweight"):
  ``sum_j w_j m_ij v_ij / sum_j w_j m_ij``; a country whose available criteria
  all weigh 0 in a draw scores 0 in that draw.
- Ranks: 1 = best; scores equal to ``TIE_DECIMALS`` decimals share the lower
  (better) rank ("min" method); countries with identical rows always tie.
- Tiers: best first; a country is in the first tier whose rule it meets (rank
  ``<= top`` and score ``>= min_score``, each when given; neither = catch-all).

The work is chunked (memory stays bounded at any number of draws) and
vectorised in :mod:`scorer.solvers.rank_counts`: one matrix product for the
scores, one sort per chunk of integer keys packing the rounded score with the
country index, and the rank counts. Identical countries are scored once (and
copied into the sort, so that they tie bit for bit).
Percentiles come from the cumulative rank counts, so the ranks of individual
draws are never stored; past 1,000 countries the result keeps the shares of
the first 200 ranks only (:func:`scorer.solvers.rank_counts.ranks_kept`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.core.aggregation import weighted_sum
from scorer.core.ranking import (
    TierInput,
    TierLike,
    TierRule,
    min_ranks,
    tier_indices,
    tier_rules,
)
from scorer.errors import ConfigError, Problem, ScoringError
from scorer.solvers.rank_counts import NOISE_BYTES, RankCounts, SmaaResult, ValuesSampler
from scorer.solvers.sampling import WeightConstraints, iter_weights, sampling_method

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[int, int], None]

_CHUNK = 1024
_SUM_TOLERANCE = 1e-9
"""How far from 1 a given weight draw may sum (sampled draws are within about 1e-15)."""
_CHUNK_CELLS = 1 << 20
"""Draws times countries per chunk at most (work arrays of 8 MB): thousands of countries take smaller chunks."""


def check_values(values: ArrayLike, mask: ArrayLike | None = None) -> tuple[FloatArray, BoolArray | None]:
    """Validated ``(values, mask)``: unavailable cells set to 0, an all-True mask dropped.

    Raises :class:`ScoringError` naming the first bad cells.

    >>> v, m = check_values([[0.5, np.nan]], [[True, False]]); v.tolist(), m.tolist()
    ([[0.5, 0.0]], [[True, False]])
    """
    v = np.array(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[0] < 1 or v.shape[1] < 1:
        raise ScoringError(
            Problem("scoring.values", f"should be a (countries x criteria) table, but its shape is {v.shape}")
        )
    m: BoolArray | None = None
    if mask is not None:
        m = np.array(mask, dtype=bool)
        if m.shape != v.shape:
            raise ScoringError(
                Problem("scoring.mask", f"should have the shape of the values {v.shape}, but it is {m.shape}")
            )
        empty = np.flatnonzero(~m.any(axis=1))
        if len(empty):
            raise ScoringError(
                Problem(
                    "scoring.mask",
                    f"each country should have at least one criterion available, but row {empty[0]} has none"
                    + _how_many(empty, "rows"),
                )
            )
        v = np.where(m, v, 0.0)
        if m.all():
            m = None
    bad = np.argwhere(~np.isfinite(v) | (v < 0) | (v > 1))
    if len(bad):
        i, j = bad[0]
        raise ScoringError(
            Problem(
                "scoring.values",
                f"criterion scores should be between 0 and 1, but values[{i}, {j}] is {v[i, j]}"
                + _how_many(bad, "cells"),
            )
        )
    return v, m


def weighted_sum_scores(values: ArrayLike, weights: ArrayLike, *, mask: ArrayLike | None = None) -> FloatArray:
    """Scores for one weight vector ``(k,) -> (n,)`` or many ``(m, k) -> (m, n)``.

    >>> weighted_sum_scores([[1.0, 0.0], [0.5, 0.5]], [0.25, 0.75]).tolist()
    [0.25, 0.5]
    >>> weighted_sum_scores([[1.0, 0.0]], [0.25, 0.75], mask=[[True, False]]).tolist()
    [1.0]
    """
    v, m = check_values(values, mask)
    return weighted_sum(v, np.asarray(weights, dtype=np.float64), m)


def uniform_relative_noise(values: ArrayLike, relative_error: ArrayLike) -> ValuesSampler:
    """A values sampler: each score times ``1 + e * U(-1, 1)``, clipped to [0, 1].

    ``relative_error`` broadcasts against ``values`` (a number, one per criterion, or one per cell).

    >>> draw = uniform_relative_noise([[0.5, 1.0]], [0.1, 0.0])
    >>> x = draw(np.random.default_rng(0), 3); x.shape, bool(np.all(np.abs(x[..., 0] - 0.5) <= 0.05))
    ((3, 1, 2), True)
    """
    v = np.asarray(values, dtype=np.float64)
    e = np.broadcast_to(np.asarray(relative_error, dtype=np.float64), v.shape).copy()
    if np.any(~np.isfinite(e) | (e < 0)):
        raise ConfigError(
            Problem("config.uncertainty", f"relative errors should be >= 0, but the smallest is {e.min()}")
        )

    def sample(rng: np.random.Generator, size: int) -> FloatArray:
        noise = rng.uniform(-1.0, 1.0, (size, *v.shape))
        out: FloatArray = np.clip(v * (1.0 + e * noise), 0.0, 1.0)
        return out

    return sample


def acceptability(
    values: ArrayLike,
    weights_draws: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    top_k: int,
    tiers: Iterable[TierInput] | None = None,
    chunk_size: int = _CHUNK,
    values_sampler: ValuesSampler | None = None,
    seed: int | None = None,
    confidence_draws: int = 1000,
    progress: Progress | None = None,
) -> SmaaResult:
    """SMAA-2 indices for the weighted sum over the given weight draws ``(draws, k)``.

    With ``values_sampler`` each weight draw also gets its own perturbed values
    (data uncertainty, seeded by ``seed``), and the confidence factor is
    estimated from ``confidence_draws`` value draws.

    >>> v = np.array([[0.9, 0.1], [0.1, 0.9], [0.4, 0.4]])
    >>> r = acceptability(v, [[0.8, 0.2], [0.2, 0.8], [0.5, 0.5]], top_k=1)
    >>> r.p_top_k.round(3).tolist(), r.median_rank.tolist()
    ([0.667, 0.667, 0.0], [1, 1, 2])
    """
    v, m = check_values(values, mask)
    w = np.asarray(weights_draws, dtype=np.float64)
    if w.ndim != 2 or w.shape[1] != v.shape[1] or len(w) < 1:
        raise ScoringError(
            Problem(
                "scoring.weights",
                f"weight draws should have shape (draws >= 1, {v.shape[1]}), but it is {w.shape}",
            )
        )
    if not np.isfinite(w.sum()) or w.min() < 0:
        raise ScoringError(Problem("scoring.weights", "weight draws should be finite and >= 0, but some are not"))
    sums = w.sum(axis=1)
    off = np.flatnonzero(np.abs(sums - 1.0) > _SUM_TOLERANCE)
    if len(off):
        raise ScoringError(
            Problem(
                "scoring.weights",
                f"each weight draw should sum to 1, but row {off[0]} sums to {sums[off[0]]:.12g}"
                + _how_many(off, "rows"),
                fix="divide each row by its sum",
            )
        )
    chunk = _chunk_size(chunk_size, v.shape, values_sampler)
    chunks = (w[i : i + chunk] for i in range(0, len(w), chunk))
    return _analyse(v, m, chunks, len(w), top_k, tiers, values_sampler, seed, confidence_draws, progress, None)


def sample_and_analyse(
    values: ArrayLike,
    constraints: WeightConstraints,
    *,
    draws: int,
    seed: int | None,
    top_k: int,
    tiers: Iterable[TierInput] | None = None,
    mask: ArrayLike | None = None,
    relative_error: ArrayLike | None = None,
    values_sampler: ValuesSampler | None = None,
    confidence_draws: int = 1000,
    progress: Progress | None = None,
    chunk_size: int = _CHUNK,
) -> SmaaResult:
    """Draw ``draws`` weight vectors uniformly under ``constraints`` and run :func:`acceptability`.

    Weights are drawn chunk by chunk (memory stays bounded); the result equals
    ``acceptability(values, sample_weights(constraints, draws, seed=seed), ...)``.
    ``relative_error`` adds uniform multiplicative noise to the values, seeded
    from ``seed`` too; ``values_sampler`` (instead of ``relative_error``) draws
    the perturbed values itself, as in :func:`acceptability`. ``progress(done,
    total)`` is called after each chunk.

    >>> from scorer.solvers.sampling import WeightConstraints
    >>> v = np.array([[0.9, 0.1], [0.1, 0.9], [0.4, 0.4]])
    >>> r = sample_and_analyse(v, WeightConstraints(2, order=(0, 1)), draws=1000, seed=1, top_k=1)
    >>> r.p_top_k.tolist(), r.sampling_method
    ([1.0, 0.0, 0.0], 'ordered')
    """
    v, m = check_values(values, mask)
    if constraints.k != v.shape[1]:
        raise ConfigError(
            Problem(
                "config.weights",
                f"constraints should cover the {v.shape[1]} criteria, but they cover {constraints.k}",
            )
        )
    if relative_error is not None and values_sampler is not None:
        raise ConfigError(
            Problem("config.uncertainty", "should give relative_error or values_sampler, not both", key="values")
        )
    sampler = values_sampler if relative_error is None else uniform_relative_noise(v, relative_error)
    chunk = _chunk_size(chunk_size, v.shape, sampler)
    noise_seed = None if seed is None else np.random.SeedSequence([seed, 1])
    chunks = iter_weights(constraints, draws, seed=seed, chunk_size=chunk)
    return _analyse(
        v, m, chunks, draws, top_k, tiers, sampler, noise_seed, confidence_draws, progress, sampling_method(constraints)
    )


def _chunk_size(chunk_size: int, shape: tuple[int, ...], sampler: ValuesSampler | None) -> int:
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int | np.integer) or chunk_size < 1:
        raise ConfigError(
            Problem("config.sampling", f"should be an integer >= 1, but it is {chunk_size!r}", key="chunk_size")
        )
    chunk = min(int(chunk_size), max(1, _CHUNK_CELLS // shape[0]))
    if sampler is None:
        return chunk
    return int(max(1, min(chunk, NOISE_BYTES // (8 * shape[0] * shape[1]))))


def check_top_k(top_k: int, n: int) -> int:
    """``top_k`` as an int, checked to be from 1 to ``n``.

    >>> check_top_k(15, 162)
    15
    """
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or not 1 <= top_k <= n:
        raise ConfigError(
            Problem(
                "config.top_k", f"should be an integer from 1 to {n} (the number of countries), but it is {top_k!r}"
            )
        )
    return int(top_k)


def _analyse(
    v: FloatArray,
    m: BoolArray | None,
    chunks: Iterable[FloatArray],
    total: int,
    top_k: int,
    tiers: Iterable[TierInput] | None,
    sampler: ValuesSampler | None,
    seed: int | np.random.SeedSequence | None,
    confidence_draws: int,
    progress: Progress | None,
    method: str | None,
) -> SmaaResult:
    k = check_top_k(top_k, v.shape[0])
    rules = tier_rules(tiers)
    rng = np.random.default_rng(seed) if sampler is not None else None
    acc = RankCounts(v, m, k, rules, dedupe=sampler is None, total=total)
    done = 0
    for w in chunks:
        acc.add(w, None if sampler is None or rng is None else _sampled_values(sampler, rng, len(w), v.shape))
        done += len(w)
        if progress is not None:
            progress(done, total)
    return acc.result(sampler, rng, confidence_draws, method)


def _sampled_values(sampler: ValuesSampler, rng: np.random.Generator, draws: int, table: tuple[int, ...]) -> FloatArray:
    """A chunk of perturbed values from ``sampler``, checked: one table per draw, each cell in [0, 1]."""
    x = np.asarray(sampler(rng, draws), dtype=np.float64)
    if x.shape != (draws, *table):
        raise ScoringError(
            Problem("scoring.values", f"the values sampler should return shape {(draws, *table)}, not {x.shape}")
        )
    if not (x.min() >= 0.0 and x.max() <= 1.0):  # NaN fails too
        raise ScoringError(
            Problem("scoring.values", "the values sampler should return criterion scores between 0 and 1, but did not")
        )
    return x


def _how_many(found: NDArray[np.intp], what: str) -> str:
    """`` (3 rows)`` after an error naming the first of several, nothing after the only one.

    >>> _how_many(np.array([4, 7, 9]), "rows"), _how_many(np.array([4]), "rows")
    (' (3 rows)', '')
    """
    return f" ({len(found)} {what})" if len(found) > 1 else ""


assign_tiers = tier_indices
"""The tier index of each country (kept under its old name; see :func:`scorer.core.ranking.tier_indices`)."""

__all__ = [
    "SmaaResult",
    "TierInput",
    "TierLike",
    "TierRule",
    "acceptability",
    "assign_tiers",
    "check_top_k",
    "check_values",
    "min_ranks",
    "sample_and_analyse",
    "tier_rules",
    "uniform_relative_noise",
    "weighted_sum_scores",
]
