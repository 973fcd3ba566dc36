"""What the report's richer sections show, worked out from the analyses' result objects (no markup here).

Each ``*_view`` reads one result object (:class:`~scorer.report.analyses.RecommendedSet`,
:class:`~scorer.report.analyses.Stability`, :class:`~scorer.report.analyses.Sensitivity`)
and returns the plain values its template lays out; nothing is recomputed.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from scorer.report.wording import interval_cells, plain

if TYPE_CHECKING:
    from scorer.report.page import PageView

SELECTION_FIXED = frozenset({"pick", "rank", "id", "name", "score", "cost", "cost_defaulted", "forced"})
"""Columns of the selection table that are not group columns."""


def selection_view(view: PageView) -> dict[str, Any]:
    """The Recommended set section: limits, the chosen set, why this set and its robustness."""
    rec = view.rec
    assert rec is not None
    d = rec.data
    table = rec.table
    chosen = set(rec.ids)
    free = list(d["unconstrained"])
    share = d["price_of_balance"] / abs(d["unconstrained_value"]) if d["unconstrained_value"] else 0.0
    left = d["best_left_out"]
    return {
        "d": d,
        "rec": rec,
        "cost_name": d["cost_column"] or "cost",
        "price_share": share,
        "group_cols": [c for c in table.columns if c not in SELECTION_FIXED],
        "rows": table.to_dict("records"),
        "forced": bool(table["forced"].any()),
        "left": left,
        "left_ties": left is not None and left["needed_increase"] is not None and left["needed_increase"] <= 0,
        "dropped": [c for c in free if c not in chosen],
        "added": [c for c in rec.ids if c not in set(free)],
        "chosen_defaults": [c for c in d["defaulted_costs"] if c in chosen],
        "robust": _robustness(view),
    }


def _robustness(view: PageView) -> dict[str, Any] | None:
    rec = view.rec
    assert rec is not None
    robust = rec.robust
    if robust is None:
        return None
    share = {str(k): float(v) for k, v in zip(robust["id"], robust["share_selected"], strict=True)}
    chosen = rec.ids
    return {
        "share": share,
        "always": [c for c in chosen if share.get(c, 0.0) >= 1.0],
        "shaky": [c for c in chosen if share.get(c, 0.0) < 0.5],
        "contenders": [
            str(c)
            for c, v, k in zip(robust["id"], robust["share_selected"], robust["chosen"], strict=True)
            if not k and v >= 0.5
        ],
        "rows": robust.to_dict("records"),
        "never": len(view.r.table) - len(robust),
    }


def stability_view(view: PageView) -> dict[str, Any] | None:
    """What would change the list: the weight intervals and the countries near the cut (None when left out)."""
    st = view.stab
    if st.weights is None or st.countries is None:
        return None
    rows = []
    for i, (cid, row) in enumerate(st.weights.iterrows()):
        w, lo, hi = float(row["weight"]), float(row["low"]), float(row["high"])
        rl, rh = float(row["range_low"]), float(row["range_high"])
        rows.append(
            {
                "i": i % 8,
                "id": str(cid),
                "label": row["label"],
                "values": [(repr(v), text) for v, text in zip((w, lo, hi), interval_cells(w, lo, hi), strict=True)],
                "plausible": "" if math.isnan(rl) else f"{rl:g} to {rh:g}",
            }
        )
    near = []
    first_out = True
    for ident, row in st.near_cut().iterrows():
        inside = bool(row["in_top_k"])
        near.append({"id": str(ident), "row": row, "inside": inside, "first_out": not inside and first_out})
        first_out = first_out and inside
    return {
        "st": st,
        "units": "offices" if st.unit == "office" else "countries",
        "shares": [(plain(str(cid)), f"{float(w):.2f}") for cid, w in st.weights["weight"].items()],
        "weights": rows,
        "near": near,
        "shown": min(2 * st.top_k, len(view.r.table)),
    }


def sensitivity_view(view: PageView) -> dict[str, Any]:
    """The sensitivity section: who is likely in the top K (heat map: :func:`scorer.report.charts.acceptability`)."""
    s = view.sens
    assert s is not None
    names = view.r.table["name"]
    p = s.p_top_k
    order = np.argsort(-p, kind="stable")
    likely = [(str(names.iloc[i]), float(p[i])) for i in order if p[i] >= 0.5][:30]
    return {
        "s": s,
        "likely": likely,
        "any_range": any(c.range for c in view.c.criteria.values()),
    }
