"""What every analysis shares: defaults, the allowed weights, K, the inputs of a weighted sum, shares as text."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.core.ranking import default_top_k  # one definition; here for older imports
from scorer.core.result import ScoreResult
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Aggregation, Criteria, did_you_mean
from scorer.render.formatting import plain_number
from scorer.solvers.sampling import WeightConstraints

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Progress = Callable[[int, int], None]


DEFAULT_SEED = 20210816
"""The default seed: the date of the Secretariat paper (16 August 2021)."""
DEFAULT_DRAWS = 10_000


def weight_constraints(criteria: Criteria) -> WeightConstraints:
    """The allowed criterion weights: each criterion's ``range`` and the ``weight_order``.

    Criteria without a range may take any share; without ``weight_order`` the
    order is free. Problems are reported at the criteria file's keys.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = weight_constraints(load_criteria(default_criteria_path()))
    >>> c.lower.tolist(), c.upper.tolist(), c.order
    ([0.25, 0.1, 0.2], [0.55, 0.4, 0.5], (0, 2, 1))
    """
    ids = list(criteria.criteria)
    ranges = [c.range for c in criteria.criteria.values()]
    bounded = any(r is not None for r in ranges)
    lower = np.array([r[0] if r else 0.0 for r in ranges]) if bounded else None
    upper = np.array([r[1] if r else 1.0 for r in ranges]) if bounded else None
    order = tuple(ids.index(c) for c in criteria.weight_order) if criteria.weight_order else None
    try:
        return WeightConstraints(len(ids), lower=lower, upper=upper, order=order, names=tuple(ids))
    except ConfigError as exc:
        raise ConfigError([_criteria_key(p, ids) for p in exc.problems]) from None


def _criteria_key(problem: Problem, ids: list[str]) -> Problem:
    """A sampling problem keyed as in the criteria file (``criteria.<id>.range``, ``weight_order``)."""
    key = problem.key or ""
    name = key.removeprefix("weights.")
    if name in ids:
        key = f"criteria.{name}.range"
    elif name in ("lower", "upper"):
        key = "criteria.*.range"
    elif name == "order":
        key = "weight_order"
    return Problem(problem.code, problem.message, key=key, fix=problem.fix)


def unranged_bounds(criteria: Criteria) -> dict[str, tuple[float, float]]:
    """The weights sampled for criteria without a ``range`` when others have one: {id: (low, high)}.

    A criterion added to a file whose others have ranges is still sampled, within
    what the others' ranges leave; this says within what (empty when every
    criterion has a range, or none has: then every weighting is allowed).

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = load_criteria(default_criteria_path())
    >>> unranged_bounds(c)
    {}
    >>> extra = c.criteria["representation"].model_copy(update={"range": None})
    >>> unranged_bounds(c.model_copy(update={"criteria": {**c.criteria, "new": extra}}))
    {'new': (0.0, 0.45)}
    """
    missing = [cid for cid, c in criteria.criteria.items() if c.range is None]
    if not missing or len(missing) == len(criteria.criteria):
        return {}
    constraints = weight_constraints(criteria)
    ids = list(criteria.criteria)
    return {
        cid: (
            round(float(constraints.tight_lower[ids.index(cid)]), 6),
            round(float(constraints.tight_upper[ids.index(cid)]), 6),
        )
        for cid in missing
    }


def describe_constraints(criteria: Criteria) -> list[str]:
    """The allowed weights in words, one statement per item.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> describe_constraints(load_criteria(default_criteria_path()))[-1]
    'engagement >= government_interest >= representation'
    """
    out = [
        f"{cid} fixed at {plain_number(c.range[0])}"
        if c.range[0] == c.range[1]
        else f"{cid} between {plain_number(c.range[0])} and {plain_number(c.range[1])}"
        for cid, c in criteria.criteria.items()
        if c.range is not None
    ]
    out += [
        f"{cid} between {plain_number(low)} and {plain_number(high)} (no range given: what the others leave)"
        for cid, (low, high) in unranged_bounds(criteria).items()
    ]
    if criteria.weight_order:
        out.append(" >= ".join(criteria.weight_order))
    if not out:
        out.append("any weights (the criteria file gives no range and no weight_order)")
    return out


def find_criterion(criteria: Criteria, text: str) -> str:
    """The criterion id ``text`` names (its id, any case); a did-you-mean error otherwise.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> find_criterion(load_criteria(default_criteria_path()), "Engagement")
    'engagement'
    """
    ids = list(criteria.criteria)
    folded = {c.casefold(): c for c in ids}
    key = str(text).strip().casefold()
    if key in folded:
        return folded[key]
    labels = {c.label.casefold(): cid for cid, c in criteria.criteria.items()}
    if key in labels:
        return labels[key]
    raise ConfigError(
        Problem(
            "config.criterion",
            f"should be a criterion id ({', '.join(ids)}), but it is {text!r}" + did_you_mean(str(text), ids),
            key="CRITERION",
        )
    )


def check_top_k(top_k: int | None, result: ScoreResult, *, key: str = "top_k") -> int:
    """``top_k`` checked against the number of ranked countries; None means :func:`default_top_k` (capped).

    >>> from scorer import demo_result
    >>> check_top_k(None, demo_result()), check_top_k(20, demo_result())
    (15, 20)
    """
    n = len(result.table)
    if top_k is None:
        return min(default_top_k(result.criteria), n)
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or not 1 <= top_k <= n:
        raise ConfigError(
            Problem(
                "config.top_k",
                f"should be an integer from 1 to {n} (the number of ranked countries), but it is {top_k!r}",
                key=key,
            )
        )
    return int(top_k)


def weighted_sum_inputs(result: ScoreResult, what: str) -> tuple[list[str], FloatArray, BoolArray]:
    """Criterion ids, scores (0 where unavailable) and availability, in table order; checked for a weighted sum."""
    criteria = result.criteria
    if criteria.aggregation is not Aggregation.arithmetic:
        raise ConfigError(
            Problem(
                "config.aggregation",
                f"should be arithmetic (a weighted sum) for {what}, but it is {criteria.aggregation.value!r}",
                key="aggregation",
            )
        )
    ids = list(criteria.criteria)
    index = result.table.index
    mask = result.criterion_mask.loc[index, ids].to_numpy(dtype=bool)
    values = np.where(mask, result.criterion_scores.loc[index, ids].to_numpy(dtype=float), 0.0)
    bad = np.argwhere(mask & ((values < 0) | (values > 1)))
    if len(bad):
        i, j = bad[0]
        raise ConfigError(
            Problem(
                "config.normalisation",
                f"criterion scores should be between 0 and 1 for {what}, but {ids[j]!r} is {values[i, j]:.3g} "
                f"for {index[i]}",
                key=f"criteria.{ids[j]}",
                fix="zscore is unbounded: use minmax, goalposts or percentile",
            )
        )
    return ids, values, mask


def format_share(p: float) -> str:
    """A probability that never prints as 0 or 1 unless it is.

    >>> format_share(0.9996), format_share(0.5), format_share(0.0), format_share(1.0)
    ('>0.99', '0.50', '0', '1')
    """
    if p <= 0:
        return "0"
    if p >= 1:
        return "1"
    if p < 0.005:
        return "<0.01"
    if p > 0.995:
        return ">0.99"
    return f"{p:.2f}"


def wrap_text(text: str) -> str:
    return textwrap.fill(text, width=100, subsequent_indent="  ", break_on_hyphens=False)


def json_value(value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (the index, when named, first; NaN as None; numpy scalars as Python).

    >>> frame_records(pd.DataFrame({"p": [0.5, np.nan]}, index=pd.Index(["A", "B"], name="id")))
    [{'id': 'A', 'p': 0.5}, {'id': 'B', 'p': None}]
    """
    flat = frame.reset_index() if frame.index.name is not None else frame
    return [
        {str(k): json_value(v) for k, v in zip(flat.columns, row, strict=True)}
        for row in flat.itertuples(index=False, name=None)
    ]
