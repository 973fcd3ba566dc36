"""Unambiguous fixes of spreadsheet cells, for ``validate --fix`` (pure: DataFrames and criteria in, fixes out).

A fix is proposed only where the reading of the cell leaves no doubt:

- a level typed in another case or with spaces (``High `` -> ``high``), or
  mistyped with a single close candidate (``hihg`` -> ``high``, ``med`` ->
  ``medium``; see :func:`scorer.prepare.cells.unique_suggestion`);
- a yes/no typed another way (``Oui``, ``TRUE``, ``y`` -> ``yes``) or
  mistyped with a single close candidate (``yse`` -> ``yes``);
- a number with spaces around it (``12.4 `` -> ``12.4``) or thousands
  separators (``1,234`` -> ``1234``), in a file read with a decimal point;
- a number with a decimal comma in a file read with a decimal point
  (``3,5`` -> ``3.5``: what ``--decimal-comma`` would read).

Anything else (a level two candidates are close to, a percent, a spelling of
missing, a zero or not-applicable token, any cell of a file read with a
decimal comma beyond its spaces) is left as typed, and still listed as a
problem if it is one. Writing the corrected copy is the edge's work
(:mod:`scorer.io.fixes`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from scorer.core.normalisation import NormalisationMethod, method_of
from scorer.errors import ScorerError
from scorer.model.criteria import Criteria, Indicator
from scorer.prepare.cells import (
    FALSE_TOKENS,
    TRUE_TOKENS,
    as_typed,
    clean_text,
    is_missing,
    parse_number,
    unique_suggestion,
)
from scorer.render.formatting import plain_number


@dataclass(frozen=True)
class CellFix:
    """One change of the corrected copy: the cell, what was typed, what it becomes, and why."""

    row: int
    column: str
    country: str
    original: str
    fixed: str
    value: float | str
    why: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: row, column, country, from, to, why.

        >>> CellFix(3, "level", "Chad", "hihg", "high", "high", "did you mean 'high'").to_dict()["to"]
        'high'
        """
        return {
            "row": self.row,
            "column": self.column,
            "country": self.country,
            "from": self.original,
            "to": self.fixed,
            "why": self.why,
        }


def fix_cell(raw: object, indicator: Indicator, *, decimal_comma: bool) -> tuple[str, float | str, str] | None:
    """(text, value to write, why) of the unambiguous fix of one cell; None when it is fine or not sure.

    >>> lv = Indicator(column="c", normalisation="ordinal", levels={"low": 0, "medium": 1, "high": 2})
    >>> fix_cell("hihg", lv, decimal_comma=False), fix_cell(" High", lv, decimal_comma=False)
    (('high', 'high', "a typo of 'high'"), ('high', 'high', 'spaces trimmed, case changed'))
    >>> fix_cell("low", lv, decimal_comma=False), fix_cell("m", lv, decimal_comma=False)
    (None, None)
    >>> yn = Indicator(column="c", normalisation="boolean")
    >>> fix_cell("Oui", yn, decimal_comma=False), fix_cell("yse", yn, decimal_comma=False)
    (('yes', 'yes', 'yes/no spelling'), ('yes', 'yes', "a typo of 'yes'"))
    >>> num = Indicator(column="c")
    >>> fix_cell("3,5", num, decimal_comma=False), fix_cell("1,234", num, decimal_comma=False)
    (('3.5', 3.5, 'decimal comma'), ('1234', 1234.0, 'thousands separator'))
    >>> fix_cell("12.4 ", num, decimal_comma=False), fix_cell("45%", num, decimal_comma=False)
    (('12.4', 12.4, 'spaces trimmed'), None)
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = clean_text(raw)
    tokens = {clean_text(t).casefold() for t in indicator.zero_tokens or []}
    if indicator.not_applicable:
        tokens |= {clean_text(t).casefold() for t in indicator.not_applicable.tokens}
    if text.casefold() in tokens:
        return None
    if indicator.levels:
        return _fix_choice(raw, text, list(indicator.levels))
    if indicator.normalisation == "boolean":
        return _fix_yes_no(raw, text)
    if type(method_of(indicator)).read is not NormalisationMethod.read or is_missing(raw):
        return None
    return _fix_number(raw, text, decimal_comma=decimal_comma)


def _changed(raw: str, text: str, name: str) -> str:
    said = ["spaces trimmed"] if raw != text else []
    if text != name:
        said.append("case changed")
    return ", ".join(said)


def _fix_choice(raw: str, text: str, names: list[str]) -> tuple[str, str, str] | None:
    for name in names:
        if clean_text(name).casefold() == text.casefold():
            return None if raw == name else (name, name, _changed(raw, text, name))
    if is_missing(raw):
        return None
    close = unique_suggestion(text, names)
    return (close, close, f"a typo of {close!r}") if close else None


def _fix_yes_no(raw: str, text: str) -> tuple[str, str, str] | None:
    key = text.casefold()
    if key in TRUE_TOKENS or key in FALSE_TOKENS:
        word = "yes" if key in TRUE_TOKENS else "no"
        if raw == word:
            return None
        return word, word, "spaces trimmed" if key == word else "yes/no spelling"
    if is_missing(raw):
        return None
    close = unique_suggestion(text, ["yes", "no", "true", "false"])
    if close is None:
        return None
    word = "yes" if close in TRUE_TOKENS else "no"
    return word, word, f"a typo of {word!r}"


def _fix_number(raw: str, text: str, *, decimal_comma: bool) -> tuple[str, float | str, str] | None:
    if text.endswith("%"):
        return None
    if decimal_comma:  # the file's own convention: only the spaces are certain
        return (text, text, "spaces trimmed") if raw != text and " " not in text else None
    cell = parse_number(raw)
    if cell.kind == "value" and cell.value is not None:
        if text == raw and _is_plain(text):
            return None
        why = "thousands separator" if not _is_plain(text) else "spaces trimmed"
        return plain_number(cell.value), cell.value, why
    other = parse_number(raw, decimal_comma=True)
    if cell.kind == "invalid" and other.kind == "value" and other.value is not None and "." not in text:
        return plain_number(other.value), other.value, "decimal comma"
    return None


def _is_plain(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.isascii() and "_" not in text


def find_fixes(
    df: pd.DataFrame,
    criteria: Criteria,
    *,
    id_column: str | None = None,
    countries: Mapping[int, str] | None = None,
) -> list[CellFix]:
    """Every unambiguous fix of the indicator cells of ``df`` (as read by :func:`scorer.read_countries`).

    Row numbers are the spreadsheet's (``df.attrs["row_numbers"]``); the file's decimal
    convention is ``df.attrs["decimal_comma"]``. Columns the criteria do not use are left alone.

    >>> from scorer.model.criteria import Criteria
    >>> lvl = {"column": "lvl", "normalisation": "ordinal", "levels": {"low": 0, "high": 1}}
    >>> a = {"label": "A", "cites": "-", "weight": 1, "indicators": {"lvl": lvl}}
    >>> c = Criteria.model_validate({"name": "t", "criteria": {"a": a}})
    >>> [f.to_dict() for f in find_fixes(pd.DataFrame({"iso3": ["TCD", "PER"], "lvl": ["High", "low"]}), c)]
    [{'row': 2, 'column': 'lvl', 'country': '', 'from': 'High', 'to': 'high', 'why': 'case changed'}]
    """
    from scorer.prepare.columns import choose_id_column, plan_columns

    try:
        id_col = choose_id_column(df, criteria, id_column=id_column)
        plan = plan_columns([str(c) for c in df.columns], criteria, source="", id_column=id_col)
    except ScorerError:
        return []
    decimal_comma = bool(df.attrs.get("decimal_comma", False))
    rows = list(df.attrs.get("row_numbers") or range(2, len(df) + 2))
    names = countries or {}
    fixes: list[CellFix] = []
    done: set[str] = set()
    for _cid, iid, indicator in criteria.indicator_items():
        column = plan.columns.get(iid)
        if column is None or column in done or column not in df.columns:
            continue
        done.add(column)
        for row, raw in zip(rows, df[column].tolist(), strict=False):
            fix = fix_cell(raw, indicator, decimal_comma=decimal_comma)
            if fix is not None:
                text, value, why = fix
                fixes.append(CellFix(int(row), column, names.get(int(row), ""), as_typed(raw), text, value, why))
    return sorted(fixes, key=lambda f: (f.row, f.column))
