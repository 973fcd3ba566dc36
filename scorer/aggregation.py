"""Aggregation: combine normalised values into one score with weights.

Weights are renormalised per row over the available (unmasked) columns, which
is how the ``reweight`` missing-data policy drops a value for one country
without touching the others. The arithmetic mean also returns each column's
contribution, and those contributions sum to the score.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def effective_weights(weights: FloatArray, mask: BoolArray) -> FloatArray:
    """Per-row weights renormalised over available columns (rows of zeros if none).

    >>> effective_weights(np.array([1.0, 3.0]), np.array([[True, True], [True, False]])).tolist()
    [[0.25, 0.75], [1.0, 0.0]]
    """
    w = np.where(mask, weights[np.newaxis, :], 0.0)
    total = w.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)
    return out


def weighted_arithmetic(values: FloatArray, weights: FloatArray, mask: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Weighted arithmetic mean per row and the per-column contributions.

    Rows with no available column get NaN.

    >>> s, c = weighted_arithmetic(np.array([[1.0, 0.0]]), np.array([0.6, 0.4]), np.ones((1, 2), bool))
    >>> s.tolist(), c.tolist()
    ([0.6], [[0.6, 0.0]])
    """
    w = effective_weights(weights, mask)
    contributions = np.where(mask, w * np.nan_to_num(values), 0.0)
    scores = contributions.sum(axis=1)
    scores = np.where(mask.any(axis=1) & (w.sum(axis=1) > 0), scores, np.nan)
    return scores, contributions


def weighted_geometric(values: FloatArray, weights: FloatArray, mask: BoolArray) -> FloatArray:
    """Weighted geometric mean per row, prod(v_j ** w_j); a 0 value gives 0.

    Values must be non-negative (bounded normalisations guarantee it).

    >>> weighted_geometric(np.array([[0.25, 1.0]]), np.array([0.5, 0.5]), np.ones((1, 2), bool)).tolist()
    [0.5]
    """
    w = effective_weights(weights, mask)
    v = np.where(mask, np.nan_to_num(values, nan=1.0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 * log(0) where a weight is 0: masked by the where
        logs = np.where(w > 0, w * np.log(np.clip(v, 0.0, None)), 0.0)
    scores = np.exp(logs.sum(axis=1))
    return np.where(mask.any(axis=1) & (w.sum(axis=1) > 0), scores, np.nan)
