"""The report's sentences: weight intervals, the changes that move a country, rules and policies in plain words.

Pure functions of numbers and validated models; the numbers are the
analyses' (:mod:`scorer.report.analyses`), only the wording is here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scorer.criteria import EligibilityRule, Indicator, MissingPolicy, Tier


def pct(value: float, digits: int = 0) -> str:
    """A share as a percentage, blank when it is not a number.

    >>> pct(0.4), pct(0.1234, 1), pct(float("nan"))
    ('40%', '12.3%', '')
    """
    return "" if math.isnan(value) else f"{value * 100:.{digits}f}%"


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: blank for an empty cell, else its text, stripped.

    >>> cell_text(None), cell_text(float("nan")), cell_text(" Africa ")
    ('', '', 'Africa')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def fmt(value: Any, digits: int = 3) -> str:
    """A number with ``digits`` decimals, blank when it is not a number.

    >>> fmt(0.61234), fmt(float("nan"), 4)
    ('0.612', '')
    """
    number = float(value)
    return "" if math.isnan(number) else f"{number:.{digits}f}"


def plain(cid: str) -> str:
    """A criterion id as words: ``government_interest`` -> ``government interest``."""
    return cid.replace("_", " ").strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two weights or scores with as few decimals (2 to 4) as tell them apart (as ``unct-scorer stability``).

    >>> _pair(0.4, 0.47), _pair(0.4, 0.4004)
    (('0.40', '0.47'), ('0.4000', '0.4004'))
    """
    for d in (2, 3, 4):
        x, y = _fixed(a, d), _fixed(b, d)
        if x != y:
            break
    return x, y


def _fixed(x: float, d: int) -> str:
    """``x`` with ``d`` decimals, never ``-0.00`` (a threshold a rounding error below 0 reads as 0).

    >>> _fixed(-1e-17, 2), _fixed(-0.5, 1)
    ('0.00', '-0.5')
    """
    text = f"{x:.{d}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def interval_decimals(w: float, lo: float, hi: float) -> int:
    """Decimals (3 to 5, else 6) that tell a weight and its interval's ends apart (as ``unct-scorer stability``).

    >>> interval_decimals(0.4, 0.3941, 0.40032), interval_decimals(0.25, 0.2377, 0.2835)
    (4, 3)
    """
    shown = [x for x in (lo, w, hi) if 0.0 < x < 1.0]
    distinct = len({round(x, 12) for x in shown})
    return next((d for d in (3, 4, 5) if len({f"{x:.{d}f}" for x in shown}) == distinct), 6)


def interval_cells(w: float, lo: float, hi: float) -> tuple[str, str, str]:
    """A weight and its interval's ends as shown in tables (``0`` and ``1`` when the interval reaches them).

    >>> interval_cells(0.25, 0.2377, 1.0)
    ('0.250', '0.238', '1')
    """
    d = interval_decimals(w, lo, hi)
    return f"{w:.{d}f}", "0" if lo <= 0.0 else f"{lo:.{d}f}", "1" if hi >= 1.0 else f"{hi:.{d}f}"


def interval_words(name: str, w: float, lo: float, hi: float, what: str) -> str:
    """How far one weight can move, the others keeping their proportions, without changing ``what``.

    >>> interval_words("engagement", 0.4, 0.3101, 0.4702, "the top 15")
    "Engagement's weight can move from 0.310 to 0.470 (now 0.400) without changing the top 15."
    >>> interval_words("representation", 0.25, 0.0, 1.0, "the top 15")
    "Representation's weight can take any value from 0 to 1 (now 0.250) without changing the top 15."
    """
    d = interval_decimals(w, lo, hi)
    now = f"{w:.{d}f}"
    if lo <= 0.0 and hi >= 1.0:
        return _cap(f"{name}'s weight can take any value from 0 to 1 (now {now}) without changing {what}.")
    if hi - lo <= 1e-12:
        return _cap(
            f"{name}'s weight cannot move at all (now {now}) without changing {what}: countries are tied at the cut."
        )
    if lo <= 0.0:
        return _cap(f"{name}'s weight can move anywhere below {hi:.{d}f} (now {now}) without changing {what}.")
    if hi >= 1.0:
        return _cap(f"{name}'s weight can move anywhere above {lo:.{d}f} (now {now}) without changing {what}.")
    return _cap(f"{name}'s weight can move from {lo:.{d}f} to {hi:.{d}f} (now {now}) without changing {what}.")


def weight_change_words(row: Mapping[str, Any], what: str, ranges: Mapping[str, tuple[float, float] | None]) -> str:
    """The smallest change of one weight that moves a country into or out of ``what``, as an instruction.

    ``row`` is a row of :attr:`scorer.tuning.StabilityReport.countries`.

    >>> row = {"in_top_k": False, "weight_criterion": "a_b", "weight_from": 0.4, "weight_to": 0.62,
    ...        "weight_in_range": False}
    >>> weight_change_words(row, "the top 5", {"a_b": (0.25, 0.55)})
    "Raise a b's weight from 0.40 to 0.62 and it enters the top 5 (outside the weight's plausible range, 0.25 to 0.55)."
    """
    inside = bool(row["in_top_k"])
    cid = str(row["weight_criterion"] or "")
    if not cid:
        effect = f"takes it out of {what}" if inside else f"brings it into {what}"
        return f"No single weight, at any value from 0 to 1, {effect}."
    w, to = float(row["weight_from"]), float(row["weight_to"])
    a, b = _pair(w, to)
    verb = "Raise" if to > w else "Lower"
    target = (f"above {b}" if to > w else f"below {b}") if inside else b
    effect = f"it leaves {what}" if inside else f"it enters {what}"
    text = f"{verb} {plain(cid)}'s weight from {a} to {target} and {effect}"
    if to <= 0.0 or to >= 1.0:  # only a weight of exactly 0 or 1 does it: countries tie there
        text = f"{verb} {plain(cid)}'s weight from {a} to exactly {to:.0f} and {effect} (countries tie there)"
    rng = ranges.get(cid)
    if rng is not None and not row["weight_in_range"]:
        text += f" (outside the weight's plausible range, {rng[0]:g} to {rng[1]:g})"
    return text + "."


def value_change_words(row: Mapping[str, Any], what: str) -> str:
    """The smallest change of one criterion score (0-1) that moves a country into or out of ``what``.

    With the spreadsheet value that gives it, where tuning reads one back.

    >>> row = {"in_top_k": True, "score_criterion": "engagement", "score_from": 0.618, "score_to": 0.557,
    ...        "value_needed": "patents below 38.04 instead of 57.22"}
    >>> for part in value_change_words(row, "the top 15").split("; "):
    ...     print(part)
    Lower its engagement score from 0.62 to below 0.56 and it leaves the top 15
    in the spreadsheet, that is patents below 38.04 instead of 57.22.
    """
    inside = bool(row["in_top_k"])
    cid = str(row["score_criterion"] or "")
    if not cid:
        effect = f"takes it out of {what}" if inside else f"brings it into {what}"
        return f"No single criterion score, at any value from 0 to 1, {effect}."
    a, b = _pair(float(row["score_from"]), float(row["score_to"]))
    if inside:
        text = f"Lower its {plain(cid)} score from {a} to below {b} and it leaves {what}"
    else:
        text = f"Raise its {plain(cid)} score from {a} to {b} and it enters {what}"
    needed = str(row["value_needed"] or "")
    if needed:
        text += f"; in the spreadsheet, that is {needed}"
    return text + "."


def yaml_number(x: float) -> str:
    """A float as YAML 1.1 (PyYAML) reads back as the same float; mirrors the page's ``yamlNumber``.

    >>> yaml_number(0.25), yaml_number(2.0), yaml_number(1e-07)
    ('0.25', '2.0', '1.0e-07')
    """
    text = repr(float(x))
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    return text


def missing_words(indicator: Indicator) -> str:
    """The missing-data policy in plain words.

    >>> from scorer.criteria import Indicator
    >>> missing_words(Indicator(column="x", missing="median"))
    'a blank cell is filled with the median of the eligible countries that have a value'
    """
    policy = indicator.missing
    if policy is MissingPolicy.error:
        return "a blank cell is an error: every eligible country must have a value"
    if policy is MissingPolicy.zero:
        return "a blank cell is read as a true zero"
    if policy is MissingPolicy.worst:
        return "a blank cell is given the worst value observed among eligible countries"
    if policy is MissingPolicy.mean:
        return "a blank cell is filled with the mean of the eligible countries that have a value"
    if policy is MissingPolicy.median:
        return "a blank cell is filled with the median of the eligible countries that have a value"
    if policy is MissingPolicy.group_mean:
        return (
            f"a blank cell is filled with the mean of the eligible countries with the same "
            f"{indicator.missing_group} (or of all eligible countries if none in its group has a value)"
        )
    return (
        "a blank cell leaves the indicator out for that country, and the criterion's other indicators share its weight"
    )


def rule_words(rule: EligibilityRule) -> str:
    """An eligibility gate in plain words.

    >>> from scorer.criteria import EligibilityRule
    >>> rule_words(EligibilityRule(column="has_unct", equals=True, reason="no UNCT"))
    "column 'has_unct' should be true (otherwise: no UNCT)"
    """
    tests = []
    if rule.equals is not None:
        tests.append(f"be {_value_words(rule.equals)}")
    if rule.not_equals is not None:
        tests.append(f"not be {_value_words(rule.not_equals)}")
    if rule.in_ is not None:
        tests.append("be one of " + ", ".join(_value_words(v) for v in rule.in_))
    if rule.not_in is not None:
        tests.append("be none of " + ", ".join(_value_words(v) for v in rule.not_in))
    if rule.min is not None:
        tests.append(f"be at least {rule.min:g}")
    if rule.max is not None:
        tests.append(f"be at most {rule.max:g}")
    if rule.not_missing:
        tests.append("not be blank")
    return f"column {rule.column!r} should {' and '.join(tests)} (otherwise: {rule.reason})"


def _value_words(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def tier_words(tier: Tier, *, last: bool) -> str:
    """A tier's rule in plain words.

    >>> from scorer.criteria import Tier
    >>> tier_words(Tier(name="join", top=15), last=False)
    'the countries ranked 1 to 15 (a tie at 15 takes every tied country)'
    """
    if tier.top is not None:
        return f"the countries ranked 1 to {tier.top} (a tie at {tier.top} takes every tied country)"
    if tier.min_score is not None:
        return f"countries not in an earlier tier with a score of at least {tier.min_score:g}"
    return "every remaining country" if last else "every country not in an earlier tier"
