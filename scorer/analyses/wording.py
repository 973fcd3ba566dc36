"""The sentences of the stability analysis: one function per kind, for the terminal, the files and the report.

:func:`scorer.analyses.stability` writes each sentence once, into its result
(``in_words``, ``weight_in_words``, ``value_in_words``); every output shows
those columns and none words the numbers again. A criterion is named in plain
words (``government interest``); numbers get as many decimals as tell them
apart.
"""

from __future__ import annotations


def plain(cid: str) -> str:
    """A criterion id as words: ``government_interest`` -> ``government interest``.

    >>> plain("government_interest")
    'government interest'
    """
    return cid.replace("_", " ").strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fixed(x: float, d: int) -> str:
    """``x`` with ``d`` decimals, never ``-0.00`` (a threshold a rounding error below 0 reads as 0).

    >>> _fixed(-1e-17, 2), _fixed(-0.5, 1)
    ('0.00', '-0.5')
    """
    text = f"{x:.{d}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def pair_text(a: float, b: float) -> tuple[str, str]:
    """Two weights or scores with as few decimals (2 to 4) as tell them apart.

    >>> pair_text(0.4, 0.47), pair_text(0.4, 0.4004), pair_text(-1e-17, 0.3)
    (('0.40', '0.47'), ('0.4000', '0.4004'), ('0.00', '0.30'))
    """
    for d in (2, 3, 4):
        x, y = _fixed(a, d), _fixed(b, d)
        if x != y:
            break
    return x, y


def interval_decimals(w: float, lo: float, hi: float) -> int:
    """Decimals (3 to 5, else 6) that tell a weight and its interval's inner ends apart.

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


def interval_words(
    name: str, w: float, lo: float, hi: float, *, what: str, open_at_0: bool = False, open_at_1: bool = False
) -> str:
    """How far one weight can move, the others keeping their proportions, without changing ``what``.

    ``open_at_0`` / ``open_at_1``: the interval reaches 0 or 1, but countries
    tie at exactly that weight and the list changes there.

    >>> interval_words("engagement", 0.4, 0.3101, 0.4702, what="the top 15")
    "Engagement's weight can move from 0.310 to 0.470 (now 0.400) without changing the top 15."
    >>> interval_words("representation", 0.25, 0.0, 1.0, what="the top 15")
    "Representation's weight can take any value from 0 to 1 (now 0.250) without changing the top 15."
    >>> interval_words("a", 0.4, 0.0, 0.5, what="the top 3", open_at_0=True)
    "A's weight can move anywhere below 0.500 (now 0.400) without changing the top 3. At exactly 0, countries tie and the list changes."
    """  # noqa: E501
    d = interval_decimals(w, lo, hi)
    now = f"{w:.{d}f}"
    ends = [e for e, edge, flag in (("0", lo <= 0.0, open_at_0), ("1", hi >= 1.0, open_at_1)) if edge and flag]
    tail = f" At exactly {' or '.join(ends)}, countries tie and the list changes." if ends else ""
    if hi - lo <= 1e-12:
        return _cap(
            f"{name}'s weight cannot move at all (now {now}) without changing {what}: countries are tied at the cut."
        )
    if lo <= 0.0 and hi >= 1.0:
        span = "between 0 and 1" if ends else "from 0 to 1"
        return _cap(f"{name}'s weight can take any value {span} (now {now}) without changing {what}.") + tail
    if lo <= 0.0:
        where = f"anywhere below {hi:.{d}f}"
    elif hi >= 1.0:
        where = f"anywhere above {lo:.{d}f}"
    else:
        where = f"from {lo:.{d}f} to {hi:.{d}f}"
    return _cap(f"{name}'s weight can move {where} (now {now}) without changing {what}.") + tail


def no_single_change_words(thing: str, *, inside: bool, what: str) -> str:
    """No change of one ``thing`` (weight, criterion score) from 0 to 1 moves the country across the cut.

    >>> no_single_change_words("weight", inside=False, what="the top 15")
    'No single weight, at any value from 0 to 1, brings it into the top 15.'
    """
    effect = f"takes it out of {what}" if inside else f"brings it into {what}"
    return f"No single {thing}, at any value from 0 to 1, {effect}."


def weight_change_words(
    name: str,
    w: float,
    to: float,
    *,
    inside: bool,
    what: str,
    rise: bool | None = None,
    plausible: tuple[float, float] | None = None,
) -> str:
    """The smallest change of one weight that moves a country into or out of ``what``, as an instruction.

    ``rise``: the direction, needed only when ``to == w`` (a tie at the cut:
    the slightest change moves it); ``plausible``: the weight's plausible
    range, named when ``to`` lies outside it.

    >>> weight_change_words("a b", 0.4, 0.62, inside=False, what="the top 5", plausible=(0.25, 0.55))
    "Raise a b's weight from 0.40 to 0.62 and it enters the top 5 (outside the weight's plausible range, 0.25 to 0.55)."
    >>> weight_change_words("a", 0.25, 0.2212, inside=True, what="the top 15")
    "Lower a's weight from 0.25 to below 0.22 and it leaves the top 15."
    >>> weight_change_words("a", 0.0, 0.0, inside=True, what="the top 15", rise=True)
    "Raise a's weight even slightly from 0.00 and it leaves the top 15 (a tie at the cut)."
    """
    up = to > w if rise is None else rise
    verb = "Raise" if up else "Lower"
    effect = f"it leaves {what}" if inside else f"it enters {what}"
    a, b = pair_text(w, to)
    if to == w:
        text = f"{verb} {name}'s weight even slightly from {_fixed(w, 2)} and {effect} (a tie at the cut)"
    elif to <= 0.0 or to >= 1.0:  # only a weight of exactly 0 or 1 does it: countries tie there
        text = f"{verb} {name}'s weight from {a} to exactly {to:.0f} and {effect} (countries tie there)"
    else:
        target = (f"above {b}" if up else f"below {b}") if inside else b
        text = f"{verb} {name}'s weight from {a} to {target} and {effect}"
    if plausible is not None and not plausible[0] - 1e-12 <= to <= plausible[1] + 1e-12:
        text += f" (outside the weight's plausible range, {plausible[0]:g} to {plausible[1]:g})"
    return text + "."


def value_change_words(name: str, score: float, to: float, *, inside: bool, what: str, needed: str = "") -> str:
    """The smallest change of one criterion score (0-1) that moves a country into or out of ``what``.

    ``needed``: the spreadsheet value that gives that score, where it can be read back.

    >>> for part in value_change_words("engagement", 0.618, 0.557, inside=True, what="the top 15",
    ...                                needed="patents below 38.04 instead of 57.22").split("; "):
    ...     print(part)
    Lower its engagement score from 0.62 to below 0.56 and it leaves the top 15
    in the spreadsheet, that is patents below 38.04 instead of 57.22.
    """
    a, b = pair_text(score, to)
    if inside:
        text = f"Lower its {name} score from {a} to below {b} and it leaves {what}"
    else:
        text = f"Raise its {name} score from {a} to {b} and it enters {what}"
    if needed:
        text += f"; in the spreadsheet, that is {needed}"
    return text + "."
