"""The JSON data block of the report page: what its script recomputes from, at full precision.

The script (``report_assets/report.js``) mirrors the one weighted-sum kernel
(:func:`scorer.core.aggregation.effective_weights` and the weighted mean), the
ranking and the tiers; it starts from the criterion scores, masks and weights
written here, taken from the result as they are.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from scorer.core.aggregation import effective_weights
from scorer.core.ranking import TIE_DECIMALS
from scorer.model.criteria import Indicator
from scorer.report.wording import plain

if TYPE_CHECKING:
    from scorer.report.page import PageView


def embed_json(data: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    >>> embed_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def page_data(view: PageView) -> dict[str, Any]:
    """The data block the page's script reads: every number at full precision, from the result and analyses."""
    r = view.r
    data: dict[str, Any] = {
        "aggregation": view.c.aggregation.value,
        "live": view.arithmetic,
        "tie_decimals": TIE_DECIMALS,
        "score_decimals": view.score_decimals,
        "top_k": view.top_k,
        "bar_scale": view.bar_scale,
        "command_prefix": view.command_prefix,
        "criteria": [
            {"id": cid, "label": crit.label, "short": plain(cid), "cites": crit.cites, "weight": float(crit.weight)}
            for cid, crit in view.c.criteria.items()
        ],
        "tiers": [{"name": t.name, "top": t.top, "min_score": t.min_score} for t in view.c.tiers],
        "indicators": [
            {
                "id": iid,
                "criterion": cid,
                "criterion_label": view.c.criteria[cid].label,
                "label": ind.label or iid,
                "column": r.columns.get(iid, ind.column),
            }
            for cid, iid, ind in view.c.indicator_items()
        ],
        "countries": country_records(view),
        "yaml": _yaml(view),
        "sensitivity": None,
        "stability": None,
        "selection": view.rec.data if view.rec is not None else None,
        "office_column": r.offices.column if r.offices is not None else None,
    }
    st = view.stab
    if st.countries is not None:
        order = st.countries.reindex(r.table.index)
        data["stability"] = {
            "top_k": st.top_k,
            "weight": [str(v) for v in order["weight_in_words"]],
            "value": [str(v) for v in order["value_in_words"]],
        }
    if view.sens is not None:
        data["sensitivity"] = {
            "p_top": [float(v) for v in view.sens.p_top_k],
            "low": [float(v) for v in view.sens.rank_low],
            "high": [float(v) for v in view.sens.rank_high],
        }
    return data


def _yaml(view: PageView) -> dict[str, Any] | None:
    """The criteria file's text and its weights' positions (UTF-16 offsets), for the download button."""
    if view.source is None:
        return None
    text = view.source.text
    stem = view.source.file_name.rsplit(".", 1)[0] or "criteria"
    return {
        "text": text,
        "spans": [
            [_utf16_offset(text, view.source.spans[c][0]), _utf16_offset(text, view.source.spans[c][1])]
            for c in view.crit_ids
        ],
        "download_name": f"{stem}-tuned.yaml",
    }


def country_records(view: PageView) -> list[dict[str, Any]]:
    """One record per ranked country: criterion scores and mask (what the script re-weights), result, values."""
    r = view.r
    t = r.table
    crit_weights = np.array([view.c.criteria[c].weight for c in view.crit_ids], dtype=float)
    mask = r.criterion_mask.loc[t.index, view.crit_ids].to_numpy(dtype=bool)
    values = r.criterion_scores.loc[t.index, view.crit_ids].to_numpy(dtype=float)
    eff = effective_weights(crit_weights, mask)
    item_ids = [iid for _cid, iid, _ind in view.c.indicator_items()]
    raw = r.raw.loc[t.index, item_ids].to_numpy(dtype=float)  # read once, not per country
    normalised = r.normalised.loc[t.index, item_ids].to_numpy(dtype=float)
    columns = {name: t[name].tolist() for name in ("name", "score", "rank", "tier", "coverage", *view.crit_ids)}
    offices = r.offices
    countries = []
    for i, ident in enumerate(t.index):
        office: dict[str, Any] = {}
        if offices is not None:
            member_ids = offices.member_lists[offices.ids.index(str(ident))]
            office = {
                "office": offices.describe(str(ident)),
                "members": [{"id": m, "name": str(offices.members.at[m, "name"])} for m in member_ids],
            }
        countries.append(
            office
            | {
                "id": str(ident),
                "name": str(columns["name"][i]),
                "region": view.regions[i] if view.regions is not None else None,
                "s": [_num(v) for v in values[i]],
                "m": [bool(v) for v in mask[i]],
                "score": float(columns["score"][i]),
                "rank": int(columns["rank"][i]),
                "tier": view.tier_index.get(str(columns["tier"][i]), len(view.c.tiers) - 1),
                "contrib": [_num(columns[c][i]) for c in view.crit_ids],
                "eff": [float(v) for v in eff[i]],
                "coverage": float(columns["coverage"][i]),
                "chosen": ident in view.chosen,
                "ind": _indicator_cells(view, ident, raw[i], normalised[i]),
            }
        )
    return countries


def _indicator_cells(view: PageView, ident: Any, raw_values: np.ndarray, norm_values: np.ndarray) -> list[list[Any]]:
    """Per indicator of ``ident``: value shown, level name, normalised value, how imputed (members' values)."""
    r = view.r
    items = view.c.indicator_items()
    offices = r.offices
    office_imputed = offices.imputed(str(ident), r.imputations) if offices is not None else {}
    imputed = view.imputed_how
    cells = []
    for j, (_cid, iid, indicator) in enumerate(items):
        raw, norm = float(raw_values[j]), float(norm_values[j])
        cell = [
            None if math.isnan(raw) else _round_display(raw),
            _level(indicator, raw) if not math.isnan(raw) else "",
            None if math.isnan(norm) else norm,
            office_imputed[iid][0] if iid in office_imputed else imputed.get((ident, iid)),
        ]
        if offices is not None:
            cell.append(offices.member_values(str(ident), iid))
        cells.append(cell)
    return cells


def _utf16_offset(text: str, index: int) -> int:
    """A code-point offset as a JavaScript (UTF-16) string offset."""
    return len(text[:index].encode("utf-16-le")) // 2


def _round_display(value: float) -> float:
    return float(f"{value:.6g}")


def _level(indicator: Indicator, value: float) -> str:
    if not indicator.levels:
        if indicator.normalisation.value == "boolean":
            return "yes" if value == 1 else "no" if value == 0 else ""
        return ""
    for name, v in indicator.levels.items():
        if math.isclose(v, value):
            return name
    return ""
