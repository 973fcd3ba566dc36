"""The scoring pipeline: a country table and criteria in, one ScoreResult out.

Steps, each a plain function in a module named after it: resolve the columns
the criteria need (:mod:`scorer.prepare.columns`); identify each row's country
(:mod:`scorer.prepare.identity`); apply eligibility gates (:mod:`scorer.core.eligibility`);
read every indicator cell, collecting every bad cell (:mod:`scorer.prepare.reading`);
impute missing cells by each indicator's policy (:mod:`scorer.core.imputation`);
combine shared offices (:mod:`scorer.prepare.grouping`); normalise and aggregate the
criteria tree (:mod:`scorer.core.scoring`); rank and tier (:mod:`scorer.core.ranking`).
No file access and no printing: the CLI and the report read the result.

Two entry points split the work for analyses that re-score many times:
:func:`prepare_countries` reads and checks the table once, and
:func:`score_prepared` imputes, scores and ranks it under a criteria copy
with another imputation, normalisation or aggregation (the copy must read
the same columns the same way: same indicators, same cell types).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd

from scorer.core.eligibility import eligibility_reasons
from scorer.core.imputation import impute_cells
from scorer.core.normalisation import method_of
from scorer.core.ranking import assign_tiers, rank_scores, ranking_order
from scorer.core.result import ScoreResult
from scorer.core.scoring import Scored, aggregate, rows_in_order, score_matrix
from scorer.errors import ConfigError, DataError, Problem, ProblemCollector, ScoringError
from scorer.model.criteria import Criteria, MissingPolicy, check_unbounded
from scorer.prepare.cells import clean_text, is_missing
from scorer.prepare.columns import (
    ILLUSTRATIVE_PREFIX,
    ColumnPlan,
    apply_weights,
    choose_id_column,
    plan_columns,
)
from scorer.prepare.grouping import BoolArray, GroupCells, IntArray, Offices, combine_offices, read_groups
from scorer.prepare.identity import Identity, identify_rows, row_numbers
from scorer.prepare.panel import select_panel
from scorer.prepare.reading import NOT_APPLICABLE, Cells, read_cells, read_indicator
from scorer.prepare.territories import INHERITED_COLUMNS, TerritoryFill, apply_territory_rule, inherited_frame

__all__ = [
    "ILLUSTRATIVE_PREFIX",
    "NOT_APPLICABLE",
    "Cells",
    "ColumnPlan",
    "Identity",
    "Prepared",
    "ReadOptions",
    "aggregate",
    "apply_weights",
    "choose_id_column",
    "identify_rows",
    "plan_columns",
    "prepare_countries",
    "read_cells",
    "read_indicator",
    "score_countries",
    "score_matrix",
    "score_prepared",
]


class ReadOptions(TypedDict, total=False):
    """How to read a country table: the keywords of :func:`score_countries` and :func:`prepare_countries`.

    Each left out (or None) defaults to what :func:`scorer.read_countries` and the
    command's reading options put in ``df.attrs``; see :func:`score_countries`.
    """

    source: str | None
    first_row: int | None
    decimal_comma: bool | None
    id_column: str | None
    year: int | None
    year_column: str | None
    group_by: str | None


@dataclass(frozen=True)
class Prepared:
    """A country table read and checked against the criteria, before imputation and scoring.

    Row-wise lists and arrays cover every row of ``frame`` (the table after
    a panel is reduced to one row per country); ``raw`` holds each indicator
    cell as a number (NaN = missing), columns in ``criteria.indicator_items()``
    order.
    """

    criteria: Criteria
    source: str
    frame: pd.DataFrame
    plan: ColumnPlan
    id_column: str
    identity: Identity
    names: list[str]
    rows: np.ndarray
    reasons: list[list[str]]
    eligible: np.ndarray
    cells: Cells
    groups: GroupCells | None
    conversions: list[dict[str, object]]
    notes: list[str]
    rows_read: int = 0
    inherited: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INHERITED_COLUMNS))


@dataclass(frozen=True)
class _Units:
    """The ranked units (countries, or offices with ``--group-by``) after imputation."""

    ids: list[str]
    names: list[str]
    rows: np.ndarray
    spellings: list[str]
    raw: np.ndarray
    observed: np.ndarray
    coverage: np.ndarray
    imputations: list[dict[str, object]]
    offices: Offices | None


def score_countries(
    df: pd.DataFrame,
    criteria: Criteria,
    *,
    weights: Mapping[str, float] | None = None,
    **options: Unpack[ReadOptions],
) -> ScoreResult:
    """Score, rank and tier every eligible country of ``df``.

    ``options`` (:class:`ReadOptions`) say how to read the table. ``source``
    and ``first_row`` (the spreadsheet row of ``df``'s first line) locate
    problems; they default to what :func:`scorer.read_countries` put in
    ``df.attrs``. The input frame is never modified.

    The id column is ``id_column``, else the criteria's ``id_column`` when the
    sheet has it, else the column whose values read as countries. Country
    codes and names in any UN language are resolved to ISO3 (the index of the
    result); the user's own spelling is kept in the table's ``input_id``.
    ``decimal_comma`` (default: as detected when the file was read) says how
    ``0,75`` is read. A panel (several rows per country and a year column)
    is first reduced to one row per country by :func:`scorer.prepare.panel.select_panel`:
    the rows of ``year``, or each indicator's latest non-missing value.
    ``group_by`` (default: ``df.attrs["group_by"]``, set by ``--group-by``)
    ranks shared offices instead of countries: see :mod:`scorer.prepare.grouping`.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> result = score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()))
    >>> len(result.table)
    162
    """
    _refuse_unbounded(criteria)  # before reading the data: a config error is not hidden behind data problems
    if weights:
        criteria = apply_weights(criteria, weights)
    return score_prepared(prepare_countries(df, criteria, **options))


def _refuse_unbounded(criteria: Criteria) -> None:
    """An aggregation that needs values >= 0 over an unbounded normalisation (zscore, raw) is refused, at its key."""
    unbounded = check_unbounded(criteria, code="config.geometric")
    if unbounded:
        raise ConfigError(unbounded)


def prepare_countries(
    df: pd.DataFrame,
    criteria: Criteria,
    **options: Unpack[ReadOptions],
) -> Prepared:
    """Read and check ``df`` against the criteria: every data problem raised at once (see :func:`score_countries`)."""
    unknown = sorted(set(options) - ReadOptions.__optional_keys__)
    if unknown:  # ``**options`` would otherwise take a misspelt keyword silently
        raise TypeError(f"unexpected keyword argument(s) {', '.join(map(repr, unknown))}")
    source = options.get("source") or str(df.attrs.get("source", "<data>"))
    decimal_comma = options.get("decimal_comma")
    if decimal_comma is None:
        decimal_comma = bool(df.attrs.get("decimal_comma", False))
    first_row, group_by = options.get("first_row"), options.get("group_by")
    year, year_column = options.get("year"), options.get("year_column")
    id_col = choose_id_column(df, criteria, id_column=options.get("id_column") or df.attrs.get("id_column"))
    plan = plan_columns([str(c) for c in df.columns], criteria, source=source, id_column=id_col)
    panel = select_panel(
        df,
        id_column=id_col,
        columns=list(plan.columns.values()),
        year_column=year_column or df.attrs.get("year_column"),
        year=year if year is not None else df.attrs.get("year"),
    )
    frame = panel.frame
    problems = ProblemCollector()
    rows = row_numbers(frame, first_row)
    identity = identify_rows(frame[id_col], rows, column=id_col, source=source)
    problems.extend(identity.problems)
    names = _names(frame, criteria, identity, id_col)
    reasons = eligibility_reasons(frame, criteria.eligibility, decimal_comma=decimal_comma)
    eligible = np.array([not r for r in reasons], dtype=bool)
    cell_rows: Mapping[str, Sequence[int]] | None = panel.cell_rows if first_row is None else None
    fill = _fill_territories(frame, criteria, plan, identity, rows, source=source, cell_rows=cell_rows)
    if fill is not None:
        problems.extend(fill.problems)
        frame, cell_rows = fill.frame, {c: [int(r) for r in v] for c, v in fill.cell_rows.items()}
    cells = read_cells(
        frame,
        criteria.indicator_items(),
        plan,
        rows=rows,
        ids=identity.ids,
        eligible=eligible,
        decimal_comma=decimal_comma,
        source=source,
        cell_rows=cell_rows,
    )
    problems.extend(cells.problems)
    conversions = [*identity.conversions, *_latest_values(panel.years, identity), *cells.conversions]
    groups = _group_cells(
        frame, criteria, group_by, rows=rows, eligible=eligible, source=source, decimal_comma=decimal_comma
    )
    if groups is not None:
        problems.extend(groups.problems)
    problems.raise_if_any(DataError)
    _require_eligible(eligible, source)
    notes = [str(n) for n in frame.attrs.get("notes", [])] + panel.notes + identity.notes
    return Prepared(
        criteria,
        source,
        frame,
        plan,
        id_col,
        identity,
        names,
        rows,
        reasons,
        eligible,
        cells,
        groups,
        conversions,
        notes,
        rows_read=int(df.attrs.get("rows_read", len(df))),
        inherited=_inherited(fill, criteria, plan, identity, names, rows, cells, eligible),
    )


def _require_eligible(eligible: BoolArray, source: str) -> None:
    """At least one country passes the eligibility rules, else a scoring error saying how many were excluded."""
    if not eligible.any():
        raise ScoringError(
            Problem(
                "scoring.none_eligible",
                f"no country passes the eligibility rules ({len(eligible)} excluded)",
                file=source,
            )
        )


def _group_cells(
    frame: pd.DataFrame,
    criteria: Criteria,
    group_by: str | None,
    *,
    rows: IntArray,
    eligible: BoolArray,
    source: str,
    decimal_comma: bool,
) -> GroupCells | None:
    """The office column's cells when ranking by office (``group_by``, else the sheet's ``--group-by``), else None."""
    group_by = group_by or frame.attrs.get("group_by")
    if not group_by:
        return None
    return read_groups(
        frame, group_by, criteria.grouping, rows=rows, eligible=eligible, source=source, decimal_comma=decimal_comma
    )


def _fill_territories(
    frame: pd.DataFrame,
    criteria: Criteria,
    plan: ColumnPlan,
    identity: Identity,
    rows: np.ndarray,
    *,
    source: str,
    cell_rows: Mapping[str, Sequence[int]] | None,
) -> TerritoryFill | None:
    """The criteria's ``territory_rule`` applied to the indicator columns it names (None without a rule)."""
    rule = criteria.territory_rule
    if rule is None:
        return None
    return apply_territory_rule(
        frame,
        rule,
        [plan.columns[iid] for iid in rule.indicators if iid in plan.columns],
        ids=identity.ids,
        rows=rows,
        countries=identity.countries,
        source=source,
        cell_rows=cell_rows,
    )


def _inherited(
    fill: TerritoryFill | None,
    criteria: Criteria,
    plan: ColumnPlan,
    identity: Identity,
    names: list[str],
    rows: np.ndarray,
    cells: Cells,
    eligible: np.ndarray,
) -> pd.DataFrame:
    """The eligible territories' cells that took their state's value, with the value read."""
    items = [plan.columns[iid] for _c, iid, _i in criteria.indicator_items()]
    values = {column: cells.raw[:, items.index(column)] for column in dict.fromkeys(items)}
    kept = [c for c in (fill.inherited if fill else []) if eligible[c.position]]
    return inherited_frame(kept, criteria.territory_rule, ids=identity.ids, names=names, rows=rows, values=values)


def _latest_values(years: pd.DataFrame, identity: Identity) -> list[dict[str, object]]:
    """One conversion record per panel cell taken from an earlier year than the others."""
    iso_of = dict(zip(identity.spellings, identity.ids, strict=True))
    return [
        {
            "id": iso_of.get(str(r["id"]), r["id"]),
            "row": r["row"],
            "column": r["column"],
            "original": f"latest value, from {r['year']}",
            "value": None,
            "year": r["year"],
        }
        for r in years.to_dict("records")
    ]


def _names(frame: pd.DataFrame, criteria: Criteria, identity: Identity, id_col: str) -> list[str]:
    """Each row's readable name: the name column's cell, else the country's name, else its id."""
    own = criteria.name_column
    name_col = own if own in frame.columns and own != id_col else None
    return [
        clean_text(n) if name_col and not is_missing(n) else identity.names[i]
        for i, n in enumerate(frame[name_col] if name_col else identity.ids)
    ]


def score_prepared(prepared: Prepared, criteria: Criteria | None = None) -> ScoreResult:
    """Impute, score, rank and tier a prepared table, under its criteria or a copy of them.

    ``criteria`` (default: the prepared ones) may differ in weights,
    imputation, normalisation and aggregation, not in indicators.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> c = load_criteria(default_criteria_path())
    >>> p = prepare_countries(read_countries(demo_spreadsheet_path()), c)
    >>> score_prepared(p, c.with_aggregation("topsis")).criteria.aggregation.value
    'topsis'
    """
    criteria = criteria or prepared.criteria

    def reading(c: Criteria) -> list[tuple[str, str, object]]:  # what decides how each cell was read
        return [(iid, ind.column, type(method_of(ind)).read) for _c, iid, ind in c.indicator_items()]

    if reading(criteria) != reading(prepared.criteria):
        raise ConfigError(
            Problem(
                "config.invalid",
                "should read the same columns the same way as the prepared table (same indicators, same cell "
                "types), but it does not; prepare the table again with these criteria",
            )
        )
    _refuse_unbounded(criteria)
    units = _impute_units(prepared, criteria)
    scored = score_matrix(units.raw, criteria)
    no_data = np.flatnonzero(np.isnan(scored.scores))
    if no_data.size:
        raise DataError(
            [
                Problem(
                    "data.no_usable_values",
                    "should have a usable value for at least one weighted criterion, but has none",
                    file=prepared.source,
                    row=int(units.rows[i]),
                    column=prepared.id_column,
                    value=units.ids[i],
                )
                for i in no_data
            ]
        )
    return _result(prepared, criteria, units, scored)


def _impute_units(prepared: Prepared, criteria: Criteria) -> _Units:
    """Impute the eligible rows, then combine shared offices when grouping."""
    items = criteria.indicator_items()
    idx = np.flatnonzero(prepared.eligible)
    ids = prepared.identity.ids
    raw = prepared.cells.raw if len(idx) == len(prepared.cells.raw) else prepared.cells.raw[idx]  # read, not written
    observed = ~np.isnan(raw)
    raw, imputations = impute_cells(
        raw,
        prepared.cells.not_applicable[idx],
        items,
        prepared.plan,
        prepared.frame if len(idx) == len(prepared.frame) else prepared.frame.iloc[idx],
        ids=[ids[i] for i in idx],
        names=[prepared.names[i] for i in idx],
        rows=prepared.rows[idx],
    )
    units = _Units(
        ids=[ids[i] for i in idx],
        names=[prepared.names[i] for i in idx],
        rows=prepared.rows[idx],
        spellings=[prepared.identity.spellings[i] for i in idx],
        raw=raw,
        observed=observed,
        coverage=observed.mean(axis=1),
        imputations=imputations,
        offices=None,
    )
    if prepared.groups is None:
        return units
    offices = combine_offices(
        prepared.groups,
        raw,
        observed,
        positions=idx,
        ids=ids,
        names=prepared.names,
        rows=prepared.rows,
        spellings=prepared.identity.spellings,
        indicators=[(iid, ind) for _c, iid, ind in items],
        eligible=prepared.eligible,
    )
    return _Units(
        offices.ids,
        offices.names,
        offices.rows,
        offices.spellings,
        offices.raw,
        observed,
        offices.coverage,
        imputations,
        offices,
    )


def _notes(prepared: Prepared, criteria: Criteria, units: _Units) -> list[str]:
    notes = list(prepared.notes)
    if units.offices is not None:
        notes += units.offices.notes
    items = criteria.indicator_items()
    for j, (cid, iid, ind) in enumerate(items):
        if not units.observed[:, j].any():
            optional = ind.missing is MissingPolicy.reweight and sum(c == cid for c, _i, _d in items) > 1
            notes.append(
                f"column {prepared.plan.columns[iid]!r} is blank for every eligible country, so indicator {iid!r} "
                + (
                    f"is left out (missing: reweight) and criterion {cid!r} rests on its other indicators; "
                    "fill it in to use it"
                    if optional
                    else f"(criterion {cid!r}) is handled entirely by its missing-data policy ({ind.missing.value}); "
                    "fill it in for a meaningful ranking"
                )
            )
    if prepared.plan.illustrative:
        cols = ", ".join(sorted(set(prepared.plan.illustrative.values())))
        notes.insert(
            0,
            f"ILLUSTRATIVE DATA: this ranking uses made-up columns ({cols}) standing in for inputs that "
            "have no public source; it is not a real assessment of any country",
        )
    return notes


def _table(criteria: Criteria, units: _Units, scored: Scored, index: pd.Index) -> tuple[pd.DataFrame, np.ndarray]:
    """The ranking, best first: name, rank, score, tier, one column per top-level criterion, coverage.

    Also the positions of its rows in ``index``, to put other frames in the same order.
    """
    score_s = pd.Series(scored.scores, index=index, name="score")
    ranks = rank_scores(score_s)
    tiers = assign_tiers(score_s, ranks, criteria.tiers)
    order = ranking_order(score_s, index)  # built in this order: reordering a finished frame costs more
    positions = order.tolist()

    def best_first(values: Sequence[object] | np.ndarray) -> list[object] | np.ndarray:
        return np.take(values, order) if isinstance(values, np.ndarray) else [values[i] for i in positions]

    columns: dict[str, object] = {
        "name": best_first(units.names),
        "rank": best_first(ranks.to_numpy()),
        "score": best_first(scored.scores),
        "tier": best_first(tiers.to_numpy()),
    }
    additive = "score" not in scored.no_contributions
    for k in scored.top_level():
        columns[scored.nodes[k].id] = best_first(
            scored.node_contributions[:, k] if additive else scored.node_scores[:, k]
        )
    columns["coverage"] = best_first(units.coverage)
    columns["row"] = best_first(units.rows)
    columns["input_id"] = best_first(units.spellings)
    if units.offices is not None:
        columns["n_members"] = best_first([len(m) for m in units.offices.member_lists])
        columns["members"] = best_first([", ".join(m) for m in units.offices.member_lists])
    return pd.DataFrame(columns, index=index[order], copy=False), order  # each column is new: kept, not stacked


def _result(prepared: Prepared, criteria: Criteria, units: _Units, scored: Scored) -> ScoreResult:
    index = pd.Index(units.ids, name="id")
    table, positions = _table(criteria, units, scored, index)
    order = table.index
    item_ids = [iid for _c, iid, _ind in criteria.indicator_items()]
    node_ids = scored.node_ids
    top = [node_ids[k] for k in scored.top_level()]

    # ``scored``'s matrices are made for this call alone: reordered where they are, when each owns
    # its memory (none a view of another), as copies of a wide table would double its memory; so
    # are the imputed values unless they are the prepared cells themselves (nothing was imputed)
    mine = [scored.node_scores, scored.normalised, scored.contributions, scored.indicator_weights]
    mine += [scored.node_contributions, scored.node_weights]
    in_place = all(m.base is None for m in mine) and len({id(m) for m in mine}) == len(mine)

    def frame(values: np.ndarray, columns: list[str], *, own: bool = in_place) -> pd.DataFrame:
        ordered = rows_in_order(values, positions, in_place=own)
        return pd.DataFrame(ordered, index=order, columns=columns, copy=False)

    ids, names, rows = prepared.identity.ids, prepared.names, prepared.rows
    excluded = pd.DataFrame(
        [
            {"id": ids[i], "name": names[i], "row": int(rows[i]), "reason": "; ".join(prepared.reasons[i])}
            for i in np.flatnonzero(~prepared.eligible)
        ],
        columns=["id", "name", "row", "reason"],
    )
    node_scores = frame(scored.node_scores, node_ids)
    top_scores = node_scores[top]  # a new frame already (columns chosen by a list)
    return ScoreResult(
        criteria=criteria,
        source=prepared.source,
        table=table,
        criterion_scores=top_scores,
        criterion_mask=~top_scores.isna(),
        raw=frame(units.raw, item_ids, own=not np.may_share_memory(units.raw, prepared.cells.raw)),
        normalised=frame(scored.normalised, item_ids),
        contributions=frame(scored.contributions, item_ids),
        indicator_weights=frame(scored.indicator_weights, item_ids),
        imputations=pd.DataFrame(
            units.imputations,
            columns=["id", "name", "row", "indicator", "column", "original", "policy", "value", "how"],
        ),
        exclusions=excluded,
        conversions=pd.DataFrame(
            prepared.conversions, columns=["id", "row", "column", "original", "value", "year", "how"]
        ),
        inherited=prepared.inherited,
        columns=dict(prepared.plan.columns),
        illustrative=dict(prepared.plan.illustrative),
        notes=_notes(prepared, criteria, units),
        offices=units.offices,
        node_scores=node_scores,
        node_contributions=frame(scored.node_contributions, node_ids),
        node_weights=frame(scored.node_weights, node_ids),
        no_contributions=dict(scored.no_contributions),
        rows_read=prepared.rows_read,
        details={
            node: pd.DataFrame({key: np.take(column, positions) for key, column in values.items()}, index=order)
            for node, values in scored.details.items()
        },
    )
