"""A weight sweep: every country's rank as one criterion's share of the weight goes from 0 to 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from scorer.analyses.common import find_criterion, weighted_sum_inputs
from scorer.core.aggregation import aggregation_method, weighted_sum
from scorer.core.ranking import min_ranks
from scorer.core.result import ScoreResult
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Aggregation
from scorer.solvers.intervals import move_weight

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def sweep(result: ScoreResult, criterion: str, *, steps: int = 21) -> pd.DataFrame:
    """Every country's rank as ``criterion``'s share of the weight goes from 0 to 1 in ``steps`` steps.

    The other criteria keep their proportions. Rows: countries (indexed by
    id, ranking order) with name and rank at the file's weights; one column
    per share, labelled like ``0.05``. Works for both aggregations.

    >>> from scorer import demo_result
    >>> s = sweep(demo_result(), "engagement", steps=5)
    >>> s.columns.tolist()
    ['name', 'rank', '0', '0.25', '0.5', '0.75', '1']
    >>> s.loc["TZA"].iloc[1:].astype(int).tolist()  # Tanzania: first with no weight on engagement, 100th with all of it
    [10, 1, 5, 15, 60, 100]
    """
    criteria = result.criteria
    cid = find_criterion(criteria, criterion)
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or not 2 <= steps <= 10_001:
        raise ConfigError(
            Problem("config.steps", f"should be an integer from 2 to 10001, but it is {steps!r}", key="steps")
        )
    grid = np.linspace(0.0, 1.0, int(steps))
    ranks = sweep_ranks(result, cid, grid)
    t = result.table
    frame = pd.DataFrame(
        {"name": t["name"].to_numpy(dtype=object), "rank": t["rank"].to_numpy(dtype=np.int64)},
        index=pd.Index(t.index, name="id"),
    )
    columns = pd.DataFrame(ranks.T.astype(np.int64), index=frame.index, columns=[format(float(x), ".6g") for x in grid])
    return pd.concat([frame, columns], axis=1)


def sweep_ranks(result: ScoreResult, criterion: str, shares: ArrayLike) -> IntArray:
    """Ranks of every country (table order) with ``criterion``'s share of the weight at each of ``shares``.

    The one weight sweep: the other criteria keep their proportions
    (:func:`scorer.solvers.intervals.move_weight`); a weighted sum is scored by the
    one kernel for all shares at once, any other aggregation by its
    registered method, share by share; ranks follow :mod:`scorer.core.ranking`.
    Shape ``(len(shares), countries)``.

    >>> from scorer import demo_result
    >>> r = demo_result()
    >>> now = float(r.weights["engagement"])
    >>> bool((sweep_ranks(r, "engagement", [now])[0] == r.table["rank"].to_numpy()).all())
    True
    """
    criteria = result.criteria
    ids = list(criteria.criteria)
    index = result.table.index
    mask = result.criterion_mask.loc[index, ids].to_numpy(dtype=bool)
    values = np.where(mask, result.criterion_scores.loc[index, ids].to_numpy(dtype=float), 0.0)
    weights = result.weights[ids].to_numpy(dtype=float)
    moved = move_weight(weights, ids.index(criterion), np.asarray(shares, dtype=float))
    if criteria.aggregation is Aggregation.arithmetic:
        weighted_sum_inputs(result, "a weight sweep")
        scores = weighted_sum(values, moved, mask)
        scores = np.where(np.any(mask, axis=1), scores, np.nan)
    else:
        method = aggregation_method(criteria.aggregation.value)
        scores = np.stack([method.combine(values, w, mask).scores for w in moved])
    return min_ranks(np.nan_to_num(scores, nan=-np.inf))
