"""Eligibility gates: which countries are ranked, and why the others are not."""

from __future__ import annotations

import pandas as pd

from scorer.model.criteria import EligibilityRule
from scorer.prepare.cells import clean_text, is_missing, parse_boolean, parse_number


def rule_fails(rule: EligibilityRule, raw: object, *, decimal_comma: bool = False) -> bool:
    """Whether one cell fails one rule (a blank cell fails every rule)."""
    if is_missing(raw):
        return True
    text = clean_text(raw)

    def same(expected: object) -> bool:
        if isinstance(expected, bool):
            cell = parse_boolean(raw)
            return cell.kind == "value" and bool(cell.value) is expected
        if isinstance(expected, (int, float)):
            cell = parse_number(raw, decimal_comma=decimal_comma)
            return cell.kind == "value" and cell.value == float(expected)
        return text.casefold() == clean_text(expected).casefold()

    if rule.equals is not None and not same(rule.equals):
        return True
    if rule.not_equals is not None and same(rule.not_equals):
        return True
    if rule.in_ is not None and not any(same(v) for v in rule.in_):
        return True
    if rule.not_in is not None and any(same(v) for v in rule.not_in):
        return True
    if rule.min is not None or rule.max is not None:
        cell = parse_number(raw, decimal_comma=decimal_comma)
        if cell.kind != "value" or cell.value is None:
            return True
        if rule.min is not None and cell.value < rule.min:
            return True
        if rule.max is not None and cell.value > rule.max:
            return True
    return False


def eligibility_reasons(
    df: pd.DataFrame, rules: list[EligibilityRule], *, decimal_comma: bool = False
) -> list[list[str]]:
    """For each row, the reasons of the rules it fails (empty: eligible).

    >>> rule = EligibilityRule(column="ldc", equals=True, reason="not an LDC")
    >>> eligibility_reasons(pd.DataFrame({"ldc": ["yes", "no"]}), [rule])
    [[], ['not an LDC']]
    """
    reasons: list[list[str]] = [[] for _ in range(len(df))]
    for rule in rules:
        for i, raw in enumerate(df[rule.column]):
            if rule_fails(rule, raw, decimal_comma=decimal_comma):
                reasons[i].append(rule.reason)
    return reasons
