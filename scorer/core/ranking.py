"""Ranking and tiers: from scores to ranks (ties share) and decision tiers, the one place both are defined.

- Ranks: 1 = best; scores equal to ``TIE_DECIMALS`` decimals share the lower
  (better) rank ("min" method), so countries with identical rows always tie.
- Tiers: best first; a country is in the first tier whose rule it meets (rank
  ``<= top`` and rounded score ``>= min_score``, each when given; neither =
  catch-all).

The array functions (:func:`min_ranks`, :func:`tier_indices`) work along the
last axis, so the analyses rank thousands of weightings at once; the Series
functions (:func:`rank_scores`, :func:`assign_tiers`) are the same rules for
the ranking table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol, cast

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Criteria, Tier

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

TIE_DECIMALS = 12


class TierRule(NamedTuple):
    """A tier rule: rank ``<= top`` and score ``>= min_score`` (each when given)."""

    name: str
    top: int | None = None
    min_score: float | None = None


class TierLike(Protocol):
    """Anything with ``name``, ``top`` and ``min_score`` (e.g. ``scorer.model.criteria.Tier``)."""

    @property
    def name(self) -> str: ...

    @property
    def top(self) -> int | None: ...

    @property
    def min_score(self) -> float | None: ...


TierInput = TierLike | tuple[str, int | None, float | None]


def tier_rules(tiers: Iterable[TierInput] | None) -> tuple[TierRule, ...]:
    """Tiers as :class:`TierRule` tuples, checked (unique names, catch-all last).

    >>> tier_rules([("join", 15, None), ("consider", None, 0.5), ("rest", None, None)])[1]
    TierRule(name='consider', top=None, min_score=0.5)
    """
    if tiers is None:
        return ()
    rules: list[TierRule] = []
    for t in tiers:
        if isinstance(t, tuple):
            name, top, min_score = t
        else:
            name, top, min_score = t.name, t.top, t.min_score
        rules.append(
            TierRule(str(name), None if top is None else int(top), None if min_score is None else float(min_score))
        )
    problems: list[Problem] = []
    for i, r in enumerate(rules):
        key = f"tiers.{i}"
        if [x.name for x in rules].count(r.name) > 1:
            problems.append(Problem("config.invalid", f"tier name should be unique, but {r.name!r} repeats", key=key))
        if r.top is not None and r.top < 1:
            problems.append(Problem("config.invalid", f"top should be >= 1, but it is {r.top}", key=key))
        if r.min_score is not None and not np.isfinite(r.min_score):
            problems.append(
                Problem("config.invalid", f"min_score should be a number, but it is {r.min_score}", key=key)
            )
        if r.top is None and r.min_score is None and i != len(rules) - 1:
            problems.append(
                Problem(
                    "config.invalid",
                    f"only the last tier may have neither top nor min_score, but tier {r.name!r} is not last",
                    key=key,
                )
            )
    if problems:
        raise ConfigError(problems)
    return tuple(rules)


def min_ranks(scores: ArrayLike) -> IntArray:
    """Ranks along the last axis: 1 = best, equal scores (to ``TIE_DECIMALS``) share the lower rank.

    >>> min_ranks([0.5, 0.9, 0.5, 0.1]).tolist()
    [2, 1, 2, 4]
    """
    q = _round(np.asarray(scores, dtype=np.float64))
    order = np.argsort(-q, axis=-1, kind="stable")
    ordered = np.take_along_axis(q, order, axis=-1)
    pos = np.broadcast_to(np.arange(q.shape[-1]), q.shape)
    new = np.ones(q.shape, dtype=bool)
    new[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    ranks = np.empty(q.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=-1)
    return ranks


def tier_indices(scores: ArrayLike, ranks: ArrayLike, tiers: Iterable[TierInput]) -> IntArray:
    """Index of each country's tier (first rule met), -1 where none is met.

    >>> s = np.array([0.9, 0.4, 0.1])
    >>> tier_indices(s, min_ranks(s), [("join", 1, None), ("consider", None, 0.3), ("rest", None, None)]).tolist()
    [0, 1, 2]
    """
    rules = tier_rules(tiers)
    s = _round(np.asarray(scores, dtype=np.float64))
    r = np.asarray(ranks)
    out = np.full(s.shape, -1, dtype=np.int64)
    for t in range(len(rules) - 1, -1, -1):
        out[_meets(rules[t], s, r)] = t
    return out


def _round(x: FloatArray) -> FloatArray:
    """Scores as :mod:`scorer.core.ranking` compares them (rounded to ``TIE_DECIMALS``)."""
    return cast(FloatArray, np.round(x, TIE_DECIMALS))


def _meets(rule: TierRule, rounded: FloatArray, ranks: NDArray[np.int64]) -> BoolArray:
    met = np.ones(rounded.shape, dtype=bool)
    if rule.top is not None:
        met &= ranks <= rule.top
    if rule.min_score is not None:
        met &= rounded >= rule.min_score
    return met


def rank_scores(scores: pd.Series) -> pd.Series:
    """Competition ranks, 1 = best; equal scores (to 12 decimals) share the lower rank.

    >>> rank_scores(pd.Series([0.5, 0.9, 0.5], index=list("abc"))).tolist()
    [2, 1, 2]
    """
    return pd.Series(min_ranks(scores.to_numpy(dtype=np.float64)), index=scores.index, dtype="int64")


def ranking_order(scores: pd.Series, ids: pd.Series | pd.Index) -> NDArray[np.intp]:
    """Row order for output: best score first, ties by id, so output is deterministic."""
    frame = pd.DataFrame({"s": -scores.round(TIE_DECIMALS).to_numpy(), "id": np.asarray(ids, dtype=object)})
    return np.lexsort((frame["id"].to_numpy(), frame["s"].to_numpy()))


def assign_tiers(scores: pd.Series, ranks: pd.Series, tiers: Sequence[Tier]) -> pd.Series:
    """The first tier whose rule each country meets (tiers are best first; the last one if none).

    >>> t = [Tier(name="join", top=1), Tier(name="consider", min_score=0.3), Tier(name="rest")]
    >>> s = pd.Series([0.9, 0.4, 0.1]); assign_tiers(s, rank_scores(s), t).tolist()
    ['join', 'consider', 'rest']
    """
    index = tier_indices(scores.to_numpy(dtype=np.float64), ranks.to_numpy(), tiers)
    names = np.array([t.name for t in tiers], dtype=object)
    return pd.Series(names[np.where(index >= 0, index, len(tiers) - 1)], index=scores.index, dtype=object)


def default_top_k(criteria: Criteria) -> int:
    """K for "the top K": the size of the first tier when it is set by rank, else 15.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> default_top_k(load_criteria(default_criteria_path()))
    15
    """
    first = criteria.tiers[0]
    return first.top if first.top is not None else 15
