"""Tables for export: the ranking, contributions, data quality, criteria.

Pure functions from a ScoreResult to DataFrames; writers in :mod:`scorer.io`
turn them into CSV, XLSX, JSON or Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from scorer.core.normalisation import describe
from scorer.core.result import ScoreResult

GROUPING_COLUMNS = ("region", "sub_region", "intermediate_region", "income_group", "ldc", "lldc", "sids")
"""Spreadsheet columns a planner groups and filters by (M49 regions, income group, UN country lists)."""


def ranking_frame(result: ScoreResult) -> pd.DataFrame:
    """rank, id, name, score, tier, one contribution column per criterion, coverage.

    Offices (``--group-by``) add ``n_members`` and ``members`` (ISO3 codes).

    >>> from scorer import demo_result
    >>> ranking_frame(demo_result()).columns[:5].tolist()
    ['rank', 'id', 'name', 'score', 'tier']
    """
    crit_ids = list(result.criteria.criteria)
    t = result.table
    out = pd.DataFrame(
        {
            "rank": t["rank"].to_numpy(),
            "id": t.index.to_numpy(dtype=object),
            "name": t["name"].to_numpy(dtype=object),
            "score": t["score"].to_numpy(),
            "tier": t["tier"].to_numpy(dtype=object),
        }
    )
    for c in crit_ids:
        out[c] = t[c].to_numpy()
    out["coverage"] = t["coverage"].to_numpy()
    if "members" in t.columns:
        out["n_members"] = t["n_members"].to_numpy()
        out["members"] = t["members"].to_numpy(dtype=object)
    if result.illustrative:
        out["illustrative_inputs"] = ", ".join(sorted(set(result.illustrative.values())))
    return out


def contributions_frame(result: ScoreResult) -> pd.DataFrame:
    """Long table: one row per country and indicator with raw, normalised, weight, contribution."""
    items = result.criteria.indicator_items()
    imputed = {(r["id"], r["indicator"]): r["how"] for r in result.imputations.to_dict("records")}
    rows = []
    for ident in result.table.index:
        for cid, iid, _ind in items:
            rows.append(
                {
                    "id": ident,
                    "criterion": cid,
                    "indicator": iid,
                    "column": result.columns[iid],
                    "raw": result.raw.at[ident, iid],
                    "normalised": result.normalised.at[ident, iid],
                    "weight": result.indicator_weights.at[ident, iid],
                    "contribution": result.contributions.at[ident, iid],
                    "imputed": imputed.get((ident, iid), ""),
                }
            )
    return pd.DataFrame(rows)


def criteria_frame(result: ScoreResult) -> pd.DataFrame:
    """One row per indicator: criterion, citation, weights, normalisation in words, missing policy."""
    weights = result.weights
    within = result.indicator_weights_within
    rows = []
    for cid, crit in result.criteria.criteria.items():
        for iid, ind in crit.leaves():
            rows.append(
                {
                    "criterion": cid,
                    "criterion_label": crit.label,
                    "cites": crit.cites,
                    "criterion_weight": float(weights[cid]),
                    "indicator": iid,
                    "column": result.columns.get(iid, ind.column),
                    "illustrative": "yes" if iid in result.illustrative else "no",
                    "direction": ind.direction.value,
                    "normalisation": ind.normalisation.value,
                    "method": describe(ind),
                    "missing": ind.missing.value,
                    "weight_within_criterion": float(within[iid]),
                }
            )
    return pd.DataFrame(rows)


def quality_frame(result: ScoreResult) -> pd.DataFrame:
    """Data quality: imputed cells, type conversions and exclusions, one row each."""
    rows = []
    for r in result.imputations.to_dict("records"):
        rows.append(
            {
                "kind": "imputed",
                "id": r["id"],
                "row": r["row"],
                "column": r["column"],
                "original": r["original"],
                "value": r["value"],
                "detail": r["how"],
            }
        )
    for r in result.exclusions.to_dict("records"):
        rows.append(
            {
                "kind": "excluded",
                "id": r["id"],
                "row": r["row"],
                "column": "",
                "original": "",
                "value": float("nan"),
                "detail": r["reason"],
            }
        )
    for r in result.conversions.to_dict("records"):
        rows.append(
            {
                "kind": "converted",
                "id": r.get("id") or "",
                "row": r["row"],
                "column": r["column"],
                "original": r["original"],
                "value": r["value"],
                "detail": f"value of year {int(r['year'])}"
                if pd.notna(r.get("year"))
                else (r.get("how") if isinstance(r.get("how"), str) else "text read as a value"),
            }
        )
    for r in result.inherited.to_dict("records"):
        rows.append(
            {
                "kind": "inherited",
                "id": r["id"],
                "row": r["row"],
                "column": r["column"],
                "original": "",
                "value": r["value"],
                "detail": r["how"],
            }
        )
    return pd.DataFrame(rows, columns=["kind", "id", "row", "column", "original", "value", "detail"])


def quality_lines(result: ScoreResult) -> list[str]:
    """A few lines summarising data quality, for ``--verbose``.

    >>> from scorer import demo_result
    >>> quality_lines(demo_result())[0].startswith("Data quality: 165 rows read, 162 ranked")
    True
    """
    t = result.table
    read = "" if result.rows_read is None else f"{result.rows_read} rows read, "
    lines = [
        f"Data quality: {read}{len(t)} ranked, {len(result.exclusions)} excluded, "
        f"{len(result.imputations)} imputed cells, {len(result.conversions)} cells converted from text; "
        f"mean coverage {t['coverage'].mean():.0%}"
    ]
    if len(result.imputations):
        counts = result.imputations.groupby(["column", "policy"]).size().reset_index(name="n")
        for r in counts.to_dict("records"):
            lines.append(f"  {r['column']}: {r['n']} blank cell(s) handled by missing: {r['policy']}")
    for r in result.exclusions.to_dict("records"):
        lines.append(f"  excluded {r['id']} (row {r['row']}): {r['reason']}")
    for r in result.inherited.to_dict("records"):
        lines.append(f"  {r['id']} (row {r['row']}): {r['column']}: {r['how']}")
    low = t.loc[t["coverage"] < 0.5]
    if len(low):
        lines.append(
            f"  {len(low)} countries have less than half their indicators observed: {', '.join(low.index[:10])}"
        )
    return lines


def grouping_columns(columns: Iterable[object], *, also: Iterable[str] = ()) -> list[str]:
    """The spreadsheet's grouping columns (see :data:`GROUPING_COLUMNS`, any case, spaces or hyphens), then ``also``.

    >>> grouping_columns(["iso3", "Region", "sub-region", "LDC", "office"], also=["office", "cost"])
    ['Region', 'sub-region', 'LDC', 'office']
    """
    present = [str(c) for c in columns]
    by_key = {re.sub(r"[\s\-]+", "_", c.strip().lower()): c for c in reversed(present)}
    found = [by_key[key] for key in GROUPING_COLUMNS if key in by_key]
    return list(dict.fromkeys([*found, *(c for c in also if c in present)]))


def grouping_frame(result: ScoreResult, data: pd.DataFrame, *, also: Iterable[str] = ()) -> pd.DataFrame | None:
    """The spreadsheet's grouping columns for the ranked countries (offices combine their members'), or None.

    Values come from :func:`scorer.selection.config.group_frame`, the selection's own reading of group columns.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> g = grouping_frame(demo_result(), read_countries(demo_spreadsheet_path()))
    >>> g.columns.tolist()
    ['region', 'sub_region', 'income_group', 'ldc', 'lldc', 'sids']
    >>> g.loc["DZA"].tolist()
    ['Africa', 'Northern Africa', 'Lower middle income', 'no', 'no', 'no']
    """
    from scorer.selection.config import group_frame

    columns = grouping_columns(data.columns, also=also)
    return group_frame(result, data, columns) if columns else None
