"""Ranking and tiers: from scores to ranks (ties share) and decision tiers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.criteria import Tier

TIE_DECIMALS = 12


def rank_scores(scores: pd.Series) -> pd.Series:
    """Competition ranks, 1 = best; equal scores (to 12 decimals) share the lower rank.

    >>> rank_scores(pd.Series([0.5, 0.9, 0.5], index=list("abc"))).tolist()
    [2, 1, 2]
    """
    rounded = scores.round(TIE_DECIMALS)
    return rounded.rank(method="min", ascending=False).astype("int64")


def ranking_order(scores: pd.Series, ids: pd.Series | pd.Index) -> NDArray[np.intp]:
    """Row order for output: best score first, ties by id, so output is deterministic."""
    frame = pd.DataFrame({"s": -scores.round(TIE_DECIMALS).to_numpy(), "id": np.asarray(ids, dtype=object)})
    return np.lexsort((frame["id"].to_numpy(), frame["s"].to_numpy()))


def assign_tiers(scores: pd.Series, ranks: pd.Series, tiers: Sequence[Tier]) -> pd.Series:
    """The first tier whose rule each country meets (tiers are best first).

    >>> t = [Tier(name="join", top=1), Tier(name="consider", min_score=0.3), Tier(name="rest")]
    >>> s = pd.Series([0.9, 0.4, 0.1]); assign_tiers(s, rank_scores(s), t).tolist()
    ['join', 'consider', 'rest']
    """
    out = pd.Series([tiers[-1].name] * len(scores), index=scores.index, dtype=object)
    assigned = np.zeros(len(scores), dtype=bool)
    for tier in tiers:
        if tier.top is not None:
            meets = (ranks <= tier.top).to_numpy()
        elif tier.min_score is not None:
            meets = (scores.round(TIE_DECIMALS) >= tier.min_score).to_numpy()
        else:
            meets = np.ones(len(scores), dtype=bool)
        new = meets & ~assigned
        out[new] = tier.name
        assigned |= new
    return out
