"""Tests for scorer.selection: the integer program against exhaustive search.

Small random cases (n <= 12) are solved both by the 0-1 program and by
enumerating every subset; they must agree on feasibility, optimal value,
the unconstrained optimum, and the value lost by forcing in the best country
left out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.errors import ConfigError, DataError, ScoringError
from scorer.selection import (
    TIE_RESOLUTION,
    GroupBound,
    SelectionSpec,
    _irreducible_conflict,
    _prepare,
    robust_selection,
    select_countries,
)

LETTERS = list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass
class Case:
    scores: pd.Series
    groups: pd.DataFrame
    costs: pd.Series
    spec: SelectionSpec


def random_case(seed: int) -> Case:
    """A random small selection problem; often feasible, sometimes not."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 13))
    codes = ["".join(c) for c in rng.choice(LETTERS, (n * 3, 3))]
    codes = list(dict.fromkeys(codes))[:n]
    n = len(codes)
    # Integer scores in 30% of cases: many exact ties.
    score = rng.integers(0, 4, n).astype(float) if rng.random() < 0.3 else rng.uniform(0, 1, n)
    scores = pd.Series(score, index=codes)
    cost = rng.integers(1, 11, n).astype(float)
    cost[rng.random(n) < 0.15] = np.nan
    costs = pd.Series(cost, index=codes, name="staff_days")
    region = rng.choice(["Africa", "Asia", "Europe"], n).astype(object)
    ldc = rng.choice(["yes", "no"], n).astype(object)
    ldc[rng.random(n) < 0.1] = None
    groups = pd.DataFrame({"region": region, "ldc": ldc}, index=codes)

    bounds = []
    for column in ("region", "ldc"):
        for value in sorted(groups[column].dropna().unique()):
            if rng.random() < 0.35:
                lo = int(rng.integers(0, 3)) if rng.random() < 0.7 else None
                hi = int(rng.integers(lo or 0, 5)) if rng.random() < 0.5 else None
                if lo is None and hi is None:
                    lo = 1
                bounds.append(GroupBound(column, value, min=lo, max=hi))
    shuffled = list(rng.permutation(codes))
    n_in = int(rng.integers(0, 3)) if rng.random() < 0.3 else 0
    n_out = int(rng.integers(0, 3)) if rng.random() < 0.3 else 0
    include = tuple(shuffled[:n_in])
    exclude = tuple(shuffled[n_in : n_in + n_out])

    which = rng.integers(0, 3)  # capacity only, budget only, both
    capacity = int(rng.integers(0, n + 1)) if which != 1 else None
    budget = float(rng.integers(5, 40)) if which != 0 else None
    net = rng.random() < 0.2
    spec = SelectionSpec(
        capacity=capacity,
        budget=budget,
        cost_column="staff_days",
        default_cost=5.0,
        bounds=tuple(bounds),
        include=include,
        exclude=exclude,
        objective="score-minus-cost" if net else "score",
        cost_weight=0.05 if net else None,
    )
    return Case(scores, groups, costs, spec)


def enumerate_subsets(
    case: Case, *, constrained: bool = True, force: str | None = None
) -> tuple[float, float, set[str]] | None:
    """Exhaustive search: (best value, best tie-break, one best set) or None."""
    spec = case.spec
    codes = sorted(case.scores.index)
    n = len(codes)
    score = case.scores.reindex(codes).to_numpy()
    cost = case.costs.reindex(codes).fillna(spec.default_cost).to_numpy()
    value = score - (spec.cost_weight or 0.0) * cost
    tiebreak = (n - np.arange(n)) / (n * (n + 1) / 2 + 1)
    masks = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    ok = np.ones(len(masks), dtype=bool)
    if spec.capacity is not None:
        ok &= masks.sum(axis=1) <= spec.capacity
    if spec.budget is not None:
        ok &= masks @ cost <= spec.budget + 1e-9
    if constrained:
        groups = case.groups.reindex(codes)
        for b in spec.bounds:
            member = (groups[b.column] == b.value).to_numpy()
            count = masks @ member.astype(int)
            if b.min is not None:
                ok &= count >= b.min
            if b.max is not None:
                ok &= count <= b.max
        for c in spec.include:
            ok &= masks[:, codes.index(c)]
        for c in spec.exclude:
            ok &= ~masks[:, codes.index(c)]
    if force is not None:
        ok &= masks[:, codes.index(force)]
    if not ok.any():
        return None
    totals = masks[ok] @ value
    best = totals.max()
    # Among sets tied on value, the program prefers the largest tie-break sum.
    tied = np.flatnonzero(totals >= best - 1e-12)
    ties = masks[ok][tied] @ tiebreak
    pick = masks[ok][tied[np.argmax(ties)]]
    return float(best), float(ties.max()), {c for c, m in zip(codes, pick, strict=True) if m}


def value_of(case: Case, chosen: set[str]) -> float:
    spec = case.spec
    cost = case.costs.reindex(sorted(chosen)).fillna(spec.default_cost)
    score = case.scores.reindex(sorted(chosen))
    return float(score.sum() - (spec.cost_weight or 0.0) * cost.sum())


def assert_irreducible_conflict(case: Case) -> list[str]:
    """The deletion filter's constraints conflict, and dropping any one resolves it."""
    prep = _prepare(case.scores, case.spec, case.groups, case.costs)
    names = [r.name for r in _irreducible_conflict(prep)]
    assert names

    def holds(kept: list[str]) -> bool:
        bounds = []
        for b in case.spec.bounds:
            lo = b.min if f"{b.name} >= {b.min}" in kept else None
            hi = b.max if f"{b.name} <= {b.max}" in kept else None
            if lo is not None or hi is not None:
                bounds.append(GroupBound(b.column, b.value, lo, hi))
        cap = case.spec.capacity
        budget = case.spec.budget
        sub = Case(
            case.scores,
            case.groups,
            case.costs,
            SelectionSpec(
                capacity=cap if f"capacity <= {cap}" in kept else len(case.scores),
                budget=budget if any(k.startswith("budget") for k in kept) else None,
                default_cost=case.spec.default_cost,
                bounds=tuple(bounds),
                include=tuple(c for c in case.spec.include if f"include {c}" in kept),
                exclude=tuple(c for c in case.spec.exclude if f"exclude {c}" in kept),
            ),
        )
        return enumerate_subsets(sub) is not None

    assert not holds(names)
    for dropped in names:
        assert holds([k for k in names if k != dropped]), dropped
    return names


@pytest.mark.parametrize("seed", range(300))
def test_program_agrees_with_exhaustive_search(seed: int) -> None:
    case = random_case(seed)
    expected = enumerate_subsets(case)
    if expected is None:
        with pytest.raises(ScoringError, match="the request is infeasible: ") as error:
            select_countries(case.scores, case.spec, groups=case.groups, costs=case.costs)
        names = assert_irreducible_conflict(case)
        if "cannot" in str(error.value):  # no counting argument: the filter's set
            assert all(name in str(error.value) for name in names)
        return
    result = select_countries(case.scores, case.spec, groups=case.groups, costs=case.costs)
    best, best_tie, _ = expected
    chosen = set(result.chosen.index)
    scale = max(1.0, float(np.abs(case.scores).max()))
    assert result.total_value == pytest.approx(value_of(case, chosen), abs=1e-12)
    assert result.total_value >= best - TIE_RESOLUTION * scale
    if np.all(case.scores == np.round(case.scores)) and not case.spec.cost_weight:
        # Exact ties: the tie-break decides, and its sum is the best possible.
        assert result.total_value == best
        codes = sorted(case.scores.index)
        n = len(codes)
        tie = sum((n - codes.index(c)) / (n * (n + 1) / 2 + 1) for c in chosen)
        assert tie == pytest.approx(best_tie, abs=1e-12)

    free = enumerate_subsets(case, constrained=False)
    assert free is not None
    assert result.unconstrained_value >= free[0] - TIE_RESOLUTION * scale
    assert result.price_of_balance >= 0
    assert result.price_of_balance == pytest.approx(max(0.0, free[0] - best), abs=TIE_RESOLUTION * scale * 2)

    left = result.best_left_out
    if left is not None:
        assert left.iso3 not in chosen and left.iso3 not in case.spec.exclude
        with_it = enumerate_subsets(case, force=left.iso3)
        if with_it is None:
            assert left.needed_increase == math.inf
        else:
            assert left.needed_increase == pytest.approx(
                max(0.0, result.total_value - with_it[0]),
                abs=TIE_RESOLUTION * scale * 2,
            )


def test_top_n_when_only_a_count_is_given() -> None:
    rng = np.random.default_rng(7)
    for _ in range(30):
        n = int(rng.integers(5, 40))
        codes = [f"C{i:02d}" for i in rng.permutation(n)]
        scores = pd.Series(rng.uniform(0, 1, n), index=codes)
        top = int(rng.integers(0, n + 1))
        result = select_countries(scores, SelectionSpec(capacity=top))
        assert set(result.chosen.index) == set(scores.nlargest(top).index)
        assert list(result.chosen["score"]) == sorted(result.chosen["score"], reverse=True)


def test_ties_go_to_the_earliest_iso3() -> None:
    scores = pd.Series(1.0, index=["ZAF", "KEN", "BRA", "PER", "ARG"])
    result = select_countries(scores, SelectionSpec(capacity=3))
    assert result.iso3 == ("ARG", "BRA", "KEN")
    left = result.best_left_out
    assert left is not None and left.iso3 == "PER" and left.needed_increase == 0
    assert "only the ISO3 tie-break left it out" in left.label


def permuted(case: Case, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    return Case(
        case.scores.iloc[rng.permutation(len(case.scores))],
        case.groups.iloc[rng.permutation(len(case.groups))],
        case.costs.iloc[rng.permutation(len(case.costs))],
        case.spec,
    )


@settings(deadline=None, derandomize=True)
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_permuting_rows_gives_the_same_set(seed: int, perm_seed: int) -> None:
    case = random_case(seed)
    # 0/1 scores: many exact ties, where row order could matter.
    rng = np.random.default_rng(seed)
    case.scores[:] = rng.integers(0, 2, len(case.scores)).astype(float)
    other = permuted(case, perm_seed)
    try:
        a = select_countries(case.scores, case.spec, groups=case.groups, costs=case.costs)
    except ScoringError as error:
        with pytest.raises(ScoringError) as again:
            select_countries(other.scores, other.spec, groups=other.groups, costs=other.costs)
        assert again.value.lines() == error.lines()
        return
    b = select_countries(other.scores, other.spec, groups=other.groups, costs=other.costs)
    pd.testing.assert_frame_equal(a.chosen, b.chosen)
    assert a.binding == b.binding
    assert a.best_left_out == b.best_left_out
    assert a.unconstrained == b.unconstrained


def test_permuting_rows_on_a_162_country_problem() -> None:
    rng = np.random.default_rng(3)
    codes = [f"{a}{b}X" for a, b in itertools.product(LETTERS, LETTERS)][:162]
    scores = pd.Series(np.round(rng.uniform(0, 1, 162), 1), index=codes)  # ties
    groups = pd.DataFrame({"region": rng.choice(list("ABCDEF"), 162)}, index=codes)
    costs = pd.Series(rng.integers(10, 201, 162).astype(float), index=codes)
    spec = SelectionSpec(
        capacity=25,
        budget=2000.0,
        bounds=tuple(GroupBound("region", r, min=3, max=10) for r in "ABCDEF"),
    )
    first = select_countries(scores, spec, groups=groups, costs=costs)
    for seed in range(3):
        p = np.random.default_rng(seed).permutation(162)
        again = select_countries(scores.iloc[p], spec, groups=groups.iloc[p[::-1]], costs=costs.iloc[p])
        assert again.iso3 == first.iso3


def small() -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    codes = ["KEN", "TZA", "NGA", "FRA", "DEU", "PER", "BRA", "IND"]
    scores = pd.Series([0.9, 0.8, 0.75, 0.7, 0.65, 0.5, 0.45, 0.4], index=codes)
    groups = pd.DataFrame(
        {
            "region": [
                "Africa",
                "Africa",
                "Africa",
                "Europe",
                "Europe",
                "Americas",
                "Americas",
                "Asia",
            ],
            "income_group": ["Low", "Low", "Low", "High", "High", "Upper", "Upper", "Low"],
        },
        index=codes,
    )
    costs = pd.Series([50, 60, np.nan, 40, 30, 20, np.nan, 10.0], index=codes)
    return scores, groups, costs


def test_binding_labels_and_price_of_balance() -> None:
    scores, groups, _ = small()
    spec = SelectionSpec(
        capacity=3,
        bounds=(
            GroupBound("region", "Africa", max=1),
            GroupBound("region", "Americas", min=1),
        ),
    )
    result = select_countries(scores, spec, groups=groups)
    assert result.iso3 == ("FRA", "KEN", "PER")
    assert [b.label for b in result.binding] == [
        "capacity <= 3 (binding: 3 chosen)",
        "region=Africa <= 1 (binding: 1 chosen)",
        "region=Americas >= 1 (binding: 1 chosen)",
    ]
    assert result.unconstrained == ("KEN", "NGA", "TZA")
    assert result.price_of_balance == pytest.approx(2.45 - 2.1)
    left = result.best_left_out
    assert left is not None
    assert (left.iso3, left.replaces) == ("TZA", ("KEN",))
    assert left.needed_increase == pytest.approx(0.1)
    assert list(result.chosen.columns) == [
        "score",
        "cost",
        "cost_defaulted",
        "region",
        "income_group",
        "forced",
    ]


def test_blank_costs_take_the_default_and_are_reported() -> None:
    scores, groups, costs = small()
    missing = costs.drop("IND")  # absent counts as blank too
    spec = SelectionSpec(budget=100.0, cost_column="staff_days", default_cost=25.0)
    result = select_countries(scores, spec, groups=groups, costs=missing)
    assert result.defaulted_costs == ("BRA", "IND", "NGA")
    assert result.chosen.loc["NGA", "cost"] == 25.0
    assert bool(result.chosen.loc["NGA", "cost_defaulted"])
    flagged = set(result.chosen.index[result.chosen["cost_defaulted"]])
    assert flagged == set(result.chosen.index) & {"BRA", "IND", "NGA"}
    assert (result.chosen.loc[list(flagged), "cost"] == 25.0).all()
    assert result.total_cost <= 100.0
    assert result.total_cost == result.chosen["cost"].sum()
    assert result.binding[0].constraint == "budget <= 100 staff_days"


def test_blank_costs_without_a_default_are_refused() -> None:
    scores, _, costs = small()
    with pytest.raises(DataError) as error:
        select_countries(scores, SelectionSpec(budget=100.0), costs=costs)
    assert error.value.lines() == [
        "costs: cost should be given for every eligible country, but it is blank "
        "for BRA, NGA (fill them in or set default_cost)"
    ]


def test_cost_column_read_from_groups() -> None:
    scores, groups, costs = small()
    spec = SelectionSpec(budget=60.0, cost_column="staff_days", default_cost=100.0)
    frame = groups.assign(staff_days=costs)
    result = select_countries(scores, spec, groups=frame)
    assert result.total_cost <= 60.0
    assert "staff_days" not in result.chosen.columns


def test_include_and_exclude_are_honoured() -> None:
    scores, groups, _ = small()
    spec = SelectionSpec(capacity=3, include=("IND",), exclude=("KEN", "TZA"))
    result = select_countries(scores, spec, groups=groups)
    assert result.iso3 == ("FRA", "IND", "NGA")
    assert result.chosen["forced"].to_dict() == {
        "NGA": False,
        "FRA": False,
        "IND": True,
    }
    assert result.unconstrained == ("KEN", "NGA", "TZA")
    assert result.best_left_out is not None
    assert result.best_left_out.iso3 == "DEU"  # KEN and TZA are excluded


def test_score_minus_cost_objective() -> None:
    scores, _, costs = small()
    spec = SelectionSpec(
        capacity=8,
        objective="score-minus-cost",
        cost_weight=0.01,
        default_cost=100.0,
    )
    result = select_countries(scores, spec, costs=costs)
    # With room for all, a country is chosen exactly when its net value
    # (score - 0.01 * cost, blank cost 100) is positive: not NGA, not BRA.
    net = scores - 0.01 * costs.fillna(100.0)
    assert set(result.iso3) == set(net[net > 0].index)
    assert {"NGA", "BRA"}.isdisjoint(result.iso3)
    assert result.total_value == pytest.approx(net[net > 0].sum())
    assert result.objective == "score-minus-cost"


def test_capacity_zero_chooses_nobody() -> None:
    scores, _, _ = small()
    result = select_countries(scores, SelectionSpec(capacity=0))
    assert result.chosen.empty and result.total_value == 0
    assert result.best_left_out is not None
    assert result.best_left_out.needed_increase == math.inf


def infeasible_message(spec: SelectionSpec) -> list[str]:
    scores, groups, costs = small()
    with pytest.raises(ScoringError) as error:
        select_countries(scores, spec, groups=groups, costs=costs.fillna(45.0))
    return error.value.lines()


FIX = " (relax or drop one of these constraints)"
FILTER_FIX = " (dropping or relaxing any one of them makes the request feasible)"


def test_infeasible_group_minimums_over_capacity() -> None:
    spec = SelectionSpec(
        capacity=3,
        bounds=(
            GroupBound("region", "Africa", min=2),
            GroupBound("region", "Europe", min=2),
        ),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: region=Africa >= 2 and region=Europe >= 2 "
        "together need 4 UNCTs, but the capacity is 3" + FIX
    ]


def test_infeasible_include_over_capacity_and_budget() -> None:
    spec = SelectionSpec(capacity=1, budget=50.0, include=("KEN", "TZA"))
    assert infeasible_message(spec) == [
        "the request is infeasible: include forces 2 UNCTs (KEN, TZA), but the capacity is 1" + FIX,
        "the request is infeasible: the 2 included countries cost 110, but the budget is 50" + FIX,
    ]


def test_infeasible_group_minimum_over_eligible_countries() -> None:
    spec = SelectionSpec(capacity=5, exclude=("BRA",), bounds=(GroupBound("region", "Americas", min=2),))
    assert infeasible_message(spec) == [
        "the request is infeasible: region=Americas >= 2 needs 2 UNCTs with "
        "region=Americas, but only 1 eligible country has it (1 excluded)" + FIX
    ]


def test_infeasible_minimum_and_maximum_cross() -> None:
    spec = SelectionSpec(
        capacity=5,
        bounds=(
            GroupBound("region", "Africa", min=3),
            GroupBound("region", "Africa", max=2),
        ),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: region=Africa >= 3 and region=Africa <= 2 cross: no count satisfies both" + FIX
    ]


def test_infeasible_include_over_group_maximum() -> None:
    spec = SelectionSpec(
        capacity=5,
        include=("KEN", "TZA"),
        bounds=(GroupBound("region", "Africa", max=1),),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: include forces 2 UNCTs with region=Africa (KEN, TZA), but region=Africa <= 1" + FIX
    ]


def test_infeasible_group_minimums_over_budget() -> None:
    spec = SelectionSpec(
        budget=100.0,
        bounds=(
            GroupBound("region", "Africa", min=2),
            GroupBound("region", "Europe", min=1),
        ),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: region=Africa >= 2 and region=Europe >= 1 "
        "together cost at least 125, but the budget is 100" + FIX
    ]


def test_infeasible_across_columns_found_by_deletion_filter() -> None:
    # Africa and High income never overlap: 2 + 2 > 3, which no single
    # column's count shows.
    spec = SelectionSpec(
        capacity=3,
        exclude=("IND",),
        bounds=(
            GroupBound("region", "Africa", min=2),
            GroupBound("income_group", "High", min=2),
            GroupBound("region", "Americas", max=2),
        ),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: region=Africa >= 2, income_group=High >= 2 "
        "and capacity <= 3 cannot all hold together" + FILTER_FIX
    ]


def test_infeasible_include_budget_and_minimum() -> None:
    # KEN (50) fits the budget, and so do FRA + DEU (70), but not all three.
    spec = SelectionSpec(
        budget=100.0,
        include=("KEN",),
        bounds=(GroupBound("region", "Europe", min=2),),
    )
    assert infeasible_message(spec) == [
        "the request is infeasible: include KEN, region=Europe >= 2 and budget "
        "<= 100 cannot all hold together" + FILTER_FIX
    ]


@pytest.mark.parametrize(
    ("kwargs", "line"),
    [
        ({"capacity": -1}, "capacity: should be a whole number >= 0, but it is -1"),
        ({"capacity": 2.5}, "capacity: should be a whole number >= 0, but it is 2.5"),
        ({"capacity": True}, "capacity: should be a whole number >= 0, but it is True"),
        ({"budget": 0.0}, "budget: should be a number > 0, but it is 0.0"),
        ({}, "selection: capacity or budget should be given, but both are missing"),
        (
            {"capacity": 3, "include": ("KEN",), "exclude": ("KEN",)},
            "include: include and exclude should not share a country, but both name KEN",
        ),
        (
            {"capacity": 3, "objective": "max"},
            "objective: should be one of 'score', 'score-minus-cost', but it is 'max'",
        ),
        (
            {"capacity": 3, "objective": "score-minus-cost"},
            "cost_weight: should be a number > 0 when objective is 'score-minus-cost', but it is missing",
        ),
        (
            {"capacity": 3, "default_cost": -5.0},
            "default_cost: should be a number >= 0, but it is -5.0",
        ),
    ],
)
def test_spec_validation(kwargs: dict[str, object], line: str) -> None:
    with pytest.raises(ConfigError) as error:
        SelectionSpec(**kwargs)  # type: ignore[arg-type]
    assert error.value.lines() == [line]


def test_group_bound_validation() -> None:
    with pytest.raises(ConfigError) as error:
        GroupBound("region", "Africa", min=4, max=2)
    assert error.value.lines() == ["region=Africa: min should be <= max, but min is 4 and max is 2"]
    with pytest.raises(ConfigError, match="min or max should be given"):
        GroupBound("region", "Africa")


def test_unknown_group_value_lists_the_values_found() -> None:
    scores, groups, _ = small()
    spec = SelectionSpec(capacity=3, bounds=(GroupBound("region", "Afrika", min=1),))
    with pytest.raises(ConfigError) as error:
        select_countries(scores, spec, groups=groups)
    assert error.value.lines() == [
        "bounds[0]: the value should be one found in column "
        "'region' (Africa, Americas, Asia, Europe), but it is 'Afrika'"
    ]


def test_unknown_group_column_and_countries_reported_together() -> None:
    scores, groups, _ = small()
    spec = SelectionSpec(
        capacity=3,
        include=("XXX",),
        exclude=("YYY", "ZZZ"),
        bounds=(GroupBound("continent", "Africa", min=1),),
    )
    with pytest.raises(ConfigError) as error:
        select_countries(scores, spec, groups=groups)
    assert error.value.lines() == [
        "include: should name countries that have a score, but XXX is not among the 8 scored countries",
        "exclude: should name countries that have a score, but YYY, ZZZ are not among the 8 scored countries",
        "bounds[0]: the group column should be one of region, income_group, but it is 'continent'",
    ]


def test_bad_scores_are_refused() -> None:
    scores = pd.Series([0.5, np.nan, 0.2], index=["KEN", "PER", "KEN"])
    with pytest.raises(DataError) as error:
        select_countries(scores, SelectionSpec(capacity=1))
    assert error.value.lines() == [
        "scores: each ISO3 code should appear once, but KEN appears more than once",
        "scores: score should be a number for every eligible country, but it is "
        "blank or infinite for PER (drop ineligible countries before selecting)",
    ]


def test_no_scores_is_refused() -> None:
    with pytest.raises(DataError, match="should hold at least one country"):
        select_countries(pd.Series([], dtype=float), SelectionSpec(capacity=1))


def test_robust_selection_shares() -> None:
    scores, groups, _ = small()
    values = pd.DataFrame(
        {"engagement": scores.to_numpy(), "presence": scores.to_numpy()[::-1]},
        index=scores.index,
    )
    spec = SelectionSpec(capacity=3, bounds=(GroupBound("region", "Africa", max=2),))
    draws = np.random.default_rng(1).dirichlet([1.0, 1.0], size=40)
    share = robust_selection(values, draws, spec, groups=groups)
    assert share.name == "share_selected"
    assert set(share.index) == set(scores.index)
    assert share.sum() == pytest.approx(3.0)  # capacity always filled
    assert list(share) == sorted(share, reverse=True)
    for w in draws[:5]:
        one = select_countries(values @ w, spec, groups=groups)
        single = robust_selection(values, w[None, :], spec, groups=groups)
        assert set(single[single == 1].index) == set(one.iso3)
    by_name = robust_selection(
        values,
        pd.DataFrame(draws[:, ::-1], columns=["presence", "engagement"]),
        spec,
        groups=groups,
    )
    pd.testing.assert_series_equal(by_name, share)


def test_robust_selection_refuses_bad_draws() -> None:
    scores, _, _ = small()
    values = pd.DataFrame({"a": scores, "b": scores})
    spec = SelectionSpec(capacity=2)
    with pytest.raises(ConfigError, match=r"shape \(m, 2\)"):
        robust_selection(values, np.ones((3, 3)), spec)
    with pytest.raises(ConfigError, match="at most 200 rows"):
        robust_selection(values, np.ones((201, 2)), spec)
    with pytest.raises(ScoringError, match="infeasible"):
        robust_selection(values, np.ones((2, 2)), SelectionSpec(capacity=1, include=("KEN", "TZA")))


def test_a_budget_without_costs_names_the_python_parameters() -> None:
    scores = pd.Series({"KEN": 0.9, "TZA": 0.8})
    with pytest.raises(ConfigError) as info:
        select_countries(scores, SelectionSpec(budget=10.0))
    assert str(info.value) == (
        "costs: costs should be given with spec.budget, but they are missing "
        "(pass costs=, or groups= holding the column spec.cost_column names)"
    )


@pytest.mark.parametrize("seed", range(40))
def test_sorting_path_equals_the_integer_program(seed: int) -> None:
    """Capacity and forced countries only: the sorted optimum equals HiGHS's (forced onto it by a slack row)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    codes = [f"U{i:04d}" for i in rng.permutation(n)]
    # Rounded scores in half the cases: many exact ties for the tie-break to settle.
    raw = rng.uniform(-0.2, 1.0, n)
    scores = pd.Series(np.round(raw, 1) if seed % 2 else raw, index=codes)
    include = tuple(rng.choice(codes, int(rng.integers(0, 3)), replace=False))
    exclude = tuple(c for c in rng.choice(codes, int(rng.integers(0, 3)), replace=False) if c not in include)
    capacity = int(rng.integers(len(include), n + 1))
    spec = SelectionSpec(capacity=capacity, include=include, exclude=exclude)
    # A group maximum that never binds sends the same program to HiGHS.
    groups = pd.DataFrame({"all": "x"}, index=codes)
    slack = SelectionSpec(capacity=capacity, include=include, exclude=exclude, bounds=(GroupBound("all", "x", max=n),))
    fast = select_countries(scores, spec, groups=groups)
    solver = select_countries(scores, slack, groups=groups)
    assert fast.iso3 == solver.iso3
    assert fast.unconstrained == solver.unconstrained
    assert fast.best_left_out == solver.best_left_out


@pytest.mark.parametrize("seed", range(30))
def test_leaving_out_dominated_countries_keeps_the_optimum(seed: int) -> None:
    """Groups, a budget and forced countries: the program on the undominated countries equals the whole program."""
    from scorer.selection.program import _candidates, _milp, _solve

    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 120))
    codes = [f"U{i:04d}" for i in range(n)]
    scores = pd.Series(np.round(rng.uniform(0, 1, n), int(rng.integers(1, 4))), index=codes)
    groups = pd.DataFrame({"region": rng.choice(["A", "B", "C"], n), "ldc": rng.choice(["yes", "no"], n)}, index=codes)
    costs = pd.Series(rng.integers(1, 6, n).astype(float), index=codes, name="cost")
    include = tuple(rng.choice(codes, int(rng.integers(0, 3)), replace=False))
    exclude = tuple(c for c in rng.choice(codes, 2, replace=False) if c not in include)
    spec = SelectionSpec(
        capacity=int(rng.integers(3, 12)),
        budget=float(rng.integers(8, 30)) if seed % 3 else None,
        bounds=(GroupBound("region", "A", min=1, max=4), GroupBound("ldc", "yes", min=int(rng.integers(0, 3)))),
        include=include,
        exclude=exclude,
    )
    prep = _prepare(scores, spec, groups, costs)
    values = prep.values(prep.score)
    scale = float(np.max(np.abs(values)))
    c = -(values / (TIE_RESOLUTION * scale) + prep.tiebreak)
    whole = _milp(c, [r.coef for r in prep.rows], prep.rows)
    reduced = _solve(values, prep.rows, prep.tiebreak)
    assert len(_candidates(c, prep.rows)) < n
    if whole is None:
        assert reduced is None
    else:
        assert reduced is not None
        assert float(c @ reduced) == pytest.approx(float(c @ whole), abs=1e-6)
        assert reduced.tolist() == whole.tolist()
