"""From several stakeholders' judgements to weights: one call per method, for the CLI and for Python users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from scorer.core.result import ScoreResult
from scorer.elicitation.ahp import ahp_weights, build_matrix, group_ahp
from scorer.elicitation.base import WeightResult, check_ids
from scorer.elicitation.direct import points_weights, swing_weights
from scorer.elicitation.group import Aggregate, aggregate_weights
from scorer.elicitation.objective import ObjectiveMethod, objective_weights
from scorer.elicitation.rank_order import RankMethod, rank_weights
from scorer.errors import ConfigError, Problem

PeopleMethod = Literal["ahp", "swing", "points", "rank"]
PEOPLE_METHODS: tuple[str, ...] = ("ahp", "swing", "points", "rank")


@dataclass(frozen=True)
class Judgements:
    """What one stakeholder said, in every form the workbook asks for (any may be empty).

    ``pairwise`` maps ``(a, b)`` to "a is this many times as important as b";
    ``swing`` and ``points`` map criterion ids to points; ``ranks`` to ranks
    (1 = most important). ``source`` says where they were read (file and sheet).
    """

    name: str
    source: str = ""
    pairwise: Mapping[tuple[str, str], float] = field(default_factory=dict)
    swing: Mapping[str, float] = field(default_factory=dict)
    points: Mapping[str, float] = field(default_factory=dict)
    ranks: Mapping[str, float] = field(default_factory=dict)

    def gave(self, method: str) -> bool:
        """Whether this stakeholder gave any judgement of ``method``."""
        return bool({"ahp": self.pairwise, "swing": self.swing, "points": self.points, "rank": self.ranks}[method])


@dataclass(frozen=True)
class Elicitation:
    """Every stakeholder's weights by one method, and the group's.

    ``alternative`` is the other AHP aggregation (AIP, beside the AIJ ``group``).
    ``skipped`` names the stakeholders who gave no judgement of this method.
    """

    method: str
    people: dict[str, WeightResult]
    group: WeightResult
    alternative: WeightResult | None = None
    skipped: tuple[str, ...] = ()

    def lines(self) -> list[str]:
        """How the weights were obtained, one line each, with consistency for AHP."""
        out = [f"{name}: {r.description}" for name, r in self.people.items()]
        for name, r in self.people.items():
            for j in r.details.get("most_inconsistent", []):
                out.append(f"  {name}, most inconsistent: {j['text']}")
        out.append(f"Group: {self.group.description}")
        if self.alternative is not None:
            out.append(f"Also: {self.alternative.description}")
        if self.skipped:
            out.append(f"Skipped (no {self.method} judgements): {', '.join(self.skipped)}")
        return out

    def provenance(self) -> dict[str, Any]:
        """What a criteria file records about its weights (plain values, for yaml.safe_dump)."""
        out: dict[str, Any] = {
            "method": self.method,
            "aggregation": self.group.details.get("aggregation", "none"),
            "description": self.group.description,
            "stakeholders": list(self.people),
        }
        crs = {
            n: r.details.get("consistency_ratio") for n, r in self.people.items() if "consistency_ratio" in r.details
        }
        if crs:
            out["consistency_ratios"] = crs
            if "consistency_ratio" in self.group.details:
                out["group_consistency_ratio"] = self.group.details["consistency_ratio"]
        out["stakeholder_weights"] = {
            n: {k: round(v, 6) for k, v in r.as_dict().items()} for n, r in self.people.items()
        }
        if self.group.describes_data:
            out["caveat"] = self.group.details.get("caveat")
        return out


def _one(ids: tuple[str, ...], j: Judgements, method: str, rank_formula: RankMethod) -> WeightResult:
    if method == "swing":
        return swing_weights(ids, j.swing, who=j.name)
    if method == "points":
        return points_weights(ids, j.points, who=j.name)
    return rank_weights(ids, j.ranks, method=rank_formula, who=j.name)


def elicit(
    criteria: Sequence[str],
    judgements: Sequence[Judgements],
    *,
    method: PeopleMethod,
    aggregate: Aggregate = "mean",
    rank_formula: RankMethod = "roc",
    source: str | None = None,
) -> Elicitation:
    """Each stakeholder's weights by ``method``, and the group's.

    AHP combines the judgements (AIJ, the group's weights) and the priorities
    (AIP, ``alternative``) by geometric means; the other methods combine the
    normalised weights by ``aggregate`` (mean or median). Stakeholders who gave
    nothing for ``method`` are skipped (and named); an error names the
    stakeholder and the judgement when one is invalid. ``source`` (the file
    read) locates the error when nobody gave any judgement of ``method``.

    >>> people = [Judgements("x", swing={"a": 100, "b": 50}), Judgements("y", swing={"a": 100, "b": 100})]
    >>> e = elicit(["a", "b"], people, method="swing")
    >>> {k: round(v, 4) for k, v in e.group.as_dict().items()}
    {'a': 0.5833, 'b': 0.4167}
    """
    ids = check_ids(criteria)
    if method not in PEOPLE_METHODS:
        raise ConfigError(
            Problem(
                "config.method", f"should be one of {', '.join(PEOPLE_METHODS)}, but it is {method!r}", key="--method"
            )
        )
    check_ids([j.name for j in judgements], what="stakeholder names")
    given = [j for j in judgements if j.gave(method)]
    skipped = tuple(j.name for j in judgements if not j.gave(method))
    if not given:
        what = {"ahp": "pairwise comparisons", "swing": "swing points", "points": "direct points", "rank": "ranks"}
        raise ConfigError(
            Problem(
                "config.judgement",
                f"should hold {what[method]} (--method {method}) from at least one stakeholder, "
                f"but {'no sheet has any' if judgements else 'there are no stakeholders'}",
                file=source,
            )
        )
    problems: list[Problem] = []
    if method == "ahp":
        matrices, own = {}, {}
        for j in given:
            try:
                matrices[j.name] = build_matrix(ids, j.pairwise)
                own[j.name] = ahp_weights(ids, matrices[j.name], who=j.name)
            except ConfigError as exc:
                problems += [_at(p, j) for p in exc.problems]
        if problems:
            raise ConfigError(problems)
        ahp = group_ahp(ids, matrices, people=own)
        return Elicitation(method, ahp.people, ahp.aij, ahp.aip, skipped)
    people = {}
    for j in given:
        try:
            people[j.name] = _one(ids, j, method, rank_formula)
        except ConfigError as exc:
            problems += [_at(p, j) for p in exc.problems]
    if problems:
        raise ConfigError(problems)
    return Elicitation(method, people, aggregate_weights(people, how=aggregate), None, skipped)


def _at(problem: Problem, j: Judgements) -> Problem:
    """Locate a problem at the stakeholder who caused it: their sheet when known, else their name.

    >>> _at(Problem("c", "is wrong", key="judgements"), Judgements("Ana", source="j.xlsx: sheet 'Ana'")).format()
    "j.xlsx: sheet 'Ana': is wrong"
    >>> _at(Problem("c", "is wrong", key="rank.a"), Judgements("Ana")).format()
    'Ana: rank.a: is wrong'
    """
    key = None if j.source and problem.key == "judgements" else problem.key
    where = j.source or j.name
    return Problem(problem.code, problem.message, file=problem.file or where, key=key, fix=problem.fix)


def data_weights(result: ScoreResult, method: ObjectiveMethod) -> WeightResult:
    """Objective weights of the criterion scores of a scored sheet (blank criterion = NaN).

    >>> from scorer import demo_result
    >>> data_weights(demo_result(), "stdev").describes_data
    True
    """
    ids = list(result.criterion_scores.columns)
    values = result.criterion_scores.where(result.criterion_mask).to_numpy(dtype=np.float64)
    return objective_weights(ids, values, method)
