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
vectorised: one matrix product for the scores, one sort per chunk of integer
keys packing the rounded score with the country index (much faster than
``argsort``), and ``np.bincount`` for the rank counts. Identical countries are
scored once. Percentiles come from the cumulative rank counts, so the ranks of
individual draws are never stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.core.aggregation import weighted_sum, weighted_sums
from scorer.core.ranking import (
    TIE_DECIMALS,
    TierInput,
    TierLike,
    TierRule,
    min_ranks,
    tier_indices,
    tier_rules,
)
from scorer.errors import ConfigError, Problem, ScoringError
from scorer.solvers.sampling import WeightConstraints, iter_weights, sampling_method

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ValuesSampler = Callable[[np.random.Generator, int], FloatArray]
"""``(rng, size) -> (size, n, k)`` perturbed criterion scores, for data uncertainty."""
Progress = Callable[[int, int], None]

_SCALE = 10.0**TIE_DECIMALS
_OFFSET = 2.0**41
_CHUNK = 1024
_NOISE_BYTES = 16_000_000
_FLOAT_KEY_BITS = 12  # whole floats below 2**40 end in >= 12 zero bits, room for 4096 row indices


@dataclass(frozen=True, eq=False)
class SmaaResult:
    """What :func:`acceptability` found, per country (rows in the order of ``values``).

    - ``rank_acceptability[i, r - 1]``: share of draws with country ``i`` at rank ``r``.
    - ``p_top_k``: share of draws with rank ``<= top_k``.
    - ``tier_probabilities[i, t]``: share of draws in tier ``tier_names[t]``
      (a row sums to less than 1 only if the tiers have no catch-all).
    - ``mean_rank``; ``median_rank``, ``rank_p05``, ``rank_p95``: the smallest
      rank whose cumulative share reaches 50%, 5%, 95% (numpy's "inverted_cdf").
    - ``central_weights[i]``: mean weight vector over the draws with ``i`` in
      the top K (NaN if never).
    - ``confidence_factor[i]``: share of data draws with ``i`` in the top K when
      the weights are its central weights (SMAA-2); 1.0 or 0.0 without data
      uncertainty, NaN if ``i`` has no central weights.
    """

    draws: int
    top_k: int
    rank_acceptability: FloatArray
    p_top_k: FloatArray
    tier_names: tuple[str, ...]
    tier_probabilities: FloatArray
    mean_rank: FloatArray
    median_rank: IntArray
    rank_p05: IntArray
    rank_p95: IntArray
    central_weights: FloatArray
    confidence_factor: FloatArray
    sampling_method: str | None = None


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
                    + (f" ({len(empty)} rows)" if len(empty) > 1 else ""),
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
                + (f" ({len(bad)} cells)" if len(bad) > 1 else ""),
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
    if sampler is None:
        return int(chunk_size)
    return int(max(1, min(chunk_size, _NOISE_BYTES // (8 * shape[0] * shape[1]))))


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
    acc = _Accumulator(v, m, k, rules, dedupe=sampler is None)
    done = 0
    for w in chunks:
        acc.add(w, None if sampler is None or rng is None else sampler(rng, len(w)))
        done += len(w)
        if progress is not None:
            progress(done, total)
    return acc.result(sampler, rng, confidence_draws, method)


class _Accumulator:
    """Running SMAA counts over weight chunks, on the distinct rows of the values."""

    def __init__(self, v: FloatArray, m: BoolArray | None, top_k: int, rules: tuple[TierRule, ...], *, dedupe: bool):
        self.n, self.k_criteria = v.shape
        self.v, self.m = v, m
        if dedupe:
            if m is not None:
                # A country scoring 0 on every available criterion scores 0 whatever its mask: one row for all.
                m = m.copy()
                m[~v.any(axis=1)] = True
                self.m = m = None if m.all() else m
            rows = v if m is None else np.hstack([v, m.astype(np.float64)])
            _, first, inverse, mult = np.unique(
                rows, axis=0, return_index=True, return_inverse=True, return_counts=True
            )
            self.items = first
            self.inverse = inverse.reshape(-1)
            self.mult: IntArray | None = mult.astype(np.int64) if len(first) < self.n else None
        else:
            self.items = np.arange(self.n)
            self.inverse = np.arange(self.n)
            self.mult = None
        self.size = len(self.items)
        self.mult32 = None if self.mult is None else self.mult.astype(np.int32)
        self.vi = np.ascontiguousarray(v[self.items])
        self.mi = None if m is None else np.ascontiguousarray(m[self.items], dtype=np.float64)
        self.top_k, self.rules = top_k, rules
        self.by_score = any(r.min_score is not None for r in rules)
        self.bits = max(1, (self.size - 1).bit_length())
        self.low = np.int64((1 << self.bits) - 1)
        self.index = np.arange(self.size, dtype=np.int64)
        self.counts = np.zeros(self.size * self.n, dtype=np.int64)
        self.central = np.zeros((self.size, self.k_criteria))
        self.tier_counts = np.zeros(self.size * (len(rules) + 1), dtype=np.int64)
        self.draws = 0
        self.buffers: dict[str, NDArray[Any]] = {}

    def buffer(self, name: str, shape: tuple[int, int], dtype: type[np.generic]) -> NDArray[Any]:
        """A reused work array: fresh chunk-sized arrays would cost a page fault per 4 KB, every chunk."""
        need = shape[0] * shape[1]
        buf = self.buffers.get(name)
        if buf is None or buf.size < need:
            buf = np.empty(need, dtype=dtype)
            self.buffers[name] = buf
        return buf[:need].reshape(shape)

    def scores(self, w: FloatArray, values: FloatArray | None) -> FloatArray:
        """Scores of the distinct rows per weight row: :func:`scorer.core.aggregation.weighted_sums`, reused buffers."""
        shape = (len(w), self.size)
        x = self.vi if values is None else values if self.m is None else np.where(self.m, values, 0.0)
        work = None if self.mi is None else self.buffer("den", shape, np.float64)
        return weighted_sums(w, x, self.mi, out=self.buffer("scores", shape, np.float64), work=work)

    def add(self, w: FloatArray, values: FloatArray | None) -> None:
        c, size = len(w), self.size
        s = self.scores(w, values)
        # Rounded scores as whole numbers (ties as in scorer.core.ranking), the country index packed in the low bits.
        q = np.multiply(s, _SCALE, out=s)
        np.rint(q, out=q)
        if self.bits > _FLOAT_KEY_BITS:
            key = (_OFFSET - q).astype(np.int64)
            key <<= self.bits
            key |= self.index
            key.sort(axis=1)
            high = key >> self.bits
            tie = high[:, 1:] == high[:, :-1]
            order: IntArray = np.bitwise_and(key, self.low, out=self.buffer("order", (c, size), np.int64))
            self.count(w, key, order, tie if tie.any() else None)
            return
        # Whole numbers below 2**40 keep their order as float64 bit patterns, and end in >= 12 zero bits.
        key = q.view(np.int64)
        key |= self.index
        key.sort(axis=1)  # ascending: the best last
        gap = np.subtract(key[:, 1:], key[:, :-1], out=self.buffer("gap", (c, size - 1), np.int64))
        tie = np.less(gap, 1 << self.bits, out=self.buffer("tie", (c, size - 1), np.bool_))
        rising: IntArray = np.bitwise_and(key, self.low, out=self.buffer("order", (c, size), np.int64))
        any_tie = bool(tie.any())
        if any_tie:
            self.count(w, key[:, ::-1], rising[:, ::-1], tie[:, ::-1])
        else:
            self.count_plain(w, key, rising)

    def count_plain(self, w: FloatArray, key: IntArray, rising: IntArray) -> None:
        """Count a chunk without ties in ascending order (no reversed views): the best K sit in the last K places.

        A rank is the number of countries after a place: ``size - 1 - p``, or with repeated rows the
        repeats after it, from one cumulative sum.
        """
        c, size, n = len(w), self.size, self.n
        kept = min(self.top_k, size)
        top_rows: BoolArray | None = None
        if self.mult32 is None:
            rank0: IntArray = np.broadcast_to(self.index[::-1], (c, size))
            top_items = rising[:, size - kept :].reshape(-1)
        else:
            step = np.take(self.mult32, rising, out=self.buffer("step32", (c, size), np.int32), mode="clip")
            rank0 = np.cumsum(step, axis=1, out=self.buffer("rank32", (c, size), np.int32))
            np.subtract(rank0[:, -1:].copy(), rank0, out=rank0)
            # every item of the last K places, weighted 0 where its rank is not in the top K (+0.0 adds nothing)
            inside = (rank0[:, size - kept :] < self.top_k).reshape(-1)
            top_items, top_rows = rising[:, size - kept :].reshape(-1), inside
        for j in range(self.k_criteria):
            weights = np.repeat(w[:, j], kept)
            if top_rows is not None:
                weights *= top_rows
            self.central[:, j] += np.bincount(top_items, weights=weights, minlength=size)
        flat = np.multiply(rising, n, out=self.buffer("flat", (c, size), np.int64))
        flat += rank0
        self.counts += np.bincount(flat.reshape(-1), minlength=size * n)
        if self.by_score:
            self.count_tiers(key[:, ::-1], rising[:, ::-1], rank0[:, ::-1], fast=self.mult is None)
        self.draws += c

    def count(self, w: FloatArray, key: IntArray, order: IntArray, tie: BoolArray | None) -> None:
        """Count a chunk from its descending ``key`` and ``order`` (the best first) and its ties."""
        c, size, n = len(w), self.size, self.n
        rank0, top_items, top_rows = self.ranks(order, tie)
        # Central weights: add each draw's weights to the countries it puts in the top K.
        for j in range(self.k_criteria):
            self.central[:, j] += np.bincount(top_items, weights=w[top_rows, j], minlength=size)
        flat = np.multiply(order, n, out=self.buffer("flat", (c, size), np.int64))
        flat += rank0
        self.counts += np.bincount(flat.reshape(-1), minlength=size * n)
        if self.by_score:
            self.count_tiers(key, order, rank0, fast=self.mult is None and tie is None)
        self.draws += c

    def ranks(self, order: IntArray, tie: BoolArray | None) -> tuple[IntArray, IntArray, IntArray]:
        """0-based ranks along the descending positions; the items in the top K and their draws."""
        c, size = order.shape
        top = self.top_k
        step = self.buffer("step", (c, size), np.int64)
        if self.mult is None:
            step.fill(1)
        else:
            np.take(self.mult, order, out=step, mode="clip")  # indices are in range; "raise" would buffer
        rank0 = np.cumsum(step, axis=1, out=self.buffer("rank", (c, size), np.int64))
        rank0 -= step
        if tie is not None:
            rank0[:, 1:][tie] = 0
            np.maximum.accumulate(rank0, axis=1, out=rank0)
            sel = rank0 < top
            return rank0, order[sel], np.nonzero(sel)[0]
        sel = rank0[:, :top] < top
        return rank0, order[:, :top][sel], np.nonzero(sel)[0]

    def count_tiers(self, key: IntArray, order: IntArray, rank0: IntArray, *, fast: bool) -> None:
        """Count tiers per draw when a rule uses ``min_score`` (rank-only tiers come from the rank counts).

        Along the sorted positions every rule holds on a prefix (ranks rise, scores fall), so the
        tier of position ``p`` is the first rule whose prefix is longer than ``p``.
        """
        c, size = order.shape
        rule_count = len(self.rules)
        tier = self.buffer("tier", (c, size), np.int64)
        tier.fill(rule_count)
        for t in range(rule_count - 1, -1, -1):
            rule = self.rules[t]
            length = np.full(c, size, dtype=np.int64)
            if rule.top is not None:
                length = np.minimum(length, min(rule.top, size) if fast else (rank0 < rule.top).sum(axis=1))
            if rule.min_score is not None:
                length = np.minimum(length, self.score_prefix(key, rule.min_score))
            tier[self.index[None, :] < length[:, None]] = t
        flat = np.multiply(order, rule_count + 1, out=self.buffer("flat", (c, size), np.int64))
        flat += tier
        self.tier_counts += np.bincount(flat.reshape(-1), minlength=self.tier_counts.size)

    def score_prefix(self, key: IntArray, min_score: float) -> IntArray:
        """Per draw, how many sorted positions have a rounded score ``>= min_score`` (as ``scorer.core.ranking``)."""
        z = math.ceil(min_score * _SCALE)
        while (z - 1) / _SCALE >= min_score:
            z -= 1
        while z / _SCALE < min_score:
            z += 1
        c, size = key.shape
        if z <= 0:
            return np.full(c, size, dtype=np.int64)
        if z > _OFFSET:
            return np.zeros(c, dtype=np.int64)
        if self.bits <= _FLOAT_KEY_BITS:
            out: IntArray = (key >= np.array(float(z)).view(np.int64)).sum(axis=1)
        else:
            out = (key < (int(_OFFSET) - z + 1) << self.bits).sum(axis=1)
        return out

    def result(
        self, sampler: ValuesSampler | None, rng: np.random.Generator | None, confidence_draws: int, method: str | None
    ) -> SmaaResult:
        d, n, k = self.draws, self.n, self.top_k
        counts_items = self.counts.reshape(self.size, n)
        counts = counts_items[self.inverse]
        cum = np.cumsum(counts, axis=1)
        in_top_items = counts_items[:, :k].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            central_items = self.central / in_top_items[:, None]
        central_items[in_top_items == 0] = np.nan
        rule_count = len(self.rules)
        if self.by_score:
            tiers = self.tier_counts.reshape(self.size, rule_count + 1)[self.inverse, :rule_count]
        else:
            tiers = np.zeros((n, rule_count), dtype=np.int64)
            taken = np.zeros(n, dtype=np.int64)
            for t, rule in enumerate(self.rules):
                upto = n if rule.top is None else min(rule.top, n)
                tiers[:, t] = np.maximum(cum[:, upto - 1] - taken, 0)
                taken = np.maximum(taken, cum[:, upto - 1])
        confidence = self.confidence(central_items, sampler, rng, confidence_draws)
        ranks = np.arange(1, n + 1)
        return SmaaResult(
            draws=d,
            top_k=k,
            rank_acceptability=counts / d,
            p_top_k=cum[:, k - 1] / d,
            tier_names=tuple(r.name for r in self.rules),
            tier_probabilities=tiers / d,
            mean_rank=counts @ ranks / d,
            median_rank=1 + np.argmax(cum * 2 >= d, axis=1),
            rank_p05=1 + np.argmax(cum * 100 >= 5 * d, axis=1),
            rank_p95=1 + np.argmax(cum * 100 >= 95 * d, axis=1),
            central_weights=central_items[self.inverse],
            confidence_factor=confidence[self.inverse],
            sampling_method=method,
        )

    def confidence(
        self,
        central: FloatArray,
        sampler: ValuesSampler | None,
        rng: np.random.Generator | None,
        draws: int,
    ) -> FloatArray:
        """SMAA-2 confidence factors of the distinct rows (NaN without central weights)."""
        out = np.full(self.size, np.nan)
        has = np.flatnonzero(~np.isnan(central[:, 0]))
        if not len(has):
            return out
        wc = central[has]
        mult = np.ones(self.size, dtype=np.int64) if self.mult is None else self.mult
        if sampler is None or rng is None:
            q = np.rint(self.scores(wc, None) * _SCALE)
            own = q[np.arange(len(has)), has]
            above = (q > own[:, None]).astype(np.int64) @ mult
            out[has] = (above < self.top_k).astype(np.float64)
            return out
        hits = np.zeros(len(has), dtype=np.int64)
        block = max(1, _NOISE_BYTES // (8 * self.size * max(len(has), self.k_criteria)))
        left = draws
        while left > 0:
            size = min(block, left)
            x = sampler(rng, size)
            if self.m is not None:
                x = np.where(self.m, x, 0.0)
            s = weighted_sums(wc, x[:, np.newaxis], self.mi)
            q = np.rint(s * _SCALE)
            own = q[:, np.arange(len(has)), has]
            above = (q > own[:, :, None]).sum(axis=2)
            hits += (above < self.top_k).sum(axis=0)
            left -= size
        out[has] = hits / draws
        return out


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
