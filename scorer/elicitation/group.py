"""Several stakeholders: their weights combined, their rankings compared, a compromise proposed.

Each stakeholder (a person or a delegation) has weights from one elicitation
method. This module

- combines them (:func:`aggregate_weights`: the mean or the median of the
  normalised weights; AHP judgements combine in :func:`scorer.elicitation.ahp.group_ahp`);
- ranks the countries under each stakeholder's weights, by the one scoring
  function :func:`scorer.pipeline.score_countries` with the weights replaced
  exactly as ``rank -w`` replaces them;
- says which countries are in the top K for every stakeholder, for a majority,
  for a minority, for none, and which pair of stakeholders disagree most and on
  which countries (:func:`analyse_group`);
- proposes a compromise (:func:`compromise_weights`): the weights whose largest
  distance to any stakeholder's is smallest.

Distances between weight vectors are total-variation distances,
``0.5 * sum |w_i - v_i|``: the share of the total weight that would have to move
from some criteria to others to turn one weighting into the other (0 = same,
1 = no criterion in common).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from scorer.core.result import ScoreResult
from scorer.elicitation.base import FloatArray, WeightResult, check_ids, normalise_weights
from scorer.errors import ConfigError, Problem, ScoringError
from scorer.model.criteria import Criteria
from scorer.pipeline import apply_weights, prepare_countries, score_prepared
from scorer.solvers.highs import quietly

Aggregate = Literal["mean", "median"]
Scorer = Callable[[Mapping[str, float]], ScoreResult]


RESERVED = frozenset({"group", "compromise", "name", "id", "stakeholder"})
"""Names a stakeholder cannot have: rows and columns of the committee's tables (ranks by id, weights by stakeholder)."""


def weight_distance(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float:
    """Total-variation distance between two weight vectors (each normalised to sum 1 first).

    >>> weight_distance([0.5, 0.5, 0.0], [0.5, 0.0, 0.5])
    0.5
    """
    x, y = normalise_weights(a), normalise_weights(b)
    return float(0.5 * np.abs(x - y).sum())


def weight_matrix(people: Mapping[str, WeightResult]) -> tuple[tuple[str, ...], FloatArray]:
    """The criterion ids (shared by everyone) and the ``(people, criteria)`` matrix of their weights."""
    if not people:
        raise ConfigError(Problem("config.stakeholders", "should hold at least one stakeholder, but it is empty"))
    first = next(iter(people.values())).criteria
    for name, r in people.items():
        if r.criteria != first:
            raise ConfigError(
                Problem(
                    "config.stakeholders",
                    f"should weigh the criteria {', '.join(first)}, but weighs {', '.join(r.criteria)}",
                    key=name,
                )
            )
    return first, np.stack([r.weights for r in people.values()])


def aggregate_weights(people: Mapping[str, WeightResult], *, how: Aggregate = "mean") -> WeightResult:
    """The group's weights: the mean (or the median, renormalised) of everyone's normalised weights.

    ``ranges`` are the lowest and highest weight anyone gives each criterion;
    ``order`` is kept when every stakeholder gives the same one.

    >>> from scorer.elicitation.direct import points_weights
    >>> people = {"x": points_weights("ab", {"a": 3, "b": 1}), "y": points_weights("ab", {"a": 1, "b": 1})}
    >>> g = aggregate_weights(people)
    >>> g.as_dict(), g.range_dict()
    ({'a': 0.625, 'b': 0.375}, {'a': (0.5, 0.75), 'b': (0.25, 0.5)})
    """
    ids, w = weight_matrix(people)
    if how not in ("mean", "median"):
        raise ConfigError(Problem("config.aggregate", f"should be mean or median, but it is {how!r}", key="aggregate"))
    combined = normalise_weights(w.mean(axis=0) if how == "mean" else np.median(w, axis=0))
    ranges = np.column_stack([w.min(axis=0), w.max(axis=0)])
    orders = {r.order for r in people.values()}
    order = orders.pop() if len(orders) == 1 else None
    methods = sorted({r.method for r in people.values()})
    whose = f"{len(people)} stakeholders'" if len(people) > 1 else "1 stakeholder's"
    description = f"{how} of {whose} normalised {'/'.join(methods)} weights ({', '.join(people)})" + (
        "" if how == "mean" else ", scaled to sum 1"
    )
    return WeightResult(
        methods[0] if len(methods) == 1 else "mixed",
        ids,
        combined,
        description,
        ranges=ranges,
        order=order,
        details={"stakeholders": list(people), "aggregation": how},
    )


def compromise_weights(weights: FloatArray) -> FloatArray:
    """The weights whose largest total-variation distance to any row of ``weights`` is smallest.

    Solved as a linear programme (HiGHS); among the minimax solutions one
    with the smallest total distance is taken. The rows are sorted first, so
    the stakeholders' order cannot change the answer. The compromise is always
    on the weight simplex.

    >>> compromise_weights(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])).round(6).tolist()
    [0.5, 0.5]
    """
    w = np.asarray(weights, dtype=np.float64)
    w = w[np.lexsort(w.T[::-1])]
    m, k = w.shape
    nvar = k + m * k + 1
    cost = np.zeros(nvar)
    cost[-1] = 1.0
    cost[k:-1] = 1.0 / (4 * m * k)  # tie-break: < 1/(2m) per unit, so the minimax value is unchanged
    rows, rhs = [], []
    for s in range(m):
        for i in range(k):
            u = k + s * k + i
            up = np.zeros(nvar)
            up[i], up[u] = 1.0, -1.0
            down = np.zeros(nvar)
            down[i], down[u] = -1.0, -1.0
            rows += [up, down]
            rhs += [w[s, i], -w[s, i]]
        cap = np.zeros(nvar)
        cap[k + s * k : k + (s + 1) * k] = 0.5
        cap[-1] = -1.0
        rows.append(cap)
        rhs.append(0.0)
    eq = np.zeros((1, nvar))
    eq[0, :k] = 1.0
    sol = quietly(
        linprog, cost, A_ub=np.array(rows), b_ub=np.array(rhs), A_eq=eq, b_eq=[1.0], bounds=(0, None), method="highs"
    )
    if not sol.success:  # pragma: no cover - the programme is always feasible and bounded
        raise ScoringError(Problem("scoring.compromise", f"the compromise weights could not be found: {sol.message}"))
    return normalise_weights(np.round(np.clip(sol.x[:k], 0.0, None), 12))


@dataclass(frozen=True)
class GroupAnalysis:
    """Everyone's weights and rankings, the consensus and the disagreements, as tables.

    ``weights``: one row per stakeholder plus ``group`` and ``compromise``;
    ``ranks``: one column per row of ``weights``, indexed by country id, with
    ``name`` first; ``consensus``: per country, how many stakeholders put it in
    their top K and the category (``every``, ``majority``, ``minority``,
    ``none``); ``disagreement``: stakeholder x stakeholder, the number of
    countries in exactly one of the two top Ks; ``distances``: each
    stakeholder's distance to the group and to the compromise weights.
    """

    criteria: tuple[str, ...]
    stakeholders: tuple[str, ...]
    top_k: int
    group: WeightResult
    weights: pd.DataFrame
    ranks: pd.DataFrame
    consensus: pd.DataFrame
    disagreement: pd.DataFrame
    distances: pd.DataFrame
    pair: tuple[str, str] | None
    only_first: tuple[str, ...]
    only_second: tuple[str, ...]

    def in_category(self, category: str) -> list[str]:
        """Country ids of one consensus category, in the group's rank order."""
        c = self.consensus
        return list(c.index[c["consensus"] == category])

    def lines(self) -> list[str]:
        """The answer in words: consensus, the most divided pair, the compromise."""
        k, m = self.top_k, len(self.stakeholders)
        names = self.ranks["name"]

        def shown(ids: Sequence[str]) -> str:
            return ", ".join(f"{names[i]} ({i})" for i in ids) if ids else "none"

        out = [
            f"Top {k} for every stakeholder ({len(self.in_category('every'))}): {shown(self.in_category('every'))}.",
            f"Top {k} for a majority but not all ({len(self.in_category('majority'))}): "
            f"{shown(self.in_category('majority'))}.",
            f"Top {k} for a minority ({len(self.in_category('minority'))}): {shown(self.in_category('minority'))}.",
            f"Top {k} for none of the {m}: {len(self.in_category('none'))} countries.",
        ]
        if self.pair is not None:
            a, b = self.pair
            n = int(self.disagreement.to_numpy()[self.stakeholders.index(a), self.stakeholders.index(b)])
            if n == 0:
                out.append(f"Every pair of stakeholders has the same top {k}.")
            else:
                out.append(
                    f"Most divided: {a} and {b} ({n} countries in only one of their top {k}): "
                    f"only {a}: {shown(self.only_first)}; only {b}: {shown(self.only_second)}."
                )
        d = self.distances["to_compromise"]
        worst = d.idxmax()
        out.append(
            "Compromise weights ("
            + ", ".join(f"{c} {v:.3f}" for c, v in self.weights.loc["compromise", list(self.criteria)].items())
            + f"): at most {d.max():.3f} of the weight moves for anyone ({worst}); "
            f"for the group weights the most is {self.distances['to_group'].max():.3f}."
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON (and the parity test)."""

        def records(frame: pd.DataFrame, index: str) -> list[dict[str, Any]]:
            flat = frame.reset_index().rename(columns={"index": index})
            return [
                {
                    str(k): (
                        round(float(v), 6)
                        if isinstance(v, float | np.floating)
                        else v.item()
                        if isinstance(v, np.generic)
                        else v
                    )
                    for k, v in row.items()
                }
                for row in flat.to_dict("records")
            ]

        return {
            "criteria": list(self.criteria),
            "stakeholders": list(self.stakeholders),
            "top_k": self.top_k,
            "group": self.group.to_dict(),
            "weights": records(self.weights, "stakeholder"),
            "distances": records(self.distances, "stakeholder"),
            "consensus": {cat: self.in_category(cat) for cat in ("every", "majority", "minority", "none")},
            "most_divided": None
            if self.pair is None
            else {"pair": list(self.pair), "only_first": list(self.only_first), "only_second": list(self.only_second)},
            "disagreement": records(self.disagreement, "stakeholder"),
            "ranks": records(self.ranks, "id"),
        }


def stakeholder_scorer(df: pd.DataFrame, criteria: Criteria) -> Scorer:
    """Score ``df`` with the criteria's weights replaced, as ``rank -w`` does.

    The sheet is read and checked once (:func:`scorer.pipeline.prepare_countries`);
    each weighting is then scored by :func:`scorer.pipeline.score_prepared`
    with the weights replaced by :func:`scorer.pipeline.apply_weights`: the two
    steps :func:`scorer.pipeline.score_countries` runs for ``rank -w``.
    """
    prepared = prepare_countries(df, criteria)

    def score(weights: Mapping[str, float]) -> ScoreResult:
        return score_prepared(prepared, apply_weights(criteria, dict(weights)))

    return score


def analyse_group(
    people: Mapping[str, WeightResult], group: WeightResult, score: Scorer, *, top_k: int
) -> GroupAnalysis:
    """Rank under every stakeholder's, the group's and the compromise weights; compare the top ``top_k``.

    ``score`` maps weights to a :class:`ScoreResult` (:func:`stakeholder_scorer`).
    """
    ids, w = weight_matrix(people)
    check_ids(list(people), what="stakeholders")
    taken = sorted(set(people) & RESERVED)
    if taken:
        raise ConfigError(
            Problem(
                "config.stakeholders",
                f"a stakeholder should not be called {taken[0]!r} (a reserved name), but one is",
                key=taken[0],
            )
        )
    if group.criteria != ids:
        raise ConfigError(
            Problem("config.stakeholders", "the group's criteria should be the stakeholders'", key="group")
        )
    compromise = compromise_weights(w)
    rows = {**{name: r.weights for name, r in people.items()}, "group": group.weights, "compromise": compromise}
    weights = pd.DataFrame(rows, index=list(ids)).T
    results = {name: score(dict(zip(ids, vec.tolist(), strict=True))) for name, vec in rows.items()}
    base = results["group"].table
    columns = {"name": base["name"].to_numpy()}
    columns.update({name: res.table["rank"].reindex(base.index).to_numpy() for name, res in results.items()})
    ranks = pd.DataFrame(columns, index=base.index)  # built at once: 100 stakeholders do not fragment it
    k = int(top_k)
    if not 1 <= k <= len(base):
        raise ConfigError(
            Problem(
                "config.top_k", f"should be from 1 to {len(base)} (the number of countries), but it is {k}", key="--top"
            )
        )
    names = list(people)
    top = ranks[names] <= k
    count = top.sum(axis=1).astype(int)
    m = len(names)
    category = np.select([count == m, count * 2 > m, count > 0], ["every", "majority", "minority"], "none")
    consensus = pd.DataFrame(
        {"name": base["name"], "group_rank": ranks["group"], "n_top_k": count, "consensus": category}
    )
    split = np.zeros((m, m), dtype=np.int64)
    footrule = np.zeros((m, m))
    for i, j in combinations(range(m), 2):
        a, b = names[i], names[j]
        split[i, j] = split[j, i] = int((top[a] ^ top[b]).sum())
        footrule[i, j] = footrule[j, i] = float((ranks[a] - ranks[b]).abs().mean())
    disagreement = pd.DataFrame(split, index=names, columns=names)
    pair: tuple[str, str] | None = None
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()
    if m > 1:
        i, j = min(combinations(range(m), 2), key=lambda p: (-int(split[p]), -round(float(footrule[p]), 9), p))
        pair = (names[i], names[j])
        only_a = tuple(ranks.index[top[pair[0]] & ~top[pair[1]]])
        only_b = tuple(ranks.index[top[pair[1]] & ~top[pair[0]]])
    distances = pd.DataFrame(
        {
            "to_group": [weight_distance(r.weights, group.weights) for r in people.values()],
            "to_compromise": [weight_distance(r.weights, compromise) for r in people.values()],
        },
        index=names,
    )
    return GroupAnalysis(
        ids, tuple(names), k, group, weights, ranks, consensus, disagreement, distances, pair, only_a, only_b
    )
