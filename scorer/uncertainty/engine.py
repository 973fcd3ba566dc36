"""The vectorised model behind the uncertainty analysis: precompute once, then look up and add.

Few alternatives exist for each discrete choice, so every normalised and
imputed indicator column each alternative can produce is computed ONCE, by the
project's own pipeline and normalisation (:func:`scorer.pipeline.score_countries`
once per missing-data policy in play, then :func:`scorer.normalisation.normalise`
per normalisation method): one truth. A sample is then a lookup of one column
variant per indicator, optional data noise, two weighted aggregations over a
whole chunk of samples at once (numpy), and a rank.

Scores follow :mod:`scorer.pipeline` (weights renormalised over the available
values at both levels) and, for a country whose available criteria all weigh 0
in a draw, :mod:`scorer.sensitivity` (score 0). Ranks and tiers are
:func:`scorer.sensitivity.min_ranks` and :func:`scorer.sensitivity.assign_tiers`.
Data error follows :func:`scorer.tuning.data_sampler`: a normalised value times
``1 + e U(-1, 1)``, clipped to [0, 1] (z-scores, unbounded, are not clipped).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.criteria import Criteria, MissingPolicy
from scorer.errors import DataError, Problem
from scorer.normalisation import normalise
from scorer.pipeline import score_countries
from scorer.result import ScoreResult
from scorer.sensitivity import assign_tiers, min_ranks
from scorer.uncertainty.factors import Factors, indicator_with

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Batch:
    """Inputs of ``r`` model runs: criterion weights ``(r, k)``, choice indices ``(r, choices)``, noise."""

    weights: FloatArray
    choices: IntArray
    noise: FloatArray | None


@dataclass(frozen=True, eq=False)
class Outcome:
    """Outputs of ``r`` runs: scores, ranks (1 = best) and tier indices, each ``(r, countries)``."""

    scores: FloatArray
    ranks: IntArray
    tiers: IntArray


@dataclass(frozen=True, eq=False)
class Model:
    """The precomputed model: per indicator, every column variant; the structure of the aggregation.

    ``variants[j]`` has shape ``(missing options x normalisation options, n)``;
    variant ``a * len(norm options) + b`` is indicator ``j`` imputed by its
    missing option ``a`` and normalised by option ``b``. ``missing_choice[j]``
    and ``norm_choice[j]`` give the column of ``Batch.choices`` setting them (-1:
    fixed). ``aggregation_choice`` likewise for the aggregation method.
    ``criterion_variants[k]`` (when not None) holds criterion ``k``'s scores for
    every aggregation method and every combination of its indicators' variants,
    ``(methods, combinations, n)``, NaN where unavailable: without data noise a
    run only looks them up.
    """

    ids: list[str]
    criteria: Criteria
    variants: list[FloatArray]
    bounded: list[NDArray[np.bool_]]
    missing_choice: IntArray
    norm_choice: IntArray
    norm_count: IntArray
    aggregations: tuple[str, ...]
    aggregation_choice: int
    assign: FloatArray
    item_weights: FloatArray
    nominal_weights: FloatArray
    errors: FloatArray
    criterion_variants: list[FloatArray] | None = None

    def evaluate(self, batch: Batch) -> Outcome:
        """Scores, ranks and tiers of every run of ``batch``."""
        r = len(batch.weights)
        which = (
            batch.choices[:, self.aggregation_choice] if self.aggregation_choice >= 0 else np.zeros(r, dtype=np.int64)
        )
        variant = self.variant_index(batch)
        noisy = batch.noise is not None and bool((self.errors > 0).any())
        crit = np.empty((r, len(self.ids), self.assign.shape[1]))
        if self.criterion_variants is not None and not noisy:
            for k, table in enumerate(self.criterion_variants):
                crit[:, :, k] = table[which, self.combination(variant, k)]
        else:
            x = self.values(batch, variant)
            for a, method in enumerate(self.aggregations):
                rows = np.flatnonzero(which == a)
                if rows.size:
                    crit[rows] = criterion_scores(x[rows], self.assign, self.item_weights, method)
        scores = np.empty((r, len(self.ids)))
        for a, method in enumerate(self.aggregations):
            rows = np.flatnonzero(which == a)
            if rows.size:
                scores[rows] = overall_scores(crit[rows], batch.weights[rows], method)
        ranks = min_ranks(scores)
        return Outcome(scores, ranks, assign_tiers(scores, ranks, self.criteria.tiers))

    def variant_index(self, batch: Batch) -> IntArray:
        """Each run's variant of each indicator, ``(r, m)``."""
        r, m = len(batch.weights), len(self.variants)
        out = np.zeros((r, m), dtype=np.int64)
        for j in range(m):
            if self.missing_choice[j] >= 0:
                out[:, j] += batch.choices[:, self.missing_choice[j]] * self.norm_count[j]
            if self.norm_choice[j] >= 0:
                out[:, j] += batch.choices[:, self.norm_choice[j]]
        return out

    def combination(self, variant: IntArray, k: int) -> IntArray:
        """The index into ``criterion_variants[k]`` of each run (mixed radix over its indicators' variants)."""
        index = np.zeros(len(variant), dtype=np.int64)
        for j in np.flatnonzero(self.assign[:, k] > 0):
            index = index * len(self.variants[j]) + variant[:, j]
        return index

    def values(self, batch: Batch, variant: IntArray) -> FloatArray:
        """Normalised indicator values ``(r, n, m)`` of each run: looked up, then perturbed (NaN = left out)."""
        r, n, m = len(batch.weights), len(self.ids), len(self.variants)
        x = np.empty((r, n, m))
        clip = np.ones((r, m), dtype=bool)
        for j in range(m):
            x[:, :, j] = self.variants[j][variant[:, j]]
            clip[:, j] = self.bounded[j][variant[:, j]]
        noisy = np.flatnonzero(self.errors > 0)
        if batch.noise is not None and noisy.size:
            e = self.errors[noisy]
            xn = x[:, :, noisy] * (1.0 + e * batch.noise)
            c = clip[:, None, noisy]
            x[:, :, noisy] = np.where(c, np.clip(xn, 0.0, 1.0), xn)
        return x


MAX_COMBINATIONS = 4096
"""Criterion variants are precomputed when a criterion's indicators have at most this many variant combinations."""


def criterion_variants(model: Model) -> list[FloatArray] | None:
    """Every criterion's scores for every aggregation method and combination of variants (None if too many)."""
    out = []
    for k in range(model.assign.shape[1]):
        cols = np.flatnonzero(model.assign[:, k] > 0)
        sizes = [len(model.variants[j]) for j in cols]
        if int(np.prod(sizes)) > MAX_COMBINATIONS:
            return None
        grid = np.indices(sizes).reshape(len(cols), -1)  # row-major: the last indicator varies fastest
        x = np.stack([model.variants[j][grid[i]] for i, j in enumerate(cols)], axis=-1)
        ones = np.ones((len(cols), 1))
        out.append(
            np.stack(
                [criterion_scores(x, ones, model.item_weights[cols], method)[..., 0] for method in model.aggregations]
            )
        )
    return out


def criterion_scores(x: FloatArray, assign: FloatArray, item_weights: FloatArray, method: str) -> FloatArray:
    """Criterion scores ``(..., n, k)`` of indicator values ``x (..., n, m)``; NaN where none is available.

    Indicator weights are renormalised over the available values, as
    :func:`scorer.pipeline.aggregate` does.

    >>> x = np.array([[[1.0, 0.25, 0.0], [np.nan, 0.25, np.nan]]])
    >>> a = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> criterion_scores(x, a, np.ones(3), "arithmetic").tolist()
    [[[0.625, 0.0], [0.25, nan]]]
    >>> criterion_scores(x, a, np.ones(3), "geometric").tolist()
    [[[0.5, 0.0], [0.25, nan]]]
    """
    avail = ~np.isnan(x)
    x0 = np.where(avail, x, 0.0)
    iw = np.where(avail, item_weights, 0.0)
    out = np.empty((*x.shape[:-1], assign.shape[1]))
    for k in range(assign.shape[1]):
        cols = np.flatnonzero(assign[:, k] > 0)
        w = iw[..., cols]
        total = w.sum(axis=-1)
        safe = np.where(total > 0, total, 1.0)
        if method == "geometric":
            with np.errstate(divide="ignore"):
                logs = np.where(w > 0, w * np.log(np.where(w > 0, x0[..., cols], 1.0)), 0.0)
            value = np.exp(logs.sum(axis=-1) / safe)
        else:
            value = (w * x0[..., cols]).sum(axis=-1) / safe
        out[..., k] = np.where(total > 0, value, np.nan)
    return out


def overall_scores(crit: FloatArray, w: FloatArray, method: str) -> FloatArray:
    """Scores ``(r, n)`` of criterion scores ``crit (r, n, k)`` (NaN = unavailable) under weights ``w (r, k)``.

    Weights are renormalised over the available criteria (as
    :func:`scorer.pipeline.aggregate`); a country whose available criteria all
    weigh 0 scores 0 (as :mod:`scorer.sensitivity`).

    >>> crit = np.array([[[1.0, 0.0], [0.5, np.nan]]])
    >>> overall_scores(crit, np.array([[0.5, 0.5]]), "arithmetic").tolist()
    [[0.5, 0.5]]
    >>> overall_scores(crit, np.array([[0.5, 0.5]]), "geometric").tolist()
    [[0.0, 0.5]]
    """
    has = ~np.isnan(crit)
    if has.all():
        total = np.broadcast_to(w.sum(axis=1)[:, None], crit.shape[:2])
        cw = w[:, None, :]
    else:
        cw = np.where(has, w[:, None, :], 0.0)
        total = cw.sum(axis=2)
    positive = total > 0
    safe = np.where(positive, total, 1.0)
    if method == "geometric":
        with np.errstate(divide="ignore"):
            logs = np.where(cw > 0, cw * np.log(np.where(cw > 0, crit, 1.0)), 0.0)
        scores = np.exp(logs.sum(axis=2) / safe)
    else:
        scores = np.matmul(np.where(has, crit, 0.0), w[:, :, None])[..., 0] / safe
    out: FloatArray = np.where(positive, scores, 0.0)
    return out


def aggregate(x: FloatArray, w: FloatArray, assign: FloatArray, item_weights: FloatArray, method: str) -> FloatArray:
    """Scores ``(r, n)`` of values ``x (r, n, m)`` under criterion weights ``w (r, k)``, at both levels.

    >>> x = np.array([[[1.0, 0.0], [0.5, np.nan]]])
    >>> aggregate(x, np.array([[0.5, 0.5]]), np.eye(2), np.ones(2), "arithmetic").tolist()
    [[0.5, 0.5]]
    """
    return overall_scores(criterion_scores(x, assign, item_weights, method), w, method)


def build_model(df: pd.DataFrame, criteria: Criteria, factors: Factors, nominal: ScoreResult) -> Model:
    """Precompute every indicator column variant the factors can ask for (once per alternative)."""
    ids = [str(i) for i in nominal.table.index]
    items = criteria.indicator_items()
    item_ids = [iid for _c, iid, _ind in items]
    raw_by_policy = _raw_by_policy(df, criteria, factors, nominal, ids, item_ids)
    names = factors_choice_index(factors)
    variants: list[FloatArray] = []
    bounded: list[NDArray[np.bool_]] = []
    missing_choice, norm_choice, norm_count = [], [], []
    problems: list[Problem] = []
    for j, (cid, iid, ind) in enumerate(items):
        mc = names.get(("missing", iid), -1)
        nc = names.get(("normalisation", iid), -1)
        m_opts = factors.choices[mc].options if mc >= 0 else ("declared",)
        n_opts = factors.choices[nc].options if nc >= 0 else ("declared",)
        rows, clip = [], []
        for mo in m_opts:
            raw = raw_by_policy["declared" if mo == "declared" else mo][:, j]
            for no in n_opts:
                method = ind.normalisation.value if no == "declared" else no
                values = normalise(raw, indicator_with(ind, normalisation=method))
                lost = np.flatnonzero(np.isnan(values) & ~np.isnan(raw))
                if lost.size:
                    problems.append(
                        Problem(
                            "data.normalisation",
                            f"should be normalisable by {method} for every country, but {ids[lost[0]]} "
                            f"({raw[lost[0]]:g}) is not" + (f" ({lost.size} countries)" if lost.size > 1 else ""),
                            key=f"criteria.{cid}.indicators.{iid}",
                            fix="drop this alternative (log_minmax needs values >= 0)",
                        )
                    )
                rows.append(values)
                clip.append(method != "zscore")
        variants.append(np.asarray(rows, dtype=np.float64))
        bounded.append(np.asarray(clip, dtype=bool))
        missing_choice.append(mc)
        norm_choice.append(nc)
        norm_count.append(len(n_opts))
    if problems:
        raise DataError(problems)
    crit_ids = list(criteria.criteria)
    assign = np.zeros((len(items), len(crit_ids)))
    for j, (cid, _iid, _ind) in enumerate(items):
        assign[j, crit_ids.index(cid)] = 1.0
    weights = criteria.criterion_weights()
    agg = next((i for i, c in enumerate(factors.choices) if c.kind == "aggregation"), -1)
    model = Model(
        ids=ids,
        criteria=criteria,
        variants=variants,
        bounded=bounded,
        missing_choice=np.asarray(missing_choice, dtype=np.int64),
        norm_choice=np.asarray(norm_choice, dtype=np.int64),
        norm_count=np.asarray(norm_count, dtype=np.int64),
        aggregations=factors.aggregations(criteria),
        aggregation_choice=agg,
        assign=assign,
        item_weights=np.array([ind.weight for _c, _i, ind in items], dtype=float),
        nominal_weights=np.array([weights[c] for c in crit_ids]),
        errors=np.array([factors.data_error.get(iid, 0.0) for iid in item_ids]),
    )
    return replace(model, criterion_variants=criterion_variants(model))


def factors_choice_index(factors: Factors) -> dict[tuple[str, str], int]:
    """``(kind, indicator id) -> index`` of the choice setting it.

    >>> from scorer.uncertainty.factors import Choice
    >>> f = Factors(False, (Choice("missing", "missing", "k", ("mean", "worst"), ("a", "b")),), {}, None)
    >>> factors_choice_index(f)
    {('missing', 'a'): 0, ('missing', 'b'): 0}
    """
    out: dict[tuple[str, str], int] = {}
    for i, c in enumerate(factors.choices):
        for iid in c.indicators:
            out[(c.kind, iid)] = i
    return out


def _raw_by_policy(
    df: pd.DataFrame, criteria: Criteria, factors: Factors, nominal: ScoreResult, ids: list[str], item_ids: list[str]
) -> dict[str, FloatArray]:
    """Imputed raw values ``(n, m)`` per missing-data option: the pipeline, run once per option."""
    out = {"declared": nominal.raw.loc[ids, item_ids].to_numpy(dtype=float)}
    options = sorted({o for c in factors.choices if c.kind == "missing" for o in c.options} - {"declared"})
    for option in options:
        covered = {iid for c in factors.choices if c.kind == "missing" and option in c.options for iid in c.indicators}
        changed = {}
        for cid, crit in criteria.criteria.items():
            inds = {}
            for iid, ind in crit.indicators.items():
                if iid in covered:
                    ind = indicator_with(ind, missing=option)
                    if option == MissingPolicy.group_mean.value and not ind.missing_group:
                        ind = ind.model_copy(update={"missing_group": factors.group_column})
                inds[iid] = ind
            changed[cid] = crit.model_copy(update={"indicators": inds})
        result = score_countries(df, criteria.model_copy(update={"criteria": changed}))
        out[option] = result.raw.loc[ids, item_ids].to_numpy(dtype=float)
    return out
