"""The report's charts as inline SVG: drawn in Python from the result objects, rendered by autoescaping templates.

Each chart is a plain geometry record (a dict of numbers and texts, computed
here from :class:`~scorer.core.result.ScoreResult` and
:class:`~scorer.report.analyses.Sensitivity`, the objects the tables read) and
a template in ``templates/charts/`` that lays it out as SVG, so names and
labels are escaped like every other value of the page. No script, no network:
the page shows them as they are, on screen and on paper.

Colours are Okabe-Ito (:data:`~scorer.report.page.PALETTE`, the ranking table's), and each
criterion also has its own pattern of lines or dots drawn over it (:func:`ink`), so colour never carries a meaning
alone; every chart has a ``<title>`` and ``<desc>`` and a data-table link.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from scorer.render.formatting import format_score
from scorer.report.page import PALETTE, environment
from scorer.report.wording import pct

if TYPE_CHECKING:
    from scorer.report.page import PageView

PATTERNS = ("solid", "diagonal", "dots", "horizontal", "cross", "vertical", "back-diagonal", "grid")
"""One pattern per criterion (cycled with the colours): the second carrier beside colour."""
PATTERN_WORDS = (
    "plain",
    "diagonal lines",
    "dots",
    "horizontal lines",
    "crossed lines",
    "vertical lines",
    "back-diagonal lines",
    "a grid",
)

CONTRIBUTION_ROWS = 30
"""Countries in the contributions chart: the 30 best-ranked."""

_DARK_INK = {4, 6}
"""Colours light enough that their pattern is drawn in black, not white (sky blue, yellow)."""


def nice_top(value: float) -> tuple[float, float]:
    """An axis end at or above ``value`` and the tick step: tenths up to 0.6, fifths above, then wholes.

    >>> nice_top(0.573), nice_top(0.91), nice_top(2.4)
    ((0.6, 0.1), (1.0, 0.2), (3.0, 1.0))
    """
    if value <= 0 or math.isnan(value):
        return 1.0, 0.2
    step = 0.1 if value <= 0.6 else 0.2 if value <= 1.0 else 1.0
    return round(math.ceil(value / step - 1e-9) * step, 10), step


def blue(p: float) -> str:
    """White to Okabe-Ito blue (#0072B2) by p in [0, 1] (a lightness scale: readable without hue vision).

    >>> blue(0.0), blue(1.0)
    ('#ffffff', '#0072b2')
    """
    p = min(1.0, max(0.0, p)) ** 0.6
    r, g, b = (round(255 + (c - 255) * p) for c in (0x00, 0x72, 0xB2))
    return f"#{r:02x}{g:02x}{b:02x}"


INK_STEP = 8
"""The spacing of a pattern's lines and dots, in chart units (on one grid for the whole chart)."""

_LINES = {
    "diagonal": ("/",),
    "horizontal": ("-",),
    "cross": ("/", "\\"),
    "vertical": ("|",),
    "back-diagonal": ("\\",),
    "grid": ("-", "|"),
}


def patterns() -> list[dict[str, Any]]:
    """The look of each criterion slot: its colour, pattern kind, the colour and width of the pattern's ink."""
    return [
        {
            "slot": i,
            "colour": colour,
            "kind": PATTERNS[i],
            "ink": "#000000" if i in _DARK_INK else "#ffffff",
            "width": 1.2 if PATTERNS[i] in ("cross", "grid") else 1.5,
        }
        for i, colour in enumerate(PALETTE)
    ]


def ink(kind: str, x: float, y: float, w: float, h: float) -> dict[str, str]:
    """A criterion's pattern inside one rectangle, as path data: ``lines`` to stroke and ``dots`` to fill.

    The patterns are drawn as lines and dots, clipped here to the rectangle, not
    as SVG ``<pattern>`` fills: Chromium prints a pattern fill as an image per
    shape, which made the demo report's PDF 7.5 MB instead of 0.6 MB.

    >>> ink("horizontal", 0, 0, 10, 14)
    {'lines': 'M0,4H10M0,12H10', 'dots': ''}
    >>> ink("diagonal", 0, 0, 8, 8)["lines"]
    'M0,8L8,0'
    >>> ink("dots", 0, 0, 9, 9)["dots"]
    'M2.4,4a1.6,1.6 0 1,0 3.2,0a1.6,1.6 0 1,0 -3.2,0'
    """
    x1, y1 = x + w, y + h
    lines: list[str] = []
    if w > 0 and h > 0:
        for way in _LINES.get(kind, ()):
            lines += _clipped(way, x, y, x1, y1)
    dots = []
    if kind == "dots":
        r = 1.6
        for cy in _steps(y + r, y1 - r, offset=4):
            dots += [
                f"M{_n(cx - r)},{_n(cy)}a{r},{r} 0 1,0 {2 * r},0a{r},{r} 0 1,0 {-2 * r},0"
                for cx in _steps(x + r, x1 - r, offset=4)
            ]
    return {"lines": "".join(lines), "dots": "".join(dots)}


def _steps(lo: float, hi: float, *, offset: float = 0.0) -> list[float]:
    """The grid values ``offset + k * INK_STEP`` from ``lo`` to ``hi`` (both included)."""
    k = math.ceil((lo - offset) / INK_STEP)
    out = []
    while offset + k * INK_STEP <= hi:
        out.append(offset + k * INK_STEP)
        k += 1
    return out


def _clipped(way: str, x0: float, y0: float, x1: float, y1: float) -> list[str]:
    """The lines of one direction inside the rectangle: ``-``, ``|``, ``/`` (x + y = c), ``\\`` (x - y = c)."""
    if way == "-":
        return [f"M{_n(x0)},{_n(c)}H{_n(x1)}" for c in _steps(y0, y1, offset=4) if y0 < c < y1]
    if way == "|":
        return [f"M{_n(c)},{_n(y0)}V{_n(y1)}" for c in _steps(x0, x1, offset=4) if x0 < c < x1]
    out = []
    if way == "/":
        for c in _steps(x0 + y0, x1 + y1):
            a, b = max(x0, c - y1), min(x1, c - y0)
            if a < b:
                out.append(f"M{_n(a)},{_n(c - a)}L{_n(b)},{_n(c - b)}")
    else:
        for c in _steps(x0 - y1, x1 - y0):
            a, b = max(x0, c + y0), min(x1, c + y1)
            if a < b:
                out.append(f"M{_n(a)},{_n(a - c)}L{_n(b)},{_n(b - c)}")
    return out


def _n(v: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros.

    >>> _n(4.0), _n(3.14159), _n(-0.004)
    ('4', '3.14', '0')
    """
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def contributions(view: PageView, *, rows: int = CONTRIBUTION_ROWS) -> dict[str, Any]:
    """Geometry of the contributions chart: one stacked bar per country (best first), one segment per criterion.

    With a weighted sum each segment is the criterion's contribution (the
    ranking table's numbers, which add up to the score); with a geometric mean
    the segments are the criterion scores, each over 1/n of the width, as the
    table's bars draw them.
    """
    r = view.r
    top = r.table.head(rows)
    crit_ids = view.crit_ids
    n = max(1, len(crit_ids))
    values = top[crit_ids].to_numpy(dtype=float)
    lengths = values.clip(min=0) if view.arithmetic else values.clip(min=0) / n
    totals = [float(x) for x in lengths.sum(axis=1)] if len(top) else [0.0]
    axis_top, step = nice_top(max(totals)) if view.arithmetic else (1.0, 0.2)
    left, width, row_h, top_y = 200, 400, 20, 34
    scale = width / axis_top
    bars = []
    for i, (ident, row) in enumerate(top.iterrows()):
        x = float(left)
        segments = []
        for j, cid in enumerate(crit_ids):
            value = float(values[i, j])
            length = 0.0 if math.isnan(lengths[i, j]) else float(lengths[i, j]) * scale
            label = view.c.criteria[cid].label
            segments.append(
                {
                    "x": f"{x:.2f}",
                    "w": f"{length:.2f}",
                    "slot": j % 8,
                    "value": value,
                    "label": label,
                    "id": cid,
                    "ink": ink(PATTERNS[j % 8], x, top_y + i * row_h + 3, length, row_h - 6),
                }
            )
            x += length
        name = str(row["name"])
        bars.append(
            {
                "id": str(ident),
                "rank": int(row["rank"]),
                "name": name,
                "short": name if len(name) <= 24 else name[:23] + "…",
                "score": float(row["score"]),
                "score_text": format_score(row["score"], view.score_decimals),
                "y": top_y + i * row_h,
                "end": f"{x + 4:.2f}",
                "segments": segments,
            }
        )
    plot_bottom = top_y + len(bars) * row_h
    legend = _legend(view, left=left, top=plot_bottom + 34)
    ticks = [round(k * step, 10) for k in range(round(axis_top / step) + 1)]
    return {
        "n": len(bars),
        "left": left,
        "width": width,
        "row_h": row_h,
        "top": top_y,
        "bottom": plot_bottom,
        "view_w": left + width + 126,
        "view_h": plot_bottom + 34 + len(legend) * 18 + 8,
        "arithmetic": view.arithmetic,
        "cut": {"y": top_y + view.top_k * row_h, "k": view.top_k} if view.top_k < len(bars) else None,
        "ticks": [{"x": f"{left + t * scale:.2f}", "text": f"{t:g}"} for t in ticks],
        "bars": bars,
        "legend": legend,
        "patterns": patterns()[: min(8, n)],
    }


def _legend(view: PageView, *, left: float, top: float) -> list[dict[str, Any]]:
    """One legend row per criterion from ``top`` down: its swatch (colour and pattern) and label."""
    return [
        {
            "slot": j % 8,
            "label": view.c.criteria[cid].label,
            "id": cid,
            "y": top + j * 18,
            "pattern": PATTERN_WORDS[j % 8],
            "ink": ink(PATTERNS[j % 8], left, top - 11 + j * 18, 22, 13),
        }
        for j, cid in enumerate(view.crit_ids)
    ]


def acceptability(view: PageView) -> dict[str, Any]:
    """Geometry of the rank-acceptability heat map (first rows of the ranking, first ranks) and its colour scale."""
    s = view.sens
    assert s is not None
    names = view.r.table["name"]
    n_rows = min(len(names), max(2 * s.top_k, 20))
    acc = s.acceptability
    n_cols = min(acc.shape[1], n_rows + 10)
    cell, left, top = 16, 200, 30
    rows = []
    for i in range(n_rows):
        name = str(names.iloc[i])
        shares = [(j + 1, float(acc[i, j])) for j in range(n_cols) if acc[i, j] > 0]
        cells = [{"x": left + (rank - 1) * cell, "p": p, "fill": blue(p), "rank": rank} for rank, p in shares]
        listed = [f"{rank}: {pct(p)}" for rank, p in shares if p >= 0.005]
        rows.append(
            {
                "y": top + i * cell,
                "name": name,
                "rank": i + 1,
                "short": name if len(name) <= 24 else name[:23] + "…",
                "cells": cells,
                "listed": ", ".join(listed),
            }
        )
    bottom = top + n_rows * cell
    scale_w = min(240, n_cols * cell)
    steps = 10
    return {
        "cell": cell,
        "left": left,
        "top": top,
        "bottom": bottom,
        "width": left + n_cols * cell + 10,
        "height": bottom + 92,
        "n_rows": n_rows,
        "n_cols": n_cols,
        "ticks": [(j + 1, f"{left + j * cell + cell / 2:g}") for j in range(n_cols) if j == 0 or (j + 1) % 5 == 0],
        "rows": rows,
        "cut": left + s.top_k * cell if s.top_k < n_cols else None,
        "middle": f"{left + n_cols * cell / 2:g}",
        "scale": {
            "y": bottom + 50,
            "x": left,
            "w": scale_w,
            "boxes": [
                {
                    "x": f"{left + k * scale_w / steps:.2f}",
                    "w": f"{scale_w / steps:.2f}",
                    "fill": blue((k + 0.5) / steps),
                }
                for k in range(steps)
            ],
            "labels": [{"x": f"{left + q * scale_w:.2f}", "text": pct(q)} for q in (0.0, 0.25, 0.5, 0.75, 1.0)],
        },
    }


def chart_view(view: PageView) -> dict[str, Any]:
    """The page's charts as SVG markup: ``contributions`` always; with a sensitivity analysis ``acceptability``
    and ``acceptability_rows`` (its shares, for the data table under it)."""
    charts: dict[str, Any] = {"contributions": render("contributions.svg.j2", contributions(view), view)}
    if view.sens is not None:
        heat = acceptability(view)
        charts["acceptability"] = render("acceptability.svg.j2", heat, view)
        charts["acceptability_rows"] = heat["rows"]
    return charts


def render(template: str, chart: dict[str, Any], view: PageView) -> Markup:
    """One chart's SVG from its template (autoescaped: names and labels stay text)."""
    return Markup(environment().get_template(f"charts/{template}").render(chart=chart, p=view))
