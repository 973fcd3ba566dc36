"""The whole committee workflow: weights, each stakeholder's ranking, consensus, disagreement and the hull.

:func:`weigh_committee` is what ``unct-scorer weights`` runs and what a Python
user calls: it takes the stakeholders' weights (an :class:`Elicitation`), the
country sheet and the criteria, and returns one :class:`CommitteeReport`, whose
``lines()``, ``tables()`` and ``to_dict()`` are the terminal text, the
spreadsheet/Markdown tables and the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scorer.core.result import ScoreResult
from scorer.elicitation.base import WeightResult
from scorer.elicitation.group import GroupAnalysis, analyse_group, stakeholder_scorer, weight_matrix
from scorer.elicitation.hull import HULL_DESCRIPTION, hull_acceptability
from scorer.elicitation.workflow import Elicitation
from scorer.model.criteria import Aggregation, Criteria

DEFAULT_HULL_DRAWS = 10_000


def _share(p: float) -> str:
    """A probability strictly between 0 and 1 never printed as 0.00 or 1.00.

    >>> _share(0.9996), _share(0.0004), _share(0.25)
    ('>0.99', '<0.01', '0.25')
    """
    if p >= 0.995:
        return ">0.99"
    if p < 0.005:
        return "<0.01"
    return f"{p:.2f}"


@dataclass(frozen=True)
class HullReport:
    """P(top K) for each country over weights drawn from the stakeholders' hull (:mod:`scorer.elicitation.hull`)."""

    draws: int
    seed: int
    top_k: int
    summary: pd.DataFrame

    def lines(self) -> list[str]:
        p = self.summary["p_top_k"]
        names = self.summary["name"]
        always = [f"{names[i]} ({i})" for i in p.index[p >= 1.0]]
        shares = {i: _share(float(p[i])) for i in p.index[(p > 0) & (p < 1)]}
        some = [f"{names[i]} ({i}) p{'' if s[0] in '<>' else '='}{s}" for i, s in shares.items()]  # p>0.99, p=0.25
        return [
            f"Under any weighting between the stakeholders' own ({self.draws:,} draws, seed {self.seed}; "
            f"{HULL_DESCRIPTION}):",
            f"  always in the top {self.top_k} ({len(always)}): {', '.join(always) or 'none'}.",
            f"  sometimes ({len(some)}): {', '.join(some) or 'none'}.",
            f"  never: {int((p <= 0).sum())} countries.",
        ]


def hull_report(
    result: ScoreResult, people: dict[str, WeightResult], *, draws: int, seed: int, top_k: int
) -> HullReport:
    """SMAA over the stakeholders' hull on the criterion scores of ``result`` (weighted sum only)."""
    from scorer.analyses.common import weighted_sum_inputs

    ids, values, mask = weighted_sum_inputs(result, "sampling the stakeholders' weights")
    order, w = weight_matrix(people)
    w = w[:, [order.index(c) for c in ids]]
    smaa = hull_acceptability(values, w, draws=draws, seed=seed, top_k=top_k, mask=mask)
    t = result.table
    summary = pd.DataFrame(
        {"name": t["name"].to_numpy(dtype=object), "rank": t["rank"].to_numpy(), "p_top_k": smaa.p_top_k},
        index=pd.Index(t.index, name="id"),
    )
    return HullReport(draws, seed, top_k, summary)


@dataclass(frozen=True)
class CommitteeReport:
    """Everything ``unct-scorer weights`` says: how the weights were obtained and what they change."""

    elicitation: Elicitation
    analysis: GroupAnalysis | None
    hull: HullReport | None
    notes: tuple[str, ...] = ()

    def weights_frame(self) -> pd.DataFrame:
        """One row per stakeholder, then the group (and AHP's AIP), with the consistency ratio for AHP."""
        e = self.elicitation
        rows = [(name, r) for name, r in e.people.items()]
        rows.append(("group" if e.people else f"data ({e.method})", e.group))
        if e.alternative is not None:
            rows.append(("group (AIP)", e.alternative))
        if self.analysis is not None:
            c = self.analysis.weights.loc["compromise"]
            rows.append(
                ("compromise", WeightResult("compromise", e.group.criteria, c.to_numpy(), "minimax compromise"))
            )
        frame = pd.DataFrame([r.as_dict() for _n, r in rows], index=pd.Index([n for n, _r in rows], name="stakeholder"))
        if e.method == "ahp":
            frame["consistency_ratio"] = [r.details.get("consistency_ratio", np.nan) for _n, r in rows]
            frame["consistency_ratio"] = frame["consistency_ratio"].astype(float)
        if self.analysis is not None:
            d = self.analysis.distances
            frame["distance_to_group"] = d["to_group"].reindex(frame.index)
            frame["distance_to_compromise"] = d["to_compromise"].reindex(frame.index)
        return frame

    def headline(self) -> list[str]:
        """What must be read before the weights (objective weights are not priorities)."""
        if self.elicitation.group.describes_data:
            return ["NOTE: objective weights describe the data, not anyone's priorities."]
        return []

    def lines(self) -> list[str]:
        out = list(self.elicitation.lines())
        if self.analysis is not None:
            out += ["", *self.analysis.lines()]
        if self.hull is not None:
            out += ["", *self.hull.lines()]
        out += [f"Note: {n}" for n in self.notes]
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"Weights": self.weights_frame()}
        if self.analysis is not None:
            out["Consensus"] = self.analysis.consensus
            out["Ranks"] = self.analysis.ranks
            out["Disagreement"] = self.analysis.disagreement.rename_axis("stakeholder")
        if self.hull is not None:
            out["Hull"] = self.hull.summary
        return out

    def to_dict(self) -> dict[str, Any]:
        e = self.elicitation
        return {
            "method": e.method,
            "stakeholders": {n: r.to_dict() for n, r in e.people.items()},
            "group": e.group.to_dict(),
            "alternative": None if e.alternative is None else e.alternative.to_dict(),
            "skipped": list(e.skipped),
            "analysis": None if self.analysis is None else self.analysis.to_dict(),
            "hull": None
            if self.hull is None
            else {
                "draws": self.hull.draws,
                "seed": self.hull.seed,
                "description": HULL_DESCRIPTION,
                "p_top_k": {str(k): round(float(v), 6) for k, v in self.hull.summary["p_top_k"].items()},
            },
            "notes": list(self.notes),
        }


def weigh_committee(
    df: pd.DataFrame,
    criteria: Criteria,
    elicitation: Elicitation,
    *,
    top_k: int,
    hull_draws: int = DEFAULT_HULL_DRAWS,
    seed: int = 0,
) -> CommitteeReport:
    """Rank the sheet under every stakeholder's weights and compare (see :func:`analyse_group`).

    ``hull_draws`` > 0 adds P(top K) over weights drawn between the
    stakeholders' own (needs the weighted sum, ``aggregation: arithmetic``).
    """
    score = stakeholder_scorer(df, criteria)
    analysis = analyse_group(elicitation.people, elicitation.group, score, top_k=top_k)
    notes: list[str] = []
    hull = None
    if hull_draws > 0 and len(elicitation.people) > 1:
        if criteria.aggregation is Aggregation.arithmetic:
            base = score(elicitation.group.as_dict())
            hull = hull_report(base, elicitation.people, draws=hull_draws, seed=seed, top_k=top_k)
        else:
            notes.append("the stakeholders' hull is sampled only for aggregation: arithmetic (a weighted sum)")
    return CommitteeReport(elicitation, analysis, hull, tuple(notes))
