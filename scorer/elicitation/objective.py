"""Objective weights from the data: entropy, CRITIC and standard deviation.

These describe the data, not anyone's priorities: a criterion on which the
countries differ a lot gets a large weight, whatever its importance to WIPO.
They are offered because users ask for them and because they show which
criteria actually separate the countries; every result says so
(``describes_data``). The input is the decision matrix the ranking uses: one
row per country, one column per criterion (criterion scores from 0 to 1).
Rows with a blank criterion are left out (their number is reported).

- entropy (Shannon; Zeleny 1982, Hwang & Yoon 1981): ``p_ij = x_ij / sum_i x_ij``,
  ``E_j = -sum_i p_ij ln p_ij / ln m`` (``0 ln 0 = 0``), ``w_j`` proportional to
  ``1 - E_j``; a criterion with equal values everywhere gets 0;
- CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): columns min-max scaled,
  ``C_j = sigma_j * sum_k (1 - r_jk)`` with ``r`` Pearson's correlation, ``w_j``
  proportional to ``C_j``; a constant column gets 0;
- standard deviation: ``w_j`` proportional to ``sigma_j`` of the columns as given.

Standard deviations use ``ddof=0``; the choice cancels out in the normalised weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from scorer.elicitation.base import FloatArray, WeightResult, check_ids, normalise_weights
from scorer.errors import ConfigError, Problem

ObjectiveMethod = Literal["entropy", "critic", "stdev"]
OBJECTIVE_METHODS: tuple[str, ...] = ("entropy", "critic", "stdev")
CAVEAT = "these weights describe how the countries' data vary, not what matters to anyone"


def entropy_weights_of(x: FloatArray) -> FloatArray:
    """Entropy weights of a complete non-negative matrix (rows: countries).

    >>> entropy_weights_of(np.array([[1.0, 1.0], [0.0, 1.0]])).tolist()
    [1.0, 0.0]
    """
    m = x.shape[0]
    totals = x.sum(axis=0)
    p = np.divide(x, totals, out=np.zeros_like(x), where=totals > 0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    d = np.where(totals > 0, 1.0 - e, 0.0)
    return _proportional(np.where(d > 1e-12, d, 0.0), "entropy")


def critic_weights_of(x: FloatArray) -> FloatArray:
    """CRITIC weights of a complete matrix.

    >>> critic_weights_of(np.array([[0.0, 0.0], [0.5, 1.0], [1.0, 0.5]])).round(4).tolist()
    [0.5, 0.5]
    """
    lo, hi = x.min(axis=0), x.max(axis=0)
    span = hi - lo
    z = np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)
    sigma = z.std(axis=0)
    live = sigma > 0
    r = np.zeros((x.shape[1], x.shape[1]))
    if live.sum() > 1:
        r[np.ix_(live, live)] = np.corrcoef(z[:, live], rowvar=False)
    elif live.sum() == 1:
        r[np.ix_(live, live)] = 1.0
    conflict = (1.0 - r).sum(axis=1)
    return _proportional(np.where(live, sigma * conflict, 0.0), "CRITIC")


def stdev_weights_of(x: FloatArray) -> FloatArray:
    """Standard-deviation weights of a complete matrix.

    >>> stdev_weights_of(np.array([[0.0, 0.0], [1.0, 0.5]])).round(4).tolist()
    [0.6667, 0.3333]
    """
    return _proportional(x.std(axis=0), "standard-deviation")


def _proportional(values: FloatArray, name: str) -> FloatArray:
    if not np.any(values > 0):
        raise ConfigError(
            Problem(
                "config.objective",
                f"{name} weights need criteria whose values differ between countries, but every criterion is constant",
                key="method",
            )
        )
    return normalise_weights(values)


def objective_weights(criteria: Sequence[str], values: ArrayLike, method: ObjectiveMethod) -> WeightResult:
    """Objective weights of the decision matrix ``values`` (countries x criteria, NaN = blank).

    >>> r = objective_weights(["a", "b"], [[0.0, 0.0], [1.0, 0.5]], "stdev")
    >>> r.as_dict(), r.describes_data
    ({'a': 0.6666666666666666, 'b': 0.3333333333333333}, True)
    """
    ids = check_ids(criteria)
    if method not in OBJECTIVE_METHODS:
        raise ConfigError(
            Problem(
                "config.method", f"should be one of {', '.join(OBJECTIVE_METHODS)}, but it is {method!r}", key="method"
            )
        )
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(ids):
        raise ConfigError(
            Problem(
                "config.objective", f"the data should have {len(ids)} columns, but its shape is {x.shape}", key="values"
            )
        )
    complete = ~np.isnan(x).any(axis=1)
    x = x[complete]
    if len(x) < 2:
        raise ConfigError(
            Problem(
                "config.objective",
                f"should have at least 2 countries with every criterion, but it has {len(x)}",
                key="values",
            )
        )
    if method == "entropy" and np.any(x < 0):
        raise ConfigError(
            Problem("config.objective", "entropy weights need values >= 0, but some are negative", key="values")
        )
    w = {"entropy": entropy_weights_of, "critic": critic_weights_of, "stdev": stdev_weights_of}[method](x)
    names = {"entropy": "entropy", "critic": "CRITIC", "stdev": "standard deviation"}
    left_out = int((~complete).sum())
    description = (
        f"{names[method]} weights of the criterion scores of {len(x)} countries"
        + (f" ({left_out} with a blank criterion left out)" if left_out else "")
        + f": {CAVEAT}"
    )
    return WeightResult(
        method,
        ids,
        w,
        description,
        describes_data=True,
        details={"countries": len(x), "left_out": left_out, "caveat": CAVEAT},
    )
