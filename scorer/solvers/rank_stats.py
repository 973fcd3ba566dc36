"""Rank statistics from rank counts: the one place P(top K), the mean, median and 5th/95th percentile ranks are read.

Both analyses that sample rankings count, per country, how many draws put it at
each rank (SMAA in :mod:`scorer.solvers.rank_counts`, the method-uncertainty
runs in :mod:`scorer.uncertainty.analysis`) and read their statistics here, so
the two say the same thing about the same counts. The percentiles are numpy's
``inverted_cdf`` ones: the smallest rank reached by at least that share of the
draws, computed in integers (no rounding at the boundaries).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]


class RankStatistics(NamedTuple):
    """Per country (row of the counts): the cumulative counts and what is read from them, in draws or ranks."""

    cumulative: IntArray
    """``cumulative[i, r]``: draws in which country ``i`` is ranked ``r + 1`` or better."""
    in_top: IntArray
    """Draws in which the country is in the top K."""
    rank_sum: IntArray
    """The sum of its ranks over the draws (the mean rank is ``rank_sum / draws``)."""
    median: IntArray
    p05: IntArray
    p95: IntArray


def rank_statistics(counts: NDArray[Any], *, draws: int, top_k: int) -> RankStatistics:
    """Statistics of rank counts: ``counts[i, r]`` draws put country ``i`` at rank ``r + 1`` (rows sum to ``draws``).

    >>> s = rank_statistics(np.array([[6, 3, 1], [3, 4, 3], [1, 3, 6]]), draws=10, top_k=1)
    >>> s.in_top.tolist(), s.rank_sum.tolist(), s.median.tolist(), s.p05.tolist(), s.p95.tolist()
    ([6, 3, 1], [15, 20, 25], [1, 2, 3], [1, 1, 1], [3, 3, 3])
    """
    block = counts.astype(np.int64, copy=False)
    cum = np.cumsum(block, axis=1)
    return RankStatistics(
        cumulative=cum,
        in_top=cum[:, top_k - 1],
        rank_sum=block @ np.arange(1, block.shape[1] + 1),
        median=1 + np.argmax(cum * 2 >= draws, axis=1),
        p05=1 + np.argmax(cum * 100 >= 5 * draws, axis=1),
        p95=1 + np.argmax(cum * 100 >= 95 * draws, axis=1),
    )
