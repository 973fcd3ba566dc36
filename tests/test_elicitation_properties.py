"""Properties of the weighting methods (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.elicitation.ahp import ahp_weights, build_matrix, llsm_weights
from scorer.elicitation.rank_order import position_weights

weights = st.lists(st.floats(min_value=0.05, max_value=1.0), min_size=2, max_size=7).map(lambda v: np.array(v) / sum(v))


@settings(deadline=None)
@given(weights)
def test_consistent_matrix_gives_back_its_weights(w: np.ndarray) -> None:
    a = w[:, None] / w[None, :]
    r = ahp_weights([f"c{i}" for i in range(len(w))], a)
    assert np.allclose(r.weights, w, atol=1e-9)
    assert abs(r.details["consistency_index"]) < 1e-9


def noisy_reciprocal(w: np.ndarray, seed: int) -> np.ndarray:
    """w_i / w_j times log-normal noise above the diagonal, the reciprocals below."""
    n = len(w)
    noise = np.exp(np.random.default_rng(seed).normal(0, 0.3, (n, n)))
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = w[i] / w[j] * noise[i, j]
            a[j, i] = 1 / a[i, j]
    return a


@settings(deadline=None)
@given(weights, st.permutations(range(7)), st.integers(0, 1000))
def test_relabelling_criteria_permutes_the_weights(w: np.ndarray, order: list[int], seed: int) -> None:
    a = noisy_reciprocal(w, seed)
    perm = [p for p in order if p < len(w)]
    ids = [f"c{i}" for i in range(len(w))]
    base = ahp_weights(ids, a).weights
    moved = ahp_weights([ids[p] for p in perm], a[np.ix_(perm, perm)]).weights
    assert np.allclose(moved, base[perm], atol=1e-9)
    assert np.allclose(llsm_weights(a[np.ix_(perm, perm)]), llsm_weights(a)[perm], atol=1e-9)


@given(st.integers(min_value=1, max_value=30))
def test_rank_weights_sum_to_one_and_decrease(n: int) -> None:
    for method in ("roc", "rank-sum", "rank-reciprocal"):
        w = position_weights(n, method)  # type: ignore[arg-type]
        assert abs(w.sum() - 1) < 1e-12 and np.all(np.diff(w) < 0 if n > 1 else True)


@settings(deadline=None)
@given(st.dictionaries(st.sampled_from([("a", "b"), ("a", "c"), ("b", "c")]), st.sampled_from([1 / 9, 1 / 3, 1, 3, 9])))
def test_any_connected_judgements_give_weights_on_the_simplex(pairs: dict[tuple[str, str], float]) -> None:
    if len(pairs) < 2:
        return  # fewer than 2 pairs cannot link 3 criteria
    r = ahp_weights("abc", build_matrix("abc", pairs))
    assert abs(r.weights.sum() - 1) < 1e-12 and np.all(r.weights > 0)
