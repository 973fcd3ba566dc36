"""Missing-data policies: fill an indicator's blank cells, saying how.

Imputation works on raw values (ordinal levels already mapped to their
values, booleans to 0/1) over eligible countries only. ``reweight`` leaves the
cell missing: the aggregation then drops it for that country and renormalises
the remaining weights of its criterion.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from scorer.criteria import Direction, Indicator, MissingPolicy

FloatArray = NDArray[np.float64]


def impute(
    x: FloatArray, indicator: Indicator, *, groups: NDArray[np.object_] | None = None
) -> tuple[FloatArray, list[str]]:
    """Fill NaNs by the indicator's policy; return values and, per cell, how.

    ``how`` is empty for observed cells and a short phrase for imputed ones.

    >>> from scorer.criteria import Indicator
    >>> v, how = impute(np.array([1.0, np.nan, 3.0]), Indicator(column="c", missing="mean"))
    >>> v.tolist(), how[1]
    ([1.0, 2.0, 3.0], 'mean of 2 observed values')
    """
    out = x.copy()
    how = [""] * len(x)
    gaps = np.flatnonzero(np.isnan(x))
    if gaps.size == 0:
        return out, how
    observed = x[~np.isnan(x)]
    policy = indicator.missing
    if policy is MissingPolicy.reweight:
        for i in gaps:
            how[i] = "left out; weights of the criterion's other indicators renormalised"
        return out, how
    if policy is MissingPolicy.error:
        return out, how
    if observed.size == 0 and policy is not MissingPolicy.zero:
        for i in gaps:
            how[i] = "no observed value to impute from; left out"
        return out, how
    if policy is MissingPolicy.zero:
        fill, text = 0.0, "set to 0 (a true zero)"
    elif policy is MissingPolicy.worst:
        lower = indicator.direction is Direction.lower
        fill = float(observed.max() if lower else observed.min())
        text = "set to the worst observed value"
    elif policy is MissingPolicy.mean:
        fill, text = float(observed.mean()), f"mean of {observed.size} observed values"
    elif policy is MissingPolicy.median:
        fill, text = float(np.median(observed)), f"median of {observed.size} observed values"
    else:
        assert groups is not None
        for i in gaps:
            same = (groups == groups[i]) & ~np.isnan(x)
            if groups[i] and same.any():
                out[i] = float(x[same].mean())
                how[i] = f"mean of {int(same.sum())} observed values in {indicator.missing_group} = {groups[i]}"
            else:
                out[i] = float(observed.mean())
                how[i] = (
                    f"mean of all {observed.size} observed values (no value in its {indicator.missing_group} group)"
                )
        return out, how
    out[gaps] = fill
    for i in gaps:
        how[i] = text
    return out, how
