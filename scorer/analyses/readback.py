"""From a criterion score back to the spreadsheet value that gives it (for "what would it take")."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from scorer.core.result import ScoreResult
from scorer.model.criteria import Direction, Indicator, Normalisation


class Readback:
    """Reads a criterion score back into the raw indicator value that gives it.

    Only when one indicator carries the criterion for the country (so the
    criterion score is that indicator's normalised value) and its
    normalisation can be inverted without moving the other countries' values:
    min-max and log-min-max (unless the country holds the column's only
    minimum or maximum), goalposts, yes/no and ordinal levels. Arrays are
    taken once from the result, so each look-up is cheap.
    """

    def __init__(self, result: ScoreResult) -> None:
        index = result.table.index
        self.criteria = result.criteria
        self.columns = result.columns
        items = result.criteria.indicator_items()
        self.item_ids = [iid for _c, iid, _i in items]
        self.indicators = [ind for _c, _i, ind in items]
        self.raw = result.raw.loc[index, self.item_ids].to_numpy(dtype=float)
        available = ~np.isnan(result.normalised.loc[index, self.item_ids].to_numpy(dtype=float))
        self.carrier: dict[str, NDArray[np.int64]] = {}
        for cid in result.criteria.criteria:
            cols = [j for j, (c, _i, ind) in enumerate(items) if c == cid and ind.weight > 0]
            count = available[:, cols].sum(axis=1)
            first = np.argmax(available[:, cols], axis=1) if cols else np.zeros(len(index), dtype=np.int64)
            self.carrier[cid] = np.where(count == 1, np.asarray(cols, dtype=np.int64)[first], -1) if cols else first - 1
        with np.errstate(invalid="ignore"):
            self.lo = np.nanmin(np.where(np.isnan(self.raw), np.inf, self.raw), axis=0)
            self.hi = np.nanmax(np.where(np.isnan(self.raw), -np.inf, self.raw), axis=0)
        self.n_lo = (self.raw == self.lo).sum(axis=0)
        self.n_hi = (self.raw == self.hi).sum(axis=0)

    def text(self, i: int, cid: str, target: float, *, raise_score: bool) -> str:
        """What the carrying indicator's raw value must be for country ``i`` ('' if it cannot be read back).

        ``raise_score``: the criterion score must reach ``target``; otherwise fall below it.
        """
        j = int(self.carrier[cid][i])
        if j < 0:
            return ""
        ind = self.indicators[j]
        column = self.columns.get(self.item_ids[j], self.item_ids[j])
        raw = float(self.raw[i, j])
        higher = ind.direction is Direction.higher
        method = ind.normalisation
        if method is Normalisation.ordinal:
            return _level_needed(ind, column, raw, target, raise_score=raise_score)
        if method is Normalisation.boolean:
            if (raise_score and target > 1 + 1e-12) or (not raise_score and target <= 1e-12):
                return ""
            value = 1.0 if higher == raise_score else 0.0
            return f"{column} {_yes_no(value)} instead of {_yes_no(raw)}"
        if method is Normalisation.goalposts:
            assert ind.bounds is not None
            low, high = ind.bounds
            worst, best = (low, high) if higher else (high, low)
            x = worst + target * (best - worst)
        elif method in (Normalisation.minmax, Normalisation.log_minmax):
            lo, hi = float(self.lo[j]), float(self.hi[j])
            if hi <= lo or (raw == lo and self.n_lo[j] == 1) or (raw == hi and self.n_hi[j] == 1):
                return ""
            r = target if higher else 1.0 - target
            if method is Normalisation.minmax:
                x = lo + r * (hi - lo)
            else:
                x = float(np.expm1(np.log1p(lo) + r * (np.log1p(hi) - np.log1p(lo))))
        else:
            return ""
        bounds = {(True, True): "at least", (True, False): "at most", (False, True): "below", (False, False): "above"}
        return f"{column} {bounds[(raise_score, higher)]} {_number(x)} instead of {_number(raw)}"


def _level_needed(ind: Indicator, column: str, raw: float, target: float, *, raise_score: bool) -> str:
    assert ind.levels is not None
    lo, hi = min(ind.levels.values()), max(ind.levels.values())
    higher = ind.direction is Direction.higher
    scored = [(name, (v - lo) / (hi - lo) if higher else 1.0 - (v - lo) / (hi - lo)) for name, v in ind.levels.items()]
    if raise_score:
        fits = [(s, name) for name, s in scored if s >= target - 1e-12]
        choice = min(fits) if fits else None
    else:
        fits = [(s, name) for name, s in scored if s < target - 1e-12]
        choice = max(fits) if fits else None
    if choice is None:
        return ""
    now = next((name for name, v in ind.levels.items() if math.isclose(v, raw)), _number(raw))
    return f"{column} {choice[1]!r} instead of {now!r}"


def _yes_no(value: float) -> str:
    return "yes" if value >= 0.5 else "no"


def _number(x: float) -> str:
    """A raw value with 4 significant digits, never in exponent form.

    >>> _number(12.3456), _number(1234567.0), _number(0.000123456)
    ('12.35', '1235000', '0.0001235')
    """
    return np.format_float_positional(x, precision=4, unique=False, fractional=False, trim="-")
