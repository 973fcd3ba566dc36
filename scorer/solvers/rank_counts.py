"""The counting kernel of SMAA-2: rank counts over chunks of weight draws, and the statistics read from them.

:class:`RankCounts` takes the criterion scores once and then chunks of weight
draws; per chunk it scores the distinct rows with one matrix product, sorts
integer keys packing each rounded score with its row (much faster than
``argsort``), and adds each row's rank to its rank counts, the draw's weights to
the central weights of the rows it puts in the top K, and the tier counts.
:meth:`RankCounts.result` reads every statistic from the counts, a block of
rows at a time: percentiles from cumulative counts, so the ranks of single
draws are never stored.

Most draws take a shorter way (:class:`scorer.solvers.every_row.EveryRow`):
every country in one sort of small integer keys, a repeated row as copies of
its key, so that without a tie between different rows each rank is the place
in the sort; the counts per place and row are added in place and become rank
counts at the end. A draw that may hold such a tie is counted the long way.

Memory. The counts are one row per distinct country and one column per rank.
Up to :data:`BINCOUNT_CELLS` cells they are int64 and a chunk is added with
``np.bincount`` (or, by ``EveryRow``, to ``n x distinct rows`` int64 counts per
place with ``np.add.at``, up to 2,048 countries); past that (thousands of countries) they take the smallest
unsigned type that holds the number of draws (2 bytes below 65,536 draws), a
chunk is added in place with ``np.add.at`` (no temporary of the matrix's
size), and the result keeps the shares of the first ``ranks_kept`` ranks only
(the rank bands, tiers and means still use every rank). 10,000 countries at
10,000 draws: 200 MB of counts.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from scorer.core.aggregation import weighted_sums
from scorer.core.ranking import TierRule
from scorer.solvers.every_row import FLOAT_KEY_BITS, SCALE, EveryRow
from scorer.solvers.rank_stats import rank_statistics

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ValuesSampler = Callable[[np.random.Generator, int], FloatArray]
"""``(rng, size) -> (size, n, k)`` perturbed criterion scores, for data uncertainty."""

_OFFSET = 2.0**41
NOISE_BYTES = 16_000_000
"""Bytes of perturbed values drawn at once (data uncertainty)."""
BINCOUNT_CELLS = 1 << 22
"""Rank-count cells up to which a chunk is added by ``np.bincount`` into int64 counts (32 MB)."""
ALL_RANKS_UP_TO = 1000
"""Up to this many countries the result keeps the share of every rank; past it, the first :data:`RANKS_KEPT`."""
RANKS_KEPT = 200
_RESULT_CELLS = 1 << 20
"""Count cells read at once when the result is assembled (a block of rows)."""


def ranks_kept(n: int, top_k: int) -> int:
    """How many ranks' shares the result keeps for ``n`` countries: all up to 1,000, else the first 200 (or 2K + 10).

    >>> ranks_kept(162, 15), ranks_kept(10_000, 15), ranks_kept(10_000, 150)
    (162, 200, 310)
    """
    return n if n <= ALL_RANKS_UP_TO else min(n, max(RANKS_KEPT, 2 * top_k + 10))


@dataclass(frozen=True, eq=False)
class SmaaResult:
    """What :func:`acceptability` found, per country (rows in the order of ``values``).

    - ``rank_acceptability[i, r - 1]``: share of draws with country ``i`` at rank ``r``, for the
      first ``rank_acceptability.shape[1]`` ranks (every rank up to 1,000 countries; see
      :func:`ranks_kept`).
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


class RankCounts:
    """Running SMAA counts over weight chunks, on the distinct rows of the values.

    ``total`` is the number of draws to come (it sizes the counts' type when they are large).
    """

    def __init__(
        self, v: FloatArray, m: BoolArray | None, top_k: int, rules: tuple[TierRule, ...], *, dedupe: bool, total: int
    ):
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
        self.dense = self.size * self.n <= BINCOUNT_CELLS
        self.counts = np.zeros(self.size * self.n, dtype=np.int64 if self.dense else _count_type(total))
        self.row_start = self.index * self.n
        self.central = np.zeros((self.size, self.k_criteria))
        self.tier_counts = np.zeros(self.size * (len(rules) + 1), dtype=np.int64)
        self.draws = 0
        self.buffers: dict[str, NDArray[Any]] = {}
        self.every_row = EveryRow.of(self)

    def buffer(self, name: str, shape: tuple[int, ...], dtype: type[np.generic]) -> NDArray[Any]:
        """A reused work array: fresh chunk-sized arrays would cost a page fault per 4 KB, every chunk."""
        need = math.prod(shape)
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
        """Count a chunk of weight draws (and its perturbed values): by :class:`EveryRow` if it can, else exactly."""
        if self.every_row is None:
            self.add_exact(w, values)
        else:
            self.every_row.add(w, values)

    def add_exact(self, w: FloatArray, values: FloatArray | None) -> None:
        """Count a chunk on the distinct rows, ties and repeats resolved along the sorted keys."""
        c, size = len(w), self.size
        s = self.scores(w, values)
        # Rounded scores as whole numbers (ties as in scorer.core.ranking), the country index packed in the low bits.
        q = np.multiply(s, SCALE, out=s)
        np.rint(q, out=q)
        if self.bits > FLOAT_KEY_BITS:
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
        c, size = len(w), self.size
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
        self.tally(rising, rank0)
        if self.by_score:
            self.count_tiers(key[:, ::-1], rising[:, ::-1], rank0[:, ::-1], fast=self.mult is None)
        self.draws += c

    def count(self, w: FloatArray, key: IntArray, order: IntArray, tie: BoolArray | None) -> None:
        """Count a chunk from its descending ``key`` and ``order`` (the best first) and its ties."""
        c, size = len(w), self.size
        rank0, top_items, top_rows = self.ranks(order, tie)
        # Central weights: add each draw's weights to the countries it puts in the top K.
        for j in range(self.k_criteria):
            self.central[:, j] += np.bincount(top_items, weights=w[top_rows, j], minlength=size)
        self.tally(order, rank0)
        if self.by_score:
            self.count_tiers(key, order, rank0, fast=self.mult is None and tie is None)
        self.draws += c

    def tally(self, order: IntArray, rank0: NDArray[Any]) -> None:
        """Add one to each row's count at its 0-based rank in each draw (``order[d, p]`` is at ``rank0[d, p]``)."""
        c, size = order.shape
        if self.dense:
            flat = np.multiply(order, self.n, out=self.buffer("flat", (c, size), np.int64))
            flat += rank0
            self.counts += np.bincount(flat.reshape(-1), minlength=size * self.n)
            return
        # Row by row (each row's ranks fall in a band of its counts), in place: no temporary of the counts' size.
        by_row = self.buffer("by_row", (c, size), np.int64)
        np.put_along_axis(by_row, order, rank0, axis=1)
        flat = np.add(by_row.T, self.row_start[:, None], out=self.buffer("flat", (size, c), np.int64))
        np.add.at(self.counts, flat.reshape(-1), 1)

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
        z = math.ceil(min_score * SCALE)
        while (z - 1) / SCALE >= min_score:
            z -= 1
        while z / SCALE < min_score:
            z += 1
        c, size = key.shape
        if z <= 0:
            return np.full(c, size, dtype=np.int64)
        if z > _OFFSET:
            return np.zeros(c, dtype=np.int64)
        if self.bits <= FLOAT_KEY_BITS:
            out: IntArray = (key >= np.array(float(z)).view(np.int64)).sum(axis=1)
        else:
            out = (key < (int(_OFFSET) - z + 1) << self.bits).sum(axis=1)
        return out

    def result(
        self,
        sampler: ValuesSampler | None,
        rng: np.random.Generator | None,
        confidence_draws: int,
        method: str | None,
        kept: int | None = None,
    ) -> SmaaResult:
        """The statistics of the draws counted, per country (``kept`` ranks' shares; default :func:`ranks_kept`)."""
        if self.every_row is not None:
            self.every_row.flush()
        d, k = self.draws, self.top_k
        kept = ranks_kept(self.n, k) if kept is None else kept
        stats = self.statistics(kept)
        in_top_items = stats["in_top"]
        with np.errstate(invalid="ignore", divide="ignore"):
            central_items = self.central / in_top_items[:, None]
        central_items[in_top_items == 0] = np.nan
        rule_count = len(self.rules)
        tiers = stats["tiers"]
        if self.by_score:
            tiers = self.tier_counts.reshape(self.size, rule_count + 1)[:, :rule_count]
        confidence = self.confidence(central_items, sampler, rng, confidence_draws)
        inverse = self.inverse
        return SmaaResult(
            draws=d,
            top_k=k,
            rank_acceptability=stats["shares"][inverse],
            p_top_k=in_top_items[inverse] / d,
            tier_names=tuple(r.name for r in self.rules),
            tier_probabilities=tiers[inverse] / d,
            mean_rank=stats["rank_sum"][inverse] / d,
            median_rank=stats["median"][inverse],
            rank_p05=stats["p05"][inverse],
            rank_p95=stats["p95"][inverse],
            central_weights=central_items[inverse],
            confidence_factor=confidence[inverse],
            sampling_method=method,
        )

    def statistics(self, kept: int) -> dict[str, NDArray[Any]]:
        """Per distinct row, from its rank counts read a block of rows at a time (never a second n x n array).

        ``shares`` (the first ``kept`` ranks), ``in_top`` (draws in the top K), ``rank_sum``,
        ``median``, ``p05``, ``p95`` (numpy's "inverted_cdf" percentiles of the rank) and
        ``tiers`` (draws in each rank-only tier; zeros when a tier has a ``min_score``).
        """
        d, n, size, k = self.draws, self.n, self.size, self.top_k
        counts = self.counts.reshape(size, n)
        out: dict[str, NDArray[Any]] = {"shares": np.empty((size, kept))}
        for name in ("in_top", "rank_sum", "median", "p05", "p95"):
            out[name] = np.empty(size, dtype=np.int64)
        out["tiers"] = np.zeros((size, len(self.rules)), dtype=np.int64)
        step = max(1, _RESULT_CELLS // n)
        for start in range(0, size, step):
            rows = slice(start, min(start + step, size))
            block = counts[rows]
            stats = rank_statistics(block, draws=d, top_k=k)
            cum = stats.cumulative
            out["shares"][rows] = block[:, :kept] / d
            for name in ("in_top", "rank_sum", "median", "p05", "p95"):
                out[name][rows] = getattr(stats, name)
            if not self.by_score:
                taken = np.zeros(len(cum), dtype=np.int64)
                for t, rule in enumerate(self.rules):
                    upto = n if rule.top is None else min(rule.top, n)
                    out["tiers"][rows, t] = np.maximum(cum[:, upto - 1] - taken, 0)
                    taken = np.maximum(taken, cum[:, upto - 1])
        return out

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
            q = np.rint(self.scores(wc, None) * SCALE)
            own = q[np.arange(len(has)), has]
            above = (q > own[:, None]).astype(np.int64) @ mult
            out[has] = (above < self.top_k).astype(np.float64)
            return out
        hits = np.zeros(len(has), dtype=np.int64)
        block = max(1, NOISE_BYTES // (8 * self.size * max(len(has), self.k_criteria)))
        left = draws
        while left > 0:
            size = min(block, left)
            x = sampler(rng, size)
            if self.m is not None:
                x = np.where(self.m, x, 0.0)
            s = weighted_sums(wc, x[:, np.newaxis], self.mi)
            q = np.rint(s * SCALE)
            own = q[:, np.arange(len(has)), has]
            above = (q > own[:, :, None]).sum(axis=2)
            hits += (above < self.top_k).sum(axis=0)
            left -= size
        out[has] = hits / draws
        return out


def _count_type(total: int) -> type[np.unsignedinteger[Any]]:
    """The smallest unsigned integer type that counts to ``total`` draws.

    >>> _count_type(10_000).__name__, _count_type(100_000).__name__
    ('uint16', 'uint32')
    """
    for kind in (np.uint16, np.uint32):
        if total <= np.iinfo(kind).max:
            return kind
    return np.uint64
