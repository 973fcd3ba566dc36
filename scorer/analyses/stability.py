"""Stability: exact intervals of one weight at a time, and what single change moves each country."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scorer.analyses.common import BoolArray, FloatArray, check_top_k, frame_records, weighted_sum_inputs
from scorer.analyses.readback import Readback
from scorer.analyses.wording import (
    interval_words,
    no_single_change_words,
    plain,
    value_change_words,
    weight_change_words,
)
from scorer.core.aggregation import weighted_sum
from scorer.core.result import ScoreResult
from scorer.model.criteria import Criteria
from scorer.solvers.intervals import (
    end_changes,
    top_k_and_tier_intervals,
    value_change_to_flip,
    weight_change_to_flip,
)


@dataclass(frozen=True)
class StabilityReport:
    """What :func:`stability` found, exactly (no sampling).

    Its column names are the ones every output uses (``stability`` as text,
    CSV, JSON and ``-o``; the report's page, workbook and Markdown):

    ``weights`` (indexed by ``criterion``): ``label``; the current normalised
    ``weight``; the interval ``low``-``high`` of that weight (moved alone, the
    others keeping their proportions) on which the top-K set stays the same;
    whether each end is excluded (``low_open``, ``high_open``: always at a
    crossing inside (0, 1), where countries tie; at 0 or 1 only when ties at
    exactly that weight change the top K); the criteria file's plausible
    range ``range_low``-``range_high``; the sentence ``in_words``.

    ``countries`` (indexed by ``id``, ranking order): ``name``, ``rank``,
    ``tier``, ``in_top_k``, ``score``; the smallest single weight change
    (``weight_criterion``, ``weight_from``, ``weight_to``,
    ``weight_in_range``: within that criterion's plausible range,
    ``weight_in_words``) and the smallest single criterion-score change
    (``score_criterion``, ``score_from``, ``score_to``, the raw
    ``value_needed`` where it can be read back, ``value_in_words``) that move
    the country into or out of the top K; per criterion the interval of its
    weight on which the country's tier stays the same (``tier_low_<c>``,
    ``tier_high_<c>``). ``options`` has every (country, criterion) change.
    The sentences come from :mod:`scorer.analyses.wording`, once.
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
        "Each weight moved alone (the others keep their proportions), for the top 15 (tier 'join'):"
        """
        what = f"top {self.top_k}" + (f" (tier {self.top_k_tier!r})" if self.top_k_tier else "")
        out = [f"Each weight moved alone (the others keep their proportions), for the {what}:"]
        out += [f"  {text}" for text in self.weights["in_words"]]
        return out

    def country_lines(self) -> list[str]:
        """Each country near the cut (rank <= 2K, or moved by one plausible weight change): what would move it.

        >>> from scorer import demo_result
        >>> stability(demo_result()).country_lines()[2].startswith("      weight: ")
        True
        """
        c = self.countries
        near = c[(c["rank"] <= 2 * self.top_k) | c["weight_in_range"]]
        out = [
            f"What one change would move each country into or out of the top {self.top_k} "
            "(weights: the others keep their proportions; scores: the criterion score, 0-1):"
        ]
        for ident, row in near.iterrows():
            where = "in" if row["in_top_k"] else "out"
            out.append(f"{int(row['rank']):>4}  {row['name']} ({ident}), {row['tier']}, {where}")
            out.append(f"      weight: {row['weight_in_words']}")
            out.append(f"      data:   {row['value_in_words']}")
        if len(near) < len(c):
            out.append(f"({len(c) - len(near)} more countries, and every tier interval: --format csv or -o)")
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
    ids, values, mask = weighted_sum_inputs(result, "a stability analysis")
    criteria = result.criteria
    k = check_top_k(top_k, result)
    weights = result.weights[ids].to_numpy(dtype=float)
    m = None if mask.all() else mask

    # One pass over each weight's crossings gives the top K's interval and every tier's; what it takes re-uses it.
    both = [
        top_k_and_tier_intervals(values, weights, j, top_k=k, tiers=criteria.tiers, mask=m) for j in range(len(ids))
    ]
    weight_frame = _weight_intervals(result, ids, values, weights, k, m, [top for top, _ in both])
    countries, option_rows = _what_it_takes(result, ids, values, mask, weights, k)
    for cid, (_top, (lo_t, hi_t)) in zip(ids, both, strict=True):
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


def _weight_intervals(
    result: ScoreResult,
    ids: list[str],
    values: FloatArray,
    weights: FloatArray,
    k: int,
    m: BoolArray | None,
    intervals: list[tuple[float, float]],
) -> pd.DataFrame:
    """One row per criterion: its weight's interval keeping the top K (given), whether each end is open, in words."""
    criteria = result.criteria
    weight_rows = []
    for j, cid in enumerate(ids):
        lo, hi = intervals[j]
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
                "in_words": interval_words(
                    plain(cid), weights[j], lo, hi, what=f"the top {k}", open_at_0=open_low, open_at_1=open_high
                ),
            }
        )
    return pd.DataFrame(weight_rows).set_index("criterion")


def _what_it_takes(
    result: ScoreResult, ids: list[str], values: FloatArray, mask: BoolArray, weights: FloatArray, k: int
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Per country the smallest single weight and score change across the cut; every option as rows."""
    criteria = result.criteria
    t = result.table
    what = f"the top {k}"
    m = None if mask.all() else mask
    scores = weighted_sum(values, weights, mask)
    in_top = (t["rank"].to_numpy() <= k) if len(t) else np.zeros(0, dtype=bool)
    dw = weight_change_to_flip(values, weights, top_k=k, mask=m)
    dv = value_change_to_flip(values, weights, top_k=k, mask=m)
    readback = Readback(result)
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
    return pd.DataFrame(country_rows, index=pd.Index(t.index, name="id")), option_rows


def _in_range(w: float, rng: tuple[float, float] | None) -> bool:
    if not np.isfinite(w):
        return False
    return rng is None or rng[0] - 1e-12 <= w <= rng[1] + 1e-12


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
        words = no_single_change_words("weight", inside=inside, what=what)
        return {
            "weight_criterion": "",
            "weight_from": np.nan,
            "weight_to": np.nan,
            "weight_in_range": False,
            "weight_in_words": words,
        }
    j = best[1]
    cid, w, to = ids[j], float(weights[j]), float(weights[j] + dw[j])
    rng = criteria.criteria[cid].range
    # dw is a signed zero at a tie at the cut: any change in its direction moves the country
    rise = bool(dw[j] > 0 or (dw[j] == 0 and not np.signbit(dw[j])))
    words = weight_change_words(plain(cid), w, to, inside=inside, what=what, rise=rise, plausible=rng)
    return {
        "weight_criterion": cid,
        "weight_from": w,
        "weight_to": to,
        "weight_in_range": _in_range(to, rng),
        "weight_in_words": words,
    }


def _value_change(
    readback: Readback,
    i: int,
    ids: list[str],
    values: FloatArray,
    dv: FloatArray,
    best: tuple[float, int] | None,
    inside: bool,
    what: str,
) -> dict[str, Any]:
    if best is None:
        words = no_single_change_words("criterion score", inside=inside, what=what)
        return {
            "score_criterion": "",
            "score_from": np.nan,
            "score_to": np.nan,
            "value_needed": "",
            "value_in_words": words,
        }
    j = best[1]
    cid, v, to = ids[j], float(values[j]), float(values[j] + dv[j])
    needed = readback.text(i, cid, to, raise_score=not inside)
    words = value_change_words(plain(cid), v, to, inside=inside, what=what, needed=needed)
    return {
        "score_criterion": cid,
        "score_from": v,
        "score_to": to,
        "value_needed": needed,
        "value_in_words": words,
    }
