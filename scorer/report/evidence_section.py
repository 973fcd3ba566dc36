"""The report's Evidence for criterion 3 section: the words behind each level, for the countries near the cut.

The edge reads an evidence file written by ``unct-scorer evidence``
(:func:`scorer.io.evidence_file.read_suggestions` and
:func:`~scorer.io.evidence_file.read_passages`) and the sheet merge
(:class:`scorer.evidence.merge.MergeReport`, as ``rank --evidence`` makes it)
into an :class:`EvidenceSection`; :func:`evidence_view` picks the countries in
or near the top K (the first 2K of the ranking) and returns, per country, the
suggested level, what the ranking used and up to three passages quoted with
their document and page. The template escapes every quoted word.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.evidence.merge import MergeReport
from scorer.evidence.model import Passage


@dataclass(frozen=True)
class EvidenceSection:
    """What an evidence file says, for the report: suggested levels and passages by ISO3, and the merge.

    ``merge`` (None when the sheet was not filled from the file) says which
    blank cells took the suggestion and which typed values overrode it.
    ``bases`` says, by ISO3, why the level was suggested (the rule that fired).
    """

    source: str
    suggestions: Mapping[str, str]
    passages: Mapping[str, Sequence[Passage]]
    merge: MergeReport | None = None
    notes: Sequence[str] = field(default_factory=tuple)
    bases: Mapping[str, str] = field(default_factory=dict)

    def status(self, iso3: str) -> str:
        """What the ranking used for this country, in words.

        >>> m = MergeReport("gov_ip_interest", "ev.csv", ("KEN",), (("PER", "none", "included"),), ("CHL",), (), ())
        >>> s = EvidenceSection("ev.csv", {}, {}, m)
        >>> s.status("KEN"), s.status("PER"), s.status("CHL")
        ('suggested level used (the cell was blank)', "typed value 'none' used (it overrides the suggestion)", \
'typed value agrees')
        """
        m = self.merge
        if m is None:
            return "not used in the ranking (the sheet's values were used)"
        if iso3 in m.filled:
            return "suggested level used (the cell was blank)"
        for code, typed, _suggested in m.overridden:
            if code == iso3:
                return f"typed value {typed!r} used (it overrides the suggestion)"
        if iso3 in m.agreed:
            return "typed value agrees"
        if iso3 in m.without_suggestion:
            return "no suggestion (no readable text); the cell was left as it was"
        return "the sheet's value was used"


NO_PASSAGE = "No passage of its documents mentions IP or WIPO."
NO_TEXT = "No text could be read from its documents (scanned or damaged), so nothing is quoted."
"""What the section says under a country with no passage: the documents were read, or could not be."""


def evidence_view(section: EvidenceSection, result: ScoreResult, *, top_k: int) -> dict[str, Any]:
    """Per country of the first 2K of the ranking: suggested level, what was used, the passages.

    >>> from scorer import demo_result
    >>> passage = Passage("NGA_cf.pdf", 3, "WIPO <and> partners", ("partners",), ("wipo",), 9.0)
    >>> view = evidence_view(EvidenceSection("ev.csv", {"NGA": "included"}, {"NGA": [passage]}), demo_result(),
    ...                      top_k=2)
    >>> [(c["id"], c["level"], len(c["passages"])) for c in view["countries"]], len(view["without"])
    ([('NGA', 'included', 1)], 3)
    """
    table = result.table
    near = table[table["rank"] <= 2 * top_k]
    countries, without = [], []
    for ident, row in near.iterrows():
        iso3 = str(ident)
        if iso3 not in section.suggestions and iso3 not in section.passages:
            without.append((iso3, str(row["name"])))
            continue
        countries.append(
            {
                "id": iso3,
                "name": str(row["name"]),
                "rank": int(row["rank"]),
                "tier": str(row["tier"]),
                "inside": int(row["rank"]) <= top_k,
                "level": section.suggestions.get(iso3, "") or "no suggestion",
                "basis": section.bases.get(iso3, "") if section.suggestions.get(iso3, "") else "",
                "status": section.status(iso3),
                "empty": NO_PASSAGE if section.suggestions.get(iso3, "") else NO_TEXT,
                "passages": [
                    {"text": p.text, "file": p.file, "page": p.page, "contexts": ", ".join(p.contexts)}
                    for p in section.passages.get(iso3, ())
                ],
            }
        )
    return {
        "source": section.source,
        "top_k": top_k,
        "shown": 2 * top_k,
        "countries": countries,
        "without": without,
        "merge_lines": section.merge.lines() if section.merge is not None else [],
        "notes": list(section.notes),
    }


NO_DOCUMENTS = "no documents were read for it"
"""What the ranking used, for a country near the cut with no documents in the evidence file."""


def evidence_sheets(section: EvidenceSection, result: ScoreResult, *, top_k: int) -> dict[str, pd.DataFrame]:
    """The section as workbook sheets, from :func:`evidence_view` (the same countries, levels and passages).

    * Evidence countries: one row per country of the first 2K (rank, id, name, in the top K, suggested level
      and why, what the ranking used, passages quoted); a country without documents has no level;
    * Evidence passages: one row per quoted passage (id, name, order, text, document, page, where it occurs);
    * Evidence summary: the source, what the merge did and the notes.

    >>> from scorer import demo_result
    >>> passage = Passage("NGA_cf.pdf", 3, "WIPO and partners", ("partners",), ("wipo",), 9.0)
    >>> sheets = evidence_sheets(EvidenceSection("ev.csv", {"NGA": "included"}, {"NGA": [passage]}), demo_result(),
    ...                          top_k=2)
    >>> countries = sheets["Evidence countries"]
    >>> countries[["id", "suggested_level", "passages"]].values.tolist()[0], len(countries), countries["used"].iloc[1]
    (['NGA', 'included', 1], 4, 'no documents were read for it')
    >>> sheets["Evidence passages"][["id", "page", "contexts"]].values.tolist()
    [['NGA', 3, 'partners']]
    """
    view = evidence_view(section, result, top_k=top_k)
    table = result.table
    rows = [
        {"rank": c["rank"], "id": c["id"], "name": c["name"], "in_top_k": c["inside"], "suggested_level": c["level"]}
        | {"suggestion_basis": c["basis"], "used": c["status"], "passages": len(c["passages"])}
        for c in view["countries"]
    ]
    for iso3, name in view["without"]:
        rank = int(table.loc[iso3, "rank"])
        rows.append(
            {"rank": rank, "id": iso3, "name": name, "in_top_k": rank <= top_k, "suggested_level": ""}
            | {"suggestion_basis": "", "used": NO_DOCUMENTS, "passages": 0}
        )
    rows.sort(key=lambda r: (r["rank"], r["id"]))
    passages = [
        {"id": c["id"], "name": c["name"], "passage": n, **q}
        for c in view["countries"]
        for n, q in enumerate(c["passages"], start=1)
    ]
    items = [("source", view["source"]), *(("merge", line) for line in view["merge_lines"])]
    items += [("note", n) for n in view["notes"]]
    return {
        "Evidence countries": pd.DataFrame(rows, columns=[*EVIDENCE_COLUMNS]),
        "Evidence passages": pd.DataFrame(passages, columns=[*PASSAGE_COLUMNS]),
        "Evidence summary": pd.DataFrame(items, columns=["item", "text"]),
    }


EVIDENCE_COLUMNS = ("rank", "id", "name", "in_top_k", "suggested_level", "suggestion_basis", "used", "passages")
PASSAGE_COLUMNS = ("id", "name", "passage", "text", "file", "page", "contexts")
