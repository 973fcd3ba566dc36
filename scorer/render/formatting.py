"""Numbers and booleans as people read them: the one place every output formats them.

- Scores: fixed decimals, as few as tell neighbours apart at the cut
  (:func:`score_decimals`, at least 3, at most 8), with a marker for ties the
  display would hide (:func:`tie_marks`).
- Booleans: ``yes``/``no`` (:func:`yes_no`), never True/False or 1/0.
- Levels: the level's name, with its number beside (:func:`level_text`).
- Numbers in messages: never scientific notation (:func:`plain_number`).

Machine outputs (CSV, JSON) keep full precision; these functions are for
what a person reads: terminal tables, Markdown, HTML, workbook display
formats and error messages. The module imports only the standard library
at load time, so error messages can use it without pulling in pandas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

MIN_DECIMALS = 3
"""Scores always show at least this many decimals."""
MAX_DECIMALS = 8
"""Scores never show more decimals than this: closer neighbours get a tie marker instead."""
CHEAP_DECIMALS = 4
"""Every neighbouring pair is told apart too when that needs no more decimals than this."""
CUT_WINDOW = 2
"""Rows on each side of the cut whose neighbouring pairs must be told apart."""

TIE = "="
"""Marks a score equal to a neighbour's at full precision (a true tie: they share a rank)."""
LOOKS_TIED = "≈"
"""Marks a score that differs from a neighbour's only beyond the decimals shown."""
TIE_LEGEND = f"{TIE} ties a neighbour exactly; {LOOKS_TIED} differs from a neighbour beyond the decimals shown"

_SIGNIFICANT = 10


def _finite(x: Any) -> float | None:
    """``x`` as a finite float, or None for None, NaN, pandas' NA and non-numbers."""
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def format_score(x: Any, decimals: int = MIN_DECIMALS) -> str:
    """A score with fixed ``decimals``; blank for a missing score; never ``-0.000``.

    >>> format_score(0.44186, 3), format_score(0.44186, 4), format_score(None), format_score(float("nan"))
    ('0.442', '0.4419', '', '')
    >>> format_score(-0.00001, 3), format_score(1, 3)
    ('0.000', '1.000')
    """
    value = _finite(x)
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _decimals_to_separate(a: float, b: float) -> int | None:
    """Fewest decimals (``MIN_DECIMALS`` to ``MAX_DECIMALS``) showing a and b differently; None if none do."""
    for d in range(MIN_DECIMALS, MAX_DECIMALS + 1):
        if format_score(a, d) != format_score(b, d):
            return d
    return None


def _tied(a: float, b: float) -> bool:
    """Equal as the ranking compares scores (to ``scorer.core.ranking.TIE_DECIMALS``): they share a rank."""
    from scorer.core.ranking import TIE_DECIMALS

    return round(a, TIE_DECIMALS) == round(b, TIE_DECIMALS)


def _pairs_need(scores: Sequence[float], pairs: range) -> int:
    """Decimals telling apart every pair (i, i + 1) of ``pairs`` that differs (``MAX_DECIMALS`` at most)."""
    need = MIN_DECIMALS
    for i in pairs:
        a, b = _finite(scores[i]), _finite(scores[i + 1])
        if a is None or b is None or _tied(a, b):
            continue
        need = max(need, _decimals_to_separate(a, b) or MAX_DECIMALS)
    return need


def score_decimals(scores_sorted: Iterable[Any], *, cut: int | None = None) -> int:
    """The fewest decimals (3 to 8) that tell neighbouring scores apart where it matters.

    ``scores_sorted`` are in ranking order. Around the ``cut`` (the first
    ``cut`` are in: rows ``cut - 2`` to ``cut + 1``) every pair of neighbours
    that differs is told apart, up to 8 decimals; anywhere else they are too
    when 4 decimals suffice. Tied scores (equal at full precision) need none.
    Without ``cut`` every pair counts as around the cut.

    >>> s = [0.9, 0.8, 0.7, 0.44191, 0.44186]
    >>> score_decimals(s, cut=1), score_decimals(s, cut=3), score_decimals(s, cut=4)
    (3, 5, 5)
    >>> score_decimals([0.9, 0.4419, 0.4416, 0.1], cut=1)  # 4 decimals are cheap: every pair is told apart
    4
    >>> score_decimals([0.5, 0.4999999991, 0.4999999990], cut=2)
    8
    >>> score_decimals([0.9, 0.5, 0.5, 0.1], cut=2), score_decimals([0.91, 0.90995, 0.5])
    (3, 5)
    """
    scores = list(scores_sorted)
    n = len(scores)
    if n < 2:
        return MIN_DECIMALS
    if cut is None:
        return _pairs_need(scores, range(n - 1))
    around = range(max(0, cut - CUT_WINDOW), min(n - 1, cut + CUT_WINDOW - 1))
    need = _pairs_need(scores, around)
    everywhere = _pairs_need(scores, range(n - 1))
    return max(need, everywhere) if everywhere <= CHEAP_DECIMALS else need


def tie_marks(scores_sorted: Iterable[Any], decimals: int) -> list[str]:
    """One marker per score: ``=`` ties a neighbour, ``≈`` only looks like one at ``decimals``, else ``''``.

    >>> tie_marks([0.9, 0.5, 0.5, 0.4999999999, 0.1], 3)
    ['', '=', '=', '≈', '']
    """
    scores = [_finite(x) for x in scores_sorted]
    marks = [""] * len(scores)
    for i in range(len(scores) - 1):
        a, b = scores[i], scores[i + 1]
        if a is None or b is None:
            continue
        if _tied(a, b):
            mark = TIE
        elif format_score(a, decimals) == format_score(b, decimals):
            mark = LOOKS_TIED
        else:
            continue
        for j in (i, i + 1):
            marks[j] = TIE if TIE in (marks[j], mark) else mark
    return marks


def score_texts(scores_sorted: Iterable[Any], *, cut: int | None = None) -> list[str]:
    """The scores as shown in a table: :func:`score_decimals` decimals and the :func:`tie_marks` appended.

    Every text has the same width (a space where there is no marker), so a column lines up.

    >>> score_texts([0.9, 0.4419, 0.4416, 0.4416], cut=2)
    ['0.9000 ', '0.4419 ', '0.4416=', '0.4416=']
    """
    scores = list(scores_sorted)
    decimals = score_decimals(scores, cut=cut)
    marks = tie_marks(scores, decimals)
    width = 1 if any(marks) else 0
    return [format_score(x, decimals) + m.ljust(width) for x, m in zip(scores, marks, strict=True)]


def yes_no(value: Any) -> str:
    """``yes``/``no`` for a boolean (or 1/0, or a yes/no text); blank for a missing value.

    >>> yes_no(True), yes_no(0), yes_no(1.0), yes_no(None), yes_no(float("nan")), yes_no("No")
    ('yes', 'no', 'yes', '', '', 'no')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip().casefold()
        return {"yes": "yes", "true": "yes", "1": "yes", "no": "no", "false": "no", "0": "no"}.get(text, value)
    if hasattr(value, "item"):  # NumPy scalars
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    number = _finite(value)
    if number is None:
        return ""
    return "yes" if number >= 0.5 else "no"


def level_text(name: str | None, number: Any, *, with_number: bool = True) -> str:
    """A level by its name, with its number beside: ``high (0.75)``; just the number without a name.

    >>> level_text("high", 0.75), level_text("high", 0.75, with_number=False), level_text(None, 0.75)
    ('high (0.75)', 'high', '0.75')
    >>> level_text("", float("nan")), level_text("low", None)
    ('', 'low')
    """
    shown = plain_number(number) if _finite(number) is not None else ""
    if not name:
        return shown
    if not with_number or not shown:
        return name
    return f"{name} ({shown})"


def plain_number(x: Any, *, grouping: bool = False) -> str:
    """A number as typed, never in scientific notation: whole numbers in full, others to 10 significant digits.

    For messages: ``2.06428e+07`` reads ``20642800``. Non-numbers are
    returned as ``str``; NaN and infinity in words.

    >>> plain_number(20642800.0), plain_number(20642800.0, grouping=True), plain_number(1e-7)
    ('20642800', '20,642,800', '0.0000001')
    >>> plain_number(0.1 + 0.2), plain_number(-3), plain_number(2.5e20), plain_number(float("-inf"))
    ('0.3', '-3', '250000000000000000000', '-infinity')
    >>> plain_number(float("nan")), plain_number(True), plain_number("n/a")
    ('NaN', 'yes', 'n/a')
    """
    if isinstance(x, bool):
        return yes_no(x)
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "infinity" if value > 0 else "-infinity"
    exact = value.is_integer() and abs(value) < 1e15  # whole numbers as typed, every digit
    number = Decimal(int(value)) if exact else Decimal(f"{value:.{_SIGNIFICANT}g}")
    text = format(number, ",f" if grouping else "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
