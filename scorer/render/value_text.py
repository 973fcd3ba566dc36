"""One indicator value in words, as ``explain`` shows it: yes/no, level names, missing and how it was filled.

The number the score used is never re-derived here: the caller passes the raw
value the result holds, and what imputation and the territory rule recorded.
Numbers, yes/no and levels are written by :mod:`scorer.render.formatting`.
"""

from __future__ import annotations

import math

from scorer.model.criteria import Indicator
from scorer.render.formatting import level_text, plain_number, yes_no

__all__ = ["describe_value", "plain_value"]


def plain_value(indicator: Indicator, raw: float | None) -> str:
    """The raw value as its column means it: ``yes``/``no``, ``level (n)``, or the number.

    >>> from scorer.model.criteria import Indicator
    >>> plain_value(Indicator(column="c", normalisation="boolean"), 1.0)
    'yes'
    >>> plain_value(Indicator(column="c", normalisation="ordinal", levels={"low": 0, "high": 2.5}), 2.5)
    'high (2.5)'
    >>> plain_value(Indicator(column="c"), 38041754.0), plain_value(Indicator(column="c"), 0.30812), plain_value(
    ...     Indicator(column="c"), None)
    ('38041754', '0.30812', 'missing')
    """
    if raw is None or math.isnan(raw):
        return "missing"
    if indicator.normalisation == "boolean":
        if raw in (0.0, 1.0):
            return yes_no(raw)
        return f"{raw:.0%} yes"  # an office's members combined: the share of yes
    for name, value in (indicator.levels or {}).items():
        if math.isclose(value, raw):
            return level_text(name, raw)
    return plain_number(raw)


def describe_value(
    indicator: Indicator, raw: float | None, *, imputed: str = "", original: str = "", state: str = ""
) -> str:
    """The value in a few words: what the cell held, or that it was missing and what filled it, or whose it is.

    ``imputed`` is the imputation's ``how`` (empty when the cell had a value),
    ``original`` the cell's own text when it was a spelling of missing, and
    ``state`` the id of the state whose value the territory rule applied.

    >>> from scorer.model.criteria import Indicator
    >>> describe_value(Indicator(column="c"), 1976.0, imputed="set to the worst observed value")
    'missing (filled with 1976)'
    >>> describe_value(Indicator(column="c"), None, imputed="left out", original="N/A")
    "missing ('N/A', left out)"
    >>> describe_value(Indicator(column="c"), 13.0, state="GBR")
    '13 (value of GBR)'
    """
    shown = plain_value(indicator, raw)
    said = f"{original!r}, " if original else ""
    if imputed:
        return f"missing ({said}left out)" if shown == "missing" else f"missing ({said}filled with {shown})"
    if state:
        return f"{shown} (value of {state})"
    return shown
