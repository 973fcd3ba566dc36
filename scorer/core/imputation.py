"""Missing-data policies: fill an indicator's blank cells, saying how.

Imputation works on raw values (ordinal levels already mapped to their
values, booleans to 0/1) over eligible countries only. ``reweight`` leaves the
cell missing: the aggregation then drops it for that country and renormalises
the remaining weights of its criterion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.core.normalisation import method_of
from scorer.model.criteria import Direction, Indicator, MissingPolicy
from scorer.prepare.cells import as_typed, clean_text, is_missing
from scorer.prepare.columns import ColumnPlan

FloatArray = NDArray[np.float64]


def impute(
    x: FloatArray, indicator: Indicator, *, groups: NDArray[np.object_] | None = None
) -> tuple[FloatArray, list[str]]:
    """Fill NaNs by the indicator's policy; return values and, per cell, how.

    ``how`` is empty for observed cells and a short phrase for imputed ones.

    >>> from scorer.model.criteria import Indicator
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
    scale_has_worst = policy is MissingPolicy.worst and method_of(indicator).worst_possible(indicator) is not None
    if observed.size == 0 and policy is not MissingPolicy.zero and not scale_has_worst:
        for i in gaps:
            how[i] = "no observed value to impute from; left out"
        return out, how
    if policy is MissingPolicy.zero:
        fill, text = 0.0, "set to 0 (a true zero)"
    elif policy is MissingPolicy.worst:
        fill, text = _worst(observed, indicator)
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


def _worst(observed: FloatArray, indicator: Indicator) -> tuple[float, str]:
    """The fill for ``missing: worst``: the scale's worst value where it has one, else the worst observed.

    >>> from scorer.model.criteria import Indicator
    >>> levels = {"none": 0, "expressed": 1, "included": 4}
    >>> _worst(np.array([4.0]), Indicator(column="c", normalisation="ordinal", levels=levels))
    (0.0, "set to the scale's worst value (none)")
    >>> _worst(np.array([2.0, 5.0]), Indicator(column="c"))
    (2.0, 'set to the worst observed value')
    """
    possible = method_of(indicator).worst_possible(indicator)
    if possible is not None:
        return possible[0], f"set to the scale's worst value ({possible[1]})"
    lower = indicator.direction is Direction.lower
    return float(observed.max() if lower else observed.min()), "set to the worst observed value"


def impute_cells(
    raw: np.ndarray,
    not_applicable: np.ndarray,
    items: list[tuple[str, str, Indicator]],
    plan: ColumnPlan,
    df: pd.DataFrame,
    *,
    ids: list[str],
    names: list[str],
    rows: np.ndarray,
) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Fill eligible countries' blanks by each indicator's policy; one record per filled cell.

    ``raw``, ``not_applicable`` and ``df`` hold the eligible rows only. ``raw`` is never
    written: the filled values are a copy in its layout, or ``raw`` itself when no cell is blank.
    """
    out: np.ndarray | None = None
    imputations: list[dict[str, object]] = []
    for j, (_cid, iid, ind) in enumerate(items):
        blanks = np.flatnonzero(np.isnan(raw[:, j]))
        if not len(blanks):  # nothing to fill (a not-applicable cell is blank too)
            continue
        column = plan.columns[iid]
        group = None
        if ind.missing is MissingPolicy.group_mean:
            assert ind.missing_group is not None
            group = np.array([clean_text(v) if not is_missing(v) else "" for v in df[ind.missing_group]], dtype=object)
        column_values, how = impute(raw[:, j], ind, groups=group)
        na_cells = not_applicable[:, j]
        policies: dict[int, str] = {}
        if ind.not_applicable is not None and na_cells.any():
            na_ind = ind.model_copy(update={"missing": ind.not_applicable.policy})
            na_values, na_how = impute(raw[:, j], na_ind, groups=group)
            column_values = np.where(na_cells, na_values, column_values)
            for i in map(int, np.flatnonzero(na_cells)):
                how[i] = "not applicable: " + na_how[i]
                policies[i] = ind.not_applicable.policy.value
        originals = df[column].to_numpy(dtype=object)
        for i in map(int, blanks):
            imputations.append(
                {
                    "id": ids[i],
                    "name": names[i],
                    "row": int(rows[i]),
                    "indicator": iid,
                    "column": column,
                    "original": as_typed(originals[i]),
                    "policy": policies.get(i, ind.missing.value),
                    "value": column_values[i],
                    "how": how[i],
                }
            )
        if out is None:
            out = raw.copy(order="K")  # keeps raw's layout (column-major from the reader)
        out[:, j] = column_values
    return (raw if out is None else out), imputations
