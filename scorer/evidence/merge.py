"""Put suggested levels into a country sheet: blanks take the suggestion, typed values win.

:func:`apply_suggestions` is what ``unct-scorer rank --evidence`` calls; it
returns a new frame (the input is never changed) and a :class:`MergeReport`
saying which cells were filled and which typed values overrode a different
suggestion.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd

from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Criteria
from scorer.prepare.cells import fold_text, is_missing
from scorer.prepare.countries import CountryResolver

if TYPE_CHECKING:
    from scorer.starter.data_entry import TemplatePlan

EVIDENCE_LEVELS = ("none", "expressed", "requested", "included")


@dataclass(frozen=True)
class MergeReport:
    """What merging did: cells filled, typed values kept over a different suggestion, leftovers.

    ``blank_without_evidence`` holds the ids (ISO3 where the id resolves) of
    the sheet's rows whose cell is blank and has no suggestion. The merge runs
    before scoring, so these are rows; :meth:`among_ranked` keeps those the
    ranking scored (the missing-data policy applies only to them), and the
    sentence then counts ranked countries.
    """

    column: str
    source: str
    filled: tuple[str, ...]
    overridden: tuple[tuple[str, str, str], ...]
    agreed: tuple[str, ...]
    not_in_sheet: tuple[str, ...]
    without_suggestion: tuple[str, ...]
    blank_without_evidence: tuple[str, ...] = ()
    missing_policy: str = ""
    ranked_only: bool = False

    def among_ranked(self, excluded: Collection[str]) -> MergeReport:
        """The report with the blank rows narrowed to ranked countries (``excluded``: the ids scoring left out).

        >>> m = MergeReport("c", "ev.csv", (), (), (), (), (), ("KEN", "GBR"), "worst")
        >>> m.among_ranked({"GBR"}).lines()
        ["c: 1 ranked country has neither a typed value nor evidence; the criteria's missing-data policy (worst) \
decides for it"]
        """
        gone = set(excluded)
        kept = tuple(i for i in self.blank_without_evidence if i not in gone)
        return replace(self, blank_without_evidence=kept, ranked_only=True)

    def lines(self) -> list[str]:
        """Sentences for the terminal.

        >>> MergeReport("gov_ip_interest", "ev.csv", ("KEN",), (("PER", "none", "included"),), (), ("FRA",), ()).lines()
        ['gov_ip_interest: 1 blank cell filled with the level suggested by ev.csv (KEN)', \
"gov_ip_interest: PER: your value 'none' kept over the suggested 'included'", \
'gov_ip_interest: 1 country of ev.csv is not in the sheet (FRA)']
        """
        out: list[str] = []
        if self.filled:
            cells = "cell" if len(self.filled) == 1 else "cells"
            out.append(
                f"{self.column}: {len(self.filled)} blank {cells} filled with the level suggested by {self.source} "
                f"({_listed(self.filled)})"
            )
        out.extend(
            f"{self.column}: {iso3}: your value {typed!r} kept over the suggested {suggested!r}"
            for iso3, typed, suggested in self.overridden
        )
        if self.not_in_sheet:
            n = len(self.not_in_sheet)
            out.append(
                f"{self.column}: {n} {'country' if n == 1 else 'countries'} of {self.source} "
                f"{'is' if n == 1 else 'are'} not in the sheet ({_listed(self.not_in_sheet)})"
            )
        if self.blank_without_evidence:
            out.append(self._blank_line())
        if self.without_suggestion:
            out.append(
                f"{self.column}: no suggestion for {_listed(self.without_suggestion)} "
                "(their documents had no readable text); left as they were"
            )
        return out

    def _blank_line(self) -> str:
        n = len(self.blank_without_evidence)
        policy = f" ({self.missing_policy})" if self.missing_policy else ""
        if self.ranked_only:
            who = "ranked country has" if n == 1 else "ranked countries have"
            them = "it" if n == 1 else "them"
            return (
                f"{self.column}: {n} {who} neither a typed value nor evidence; the criteria's missing-data "
                f"policy{policy} decides for {them}"
            )
        rows = "row of the sheet has" if n == 1 else "rows of the sheet have"
        return (
            f"{self.column}: {n} {rows} neither a typed value nor evidence; for the countries ranked, the "
            f"criteria's missing-data policy{policy} decides"
        )


def _listed(codes: tuple[str, ...], *, limit: int = 12) -> str:
    shown = ", ".join(codes[:limit])
    return shown + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def evidence_column(criteria: Criteria) -> tuple[str, dict[str, float], str]:
    """The column criterion 3 reads, its levels and its missing-data policy: the ordinal indicator whose
    levels are none/expressed/requested/included (``gov_ip_interest`` in the default criteria).

    >>> from scorer.resources import default_criteria_path
    >>> from scorer.io.criteria_file import load_criteria
    >>> evidence_column(load_criteria(default_criteria_path()))[0]
    'gov_ip_interest'
    """
    found = [
        (ind.column, ind.levels, ind.missing.value)
        for _cid, _iid, ind in criteria.indicator_items()
        if ind.levels and set(EVIDENCE_LEVELS) <= {fold_text(k) for k in ind.levels}
    ]
    if len(found) != 1:
        what = "none has" if not found else f"{len(found)} have"
        raise ConfigError(
            Problem(
                "config.evidence_column",
                f"one ordinal indicator should have the levels {', '.join(EVIDENCE_LEVELS)} to take the evidence, "
                f"but {what} them",
                key="criteria",
            )
        )
    column, levels, policy = found[0]
    assert levels is not None
    return column, dict(levels), policy


def apply_suggestions(
    df: pd.DataFrame,
    suggestions: Mapping[str, str],
    *,
    column: str,
    id_column: str,
    resolver: CountryResolver,
    levels: Collection[str] = EVIDENCE_LEVELS,
    source: str = "the evidence",
    missing_policy: str = "",
) -> tuple[pd.DataFrame, MergeReport]:
    """A copy of ``df`` whose blank ``column`` cells hold the suggested level of their country.

    ``suggestions`` maps ISO3 codes to levels ("" when there is none). A
    typed (non-blank) cell is never changed; when it differs from the
    suggestion the report says so. A cell reading one of ``levels`` is typed
    even where it would elsewhere mean missing ("none"). Blank cells of
    countries without evidence stay blank and are counted in the report
    (``missing_policy``, the indicator's, is named there).

    >>> from scorer.prepare.countries import default_resolver
    >>> sheet = pd.DataFrame({"iso3": ["KEN", "PER", "CHL"], "gov_ip_interest": [None, "none", "expressed"]})
    >>> out, report = apply_suggestions(sheet, {"KEN": "requested", "PER": "included", "CHL": "expressed"},
    ...     column="gov_ip_interest", id_column="iso3", resolver=default_resolver())
    >>> out["gov_ip_interest"].tolist(), report.filled, report.overridden, report.agreed
    (['requested', 'none', 'expressed'], ('KEN',), (('PER', 'none', 'included'),), ('CHL',))
    """
    out = df.copy()
    cells = out[column].astype(object).tolist() if column in out.columns else [None] * len(out)
    filled: list[str] = []
    overridden: list[tuple[str, str, str]] = []
    agreed: list[str] = []
    without: list[str] = []
    seen: set[str] = set()
    named = {fold_text(level) for level in levels}
    blank: list[str] = []
    for index, raw_id in enumerate(out[id_column].tolist()):
        codes = resolver.candidates(raw_id) if not is_missing(raw_id) else ()
        if len(codes) != 1 or codes[0] not in suggestions:
            if _is_blank(cells[index], named):
                blank.append(codes[0] if len(codes) == 1 else str(raw_id).strip())
            continue
        iso3 = codes[0]
        seen.add(iso3)
        suggested = suggestions[iso3]
        typed = cells[index]
        if not _is_blank(typed, named):
            if suggested and fold_text(typed) == fold_text(suggested):
                agreed.append(iso3)
            elif suggested:
                overridden.append((iso3, str(typed).strip(), suggested))
        elif suggested:
            cells[index] = suggested
            filled.append(iso3)
        else:
            without.append(iso3)
    out[column] = pd.Series(cells, index=out.index, dtype=object)
    report = MergeReport(
        column=column,
        source=source,
        filled=tuple(filled),
        overridden=tuple(overridden),
        agreed=tuple(agreed),
        not_in_sheet=tuple(sorted(set(suggestions) - seen)),
        without_suggestion=tuple(without),
        blank_without_evidence=tuple(blank),
        missing_policy=missing_policy,
    )
    return out, report


def _is_blank(cell: object, levels: Collection[str]) -> bool:
    """A cell nobody filled: missing, unless it names a level ("none" is a level here, not a blank)."""
    return is_missing(cell) and not (isinstance(cell, str) and fold_text(cell) in levels)


def prefill_template(
    plan: TemplatePlan, suggested: Mapping[str, tuple[str, str]], *, column: str, source: str
) -> TemplatePlan:
    """A copy of a data-entry plan whose ``column`` holds the suggested levels, marked in a column beside it.

    ``suggested`` maps ISO3 codes to (level, why); a country without a
    suggestion stays blank. The column stays yellow (to check and keep or
    change); the next column, ``<column>_suggested``, says for each filled
    cell that the value is a suggestion and why. ``rank`` reads the values as
    typed; ``rank --evidence`` then reports them as agreeing.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> from scorer.starter.data_entry import plan_template
    >>> plan = plan_template(load_criteria(default_criteria_path()), read_countries(demo_spreadsheet_path()))
    >>> new = prefill_template(plan, {"KEN": ("requested", "IP in an outcome")}, column="gov_ip_interest",
    ...                        source="ev.csv")
    >>> names = [c.name for c in new.columns]
    >>> filled = new.columns[names.index("gov_ip_interest")].values
    >>> names[names.index("gov_ip_interest") + 1], [v for v in filled if v is not None]
    ('gov_ip_interest_suggested', ['requested'])
    """
    from dataclasses import replace

    from scorer.starter.data_entry import TemplateColumn

    ids = [str(v).strip().upper() if v is not None else "" for v in plan.columns[0].values]
    levels = [suggested[i][0] or None if i in suggested else None for i in ids]
    why = [
        f"suggested by {source}: {suggested[i][1] or 'see its passages'}; check the passages, keep or change"
        if level
        else None
        for i, level in zip(ids, levels, strict=True)
    ]
    columns = []
    for col in plan.columns:
        if col.name != column:
            columns.append(col)
            continue
        columns.append(replace(col, values=tuple(levels)))
        columns.append(
            TemplateColumn(
                f"{column}_suggested",
                "context",
                False,
                f"Which '{column}' cells hold a level suggested by `unct-scorer evidence` ({source}) from the "
                "country's Cooperation Framework documents, and why. A suggestion is not a finding: check it "
                f"against the passages in {source}, then keep or change the value. unct-scorer does not read "
                "this column.",
                values=tuple(why),
                title=f"{column}: suggested?",
            )
        )
    filled = sum(level is not None for level in levels)
    note = f"{column}: {filled} cells pre-filled with the levels suggested by {source} (marked in {column}_suggested)"
    return replace(plan, columns=tuple(columns), notes=(*plan.notes, note))
