"""Plain-word reasons for the top of a ranking: a worked example for a report.

A committee's first question about a ranking is "why are these countries on
top?". :func:`top_reasons` answers it for the first few countries from the
result's own explanation (:meth:`ScoreResult.explain`, never recomputed): each
indicator that counts for the country, its value and what it adds to the
score, with real evidence kept apart from illustrative (made-up) stand-ins.
Given the spreadsheet, it also quotes an evidence column beside an indicator,
e.g. which treaties a count of treaties stands for.

Pure: no file access and no printing; a report renders ``TopReason.sentence``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.model.criteria import Normalisation
from scorer.prepare.cells import clean_text, is_missing

DEMO_EVIDENCE: Mapping[str, str] = {
    "n_wipo_treaties_joined_since_2015": "wipo_treaties_joined_since_2015",
    "n_wipo_treaties_in_force": "wipo_treaties_in_force",
}
"""Indicator column -> the demo sheet's column listing what the value stands for."""


@dataclass(frozen=True)
class TopReason:
    """Why one country ranks where it does, split into real and illustrative parts."""

    id: str
    name: str
    rank: int
    score: float
    real: tuple[str, ...]
    illustrative: tuple[str, ...]

    def sentence(self) -> str:
        """One plain-word sentence.

        >>> TopReason("NGA", "Nigeria", 1, 0.5, ("office: yes (+0.250)",), ()).sentence()
        'Nigeria (rank 1, score 0.500): office: yes (+0.250).'
        """
        reasons = "; ".join(self.real or ("no real evidence",))
        text = f"{self.name} (rank {self.rank}, score {self.score:.3f}): {reasons}"
        if self.illustrative:
            text += "; made up (illustrative, not data): " + "; ".join(self.illustrative)
        return text + "."


def top_reasons(
    result: ScoreResult,
    *,
    top: int = 5,
    sheet: pd.DataFrame | None = None,
    evidence: Mapping[str, str] = DEMO_EVIDENCE,
) -> list[TopReason]:
    """The reasons of the first ``top`` ranked countries, read from ``result.explain``.

    An indicator left out for a country (weight 0) is not a reason and is
    skipped. ``sheet`` (the spreadsheet that was scored, with the criteria's
    ``id_column``) adds the ``evidence`` column named for an indicator's
    column, when both are present; ranked offices (``--group-by``) get none.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> first = top_reasons(demo_result(), top=1, sheet=read_countries(demo_spreadsheet_path()))[0]
    >>> first.id, first.real[0][:54]
    ('NGA', 'WIPO treaties joined since 2015: 4 (Beijing 2017-10-04')
    >>> first.illustrative
    ('Government interest in IP in the Cooperation Framework: expressed (+0.087)',)
    """
    rows = _evidence_rows(result, sheet)
    indicators = {iid: ind for _cid, iid, ind in result.criteria.indicator_items()}
    out = []
    for ident in result.table.index[:top]:
        e = result.explain(str(ident))
        real: list[str] = []
        made_up: list[str] = []
        for row in e.indicators.to_dict("records"):
            weight, iid = row["weight"], str(row["indicator"])
            if weight is None or math.isnan(float(weight)) or float(weight) <= 0:
                continue
            ind = indicators[iid]
            value = _display(row["raw"], str(row["level"]), boolean=ind.normalisation is Normalisation.boolean)
            quoted = _quote(rows, str(ident), evidence.get(ind.column, ""))
            text = f"{ind.label or iid}: {value}{quoted} (+{float(row['contribution']):.3f})"
            if row["imputed"]:
                text += f" [imputed: {row['imputed']}]"
            (made_up if iid in result.illustrative else real).append(text)
        out.append(TopReason(e.id, e.name, e.rank, e.score, tuple(real), tuple(made_up)))
    return out


def _evidence_rows(result: ScoreResult, sheet: pd.DataFrame | None) -> pd.DataFrame | None:
    """The sheet indexed by country id, or None when evidence cannot be looked up."""
    id_column = result.criteria.id_column
    if sheet is None or result.offices is not None or id_column not in sheet.columns:
        return None
    rows = sheet.assign(_id=[clean_text(v) for v in sheet[id_column]])
    return rows.drop_duplicates("_id").set_index("_id")


def _quote(rows: pd.DataFrame | None, ident: str, column: str) -> str:
    """' (<evidence text>)' from the sheet, or '' when there is none."""
    if rows is None or not column or column not in rows.columns or ident not in rows.index:
        return ""
    value = rows.at[ident, column]
    return "" if is_missing(value) else f" ({clean_text(value)})"


def _display(raw: float | None, level: str, *, boolean: bool) -> str:
    """A raw value as a reader writes it: the level name, yes/no, or a plain number."""
    if level:
        return level
    if raw is None or math.isnan(raw):
        return "blank"
    number = float(raw)
    if boolean:
        return "yes" if number >= 0.5 else "no"
    return str(int(number)) if number.is_integer() else f"{number:g}"
