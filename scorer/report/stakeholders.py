"""The report's "Whose weights" section: the committee's weights, rankings, consensus and disagreement.

It renders the :class:`~scorer.elicitation.committee.CommitteeReport` that
``unct-scorer weights`` prints for the same judgements (one computation,
:func:`~scorer.elicitation.committee.weigh_committee`), so every number on the
page is the one the terminal shows, to the same three decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport

__all__ = ["SHEETS", "WHOSE_WEIGHTS", "committee_sheets", "stakeholders_view", "whose_weights_lines"]

WHOSE_WEIGHTS = ("whose-weights", "Whose weights")
"""The section's anchor and its title (in the table of contents)."""

SHEETS = {
    "Weights": "Stakeholder weights",
    "Ranks": "Stakeholder ranks",
    "Consensus": "Stakeholder consensus",
    "Disagreement": "Stakeholder disagreement",
    "Hull": "Stakeholder hull",
}
"""The report workbook's name for each of :meth:`CommitteeReport.tables` (as ``weights -o x.xlsx`` names them)."""

CATEGORIES = (
    ("every", "In the top {k} for every stakeholder"),
    ("majority", "For a majority, not all"),
    ("minority", "For a minority"),
)


@dataclass(frozen=True)
class Country:
    """A country as the section names it."""

    id: str
    name: str


def _w(value: float) -> str:
    """A weight or a distance as ``weights`` prints it (three decimals)."""
    return f"{value:.3f}"


def stakeholders_view(committee: CommitteeReport) -> dict[str, Any]:
    """What the template shows, read from the committee report (never recomputed).

    Keys: ``method`` and ``source``, ``criteria``; ``rows`` (one per stakeholder,
    then group and compromise: weights, consistency ratio for AHP, distances);
    ``tops`` (each stakeholder's own top K, best first); ``consensus``
    (category, title, countries) and ``n_none``; ``pair`` (the two who
    disagree most, and the countries only each has) or None; ``hull`` (the
    lines of P(top K) between the stakeholders' weights) or None; ``compromise``
    the sentence on the compromise weights and the largest move for anyone.
    """
    analysis = committee.analysis
    frame = committee.weights_frame()
    criteria = list(committee.elicitation.group.criteria)
    rows = []
    for who, row in frame.iterrows():
        rows.append(
            {
                "who": str(who),
                "weights": [_w(float(row[c])) for c in criteria],
                "cr": _w(float(row["consistency_ratio"]))
                if "consistency_ratio" in frame.columns and row["consistency_ratio"] == row["consistency_ratio"]
                else "",
                "to_compromise": _w(float(row["distance_to_compromise"]))
                if "distance_to_compromise" in frame.columns
                and row["distance_to_compromise"] == row["distance_to_compromise"]
                else "",
            }
        )
    view: dict[str, Any] = {
        "method": committee.elicitation.method,
        "criteria": criteria,
        "rows": rows,
        "ahp": "consistency_ratio" in frame.columns,
        "lines": committee.elicitation.lines(),
        "tops": [],
        "consensus": [],
        "n_none": 0,
        "pair": None,
        "compromise": "",
        "top_k": None,
        "hull": committee.hull.lines() if committee.hull is not None else None,
        "notes": list(committee.notes),
    }
    if analysis is None:
        return view
    names = {str(i): str(n) for i, n in analysis.ranks["name"].items()}
    k = analysis.top_k
    view["top_k"] = k
    for who in analysis.stakeholders:
        ranks = analysis.ranks[who]
        top = ranks[ranks <= k].sort_values(kind="stable")
        view["tops"].append({"who": who, "countries": [Country(str(i), names[str(i)]) for i in top.index]})
    for category, title in CATEGORIES:
        view["consensus"].append(
            {
                "category": category,
                "title": title.format(k=k),
                "countries": [Country(i, names[i]) for i in analysis.in_category(category)],
            }
        )
    view["n_none"] = len(analysis.in_category("none"))
    view["compromise"] = analysis.lines()[-1]  # the compromise sentence `weights` prints
    if analysis.pair is not None:
        a, b = analysis.pair
        people = list(analysis.stakeholders)
        n = int(analysis.disagreement.to_numpy()[people.index(a), people.index(b)])
        view["pair"] = {
            "a": a,
            "b": b,
            "n": n,
            "only_a": [Country(i, names[i]) for i in analysis.only_first],
            "only_b": [Country(i, names[i]) for i in analysis.only_second],
        }
    return view


def whose_weights_lines(committee: CommitteeReport) -> list[str]:
    """The section as plain lines (for Markdown): exactly what ``weights`` prints after its table."""
    return committee.lines()


def committee_sheets(committee: CommitteeReport) -> dict[str, pd.DataFrame]:
    """The Whose weights section as workbook sheets: :meth:`CommitteeReport.tables`, one table each, then the
    lines ``weights`` prints (sheet Stakeholder summary, one line a row, ``item`` saying which part it is from).

    Each table's index (stakeholder, or country id) becomes its first column; nothing is recomputed.
    """
    sheets = {SHEETS[name]: frame.reset_index() for name, frame in committee.tables().items()}
    parts = [("judgements", committee.elicitation.lines())]
    if committee.analysis is not None:
        parts.append(("committee", committee.analysis.lines()))
    if committee.hull is not None:
        parts.append(("hull", committee.hull.lines()))
    parts.append(("note", list(committee.notes)))
    rows = [(item, line.strip()) for item, lines in parts for line in lines if line.strip()]
    sheets["Stakeholder summary"] = pd.DataFrame(rows, columns=["item", "text"])
    return sheets
