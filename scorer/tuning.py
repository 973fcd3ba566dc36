"""Tuning the weights: how robust the ranking is, what would change it, which weights fit past decisions.

The numerical cores (:mod:`scorer.sampling`, :mod:`scorer.sensitivity`,
:mod:`scorer.stability`, :mod:`scorer.fitting`) work on plain arrays. This
module wires a :class:`~scorer.result.ScoreResult` and its criteria to them
and returns DataFrames indexed by country id, with the answers in words for a
committee:

- :func:`sensitivity`: SMAA over every plausible weighting (the criteria's
  ``range`` and ``weight_order``), optionally with the data uncertainty the
  criteria declare per indicator; which countries are in the top K under
  every sampled weighting, under some, or never.
- :func:`stability`: exact intervals, one weight at a time, within which the
  top-K set and each tier stay the same; and for each country the smallest
  single weight change and single criterion-score change that moves it into
  or out of the top K, with the raw value needed where it can be read back.
- :func:`sweep`: ranks as one weight goes from 0 to 1.
- :func:`fit`: the weights within the ranges and order that best reproduce
  past decisions (join / not join, or ordered pairs).

Sensitivity, stability and fit analyse the weighted sum, so they need
``aggregation: arithmetic`` and criterion scores between 0 and 1.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.aggregation import effective_weights, weighted_arithmetic, weighted_geometric
from scorer.cells import FALSE_TOKENS, TRUE_TOKENS, clean_text, is_missing
from scorer.countries import default_resolver
from scorer.criteria import Aggregation, Criteria, Direction, Indicator, Normalisation, did_you_mean
from scorer.errors import ConfigError, DataError, Problem, ProblemCollector
from scorer.fitting import DEFAULT_NODE_LIMIT, FitSearch, fit_weights
from scorer.ranking import TIE_DECIMALS, rank_scores
from scorer.result import ScoreResult
from scorer.sampling import WeightConstraints
from scorer.sensitivity import ValuesSampler, min_ranks, sample_and_analyse
from scorer.stability import (
    end_changes,
    move_weight,
    tier_intervals,
    top_k_interval,
    value_change_to_flip,
    weight_change_to_flip,
    weight_sweep,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[int, int], None]

DEFAULT_SEED = 20210816
"""The default seed: the date of the Secretariat paper (16 August 2021)."""
DEFAULT_DRAWS = 10_000

_ALWAYS, _SOME, _NEVER = "always", "some", "never"


def default_top_k(criteria: Criteria) -> int:
    """K for "the top K": the size of the first tier when it is set by rank, else 15.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> default_top_k(load_criteria(default_criteria_path()))
    15
    """
    first = criteria.tiers[0]
    return first.top if first.top is not None else 15


def weight_constraints(criteria: Criteria) -> WeightConstraints:
    """The allowed criterion weights: each criterion's ``range`` and the ``weight_order``.

    Criteria without a range may take any share; without ``weight_order`` the
    order is free. Problems are reported at the criteria file's keys.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = weight_constraints(load_criteria(default_criteria_path()))
    >>> c.lower.tolist(), c.upper.tolist(), c.order
    ([0.25, 0.1, 0.2], [0.55, 0.4, 0.5], (0, 2, 1))
    """
    ids = list(criteria.criteria)
    ranges = [c.range for c in criteria.criteria.values()]
    bounded = any(r is not None for r in ranges)
    lower = np.array([r[0] if r else 0.0 for r in ranges]) if bounded else None
    upper = np.array([r[1] if r else 1.0 for r in ranges]) if bounded else None
    order = tuple(ids.index(c) for c in criteria.weight_order) if criteria.weight_order else None
    try:
        return WeightConstraints(len(ids), lower=lower, upper=upper, order=order, names=tuple(ids))
    except ConfigError as exc:
        raise ConfigError([_criteria_key(p, ids) for p in exc.problems]) from None


def _criteria_key(problem: Problem, ids: list[str]) -> Problem:
    """A sampling problem keyed as in the criteria file (``criteria.<id>.range``, ``weight_order``)."""
    key = problem.key or ""
    name = key.removeprefix("weights.")
    if name in ids:
        key = f"criteria.{name}.range"
    elif name in ("lower", "upper"):
        key = "criteria.*.range"
    elif name == "order":
        key = "weight_order"
    return Problem(problem.code, problem.message, key=key, fix=problem.fix)


def describe_constraints(criteria: Criteria) -> list[str]:
    """The allowed weights in words, one statement per item.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> describe_constraints(load_criteria(default_criteria_path()))[-1]
    'engagement >= government_interest >= representation'
    """
    out = [
        f"{cid} fixed at {c.range[0]:g}"
        if c.range[0] == c.range[1]
        else f"{cid} between {c.range[0]:g} and {c.range[1]:g}"
        for cid, c in criteria.criteria.items()
        if c.range is not None
    ]
    if criteria.weight_order:
        out.append(" >= ".join(criteria.weight_order))
    if not out:
        out.append("any weights (the criteria file gives no range and no weight_order)")
    return out


def find_criterion(criteria: Criteria, text: str) -> str:
    """The criterion id ``text`` names (its id, any case); a did-you-mean error otherwise.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> find_criterion(load_criteria(default_criteria_path()), "Engagement")
    'engagement'
    """
    ids = list(criteria.criteria)
    folded = {c.casefold(): c for c in ids}
    key = str(text).strip().casefold()
    if key in folded:
        return folded[key]
    labels = {c.label.casefold(): cid for cid, c in criteria.criteria.items()}
    if key in labels:
        return labels[key]
    raise ConfigError(
        Problem(
            "config.criterion",
            f"should be a criterion id ({', '.join(ids)}), but it is {text!r}" + did_you_mean(str(text), ids),
            key="CRITERION",
        )
    )


def check_top_k(top_k: int | None, result: ScoreResult, *, key: str = "top_k") -> int:
    """``top_k`` checked against the number of ranked countries; None means :func:`default_top_k` (capped).

    >>> from scorer import demo_result
    >>> check_top_k(None, demo_result()), check_top_k(20, demo_result())
    (15, 20)
    """
    n = len(result.table)
    if top_k is None:
        return min(default_top_k(result.criteria), n)
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or not 1 <= top_k <= n:
        raise ConfigError(
            Problem(
                "config.top_k",
                f"should be an integer from 1 to {n} (the number of ranked countries), but it is {top_k!r}",
                key=key,
            )
        )
    return int(top_k)


def _weighted_sum_inputs(result: ScoreResult, what: str) -> tuple[list[str], FloatArray, BoolArray]:
    """Criterion ids, scores (0 where unavailable) and availability, in table order; checked for a weighted sum."""
    criteria = result.criteria
    if criteria.aggregation is not Aggregation.arithmetic:
        raise ConfigError(
            Problem(
                "config.aggregation",
                f"should be arithmetic (a weighted sum) for {what}, but it is {criteria.aggregation.value!r}",
                key="aggregation",
            )
        )
    ids = list(criteria.criteria)
    index = result.table.index
    mask = result.criterion_mask.loc[index, ids].to_numpy(dtype=bool)
    values = np.where(mask, result.criterion_scores.loc[index, ids].to_numpy(dtype=float), 0.0)
    bad = np.argwhere(mask & ((values < 0) | (values > 1)))
    if len(bad):
        i, j = bad[0]
        raise ConfigError(
            Problem(
                "config.normalisation",
                f"criterion scores should be between 0 and 1 for {what}, but {ids[j]!r} is {values[i, j]:.3g} "
                f"for {index[i]}",
                key=f"criteria.{ids[j]}",
                fix="zscore is unbounded: use minmax, goalposts or percentile",
            )
        )
    return ids, values, mask


def _share(p: float) -> str:
    """A probability that never prints as 0 or 1 unless it is.

    >>> _share(0.9996), _share(0.5), _share(0.0), _share(1.0)
    ('>0.99', '0.50', '0', '1')
    """
    if p <= 0:
        return "0"
    if p >= 1:
        return "1"
    if p < 0.005:
        return "<0.01"
    if p > 0.995:
        return ">0.99"
    return f"{p:.2f}"


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two weights or scores printed with as few decimals (2 to 4) as tell them apart.

    >>> _pair(0.4, 0.47), _pair(0.4, 0.4004)
    (('0.40', '0.47'), ('0.4000', '0.4004'))
    """
    for d in (2, 3, 4):
        x, y = f"{a:.{d}f}", f"{b:.{d}f}"
        if x != y:
            break
    return x, y


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100, subsequent_indent="  ", break_on_hyphens=False)


def _json_value(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (the index, when named, first; NaN as None; numpy scalars as Python).

    >>> frame_records(pd.DataFrame({"p": [0.5, np.nan]}, index=pd.Index(["A", "B"], name="id")))
    [{'id': 'A', 'p': 0.5}, {'id': 'B', 'p': None}]
    """
    flat = frame.reset_index() if frame.index.name is not None else frame
    return [
        {str(k): _json_value(v) for k, v in zip(flat.columns, row, strict=True)}
        for row in flat.itertuples(index=False, name=None)
    ]


# Sensitivity


@dataclass(frozen=True)
class SensitivityReport:
    """What :func:`sensitivity` found.

    ``summary`` (indexed by id, in ranking order): name, rank and tier with
    the file's weights, ``robustness`` (``always``, ``some`` or ``never`` in
    the top K), ``verdict`` in words, ``p_top_k``, ``p_<tier>`` for each tier,
    ``mean_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``,
    ``confidence_factor`` and the central weights ``w_<criterion>`` (the mean
    weights under which the country is in the top K; blank if never).
    ``acceptability``: the share of draws at each rank (columns 1..n).
    """

    criteria_name: str
    source: str
    draws: int
    seed: int
    top_k: int
    top_k_tier: str | None
    method: str
    allowed_weights: list[str]
    uncertainty: dict[str, float]
    tier_names: tuple[str, ...]
    summary: pd.DataFrame
    acceptability: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def ids(self, robustness: str) -> list[str]:
        """Country ids with ``robustness`` ``"always"``, ``"some"`` or ``"never"``, best first."""
        return list(self.summary.index[self.summary["robustness"] == robustness])

    @property
    def what(self) -> str:
        """``top 15`` or ``top 15 (tier 'join')``."""
        return f"top {self.top_k}" + (f" (tier {self.top_k_tier!r})" if self.top_k_tier else "")

    def lines(self) -> list[str]:
        """The answer in words: who is in the top K under every sampled weighting, under some, never.

        >>> from scorer import demo_result
        >>> sensitivity(demo_result(), draws=500, seed=1).lines()[0].startswith("Top 15 (tier 'join') under 500")
        True
        """
        s = self.summary
        out = [
            f"Top {self.top_k}{' (tier ' + repr(self.top_k_tier) + ')' if self.top_k_tier else ''} under "
            f"{self.draws:,} weightings drawn uniformly from the allowed weights "
            f"(seed {self.seed}, {self.method} sampling).",
            _wrap("Allowed weights: " + "; ".join(self.allowed_weights) + "."),
        ]
        if self.uncertainty:
            errors = ", ".join(f"{iid} ±{e:.0%}" for iid, e in self.uncertainty.items())
            out.append(_wrap(f"Data uncertainty (relative error of the normalised value): {errors}."))
        always, some, never = self.ids(_ALWAYS), self.ids(_SOME), self.ids(_NEVER)
        k = self.top_k
        name = {str(i): str(x) for i, x in s["name"].items()}
        p = {str(i): float(x) for i, x in s["p_top_k"].items()}
        names = ", ".join(f"{name[i]} ({i})" for i in always)
        every = "every sampled weighting" + (" and data draw" if self.uncertainty else "")
        out.append(_wrap(f"In the top {k} under {every} ({len(always)}): {names or 'none'}."))
        draws = "draws" if self.uncertainty else "weightings"
        listed = ", with the chance and the mean weights that put it there:" if some else ": none."
        out.append(f"In the top {k} under some {draws} only ({len(some)}){listed}")
        crit = [c.removeprefix("w_") for c in s.columns if c.startswith("w_")]
        central = s[[f"w_{c}" for c in crit]].to_numpy(dtype=float)
        row = {str(i): r for r, i in enumerate(s.index)}
        for i in sorted(some, key=lambda x: -p[x]):
            weights = ", ".join(f"{c} {central[row[i], j]:.2f}" for j, c in enumerate(crit))
            share = _share(p[i])
            chance = f"p {share[0]} {share[1:]}" if share[0] in "<>" else f"p = {share}"
            out.append(f"  {name[i]} ({i}): {chance}; {weights}")
        out.append(f"Never in the top {k}: {len(never)} countries.")
        return out + [f"Note: {n}" for n in self.notes]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the settings, the three groups, every country's row and its non-zero rank shares."""
        shares = {
            str(ident): {str(r): float(v) for r, v in row.items() if v > 0}
            for ident, row in self.acceptability.drop(columns="name").iterrows()
        }
        return {
            "criteria": self.criteria_name,
            "source": self.source,
            "draws": self.draws,
            "seed": self.seed,
            "top_k": self.top_k,
            "top_k_tier": self.top_k_tier,
            "method": self.method,
            "allowed_weights": list(self.allowed_weights),
            "data_uncertainty": dict(self.uncertainty),
            "always": self.ids(_ALWAYS),
            "some": self.ids(_SOME),
            "never": self.ids(_NEVER),
            "notes": list(self.notes),
            "countries": frame_records(self.summary),
            "rank_acceptability": shares,
        }


def indicator_uncertainty(criteria: Criteria) -> dict[str, float]:
    """Indicator id -> declared relative error, for the indicators that declare one above 0.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> indicator_uncertainty(load_criteria(default_criteria_path()))
    {}
    """
    return {iid: float(ind.uncertainty) for _c, iid, ind in criteria.indicator_items() if ind.uncertainty}


def data_sampler(result: ScoreResult) -> ValuesSampler | None:
    """Perturbed criterion scores from the indicators' declared ``uncertainty`` (None if none declares one).

    Each draw multiplies every uncertain normalised value by ``1 + e U(-1, 1)``,
    clips it to [0, 1] and re-aggregates each criterion with the result's
    per-country within-criterion weights (exact for arithmetic aggregation).
    Output shape ``(size, countries, criteria)`` in table order; unavailable
    criteria are 0.
    """
    errors = indicator_uncertainty(result.criteria)
    if not errors:
        return None
    ids = list(result.criteria.criteria)
    items = result.criteria.indicator_items()
    item_ids = [iid for _c, iid, _i in items]
    normalised = result.normalised.loc[result.table.index, item_ids].to_numpy(dtype=float)
    available = ~np.isnan(normalised)
    x = np.nan_to_num(normalised)
    within = np.zeros_like(x)
    assign = np.zeros((len(items), len(ids)))
    for j, (cid, _iid, _ind) in enumerate(items):
        assign[j, ids.index(cid)] = 1.0
    weights = np.array([ind.weight for _c, _i, ind in items], dtype=float)
    for k in range(len(ids)):
        cols = np.flatnonzero(assign[:, k])
        within[:, cols] = effective_weights(weights[cols], available[:, cols])
    e = np.array([errors.get(iid, 0.0) for iid in item_ids])
    noisy, fixed = np.flatnonzero(e > 0), np.flatnonzero(e <= 0)
    base = (within[:, fixed] * x[:, fixed]) @ assign[fixed]
    xn, wn, en, an = x[:, noisy], within[:, noisy], e[noisy], assign[noisy]

    def sample(rng: np.random.Generator, size: int) -> FloatArray:
        perturbed = np.clip(xn * (1.0 + en * rng.uniform(-1.0, 1.0, (size, *xn.shape))), 0.0, 1.0)
        out: FloatArray = np.clip(base + (perturbed * wn) @ an, 0.0, 1.0)
        return out

    return sample


def sensitivity(
    result: ScoreResult,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    top_k: int | None = None,
    data_uncertainty: bool = True,
    progress: Progress | None = None,
) -> SensitivityReport:
    """SMAA-2 over every plausible weighting: how sure is each country's place in the top K?

    Weights are drawn uniformly from the criteria's ``range`` and
    ``weight_order`` (:func:`weight_constraints`); with ``data_uncertainty``
    the indicators' declared ``uncertainty`` perturbs the data in each draw
    too (:func:`data_sampler`). ``top_k`` defaults to the first tier's size.
    Same seed, same numbers. ``progress(done, total)`` is called after each chunk.

    >>> from scorer import demo_result
    >>> rep = sensitivity(demo_result(), draws=1000, seed=1)
    >>> round(float(rep.summary["p_top_k"].sum()), 6), rep.summary.index[0], rep.summary.iloc[0]["robustness"]
    (15.0, 'NGA', 'always')
    """
    ids, values, mask = _weighted_sum_inputs(result, "a sensitivity analysis")
    criteria = result.criteria
    k = check_top_k(top_k, result)
    constraints = weight_constraints(criteria)
    sampler = data_sampler(result) if data_uncertainty else None
    smaa = sample_and_analyse(
        values,
        constraints,
        draws=draws,
        seed=seed,
        top_k=k,
        tiers=criteria.tiers,
        mask=mask,
        values_sampler=sampler,
        progress=progress,
    )
    t = result.table
    p = np.asarray(smaa.p_top_k, dtype=float)
    robustness = np.where(p >= 1.0, _ALWAYS, np.where(p <= 0.0, _NEVER, _SOME))
    every = "every sampled weighting" + (" and data draw" if sampler is not None else "")
    some = "draws" if sampler is not None else "weightings"
    verdict = [
        f"in the top {k} under {every}"
        if r == _ALWAYS
        else f"never in the top {k}"
        if r == _NEVER
        else f"in the top {k} under some {some} (p={_share(float(x))})"
        for r, x in zip(robustness, p, strict=True)
    ]
    summary = pd.DataFrame(
        {
            "name": t["name"].to_numpy(dtype=object),
            "rank": t["rank"].to_numpy(dtype=np.int64),
            "tier": t["tier"].to_numpy(dtype=object),
            "robustness": robustness.astype(object),
            "verdict": np.array(verdict, dtype=object),
            "p_top_k": p,
        },
        index=pd.Index(t.index, name="id"),
    )
    for j, name in enumerate(smaa.tier_names):
        column = f"p_{name}" if f"p_{name}" not in summary.columns else f"p_tier_{name}"
        summary[column] = smaa.tier_probabilities[:, j]
    summary["mean_rank"] = smaa.mean_rank
    summary["median_rank"] = smaa.median_rank.astype(np.int64)
    summary["rank_p05"] = smaa.rank_p05.astype(np.int64)
    summary["rank_p95"] = smaa.rank_p95.astype(np.int64)
    summary["confidence_factor"] = smaa.confidence_factor
    for j, cid in enumerate(ids):
        summary[f"w_{cid}"] = smaa.central_weights[:, j]
    ranks = np.arange(1, len(t) + 1)
    acceptability = pd.DataFrame(smaa.rank_acceptability, index=pd.Index(t.index, name="id"), columns=ranks)
    acceptability.insert(0, "name", t["name"].to_numpy(dtype=object))
    first = criteria.tiers[0]
    notes = []
    if sampler is not None and smaa.sampling_method == "fixed":
        notes.append("the weights are fixed (zero-width ranges): only the data vary")
    return SensitivityReport(
        criteria_name=criteria.name,
        source=result.source,
        draws=int(smaa.draws),
        seed=int(seed),
        top_k=k,
        top_k_tier=first.name if first.top == k and first.min_score is None else None,
        method=smaa.sampling_method or "",
        allowed_weights=describe_constraints(criteria),
        uncertainty=indicator_uncertainty(criteria) if sampler is not None else {},
        tier_names=tuple(smaa.tier_names),
        summary=summary,
        acceptability=acceptability,
        notes=notes,
    )


# Stability


@dataclass(frozen=True)
class StabilityReport:
    """What :func:`stability` found, exactly (no sampling).

    ``weights`` (indexed by criterion): the current normalised ``weight``, the
    interval ``low``-``high`` of that weight (moved alone, the others keeping
    their proportions) on which the top-K set stays the same, whether each
    end is excluded (``low_open``, ``high_open``: always at a crossing inside
    (0, 1), where countries tie; at 0 or 1 only when ties at exactly that
    weight change the top K), the criteria file's ``range`` and the
    statement in words. ``countries`` (indexed by id,
    ranking order): the smallest single weight change (``weight_*``) and the
    smallest single criterion-score change (``score_*``, with the raw
    ``value_needed`` where it can be read back) that move the country into or
    out of the top K, in words, and per criterion the interval of its weight
    on which the country's tier stays the same (``tier_low_<c>``,
    ``tier_high_<c>``). ``options`` has every (country, criterion) change.
    """

    top_k: int
    top_k_tier: str | None
    weights: pd.DataFrame
    countries: pd.DataFrame
    options: pd.DataFrame

    def lines(self) -> list[str]:
        """The top-K intervals in words.

        >>> from scorer import demo_result
        >>> stability(demo_result()).lines()[0]
        "Each weight moved alone (the others keep their proportions), the top 15 (tier 'join') stay the same while:"
        """
        what = f"top {self.top_k}" + (f" (tier {self.top_k_tier!r})" if self.top_k_tier else "")
        out = [f"Each weight moved alone (the others keep their proportions), the {what} stay the same while:"]
        out += [f"  {text}" for text in self.weights["in_words"]]
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: K, the weight intervals, every country's row."""
        return {
            "top_k": self.top_k,
            "top_k_tier": self.top_k_tier,
            "weights": frame_records(self.weights),
            "countries": frame_records(self.countries),
        }


def stability(result: ScoreResult, *, top_k: int | None = None) -> StabilityReport:
    """Exact stability intervals and "what would it take" for every country, at the result's weights.

    >>> from scorer import demo_result
    >>> rep = stability(demo_result())
    >>> row = rep.weights.loc["engagement"]
    >>> bool(row["low"] < row["weight"] < row["high"]), rep.countries.columns[:4].tolist()
    (True, ['name', 'rank', 'tier', 'in_top_k'])
    """
    ids, values, mask = _weighted_sum_inputs(result, "a stability analysis")
    criteria = result.criteria
    k = check_top_k(top_k, result)
    weights = result.weights[ids].to_numpy(dtype=float)
    m = None if mask.all() else mask
    t = result.table
    what = f"the top {k}"

    weight_rows = []
    for j, cid in enumerate(ids):
        lo, hi = top_k_interval(values, weights, j, top_k=k, mask=m)
        at0, at1 = end_changes(values, weights, j, top_k=k, mask=m)
        open_low, open_high = bool(lo > 0 or at0.any()), bool(hi < 1 or at1.any())
        rng = criteria.criteria[cid].range
        weight_rows.append(
            {
                "criterion": cid,
                "label": criteria.criteria[cid].label,
                "weight": weights[j],
                "low": lo,
                "high": hi,
                "low_open": open_low,
                "high_open": open_high,
                "range_low": rng[0] if rng else np.nan,
                "range_high": rng[1] if rng else np.nan,
                "in_words": _interval_words(
                    cid, weights[j], lo, hi, open_at_0=lo <= 0 and open_low, open_at_1=hi >= 1 and open_high
                ),
            }
        )
    weight_frame = pd.DataFrame(weight_rows).set_index("criterion")

    scores = weighted_arithmetic_scores(values, weights, mask)
    in_top = (t["rank"].to_numpy() <= k) if len(t) else np.zeros(0, dtype=bool)
    dw = weight_change_to_flip(values, weights, top_k=k, mask=m)
    dv = value_change_to_flip(values, weights, top_k=k, mask=m)
    readback = _Readback(result)
    names = t["name"].to_numpy(dtype=object)
    ranks = t["rank"].to_numpy(dtype=np.int64)
    tiers = t["tier"].to_numpy(dtype=object)
    ranges = [criteria.criteria[cid].range for cid in ids]
    option_rows = []
    country_rows = []
    for i, ident in enumerate(t.index):
        inside = bool(in_top[i])
        best_w: tuple[float, int] | None = None
        best_v: tuple[float, int] | None = None
        for j, cid in enumerate(ids):
            rng = ranges[j]
            to_w = weights[j] + dw[i, j] if np.isfinite(dw[i, j]) else np.nan
            to_s = values[i, j] + dv[i, j] if np.isfinite(dv[i, j]) else np.nan
            option_rows.append(
                {
                    "id": ident,
                    "name": names[i],
                    "criterion": cid,
                    "weight_from": weights[j],
                    "weight_to": to_w,
                    "weight_in_range": _in_range(to_w, rng),
                    "score_from": values[i, j] if mask[i, j] else np.nan,
                    "score_to": to_s,
                    "value_needed": readback.text(i, cid, to_s, raise_score=not inside) if np.isfinite(to_s) else "",
                }
            )
            if np.isfinite(dw[i, j]) and (best_w is None or abs(dw[i, j]) < best_w[0]):
                best_w = (abs(dw[i, j]), j)
            if np.isfinite(dv[i, j]) and (best_v is None or abs(dv[i, j]) < best_v[0]):
                best_v = (abs(dv[i, j]), j)
        row: dict[str, Any] = {
            "name": names[i],
            "rank": int(ranks[i]),
            "tier": tiers[i],
            "in_top_k": inside,
            "score": float(scores[i]),
        }
        row.update(_weight_change(criteria, ids, weights, dw[i], best_w, inside, what))
        row.update(_value_change(readback, i, ids, values[i], dv[i], best_v, inside, what))
        country_rows.append(row)
    countries = pd.DataFrame(country_rows, index=pd.Index(t.index, name="id"))
    for j, cid in enumerate(ids):
        lo_t, hi_t = tier_intervals(values, weights, j, tiers=criteria.tiers, mask=m)
        countries[f"tier_low_{cid}"] = lo_t
        countries[f"tier_high_{cid}"] = hi_t
    first = criteria.tiers[0]
    options = pd.DataFrame(option_rows) if option_rows else pd.DataFrame(columns=["id", "criterion"])
    return StabilityReport(
        top_k=k,
        top_k_tier=first.name if first.top == k and first.min_score is None else None,
        weights=weight_frame,
        countries=countries,
        options=options,
    )


def weighted_arithmetic_scores(values: FloatArray, weights: FloatArray, mask: BoolArray) -> FloatArray:
    """Scores as the pipeline computes them (weights renormalised over available criteria)."""
    scores, _ = weighted_arithmetic(values, weights, mask)
    return np.nan_to_num(scores)


def _in_range(w: float, rng: tuple[float, float] | None) -> bool:
    if not np.isfinite(w):
        return False
    return rng is None or rng[0] - 1e-12 <= w <= rng[1] + 1e-12


def _interval_words(
    cid: str, w: float, lo: float, hi: float, *, open_at_0: bool = False, open_at_1: bool = False
) -> str:
    """``engagement's weight is between 0.362 and 0.447 (now 0.400)``, or the edge cases.

    ``open_at_0`` / ``open_at_1``: the interval reaches 0 or 1 but ties at exactly that weight alter the list.

    >>> _interval_words("a", 0.4, 0.3941, 0.40032)
    "a's weight is between 0.3941 and 0.4003 (now 0.4000)"
    >>> _interval_words("a", 0.4, 0.0, 0.5, open_at_0=True)
    "a's weight is above 0 and below 0.500 (now 0.400); at exactly 0, ties alter the list"
    """
    shown = [x for x in (lo, w, hi) if 0.0 < x < 1.0]
    d = next((d for d in (3, 4, 5) if len({f"{x:.{d}f}" for x in shown}) == len({round(x, 12) for x in shown})), 6)
    now = f"{w:.{d}f}"
    open_at_0, open_at_1 = open_at_0 and lo <= 0.0, open_at_1 and hi >= 1.0
    ends = [e for e, flag in (("0", open_at_0), ("1", open_at_1)) if flag]
    tail = f"; at exactly {' or '.join(ends)}, ties alter the list" if ends else ""
    low = f"above {lo:.{d}f}" if lo > 0.0 else "above 0" if open_at_0 else ""
    high = f"below {hi:.{d}f}" if hi < 1.0 else "below 1" if open_at_1 else ""
    if lo <= 0.0 and hi >= 1.0 and not ends:
        return f"{cid}'s weight is anywhere from 0 to 1 (now {now}): no single change of it alters the list"
    if hi - lo <= 1e-12:
        return f"{cid}'s weight stays at {now} exactly: any change alters the list (a tie at the cut)"
    if lo > 0.0 and hi < 1.0:
        return f"{cid}'s weight is between {lo:.{d}f} and {hi:.{d}f} (now {now})"
    return f"{cid}'s weight is {' and '.join(x for x in (low, high) if x)} (now {now}){tail}"


def _weight_change(
    criteria: Criteria,
    ids: list[str],
    weights: FloatArray,
    dw: FloatArray,
    best: tuple[float, int] | None,
    inside: bool,
    what: str,
) -> dict[str, Any]:
    if best is None:
        return {
            "weight_criterion": "",
            "weight_from": np.nan,
            "weight_to": np.nan,
            "weight_in_range": False,
            "weight_change": f"no single weight from 0 to 1 {'takes it out of' if inside else 'brings it into'} {what}",
        }
    j = best[1]
    cid = ids[j]
    to = float(weights[j] + dw[j])
    a, b = _pair(float(weights[j]), to)
    # dw is a signed zero at a tie at the cut: any change in its direction moves the country
    rise = bool(dw[j] > 0 or (dw[j] == 0 and not np.signbit(dw[j])))
    verb = "raise" if rise else "lower"
    target = (f"above {b}" if rise else f"below {b}") if inside else b
    effect = f"it leaves {what}" if inside else f"it enters {what}"
    rng = criteria.criteria[cid].range
    within = _in_range(to, rng)
    if dw[j] == 0:
        text = f"{verb} {cid}'s weight even slightly from {weights[j]:.2f} and {effect} (a tie at the cut)"
    elif to <= 0.0 or to >= 1.0:
        text = f"{verb} {cid}'s weight from {weights[j]:.2f} to exactly {to:.0f} and {effect} (countries tie there)"
    else:
        text = f"{verb} {cid}'s weight from {a} to {target} and {effect}"
    if rng is not None and not within:
        text += f" (outside its plausible range {rng[0]:g}-{rng[1]:g})"
    return {
        "weight_criterion": cid,
        "weight_from": float(weights[j]),
        "weight_to": to,
        "weight_in_range": within,
        "weight_change": text,
    }


def _value_change(
    readback: _Readback,
    i: int,
    ids: list[str],
    values: FloatArray,
    dv: FloatArray,
    best: tuple[float, int] | None,
    inside: bool,
    what: str,
) -> dict[str, Any]:
    if best is None:
        return {
            "score_criterion": "",
            "score_from": np.nan,
            "score_to": np.nan,
            "value_needed": "",
            "score_change": f"no single criterion score from 0 to 1 "
            f"{'takes it out of' if inside else 'brings it into'} {what}",
        }
    j = best[1]
    cid = ids[j]
    to = float(values[j] + dv[j])
    a, b = _pair(float(values[j]), to)
    needed = readback.text(i, cid, to, raise_score=not inside)
    if inside:
        text = f"lower its {cid} score from {a} to below {b} and it leaves {what}"
    else:
        text = f"raise its {cid} score from {a} to {b} and it enters {what}"
    if needed:
        text += f" ({needed})"
    return {
        "score_criterion": cid,
        "score_from": float(values[j]),
        "score_to": to,
        "value_needed": needed,
        "score_change": text,
    }


class _Readback:
    """Reads a criterion score back into the raw indicator value that gives it.

    Only when one indicator carries the criterion for the country (so the
    criterion score is that indicator's normalised value) and its
    normalisation can be inverted without moving the other countries' values:
    min-max and log-min-max (unless the country holds the column's only
    minimum or maximum), goalposts, yes/no and ordinal levels. Arrays are
    taken once from the result, so each look-up is cheap.
    """

    def __init__(self, result: ScoreResult) -> None:
        index = result.table.index
        self.criteria = result.criteria
        self.columns = result.columns
        items = result.criteria.indicator_items()
        self.item_ids = [iid for _c, iid, _i in items]
        self.indicators = [ind for _c, _i, ind in items]
        self.raw = result.raw.loc[index, self.item_ids].to_numpy(dtype=float)
        available = ~np.isnan(result.normalised.loc[index, self.item_ids].to_numpy(dtype=float))
        self.carrier: dict[str, NDArray[np.int64]] = {}
        for cid in result.criteria.criteria:
            cols = [j for j, (c, _i, ind) in enumerate(items) if c == cid and ind.weight > 0]
            count = available[:, cols].sum(axis=1)
            first = np.argmax(available[:, cols], axis=1) if cols else np.zeros(len(index), dtype=np.int64)
            self.carrier[cid] = np.where(count == 1, np.asarray(cols, dtype=np.int64)[first], -1) if cols else first - 1
        with np.errstate(invalid="ignore"):
            self.lo = np.nanmin(np.where(np.isnan(self.raw), np.inf, self.raw), axis=0)
            self.hi = np.nanmax(np.where(np.isnan(self.raw), -np.inf, self.raw), axis=0)
        self.n_lo = (self.raw == self.lo).sum(axis=0)
        self.n_hi = (self.raw == self.hi).sum(axis=0)

    def text(self, i: int, cid: str, target: float, *, raise_score: bool) -> str:
        """What the carrying indicator's raw value must be for country ``i`` ('' if it cannot be read back).

        ``raise_score``: the criterion score must reach ``target``; otherwise fall below it.
        """
        j = int(self.carrier[cid][i])
        if j < 0:
            return ""
        ind = self.indicators[j]
        column = self.columns.get(self.item_ids[j], self.item_ids[j])
        raw = float(self.raw[i, j])
        higher = ind.direction is Direction.higher
        method = ind.normalisation
        if method is Normalisation.ordinal:
            return _level_needed(ind, column, raw, target, raise_score=raise_score)
        if method is Normalisation.boolean:
            if (raise_score and target > 1 + 1e-12) or (not raise_score and target <= 1e-12):
                return ""
            value = 1.0 if higher == raise_score else 0.0
            return f"{column} {_yes_no(value)} instead of {_yes_no(raw)}"
        if method is Normalisation.goalposts:
            assert ind.bounds is not None
            low, high = ind.bounds
            worst, best = (low, high) if higher else (high, low)
            x = worst + target * (best - worst)
        elif method in (Normalisation.minmax, Normalisation.log_minmax):
            lo, hi = float(self.lo[j]), float(self.hi[j])
            if hi <= lo or (raw == lo and self.n_lo[j] == 1) or (raw == hi and self.n_hi[j] == 1):
                return ""
            r = target if higher else 1.0 - target
            if method is Normalisation.minmax:
                x = lo + r * (hi - lo)
            else:
                x = float(np.expm1(np.log1p(lo) + r * (np.log1p(hi) - np.log1p(lo))))
        else:
            return ""
        bounds = {(True, True): "at least", (True, False): "at most", (False, True): "below", (False, False): "above"}
        return f"{column} {bounds[(raise_score, higher)]} {_number(x)} instead of {_number(raw)}"


def _level_needed(ind: Indicator, column: str, raw: float, target: float, *, raise_score: bool) -> str:
    assert ind.levels is not None
    lo, hi = min(ind.levels.values()), max(ind.levels.values())
    higher = ind.direction is Direction.higher
    scored = [(name, (v - lo) / (hi - lo) if higher else 1.0 - (v - lo) / (hi - lo)) for name, v in ind.levels.items()]
    if raise_score:
        fits = [(s, name) for name, s in scored if s >= target - 1e-12]
        choice = min(fits) if fits else None
    else:
        fits = [(s, name) for name, s in scored if s < target - 1e-12]
        choice = max(fits) if fits else None
    if choice is None:
        return ""
    now = next((name for name, v in ind.levels.items() if math.isclose(v, raw)), _number(raw))
    return f"{column} {choice[1]!r} instead of {now!r}"


def _yes_no(value: float) -> str:
    return "yes" if value >= 0.5 else "no"


def _number(x: float) -> str:
    """A raw value with 4 significant digits, never in exponent form.

    >>> _number(12.3456), _number(1234567.0), _number(0.000123456)
    ('12.35', '1235000', '0.0001235')
    """
    return np.format_float_positional(x, precision=4, unique=False, fractional=False, trim="-")


# Sweep


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
        _weighted_sum_inputs(result, "a weight sweep")
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


# Fit

_JOIN_WORDS = frozenset({"join", "joined", "joining", "accept", "accepted", "in", "include", "included", "selected"})
_NOT_WORDS = frozenset(
    {
        "not join",
        "not joined",
        "do not join",
        "don't join",
        "dont join",
        "no join",
        "reject",
        "rejected",
        "out",
        "exclude",
        "excluded",
        "not selected",
        "not now",
    }
)
_COUNTRY_COLUMNS = ("country", "id", "iso3", "code", "name", "country name")
_DECISION_COLUMNS = ("decision", "joined", "join", "decided", "accept", "accepted", "outcome")


@dataclass(frozen=True)
class FitReport:
    """What :func:`fit` found.

    ``weights`` and ``previous``: the fitted and the file's normalised
    weights (by criterion); the fitted ones are rounded to as few decimals
    as keep every reproduced decision, so the new criteria file gives exactly
    the reported result. ``decisions``: one row per pairwise decision
    (``before`` should rank above ``after``) with the score ``gap`` under
    the fitted weights and whether it is ``reproduced`` (also under the
    file's weights). ``countries`` (join / not join input only, indexed by
    id): each decided country's fitted score, rank and tier, and whether its
    decision is reproduced (a joined country above every not-joined one).
    """

    mode: str
    weights: pd.Series
    previous: pd.Series
    margin: float
    decisions: pd.DataFrame
    countries: pd.DataFrame | None
    allowed_weights: list[str]
    search: FitSearch
    notes: list[str] = field(default_factory=list)

    @property
    def n_decisions(self) -> int:
        return len(self.decisions)

    @property
    def n_reproduced(self) -> int:
        return int(self.decisions["reproduced"].sum())

    @property
    def n_reproduced_before(self) -> int:
        """Decisions the criteria file's own weights already reproduce."""
        return int(self.decisions["reproduced_before"].sum())

    def lines(self, *, limit: int = 20) -> list[str]:
        """The fit in words: weights, how many decisions are reproduced, which are not."""
        pairs = ", ".join(f"{c} {self.weights[c]:.4g} (was {self.previous[c]:.4g})" for c in self.weights.index)
        n, r = self.n_decisions, self.n_reproduced
        kind = "pairwise decisions" if self.mode == "joined" else "ordered pairs"
        out = [
            _wrap(f"Fitted weights (normalised; within the criteria file's ranges and order): {pairs}."),
            f"Reproduced {r:,} of {n:,} {kind} ({r / n:.1%}); the file's weights reproduced "
            f"{self.n_reproduced_before:,}.",
            _wrap(self.search.words()),
        ]
        if not math.isnan(self.margin):
            out.append(f"Smallest score gap over the reproduced decisions (margin): {self.margin:.4g}.")
        if self.countries is not None:
            c = self.countries
            bad = c.index[~c["reproduced"]].tolist()
            out.append(f"Country decisions reproduced: {len(c) - len(bad)} of {len(c)}.")
            for ident, row in c.loc[bad[:limit]].iterrows():
                out.append(
                    f"  not reproduced: {row['name']!s} ({ident!s}), {row['decision']!s}, "
                    f"fitted rank {int(row['fitted_rank'])}"
                )
        missed = self.decisions[~self.decisions["reproduced"]]
        for rec in missed.head(limit).to_dict("records"):
            out.append(
                f"  {rec['before_name']!s} ({rec['before']!s}) should rank above {rec['after_name']!s} "
                f"({rec['after']!s}), but scores {-float(rec['gap']):.4g} lower"
                + (f" (row {int(rec['row'])})" if rec["row"] else "")
            )
        if len(missed) > limit:
            out.append(f"  ... and {len(missed) - limit} more decisions not reproduced")
        return out + [f"Note: {n}" for n in self.notes]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: weights, counts, margin, decisions, countries."""
        return {
            "mode": self.mode,
            "weights": {str(k): float(v) for k, v in self.weights.items()},
            "previous_weights": {str(k): float(v) for k, v in self.previous.items()},
            "allowed_weights": list(self.allowed_weights),
            "decisions_total": self.n_decisions,
            "decisions_reproduced": self.n_reproduced,
            "decisions_reproduced_before": self.n_reproduced_before,
            "margin": _json_value(self.margin),
            "search": self.search.to_dict(),
            "notes": list(self.notes),
            "decisions": frame_records(self.decisions),
            "countries": frame_records(self.countries) if self.countries is not None else None,
        }


@dataclass(frozen=True)
class _Decisions:
    mode: str
    joined: dict[str, bool]
    pairs: list[tuple[str, str, int]]


def fit(result: ScoreResult, decisions: pd.DataFrame, *, node_limit: int = DEFAULT_NODE_LIMIT) -> FitReport:
    """The weights within the criteria's ranges and order that reproduce the most past decisions.

    ``decisions`` is a table with a country column and a decision column
    (join / not join; yes / no; 1 / 0), or with columns ``before`` and
    ``after`` (ordered pairs: ``before`` should rank above ``after``).
    Countries are read like the spreadsheet's (ISO3 codes or names, any UN
    language); problems name the row and column (``decisions.attrs`` may
    hold ``source`` and ``row_numbers``, as :func:`scorer.read_countries` sets).
    The count of reproduced decisions is maximised exactly by a mixed-integer
    programme bounded by ``node_limit`` branch-and-bound nodes, then the margin
    by a linear programme (:func:`scorer.fitting.fit_weights`); the report's
    ``search`` says which objective was used and the optimality gap. The
    answer never reproduces fewer decisions than the criteria file's own
    weights when those are within the ranges and order: then they are kept.

    >>> from scorer import demo_result
    >>> r = demo_result()
    >>> d = pd.DataFrame({"country": list(r.table.index[:20]), "decision": ["join"] * 10 + ["not join"] * 10})
    >>> rep = fit(r, d)
    >>> rep.n_reproduced, rep.n_decisions
    (100, 100)
    """
    ids, values, mask = _weighted_sum_inputs(result, "a weight fit")
    criteria = result.criteria
    parsed = _read_decisions(result, decisions)
    position = {ident: i for i, ident in enumerate(result.table.index)}
    constraints = weight_constraints(criteria)
    notes: list[str] = []
    if parsed.mode == "joined":
        order = list(parsed.joined)
        rows = np.array([position[i] for i in order])
        joined = np.array([parsed.joined[i] for i in order], dtype=bool)
        fitted = fit_weights(values[rows], joined=joined, constraints=constraints, node_limit=node_limit)
        pairs = [(order[a], order[b], 0) for a, b in fitted.pairs]
        used = rows
    else:
        pairs = parsed.pairs
        index_pairs = np.array([[position[a], position[b]] for a, b, _r in pairs], dtype=np.int64)
        fitted = fit_weights(values, pairs=index_pairs, constraints=constraints, node_limit=node_limit)
        used = np.unique(index_pairs)
    lacking = [ids[j] for j in range(len(ids)) if not mask[used, j].all()]
    if lacking:
        notes.append(
            f"some decided countries lack {', '.join(lacking)}: the fit counts a missing criterion as 0, "
            "the ranking re-weights it; the counts above use the ranking's scores"
        )
    before = result.weights[ids].to_numpy(dtype=float)
    a = np.array([position[p[0]] for p in pairs], dtype=np.int64)
    b = np.array([position[p[1]] for p in pairs], dtype=np.int64)
    full = np.asarray(fitted.weights, dtype=float)
    weights = _tidy_weights(full, values, mask, a, b, constraints)
    scores = _pipeline_scores(values, weights, mask)
    old = _pipeline_scores(values, before, mask)
    if int(_above(old, a, b).sum()) > int(_above(scores, a, b).sum()):
        if _allowed(before / before.sum(), constraints):
            weights, scores = before / before.sum(), old
            notes.append("no fitted weights reproduce more decisions than the criteria file's own: they are kept")
        else:
            notes.append("the criteria file's own weights reproduce more decisions, but they are outside its ranges")
    gap = scores[a] - scores[b]
    reproduced = _above(scores, a, b)
    frame = pd.DataFrame(
        {
            "row": np.array([p[2] for p in pairs], dtype=np.int64),
            "before": [p[0] for p in pairs],
            "before_name": [result.table.at[p[0], "name"] for p in pairs],
            "after": [p[1] for p in pairs],
            "after_name": [result.table.at[p[1], "name"] for p in pairs],
            "gap": gap,
            "reproduced": reproduced,
            "reproduced_before": _above(old, a, b),
        }
    )
    kept = gap[reproduced]
    margin = float(kept.min()) if len(kept) else float("nan")
    countries = None
    if parsed.mode == "joined":
        countries = _country_fit(result, parsed.joined, scores, weights, position)
    return FitReport(
        mode=parsed.mode,
        weights=pd.Series(weights, index=ids, name="weight"),
        previous=pd.Series(before, index=ids, name="weight"),
        margin=margin,
        decisions=frame,
        countries=countries,
        allowed_weights=describe_constraints(criteria),
        search=fitted.search,
        notes=notes,
    )


def _allowed(weights: FloatArray, constraints: WeightConstraints) -> bool:
    """Whether normalised ``weights`` are within the bounds and the order."""
    if np.any(weights < constraints.tight_lower - 1e-9) or np.any(weights > constraints.tight_upper + 1e-9):
        return False
    order = constraints.order or ()
    return all(weights[p] >= weights[q] - 1e-12 for p, q in pairwise(order))


def _pipeline_scores(values: FloatArray, weights: FloatArray, mask: BoolArray) -> FloatArray:
    """Scores rounded as the ranking compares them, from relative weights (as ``rank`` would compute)."""
    scores, _ = weighted_arithmetic(np.where(mask, values, np.nan), weights, mask)
    return cast(FloatArray, np.round(np.nan_to_num(scores, nan=-1.0), TIE_DECIMALS))


def _above(scores: FloatArray, a: NDArray[np.int64], b: NDArray[np.int64]) -> BoolArray:
    out: BoolArray = scores[a] > scores[b]
    return out


def _tidy_weights(
    full: FloatArray,
    values: FloatArray,
    mask: BoolArray,
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    constraints: WeightConstraints,
) -> FloatArray:
    """The fitted weights rounded to 2, 3, 4 or 6 decimals (summing to 1) when that keeps the fit.

    Rounded weights are kept when they reproduce every decision the exact
    weights do, keep at least half of the margin and stay within the bounds
    and order; otherwise the exact weights are returned.
    """
    exact = _pipeline_scores(values, full, mask)
    ok = _above(exact, a, b)
    gaps = exact[a] - exact[b]
    margin = float(gaps[ok].min()) if ok.any() else 0.0
    for d in (2, 3, 4, 6):
        w = np.round(full, d)
        w[int(np.argmax(w))] += round(1.0 - float(w.sum()), d)
        w = np.round(w, d)
        if w.min() < 0 or w.sum() <= 0:
            continue
        if not _allowed(w / w.sum(), constraints):
            continue
        s = _pipeline_scores(values, w, mask)
        kept = _above(s, a, b)
        if np.any(ok & ~kept):
            continue
        if ok.any() and float((s[a] - s[b])[ok].min()) < margin / 2:
            continue
        return w
    return full


def _country_fit(
    result: ScoreResult,
    joined: dict[str, bool],
    scores: FloatArray,
    weights: FloatArray,
    position: dict[str, int],
) -> pd.DataFrame:
    ids = list(joined)
    rows = np.array([position[i] for i in ids])
    flags = np.array([joined[i] for i in ids], dtype=bool)
    s = scores[rows]
    worst_in = s[flags].min()
    best_out = s[~flags].max()
    ok = np.where(flags, s > best_out, s < worst_in)
    all_ranks = min_ranks(scores)
    criteria = result.criteria
    tiers = _tiers_of(scores, all_ranks, criteria)
    return pd.DataFrame(
        {
            "name": [result.table.at[i, "name"] for i in ids],
            "decision": ["join" if f else "not join" for f in flags],
            "score": s,
            "fitted_rank": all_ranks[rows].astype(np.int64),
            "fitted_tier": [tiers[r] for r in rows],
            "reproduced": ok,
        },
        index=pd.Index(ids, name="id"),
    )


def _tiers_of(scores: FloatArray, ranks: NDArray[np.int64], criteria: Criteria) -> list[str]:
    out = []
    for s, r in zip(scores, ranks, strict=True):
        name = criteria.tiers[-1].name
        for tier in criteria.tiers:
            if (tier.top is None or r <= tier.top) and (tier.min_score is None or s >= tier.min_score):
                name = tier.name
                break
        out.append(name)
    return out


def _fold_header(text: object) -> str:
    return re.sub(r"[\s_\-]+", " ", clean_text(text)).casefold()


def _read_decisions(result: ScoreResult, decisions: pd.DataFrame) -> _Decisions:
    """Check and resolve a decisions table: every problem with its row and column, at once."""
    source = str(decisions.attrs.get("source", "<decisions>"))
    columns = [str(c) for c in decisions.columns]
    folded = {_fold_header(c): c for c in columns}
    numbers = decisions.attrs.get("row_numbers")
    if numbers is None or len(numbers) != len(decisions):
        first = int(decisions.attrs.get("first_row", 2))
        numbers = list(range(first, first + len(decisions)))
    rows = [int(x) for x in numbers]
    problems = ProblemCollector()
    if len(decisions) == 0:
        raise DataError(Problem("data.decisions", "should list some decisions, but it has no rows", file=source))
    if "before" in folded and "after" in folded:
        before, after = folded["before"], folded["after"]
        pairs: list[tuple[str, str, int]] = []
        for i, row in enumerate(rows):
            a = _resolve(result, decisions[before].iloc[i], row, before, source, problems)
            b = _resolve(result, decisions[after].iloc[i], row, after, source, problems)
            if a is not None and b is not None:
                if a == b:
                    problems.add(
                        Problem(
                            "data.decisions",
                            f"before and after should name two different countries, but both are {a}",
                            file=source,
                            row=row,
                        )
                    )
                else:
                    pairs.append((a, b, row))
        problems.raise_if_any(DataError)
        return _Decisions("pairs", {}, pairs)
    country_col = next((folded[c] for c in _COUNTRY_COLUMNS if c in folded), None)
    criteria = result.criteria
    for extra in (criteria.id_column, criteria.name_column):
        if country_col is None and extra and _fold_header(extra) in folded:
            country_col = folded[_fold_header(extra)]
    decision_col = next((folded[c] for c in _DECISION_COLUMNS if c in folded), None)
    if len(columns) == 2:
        country_col = country_col or next(c for c in columns if c != decision_col)
        decision_col = decision_col or next(c for c in columns if c != country_col)
    if country_col is None or decision_col is None or country_col == decision_col:
        found = ", ".join(repr(c) for c in columns)
        raise DataError(
            Problem(
                "data.decisions",
                "should have a country column and a decision column (join / not join), or columns before and "
                f"after, but its columns are {found}",
                file=source,
            )
        )
    joined: dict[str, bool] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        ident = _resolve(result, decisions[country_col].iloc[i], row, country_col, source, problems)
        flag = _decision(decisions[decision_col].iloc[i], row, decision_col, source, problems)
        if ident is None or flag is None:
            continue
        if ident in seen:
            problems.add(
                Problem(
                    "data.decisions",
                    f"country {ident} should appear once, but it also appears on row {seen[ident]}",
                    file=source,
                    row=row,
                    column=country_col,
                )
            )
            continue
        seen[ident] = row
        joined[ident] = flag
    problems.raise_if_any(DataError)
    n_join = sum(joined.values())
    if n_join in (0, len(joined)):
        said = "join" if n_join else "not join"
        raise DataError(
            Problem(
                "data.decisions",
                f"should mark some countries join and some not join, but all {len(joined)} are {said}",
                file=source,
                column=decision_col,
            )
        )
    return _Decisions("joined", joined, [])


def _decision(raw: object, row: int, column: str, source: str, problems: ProblemCollector) -> bool | None:
    text = "" if is_missing(raw) and not isinstance(raw, int | float) else _fold_header(raw)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and not (isinstance(raw, float) and math.isnan(raw)) and raw in (0, 1):
        return bool(raw)
    if text in TRUE_TOKENS or text in _JOIN_WORDS:
        return True
    if text in FALSE_TOKENS or text in _NOT_WORDS:
        return False
    found = "blank" if not text else repr(clean_text(raw))
    problems.add(
        Problem(
            "data.decisions",
            f"should be join or not join (or yes / no, 1 / 0), but it is {found}",
            file=source,
            row=row,
            column=column,
        )
    )
    return None


def _resolve(
    result: ScoreResult, raw: object, row: int, column: str, source: str, problems: ProblemCollector
) -> str | None:
    """The ranked unit a decisions cell names (id or name, any UN language), or None with a problem added."""
    if is_missing(raw):
        problems.add(
            Problem("data.decisions", "should name a country, but it is blank", file=source, row=row, column=column)
        )
        return None
    text = clean_text(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
    ident: str | None = None
    error: DataError | None = None
    try:
        ident = result.find(text)
    except DataError as exc:
        error = exc
        try:
            code = default_resolver().resolve(text)
        except DataError:
            code = None
        if code is not None:
            ident = code if code in result.table.index or code in set(result.exclusions["id"]) else None
            if ident is None and result.offices is not None:
                ident = result.offices.office_of(code)
    if ident is not None and ident in result.table.index:
        return ident
    if ident is not None:
        reason = result.exclusions.loc[result.exclusions["id"] == ident, "reason"]
        why = f" ({reason.iloc[0]})" if len(reason) else ""
        message = f"{text!r} ({ident}) should be a ranked country, but it was excluded by eligibility{why}"
    else:
        assert error is not None
        message = error.problems[0].message
    problems.add(Problem("data.decisions", message, file=source, row=row, column=column, value=text))
    return None


__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "FitReport",
    "SensitivityReport",
    "StabilityReport",
    "check_top_k",
    "data_sampler",
    "default_top_k",
    "describe_constraints",
    "find_criterion",
    "fit",
    "frame_records",
    "indicator_uncertainty",
    "sensitivity",
    "stability",
    "sweep",
    "weight_constraints",
]
