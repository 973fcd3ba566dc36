"""Sensitivity (SMAA-2): how sure is each country's place in the top K over every plausible weighting?"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scorer.analyses.common import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    BoolArray,
    FloatArray,
    Progress,
    check_top_k,
    describe_constraints,
    format_share,
    frame_records,
    weight_constraints,
    weighted_sum_inputs,
    wrap_text,
)
from scorer.core.aggregation import effective_weights
from scorer.core.result import ScoreResult
from scorer.model.criteria import Criteria
from scorer.solvers.smaa import SmaaResult, ValuesSampler, acceptability, sample_and_analyse

if TYPE_CHECKING:
    from scorer.elicitation.hull import Stakeholders

_ALWAYS, _SOME, _NEVER = "always", "some", "never"


@dataclass(frozen=True)
class SensitivityReport:
    """What :func:`sensitivity` found.

    ``summary`` (indexed by id, in ranking order): name, rank and tier with
    the file's weights, ``robustness`` (``always``, ``some`` or ``never`` in
    the top K), ``verdict`` in words, ``p_top_k``, ``p_<tier>`` for each tier,
    ``mean_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``,
    ``confidence_factor`` and the central weights ``w_<criterion>`` (the mean
    weights under which the country is in the top K; blank if never).
    ``acceptability``: the share of draws at each rank (columns 1..n; past 1,000
    countries the first ranks only, see :func:`scorer.solvers.rank_counts.ranks_kept`,
    and ``notes`` says so).
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
    weight_space: str = "uniformly from the allowed weights"

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
            f"{self.draws:,} weightings drawn {self.weight_space} "
            f"(seed {self.seed}" + (f", {self.method} sampling)." if self.method != HULL else ")."),
            wrap_text(
                ("Allowed weights: " if self.method != HULL else "The stakeholders' own weights: ")
                + "; ".join(self.allowed_weights)
                + "."
            ),
        ]
        if self.uncertainty:
            errors = ", ".join(f"{iid} ±{e:.0%}" for iid, e in self.uncertainty.items())
            out.append(wrap_text(f"Data uncertainty (relative error of the normalised value): {errors}."))
        always, some, never = self.ids(_ALWAYS), self.ids(_SOME), self.ids(_NEVER)
        k = self.top_k
        name = {str(i): str(x) for i, x in s["name"].items()}
        p = {str(i): float(x) for i, x in s["p_top_k"].items()}
        names = ", ".join(f"{name[i]} ({i})" for i in always)
        every = "every sampled weighting" + (" and data draw" if self.uncertainty else "")
        out.append(wrap_text(f"In the top {k} under {every} ({len(always)}): {names or 'none'}."))
        draws = "draws" if self.uncertainty else "weightings"
        listed = ", with the chance and the mean weights that put it there:" if some else ": none."
        out.append(f"In the top {k} under some {draws} only ({len(some)}){listed}")
        crit = [c.removeprefix("w_") for c in s.columns if c.startswith("w_")]
        central = s[[f"w_{c}" for c in crit]].to_numpy(dtype=float)
        row = {str(i): r for r, i in enumerate(s.index)}
        for i in sorted(some, key=lambda x: -p[x]):
            weights = ", ".join(f"{c} {central[row[i], j]:.2f}" for j, c in enumerate(crit))
            share = format_share(p[i])
            chance = f"p {share[0]} {share[1:]}" if share[0] in "<>" else f"p = {share}"
            out.append(f"  {name[i]} ({i}): {chance}; {weights}")
        out.append(f"Never in the top {k}: {len(never)} countries.")
        return out + [f"Note: {n}" for n in self.notes]

    def table_rows(self) -> pd.DataFrame:
        """The terminal table: the countries with any chance of the top K (and every one ranked in it).

        Columns under the names of ``summary`` (id, rank, name, ``p_top_k``,
        ``p_<tier>`` for the tiers other than the last and the top-K tier,
        the rank interval, the central weights, the confidence factor with
        data uncertainty), so the terminal, CSV, JSON and files share them.

        >>> from scorer import demo_result
        >>> sensitivity(demo_result(), draws=200, seed=1).table_rows().columns[:4].tolist()
        ['id', 'rank', 'name', 'p_top_k']
        """
        s = self.summary
        shown = s[(s["p_top_k"] > 0) | (s["rank"] <= self.top_k)]
        columns = ["rank", "name", "p_top_k"]
        columns += [f"p_{t}" for t in self.tier_names[:-1] if f"p_{t}" in s.columns and t != self.top_k_tier]
        columns += ["rank_p05", "median_rank", "rank_p95"]
        columns += [c for c in s.columns if c.startswith("w_")]
        if self.uncertainty:
            columns.append("confidence_factor")
        return shown[columns].reset_index()

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
            "weight_space": self.weight_space,
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
    stakeholders: Stakeholders | None = None,
) -> SensitivityReport:
    """SMAA-2 over every plausible weighting: how sure is each country's place in the top K?

    Weights are drawn uniformly from the criteria's ``range`` and
    ``weight_order`` (:func:`weight_constraints`); with ``data_uncertainty``
    the indicators' declared ``uncertainty`` perturbs the data in each draw
    too (:func:`data_sampler`). ``top_k`` defaults to the first tier's size.
    Same seed, same numbers. ``progress(done, total)`` is called after each chunk.
    With ``stakeholders`` the weights are drawn from the stakeholders'
    convex hull instead (:func:`scorer.elicitation.hull.sample_hull_weights`:
    every draw a mix of their own weights), and the report says so.

    >>> from scorer import demo_result
    >>> rep = sensitivity(demo_result(), draws=1000, seed=1)
    >>> round(float(rep.summary["p_top_k"].sum()), 6), rep.summary.index[0], rep.summary.iloc[0]["robustness"]
    (15.0, 'NGA', 'always')
    """
    ids, values, mask = weighted_sum_inputs(result, "a sensitivity analysis")
    criteria = result.criteria
    k = check_top_k(top_k, result)
    sampler = data_sampler(result) if data_uncertainty else None
    if stakeholders is not None:
        smaa = _hull_smaa(values, mask, stakeholders, ids, draws, seed, k, criteria, sampler, progress)
    else:
        smaa = sample_and_analyse(
            values,
            weight_constraints(criteria),
            draws=draws,
            seed=seed,
            top_k=k,
            tiers=criteria.tiers,
            mask=mask,
            values_sampler=sampler,
            progress=progress,
        )
    t = result.table
    summary = _summary(result, ids, smaa, k, data=sampler is not None)
    kept = smaa.rank_acceptability.shape[1]
    ranks = np.arange(1, kept + 1)
    acceptability_frame = pd.DataFrame(smaa.rank_acceptability, index=pd.Index(t.index, name="id"), columns=ranks)
    acceptability_frame.insert(0, "name", t["name"].to_numpy(dtype=object))
    first = criteria.tiers[0]
    notes = []
    if kept < len(t):
        notes.append(
            f"the rank shares are kept for ranks 1 to {kept} of {len(t):,} (an n x n table would not fit in "
            "memory); the rank bands, mean ranks and tier shares count every rank"
        )
    if sampler is not None and smaa.sampling_method == "fixed":
        notes.append("the weights are fixed (zero-width ranges): only the data vary")
    return SensitivityReport(
        criteria_name=criteria.name,
        source=result.source,
        draws=int(smaa.draws),
        seed=int(seed),
        top_k=k,
        top_k_tier=first.name if first.top == k and first.min_score is None else None,
        method=HULL if stakeholders is not None else smaa.sampling_method or "",
        allowed_weights=stakeholders.describe() if stakeholders is not None else describe_constraints(criteria),
        uncertainty=indicator_uncertainty(criteria) if sampler is not None else {},
        tier_names=tuple(smaa.tier_names),
        summary=summary,
        acceptability=acceptability_frame,
        notes=notes,
        weight_space=_weight_space(stakeholders),
    )


HULL = "stakeholders' hull"
"""The ``method`` of a report whose weights were drawn within the stakeholders' convex hull."""


def _weight_space(stakeholders: Stakeholders | None) -> str:
    """Where the weights were drawn from, in words (after "weightings drawn ...")."""
    if stakeholders is None:
        return "uniformly from the allowed weights"
    where = f" (read from {stakeholders.source})" if stakeholders.source else ""
    return (
        f"within the convex hull of the {len(stakeholders.names)} stakeholders' weights{where}, each a mix of "
        "their own weights with mixing shares ~ Dirichlet(1, ..., 1)"
    )


def _hull_smaa(
    values: FloatArray,
    mask: BoolArray | None,
    stakeholders: Stakeholders,
    ids: list[str],
    draws: int,
    seed: int,
    k: int,
    criteria: Criteria,
    sampler: ValuesSampler | None,
    progress: Progress | None,
) -> SmaaResult:
    """SMAA over weights drawn from the stakeholders' hull (seed ``seed``; data draws, if any, seed ``seed + 1``)."""
    from scorer.elicitation.hull import sample_hull_weights

    w = sample_hull_weights(stakeholders.aligned(ids), draws, seed=seed)
    return acceptability(
        values, w, mask=mask, top_k=k, tiers=criteria.tiers, values_sampler=sampler, seed=seed + 1, progress=progress
    )


def _summary(result: ScoreResult, ids: list[str], smaa: SmaaResult, k: int, *, data: bool) -> pd.DataFrame:
    """Per country: rank and tier now, the verdict, P(top K), tier shares, rank spread, central weights."""
    t = result.table
    p = np.asarray(smaa.p_top_k, dtype=float)
    robustness = np.where(p >= 1.0, _ALWAYS, np.where(p <= 0.0, _NEVER, _SOME))
    every = "every sampled weighting" + (" and data draw" if data else "")
    some = "draws" if data else "weightings"
    verdict = [
        f"in the top {k} under {every}"
        if r == _ALWAYS
        else f"never in the top {k}"
        if r == _NEVER
        else f"in the top {k} under some {some} (p={format_share(float(x))})"
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
    return summary
