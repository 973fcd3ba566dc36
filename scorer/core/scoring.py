"""Scoring a prepared matrix: normalise each indicator, then aggregate the criteria tree.

Pure array code with no spreadsheet in sight: :func:`score_matrix` takes the
raw (already imputed) values, one column per indicator in
``criteria.indicator_items()`` order, and returns every intermediate. This is
the function to call many times with alternative modelling choices: a copy
of the criteria with another normalisation
(:meth:`scorer.model.criteria.Criteria.with_normalisation`) or aggregation
(:meth:`scorer.model.criteria.Criteria.with_aggregation`), on the same matrix.

The tree: each criterion combines its indicators, or its sub-criteria, with
its aggregation method; the top-level criteria combine into the score with
the file's aggregation. Each node's effective weight within its parent is
renormalised per row over the children with a value. A node's overall
weight is the product of those weights up its path, and its contribution
(overall weight x its score) exists when every aggregation above it is
additive: then the contributions of a node's children add up to the node's
own contribution, at every level, and the top-level ones to the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from scorer.core.aggregation import AGGREGATIONS, AggregationMethod, Combined
from scorer.core.normalisation import NORMALISATIONS
from scorer.model.criteria import Criteria, Node

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

ROOT = "score"


@dataclass(frozen=True)
class Scored:
    """Everything one scoring of a matrix computed (rows = units, as given).

    ``nodes`` lists every criterion at any depth, parents first; the
    ``node_*`` arrays have one column per node in that order.
    ``node_contributions`` and ``contributions`` are NaN where a
    non-additive aggregation (geometric, TOPSIS) above makes shares
    meaningless; ``no_contributions`` then says why, per node id ('score'
    for the top). ``details`` holds each non-additive node's intermediates
    (TOPSIS distances), keyed by node id.
    """

    normalised: FloatArray
    scores: FloatArray
    nodes: list[Node]
    node_scores: FloatArray
    node_weights: FloatArray
    node_contributions: FloatArray
    indicator_weights: FloatArray
    contributions: FloatArray
    no_contributions: dict[str, str]
    details: dict[str, dict[str, FloatArray]]

    @property
    def node_ids(self) -> list[str]:
        """The criterion ids, parents first."""
        return [n.id for n in self.nodes]

    def top_level(self) -> list[int]:
        """Column positions of the top-level criteria in the ``node_*`` arrays."""
        return [k for k, n in enumerate(self.nodes) if n.parent is None]


def normalise_matrix(raw: FloatArray, criteria: Criteria) -> FloatArray:
    """Each indicator column normalised by its method, direction applied.

    >>> from scorer.io.criteria_file import parse_criteria_text
    >>> c = parse_criteria_text("name: x\\ncriteria:\\n  a: {label: A, cites: p, weight: 1, "
    ...     "indicators: {i: {column: c, direction: lower}}}")
    >>> normalise_matrix(np.array([[1.0], [3.0]]), c).tolist()
    [[1.0], [0.0]]
    """
    items = criteria.indicator_items()
    out = np.empty((len(raw), len(items)), order="F")  # column-major: each column written in one contiguous run
    for j, (_c, _i, ind) in enumerate(items):
        out[:, j] = NORMALISATIONS[ind.normalisation.value].scale(raw[:, j], ind)
    return out


def score_matrix(raw: FloatArray, criteria: Criteria) -> Scored:
    """Normalise and aggregate a raw matrix (NaN = left out, weights renormalised).

    >>> from scorer.io.criteria_file import parse_criteria_text
    >>> c = parse_criteria_text("name: x\\ncriteria:\\n"
    ...     "  a: {label: A, cites: p, weight: 3, indicators: {i: {column: c}}}\\n"
    ...     "  b: {label: B, cites: p, weight: 1, indicators: {j: {column: d}}}")
    >>> score_matrix(np.array([[0.0, 1.0], [1.0, 0.0]]), c).scores.tolist()
    [0.25, 0.75]
    """
    return aggregate(normalise_matrix(raw, criteria), criteria)


def aggregate(normalised: FloatArray, criteria: Criteria) -> Scored:
    """Aggregate normalised indicator values up the criteria tree (see the module docstring)."""
    n = len(normalised)
    nodes = criteria.nodes()
    position = {n_.id: k for k, n_ in enumerate(nodes)}
    leaf = {iid: j for j, (_c, iid, _i) in enumerate(criteria.indicator_items())}
    children: dict[str | None, list[Node]] = {}
    for node in nodes:
        children.setdefault(node.parent, []).append(node)
    # column-major, like the normalised matrix: a node's column is one contiguous run
    node_scores = np.full((n, len(nodes)), np.nan, order="F")
    within_node = np.zeros((n, len(nodes)), order="F")
    within_leaf = np.zeros((n, len(leaf)), order="F")
    details: dict[str, dict[str, FloatArray]] = {}

    def combine(key: str, method: AggregationMethod, values: FloatArray, weights: list[float]) -> Combined:
        step = method.combine(values, np.asarray(weights, dtype=float), ~np.isnan(values))
        if step.details:
            details[key] = step.details
        return step

    for node in reversed(nodes):  # children before parents
        crit = node.criterion
        method = AGGREGATIONS[node.aggregation.value]
        if crit.indicators:
            cols = [leaf[iid] for iid in crit.indicators]
            weights = [ind.weight for ind in crit.indicators.values()]
            step = combine(node.id, method, normalised[:, cols], weights)
            node_scores[:, position[node.id]], within_leaf[:, cols] = step.scores, step.weights
        else:
            cols = [position[c.id] for c in children[node.id]]
            weights = [c.criterion.weight for c in children[node.id]]
            step = combine(node.id, method, node_scores[:, cols], weights)
            node_scores[:, position[node.id]], within_node[:, cols] = step.scores, step.weights
    top = [position[c.id] for c in children[None]]
    root = AGGREGATIONS[criteria.aggregation.value]
    values = node_scores if top == list(range(len(nodes))) else node_scores[:, top]  # no copy when all are top
    step = combine(ROOT, root, values, [c.criterion.weight for c in children[None]])
    within_node[:, top] = step.weights
    # every criterion top-level under an additive root: the root's contributions are the criteria's own
    # (overall weight x score, the same products), so _decompose takes them instead of a new matrix
    shared = step.contributions if values is node_scores and root.additive else None
    ordered = {key: details[key] for key in [ROOT, *position] if key in details}  # the score, then parents first
    return _decompose(
        normalised, criteria, step.scores, node_scores, within_node, within_leaf, ordered, top_contributions=shared
    )


def _decompose(
    normalised: FloatArray,
    criteria: Criteria,
    scores: FloatArray,
    node_scores: FloatArray,
    within_node: FloatArray,
    within_leaf: FloatArray,
    details: dict[str, dict[str, FloatArray]],
    *,
    top_contributions: FloatArray | None = None,
) -> Scored:
    """Overall weights and contributions, top down; NaN below a non-additive aggregation.

    ``top_contributions``: the root's own contributions when every criterion is top-level
    under an additive root; they are the node contributions, taken as they are.

    ``within_node`` and ``within_leaf`` are :func:`aggregate`'s own scratch: they become the
    overall node and indicator weights in place (parents before children, so a parent's
    overall weight is final before its children read it), saving two matrices the table's size.
    """
    nodes = criteria.nodes()
    position = {n_.id: k for k, n_ in enumerate(nodes)}
    n = len(normalised)
    overall = within_node
    exists = np.zeros(len(nodes), dtype=bool)
    no_contributions: dict[str, str] = {}
    root = AGGREGATIONS[criteria.aggregation.value]
    if not root.additive:
        no_contributions[ROOT] = root.no_contributions
    for k, node in enumerate(nodes):  # parents before children
        if node.parent is None:
            above, above_exists, parent_method = np.ones(n), True, root
        else:
            p = position[node.parent]
            above, above_exists = overall[:, p], bool(exists[p])
            parent_method = AGGREGATIONS[nodes[p].aggregation.value]
        overall[:, k] = above * within_node[:, k]
        exists[k] = above_exists and parent_method.additive
        method = AGGREGATIONS[node.aggregation.value]
        if not method.additive:
            no_contributions[node.id] = method.no_contributions
    # overall weight x score, 0 where no score, NaN where none exist
    if top_contributions is not None and top_contributions.shape == node_scores.shape:
        node_contributions = top_contributions
    else:
        node_contributions = np.empty_like(node_scores)
        for k in range(len(nodes)):  # a column at a time: no temporary the size of the table
            column, out = node_scores[:, k], node_contributions[:, k]
            np.multiply(overall[:, k], np.nan_to_num(column), out=out)
            np.copyto(out, 0.0, where=np.isnan(column))
    node_contributions[:, ~exists] = np.nan
    indicator_weights = within_leaf
    contributions = np.full_like(within_leaf, np.nan)
    owners = {iid: node for node in reversed(nodes) for iid in node.criterion.indicators}
    for j, (_c, iid, _i) in enumerate(criteria.indicator_items()):
        owner = owners[iid]
        k = position[owner.id]
        indicator_weights[:, j] = overall[:, k] * within_leaf[:, j]
        if exists[k] and AGGREGATIONS[owner.aggregation.value].additive:
            value = normalised[:, j]
            contributions[:, j] = np.where(np.isnan(value), 0.0, indicator_weights[:, j] * np.nan_to_num(value))
    return Scored(
        normalised=normalised,
        scores=scores,
        nodes=nodes,
        node_scores=node_scores,
        node_weights=overall,
        node_contributions=node_contributions,
        indicator_weights=indicator_weights,
        contributions=contributions,
        no_contributions=no_contributions,
        details=details,
    )


def rows_in_order(values: np.ndarray, positions: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """``values[positions]``, the rows of a matrix reordered, in its own layout (column-major stays so).

    ``np.take`` copies whole rows where fancy indexing goes cell by cell (ten times slower on a
    wide table); a column-major matrix is taken column by column, each a contiguous run, and with
    ``in_place`` (the caller never reads ``values`` again) into itself, through one column of scratch.

    >>> m = np.asfortranarray([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> rows_in_order(m, np.array([2, 0, 1])).tolist()
    [[5.0, 6.0], [1.0, 2.0], [3.0, 4.0]]
    >>> rows_in_order(m, np.array([2, 0, 1]), in_place=True) is m, m[:, 0].tolist()
    (True, [5.0, 1.0, 3.0])
    """
    column_major = values.ndim == 2 and values.flags.f_contiguous and not values.flags.c_contiguous
    if not column_major or len(positions) != len(values):
        return np.take(values, positions, axis=0)
    into_itself = in_place and values.flags.writeable
    out = values if into_itself else np.empty(values.shape, dtype=values.dtype, order="F")
    scratch = np.empty(len(values), dtype=values.dtype) if into_itself else None
    for j in range(values.shape[1]):
        # positions are in range: "clip" skips a bounds check; a column cannot be taken into itself
        taken = np.take(values[:, j], positions, out=out[:, j] if scratch is None else scratch, mode="clip")
        if scratch is not None:
            out[:, j] = taken
    return out
