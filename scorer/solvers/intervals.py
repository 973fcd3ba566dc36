"""Exact stability intervals for one weight at a time: no sampling.

Criterion ``j``'s weight moves alone to ``t`` in [0, 1] and the other weights
keep their proportions: ``w_i(t) = w_i (1 - t) / (1 - w_j)`` (when ``w_j`` is 1
the others share ``1 - t`` equally). Every score is then a ratio of two linear
functions of ``t``: ``(a_i + b_i t) / (c_i + d_i t)`` with ``c_i + d_i t > 0``
inside (0, 1); without a mask ``c = 1, d = 0`` and the score is linear. Two
countries swap where their scores cross: cross-multiplied, a root of a
polynomial of degree 1 without a mask and of degree 2 with one (two countries
can cross twice when their available criteria differ). A score meets a
``min_score`` threshold at the root of a linear equation.

For each country the crossings are sorted and walked outward from the current
weight, counting the countries above it, until its top-K membership or tier
changes. Intervals are open: they end at the crossing itself, where the two
countries tie; any weight strictly inside keeps the current set or tier.
Points where two countries only touch (a double root) are not changes, nor
are crossings within 1e-12 of 0 or 1. The end points themselves are checked
apart (:func:`end_changes`): at a weight of exactly 0 or 1 countries can tie
(those sharing every other criterion score), and a tie shares the better rank,
so the top K or a tier can differ there although nothing changes inside. An
interval reported up to 0 or 1 is then open at that end, and the smallest
change to flip a country may be a move to exactly 0 or 1. With a mask, a country lacking criterion
``j`` keeps a constant score along the move, as does one whose only weighted
criterion is ``j`` (the 0/0 at the end of the move is left out).
Everything is vectorised over country pairs, a block of countries at a time:
O(n^2 log n) time and O(n) memory per criterion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.errors import ConfigError, Problem
from scorer.solvers.smaa import (
    TierInput,
    TierRule,
    assign_tiers,
    check_top_k,
    check_values,
    min_ranks,
    tier_rules,
    weighted_sum_scores,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_END = 1e-12
"""Crossings this close to 0 or 1 are ignored (rounding noise at the ends of the move)."""
_CHUNK_CELLS = 120_000
"""Country pairs handled at once: a block of rows times every country (work arrays of a few MB,
which stay in cache; bigger blocks are slower, not faster)."""
_RECENT: dict[tuple[object, ...], tuple[FloatArray, FloatArray]] = {}
_RECENT_SIZE = 16
"""The last intervals computed, by their inputs: one analysis asks for the same ones twice."""
_PROGRESS: ContextVar[Callable[[int], None] | None] = ContextVar("stability_progress", default=None)


@contextmanager
def reporting_progress(progress: Callable[[int], None]) -> Iterator[None]:
    """Inside the block, ``progress(countries)`` is called as the crossings of each block of countries are done.

    For a progress bar over a long analysis: one criterion's intervals report every country once.

    >>> seen = []
    >>> with reporting_progress(seen.append):
    ...     _ = top_k_interval([[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]], [0.6, 0.4], 0, top_k=1)
    >>> sum(seen)
    3
    """
    token = _PROGRESS.set(progress)
    try:
        yield
    finally:
        _PROGRESS.reset(token)


def move_weight(weights: ArrayLike, j: int, t: ArrayLike) -> FloatArray:
    """Weight vectors with criterion ``j`` set to each ``t`` and the others rescaled, shape ``(len(t), k)``.

    >>> move_weight([0.5, 0.3, 0.2], 0, [0.0, 0.75]).round(3).tolist()
    [[0.0, 0.6, 0.4], [0.75, 0.15, 0.1]]
    """
    w = _check_weights(weights)
    j = _check_criterion(j, len(w))
    ts = np.atleast_1d(np.asarray(t, dtype=np.float64))
    rest = _rest_shares(w, j)
    out = (1.0 - ts)[:, None] * rest[None, :]
    out[:, j] = ts
    return out


def top_k_interval(
    values: ArrayLike, weights: ArrayLike, j: int, *, top_k: int, mask: ArrayLike | None = None
) -> tuple[float, float]:
    """The widest ``(lo, hi)`` around the current ``w_j`` on which the top-K set stays the same.

    ``lo == 0`` or ``hi == 1`` means no change on that side.

    >>> v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    >>> top_k_interval(v, [0.6, 0.4], 0, top_k=1)
    (0.5, 1.0)
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    k = check_top_k(top_k, v.shape[0])
    lo, hi = _intervals(v, m, w, _check_criterion(j, len(w)), _membership(k))
    return float(lo.max()), float(hi.min())


def tier_intervals(
    values: ArrayLike,
    weights: ArrayLike,
    j: int,
    *,
    tiers: Iterable[TierInput],
    mask: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Per country, the widest ``(lo, hi)`` around the current ``w_j`` on which its tier stays the same.

    >>> v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    >>> lo, hi = tier_intervals(v, [0.6, 0.4], 0, tiers=[("a", 1, None), ("b", None, 0.5), ("c", None, None)])
    >>> lo.round(3).tolist(), hi.round(3).tolist()
    ([0.5, 0.5, 0.5], [1.0, 1.0, 1.0])
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    rules = tier_rules(tiers)
    if not rules:
        raise ConfigError(Problem("config.invalid", "should list at least one tier, but it is empty", key="tiers"))
    return _intervals(v, m, w, _check_criterion(j, len(w)), rules)


def top_k_and_tier_intervals(
    values: ArrayLike,
    weights: ArrayLike,
    j: int,
    *,
    top_k: int,
    tiers: Iterable[TierInput],
    mask: ArrayLike | None = None,
) -> tuple[tuple[float, float], tuple[FloatArray, FloatArray]]:
    """:func:`top_k_interval` and :func:`tier_intervals` from one pass over the crossings (about half the work).

    The crossings are kept for :func:`weight_change_to_flip` too, which asks for the top K's again.

    >>> v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    >>> tiers = [("a", 1, None), ("b", None, 0.5), ("c", None, None)]
    >>> (lo, hi), (tier_lo, tier_hi) = top_k_and_tier_intervals(v, [0.6, 0.4], 0, top_k=1, tiers=tiers)
    >>> (lo, hi), tier_lo.round(3).tolist()
    ((0.5, 1.0), [0.5, 0.5, 0.5])
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    k = check_top_k(top_k, v.shape[0])
    rules = tier_rules(tiers)
    if not rules:
        raise ConfigError(Problem("config.invalid", "should list at least one tier, but it is empty", key="tiers"))
    (lo, hi), by_tier = _intervals_for(v, m, w, _check_criterion(j, len(w)), (_membership(k), rules))
    return (float(lo.max()), float(hi.min())), by_tier


def weight_change_to_flip(
    values: ArrayLike, weights: ArrayLike, *, top_k: int, mask: ArrayLike | None = None
) -> FloatArray:
    """Per country and criterion, the smallest signed change of that one weight that flips top-K membership.

    The others keep their proportions. The change reaches the crossing point
    (a tie); any weight slightly beyond it flips the country in (if out) or
    out (if in). Where only a weight of exactly 0 or 1 flips it (a tie there,
    see :func:`end_changes`), the change reaches that end. NaN where no
    weight in [0, 1] flips it. At a tie at the cut
    the change is a signed zero (``-0.0``: any decrease). Shape ``(n, k)``.

    >>> v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    >>> weight_change_to_flip(v, [0.6, 0.4], top_k=1).round(3).tolist()
    [[-0.1, 0.1], [-0.1, 0.1], [-0.171, 0.171]]
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    rules = _membership(check_top_k(top_k, v.shape[0]))
    out = np.full(v.shape, np.nan)
    for j in range(v.shape[1]):
        lo, hi = _intervals(v, m, w, j, rules)
        at0, at1 = _end_changes(v, m, w, j, rules)
        up = np.where(hi < 1.0, hi - w[j], np.where(at1, 1.0 - w[j], np.nan))
        # -(w - lo), not lo - w: a tie at the cut (lo == w) gives -0.0, so the sign still says "lower"
        down = np.where(lo > 0.0, -(w[j] - lo), np.where(at0, -w[j], np.nan))
        out[:, j] = np.where(np.isnan(up) | (np.abs(down) < np.abs(up)), down, up)
    return out


def end_changes(
    values: ArrayLike,
    weights: ArrayLike,
    j: int,
    *,
    top_k: int | None = None,
    tiers: Iterable[TierInput] | None = None,
    mask: ArrayLike | None = None,
) -> tuple[BoolArray, BoolArray]:
    """Per country, whether its top-K membership (or tier) at ``w_j`` of exactly 0, and of exactly 1, differs from now.

    Give ``top_k`` or ``tiers``. Ties at an end share the better rank, as in the ranking.

    >>> v = [[0.9, 0.2], [0.5, 0.2], [0.1, 0.9]]  # at w_0 = 0 the first two tie for rank 2
    >>> [a.tolist() for a in end_changes(v, [0.5, 0.5], 0, top_k=2)]
    [[False, True, False], [False, True, True]]
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    if (top_k is None) == (tiers is None):
        raise ConfigError(
            Problem("config.invalid", "should give top_k or tiers (one of them), but it gives both or none")
        )
    rules = _membership(check_top_k(top_k, v.shape[0])) if top_k is not None else tier_rules(tiers)
    return _end_changes(v, m, w, _check_criterion(j, len(w)), rules)


def value_change_to_flip(
    values: ArrayLike, weights: ArrayLike, *, top_k: int, mask: ArrayLike | None = None
) -> FloatArray:
    """Per country and criterion, the change of that country's criterion score that flips its top-K membership.

    The weights and the other countries stay as they are. The change brings
    the country's score to the K-th best of the others: a tie, which already
    counts as in (shared rank); an insider needs slightly more. NaN where the
    value would leave [0, 1] (for an insider: where only a value below 0 would
    do), the criterion weighs 0, or is unavailable.

    >>> v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    >>> value_change_to_flip(v, [0.6, 0.4], top_k=1).round(3).tolist()
    [[-0.133, nan], [0.133, 0.2], [0.333, nan]]
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    n = v.shape[0]
    k = check_top_k(top_k, n)
    s = weighted_sum_scores(v, w, mask=m)
    if k >= n:
        return np.full(v.shape, np.nan)
    ranked = -np.sort(-s)
    inside = s >= ranked[k - 1]
    target = np.where(inside, ranked[k], ranked[k - 1])
    avail = np.ones(v.shape) if m is None else m.astype(np.float64)
    slope = w[None, :] * avail / (avail @ w)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        change = (target - s)[:, None] / slope
    new = v + change
    # an insider must go strictly below the tie, which is impossible when the tie is at 0
    low_ok = np.where(inside[:, None], new > 1e-12, new >= -1e-12)
    ok = (slope > 0) & low_ok & (new <= 1 + 1e-12)
    out: FloatArray = np.where(ok, change, np.nan)
    return out


def weight_sweep(
    values: ArrayLike, weights: ArrayLike, j: int, *, grid: ArrayLike, mask: ArrayLike | None = None
) -> IntArray:
    """Ranks of every country with ``w_j`` set to each grid value, shape ``(len(grid), n)``.

    >>> weight_sweep([[0.9, 0.2], [0.5, 0.6]], [0.5, 0.5], 0, grid=[0.0, 1.0]).tolist()
    [[2, 1], [1, 2]]
    """
    v, m = check_values(values, mask)
    w = _check_weights(weights, v.shape[1])
    return min_ranks(weighted_sum_scores(v, move_weight(w, j, grid), mask=m))


def _membership(top_k: int) -> tuple[TierRule, ...]:
    return (TierRule("in", top_k, None), TierRule("out", None, None))


def _check_weights(weights: ArrayLike, k: int | None = None) -> FloatArray:
    w = np.array(weights, dtype=np.float64).reshape(-1)
    if (k is not None and w.shape != (k,)) or np.any(~np.isfinite(w) | (w < 0)) or w.sum() <= 0:
        raise ConfigError(
            Problem(
                "config.weight",
                f"weights should be {k or 'some'} non-negative numbers with a positive sum, but they are {w.tolist()}",
            )
        )
    out: FloatArray = w / w.sum()
    return out


def _check_criterion(j: int, k: int) -> int:
    if isinstance(j, bool) or not isinstance(j, int | np.integer) or not 0 <= j < k:
        raise ConfigError(
            Problem("config.criterion", f"should be a criterion index from 0 to {k - 1}, but it is {j!r}")
        )
    return int(j)


def _rest_shares(w: FloatArray, j: int) -> FloatArray:
    """The other weights' shares of ``1 - t`` (proportional; equal when ``w_j`` is 1)."""
    rest = w.copy()
    rest[j] = 0.0
    total = rest.sum()
    if total > 0:
        return rest / total
    rest[:] = 1.0 / max(len(w) - 1, 1)
    rest[j] = 0.0
    return rest


def _coefficients(
    v: FloatArray, m: BoolArray | None, w: FloatArray, j: int
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``a, b, c, d`` with score ``(a + b t) / (c + d t)`` along the move of weight ``j``."""
    rest = _rest_shares(w, j)
    if m is None:
        a = v @ rest
        return a, v[:, j] - a, np.ones(len(v)), np.zeros(len(v))
    avail = m.astype(np.float64)
    a = (v * avail) @ rest
    c = avail @ rest
    b = avail[:, j] * v[:, j] - a
    d = avail[:, j] - c
    # Cancel the factor shared by numerator and denominator, so that no false crossing appears at 0 or 1.
    lacks_j = ~m[:, j]
    b[lacks_j] = 0.0
    d[lacks_j] = 0.0
    only_j = m[:, j] & (c <= 0)
    a[only_j], b[only_j], c[only_j], d[only_j] = v[only_j, j], 0.0, 1.0, 0.0
    neither = lacks_j & (c <= 0)
    a[neither], c[neither] = 0.0, 1.0
    flat = d == 0
    a[flat] /= c[flat]
    b[flat] /= c[flat]
    c[flat] = 1.0
    return a, b, c, d


def _pair_roots(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray, rows: slice | None = None
) -> tuple[FloatArray, FloatArray, NDArray[np.int8]]:
    """Where country ``l`` (column) crosses country ``i`` (row, one of ``rows``): roots ``r1 <= r2`` (NaN if none).

    Also the sign of ``s_l - s_i`` before the first root; it flips at each root.
    """
    rows = rows or slice(0, len(a))
    ai, bi, ci, di = a[rows, None], b[rows, None], c[rows, None], d[rows, None]
    diagonal = (np.arange(len(ai)), np.arange(len(a))[rows])
    if not d.any():
        # Linear scores (c = 1, d = 0): one crossing at most, where the slopes differ.
        slope = b[None, :] - bi
        level = a[None, :] - ai
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.where(slope != 0, -level / slope, np.nan)
        sign = np.where(slope != 0, -np.sign(slope), np.sign(level)).astype(np.int8)
        root[diagonal] = np.nan
        sign[diagonal] = 0
        return root, np.full(root.shape, np.nan), sign
    alpha = b[None, :] * di - bi * d[None, :]
    beta = a[None, :] * di + b[None, :] * ci - ai * d[None, :] - bi * c[None, :]
    gamma = a[None, :] * ci - ai * c[None, :]
    quad = alpha != 0
    lin = ~quad & (beta != 0)
    disc = beta * beta - 4.0 * alpha * gamma
    two = quad & (disc > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sq = np.sqrt(np.where(two, disc, 0.0))
        half = -0.5 * (beta + np.copysign(sq, beta))
        ra = half / alpha
        rb = gamma / half
        rl = -gamma / beta
    r1 = np.where(two, np.minimum(ra, rb), np.where(lin, rl, np.nan))
    r2 = np.where(two, np.maximum(ra, rb), np.nan)
    first = np.where(quad, np.sign(alpha), np.where(lin, -np.sign(beta), np.sign(gamma))).astype(np.int8)
    r1[diagonal] = np.nan
    r2[diagonal] = np.nan
    first[diagonal] = 0
    return r1, r2, first


def _intervals(
    v: FloatArray, m: BoolArray | None, w: FloatArray, j: int, rules: tuple[TierRule, ...]
) -> tuple[FloatArray, FloatArray]:
    """Per country, the open interval of ``w_j`` around its current value with an unchanged tier."""
    return _intervals_for(v, m, w, j, (rules,))[0]


def _intervals_for(
    v: FloatArray, m: BoolArray | None, w: FloatArray, j: int, rule_sets: tuple[tuple[TierRule, ...], ...]
) -> list[tuple[FloatArray, FloatArray]]:
    """:func:`_intervals` for several sets of tier rules from one pass over the crossings.

    All crossings of a country (with every other country, and with each
    ``min_score`` of any set) are sorted once; the count of countries above it
    and the threshold states on each side of ``t0`` follow by cumulative sums,
    and each set's tiers are read from them. (Crossings of a threshold a set
    does not use change none of its tiers.)
    """
    base = (v.tobytes(), v.shape, None if m is None else m.tobytes(), w.tobytes(), j)
    progress = _PROGRESS.get()
    if all((*base, rules) in _RECENT for rules in rule_sets):  # one analysis asks for the same crossings twice
        if progress is not None:
            progress(len(rule_sets) * len(v))
        return [(_RECENT[(*base, rules)][0].copy(), _RECENT[(*base, rules)][1].copy()) for rules in rule_sets]
    t0 = float(w[j])
    s0 = weighted_sum_scores(v, w, mask=m)
    ranks = min_ranks(s0)
    current = [assign_tiers(s0, ranks, rules) for rules in rule_sets]
    a, b, c, d = _coefficients(v, m, w, j)
    out = [(np.empty(len(v)), np.empty(len(v))) for _ in rule_sets]
    step = max(1, _CHUNK_CELLS // len(v))  # a block of countries at a time: memory O(n), not O(n^2)
    for start in range(0, len(v), step):
        rows = slice(start, min(start + step, len(v)))
        found = _intervals_of(a, b, c, d, rows, t0, [now[rows] for now in current], rule_sets)
        for (lo, hi), (block_lo, block_hi) in zip(out, found, strict=True):
            lo[rows], hi[rows] = block_lo, block_hi
        if progress is not None:
            progress(len(rule_sets) * (rows.stop - rows.start))
    for rules, (lo, hi) in zip(rule_sets, out, strict=True):
        _RECENT[(*base, rules)] = (lo.copy(), hi.copy())
    while len(_RECENT) > _RECENT_SIZE:
        del _RECENT[next(iter(_RECENT))]
    return out


def _intervals_of(
    a: FloatArray,
    b: FloatArray,
    c: FloatArray,
    d: FloatArray,
    block: slice,
    t0: float,
    current: list[IntArray],
    rule_sets: tuple[tuple[TierRule, ...], ...],
) -> list[tuple[FloatArray, FloatArray]]:
    """:func:`_intervals_for` for the countries of ``block`` (their crossings with every country)."""
    r1, r2, first = _pair_roots(a, b, c, d, block)
    linear = not d.any()  # one root per pair at most: the second column of roots is empty
    n = len(r1)
    # Crossing a root rightwards puts l above i when the sign after it is positive.
    cols = [r1] if linear else [r1, r2]
    deltas = [np.where(first < 0, 1, -1).astype(np.int32)]
    if not linear:
        deltas.append(np.where(first > 0, 1, -1).astype(np.int32))
    thetas = sorted({rule.min_score for rules in rule_sets for rule in rules if rule.min_score is not None})
    met_right, met_left, roots = _threshold_states(a[block], b[block], c[block], d[block], thetas, t0)
    cols += [root[:, None] for root in roots]
    deltas += [np.zeros((n, 1), dtype=np.int32) for _ in roots]
    times = np.concatenate(cols, axis=1) if len(cols) > 1 else r1
    width = times.shape[1]
    key = np.where((times > _END) & (times < 1.0 - _END), times, np.inf)
    flat = np.argsort(key, axis=1) + (np.arange(n) * width)[:, None]
    ts = key.reshape(-1)[flat]
    cum = np.zeros((n, width + 1), dtype=np.int32)
    step = np.concatenate(deltas, axis=1) if len(deltas) > 1 else deltas[0]
    np.cumsum(step.reshape(-1)[flat], axis=1, out=cum[:, 1:])
    rows = np.arange(n)
    p_left = (ts < t0).sum(axis=1)
    p_right = (ts <= t0).sum(axis=1)
    above_right = _above(first, r1, r2, t0, right=True)
    above_left = _above(first, r1, r2, t0, right=False)
    right = np.arange(width)[None, :] >= p_right[:, None]
    left = ~right if np.array_equal(p_left, p_right) else np.arange(width)[None, :] < p_left[:, None]
    above = np.where(
        right,
        (above_right - cum[rows, p_right])[:, None] + cum[:, 1:],
        (above_left - cum[rows, p_left])[:, None] + cum[:, :-1],
    )
    met: list[BoolArray] = []
    if thetas:
        kind = np.full(step.shape, -1, dtype=np.int8)
        kind[:, width - len(thetas) :] = np.arange(len(thetas), dtype=np.int8)
        kind = kind.reshape(-1)[flat]
        for q in range(len(thetas)):
            seen = np.zeros((n, width + 1), dtype=np.int32)
            np.cumsum(kind == q, axis=1, out=seen[:, 1:])
            crossed_right = seen[:, 1:] > seen[rows, p_right][:, None]
            crossed_left = seen[:, :-1] < seen[rows, p_left][:, None]
            met.append(np.where(right, met_right[q][:, None] ^ crossed_right, met_left[q][:, None] ^ crossed_left))
    finite = np.isfinite(ts)
    same_as_next = ts[:, 1:] == ts[:, :-1]
    out = []
    for rules, now in zip(rule_sets, current, strict=True):
        used = [(t, rule.min_score) for t, rule in enumerate(rules) if rule.min_score is not None]
        pick = [thetas.index(theta) for _, theta in used]
        changed = (_tier_of(above, [met[q] for q in pick], used, rules) != now[:, None]) & finite
        up = changed & right
        up[:, :-1] &= ~same_as_next  # the last crossing of a group at one weight
        down = changed & left
        down[:, 1:] &= ~same_as_next  # the first one
        hi = np.where(up.any(axis=1), ts[rows, np.argmax(up, axis=1)], 1.0)
        lo = np.where(down.any(axis=1), ts[rows, width - 1 - np.argmax(down[:, ::-1], axis=1)], 0.0)
        hi[_tier_of(above_right, [met_right[q] for q in pick], used, rules) != now] = t0
        lo[_tier_of(above_left, [met_left[q] for q in pick], used, rules) != now] = t0
        out.append((lo, hi))
    return out


def _above(first: NDArray[np.int8], r1: FloatArray, r2: FloatArray, t0: float, *, right: bool) -> IntArray:
    """Per country of the block, how many countries score above it just right (or left) of ``t0``."""
    odd = (r1 <= t0) if right else (r1 < t0)  # an odd number of roots passed: the sign has flipped
    odd ^= (r2 <= t0) if right else (r2 < t0)
    out: IntArray = np.count_nonzero(np.where(odd, first < 0, first > 0), axis=1)
    return out


def _threshold_states(
    a: FloatArray, b: FloatArray, c: FloatArray, d: FloatArray, thetas: list[float], t0: float
) -> tuple[list[BoolArray], list[BoolArray], list[FloatArray]]:
    """Per ``min_score``: whether each score meets it just right and just left of ``t0``, and where it crosses it."""
    met_right: list[BoolArray] = []
    met_left: list[BoolArray] = []
    roots: list[FloatArray] = []
    for theta in thetas:
        slope = b - theta * d
        level = a - theta * c
        with np.errstate(divide="ignore", invalid="ignore"):
            root = np.where(slope != 0, -level / slope, np.nan)
        sign0 = np.where(slope != 0, -np.sign(slope), np.where(level >= 0, 1, -1))
        met_right.append(sign0 * np.where(root <= t0, -1, 1) > 0)
        met_left.append(sign0 * np.where(root < t0, -1, 1) > 0)
        roots.append(root)
    return met_right, met_left, roots


def _end_changes(
    v: FloatArray, m: BoolArray | None, w: FloatArray, j: int, rules: tuple[TierRule, ...]
) -> tuple[BoolArray, BoolArray]:
    """Whether each country's tier at ``w_j`` = 0 and at 1 differs from its tier now (scores as along the move)."""
    s0 = weighted_sum_scores(v, w, mask=m)
    current = assign_tiers(s0, min_ranks(s0), rules)
    a, b, c, d = _coefficients(v, m, w, j)
    ends = np.stack([a / c, (a + b) / (c + d)])
    changed = assign_tiers(ends, min_ranks(ends), rules) != current[None, :]
    if w[j] <= 0.0:
        changed[0] = False
    if w[j] >= 1.0:
        changed[1] = False
    return changed[0], changed[1]


def _tier_of(
    above: IntArray, met: list[BoolArray], thresholds: list[tuple[int, float]], rules: tuple[TierRule, ...]
) -> IntArray:
    """Tier index from the count of countries above and the threshold states (-1 = none)."""
    tier = np.full(above.shape, -1, dtype=np.int64)
    met_by_rule = {rule_index: met[q] for q, (rule_index, _) in enumerate(thresholds)}
    for t in range(len(rules) - 1, -1, -1):
        rule = rules[t]
        ok = np.ones(above.shape, dtype=bool)
        if rule.top is not None:
            ok &= above <= rule.top - 1
        if rule.min_score is not None:
            ok &= met_by_rule[t]
        tier[ok] = t
    return tier
