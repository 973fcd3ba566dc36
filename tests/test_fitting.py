"""Weights fitted to past decisions: recovery of known weights, contradictions, constraints, errors."""

from __future__ import annotations

import numpy as np
import pytest

from scorer.errors import DataError
from scorer.solvers.fitting import OBJECTIVE_EXACT, OBJECTIVE_SURROGATE, decision_pairs, fit_weights
from scorer.solvers.sampling import WeightConstraints


@pytest.mark.parametrize("seed", range(5))
def test_recovers_the_weights_behind_the_decisions(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.random((100, 3))
    true = np.array([0.5, 0.3, 0.2])
    joined = np.zeros(100, dtype=bool)
    joined[np.argsort(-(values @ true))[:20]] = True
    fit = fit_weights(values, joined=joined)
    assert fit.n_decisions == 20 * 80
    assert fit.reproduced_share == 1.0
    assert fit.country_reproduced is not None and fit.country_reproduced.all()
    assert np.abs(fit.weights - true).max() < 0.1
    assert fit.margin > 0
    np.testing.assert_allclose(fit.weights.sum(), 1.0)


def test_contradictory_decisions_are_reported() -> None:
    values = [[0.9, 0.1], [0.1, 0.9], [0.5, 0.4]]
    fit = fit_weights(values, pairs=[[0, 1], [1, 0], [0, 2]])
    assert fit.n_reproduced == 2
    assert fit.reproduced[2]
    assert fit.reproduced[0] != fit.reproduced[1]
    assert fit.margin > 0  # the broken decision does not cost the others their margin


def test_identical_countries_cannot_be_separated_but_do_not_block_the_rest() -> None:
    values = np.array([[0.9, 0.2], [0.3, 0.3], [0.3, 0.3], [0.1, 0.6]])
    fit = fit_weights(values, joined=np.array([True, True, False, False]))
    pairs = fit.pairs.tolist()
    assert not fit.reproduced[pairs.index([1, 2])]
    assert fit.n_reproduced == 3
    assert fit.margin > 0
    assert fit.country_reproduced is not None
    assert fit.country_reproduced.tolist() == [True, False, False, True]


def test_fitted_weights_respect_bounds_and_order() -> None:
    rng = np.random.default_rng(7)
    values = rng.random((30, 4))
    joined = values[:, 3] > 0.6  # explained by the last criterion alone
    c = WeightConstraints(4, lower=[0.1, 0.0, 0.0, 0.0], upper=[0.6, 0.6, 0.6, 0.35], order=(0, 1, 2))
    fit = fit_weights(values, joined=joined, constraints=c)
    w = fit.weights
    assert np.all(w >= c.tight_lower - 1e-9) and np.all(w <= c.tight_upper + 1e-9)
    assert w[0] >= w[1] - 1e-9 and w[1] >= w[2] - 1e-9
    assert fit.n_reproduced < fit.n_decisions  # the bounds stop it from using criterion 3 alone


def test_reproduced_is_read_from_scores() -> None:
    rng = np.random.default_rng(3)
    values = rng.random((15, 3))
    fit = fit_weights(values, pairs=[[0, 1], [2, 3], [4, 5], [6, 7]])
    gaps = (values[fit.pairs[:, 0]] - values[fit.pairs[:, 1]]) @ fit.weights
    np.testing.assert_allclose(fit.gaps, gaps)
    assert np.array_equal(fit.reproduced, gaps > 1e-9)


def test_decision_pairs() -> None:
    assert decision_pairs(np.array([False, True, True, False])).tolist() == [[1, 0], [1, 3], [2, 0], [2, 3]]


@pytest.mark.parametrize(
    ("kwargs", "line"),
    [
        ({}, "should give joined or pairs (one of them), but it gives both or none"),
        (
            {"joined": np.array([True, True, True])},
            "joined should mark some countries joined and some not, but it marks 3 of 3",
        ),
        (
            {"joined": np.array([1, 0, 1])},
            "joined should be one true/false per country (3), but it has dtype int64 and shape (3,)",
        ),
        (
            {"pairs": [[0, 3]]},
            "each pair should name two different countries from 0 to 2, but pair 0 is [0, 3]",
        ),
        (
            {"pairs": [[1, 1], [0, 2]]},
            "each pair should name two different countries from 0 to 2, but pair 0 is [1, 1]",
        ),
    ],
)
def test_bad_decisions(kwargs: dict[str, object], line: str) -> None:
    with pytest.raises(DataError) as err:
        fit_weights([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], **kwargs)  # type: ignore[arg-type]
    assert err.value.lines() == [line]


def _noisy(seed: int, n: int = 60, k: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random criterion scores, "file" weights, and joins decided on the weighted sum plus noise."""
    file_weights = np.array([0.4, 0.25, 0.35])[:k]
    file_weights = file_weights / file_weights.sum()
    rng = np.random.default_rng(seed)
    values = rng.uniform(0, 1, (n, k))
    noisy = values @ file_weights + rng.normal(0, 0.08, n)
    joined = np.zeros(n, dtype=bool)
    joined[np.argsort(-noisy)[: n * 5 // 12]] = True
    return values, joined, file_weights


def _count(values: np.ndarray, pairs: np.ndarray, weights: np.ndarray) -> int:
    return int(((values[pairs[:, 0]] - values[pairs[:, 1]]) @ weights > 1e-9).sum())


def test_exact_fit_reproduces_more_decisions_than_the_files_weights_where_the_surrogate_did_not() -> None:
    # issue 10, defect 6: the summed-shortfall LP reproduced 841 of 1,050 pairs, the "file" weights 842
    values, joined, file_weights = _noisy(34)
    surrogate = fit_weights(values, joined=joined, node_limit=0)
    exact = fit_weights(values, joined=joined)
    before = _count(values, exact.pairs, file_weights)
    assert (surrogate.n_reproduced, before, exact.n_reproduced) == (841, 842, 845)
    assert exact.search.objective == OBJECTIVE_EXACT and exact.search.proven and exact.search.gap == 0
    assert surrogate.search.objective == OBJECTIVE_SURROGATE and surrogate.search.gap is None
    assert exact.margin > 0


def test_exact_fit_equals_brute_force_over_every_cell_for_two_criteria() -> None:
    # with two criteria, w = (t, 1 - t): each decision flips at one t, so the count is constant between flips
    for seed in range(6):
        values, joined, _ = _noisy(seed, n=40, k=2)
        fit = fit_weights(values, joined=joined)
        d = values[fit.pairs[:, 0]] - values[fit.pairs[:, 1]]
        slope = d[:, 0] - d[:, 1]
        roots = np.sort(-d[:, 1][slope != 0] / slope[slope != 0])
        cuts = np.unique(np.concatenate([[0.0, 1.0], roots[(roots > 0) & (roots < 1)]]))
        probes = np.concatenate([cuts, (cuts[1:] + cuts[:-1]) / 2])
        best = max(int((d @ np.array([t, 1 - t]) > 1e-9).sum()) for t in probes)
        assert fit.search.proven
        assert fit.n_reproduced == best, seed


@pytest.mark.slow  # two mixed-integer solves stopped by a node limit: several seconds
def test_a_node_limit_states_the_optimality_gap_and_gives_the_same_answer_twice() -> None:
    values, joined, _ = _noisy(21)
    first = fit_weights(values, joined=joined, node_limit=5)
    again = fit_weights(values, joined=joined, node_limit=5)
    assert first.weights.tolist() == again.weights.tolist()
    search = first.search
    assert not search.proven and search.nodes <= 5 and search.bound is not None
    assert (
        search.bound
        >= search.found
        == first.n_reproduced
        >= fit_weights(values, joined=joined, node_limit=0).n_reproduced
    )
    assert f"up to {search.gap:,} more decisions (optimality gap)" in search.words()
