"""The report's Method uncertainty section, read from one :class:`~scorer.uncertainty.analysis.UncertaintyResult`.

:func:`uncertainty_view` returns the plain values ``uncertainty.html.j2`` lays
out: the rank-interval chart (median rank as a dot, the 5-95% interval of the
runs as a bar, for the countries with the best median ranks), the same rows as
a table (the chart's text alternative) and the Sobol' drivers table. Every
number is formatted by the result's own methods (:meth:`~UncertaintyResult.lines`
uses the same ones), so the page says what ``unct-scorer uncertainty`` prints
with the same seed and samples; nothing is recomputed here.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from scorer.analyses.common import format_share
from scorer.report.commands import ReportCommands
from scorer.uncertainty.analysis import UncertaintyResult

SHOWN = 30
"""Countries in the chart: those with the best median ranks."""
ROW, LEFT, TOP, PLOT = 18, 210, 46, 480
COLOURS = {"always": "#0072B2", "some": "#E69F00", "never": "#8C8C8C"}
"""Okabe-Ito blue and orange, and grey: in the top K in every run, in some, in none."""
LEGEND = {
    "always": "in the top {k} in every run",
    "some": "in the top {k} in some runs",
    "never": "never in the top {k}",
}


def uncertainty_view(
    result: UncertaintyResult, *, shown: int = SHOWN, commands: ReportCommands | None = None
) -> dict[str, Any]:
    """What the Method uncertainty section shows, from ``result`` only (``commands``: the report's inputs, which
    the command that gives the same numbers repeats).

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> from scorer.uncertainty.analysis import uncertainty_analysis
    >>> r = uncertainty_analysis(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()),
    ...                          samples=32, bootstrap=0)
    >>> view = uncertainty_view(r, shown=5)
    >>> len(view["rows"]), view["rows"][0]["id"], view["chart"]["height"] > 5 * ROW
    (5, 'NGA', True)
    """
    s = result.summary
    sources = rank_variance_sources(result)
    rows = [_row(str(ident), row, sources[str(ident)]) for ident, row in section_order(result).head(shown).iterrows()]
    in_chart = {row["id"] for row in rows}
    names = {str(i): str(n) for i, n in s["name"].items()}
    chance = {str(i): float(p) for i, p in s["p_top_k"].items()}
    rest = [
        {"id": i, "name": names[i], "chance": format_share(chance[i])}
        for i in sorted(result.ids("some"), key=lambda x: (-chance[x], x))
        if i not in in_chart
    ]
    return {
        "u": result,
        "what": f"top {result.top_k}" + (f" (tier {result.top_k_tier})" if result.top_k_tier else ""),
        "factors": [f.describe() for f in result.factors],
        "always": [(i, names[i]) for i in result.ids("always")],
        "some": len(result.ids("some")),
        "never": len(result.ids("never")),
        "rows": rows,
        "rest": rest,
        "chart": rank_chart(rows, top_k=result.top_k, countries=len(s)),
        "drivers": [(key, title, result.driver_rows(key)) for key, title in driver_outputs(result)],
        "command": command(result, commands),
        "level": f"{result.level:.0%}",
        "notes": list(result.notes),
    }


def section_order(result: UncertaintyResult) -> pd.DataFrame:
    """The summary in the section's order: best median rank first, then best 5th percentile, then nominal rank."""
    s = result.summary
    ordered = s.assign(_order=range(len(s))).sort_values(["median_rank", "rank_p05", "_order"], kind="stable")
    return ordered.drop(columns="_order")


def rank_variance_sources(result: UncertaintyResult) -> dict[str, str]:
    """Per country id, where its rank variance comes from, in words (the section's last column)."""
    shares = result.variance_shares()
    ranks = result.sobol[result.sobol["output"] == "rank"]
    varies = {str(i) for i, v in zip(ranks["id"], ranks["variance"], strict=True) if v > 0}
    out = {}
    for ident in (str(i) for i in result.summary.index):
        if ident in shares:
            out[ident] = shares[ident]
        elif ident in varies:
            out[ident] = "no input alone explains 5% or more (interactions)"
        else:
            out[ident] = "its rank does not vary"
    return out


def driver_outputs(result: UncertaintyResult) -> list[tuple[str, str]]:
    """The outputs whose variance the drivers table splits, with their titles: (``rank``, ...), (``top_k``, ...)."""
    return [("rank", "the rank of each country"), ("top_k", f"membership of the top {result.top_k}")]


def uncertainty_sheets(result: UncertaintyResult, *, commands: ReportCommands | None = None) -> dict[str, pd.DataFrame]:
    """The section as workbook sheets, one table each, from ``result`` only (no number recomputed).

    * Uncertainty countries: every country's row of ``result.summary`` in the section's order, with
      ``rank_variance_from`` (the section's last column);
    * Uncertainty drivers: the Sobol' indices per output and input, largest total first (as printed);
    * Uncertainty summary: settings, the command that gives the same numbers, the inputs varied, who is in
      the top K whatever the choices, and the notes.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> from scorer.uncertainty.analysis import uncertainty_analysis
    >>> r = uncertainty_analysis(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()),
    ...                          samples=32, bootstrap=0)
    >>> sheets = uncertainty_sheets(r)
    >>> list(sheets), len(sheets["Uncertainty countries"]), sheets["Uncertainty drivers"]["factor"].tolist()
    (['Uncertainty countries', 'Uncertainty drivers', 'Uncertainty summary'], 162, ['weights', 'weights'])
    """
    sources = rank_variance_sources(result)
    countries = section_order(result).reset_index()
    countries["rank_variance_from"] = [sources[str(i)] for i in countries["id"]]
    drivers = []
    for output, title in driver_outputs(result):
        d = result.drivers[result.drivers["output"] == output]
        if not d["first"].isna().all():  # as driver_rows: an output that never changes has no drivers
            drivers.append(d.sort_values("total", ascending=False).assign(output=title))
    columns = ["output", "factor", "first", "first_low", "first_high", "total", "total_low", "total_high"]
    driver_frame = pd.concat(drivers, ignore_index=True)[columns] if drivers else pd.DataFrame(columns=columns)
    return {
        "Uncertainty countries": countries,
        "Uncertainty drivers": driver_frame,
        "Uncertainty summary": pd.DataFrame(summary_items(result, commands), columns=["item", "text"]),
    }


def summary_items(result: UncertaintyResult, commands: ReportCommands | None = None) -> list[tuple[str, str]]:
    """(item, sentence) pairs: what the section says in its opening paragraphs and notes."""
    names = {str(i): str(n) for i, n in result.summary["name"].items()}
    what = f"top {result.top_k}" + (f" (tier {result.top_k_tier})" if result.top_k_tier else "")
    always = result.ids("always")
    items = [
        (
            "settings",
            f"{result.samples:,} base samples, {result.runs:,} runs of the whole scoring (seed {result.seed}), "
            f"{result.bootstrap} bootstrap replicates for {result.level:.0%} intervals",
        ),
        ("command", command(result, commands)),
        *(("varied", f.describe()) for f in result.factors),
        (
            "always",
            f"In the {what} whatever the choices ({len(always)}): "
            + (", ".join(f"{names[i]} ({i})" for i in always) or "none"),
        ),
        ("some", f"In the {what} under some choices only: {len(result.ids('some'))}"),
        ("never", f"Never in the {what}: {len(result.ids('never'))}"),
    ]
    for output, title in driver_outputs(result):
        if not result.driver_rows(output):
            items.append(("drivers", f"What drives {title}: nothing (it never changes)"))
    return items + [("note", n) for n in result.notes]


def command(result: UncertaintyResult, commands: ReportCommands | None = None) -> str:
    """The ``unct-scorer uncertainty`` command that prints the same numbers: the report's inputs (``commands``),
    then the analysis's settings."""
    return (commands if commands is not None else ReportCommands()).uncertainty(result)


def _row(ident: str, row: Any, where: str) -> dict[str, Any]:
    return {
        "id": ident,
        "name": str(row["name"]),
        "rank": int(row["rank"]),
        "robustness": str(row["robustness"]),
        "chance": format_share(float(row["p_top_k"])),
        "median": int(row["median_rank"]),
        "low": int(row["rank_p05"]),
        "high": int(row["rank_p95"]),
        "shares": where,
    }


def rank_chart(rows: list[dict[str, Any]], *, top_k: int, countries: int) -> dict[str, Any]:
    """Coordinates of the rank-interval chart: one line per row, ranks 1 (left) to the largest 95th percentile.

    >>> c = rank_chart([{"id": "A", "name": "A", "median": 2, "low": 1, "high": 4, "robustness": "some"}],
    ...                top_k=3, countries=10)
    >>> c["max_rank"], c["lines"][0]["dot"], c["cut"]
    (10, 282.0, 354.0)
    """
    top = max([row["high"] for row in rows] + [top_k + 1, 10])
    max_rank = min(countries, 5 * math.ceil(top / 5)) if countries >= 10 else max(countries, 1)
    unit = PLOT / max_rank

    def x(rank: float) -> float:
        return round(LEFT + (rank - 0.5) * unit, 1)

    lines = []
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        name = row["name"]
        lines.append(
            {
                **row,
                "y": y,
                "mid": y + ROW / 2,
                "short": name if len(name) <= 28 else name[:27] + "…",
                "x1": x(row["low"]),
                "x2": x(row["high"]),
                "dot": x(row["median"]),
                "colour": COLOURS[row["robustness"]],
            }
        )
    step = 1 if max_rank <= 15 else 5 if max_rank <= 60 else 10 if max_rank <= 120 else 20
    ticks = [(r, x(r)) for r in range(1, max_rank + 1) if r == 1 or r % step == 0]
    bottom = TOP + len(rows) * ROW
    return {
        "lines": lines,
        "ticks": ticks,
        "max_rank": max_rank,
        "left": LEFT,
        "top": TOP,
        "bottom": bottom,
        "width": LEFT + PLOT + 20,
        "height": bottom + 40,
        "cut": round(LEFT + top_k * unit, 1) if top_k < max_rank else None,
        "middle": LEFT + PLOT / 2,
        "legend": [(key, COLOURS[key], LEGEND[key].format(k=top_k)) for key in ("always", "some", "never")],
    }
