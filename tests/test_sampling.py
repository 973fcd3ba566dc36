"""Uniform weight sampling: exact marginals, constraint checks, determinism, infeasible input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from scorer.errors import ConfigError
from scorer.solvers.sampling import WeightConstraints, iter_weights, sample_weights, sampling_method

BOUNDED = WeightConstraints(4, lower=[0.1, 0.05, 0.2, 0.0], upper=[0.4, 0.3, 0.6, 0.25])


def ordered_centroid(k: int) -> np.ndarray:
    """Centroid of {w1 >= ... >= wk} on the simplex: w_i = (1/k) sum_{m=i..k} 1/m (its vertices' mean)."""
    return np.array([sum(1.0 / m for m in range(i, k + 1)) / k for i in range(1, k + 1)])


def assert_in_region(w: np.ndarray, c: WeightConstraints) -> None:
    assert w.shape[1] == c.k
    np.testing.assert_allclose(w.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(w >= c.tight_lower - 1e-12)
    assert np.all(w <= c.tight_upper + 1e-12)
    if c.order is not None:
        assert np.all(np.diff(w[:, list(c.order)], axis=1) <= 1e-12)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_unconstrained_marginal_is_beta(k: int) -> None:
    w = sample_weights(WeightConstraints(k), 5000, seed=1)
    assert sampling_method(WeightConstraints(k)) == "dirichlet"
    for i in range(k):
        assert stats.kstest(w[:, i], stats.beta(1, k - 1).cdf).pvalue > 0.01


def test_full_order_is_uniform_on_ordered_simplex() -> None:
    c = WeightConstraints(4, order=(0, 1, 2, 3))
    w = sample_weights(c, 40_000, seed=2)
    assert_in_region(w, c)
    np.testing.assert_allclose(w.mean(axis=0), ordered_centroid(4), atol=0.004)


def test_order_on_some_criteria_matches_rejection_reference() -> None:
    c = WeightConstraints(4, order=(3, 1))
    w = sample_weights(c, 20_000, seed=3)
    assert sampling_method(c) == "ordered"
    assert_in_region(w, c)
    ref = np.random.default_rng(99).dirichlet(np.ones(4), size=60_000)
    ref = ref[ref[:, 3] >= ref[:, 1]]
    np.testing.assert_allclose(w.mean(axis=0), ref.mean(axis=0), atol=0.006)
    for i in range(4):
        assert stats.ks_2samp(w[:, i], ref[:, i]).pvalue > 0.01


def test_hit_and_run_agrees_with_rejection() -> None:
    rej = sample_weights(BOUNDED, 30_000, seed=4, method="rejection")
    har = sample_weights(BOUNDED, 30_000, seed=5, method="hit-and-run")
    assert_in_region(rej, BOUNDED)
    assert_in_region(har, BOUNDED)
    np.testing.assert_allclose(har.mean(axis=0), rej.mean(axis=0), atol=0.004)
    np.testing.assert_allclose(har.std(axis=0), rej.std(axis=0), atol=0.004)


def test_thin_region_uses_hit_and_run_and_stays_inside() -> None:
    c = WeightConstraints(6, lower=[0.3, 0, 0, 0, 0, 0.05], upper=[0.305, 0.2, 0.25, 1, 1, 0.1])
    assert sampling_method(c) == "hit-and-run"
    assert_in_region(sample_weights(c, 3000, seed=6), c)


@pytest.mark.parametrize(
    "c",
    [
        WeightConstraints(3, lower=[0.2, 0.1, 0.1], upper=[0.5, 0.6, 0.4]),
        WeightConstraints(4, lower=[0.25, 0, 0.1, 0], upper=[0.25, 1, 0.4, 1], order=(1, 0, 3)),
        WeightConstraints(5, upper=[0.3] * 5, order=(4, 3, 2, 1, 0)),
        WeightConstraints(10, upper=[0.15] * 10),
        WeightConstraints(3, lower=[0.0, 0.3, 0.0], upper=[0.3, 0.5, 1.0], order=(0, 1)),
    ],
)
def test_every_draw_respects_bounds_and_order(c: WeightConstraints) -> None:
    assert_in_region(sample_weights(c, 2000, seed=7), c)


@pytest.mark.parametrize(
    "c",
    [
        WeightConstraints(3),
        WeightConstraints(3, order=(2, 0, 1)),
        WeightConstraints(3, lower=[0.25, 0.1, 0.2], upper=[0.55, 0.4, 0.5], order=(0, 2, 1)),
        BOUNDED,
        WeightConstraints(10, upper=[0.15] * 10),
    ],
)
def test_same_seed_same_bytes_and_prefix_stable(c: WeightConstraints) -> None:
    a = sample_weights(c, 5000, seed=11)
    assert a.tobytes() == sample_weights(c, 5000, seed=11).tobytes()
    assert not np.array_equal(a, sample_weights(c, 5000, seed=12))
    assert np.array_equal(sample_weights(c, 1234, seed=11), a[:1234])
    chunks = list(iter_weights(c, 5000, seed=11, chunk_size=999))
    assert [len(x) for x in chunks] == [999] * 5 + [5]
    assert np.concatenate(chunks).tobytes() == a.tobytes()


def test_zero_width_bounds_give_fixed_weights() -> None:
    c = WeightConstraints(3, lower=[0.5, 0.3, 0.2], upper=[0.5, 0.3, 0.2])
    assert sampling_method(c) == "fixed"
    w = sample_weights(c, 100, seed=0)
    assert np.array_equal(w, np.tile([0.5, 0.3, 0.2], (100, 1)))


def test_one_pinned_weight_leaves_the_rest_uniform() -> None:
    c = WeightConstraints(4, lower=[0.0, 0.4, 0.0, 0.0], upper=[1.0, 0.4, 1.0, 1.0])
    w = sample_weights(c, 5000, seed=8)
    assert sampling_method(c) == "dirichlet"
    assert np.all(w[:, 1] == 0.4)
    assert stats.kstest(w[:, 0] / 0.6, stats.beta(1, 2).cdf).pvalue > 0.01


def test_region_forced_flat_by_order_and_bounds() -> None:
    # w0 <= 0.3 <= w1 and w0 >= w1 force w0 = w1 = 0.3; w2 + w3 = 0.4 is a segment.
    c = WeightConstraints(4, lower=[0, 0.3, 0, 0], upper=[0.3, 1, 1, 1], order=(0, 1))
    w = sample_weights(c, 4000, seed=9)
    assert sampling_method(c) == "hit-and-run"
    np.testing.assert_allclose(w[:, :2], 0.3, atol=1e-9)
    assert stats.kstest(w[:, 2] / 0.4, "uniform").pvalue > 0.01


def test_fixed_point_from_order_and_bounds() -> None:
    c = WeightConstraints(3, lower=[0.0, 0.3, 0.0], upper=[0.3, 0.5, 0.4], order=(0, 1))
    assert sampling_method(c) == "fixed"
    np.testing.assert_allclose(sample_weights(c, 3, seed=0), [[0.3, 0.3, 0.4]] * 3, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(
    lower=st.lists(st.floats(0, 0.3), min_size=3, max_size=5),
    width=st.floats(0.05, 1.0),
    ordered=st.booleans(),
)
def test_random_feasible_bounds_are_respected(lower: list[float], width: float, ordered: bool) -> None:
    k = len(lower)
    lo = np.array(lower) * 0.9 / max(1.0, sum(lower))
    hi = np.minimum(lo + width, 1.0)
    if hi.sum() < 1:
        hi = np.minimum(lo + (1 - lo.sum()), 1.0)
    try:
        c = WeightConstraints(k, lower=lo, upper=hi, order=tuple(range(k)) if ordered else None)
    except ConfigError:
        return
    assert_in_region(sample_weights(c, 300, seed=1), c)


def test_infeasible_sums_are_reported_together() -> None:
    with pytest.raises(ConfigError) as err:
        WeightConstraints(3, lower=[0.5, 0.4, 0.3], upper=[0.2, 0.5, 0.6])
    assert err.value.lines() == [
        "weights.criterion 0: lower bound should be <= the upper bound, but it is 0.5 > 0.2",
        "weights.lower: the lower bounds should sum to at most 1, but they sum to 1.2",
    ]


def test_upper_bounds_too_small() -> None:
    with pytest.raises(ConfigError) as err:
        WeightConstraints(2, upper=[0.3, 0.4], names=("engagement", "interest"))
    assert err.value.lines() == ["weights.upper: the upper bounds should sum to at least 1, but they sum to 0.7"]


def test_order_incompatible_with_bounds() -> None:
    with pytest.raises(ConfigError) as err:
        WeightConstraints(2, upper=[0.4, 1.0], order=(0, 1), names=("engagement", "interest"))
    assert err.value.lines() == [
        "weights.order: the bounds and the weight order should leave at least one weight vector, "
        "but none meets both (widen the bounds or change the order)"
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"order": (0, 3)}, "weights.order: should hold indices from 0 to 2, but it holds 3"),
        ({"order": (1, 1)}, "weights.order: should name each criterion once, but it is [1, 1]"),
        ({"lower": [0.1, 0.2]}, "weights.lower: should have one bound per criterion (3), but it has 2"),
        ({"upper": [1.5, 1, 1]}, "weights.criterion 0: upper bound should be between 0 and 1, but it is 1.5"),
    ],
)
def test_malformed_constraints(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as err:
        WeightConstraints(3, **kwargs)  # type: ignore[arg-type]
    assert err.value.lines() == [message]


def test_bad_draw_count_and_method() -> None:
    with pytest.raises(ConfigError) as err:
        sample_weights(WeightConstraints(3), -1, seed=0)
    assert err.value.lines() == ["draws: should be an integer >= 0, but it is -1"]
    with pytest.raises(ConfigError) as err:
        sample_weights(WeightConstraints(3), 5, seed=0, method="rejection")
    assert err.value.lines() == ["method: should be 'auto' when no bound cuts the simplex, but it is 'rejection'"]
    assert sample_weights(WeightConstraints(3), 0, seed=0).shape == (0, 3)


def test_order_feasibility_without_an_lp_agrees_with_the_lp() -> None:
    from scorer.solvers.sampling import _chebyshev, _inequalities
    from scorer.solvers.weight_region import _order_feasible

    rng = np.random.default_rng(7)
    seen = {True: 0, False: 0}
    for _ in range(300):
        k = int(rng.integers(2, 6))
        lower = np.round(rng.random(k) * 0.5 * rng.integers(0, 2, k), 2)
        upper = np.minimum(np.round(lower + rng.random(k) * 0.8, 2), 1.0)
        order = tuple(int(x) for x in rng.permutation(k)[: int(rng.integers(2, k + 1))])
        feasible = _order_feasible(lower, upper, order)
        assert feasible == (_chebyshev(*_inequalities(k, lower, upper, order)) is not None)
        seen[feasible] += 1
    assert min(seen.values()) > 20  # both answers were tried


def test_draws_by_columns_are_the_bits_of_normalised_sorted_rows() -> None:
    # The exact sampler works on contiguous columns (running sums, sorting networks); its numbers must stay
    # those of e / e.sum(axis=1) with the ordered criteria sorted, for every k and order width.
    from scorer.solvers.sampling import _Exact

    rng = np.random.default_rng(3)
    for k in range(2, 10):
        for width in {0, 1, 2, min(k, 3), min(k, 4), min(k, 5), k}:
            order = tuple(int(c) for c in rng.permutation(k)[:width]) if width else None
            seed = int(rng.integers(1 << 30))
            got = _Exact(k, order).draw(np.random.default_rng(seed), 3000)
            e = np.random.default_rng(seed).standard_exponential((3000, k))
            want = e / e.sum(axis=1, keepdims=True)
            if order:
                want[:, list(order)] = -np.sort(-want[:, list(order)], axis=1)
            assert np.array_equal(got, want), (k, order)


def test_rejection_keeps_the_rows_of_the_row_formula_within_the_bounds() -> None:
    from scorer.solvers.sampling import TOL, _make_sampler

    c = WeightConstraints(3, lower=[0.25, 0.1, 0.2], upper=[0.55, 0.4, 0.5], order=(0, 2, 1))
    got = sample_weights(c, 2000, seed=11, method="rejection")
    batch = _make_sampler(c, "rejection").batch  # type: ignore[attr-defined]
    rng = np.random.default_rng(11)
    rows = []
    while sum(map(len, rows)) < 2000:
        e = rng.standard_exponential((batch, 3))
        w = e / e.sum(axis=1, keepdims=True)
        w[:, [0, 2, 1]] = -np.sort(-w[:, [0, 2, 1]], axis=1)
        rows.append(w[np.all((w >= c.lower - TOL) & (w <= c.upper + TOL), axis=1)])
    assert np.array_equal(got, np.concatenate(rows)[:2000])


def test_a_triangle_of_three_weights_is_drawn_uniformly() -> None:
    # w0 >= 0.5 leaves the triangle (0.5, 0, 0.5), (1, 0, 0), (0.5, 0.5, 0): uniform draws average to its
    # centroid (2/3, 1/6, 1/6), and w1 = 0.5 - (w0 - 0.5) * t has P(w1 <= y) = 1 - (1 - 2y)^2 on [0, 0.5].
    c = WeightConstraints(3, lower=[0.5, 0, 0])
    assert sampling_method(c) == "polygon"
    w = sample_weights(c, 100_000, seed=3)
    assert_in_region(w, c)
    np.testing.assert_allclose(w.mean(axis=0), [2 / 3, 1 / 6, 1 / 6], atol=0.002)
    assert stats.kstest(w[:, 1], lambda y: 1 - (1 - 2 * np.clip(y, 0, 0.5)) ** 2).pvalue > 0.01


@pytest.mark.parametrize(
    "c",
    [
        WeightConstraints(3, lower=[0.25, 0.1, 0.2], upper=[0.55, 0.4, 0.5], order=(0, 2, 1)),
        WeightConstraints(3, lower=[0.3, 0.3, 0.3], upper=[0.33, 0.36, 0.4]),  # 0.6% of the simplex
        WeightConstraints(2, lower=[0.1, 0.3], upper=[0.6, 1.0], order=(1, 0)),
        WeightConstraints(4, lower=[0.1, 0.25, 0.2, 0.1], upper=[0.5, 0.25, 0.6, 0.3]),  # one pinned: three free
    ],
)
def test_two_or_three_free_weights_are_drawn_from_their_polygon_as_rejection_does(c: WeightConstraints) -> None:
    assert sampling_method(c) == "polygon"
    exact = sample_weights(c, 40_000, seed=4)
    kept = sample_weights(c, 40_000, seed=5, method="rejection")
    assert_in_region(exact, c)
    np.testing.assert_allclose(exact.mean(axis=0), kept.mean(axis=0), atol=0.003)
    np.testing.assert_allclose(exact.std(axis=0), kept.std(axis=0), atol=0.003)
    for j in range(c.k):
        if np.ptp(exact[:, j]) > 0:
            assert stats.ks_2samp(exact[:, j], kept[:, j]).pvalue > 0.001
