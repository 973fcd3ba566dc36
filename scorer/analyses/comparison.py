"""Comparing rankings: several criteria profiles scored on the same sheet.

Pure functions on ScoreResults: rank shifts per country, Kendall's tau and
Spearman's rho between each pair of profiles, top-K overlap, and the
countries entering or leaving each tier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.errors import ScoringError

NOT_RANKED = "(not ranked)"


@dataclass(frozen=True)
class Comparison:
    """Side-by-side view of several profiles on the same countries."""

    ranks: pd.DataFrame
    pairs: pd.DataFrame
    tier_changes: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each pair's agreement, the tier changes, every country's ranks (``--format json``)."""
        import json

        return {
            "pairs": json.loads(self.pairs.to_json(orient="records", double_precision=15)),
            "tier_changes": json.loads(self.tier_changes.to_json(orient="records")),
            "ranks": json.loads(self.ranks.reset_index().to_json(orient="records")),
        }


def compare_results(results: Mapping[str, ScoreResult], *, top_k: int = 15) -> Comparison:
    """Compare rankings of the same countries under several profiles.

    ``ranks`` has one rank column per profile (countries ranked by all), a
    ``shift`` column (rank in the last profile minus rank in the first;
    negative = moves up) and ``max_shift``. ``pairs`` has Kendall's tau-b,
    Spearman's rho and the top-K overlap for each pair of profiles.
    ``tier_changes`` lists every country whose tier differs from the first
    profile's, a country one profile excludes showing as ``(not ranked)``
    there. Rank columns, shifts and the correlations cover the countries
    every profile ranks.

    >>> from scorer import demo_result
    >>> r = demo_result()
    >>> c = compare_results({"a": r, "b": r}, top_k=10)
    >>> pair = c.pairs.iloc[0]
    >>> float(pair["kendall_tau"]), float(pair["spearman_rho"]), int(pair["top_k_overlap"])
    (1.0, 1.0, 10)
    """
    from scipy import stats  # imported here: scipy.stats costs 0.4 s at start-up

    if len(results) < 2:
        raise ScoringError("compare needs at least two criteria profiles")
    names = list(results)
    common = set.intersection(*(set(r.table.index) for r in results.values()))
    if not common:
        raise ScoringError("the profiles have no ranked country in common; check their eligibility rules")
    first = results[names[0]]
    order = [i for i in first.table.index if i in common]
    ranks = pd.DataFrame({"name": first.table.loc[order, "name"]}, index=pd.Index(order, name="id"))
    for name in names:
        ranks[f"rank_{name}"] = results[name].table.loc[order, "rank"].to_numpy()
    rank_cols = [f"rank_{n}" for n in names]
    ranks["shift"] = ranks[rank_cols[-1]] - ranks[rank_cols[0]]
    ranks["max_shift"] = ranks[rank_cols].max(axis=1) - ranks[rank_cols].min(axis=1)

    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ra, rb = ranks[f"rank_{a}"], ranks[f"rank_{b}"]
            # undefined (and a scipy warning on the terminal) when either ranking is constant
            defined = ra.nunique() > 1 and rb.nunique() > 1
            tau = stats.kendalltau(ra, rb).statistic if defined else float("nan")
            rho = stats.spearmanr(ra, rb).statistic if defined else float("nan")
            # each profile's own top K: a country the other profile excludes is still only in this one's
            top_a = set(results[a].table.index[:top_k])
            top_b = set(results[b].table.index[:top_k])
            rows.append(
                {
                    "profile_a": a,
                    "profile_b": b,
                    "kendall_tau": float(tau),
                    "spearman_rho": float(rho),
                    "top_k_overlap": len(top_a & top_b),
                    "only_in_a": ", ".join(sorted(top_a - top_b)),
                    "only_in_b": ", ".join(sorted(top_b - top_a)),
                }
            )
    changes = []
    everyone = list(dict.fromkeys(i for r in results.values() for i in r.table.index))
    names_of = {i: n for r in reversed(list(results.values())) for i, n in r.table["name"].items()}
    base_tiers = first.table["tier"].reindex(everyone).fillna(NOT_RANKED)
    for name in names[1:]:
        tiers = results[name].table["tier"].reindex(everyone).fillna(NOT_RANKED)
        for ident in everyone:
            if tiers[ident] != base_tiers[ident]:
                changes.append(
                    {
                        "profile": name,
                        "id": ident,
                        "name": names_of[ident],
                        "from_tier": base_tiers[ident],
                        "to_tier": tiers[ident],
                    }
                )
    return Comparison(
        ranks=ranks,
        pairs=pd.DataFrame(rows),
        tier_changes=pd.DataFrame(changes, columns=["profile", "id", "name", "from_tier", "to_tier"]),
    )
