"""Swing weighting and direct points (SMART): weights proportional to the points a person gives.

Swing weighting (von Winterfeldt & Edwards 1986): imagine every criterion at
its worst level; the swing to the best level that matters most gets 100, every
other swing gets points relative to it (50: half as valuable). Direct points
(SMART, Edwards 1977): the least important criterion gets 10 and the others
points relative to it, or points out of 100 are shared out. Both give
``w[i] = points[i] / sum(points)``: the methods differ in the question asked,
not in the arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from scorer.elicitation.base import WeightResult, check_ids, normalise_weights
from scorer.errors import ConfigError, Problem
from scorer.render.formatting import plain_number

SWING_MAX = 100.0


def _points(criteria: Sequence[str], points: Mapping[str, float], method: str) -> np.ndarray:
    ids = check_ids(criteria)
    problems = []
    for cid in ids:
        value = points.get(cid)
        key = f"{method}.{cid}"
        if value is None or isinstance(value, bool) or not np.isfinite(float(value)):
            problems.append(Problem("config.points", f"should be a number of points, but it is {value!r}", key=key))
        elif float(value) < 0 or (method == "swing" and float(value) > SWING_MAX):
            upper = " and <= 100" if method == "swing" else ""
            problems.append(
                Problem("config.points", f"should be >= 0{upper}, but it is {plain_number(value)}", key=key)
            )
    problems += [
        Problem("config.points", f"should be a criterion ({', '.join(ids)}), but it is {k!r}", key=f"{method}.{k}")
        for k in points
        if k not in ids
    ]
    if problems:
        raise ConfigError(problems)
    values = np.array([float(points[c]) for c in ids])
    if not values.any():
        raise ConfigError(
            Problem("config.points", "should give some criterion more than 0 points, but all are 0", key=method)
        )
    return values


def swing_weights(criteria: Sequence[str], points: Mapping[str, float], *, who: str | None = None) -> WeightResult:
    """Swing weights: points from 0 to 100 for each criterion's worst-to-best swing, the largest swing 100.

    >>> r = swing_weights(["a", "b", "c"], {"a": 100, "b": 50, "c": 50})
    >>> r.as_dict()
    {'a': 0.5, 'b': 0.25, 'c': 0.25}
    >>> r.description.endswith("divided by their sum (100 + 50 + 50)")
    True
    """
    ids = check_ids(criteria)
    values = _points(ids, points, "swing")
    top = values.max()
    description = (
        f"swing weighting{f' of {who}' if who else ''}: points for each swing from worst to best, divided by their sum "
        f"({' + '.join(f'{v:g}' for v in values)})"
    )
    if top != SWING_MAX:
        description += f"; the largest swing has {top:g} points, not 100 (the ratios are used as given)"
    return WeightResult(
        "swing",
        ids,
        normalise_weights(values),
        description,
        details={"points": dict(zip(ids, values.tolist(), strict=True))},
    )


def points_weights(criteria: Sequence[str], points: Mapping[str, float], *, who: str | None = None) -> WeightResult:
    """Direct-rating (SMART) weights: any non-negative points, divided by their sum.

    >>> points_weights(["a", "b"], {"a": 30, "b": 10}).as_dict()
    {'a': 0.75, 'b': 0.25}
    """
    ids = check_ids(criteria)
    values = _points(ids, points, "points")
    description = (
        f"direct points (SMART){f' of {who}' if who else ''}: points divided by their sum "
        f"({' + '.join(f'{v:g}' for v in values)})"
    )
    return WeightResult(
        "points",
        ids,
        normalise_weights(values),
        description,
        details={"points": dict(zip(ids, values.tolist(), strict=True))},
    )
