"""Pairwise comparisons (AHP): weights from "how much more important is A than B" judgements.

Judgements use Saaty's 1-9 scale: ``a[i, j] = 3`` says criterion ``i`` is
moderately more important than ``j``, and ``a[j, i] = 1/3`` follows. A
complete matrix gives Saaty's principal-eigenvector weights; its consistency
index is ``CI = (lambda_max - n) / (n - 1)`` and its consistency ratio
``CR = CI / RI(n)``, with Saaty's random index ``RI`` (the mean CI of random
reciprocal matrices, :data:`RANDOM_INDEX`). ``CR > 0.10`` is Saaty's rule for
"revise the judgements"; the judgements that depart most from the weights the
others imply are then named (:func:`inconsistent_judgements`).

An incomplete matrix (some pairs left blank) gets the logarithmic least-squares
weights (LLSM; Crawford & Williams 1985, for incomplete matrices Kwiesielewicz
1996, Bozóki, Fülöp & Rónyai 2010): the ``w`` minimising the sum over the
*given* pairs of ``(ln a[i, j] - ln w[i] + ln w[j])**2``. For a complete matrix
they are the rows' geometric means. Its consistency is measured on the matrix
completed by ``w[i] / w[j]`` for the blank pairs (which are therefore
consistent by construction: say so when reporting it).

Several people's matrices combine by the element-wise geometric mean of their
judgements (AIJ) or by the geometric mean of their priorities (AIP), the two
procedures Forman & Peniwati (1998) show keep the reciprocal property and the
Pareto principle.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import connected_components

from scorer.elicitation.base import FloatArray, WeightResult, check_ids, normalise_weights
from scorer.errors import ConfigError, Problem

RANDOM_INDEX: dict[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}
"""Saaty's random index by matrix size (Saaty 1980, *The Analytic Hierarchy Process*, Table 1.? of ch. 1;
the same values in Saaty 1990, EJOR 48, p. 13 for n <= 10). No value is tabulated beyond 15."""

CR_THRESHOLD = 0.10
"""Saaty's rule: a consistency ratio above 0.10 asks for the judgements to be revised."""

SCALE_TEXTS: tuple[str, ...] = tuple([str(k) for k in range(9, 0, -1)] + [f"1/{k}" for k in range(2, 10)])
"""The 17 values of Saaty's scale, as written in the workbook: 9, 8, ..., 1, 1/2, ..., 1/9."""

SCALE_WORDS = {1: "equal", 3: "moderately more", 5: "strongly more", 7: "very strongly more", 9: "extremely more"}

_TOL = 1e-9


def judgement_value(raw: object) -> float:
    """A judgement's value from a number or a text such as ``"1/3"``; ``ValueError`` naming the problem.

    Values must lie on Saaty's range 1/9 to 9 (intermediate values such as 2.5
    are accepted: some practitioners use them).

    >>> judgement_value("1/3"), judgement_value(5), judgement_value(" 1 / 2 ")
    (0.3333333333333333, 5.0, 0.5)
    >>> judgement_value("12")
    Traceback (most recent call last):
    ...
    ValueError: should be on Saaty's scale from 1/9 to 9 (9, 8, ..., 1, 1/2, ..., 1/9), but it is 12
    """
    expected = "should be on Saaty's scale from 1/9 to 9 (9, 8, ..., 1, 1/2, ..., 1/9), but it is"
    if isinstance(raw, bool):
        raise ValueError(f"{expected} {raw!r}")
    if isinstance(raw, int | float | np.integer | np.floating):
        value = float(raw)
        shown = f"{value:g}"
    else:
        text = str(raw).strip().replace(" ", "").replace(",", ".")
        shown = repr(str(raw))
        try:
            value = float(Fraction(text))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{expected} {shown}") from None
        shown = text
    if not math.isfinite(value) or not (1 / 9 - _TOL <= value <= 9 + _TOL):
        raise ValueError(f"{expected} {shown}")
    return value


def scale_text(value: float) -> str:
    """The nearest value of Saaty's scale, as text.

    >>> scale_text(0.34), scale_text(4.4), scale_text(12)
    ('1/3', '4', '9')
    """
    values = np.array([float(Fraction(t)) for t in SCALE_TEXTS])
    return SCALE_TEXTS[int(np.argmin(np.abs(np.log(values) - math.log(max(value, 1e-12)))))]


def build_matrix(criteria: Sequence[str], judgements: Mapping[tuple[str, str], float]) -> FloatArray:
    """The reciprocal matrix from judgements ``{(a, b): value}`` ("a is value times as important as b").

    Blank pairs are NaN; the diagonal is 1. A pair given both ways must agree
    (``(a, b): 3`` and ``(b, a): 1/3``).

    >>> build_matrix(["a", "b", "c"], {("a", "b"): 3, ("c", "b"): 2}).round(3).tolist()
    [[1.0, 3.0, nan], [0.333, 1.0, 0.5], [nan, 2.0, 1.0]]
    """
    ids = check_ids(criteria)
    pos = {cid: i for i, cid in enumerate(ids)}
    n = len(ids)
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    for (x, y), value in judgements.items():
        key = f"judgements.{x}.{y}"
        for name in (x, y):
            if name not in pos:
                raise ConfigError(
                    Problem(
                        "config.judgement", f"should name a criterion ({', '.join(ids)}), but it is {name!r}", key=key
                    )
                )
        if x == y:
            raise ConfigError(
                Problem("config.judgement", "should compare two different criteria, but it does not", key=key)
            )
        try:
            v = judgement_value(value)
        except ValueError as exc:
            raise ConfigError(Problem("config.judgement", str(exc), key=key)) from None
        i, j = pos[x], pos[y]
        if not np.isnan(a[i, j]) and abs(a[i, j] - v) > _TOL * max(1.0, v):
            raise ConfigError(
                Problem(
                    "config.judgement",
                    f"should agree with the reverse judgement ({scale_text(a[i, j])}), but it is {scale_text(v)}",
                    key=key,
                )
            )
        a[i, j], a[j, i] = v, 1.0 / v
    return a


def principal_eigenvector(matrix: ArrayLike) -> tuple[FloatArray, float]:
    """Saaty's weights: the principal right eigenvector (sum 1) and its eigenvalue ``lambda_max``.

    >>> w, lam = principal_eigenvector([[1, 2], [0.5, 1]])
    >>> w.round(4).tolist(), round(lam, 6)
    ([0.6667, 0.3333], 2.0)
    """
    a = np.asarray(matrix, dtype=np.float64)
    values, vectors = np.linalg.eig(a)
    top = int(np.argmax(values.real))
    w = np.abs(vectors[:, top].real)
    return normalise_weights(w), float(values[top].real)


def _check_connected(a: FloatArray, ids: tuple[str, ...]) -> None:
    given = ~np.isnan(a)
    count, labels = connected_components(given.astype(np.int8), directed=False)
    if count > 1:
        groups = [[ids[i] for i in np.flatnonzero(labels == g)] for g in range(count)]
        shown = " | ".join(", ".join(g) for g in groups)
        raise ConfigError(
            Problem(
                "config.judgement",
                f"the comparisons should link every criterion to every other (directly or through others), "
                f"but they fall into {count} separate groups: {shown}; compare one criterion of each group "
                "with one of another",
                key="judgements",
            )
        )


def llsm_weights(matrix: ArrayLike, criteria: Sequence[str] | None = None) -> FloatArray:
    """Logarithmic least-squares weights of a possibly incomplete matrix (NaN = blank pair).

    Solves the normal equations ``L v = b`` of the least-squares problem, where
    ``L`` is the Laplacian of the graph of given pairs and ``b[i]`` the sum of
    ``ln a[i, j]`` over the pairs given in row ``i``; then ``w = exp(v)``,
    scaled to sum 1. For a complete matrix these are the row geometric means.

    >>> llsm_weights([[1, 2, np.nan], [0.5, 1, 2], [np.nan, 0.5, 1]]).round(4).tolist()
    [0.5714, 0.2857, 0.1429]
    """
    a = np.asarray(matrix, dtype=np.float64)
    n = a.shape[0]
    ids = tuple(criteria) if criteria is not None else tuple(str(i) for i in range(n))
    _check_connected(a, ids)
    given = ~np.isnan(a)
    np.fill_diagonal(given, False)
    logs = np.where(given, np.log(np.where(given, a, 1.0)), 0.0)
    laplacian = np.diag(given.sum(axis=1).astype(float)) - given.astype(float)
    b = logs.sum(axis=1)
    laplacian[0, :] += 1.0  # pin the sum of v (the Laplacian alone is singular)
    v = np.linalg.solve(laplacian, b)
    return normalise_weights(np.exp(v - v.max()))


@dataclass(frozen=True)
class Judgement:
    """One given judgement compared with what the weights imply.

    ``given`` is ``a[row, column]``; ``implied`` is ``w[row] / w[column]``;
    ``error`` is Saaty's ``a[i, j] * w[j] / w[i]`` (1 when consistent);
    ``suggested`` is the scale value nearest ``implied``.
    """

    row: str
    column: str
    given: float
    implied: float

    @property
    def error(self) -> float:
        return self.given / self.implied

    @property
    def suggested(self) -> str:
        return scale_text(self.implied)

    def sentence(self) -> str:
        """``a vs b: given 5, the weights imply 1.4 (nearest scale value 1)``."""
        return (
            f"{self.row} vs {self.column}: given {scale_text(self.given)}, the weights imply "
            f"{self.implied:.2f} (nearest scale value {self.suggested})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "given": round(self.given, 6),
            "implied": round(self.implied, 6),
            "suggested": self.suggested,
            "text": self.sentence(),
        }


@dataclass(frozen=True)
class Consistency:
    """Saaty's consistency of one matrix: ``lambda_max``, CI, RI, CR and the worst judgements.

    ``cr`` is None when the ratio is not defined (``n <= 2``: every reciprocal
    matrix is consistent; ``n > 15``: no random index is tabulated).
    ``completed`` counts the blank pairs filled from the weights before
    computing ``lambda_max``.
    """

    n: int
    lambda_max: float
    ci: float
    ri: float | None
    cr: float | None
    completed: int
    worst: tuple[Judgement, ...]

    @property
    def acceptable(self) -> bool:
        """Whether Saaty's rule ``CR <= 0.10`` holds (always true when CR is not defined)."""
        return self.cr is None or self.cr <= CR_THRESHOLD + _TOL

    def text(self) -> str:
        if self.cr is None:
            why = "n <= 2: always consistent" if self.n <= 2 else f"no random index for n = {self.n}"
            return f"CR not defined ({why}); lambda_max {self.lambda_max:.3f}"
        verdict = "acceptable" if self.acceptable else f"above {CR_THRESHOLD:.2f}: revise the judgements"
        blank = f"; {self.completed} blank pair(s) filled from the weights" if self.completed else ""
        return f"CR {self.cr:.3f} ({verdict}); CI {self.ci:.3f}, lambda_max {self.lambda_max:.3f}{blank}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "lambda_max": round(self.lambda_max, 6),
            "consistency_index": round(self.ci, 6),
            "random_index": self.ri,
            "consistency_ratio": None if self.cr is None else round(self.cr, 6),
            "acceptable": self.acceptable,
            "blank_pairs": self.completed,
            "most_inconsistent": [j.to_dict() for j in self.worst],
        }


def inconsistent_judgements(
    matrix: ArrayLike, weights: ArrayLike, criteria: Sequence[str], *, top: int = 3
) -> tuple[Judgement, ...]:
    """The ``top`` given judgements farthest (in ratio) from ``w[i] / w[j]``, worst first.

    >>> pairs = {("a", "b"): 2, ("a", "c"): 4, ("a", "d"): 1/8, ("b", "c"): 2, ("b", "d"): 4, ("c", "d"): 2}
    >>> a = build_matrix("abcd", pairs)
    >>> [j.sentence() for j in inconsistent_judgements(a, llsm_weights(a), "abcd", top=1)]
    ['a vs d: given 1/8, the weights imply 1.00 (nearest scale value 1)']
    """
    a = np.asarray(matrix, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    ids = tuple(criteria)
    found = []
    for i in range(len(ids)):
        for j in range(i + 1, len(ids)):
            if np.isnan(a[i, j]):
                continue
            implied = float(w[i] / w[j])
            found.append((abs(math.log(a[i, j] / implied)), i, j, Judgement(ids[i], ids[j], float(a[i, j]), implied)))
    found.sort(key=lambda t: (-round(t[0], 12), t[1], t[2]))
    return tuple(t[3] for t in found[:top] if t[0] > 1e-9)


def consistency(matrix: ArrayLike, weights: ArrayLike, criteria: Sequence[str]) -> Consistency:
    """Saaty's consistency of ``matrix``, blank pairs filled by ``w[i] / w[j]``.

    >>> a = build_matrix("abc", {("a", "b"): 2, ("a", "c"): 8, ("b", "c"): 2})
    >>> c = consistency(a, principal_eigenvector(a)[0], "abc")
    >>> round(c.lambda_max, 6), round(c.cr, 4)
    (3.053622, 0.0462)
    """
    a = np.asarray(matrix, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    n = a.shape[0]
    blank = np.isnan(a)
    filled = np.where(blank, w[:, None] / w[None, :], a)
    lam = principal_eigenvector(filled)[1] if n > 1 else 1.0
    ci = max(0.0, (lam - n) / (n - 1)) if n > 1 else 0.0
    ri = RANDOM_INDEX.get(n)
    cr = ci / ri if ri else None
    worst = inconsistent_judgements(a, w, criteria) if cr is not None and cr > CR_THRESHOLD + _TOL else ()
    return Consistency(n, lam, ci, ri, cr, int(blank.sum()) // 2, worst)


def ahp_weights(criteria: Sequence[str], matrix: ArrayLike, *, who: str | None = None) -> WeightResult:
    """Weights from one pairwise-comparison matrix: eigenvector when complete, LLSM when some pairs are blank.

    ``details`` holds the consistency (:class:`Consistency`) and the matrix.

    >>> r = ahp_weights("abc", build_matrix("abc", {("a", "b"): 2, ("a", "c"): 8, ("b", "c"): 2}))
    >>> r.weights.round(4).tolist(), round(r.details["consistency_ratio"], 4)
    ([0.6434, 0.2553, 0.1013], 0.0462)
    """
    ids = check_ids(criteria)
    a = np.asarray(matrix, dtype=np.float64)
    if a.shape != (len(ids), len(ids)):
        raise ConfigError(
            Problem(
                "config.judgement",
                f"the matrix should be {len(ids)} x {len(ids)}, but it is {a.shape}",
                key="judgements",
            )
        )
    complete = not np.isnan(a).any()
    if complete:
        w = principal_eigenvector(a)[0] if len(ids) > 1 else np.ones(1)
        how = "principal eigenvector of the pairwise comparisons (Saaty)"
    else:
        w = llsm_weights(a, ids)
        how = "logarithmic least squares over the given pairs (the matrix is incomplete)"
    cons = consistency(a, w, ids)
    given = int((~np.isnan(a)).sum() - len(ids)) // 2
    pairs = len(ids) * (len(ids) - 1) // 2
    who_text = f" of {who}" if who else ""
    description = f"AHP{who_text}: {how}; {given} of {pairs} pairs judged; {cons.text()}"
    details = {**cons.to_dict(), "pairs_judged": given, "pairs": pairs, "matrix": _matrix_lists(a)}
    return WeightResult("ahp", ids, w, description, details=details)


def _matrix_lists(a: FloatArray) -> list[list[float | None]]:
    return [[None if np.isnan(x) else round(float(x), 6) for x in row] for row in a]


def geometric_mean_matrix(matrices: Sequence[ArrayLike]) -> FloatArray:
    """Element-wise geometric mean of several people's matrices, over the people who judged each pair (AIJ).

    A pair nobody judged stays blank. The result is reciprocal again.

    >>> geometric_mean_matrix([[[1, 4], [0.25, 1]], [[1, 1], [1, 1]]]).tolist()
    [[1.0, 2.0], [0.5, 1.0]]
    """
    stack = np.stack([np.asarray(m, dtype=np.float64) for m in matrices])
    given = ~np.isnan(stack)
    logs = np.where(given, np.log(np.where(given, stack, 1.0)), 0.0)
    counts = given.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, np.exp(logs.sum(axis=0) / np.maximum(counts, 1)), np.nan)
    out: FloatArray = mean
    return out


class GroupAhp(NamedTuple):
    """Each person's AHP weights, and the group's two ways."""

    people: dict[str, WeightResult]
    aij: WeightResult
    aip: WeightResult


def group_ahp(
    criteria: Sequence[str], matrices: Mapping[str, ArrayLike], *, people: Mapping[str, WeightResult] | None = None
) -> GroupAhp:
    """Each person's AHP weights and the group's two ways (Forman & Peniwati 1998): AIJ and AIP.

    AIJ: the weights of the element-wise geometric mean of the judgements (the
    group acting as one decision maker). AIP: the normalised geometric mean of
    each person's own weights (people acting as individuals). Both come with
    per-criterion ranges: the lowest and highest weight any person gives.

    >>> people, aij, aip = group_ahp("ab", {"x": [[1, 4], [0.25, 1]], "y": [[1, 1], [1, 1]]})
    >>> aij.weights.round(4).tolist(), aip.weights.round(4).tolist(), aij.range_dict()["a"]
    ([0.6667, 0.3333], [0.6667, 0.3333], (0.5, 0.8))
    """
    ids = check_ids(criteria)
    if not matrices:
        raise ConfigError(Problem("config.judgement", "should hold at least one person's judgements, but it is empty"))
    people = (
        dict(people) if people is not None else {name: ahp_weights(ids, m, who=name) for name, m in matrices.items()}
    )
    stack = np.stack([r.weights for r in people.values()])
    ranges = np.column_stack([stack.min(axis=0), stack.max(axis=0)])
    combined = geometric_mean_matrix(list(matrices.values()))
    aij = ahp_weights(ids, combined, who="the group (geometric mean of the judgements)")
    aip_w = normalise_weights(np.exp(np.log(stack).mean(axis=0)))
    names = ", ".join(people)
    who = "people" if len(people) > 1 else "person"
    crs = {name: r.details["consistency_ratio"] for name, r in people.items()}
    group_details = {"stakeholders": list(people), "consistency_ratios": crs}
    aij = WeightResult(
        "ahp",
        ids,
        aij.weights,
        f"AHP, {len(people)} {who} ({names}): weights of the element-wise geometric mean of their judgements "
        f"(AIJ, Forman & Peniwati 1998); {aij.description.split('; ', 1)[1]}",
        ranges=ranges,
        details={**aij.details, **group_details, "aggregation": "geometric mean of judgements (AIJ)"},
    )
    aip = WeightResult(
        "ahp",
        ids,
        aip_w,
        f"AHP, {len(people)} {who} ({names}): normalised geometric mean of each person's weights "
        "(AIP, Forman & Peniwati 1998)",
        ranges=ranges,
        details={**group_details, "aggregation": "geometric mean of priorities (AIP)"},
    )
    return GroupAhp(people, aij, aip)
