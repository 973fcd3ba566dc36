"""Normalisation: map an indicator's raw values onto a common scale.

Each function takes a float array (NaN = missing, ignored by the statistics)
and returns an array of the same shape; higher always means better after
:func:`normalise` applies the direction. Plain functions, no validation: the
criteria model has already checked the parameters.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scorer.criteria import Direction, Indicator, Normalisation

FloatArray = NDArray[np.float64]


def minmax(x: FloatArray) -> FloatArray:
    """(x - min) / (max - min); a constant column maps to 0.5 (no information).

    >>> minmax(np.array([2.0, 4.0, 6.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    if np.isnan(x).all():
        return x.copy()
    lo, hi = np.nanmin(x), np.nanmax(x)
    if not np.isfinite(hi - lo) or hi == lo:
        return np.where(np.isnan(x), np.nan, 0.5)
    return (x - lo) / (hi - lo)


def goalposts(x: FloatArray, worst: float, best: float) -> FloatArray:
    """Position between fixed goalposts, clipped to [0, 1]; worst may exceed best.

    >>> goalposts(np.array([0.0, 50.0, 150.0]), 0, 100).tolist()
    [0.0, 0.5, 1.0]
    """
    return np.clip((x - worst) / (best - worst), 0.0, 1.0)


def zscore(x: FloatArray) -> FloatArray:
    """(x - mean) / sample standard deviation; unbounded; constant -> 0.

    >>> zscore(np.array([1.0, 2.0, 3.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    observed = x[~np.isnan(x)]
    sd = float(np.std(observed, ddof=1)) if observed.size > 1 else 0.0
    if sd == 0.0:
        return np.where(np.isnan(x), np.nan, 0.0)
    return (x - float(np.mean(observed))) / sd


def percentile(x: FloatArray) -> FloatArray:
    """Percentile rank in [0, 1]: (average rank - 1) / (n - 1).

    >>> percentile(np.array([10.0, 30.0, 20.0, 20.0])).tolist()
    [0.0, 1.0, 0.5, 0.5]
    """
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    values = x[ok]
    n = values.size
    if n == 0:
        return out
    if n == 1:
        out[ok] = 0.5
        return out
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    ranks = np.empty(n)
    ranks[order] = np.arange(1, n + 1, dtype=float)
    # average ranks over ties
    uniq, inverse = np.unique(sorted_values, return_inverse=True)
    sums = np.bincount(inverse, weights=np.arange(1, n + 1, dtype=float))
    counts = np.bincount(inverse)
    avg = sums / counts
    ranks[order] = avg[inverse]
    out[ok] = (ranks - 1.0) / (n - 1.0)
    del uniq
    return out


def log_minmax(x: FloatArray) -> FloatArray:
    """Min-max of log(1 + x), for skewed non-negative quantities.

    >>> np.round(log_minmax(np.array([0.0, 9.0, 99.0])), 3).tolist()
    [0.0, 0.5, 1.0]
    """
    return minmax(np.log1p(x))


def rescale_levels(x: FloatArray, levels: dict[str, float]) -> FloatArray:
    """Ordinal level values rescaled so the lowest level is 0 and the highest 1.

    >>> rescale_levels(np.array([0.0, 2.0, 4.0]), {"a": 0, "b": 2, "c": 4}).tolist()
    [0.0, 0.5, 1.0]
    """
    lo, hi = min(levels.values()), max(levels.values())
    return (x - lo) / (hi - lo)


def normalise(x: FloatArray, indicator: Indicator) -> FloatArray:
    """Normalise raw values by the indicator's method, then apply its direction.

    For bounded methods a lower-is-better indicator becomes ``1 - v``; for
    z-scores it becomes ``-v``; goalposts swap their ends.
    """
    method = indicator.normalisation
    lower = indicator.direction is Direction.lower
    if method is Normalisation.goalposts:
        assert indicator.bounds is not None
        low, high = indicator.bounds
        return goalposts(x, high, low) if lower else goalposts(x, low, high)
    if method is Normalisation.zscore:
        z = zscore(x)
        return -z if lower else z
    if method is Normalisation.minmax:
        v = minmax(x)
    elif method is Normalisation.percentile:
        v = percentile(x)
    elif method is Normalisation.log_minmax:
        v = log_minmax(x)
    elif method is Normalisation.boolean:
        v = x.astype(float)
    else:
        assert indicator.levels is not None
        v = rescale_levels(x, indicator.levels)
    return 1.0 - v if lower else v


def describe(indicator: Indicator) -> str:
    """One plain-language sentence on how the indicator is normalised."""
    lower = indicator.direction is Direction.lower
    better = "lower values are better" if lower else "higher values are better"
    method = indicator.normalisation
    if method is Normalisation.minmax:
        text = "rescaled so the lowest value among eligible countries is 0 and the highest is 1"
    elif method is Normalisation.goalposts:
        assert indicator.bounds is not None
        low, high = indicator.bounds
        ends = (high, low) if lower else (low, high)
        text = f"placed between fixed goalposts {ends[0]:g} (scores 0) and {ends[1]:g} (scores 1), clipped"
    elif method is Normalisation.zscore:
        text = "standardised (value minus the mean, divided by the standard deviation)"
    elif method is Normalisation.percentile:
        text = "replaced by its percentile rank among eligible countries (0 to 1)"
    elif method is Normalisation.log_minmax:
        text = "log-transformed (log(1 + x)) then rescaled from 0 (lowest) to 1 (highest)"
    elif method is Normalisation.boolean:
        text = "read as yes = 1, no = 0"
    else:
        assert indicator.levels is not None
        text = "mapped from its levels (" + ", ".join(f"{k} = {v:g}" for k, v in indicator.levels.items()) + ") to 0-1"
    return f"{text}; {better}"
