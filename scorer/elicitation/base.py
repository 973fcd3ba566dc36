"""What every elicitation method returns: weights, optional ranges and order, and how they were obtained."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scorer.errors import ConfigError, Problem

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class WeightResult:
    """Criterion weights obtained by one method, for one stakeholder or a group.

    ``weights`` are normalised to sum to 1, in the order of ``criteria``.
    ``ranges`` (``(k, 2)``, normalised weights) and ``order`` (criterion ids,
    most important first) are what the method supports as sensitivity
    constraints: a criterion's ``range:`` and the file's ``weight_order:``.
    ``describes_data`` marks objective weights (entropy, CRITIC, standard
    deviation): they say how the data vary, not what matters to anyone.
    ``details`` holds method-specific figures (consistency, points given, ...)
    as plain values, ready for JSON and YAML.

    >>> r = WeightResult("points", ("a", "b"), np.array([0.75, 0.25]), "direct points")
    >>> r.as_dict()
    {'a': 0.75, 'b': 0.25}
    """

    method: str
    criteria: tuple[str, ...]
    weights: FloatArray
    description: str
    ranges: FloatArray | None = None
    order: tuple[str, ...] | None = None
    describes_data: bool = False
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        w = np.array(self.weights, dtype=np.float64)
        w.setflags(write=False)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if self.ranges is not None:
            r = np.array(self.ranges, dtype=np.float64)
            r.setflags(write=False)
            object.__setattr__(self, "ranges", r)

    def as_dict(self) -> dict[str, float]:
        """Criterion id -> normalised weight."""
        return {cid: float(w) for cid, w in zip(self.criteria, self.weights, strict=True)}

    def range_dict(self) -> dict[str, tuple[float, float]]:
        """Criterion id -> (low, high) normalised weight, or empty when the method gives no ranges."""
        if self.ranges is None:
            return {}
        return {cid: (float(lo), float(hi)) for cid, (lo, hi) in zip(self.criteria, self.ranges, strict=True)}

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON/YAML."""
        out: dict[str, Any] = {
            "method": self.method,
            "description": self.description,
            "describes_data": self.describes_data,
            "weights": {k: round(v, 6) for k, v in self.as_dict().items()},
        }
        if self.ranges is not None:
            out["ranges"] = {k: [round(lo, 6), round(hi, 6)] for k, (lo, hi) in self.range_dict().items()}
        if self.order is not None:
            out["order"] = list(self.order)
        out.update(self.details)
        return out


def normalise_weights(values: ArrayLike, *, what: str = "weights") -> FloatArray:
    """Values scaled to sum to 1; they must be finite, >= 0 and not all 0.

    >>> normalise_weights([3, 1]).tolist()
    [0.75, 0.25]
    >>> normalise_weights([1e308, 1e308, 0]).tolist()
    [0.5, 0.5, 0.0]
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ConfigError(Problem("config.weights", f"{what} should be finite numbers >= 0, but they are {v.tolist()}"))
    if v.max() <= 0:
        raise ConfigError(Problem("config.weights", f"{what} should not all be 0, but they are"))
    with np.errstate(over="ignore"):
        total = v.sum()
    if not np.isfinite(total):  # values near 1e308: scale into [0, 1] first, the ratios are what matter
        v = v / v.max()
        total = v.sum()
    out: FloatArray = v / total
    return out


def check_ids(criteria: Sequence[str], *, what: str = "criteria") -> tuple[str, ...]:
    """Criterion ids as a tuple: at least one, each once.

    >>> check_ids(["a", "b"])
    ('a', 'b')
    """
    ids = tuple(str(c) for c in criteria)
    if not ids:
        raise ConfigError(Problem("config.criteria", f"{what} should name at least one criterion, but it is empty"))
    dup = sorted({c for c in ids if ids.count(c) > 1})
    if dup:
        raise ConfigError(Problem("config.criteria", f"{what} should name each criterion once, but repeats {dup}"))
    return ids
