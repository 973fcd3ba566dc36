"""Weights "any member of the committee could hold": sampling the stakeholders' convex hull.

Given the ``m`` stakeholders' normalised weight vectors ``W`` (``m x k``), a
draw is ``w = lambda @ W`` with mixing coefficients ``lambda ~ Dirichlet(1, ..., 1)``
(uniform on the simplex of ``m`` coefficients). Every draw is a convex
combination of the stakeholders' weights, so it lies in their convex hull and
on the weight simplex, and every point of the hull can be drawn.

What the distribution is, exactly: the image of the uniform distribution on the
``(m - 1)``-simplex under the linear map ``lambda -> lambda @ W``. It is *not*
uniform over the hull: it puts more mass near the stakeholders' mean (the
centroid of their weights, which is its expectation) and less near the
extreme stakeholders, and stakeholders who agree pull it towards their shared
view (two identical stakeholders count twice). With two stakeholders it is
uniform on the segment between them. This is the natural reading of "a
weighting formed by mixing the members' views, every mix equally likely";
uniform sampling of the hull itself (as :mod:`scorer.solvers.sampling` does for bounds
and order) would need the hull's facets and is not what is done here.

Same seed, same draws: the stream is NumPy's default generator seeded with ``seed``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from scorer.elicitation.base import FloatArray, WeightResult
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Criteria
from scorer.solvers.smaa import SmaaResult, TierInput, acceptability

HULL_DESCRIPTION = (
    "mixtures of the stakeholders' weights, lambda @ W with lambda ~ Dirichlet(1, ..., 1): every draw is a weighting "
    "between the members' own (in their convex hull), mixes closer to their mean being more likely"
)


@dataclass(frozen=True)
class Stakeholders:
    """Each stakeholder's criterion weights, rows normalised to sum 1: the corners of the hull to sample.

    ``criteria`` orders the columns of ``weights``; ``source`` says where the
    judgements were read (a workbook or folder), for the outputs.
    """

    names: tuple[str, ...]
    criteria: tuple[str, ...]
    weights: FloatArray
    source: str = ""

    def aligned(self, ids: Sequence[str]) -> FloatArray:
        """The ``(stakeholders, criteria)`` matrix with its columns in the order ``ids``.

        >>> s = Stakeholders(("Ana",), ("a", "b"), np.array([[0.75, 0.25]]))
        >>> s.aligned(["b", "a"]).tolist()
        [[0.25, 0.75]]
        """
        if sorted(ids) != sorted(self.criteria):
            raise ConfigError(
                Problem(
                    "config.stakeholders",
                    f"should weigh the criteria {', '.join(ids)}, but weighs {', '.join(self.criteria)}",
                    file=self.source or None,
                )
            )
        out: FloatArray = self.weights[:, [self.criteria.index(c) for c in ids]]
        return out

    def describe(self) -> list[str]:
        """Each stakeholder's weights in words, one line each.

        >>> Stakeholders(("Ana",), ("a", "b"), np.array([[0.75, 0.25]])).describe()
        ['Ana: a 0.75, b 0.25']
        """
        return [
            f"{name}: " + ", ".join(f"{c} {w:.2f}" for c, w in zip(self.criteria, row, strict=True))
            for name, row in zip(self.names, self.weights, strict=True)
        ]


def stakeholders_from(people: Mapping[str, WeightResult], *, source: str = "") -> Stakeholders:
    """The stakeholders of an elicitation (:attr:`scorer.elicitation.workflow.Elicitation.people`).

    >>> from scorer.elicitation.direct import points_weights
    >>> s = stakeholders_from({"Ana": points_weights(("a", "b"), {"a": 3, "b": 1})})
    >>> s.names, s.criteria, s.weights.tolist()
    (('Ana',), ('a', 'b'), [[0.75, 0.25]])
    """
    from scorer.elicitation.group import weight_matrix

    ids, w = weight_matrix(people)
    return Stakeholders(tuple(people), tuple(ids), check_stakeholder_weights(w), source)


def check_stakeholder_weights(weights: ArrayLike) -> FloatArray:
    """The ``(m, k)`` matrix of stakeholders' weights, each row normalised to sum 1.

    >>> check_stakeholder_weights([[3, 1], [1, 1]]).tolist()
    [[0.75, 0.25], [0.5, 0.5]]
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
        raise ConfigError(
            Problem("config.stakeholders", f"should be a (stakeholders, criteria) matrix, but its shape is {w.shape}")
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0) or np.any(w.sum(axis=1) <= 0):
        raise ConfigError(
            Problem(
                "config.stakeholders",
                "every stakeholder's weights should be finite, >= 0 and not all 0, but some are not",
            )
        )
    out: FloatArray = w / w.sum(axis=1, keepdims=True)
    return out


def sample_hull_weights(stakeholder_weights: ArrayLike, n: int, *, seed: int | None) -> FloatArray:
    """``n`` weight vectors ``lambda @ W``, ``lambda ~ Dirichlet(1, ..., 1)``; shape ``(n, k)``.

    >>> w = sample_hull_weights([[1.0, 0.0], [0.0, 1.0]], 4, seed=1)
    >>> same = sample_hull_weights([[1, 0], [0, 1]], 4, seed=1)
    >>> w.shape, bool(np.allclose(w.sum(axis=1), 1.0)), bool(np.array_equal(w, same))
    ((4, 2), True, True)
    """
    w = check_stakeholder_weights(stakeholder_weights)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ConfigError(Problem("config.sampling", f"should be an integer >= 0, but it is {n!r}", key="draws"))
    rng = np.random.default_rng(seed)
    mix = rng.dirichlet(np.ones(len(w)), size=int(n)) if len(w) > 1 else np.ones((int(n), 1))
    out: FloatArray = mix @ w
    return out


def hull_acceptability(
    values: ArrayLike,
    stakeholder_weights: ArrayLike,
    *,
    draws: int,
    seed: int | None,
    top_k: int,
    tiers: Iterable[TierInput] | None = None,
    mask: ArrayLike | None = None,
    **kwargs: Any,
) -> SmaaResult:
    """SMAA-2 over weights drawn from the stakeholders' hull (:func:`sample_hull_weights`).

    ``values`` and ``mask`` are the criterion scores the weighted sum uses, as
    for :func:`scorer.solvers.smaa.acceptability`, which does the counting.

    >>> v = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.6]])
    >>> r = hull_acceptability(v, [[0.9, 0.1], [0.7, 0.3]], draws=200, seed=3, top_k=1)
    >>> r.p_top_k.tolist()
    [1.0, 0.0, 0.0]
    """
    w = sample_hull_weights(stakeholder_weights, draws, seed=seed)
    return acceptability(values, w, mask=mask, top_k=top_k, tiers=tiers, **kwargs)


def recorded_stakeholder_weights(criteria: Criteria) -> tuple[tuple[str, ...], FloatArray] | None:
    """The stakeholders' weights a criteria file written by ``unct-scorer weights`` records, or None.

    Returns the stakeholder names and the ``(stakeholders, criteria)`` matrix in
    the file's criterion order, ready for :func:`sample_hull_weights`; a
    stakeholder missing a criterion counts it as 0.

    >>> from scorer.model.criteria import Criteria
    >>> c = Criteria.model_validate({"name": "x", "criteria": {
    ...     "a": {"label": "A", "cites": "p", "weight": 1, "indicators": {"i": {"column": "c"}}},
    ...     "b": {"label": "B", "cites": "p", "weight": 1, "indicators": {"j": {"column": "d"}}}},
    ...     "elicitation": {"stakeholder_weights": {"Ana": {"a": 0.75, "b": 0.25}, "Bo": {"a": 0.5, "b": 0.5}}}})
    >>> names, w = recorded_stakeholder_weights(c)
    >>> names, w.tolist()
    (('Ana', 'Bo'), [[0.75, 0.25], [0.5, 0.5]])
    """
    record = (criteria.elicitation or {}).get("stakeholder_weights")
    if not isinstance(record, dict) or not record:
        return None
    ids = list(criteria.criteria)
    names = tuple(str(n) for n in record)
    rows = []
    for name in names:
        given = record[name] if isinstance(record[name], dict) else {}
        try:
            rows.append([float(given.get(cid, 0.0)) for cid in ids])
        except (TypeError, ValueError):
            raise ConfigError(
                Problem(
                    "config.stakeholders",
                    "should map each criterion to a number, but it does not",
                    key=f"elicitation.stakeholder_weights.{name}",
                )
            ) from None
    return names, check_stakeholder_weights(rows)
