"""Normalisation: map an indicator's raw values onto a common scale.

One class per method, behind one interface (:class:`NormalisationMethod`).
Each method owns everything that depends on it:

- ``check``: its parameters in the criteria file (``levels``, ``bounds``);
- ``read``: how a spreadsheet cell is parsed (number, yes/no, level name);
- ``bad_raw``: raw values it cannot take (``log_minmax``: negatives);
- ``scale``: raw values to normalised values, direction applied (higher is better);
- ``invert``: the raw value one country needs for a given normalised value;
- ``describe``: one sentence in words, for reports;
- ``cell_rule``: the spreadsheet validation rule of the column.

:data:`NORMALISATIONS` maps each YAML name to its method; to add a method,
write its class here, decorate it with ``@register`` and add its name to
:class:`Normalisation`. A test holds the enum and the registry equal.

The array functions (:func:`minmax`, :func:`zscore`, ...) take a float array
(NaN = missing, ignored by the statistics) and return one of the same shape.
This module imports nothing from the criteria model at run time (the model
imports it): direction is read as its string value.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

from scorer.errors import Problem
from scorer.prepare.cells import Cell, parse_boolean, parse_level, parse_number
from scorer.render.formatting import plain_number

if TYPE_CHECKING:
    from scorer.model.criteria import Indicator

FloatArray = NDArray[np.float64]


class Normalisation(StrEnum):
    """How an indicator's raw values are mapped to a common scale (the ``normalisation:`` key)."""

    minmax = "minmax"
    goalposts = "goalposts"
    zscore = "zscore"
    percentile = "percentile"
    log_minmax = "log_minmax"
    boolean = "boolean"
    ordinal = "ordinal"
    raw = "raw"


@dataclass(frozen=True)
class CellRule:
    """The spreadsheet validation rule of an indicator column, before its extra tokens.

    ``kind`` is ``list`` (a drop-down of ``options``) or ``decimal`` (a number
    between ``minimum`` and ``maximum``, either may be open); ``strict``
    refuses a bad value, otherwise Excel only warns; ``allowed`` says the
    same in words.
    """

    kind: Literal["list", "decimal"]
    allowed: str
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    strict: bool = True


def _lower(indicator: Indicator) -> bool:
    return str(indicator.direction) == "lower"


def _better(indicator: Indicator) -> str:
    return "lower values are better" if _lower(indicator) else "higher values are better"


class NormalisationMethod(ABC):
    """One normalisation method; subclasses override what differs.

    ``bounded`` methods give values in [0, 1] (a geometric mean needs values
    >= 0); ``parameters`` are the indicator keys the method reads, refused on
    indicators of other methods.
    """

    name: ClassVar[str]
    bounded: ClassVar[bool] = True
    parameters: ClassVar[tuple[str, ...]] = ()

    def check(self, indicator: Indicator, key: str) -> list[Problem]:
        """Problems with this method's parameters, located under ``key`` (the indicator)."""
        return []

    def read(self, value: object, indicator: Indicator, *, decimal_comma: bool = False) -> Cell:
        """Parse one spreadsheet cell (numbers by default)."""
        return parse_number(value, decimal_comma=decimal_comma)

    def bad_raw(self, x: FloatArray) -> list[tuple[int, str]]:
        """(position, message) for each raw value this method cannot take."""
        return []

    @abstractmethod
    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        """Raw values to [0, 1], higher raw = higher value (direction not applied)."""

    def scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        """Normalised values with the direction applied: a lower-is-better value ``v`` becomes ``1 - v``."""
        v = self.unit_scale(x, indicator)
        return 1.0 - v if _lower(indicator) else v

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        """The raw value row ``i`` needs for a normalised value of ``target``, the others held.

        A continuous method returns the raw value at ``target`` exactly; a
        discrete one (levels, yes/no) the level nearest ``target`` on the
        asked side: the lowest-scoring level reaching it (``at_least``) or the
        highest-scoring one below it. None when no raw value does it without
        moving the column's statistics (the row holds the only minimum under
        min-max) or the method cannot be inverted (z-scores, percentiles).
        """
        return None

    def worst_possible(self, indicator: Indicator) -> tuple[float, str] | None:
        """The worst raw value a closed scale allows (a level, yes/no) and its name; None otherwise.

        ``missing: worst`` fills a blank with it where it exists: "unknown counts
        as none" must not depend on whether someone else happens to be rated none.
        Numeric scales, goalposts included (they clip, so any value beyond the
        worst goalpost is possible), keep the worst observed value.
        """
        return None

    def describe(self, indicator: Indicator) -> str:
        """One plain-language sentence on how the indicator is normalised."""
        return f"{self.words(indicator)}; {_better(indicator)}"

    @abstractmethod
    def words(self, indicator: Indicator) -> str:
        """The method in words, without the direction."""

    def cell_rule(self, indicator: Indicator) -> CellRule:
        """The validation rule of the indicator's spreadsheet column (any number by default)."""
        return CellRule("decimal", "a number")


NORMALISATIONS: dict[str, NormalisationMethod] = {}


def register(cls: type[NormalisationMethod]) -> type[NormalisationMethod]:
    """Class decorator: add one instance of the method to :data:`NORMALISATIONS`."""
    NORMALISATIONS[cls.name] = cls()
    return cls


def method_of(indicator: Indicator) -> NormalisationMethod:
    """The normalisation method object of an indicator.

    >>> from scorer.model.criteria import Indicator
    >>> method_of(Indicator(column="x", normalisation="percentile")).name
    'percentile'
    """
    return NORMALISATIONS[str(indicator.normalisation)]


def minmax(x: FloatArray) -> FloatArray:
    """(x - min) / (max - min); a constant column maps to 0.5 (no information).

    >>> minmax(np.array([2.0, 4.0, 6.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    if np.isnan(x).all():
        return x.copy()
    lo, hi = np.nanmin(x), np.nanmax(x)
    if not np.isfinite(hi - lo) or hi == lo:
        return np.where(np.isnan(x), np.nan, 0.5)
    return (x - lo) / (hi - lo)


def goalposts(x: FloatArray, worst: float, best: float) -> FloatArray:
    """Position between fixed goalposts, clipped to [0, 1]; worst may exceed best.

    >>> goalposts(np.array([0.0, 50.0, 150.0]), 0, 100).tolist()
    [0.0, 0.5, 1.0]
    """
    return np.clip((x - worst) / (best - worst), 0.0, 1.0)


def zscore(x: FloatArray) -> FloatArray:
    """(x - mean) / sample standard deviation; unbounded; constant -> 0.

    >>> zscore(np.array([1.0, 2.0, 3.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    observed = x[~np.isnan(x)]
    sd = float(np.std(observed, ddof=1)) if observed.size > 1 else 0.0
    if sd == 0.0:
        return np.where(np.isnan(x), np.nan, 0.0)
    return (x - float(np.mean(observed))) / sd


def percentile(x: FloatArray) -> FloatArray:
    """Percentile rank in [0, 1]: (average rank - 1) / (n - 1).

    >>> percentile(np.array([10.0, 30.0, 20.0, 20.0])).tolist()
    [0.0, 1.0, 0.5, 0.5]
    """
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    values = x[ok]
    n = values.size
    if n == 0:
        return out
    if n == 1:
        out[ok] = 0.5
        return out
    order = np.argsort(values, kind="stable")
    _uniq, inverse = np.unique(values[order], return_inverse=True)
    sums = np.bincount(inverse, weights=np.arange(1, n + 1, dtype=float))
    average = sums / np.bincount(inverse)  # average ranks over ties
    ranks = np.empty(n)
    ranks[order] = average[inverse]
    out[ok] = (ranks - 1.0) / (n - 1.0)
    return out


def log_minmax(x: FloatArray) -> FloatArray:
    """Min-max of log(1 + x), for skewed non-negative quantities.

    >>> np.round(log_minmax(np.array([0.0, 9.0, 99.0])), 3).tolist()
    [0.0, 0.5, 1.0]
    """
    return minmax(np.log1p(x))


def rescale_levels(x: FloatArray, levels: dict[str, float]) -> FloatArray:
    """Ordinal level values rescaled so the lowest level is 0 and the highest 1.

    >>> rescale_levels(np.array([0.0, 2.0, 4.0]), {"a": 0, "b": 2, "c": 4}).tolist()
    [0.0, 0.5, 1.0]
    """
    lo, hi = min(levels.values()), max(levels.values())
    return (x - lo) / (hi - lo)


def _minmax_inverse(target: float, x: FloatArray, i: int, lower: bool) -> float | None:
    """Raw value giving ``target`` under min-max of ``x`` (direction applied), or None."""
    observed = x[~np.isnan(x)]
    if observed.size == 0 or np.isnan(x[i]):
        return None
    lo, hi = float(observed.min()), float(observed.max())
    sole_lo = x[i] == lo and int((observed == lo).sum()) == 1
    sole_hi = x[i] == hi and int((observed == hi).sum()) == 1
    if hi <= lo or sole_lo or sole_hi or not 0.0 <= target <= 1.0:
        return None
    r = 1.0 - target if lower else target
    return lo + r * (hi - lo)


def _nearest_level(target: float, values: list[float], scored: FloatArray, at_least: bool) -> float | None:
    """The value whose score is the lowest >= ``target`` (``at_least``) or the highest below it."""
    if at_least:
        fits = [(float(s), v) for v, s in zip(values, scored, strict=True) if s >= target - 1e-12]
        return min(fits)[1] if fits else None
    fits = [(float(s), v) for v, s in zip(values, scored, strict=True) if s < target - 1e-12]
    return max(fits)[1] if fits else None


@register
class MinMax(NormalisationMethod):
    """(x - min) / (max - min) over eligible countries."""

    name = "minmax"

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return minmax(x)

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        """>>> from scorer.model.criteria import Indicator
        >>> MinMax().invert(0.25, np.array([0.0, 2.0, 8.0]), 1, Indicator(column="c"))
        2.0
        """
        return _minmax_inverse(target, x, i, _lower(indicator))

    def words(self, indicator: Indicator) -> str:
        return "rescaled so the lowest value among eligible countries is 0 and the highest is 1"


@register
class LogMinMax(NormalisationMethod):
    """Min-max of log(1 + x); raw values must be >= 0."""

    name = "log_minmax"

    def bad_raw(self, x: FloatArray) -> list[tuple[int, str]]:
        return [
            (int(i), f"should be >= 0 for log_minmax normalisation, but it is {plain_number(x[i])}")
            for i in np.flatnonzero(x < 0)
        ]

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return log_minmax(x)

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        logged = _minmax_inverse(target, np.log1p(x), i, _lower(indicator))
        return None if logged is None else float(np.expm1(logged))

    def words(self, indicator: Indicator) -> str:
        return "log-transformed (log(1 + x)) then rescaled from 0 (lowest) to 1 (highest)"

    def cell_rule(self, indicator: Indicator) -> CellRule:
        return CellRule("decimal", "a number >= 0", minimum=0.0)


@register
class Goalposts(NormalisationMethod):
    """Position between fixed goalposts ``bounds: [low, high]``, clipped to [0, 1]."""

    name = "goalposts"
    parameters = ("bounds",)

    def check(self, indicator: Indicator, key: str) -> list[Problem]:
        if indicator.bounds is None:
            message = "should be [low, high] for goalposts normalisation, but it is missing"
        elif indicator.bounds[0] >= indicator.bounds[1]:
            message = f"should be [low, high] with low < high, but it is {list(indicator.bounds)}"
        else:
            return []
        return [Problem("config.invalid", message, key=f"{key}.bounds")]

    def _ends(self, indicator: Indicator) -> tuple[float, float]:
        assert indicator.bounds is not None
        low, high = indicator.bounds
        return (high, low) if _lower(indicator) else (low, high)

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        assert indicator.bounds is not None
        return goalposts(x, *indicator.bounds)

    def scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return goalposts(x, *self._ends(indicator))

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        """>>> from scorer.model.criteria import Indicator
        >>> Goalposts().invert(0.5, np.array([1.0]), 0, Indicator(column="c", normalisation="goalposts",
        ...     bounds=[0, 10], direction="lower"))
        5.0
        """
        if not 0.0 <= target <= 1.0:
            return None
        worst, best = self._ends(indicator)
        return worst + target * (best - worst)

    def words(self, indicator: Indicator) -> str:
        worst, best = self._ends(indicator)
        return f"placed between fixed goalposts {worst:g} (scores 0) and {best:g} (scores 1), clipped"

    def cell_rule(self, indicator: Indicator) -> CellRule:
        assert indicator.bounds is not None
        low, high = sorted(indicator.bounds)
        text = f"a number, usually from {low:g} to {high:g} (values beyond count as {low:g} or {high:g})"
        return CellRule("decimal", text, minimum=low, maximum=high, strict=False)


@register
class ZScore(NormalisationMethod):
    """(x - mean) / sample standard deviation; unbounded."""

    name = "zscore"
    bounded = False

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return zscore(x)

    def scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        z = zscore(x)
        return -z if _lower(indicator) else z

    def words(self, indicator: Indicator) -> str:
        return "standardised (value minus the mean, divided by the standard deviation)"


@register
class Percentile(NormalisationMethod):
    """Percentile rank among eligible countries, 0 to 1."""

    name = "percentile"

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return percentile(x)

    def words(self, indicator: Indicator) -> str:
        return "replaced by its percentile rank among eligible countries (0 to 1)"


@register
class Boolean(NormalisationMethod):
    """Yes = 1, no = 0."""

    name = "boolean"

    def read(self, value: object, indicator: Indicator, *, decimal_comma: bool = False) -> Cell:
        return parse_boolean(value)

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return x.astype(float)

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        """>>> from scorer.model.criteria import Indicator
        >>> Boolean().invert(0.5, np.array([0.0]), 0, Indicator(column="c", normalisation="boolean"))
        1.0
        """
        return _nearest_level(target, [0.0, 1.0], self.scale(np.array([0.0, 1.0]), indicator), at_least)

    def worst_possible(self, indicator: Indicator) -> tuple[float, str] | None:
        return (1.0, "yes") if _lower(indicator) else (0.0, "no")

    def words(self, indicator: Indicator) -> str:
        return "read as yes = 1, no = 0"

    def cell_rule(self, indicator: Indicator) -> CellRule:
        return CellRule("list", "yes or no (pick from the drop-down list)", options=("yes", "no"))


@register
class Ordinal(NormalisationMethod):
    """Named levels, ``levels: {name: value}``, rescaled so the lowest is 0 and the highest 1."""

    name = "ordinal"
    parameters = ("levels",)

    def check(self, indicator: Indicator, key: str) -> list[Problem]:
        if not indicator.levels:
            message = "should map each level to a value for an ordinal indicator, but it is missing"
        elif len(set(indicator.levels.values())) < 2:
            message = "should give at least two different values, but they are all equal"
        else:
            return []
        return [Problem("config.invalid", message, key=f"{key}.levels")]

    def read(self, value: object, indicator: Indicator, *, decimal_comma: bool = False) -> Cell:
        assert indicator.levels is not None
        return parse_level(value, indicator.levels)

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        assert indicator.levels is not None
        return rescale_levels(x, indicator.levels)

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        assert indicator.levels is not None
        values = [float(v) for v in indicator.levels.values()]
        return _nearest_level(target, values, self.scale(np.array(values), indicator), at_least)

    def worst_possible(self, indicator: Indicator) -> tuple[float, str] | None:
        """>>> from scorer.model.criteria import Indicator
        >>> Ordinal().worst_possible(Indicator(column="c", normalisation="ordinal", levels={"low": 1, "high": 3}))
        (1.0, 'low')
        """
        assert indicator.levels is not None
        pick = max if _lower(indicator) else min
        name = pick(indicator.levels, key=lambda k: indicator.levels[k])  # type: ignore[index]
        return float(indicator.levels[name]), name

    def words(self, indicator: Indicator) -> str:
        assert indicator.levels is not None
        return "mapped from its levels (" + ", ".join(f"{k} = {v:g}" for k, v in indicator.levels.items()) + ") to 0-1"

    def cell_rule(self, indicator: Indicator) -> CellRule:
        levels = tuple(indicator.levels or {})
        return CellRule("list", "one of: " + ", ".join(levels) + " (pick from the drop-down list)", options=levels)


@register
class Raw(NormalisationMethod):
    """The raw value itself (negated when lower is better): for TOPSIS, which normalises by vector norm.

    Unbounded, so a geometric mean refuses it. Under TOPSIS a negated cost
    column gives exactly Hwang and Yoon's distances (its ideal is its minimum).
    """

    name = "raw"
    bounded = False

    def unit_scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return x.astype(float)

    def scale(self, x: FloatArray, indicator: Indicator) -> FloatArray:
        return -x.astype(float) if _lower(indicator) else x.astype(float)

    def invert(
        self, target: float, x: FloatArray, i: int, indicator: Indicator, *, at_least: bool = True
    ) -> float | None:
        return -target if _lower(indicator) else target

    def words(self, indicator: Indicator) -> str:
        return "used as it is, not rescaled (negated when lower is better)"


def check_parameters(indicator: Indicator, key: str) -> list[Problem]:
    """Problems with an indicator's method parameters, and parameters its method does not read.

    >>> from scorer.model.criteria import Indicator
    >>> [p.format() for p in check_parameters(Indicator(column="c", bounds=[0, 1]), "criteria.a.indicators.i")]
    ["criteria.a.indicators.i.bounds: is only used by goalposts normalisation, but normalisation is 'minmax'"]
    """
    method = method_of(indicator)
    problems = method.check(indicator, key)
    for other in NORMALISATIONS.values():
        for parameter in other.parameters:
            if parameter not in method.parameters and getattr(indicator, parameter) is not None:
                what = f"{other.name} indicators" if other.name == "ordinal" else f"{other.name} normalisation"
                problems.append(
                    Problem(
                        "config.invalid",
                        f"is only used by {what}, but normalisation is {method.name!r}",
                        key=f"{key}.{parameter}",
                    )
                )
    return problems


def normalise(x: FloatArray, indicator: Indicator) -> FloatArray:
    """Normalise raw values by the indicator's method, then apply its direction.

    For bounded methods a lower-is-better indicator becomes ``1 - v``; for
    z-scores and raw values it becomes ``-v``; goalposts swap their ends.

    >>> from scorer.model.criteria import Indicator
    >>> normalise(np.array([1.0, 3.0, 2.0]), Indicator(column="c", direction="lower")).tolist()
    [1.0, 0.0, 0.5]
    """
    return method_of(indicator).scale(x, indicator)


def describe(indicator: Indicator) -> str:
    """One plain-language sentence on how the indicator is normalised.

    >>> from scorer.model.criteria import Indicator
    >>> describe(Indicator(column="c", normalisation="boolean"))
    'read as yes = 1, no = 0; higher values are better'
    """
    return method_of(indicator).describe(indicator)
