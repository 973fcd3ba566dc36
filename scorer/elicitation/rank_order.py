"""Weights from a ranking of the criteria only: rank-order centroid, rank-sum and rank-reciprocal.

With ``n`` criteria ranked ``r = 1`` (most important) to ``n``:

- rank-order centroid (ROC; Barron & Barrett 1996): ``w_r = (1/n) * sum(1/k for k in r..n)``,
  the centroid of the region ``w_1 >= w_2 >= ... >= w_n`` of the weight simplex,
  i.e. the mean of every weighting that respects the order;
- rank sum (RS): ``w_r = 2 (n + 1 - r) / (n (n + 1))``;
- rank reciprocal (RR): ``w_r = (1/r) / sum(1/k for k in 1..n)``.

Tied criteria share the mean of the weights of the positions they occupy. The
order itself is returned too (``order``): as the criteria file's
``weight_order`` it lets ``sensitivity`` sample every weighting that respects
it instead of trusting one formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from scorer.elicitation.base import FloatArray, WeightResult, check_ids, normalise_weights
from scorer.errors import ConfigError, Problem
from scorer.render.formatting import plain_number

RankMethod = Literal["roc", "rank-sum", "rank-reciprocal"]
RANK_METHODS: tuple[str, ...] = ("roc", "rank-sum", "rank-reciprocal")
_NAMES = {"roc": "rank-order centroid", "rank-sum": "rank sum", "rank-reciprocal": "rank reciprocal"}


def position_weights(n: int, method: RankMethod = "roc") -> FloatArray:
    """Weights of positions 1..n (no ties), most important first.

    >>> position_weights(3).round(4).tolist(), position_weights(3, "rank-sum").round(4).tolist()
    ([0.6111, 0.2778, 0.1111], [0.5, 0.3333, 0.1667])
    >>> position_weights(3, "rank-reciprocal").round(4).tolist()
    [0.5455, 0.2727, 0.1818]
    """
    r = np.arange(1, n + 1, dtype=np.float64)
    if method == "roc":
        tail = np.cumsum((1.0 / r)[::-1])[::-1]
        return normalise_weights(tail / n)
    if method == "rank-sum":
        return normalise_weights(2 * (n + 1 - r) / (n * (n + 1)))
    if method == "rank-reciprocal":
        return normalise_weights(1.0 / r)
    raise ConfigError(
        Problem("config.method", f"should be one of {', '.join(RANK_METHODS)}, but it is {method!r}", key="method")
    )


def check_ranks(criteria: Sequence[str], ranks: Mapping[str, float]) -> dict[str, int]:
    """Ranks as whole numbers from 1, each criterion ranked; ties allowed (``1, 2, 2, 4`` or ``1, 2, 2, 3``)."""
    ids = check_ids(criteria)
    problems = []
    out: dict[str, int] = {}
    for cid in ids:
        value = ranks.get(cid)
        key = f"rank.{cid}"
        if value is None or isinstance(value, bool):
            problems.append(
                Problem("config.rank", f"should be a rank from 1 to {len(ids)}, but it is {value!r}", key=key)
            )
            continue
        number = float(value)
        if not np.isfinite(number) or number != round(number) or not 1 <= number <= len(ids):
            problems.append(
                Problem(
                    "config.rank",
                    f"should be a whole number from 1 to {len(ids)}, but it is {plain_number(number)}",
                    key=key,
                )
            )
        else:
            out[cid] = int(number)
    if problems:
        raise ConfigError(problems)
    return out


def rank_weights(
    criteria: Sequence[str], ranks: Mapping[str, float], *, method: RankMethod = "roc", who: str | None = None
) -> WeightResult:
    """Weights from ranks (1 = most important), with the order for ``weight_order``.

    >>> r = rank_weights(["a", "b", "c"], {"a": 2, "b": 1, "c": 3})
    >>> {k: round(v, 4) for k, v in r.as_dict().items()}, r.order
    ({'a': 0.2778, 'b': 0.6111, 'c': 0.1111}, ('b', 'a', 'c'))
    >>> rank_weights(["a", "b", "c"], {"a": 1, "b": 1, "c": 3}).weights.round(4).tolist()
    [0.4444, 0.4444, 0.1111]
    """
    ids = check_ids(criteria)
    r = check_ranks(ids, ranks)
    positions = position_weights(len(ids), method)
    order = sorted(ids, key=lambda c: (r[c], ids.index(c)))
    w = np.empty(len(ids))
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and r[order[end + 1]] == r[order[start]]:
            end += 1
        share = positions[start : end + 1].mean()
        for cid in order[start : end + 1]:
            w[ids.index(cid)] = share
        start = end + 1
    ranking = " > ".join(order)
    description = (
        f"{_NAMES[method]} weights{f' of {who}' if who else ''} from the ranking {ranking} "
        "(ties share their positions' weights); the order alone can be kept as weight_order for sensitivity"
    )
    return WeightResult(
        method, ids, normalise_weights(w), description, order=tuple(order), details={"ranks": {c: r[c] for c in ids}}
    )
