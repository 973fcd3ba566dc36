"""A weight sweep: every country's rank as one criterion's share of the weight goes from 0 to 1."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.aggregation import weighted_geometric
from scorer.analyses.common import (
    find_criterion,
    weighted_sum_inputs,
)
from scorer.criteria import Aggregation
from scorer.errors import ConfigError, Problem
from scorer.ranking import rank_scores
from scorer.result import ScoreResult
from scorer.stability import (
    move_weight,
    weight_sweep,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[int, int], None]


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
    ids = list(criteria.criteria)
    j = ids.index(cid)
    t = result.table
    index = t.index
    mask = result.criterion_mask.loc[index, ids].to_numpy(dtype=bool)
    values = np.where(mask, result.criterion_scores.loc[index, ids].to_numpy(dtype=float), 0.0)
    weights = result.weights[ids].to_numpy(dtype=float)
    grid = np.linspace(0.0, 1.0, int(steps))
    if criteria.aggregation is Aggregation.arithmetic:
        weighted_sum_inputs(result, "a weight sweep")
        ranks = weight_sweep(values, weights, j, grid=grid, mask=None if mask.all() else mask)
    else:
        rows = []
        for w in move_weight(weights, j, grid):
            s = weighted_geometric(values, w, mask)
            rows.append(rank_scores(pd.Series(np.nan_to_num(s, nan=-np.inf))).to_numpy())
        ranks = np.array(rows)
    frame = pd.DataFrame(
        {"name": t["name"].to_numpy(dtype=object), "rank": t["rank"].to_numpy(dtype=np.int64)},
        index=pd.Index(index, name="id"),
    )
    columns = pd.DataFrame(ranks.T.astype(np.int64), index=frame.index, columns=[format(float(x), ".6g") for x in grid])
    return pd.concat([frame, columns], axis=1)
