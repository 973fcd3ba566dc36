"""Fit: the weights within the ranges and order that reproduce the most past decisions."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.analyses.common import (
    BoolArray,
    FloatArray,
    describe_constraints,
    frame_records,
    json_value,
    weight_constraints,
    weighted_sum_inputs,
    wrap_text,
)
from scorer.analyses.decisions import Decisions, read_decisions
from scorer.core.aggregation import weighted_sum
from scorer.core.ranking import TIE_DECIMALS, min_ranks, tier_indices
from scorer.core.result import ScoreResult
from scorer.solvers.fitting import DEFAULT_NODE_LIMIT, FitSearch, WeightFit, fit_weights
from scorer.solvers.sampling import WeightConstraints


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
            wrap_text(f"Fitted weights (normalised; within the criteria file's ranges and order): {pairs}."),
            f"Reproduced {r:,} of {n:,} {kind} ({r / n:.1%}); the file's weights reproduced "
            f"{self.n_reproduced_before:,}.",
            wrap_text(self.search.words()),
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
            "margin": json_value(self.margin),
            "search": self.search.to_dict(),
            "notes": list(self.notes),
            "decisions": frame_records(self.decisions),
            "countries": frame_records(self.countries) if self.countries is not None else None,
        }


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
    by a linear programme (:func:`scorer.solvers.fitting.fit_weights`); the report's
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
    ids, values, mask = weighted_sum_inputs(result, "a weight fit")
    criteria = result.criteria
    parsed = read_decisions(result, decisions)
    position = {ident: i for i, ident in enumerate(result.table.index)}
    constraints = weight_constraints(criteria)
    notes: list[str] = []
    fitted, pairs, used = _solve(parsed, values, position, constraints, node_limit)
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


def _solve(
    parsed: Decisions,
    values: FloatArray,
    position: dict[str, int],
    constraints: WeightConstraints,
    node_limit: int,
) -> tuple[WeightFit, list[tuple[str, str, int]], NDArray[np.intp]]:
    """The array-level fit of the decisions: the fit, the (before, after, row) pairs, and the rows used."""
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
    return fitted, pairs, used


def _allowed(weights: FloatArray, constraints: WeightConstraints) -> bool:
    """Whether normalised ``weights`` are within the bounds and the order."""
    if np.any(weights < constraints.tight_lower - 1e-9) or np.any(weights > constraints.tight_upper + 1e-9):
        return False
    order = constraints.order or ()
    return all(weights[p] >= weights[q] - 1e-12 for p, q in pairwise(order))


def _pipeline_scores(values: FloatArray, weights: FloatArray, mask: BoolArray) -> FloatArray:
    """Scores rounded as the ranking compares them, from relative weights (the one kernel, as ``rank``)."""
    scores = np.where(mask.any(axis=1), weighted_sum(values, weights, mask), -1.0)
    return cast(FloatArray, np.round(scores, TIE_DECIMALS))


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
    names = [t.name for t in criteria.tiers]
    tiers = [names[t] for t in tier_indices(scores, all_ranks, criteria.tiers)]
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
