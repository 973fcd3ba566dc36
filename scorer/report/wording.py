"""The report's sentences: rules and policies in plain words, numbers as text.

Pure functions of numbers and validated models. The stability sentences
(weight intervals, the change that moves a country) are the library's, one
function per kind in :mod:`scorer.analyses.wording`, re-exported here; the
report shows the sentences :func:`scorer.analyses.stability` wrote.
"""

from __future__ import annotations

import math
from typing import Any

from scorer.analyses.wording import (
    interval_cells,
    interval_decimals,
    interval_words,
    pair_text,
    plain,
    value_change_words,
    weight_change_words,
)
from scorer.model.criteria import EligibilityRule, Indicator, MissingPolicy, Tier

__all__ = [
    "cell_text",
    "fmt",
    "interval_cells",
    "interval_decimals",
    "interval_words",
    "missing_words",
    "pair_text",
    "pct",
    "plain",
    "rule_words",
    "tier_words",
    "value_change_words",
    "weight_change_words",
    "yaml_number",
]


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

    >>> from scorer.model.criteria import Indicator
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

    >>> from scorer.model.criteria import EligibilityRule
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

    >>> from scorer.model.criteria import Tier
    >>> tier_words(Tier(name="join", top=15), last=False)
    'the countries ranked 1 to 15 (a tie at 15 takes every tied country)'
    """
    if tier.top is not None:
        return f"the countries ranked 1 to {tier.top} (a tie at {tier.top} takes every tied country)"
    if tier.min_score is not None:
        return f"countries not in an earlier tier with a score of at least {tier.min_score:g}"
    return "every remaining country" if last else "every country not in an earlier tier"
