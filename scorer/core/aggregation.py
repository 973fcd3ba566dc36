"""Aggregation: combine normalised values into one score with weights.

Weights are renormalised per row over the available (unmasked) columns, which
is how the ``reweight`` missing-data policy drops a value for one country
without touching the others. The arithmetic mean also returns each column's
contribution, and those contributions sum to the score.

The kernels (:func:`weighted_arithmetic`, :func:`weighted_geometric`,
:func:`topsis`) are plain array functions. Each method the criteria file can
name (the ``aggregation:`` key) is a class behind one interface,
:class:`AggregationMethod`, registered in :data:`AGGREGATIONS`: to add one,
write its class here, decorate it with ``@register`` and add its name to
:class:`Aggregation`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

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


def weighted_sum(values: FloatArray, weights: FloatArray, mask: BoolArray | None = None) -> FloatArray:
    """The weighted sum: the one kernel behind the ranking and every analysis of it (and the page's script).

    One weight vector ``(k,)`` gives scores ``(n,)``; many ``(m, k)`` give
    ``(m, n)``. With a ``mask`` (False = unavailable) each row's weights are
    renormalised over its available columns, ``sum_j (w_j m_ij / sum_l w_l
    m_il) v_ij`` (the ``reweight`` policy); a row whose available columns all
    weigh 0 scores 0. Unavailable values may be NaN. Computed as the sum of
    the contributions, in this order, so that the page's script can repeat it
    bit for bit.

    >>> weighted_sum(np.array([[1.0, 0.0], [0.5, 0.5]]), np.array([0.25, 0.75])).tolist()
    [0.25, 0.5]
    >>> many = np.array([[0.25, 0.75], [0.0, 1.0]])
    >>> weighted_sum(np.array([[1.0, np.nan]]), many, np.array([[True, False]])).tolist()
    [[1.0], [0.0]]
    """
    return _contributions(values, weights, mask).sum(axis=-1)


_BLAS_SINGLE_THREAD = 200_000  # OpenBLAS computes a product of m*n*k below 262,144 on the calling thread


def weighted_sums(
    weights: FloatArray,
    values: FloatArray,
    mask: NDArray[np.bool_] | FloatArray | None = None,
    *,
    out: FloatArray | None = None,
    work: FloatArray | None = None,
) -> FloatArray:
    """:func:`weighted_sum` for many weight vectors at once, as one matrix product: the sampling loops' kernel.

    ``weights`` ``(m, k)`` with ``values`` ``(n, k)`` shared by every weight
    row give ``(m, n)``; ``values`` ``(..., n, k)`` (one table per draw)
    broadcast against ``weights`` ``(..., k)``. ``mask`` ``(n, k)`` (False or 0
    = unavailable) is shared; values must be 0 where unavailable. Each score
    is ``sum_j w_j v_ij / sum_j w_j m_ij`` and 0 where that denominator is 0:
    the same number as :func:`weighted_sum` up to rounding (the sum is divided
    once instead of renormalising each weight; weights are shares, 0 or far
    above the subnormal range, where a product would underflow). ``out`` and
    ``work`` are optional buffers of the result's shape (scores,
    denominators), for loops that would otherwise allocate them every chunk.

    >>> weighted_sums(np.array([[0.25, 0.75], [1.0, 0.0]]), np.array([[1.0, 0.0], [0.5, 0.5]])).tolist()
    [[0.25, 0.5], [1.0, 0.5]]
    >>> weighted_sums(np.array([[0.25, 0.75]]), np.array([[1.0, 0.0]]), np.array([[True, False]])).tolist()
    [[1.0]]
    """
    w = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim == 2 and w.ndim == 2:
        s = _matmul_into(w, v.T, np.empty((len(w), len(v))) if out is None else out)
    else:
        s = np.einsum("...nk,...k->...n", v, w, out=out)
    if mask is None:
        return s
    available = np.asarray(mask, dtype=np.float64)
    shape = (*w.shape[:-1], available.shape[0])
    den = np.empty(shape) if work is None else work
    if w.ndim == 2:
        _matmul_into(w, available.T, den)
    else:
        np.matmul(w, available.T, out=den)
    if w.min() > 0 and available.any(axis=1).all():
        s /= den
    else:
        positive = den > 0
        np.divide(s, den, out=s, where=positive)
        np.copyto(s, 0.0, where=~positive)
    return s


def _matmul_into(a: FloatArray, b: FloatArray, out: FloatArray) -> FloatArray:
    """``a @ b`` into ``out``, in row blocks small enough for OpenBLAS to stay on the calling thread.

    Bigger products wake BLAS worker threads that keep spinning after the call
    and, on a busy machine, take the core from the sorting that follows.
    """
    rows = max(16, _BLAS_SINGLE_THREAD // max(1, b.shape[0] * b.shape[1]))
    for i in range(0, a.shape[0], rows):
        np.matmul(a[i : i + rows], b, out=out[i : i + rows])
    return out


def _contributions(values: FloatArray, weights: FloatArray, mask: BoolArray | None) -> FloatArray:
    """Effective weight times value per cell, shape ``(..., n, k)`` (0 where unavailable)."""
    return _arithmetic_parts(values, weights, mask)[0]


def _arithmetic_parts(
    values: FloatArray, weights: FloatArray, mask: BoolArray | None
) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    """(contributions, effective weights, available or None when every cell is): :func:`_contributions`' work.

    Each row's weights are renormalised over its available columns, ``w_j / sum_l w_l``
    (0 where none weighs); the contributions are those times the values (NaN read as 0).
    Where every cell is available the effective weights are one row, shape ``(..., 1, k)``,
    that broadcasts: a large table then costs one new array, the contributions, and the
    numbers are the same, bit for bit, as when each row is renormalised on its own.
    """
    w = np.asarray(weights, dtype=np.float64)[..., np.newaxis, :]
    available = None if mask is None else np.asarray(mask, dtype=bool)
    if available is not None and available.all():
        available = None
    kept = np.array(w) if available is None else np.where(available, w, 0.0)
    total = kept.sum(axis=-1, keepdims=True)
    positive = total > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        np.divide(kept, np.where(positive, total, 1.0), out=kept)
    np.copyto(kept, 0.0, where=~positive)
    out = np.nan_to_num(np.asarray(values, dtype=np.float64))  # a new array: multiplied in place
    if out.shape == np.broadcast_shapes(out.shape, kept.shape):
        np.multiply(out, kept, out=out)
    else:
        out = out * kept
    if available is not None:
        np.copyto(out, 0.0, where=~available)
    return out, kept, available


def weighted_arithmetic(values: FloatArray, weights: FloatArray, mask: BoolArray) -> tuple[FloatArray, FloatArray]:
    """Weighted arithmetic mean per row (:func:`weighted_sum`) and the per-column contributions.

    Rows with no available column get NaN.

    >>> s, c = weighted_arithmetic(np.array([[1.0, 0.0]]), np.array([0.6, 0.4]), np.ones((1, 2), bool))
    >>> s.tolist(), c.tolist()
    ([0.6], [[0.6, 0.0]])
    """
    scores, contributions, _effective = _arithmetic(values, weights, mask)
    return scores, contributions


def _arithmetic(values: FloatArray, weights: FloatArray, mask: BoolArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`weighted_arithmetic` and the effective weights, shape ``(n, k)`` (a read-only broadcast when every
    cell is available)."""
    contributions, effective, available = _arithmetic_parts(values, weights, mask)
    scores = contributions.sum(axis=1)
    w = np.asarray(weights, dtype=np.float64)
    usable: BoolArray
    if available is None:  # every cell available: the same test on every row
        usable = np.full(len(scores), bool(np.asarray(mask).shape[-1]) and w.sum() > 0)
    elif w.min(initial=0.0) >= 0:  # a sum of non-negative weights is positive when one of them is
        usable = np.asarray((available & (w > 0)).any(axis=1))
    else:
        usable = available.any(axis=1) & (np.where(available, w[np.newaxis, :], 0.0).sum(axis=1) > 0)
    return np.where(usable, scores, np.nan), contributions, np.broadcast_to(effective, contributions.shape)


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


@dataclass(frozen=True)
class Closeness:
    """TOPSIS intermediates, as Hwang and Yoon name them (all per row unless said).

    ``normalised``: vector-normalised values r_ij = x_ij / sqrt(sum_i x_ij^2);
    ``ideal`` and ``anti_ideal``: per column, the best and worst r_j;
    ``to_ideal`` and ``to_anti_ideal``: the weighted Euclidean distances S+ and S-;
    ``closeness``: C = S- / (S+ + S-), from 0 (the anti-ideal) to 1 (the ideal).
    """

    normalised: FloatArray
    ideal: FloatArray
    anti_ideal: FloatArray
    to_ideal: FloatArray
    to_anti_ideal: FloatArray
    closeness: FloatArray


def topsis(values: FloatArray, weights: FloatArray, mask: BoolArray) -> Closeness:
    """TOPSIS closeness to the ideal (Hwang and Yoon 1981), every column a benefit (higher is better).

    Each column is divided by its Euclidean norm over the available rows,
    multiplied by the row's effective weight (renormalised over its
    available columns), and compared with the column's best (ideal) and worst
    (anti-ideal) value. A cost column enters negated: its norm is the same and
    its best value is its minimum, so the distances are the textbook ones. A
    row at equal distance 0 from both (every column constant) gets 0.5.

    >>> c = topsis(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([0.5, 0.5]), np.ones((3, 2), bool))
    >>> np.round(c.closeness, 6).tolist()
    [0.5, 0.5, 1.0]
    """
    x = np.where(mask, np.nan_to_num(values), 0.0)
    norms = np.sqrt((x**2).sum(axis=0))
    r = np.where(mask, x / np.where(norms > 0, norms, 1.0)[np.newaxis, :], np.nan)
    available = mask.any(axis=0)
    ideal = np.where(available, np.nanmax(np.where(mask, r, -np.inf), axis=0), np.nan)
    anti = np.where(available, np.nanmin(np.where(mask, r, np.inf), axis=0), np.nan)
    w = effective_weights(weights, mask)
    gap_ideal = np.where(mask, w * (r - ideal[np.newaxis, :]), 0.0)
    gap_anti = np.where(mask, w * (r - anti[np.newaxis, :]), 0.0)
    s_plus = np.sqrt((gap_ideal**2).sum(axis=1))
    s_minus = np.sqrt((gap_anti**2).sum(axis=1))
    total = s_plus + s_minus
    with np.errstate(invalid="ignore", divide="ignore"):
        closeness = np.where(total > 0, s_minus / np.where(total > 0, total, 1.0), 0.5)
    closeness = np.where(mask.any(axis=1) & (w.sum(axis=1) > 0), closeness, np.nan)
    return Closeness(r, ideal, anti, s_plus, s_minus, closeness)


class Aggregation(StrEnum):
    """How a node's children (indicators or sub-criteria) combine into its score (the ``aggregation:`` key)."""

    arithmetic = "arithmetic"
    geometric = "geometric"
    topsis = "topsis"


@dataclass(frozen=True)
class Combined:
    """One aggregation step: scores per row, effective weights, and contributions where they exist.

    ``contributions`` (rows x children) sum to ``scores`` row by row; it is
    None when the method has no additive decomposition (then
    :attr:`AggregationMethod.no_contributions` says why). ``details`` holds
    the method's named intermediates (TOPSIS: the distances).
    """

    scores: FloatArray
    weights: FloatArray
    contributions: FloatArray | None
    details: dict[str, FloatArray] = field(default_factory=dict)


class AggregationMethod(ABC):
    """One aggregation method; ``combine`` is the pure computation.

    ``additive``: the score is a sum of per-child contributions;
    ``needs_bounded``: children must be >= 0 (a geometric mean);
    ``relative``: a row's score depends on the other rows (TOPSIS norms and ideals).
    """

    name: ClassVar[str]
    additive: ClassVar[bool] = False
    needs_bounded: ClassVar[bool] = False
    relative: ClassVar[bool] = False
    no_contributions: ClassVar[str] = ""

    @abstractmethod
    def combine(self, values: FloatArray, weights: FloatArray, mask: BoolArray) -> Combined:
        """Scores of each row from its available children's ``values`` and nominal ``weights``."""

    @abstractmethod
    def describe(self) -> str:
        """The method in words, for reports."""


AGGREGATIONS: dict[str, AggregationMethod] = {}


def register(cls: type[AggregationMethod]) -> type[AggregationMethod]:
    """Class decorator: add one instance of the method to :data:`AGGREGATIONS`."""
    AGGREGATIONS[cls.name] = cls()
    return cls


def aggregation_method(name: str) -> AggregationMethod:
    """The method object registered under ``name``.

    >>> aggregation_method("topsis").additive
    False
    """
    return AGGREGATIONS[str(name)]


@register
class Arithmetic(AggregationMethod):
    """Weighted arithmetic mean; each child contributes its effective weight times its value."""

    name = "arithmetic"
    additive = True

    def combine(self, values: FloatArray, weights: FloatArray, mask: BoolArray) -> Combined:
        scores, contributions, effective = _arithmetic(values, weights, mask)
        return Combined(scores, effective, contributions)

    def describe(self) -> str:
        return "a weighted arithmetic mean (a weighted sum; the contributions add up to the score)"


@register
class Geometric(AggregationMethod):
    """Weighted geometric mean, prod(v ** w): a low value cannot be fully made up by a high one."""

    name = "geometric"
    needs_bounded = True
    no_contributions = "a weighted geometric mean multiplies its parts (prod v^w), so no shares add up to the score"

    def combine(self, values: FloatArray, weights: FloatArray, mask: BoolArray) -> Combined:
        return Combined(weighted_geometric(values, weights, mask), effective_weights(weights, mask), None)

    def describe(self) -> str:
        return "a weighted geometric mean (prod v^w: a weak part is only partly offset by strong ones)"


@register
class Topsis(AggregationMethod):
    """TOPSIS (Hwang and Yoon 1981): relative closeness to the ideal, from distances to the ideal and anti-ideal."""

    name = "topsis"
    relative = True
    no_contributions = (
        "TOPSIS scores the closeness S-/(S+ + S-) of two Euclidean distances, so no shares add up to the score"
    )

    def combine(self, values: FloatArray, weights: FloatArray, mask: BoolArray) -> Combined:
        c = topsis(values, weights, mask)
        details = {"distance_to_ideal": c.to_ideal, "distance_to_anti_ideal": c.to_anti_ideal}
        return Combined(c.closeness, effective_weights(weights, mask), None, details)

    def describe(self) -> str:
        return (
            "TOPSIS: values divided by their column's Euclidean norm, weighted, and scored by relative closeness "
            "to the ideal, S-/(S+ + S-), where S+ and S- are the distances to the best and worst values"
        )
