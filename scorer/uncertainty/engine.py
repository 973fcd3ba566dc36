"""The vectorised model behind the uncertainty analysis: precompute once, then look up and combine.

Few alternatives exist for each discrete choice, so every imputed and
normalised indicator column each alternative can produce is computed ONCE by
the project's own code: the table is read once
(:func:`scorer.pipeline.prepare_countries`), imputed by
:func:`scorer.pipeline.score_prepared` once per missing-data policy in play,
and each column scaled by the registered normalisation method
(:data:`scorer.core.normalisation.NORMALISATIONS`). A run is then a lookup of one
variant per indicator, optional data noise, and the criteria tree aggregated
for a whole chunk of runs at once (numpy), then ranked. Without data noise the
top-level criteria's scores are looked up too (every combination of their
indicators' variants is precomputed when there are few).

The batched aggregation kernels below mirror :mod:`scorer.core.aggregation`
(weights renormalised over the available children, then the arithmetic mean,
geometric mean or TOPSIS) on a leading axis of runs; the tests check that every
alternative reproduces :func:`scorer.pipeline.score_prepared`. A country whose
available criteria all weigh 0 in a draw scores 0, as in
:mod:`scorer.solvers.smaa`. Ranks and tiers are
:func:`scorer.solvers.smaa.min_ranks` and :func:`scorer.solvers.smaa.assign_tiers`.
Data error follows :func:`scorer.tuning.data_sampler`: a normalised value
times ``1 + e U(-1, 1)``, clipped to [0, 1] (unbounded methods, z-scores, are
not clipped).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.core.normalisation import NORMALISATIONS
from scorer.core.result import ScoreResult
from scorer.errors import DataError, Problem
from scorer.model.criteria import Criteria
from scorer.pipeline import Prepared, prepare_countries, score_prepared
from scorer.solvers.smaa import assign_tiers, min_ranks
from scorer.uncertainty.factors import Factors, indicator_with

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MAX_PRECOMPUTED = 4_000_000
"""Top-level criterion scores are precomputed when combinations x countries x indicators stay below this."""


@dataclass(frozen=True, eq=False)
class Batch:
    """Inputs of ``r`` model runs: top-level criterion weights ``(r, k)``, choice indices ``(r, choices)``, noise."""

    weights: FloatArray
    choices: IntArray
    noise: FloatArray | None


@dataclass(frozen=True, eq=False)
class Outcome:
    """Outputs of ``r`` runs: scores, ranks (1 = best) and tier indices, each ``(r, countries)``."""

    scores: FloatArray
    ranks: IntArray
    tiers: IntArray


@dataclass(frozen=True)
class TreeNode:
    """One criterion of the tree: its children (indicator columns or node positions), weights, methods.

    ``methods[a]`` is its aggregation method under the ``a``-th aggregation alternative.
    """

    parent: int
    leaves: tuple[int, ...]
    nodes: tuple[int, ...]
    weights: tuple[float, ...]
    methods: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Model:
    """The precomputed model: every column variant per indicator, and the criteria tree.

    ``variants[j]`` has shape ``(missing options x normalisation options, n)``;
    variant ``a * norm_count[j] + b`` is indicator ``j`` imputed by its missing
    option ``a`` and normalised by option ``b``. ``missing_choice[j]`` and
    ``norm_choice[j]`` give the column of ``Batch.choices`` setting them (-1:
    fixed); ``aggregation_choice`` likewise for the file's aggregation, whose
    alternatives are ``aggregations``. ``tree`` lists the criteria parents
    first; ``top`` their top-level positions. ``top_variants[k]`` (when not
    None) holds top-level criterion ``k``'s scores for every aggregation
    alternative and combination of its indicators' variants, ``(alternatives,
    combinations, n)``, NaN where unavailable.
    """

    ids: list[str]
    criteria: Criteria
    variants: list[FloatArray]
    bounded: list[BoolArray]
    missing_choice: IntArray
    norm_choice: IntArray
    norm_count: IntArray
    aggregations: tuple[str, ...]
    aggregation_choice: int
    tree: tuple[TreeNode, ...]
    top: tuple[int, ...]
    nominal_weights: FloatArray
    errors: FloatArray
    top_variants: list[FloatArray] | None = None

    def evaluate(self, batch: Batch) -> Outcome:
        """Scores, ranks and tiers of every run of ``batch``."""
        r = len(batch.weights)
        which = (
            batch.choices[:, self.aggregation_choice] if self.aggregation_choice >= 0 else np.zeros(r, dtype=np.int64)
        )
        variant = self.variant_index(batch)
        noisy = batch.noise is not None and bool((self.errors > 0).any())
        top = np.empty((r, len(self.ids), len(self.top)))
        computed = list(range(len(self.top)))
        if self.top_variants is not None:
            # Look up every top-level criterion whose indicators carry no data noise in this batch.
            computed = [k for k in computed if noisy and bool((self.errors[self.leaves_of(k)] > 0).any())]
            for k, table in enumerate(self.top_variants):
                if k not in computed:
                    top[:, :, k] = table[which, self.combination(variant, k)]
        if computed:
            x = self.values(batch, variant)
            for a in range(len(self.aggregations)):
                rows = np.flatnonzero(which == a)
                if rows.size:
                    cols = np.asarray(computed, dtype=np.int64)
                    top[np.ix_(rows, np.arange(len(self.ids)), cols)] = self.subtrees(x[rows], a, computed)
        scores = np.empty((r, len(self.ids)))
        for a, method in enumerate(self.aggregations):
            rows = np.flatnonzero(which == a)
            if rows.size:
                scores[rows] = np.nan_to_num(combine(top[rows], batch.weights[rows][:, None, :], method), nan=0.0)
        ranks = min_ranks(scores)
        return Outcome(scores, ranks, assign_tiers(scores, ranks, self.criteria.tiers))

    def subtrees(self, x: FloatArray, a: int, only: list[int] | None = None) -> FloatArray:
        """Scores ``(r, n, k)`` of the top-level criteria (those in ``only``, default all) from values ``x (r, n, m)``.

        ``a`` is the aggregation alternative.
        """
        wanted = list(range(len(self.top))) if only is None else only
        keep = {self.top[k] for k in wanted}
        node_scores: list[FloatArray | None] = [None] * len(self.tree)
        for p in range(len(self.tree) - 1, -1, -1):  # children before parents
            root = p
            while self.tree[root].parent >= 0:
                root = self.tree[root].parent
            if root not in keep:
                continue
            node = self.tree[p]
            if node.leaves:
                values = x[:, :, list(node.leaves)]
            else:
                values = np.stack([node_scores[c] for c in node.nodes], axis=-1)  # type: ignore[misc]
            node_scores[p] = combine(values, np.asarray(node.weights)[None, None, :], node.methods[a])
        return np.stack([node_scores[self.top[k]] for k in wanted], axis=-1)  # type: ignore[misc]

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

    def leaves_of(self, k: int) -> list[int]:
        """Indicator columns under top-level criterion ``k``, in column order."""
        out: list[int] = []
        stack = [self.top[k]]
        while stack:
            node = self.tree[stack.pop()]
            out += node.leaves
            stack += node.nodes
        return sorted(out)

    def combination(self, variant: IntArray, k: int) -> IntArray:
        """The index into ``top_variants[k]`` of each run (mixed radix over its indicators' variants)."""
        index = np.zeros(len(variant), dtype=np.int64)
        for j in self.leaves_of(k):
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
            xn = x[:, :, noisy] * (1.0 + self.errors[noisy] * batch.noise)
            x[:, :, noisy] = np.where(clip[:, None, noisy], np.clip(xn, 0.0, 1.0), xn)
        return x


def combine(values: FloatArray, weights: FloatArray, method: str) -> FloatArray:
    """Aggregate the last axis of ``values (..., n, c)`` (NaN = unavailable) with ``weights (..., 1, c)``.

    The batched form of :mod:`scorer.core.aggregation`'s kernels: per row, weights
    renormalised over the available children; NaN where none is available or
    they all weigh 0. TOPSIS norms and ideals are taken over the ``n`` axis.

    >>> v = np.array([[[1.0, 0.0], [0.25, np.nan]]])
    >>> w = np.array([[[0.5, 0.5]]])
    >>> combine(v, w, "arithmetic").tolist(), combine(v, w, "geometric").tolist()
    ([[0.5, 0.25]], [[0.0, 0.25]])
    >>> combine(np.array([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]]), w, "topsis").round(6).tolist()
    [[0.5, 0.5, 1.0]]
    """
    mask = ~np.isnan(values)
    if method != "geometric" and values.ndim == 3 and bool((weights > 0).all()):
        complete = mask.all(axis=(1, 2))
        if complete.any():
            w_all = np.broadcast_to(weights, (len(values), 1, values.shape[-1]))
            split: FloatArray = np.empty(values.shape[:-1])
            w_ok = w_all[complete]
            split[complete] = _combine_complete(values[complete], w_ok / w_ok.sum(axis=-1, keepdims=True), method)
            rest = ~complete
            if rest.any():
                split[rest] = combine(values[rest], w_all[rest], method)
            return split
    w = np.where(mask, weights, 0.0)
    total = w.sum(axis=-1, keepdims=True)
    w = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
    ok = mask.any(axis=-1) & (w.sum(axis=-1) > 0)
    if method == "arithmetic":
        scores = np.where(mask, w * np.nan_to_num(values), 0.0).sum(axis=-1)
    elif method == "geometric":
        v = np.where(mask, np.nan_to_num(values, nan=1.0), 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(w > 0, w * np.log(np.clip(v, 0.0, None)), 0.0)
        scores = np.exp(logs.sum(axis=-1))
    elif method == "topsis":
        scores = _closeness(values, w, mask)
    else:
        raise ValueError(f"unknown aggregation {method!r}")
    out: FloatArray = np.where(ok, scores, np.nan)
    return out


def _combine_complete(values: FloatArray, w: FloatArray, method: str) -> FloatArray:
    """:func:`combine` when every child is available and the weights (already summing to 1) are positive."""
    if method == "arithmetic":
        out: FloatArray = np.matmul(
            values, np.swapaxes(np.broadcast_to(w, (*values.shape[:-2], *w.shape[-2:])), -1, -2)
        )[..., 0]
        return out
    norms = np.sqrt(np.einsum("...nc,...nc->...c", values, values))[..., None, :]
    r = values / np.where(norms > 0, norms, 1.0)
    s_plus = np.sqrt((np.square((r - r.max(axis=-2, keepdims=True)) * w)).sum(axis=-1))
    s_minus = np.sqrt((np.square((r - r.min(axis=-2, keepdims=True)) * w)).sum(axis=-1))
    total = s_plus + s_minus
    out = np.where(total > 0, s_minus / np.where(total > 0, total, 1.0), 0.5)
    return out


def _closeness(values: FloatArray, w: FloatArray, mask: BoolArray) -> FloatArray:
    """TOPSIS closeness as :func:`scorer.core.aggregation.topsis`, norms and ideals over the rows (axis -2)."""
    x = np.where(mask, np.nan_to_num(values), 0.0)
    norms = np.sqrt((x**2).sum(axis=-2, keepdims=True))
    r = np.where(mask, x / np.where(norms > 0, norms, 1.0), np.nan)
    available = mask.any(axis=-2, keepdims=True)
    ideal = np.where(available, np.max(np.where(mask, r, -np.inf), axis=-2, keepdims=True), np.nan)
    anti = np.where(available, np.min(np.where(mask, r, np.inf), axis=-2, keepdims=True), np.nan)
    s_plus = np.sqrt((np.where(mask, w * (r - ideal), 0.0) ** 2).sum(axis=-1))
    s_minus = np.sqrt((np.where(mask, w * (r - anti), 0.0) ** 2).sum(axis=-1))
    total = s_plus + s_minus
    out: FloatArray = np.where(total > 0, s_minus / np.where(total > 0, total, 1.0), 0.5)
    return out


def build_model(df: pd.DataFrame, criteria: Criteria, factors: Factors) -> tuple[Model, ScoreResult]:
    """Precompute every indicator column variant the factors can ask for; also the nominal result."""
    prepared = prepare_countries(df, criteria)
    nominal = score_prepared(prepared, criteria)
    ids = [str(i) for i in nominal.table.index]
    items = criteria.indicator_items()
    raw_by_policy = _raw_by_policy(prepared, criteria, factors, ids)
    index = choice_index(factors)
    variants: list[FloatArray] = []
    bounded: list[BoolArray] = []
    missing_choice, norm_choice, norm_count = [], [], []
    problems: list[Problem] = []
    for j, (_cid, iid, ind) in enumerate(items):
        mc, nc = index.get(("missing", iid), -1), index.get(("normalisation", iid), -1)
        m_opts = factors.choices[mc].options if mc >= 0 else ("declared",)
        n_opts = factors.choices[nc].options if nc >= 0 else ("declared",)
        rows, clip = [], []
        for mo in m_opts:
            raw = raw_by_policy[mo][:, j]
            for no in n_opts:
                target = ind if no == "declared" else criteria.with_normalisation(iid, no).indicator(iid)
                method = NORMALISATIONS[target.normalisation.value]
                bad = method.bad_raw(raw)
                if bad:
                    position, message = bad[0]
                    problems.append(
                        Problem(
                            "data.normalisation",
                            f"should suit the alternative normalisation {method.name}, but for {ids[position]}: "
                            f"{message}",
                            key=f"uncertainty.alternatives.normalisation ({iid})",
                        )
                    )
                    continue
                rows.append(method.scale(raw, target))
                clip.append(method.bounded)
        variants.append(np.asarray(rows, dtype=np.float64))
        bounded.append(np.asarray(clip, dtype=bool))
        missing_choice.append(mc)
        norm_choice.append(nc)
        norm_count.append(len(n_opts))
    if problems:
        raise DataError(problems)
    aggregations = factors.aggregations(criteria)
    tree, top = _tree(criteria, aggregations)
    weights = criteria.criterion_weights()
    model = Model(
        ids=ids,
        criteria=criteria,
        variants=variants,
        bounded=bounded,
        missing_choice=np.asarray(missing_choice, dtype=np.int64),
        norm_choice=np.asarray(norm_choice, dtype=np.int64),
        norm_count=np.asarray(norm_count, dtype=np.int64),
        aggregations=aggregations,
        aggregation_choice=next((i for i, c in enumerate(factors.choices) if c.kind == "aggregation"), -1),
        tree=tree,
        top=top,
        nominal_weights=np.array([weights[c] for c in criteria.criteria]),
        errors=np.array([factors.data_error.get(iid, 0.0) for _c, iid, _i in items]),
    )
    return replace(model, top_variants=top_variants(model)), nominal


def _tree(criteria: Criteria, aggregations: tuple[str, ...]) -> tuple[tuple[TreeNode, ...], tuple[int, ...]]:
    """The criteria tree, parents first, with each node's method under each aggregation alternative."""
    nodes = criteria.nodes()
    position = {n.id: k for k, n in enumerate(nodes)}
    column = {iid: j for j, (_c, iid, _i) in enumerate(criteria.indicator_items())}
    methods = [[n.aggregation.value for n in criteria.with_aggregation(a).nodes()] for a in aggregations]
    tree = []
    for k, node in enumerate(nodes):
        crit = node.criterion
        children = crit.indicators or crit.criteria
        tree.append(
            TreeNode(
                parent=-1 if node.parent is None else position[node.parent],
                leaves=tuple(column[i] for i in crit.indicators),
                nodes=tuple(position[c] for c in crit.criteria),
                weights=tuple(float(child.weight) for child in children.values()),
                methods=tuple(m[k] for m in methods),
            )
        )
    return tuple(tree), tuple(k for k, n in enumerate(nodes) if n.parent is None)


def top_variants(model: Model) -> list[FloatArray] | None:
    """Every top-level criterion's scores per aggregation alternative and variant combination (None if too many)."""
    out = []
    n, m = len(model.ids), len(model.variants)
    for k in range(len(model.top)):
        cols = model.leaves_of(k)
        sizes = [len(model.variants[j]) for j in cols]
        combos = int(np.prod(sizes))
        if combos * n * m > MAX_PRECOMPUTED:
            return None
        grid = np.indices(sizes).reshape(len(cols), -1)  # row-major: the last indicator varies fastest
        x = np.full((combos, n, m), np.nan)
        for i, j in enumerate(cols):
            x[:, :, j] = model.variants[j][grid[i]]
        out.append(np.stack([model.subtrees(x, a)[:, :, k] for a in range(len(model.aggregations))]))
    return out


def choice_index(factors: Factors) -> dict[tuple[str, str], int]:
    """``(kind, indicator id) -> index`` of the choice setting it.

    >>> from scorer.uncertainty.factors import Choice
    >>> f = Factors(False, (Choice("missing", "missing", "k", ("mean", "worst"), ("a", "b")),), {}, None)
    >>> choice_index(f)
    {('missing', 'a'): 0, ('missing', 'b'): 0}
    """
    out: dict[tuple[str, str], int] = {}
    for i, c in enumerate(factors.choices):
        for iid in c.indicators:
            out[(c.kind, iid)] = i
    return out


def _raw_by_policy(prepared: Prepared, criteria: Criteria, factors: Factors, ids: list[str]) -> dict[str, FloatArray]:
    """Imputed raw values ``(n, m)`` per missing-data option: :func:`score_prepared` once per option."""
    item_ids = [iid for _c, iid, _i in criteria.indicator_items()]
    out = {"declared": score_prepared(prepared, criteria).raw.loc[ids, item_ids].to_numpy(dtype=float)}
    options = sorted({o for c in factors.choices if c.kind == "missing" for o in c.options} - {"declared"})
    group = factors.group_column
    if group is not None and "group_mean" in options and group not in prepared.frame.columns:
        raise DataError(
            Problem(
                "data.missing_column",
                f"should have a column {group!r} (uncertainty.group_column), but it does not",
                file=prepared.source,
                column=group,
            )
        )
    for option in options:
        changed = criteria
        for c in factors.choices:
            if c.kind != "missing" or option not in c.options:
                continue
            for iid in c.indicators:
                ind = indicator_with(changed.indicator(iid), missing=option)
                own = ind.missing_group or group
                changed = changed.with_indicator(
                    iid, missing=ind.missing, missing_group=own if option == "group_mean" else None
                )
        out[option] = score_prepared(prepared, changed).raw.loc[ids, item_ids].to_numpy(dtype=float)
    return out
