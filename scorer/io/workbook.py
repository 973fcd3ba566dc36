"""The planner's workbook: readable headers, number formats and a data dictionary for the result's sheets.

A sheet is a :class:`Table`: a frame whose columns keep their identifiers
(``p_top_k``, ``rank_p05``) and a :class:`Column` for each, with the header a
reader sees ("P(in top 15)"), what the column means, its unit and its Excel
number format. :func:`~scorer.io.outputs.write_workbook` writes the headers
and formats; :func:`dictionary_table` lists every sheet's columns (sheet,
column id, header, meaning, unit) so the identifiers stay one filter away.

Values stay what they are: a probability of 0.53 is stored as 0.53 and only
*shown* as 53.0%, so formulas and filters see the number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

PERCENT = "0.0%"
"""Probabilities and shares of draws: 0.532 shown as 53.2%."""
WHOLE_PERCENT = "0%"
"""Coverage: 0.83 shown as 83%."""
SHARE = "0.000"
"""Weights as shares of the total (the report writes 0.313)."""
SCORE = "0.0000"
WHOLE = "0"
INDEX = "0.00"
"""Sobol' indices: shares of variance, shown as ``uncertainty`` prints them (0.42)."""
DICTIONARY = "Data dictionary"


@dataclass(frozen=True)
class Column:
    """What a reader needs to know about one column: header, meaning, unit, Excel number format."""

    header: str
    meaning: str = ""
    unit: str = ""
    number_format: str | None = None


@dataclass(frozen=True)
class Table:
    """One sheet: a frame (column identifiers as its columns) and, by identifier, how each column reads."""

    frame: pd.DataFrame
    columns: Mapping[str, Column] = field(default_factory=dict)

    def column(self, column_id: str) -> Column:
        """The column's description; an undescribed column reads as its identifier in words."""
        return self.columns.get(column_id) or Column(words(column_id))


def words(column_id: str) -> str:
    """An identifier as a header: ``weight_within_criterion`` -> ``Weight within criterion``.

    >>> words("weight_within_criterion")
    'Weight within criterion'
    """
    text = str(column_id).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Context:
    """What some headers depend on: criterion labels, tiers, the K of "top K", the aggregation."""

    labels: Mapping[str, str]
    tiers: Sequence[str] = ()
    top_k: int | None = None
    arithmetic: bool = True
    groups: Sequence[str] = ()
    offices: bool = False
    stakeholders: Sequence[str] = ()


GROUP_HEADERS = {
    "region": ("Region", "region (in the bundled data: the UN M49 region)"),
    "sub_region": ("Sub-region", "sub-region (in the bundled data: the UN M49 sub-region)"),
    "intermediate_region": ("Intermediate region", "intermediate region (UN M49)"),
    "income_group": ("Income group", "income group (in the bundled data: the World Bank's)"),
    "ldc": ("LDC", "least developed country (UN list)"),
    "lldc": ("LLDC", "landlocked developing country (UN list)"),
    "sids": ("SIDS", "small island developing state (UN list)"),
}
"""Grouping columns a planner filters on, by their usual identifiers."""

_ANY_SHEET: dict[str, Column] = {
    "rank": Column("Rank", "position with the criteria file's weights (1 = best)", "rank", WHOLE),
    "id": Column("Code", "country code (ISO 3166-1 alpha-3), or the office's id when ranking offices"),
    "name": Column("Country", "name as written in the spreadsheet"),
    "score": Column("Score", "the composite score with the criteria file's weights", "0-1", SCORE),
    "tier": Column("Tier", "the tier the criteria file's tier rules give"),
    "recommended": Column("In recommended set", "true when the country is in the recommended set"),
    "coverage": Column(
        "Coverage",
        "share of the country's indicator values read from the spreadsheet (the rest come from a missing-data rule)",
        "share",
        WHOLE_PERCENT,
    ),
    "n_members": Column("Members", "number of member countries of the office", "countries", WHOLE),
    "members": Column("Member countries", "codes of the office's member countries"),
    "illustrative_inputs": Column("Illustrative inputs", "made-up columns this ranking uses: not a real assessment"),
    "criterion": Column("Criterion", "criterion id in the criteria file"),
    "indicator": Column("Indicator", "indicator id in the criteria file"),
    "column": Column("Spreadsheet column", "the spreadsheet column the value comes from"),
    "raw": Column("Value", "the indicator's value as read (blank: missing)"),
    "normalised": Column("Normalised value", "the value on the indicator's 0-1 scale (1 = best)", "0-1", SCORE),
    "weight": Column("Weight in the score", "the indicator's effective weight in this country's score", "share", SCORE),
    "contribution": Column("Contribution", "weight times normalised value: what the indicator adds to the score"),
    "imputed": Column("Missing value handling", "how a missing value was handled (blank: read from the spreadsheet)"),
    "kind": Column("Kind", "what the row records"),
    "row": Column("Spreadsheet row", "row number in the spreadsheet", "row", WHOLE),
    "original": Column("Cell as typed", "the cell's content as typed"),
    "value": Column("Value used", "the value the ranking used"),
    "detail": Column("Detail", "what was done, in words"),
    "criterion_label": Column("Criterion label", "the criterion's label in the criteria file"),
    "cites": Column("Cites", "the passage of the guidance the criterion comes from"),
    "criterion_weight": Column("Criterion weight", "the criterion's share of the total weight", "share", PERCENT),
    "illustrative": Column("Illustrative", "yes when the column is made-up stand-in data"),
    "direction": Column("Direction", "whether higher or lower values are better"),
    "normalisation": Column("Normalisation", "normalisation method id"),
    "method": Column("Method", "how the value is put on a 0-1 scale, in words"),
    "missing": Column("Missing values", "the rule for a missing value"),
    "weight_within_criterion": Column(
        "Weight within criterion", "the indicator's share of its criterion's weight", "share", PERCENT
    ),
    "robustness": Column("How often in the top K", "always, some or never in the top K over the weight draws"),
    "verdict": Column("Verdict", "the robustness in words"),
    "mean_rank": Column("Mean rank", "mean rank over the weight draws", "rank", "0.0"),
    "median_rank": Column("Median rank", "median rank over the weight draws", "rank", WHOLE),
    "rank_p05": Column("Rank, 5th percentile", "the best rank held in 95% of draws (5th percentile)", "rank", WHOLE),
    "rank_p95": Column("Rank, 95th percentile", "the worst rank held in 95% of draws (95th percentile)", "rank", WHOLE),
    "confidence_factor": Column(
        "Confidence factor",
        "share of data draws with the country in the top K at its central weights (SMAA-2)",
        "probability",
        PERCENT,
    ),
    "weight_from": Column("Share now", "the criterion's share of the weight in this report", "share", SHARE),
    "weight_to": Column("Share that moves it", "the share at which it enters or leaves the top K", "share", SHARE),
    "range_low": Column("Plausible from", "lower end of the criteria file's plausible range", "share", SHARE),
    "range_high": Column("Plausible to", "upper end of the criteria file's plausible range", "share", SHARE),
    "weight_in_range": Column("Within plausible range", "whether that share lies within the plausible range"),
    "weight_in_words": Column("One weight, in words", "the weight change, in words"),
    "weight_criterion": Column("Weight that moves it", "the criterion needing the smallest weight change"),
    "score_criterion": Column("Criterion score that moves it", "the criterion whose score change is smallest"),
    "score_from": Column("Criterion score now", "that criterion score now", "0-1", SCORE),
    "score_to": Column("Criterion score needed", "the criterion score at which the country moves", "0-1", SCORE),
    "value_needed": Column("Spreadsheet value needed", "the spreadsheet value that criterion score takes, if one"),
    "value_in_words": Column("One criterion score, in words", "the criterion-score change, in words"),
    "pick": Column("Pick", "order in the recommended set (best score first)", "", WHOLE),
    "cost": Column("Cost", "the cost the selection counts (cost column)", "", "General"),
    "cost_defaulted": Column("Cost assumed", "true when the cost was blank and the default was assumed"),
    "forced": Column("Forced in", "true when the selection's constraints force the country in"),
    "share_selected": Column(
        "Share of weightings selecting it", "share of plausible weightings whose best set includes it", "share", PERCENT
    ),
    "chosen": Column("In the recommended set", "true when the main selection chose it"),
    "item": Column("Item", "what the line records"),
    "text": Column("Text", "the line, in words"),
    "key": Column("Key", "provenance item"),
    "in_words": Column("In words", "the finding, in words"),
}

_SOBOL_FACTOR = Column("Uncertain input", "a modelling choice the criteria file declares")
_SOBOL_BOUNDS = {
    "first_low": Column(
        "Alone, interval from", "lower end of the first-order index's bootstrap interval", "share of variance", INDEX
    ),
    "first_high": Column(
        "Alone, interval to", "upper end of the first-order index's bootstrap interval", "share of variance", INDEX
    ),
    "total_low": Column(
        "Total, interval from", "lower end of the total index's bootstrap interval", "share of variance", INDEX
    ),
    "total_high": Column(
        "Total, interval to", "upper end of the total index's bootstrap interval", "share of variance", INDEX
    ),
}
"""The Sobol' columns the report's drivers sheet and ``uncertainty``'s per-country sheet share."""

_BY_SHEET: dict[tuple[str, str], Column] = {
    ("Stability weights", "label"): Column("Criterion label", "the criterion's label in the criteria file"),
    ("Stability weights", "weight"): Column(
        "Share now", "the criterion's share of the weight in this report", "share", SHARE
    ),
    ("Stability weights", "low"): Column("Can go down to", "lowest share keeping the same top K", "share", SHARE),
    ("Stability weights", "high"): Column("Can go up to", "highest share keeping the same top K", "share", SHARE),
    ("Stability weights", "low_open"): Column("Open below", "true when countries tie at exactly the lowest share"),
    ("Stability weights", "high_open"): Column("Open above", "true when countries tie at exactly the highest share"),
    ("Stability weights", "in_words"): Column("In words", "how far the weight can move, in words"),
    ("Data quality", "id"): Column("Code", "country code of the row (blank when it has none)"),
    ("Provenance", "value"): Column("Value", "the provenance item's value"),
    ("Stakeholder weights", "stakeholder"): Column(
        "Stakeholder", "whose weights: a stakeholder's sheet, the group's aggregate or the compromise"
    ),
    ("Stakeholder weights", "consistency_ratio"): Column(
        "Consistency ratio",
        "Saaty's consistency ratio of the stakeholder's pairwise comparisons (above 0.10: worth revisiting)",
        "ratio",
        SHARE,
    ),
    ("Stakeholder weights", "distance_to_group"): Column(
        "Distance to the group",
        "total-variation distance between these weights and the group's (0 = the same, 1 = nothing shared)",
        "0-1",
        SHARE,
    ),
    ("Stakeholder weights", "distance_to_compromise"): Column(
        "Distance to the compromise",
        "total-variation distance between these weights and the compromise weights (0 = the same)",
        "0-1",
        SHARE,
    ),
    ("Stakeholder consensus", "group_rank"): Column(
        "Rank with the group's weights", "rank under the group's aggregate weights", "rank", WHOLE
    ),
    ("Stakeholder consensus", "n_top_k"): Column(
        "Stakeholders with it in their top K", "how many stakeholders' own rankings put it in the top K", "", WHOLE
    ),
    ("Stakeholder consensus", "consensus"): Column(
        "Consensus", "in the top K for every stakeholder, a majority, a minority or none"
    ),
    ("Stakeholder disagreement", "stakeholder"): Column("Stakeholder", "one stakeholder of the pair"),
    ("Stakeholder hull", "rank"): Column("Rank", "rank with the group's weights", "rank", WHOLE),
    ("Uncertainty countries", "rank"): Column(
        "Rank (declared methods)", "rank with the criteria file's declared methods and weights", "rank", WHOLE
    ),
    ("Uncertainty countries", "robustness"): Column(
        "How often in the top K", "always, some or never in the top K over the runs (every declared choice varied)"
    ),
    ("Uncertainty countries", "mean_rank"): Column("Mean rank", "mean rank over the runs", "rank", "0.0"),
    ("Uncertainty countries", "median_rank"): Column("Median rank", "median rank over the runs", "rank", WHOLE),
    ("Uncertainty countries", "rank_p05"): Column(
        "Rank, 5th percentile", "the best rank held in 95% of the runs (5th percentile)", "rank", WHOLE
    ),
    ("Uncertainty countries", "rank_p95"): Column(
        "Rank, 95th percentile", "the worst rank held in 95% of the runs (95th percentile)", "rank", WHOLE
    ),
    ("Uncertainty countries", "rank_variance_from"): Column(
        "Where its rank variance comes from",
        "the inputs whose first-order Sobol' share of the country's rank variance is 5% or more",
    ),
    ("Uncertainty drivers", "output"): Column("Output", "what varies: each country's rank, or membership of the top K"),
    ("Uncertainty drivers", "factor"): _SOBOL_FACTOR,
    ("Uncertainty drivers", "first"): Column(
        "Alone (first order)",
        "share of the output's variance, summed over countries, due to this input alone (Saltelli 2010)",
        "share of variance",
        INDEX,
    ),
    ("Uncertainty drivers", "first_low"): _SOBOL_BOUNDS["first_low"],
    ("Uncertainty drivers", "first_high"): _SOBOL_BOUNDS["first_high"],
    ("Uncertainty drivers", "total"): Column(
        "With interactions (total)",
        "share of the output's variance due to this input with its interactions (Jansen 1999)",
        "share of variance",
        INDEX,
    ),
    ("Uncertainty drivers", "total_low"): _SOBOL_BOUNDS["total_low"],
    ("Uncertainty drivers", "total_high"): _SOBOL_BOUNDS["total_high"],
    ("Evidence countries", "rank"): Column("Rank", "position in this report's ranking", "rank", WHOLE),
    ("Evidence countries", "in_top_k"): Column("In the top K", "true when the country is in the top K"),
    ("Evidence countries", "suggested_level"): Column(
        "Suggested level", "the level `unct-scorer evidence` suggests from the documents (a reading aid, not a finding)"
    ),
    ("Evidence countries", "suggestion_basis"): Column(
        "Why this level", "the level rule that gave the suggestion (blank: no documents)"
    ),
    ("Evidence countries", "used"): Column("What the ranking used", "the suggestion or the typed value, in words"),
    ("Evidence countries", "passages"): Column(
        "Passages quoted", "how many passages the Evidence passages sheet quotes", "passages", WHOLE
    ),
    ("Evidence passages", "passage"): Column(
        "Passage", "order of the passage (the one behind the level first)", "", WHOLE
    ),
    ("Evidence passages", "text"): Column("Passage text", "the words of the document, as extracted"),
    ("Evidence passages", "file"): Column("Document", "the document's file name"),
    ("Evidence passages", "page"): Column("Page", "the page of the document", "page", WHOLE),
    ("Evidence passages", "contexts"): Column(
        "Where it occurs", "the part of the document (outcome, output, partners, narrative, ...)"
    ),
    ("Uncertainty Sobol", "output"): Column(
        "Output", "what varies: the country's rank, or its membership of the top K"
    ),
    ("Uncertainty Sobol", "factor"): _SOBOL_FACTOR,
    ("Uncertainty Sobol", "first"): Column(
        "Alone (first order)",
        "share of this country's output variance due to this input alone (Saltelli 2010; blank: it never moves)",
        "share of variance",
        INDEX,
    ),
    ("Uncertainty Sobol", "first_low"): _SOBOL_BOUNDS["first_low"],
    ("Uncertainty Sobol", "first_high"): _SOBOL_BOUNDS["first_high"],
    ("Uncertainty Sobol", "total"): Column(
        "With interactions (total)",
        "share of this country's output variance due to this input with its interactions (Jansen 1999)",
        "share of variance",
        INDEX,
    ),
    ("Uncertainty Sobol", "total_low"): _SOBOL_BOUNDS["total_low"],
    ("Uncertainty Sobol", "total_high"): _SOBOL_BOUNDS["total_high"],
    ("Uncertainty Sobol", "variance"): Column(
        "Variance of the output",
        "the output's variance over the runs (ranks squared; for the top K, a share)",
        "",
        SCORE,
    ),
    ("Uncertainty by choice", "factor"): Column("Modelling choice", "a discrete choice the criteria file declares"),
    ("Uncertainty by choice", "option"): Column("Alternative", "one alternative of that choice"),
    ("Uncertainty by choice", "samples"): Column("Runs with it", "how many runs used this alternative", "runs", WHOLE),
    ("Uncertainty by choice", "p_top_k"): Column(
        "P(in top K)", "share of the runs using this alternative with the country in the top K", "probability", PERCENT
    ),
    ("Uncertainty by choice", "mean_rank"): Column(
        "Mean rank", "mean rank over the runs using this alternative", "rank", "0.0"
    ),
    ("Selection lines", "summary"): Column("Summary", "one sentence of the selection's summary"),
    ("Selection binding", "constraint"): Column(
        "Constraint", "the constraint's kind (capacity, budget, a group's quota)"
    ),
    ("Selection binding", "bound"): Column("Limit", "the limit the constraint sets", "", "General"),
    ("Selection binding", "actual"): Column(
        "In the chosen set", "what the chosen set reaches against that limit", "", "General"
    ),
    ("Selection binding", "label"): Column("Binding constraint", "the constraint that binds, in words"),
}

DRAWN_OVER = {
    "Uncertainty countries": "runs of the whole scoring (every declared modelling choice varied)",
    "Stakeholder hull": "weights drawn between the stakeholders' own",
    "Uncertainty Sobol": "runs of the whole scoring (every declared modelling choice varied)",
}
"""What P(top K) and P(tier) count over, by sheet (else the weight draws of the sensitivity analysis)."""

_OFFICE = {
    "id": Column("Office id", "the office's id (the --group-by column's value)"),
    "name": Column("Office", "the office, named as the ranking names it"),
}
"""Ranking by office (``--group-by``): each row is an office, not a country."""

_IN_TOP = re.compile(r"^in_top_(\d+|k)$")
_TIER_BOUND = re.compile(r"^tier_(low|high)_(.+)$")


def describe(sheet: str, column_id: str, ctx: Context) -> Column:
    """How column ``column_id`` of ``sheet`` reads: a sheet's own meaning, else the shared one, else by pattern.

    >>> ctx = Context(labels={"engagement": "Engagement"}, tiers=("join",), top_k=15)
    >>> describe("Sensitivity", "p_top_k", ctx).header, describe("Sensitivity", "p_join", ctx).number_format
    ('P(in top 15)', '0.0%')
    >>> describe("Ranking", "government_interest", Context(labels={"government_interest": "Interest"})).header
    'Government interest: contribution'
    """
    found = _described(sheet, column_id, ctx)
    if ctx.top_k is None:
        return found
    k = f"top {ctx.top_k}"
    return Column(found.header.replace("top K", k), found.meaning.replace("top K", k), found.unit, found.number_format)


def _described(sheet: str, column_id: str, ctx: Context) -> Column:
    """:func:`describe` before "top K" gets its number."""
    own = _BY_SHEET.get((sheet, column_id)) or _stakeholder_column(sheet, column_id, ctx)
    if own is not None:
        return own
    known = _ANY_SHEET.get(column_id)
    if ctx.offices and sheet == "Ranking" and column_id in _OFFICE:
        return _OFFICE[column_id]
    if column_id in ctx.groups and column_id not in _ANY_SHEET:  # a group column never renames a result column
        header, meaning = GROUP_HEADERS.get(column_id, (words(column_id), column_id))
        return Column(header, f"{meaning}, copied from the spreadsheet for filtering")
    if known is not None:
        return known
    k = str(ctx.top_k) if ctx.top_k is not None else "K"
    over = DRAWN_OVER.get(sheet, "weight draws")
    if column_id == "p_top_k":
        meaning = f"share of {over} with the country in the top {k}"
        return Column(f"P(in top {k})", meaning, "probability", PERCENT)
    if column_id.startswith("p_") and column_id[2:] in ctx.tiers:
        tier = column_id[2:]
        meaning = f"share of {over} with the country in tier {tier}"
        return Column(f"P(tier {tier})", meaning, "probability", PERCENT)
    if column_id.startswith("w_") and column_id[2:] in ctx.labels:
        label = ctx.labels[column_id[2:]]
        return Column(
            f"Central weight: {words(column_id[2:])}",
            f"mean share of {label} over the draws with the country in the top {k} (blank: never)",
            "share",
            SHARE,
        )
    if column_id in ctx.labels:
        label, short = ctx.labels[column_id], words(column_id)
        if ctx.arithmetic:
            meaning = f"what criterion {column_id} ({label}) adds to the score: its share times its criterion score"
            return Column(f"{short}: contribution", meaning, "score points", SCORE)
        return Column(f"{short}: criterion score", f"the criterion score of {column_id} ({label})", "0-1", SCORE)
    if sheet == "Rank acceptability" and column_id.isdigit():
        return Column(
            f"P(rank {column_id})", f"share of {over} with the country at rank {column_id}", "probability", PERCENT
        )
    bound = _TIER_BOUND.match(column_id)
    if bound and bound.group(2) in ctx.labels:
        end, cid = ("lowest", "down to") if bound.group(1) == "low" else ("highest", "up to"), bound.group(2)
        meaning = f"{end[0]} share of criterion {cid} ({ctx.labels[cid]}) keeping the country's tier (moved alone)"
        return Column(f"Same tier, {words(cid).lower()} {end[1]}", meaning, "share", SHARE)
    top = _IN_TOP.match(column_id)
    if top:
        n = k if top.group(1) == "k" else top.group(1)
        return Column(f"In the top {n} now", f"whether the country is in the top {n} with this report's weights")
    return Column(words(column_id))


def _stakeholder_column(sheet: str, column_id: str, ctx: Context) -> Column | None:
    """Columns of the Whose weights sheets named after a criterion or a stakeholder (not a contribution).

    >>> ctx = Context(labels={"engagement": "Engagement"}, stakeholders=("Ana",))
    >>> _stakeholder_column("Stakeholder weights", "engagement", ctx).header
    'Weight: Engagement'
    >>> _stakeholder_column("Stakeholder ranks", "Ana", ctx).meaning
    "rank under Ana's weights"
    """
    if sheet == "Stakeholder weights" and column_id in ctx.labels:
        label = ctx.labels[column_id]
        meaning = f"share of the total weight given to criterion {column_id} ({label})"
        return Column(f"Weight: {words(column_id)}", meaning, "share", SHARE)
    who = {"group": "the group's weights", "compromise": "the compromise weights"}
    who |= {name: f"{name}'s weights" for name in ctx.stakeholders}
    if sheet == "Stakeholder ranks" and column_id in who:
        return Column(f"Rank: {column_id}", f"rank under {who[column_id]}", "rank", WHOLE)
    k = str(ctx.top_k) if ctx.top_k is not None else "K"
    if sheet == "Stakeholder disagreement" and column_id in ctx.stakeholders:
        meaning = f"countries in the top {k} of only one of the two: this row's stakeholder and {column_id}"
        return Column(f"With {column_id}", meaning, "countries", WHOLE)
    return None


def table(sheet: str, frame: pd.DataFrame, ctx: Context) -> Table:
    """``frame`` as a sheet: every column described by :func:`describe`."""
    return Table(frame, {str(c): describe(sheet, str(c), ctx) for c in frame.columns})


ANALYSIS_SHEETS: dict[tuple[str, str], str] = {
    ("sensitivity", "Summary"): "Sensitivity",
    ("sensitivity", "Rank acceptability"): "Rank acceptability",
    ("stability", "Countries"): "Stability countries",
    ("stability", "Weights"): "Stability weights",
    ("stability", "Options"): "Stability options",
    ("uncertainty", "Summary"): "Uncertainty countries",
    ("uncertainty", "Drivers"): "Uncertainty drivers",
    ("uncertainty", "Sobol"): "Uncertainty Sobol",
    ("uncertainty", "By choice"): "Uncertainty by choice",
    ("weights", "Weights"): "Stakeholder weights",
    ("weights", "Consensus"): "Stakeholder consensus",
    ("weights", "Ranks"): "Stakeholder ranks",
    ("weights", "Disagreement"): "Stakeholder disagreement",
    ("weights", "Hull"): "Stakeholder hull",
    ("select", "Selection"): "Selection",
    ("select", "Summary"): "Selection lines",
    ("select", "Binding"): "Selection binding",
    ("select", "Robustness"): "Selection robustness",
}
"""An analysis command's sheet, by (command, sheet title), and the sheet whose column meanings it shares."""


def analysis_book(
    command: str, sheets: Mapping[str, pd.DataFrame], provenance: Mapping[str, str], ctx: Context
) -> dict[str, Table]:
    """An analysis command's workbook: its sheets described, the data dictionary, then the provenance.

    A sheet's columns read as those of the report workbook's sheet that holds the same
    table (:data:`ANALYSIS_SHEETS`), so `sensitivity -o` and `report --sensitivity` agree.

    >>> ctx = Context(labels={}, tiers=("join",), top_k=15)
    >>> book = analysis_book("sensitivity", {"Summary": pd.DataFrame({"p_join": [0.5]})}, {"command": "x"}, ctx)
    >>> list(book), book["Summary"].column("p_join").header
    (['Summary', 'Data dictionary', 'Provenance'], 'P(tier join)')
    """
    book = {name: table(ANALYSIS_SHEETS.get((command, name), name), frame, ctx) for name, frame in sheets.items()}
    rows = pd.DataFrame([{"key": k, "value": v} for k, v in provenance.items()], columns=["key", "value"])
    provenance_sheet = table("Provenance", rows, ctx)
    book[DICTIONARY] = dictionary_table({**book, "Provenance": provenance_sheet})
    book["Provenance"] = provenance_sheet
    return book


def dictionary_table(sheets: Mapping[str, Table]) -> Table:
    """The Data dictionary sheet: one row per column of every sheet and its own (sheet, column id, header, ...).

    >>> described = {"p_top_k": Column("P(in top 15)", "share of draws", "probability")}
    >>> dictionary_table({"Sensitivity": Table(pd.DataFrame({"p_top_k": [0.5]}), described)}).frame.iloc[0].tolist()
    ['Sensitivity', 'p_top_k', 'P(in top 15)', 'share of draws', 'probability']
    """
    columns = {
        "sheet": Column("Sheet", "the sheet the column is on"),
        "column_id": Column("Column id", "the column's identifier (as in CSV and JSON outputs)"),
        "header": Column("Header", "the column's header in this workbook"),
        "meaning": Column("Meaning", "what the column holds"),
        "unit": Column("Unit", "the unit of its values (blank: text)"),
    }
    listed = {**sheets, DICTIONARY: Table(pd.DataFrame(columns=list(columns)), columns)}
    rows = [
        {"sheet": name, "column_id": str(c), "header": t.column(str(c)).header}
        | {"meaning": t.column(str(c)).meaning, "unit": t.column(str(c)).unit}
        for name, t in listed.items()
        for c in t.frame.columns
    ]
    return Table(pd.DataFrame(rows, columns=list(columns)), columns)
