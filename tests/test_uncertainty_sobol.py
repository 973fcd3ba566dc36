"""Sobol' estimators (Saltelli 2010 first order, Jansen 1999 total) against analytic indices."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scorer.errors import ConfigError
from scorer.uncertainty.sobol import SobolAccumulator, SobolEstimate, ab_matrices

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin^2 x2 + b x3^4 sin x1, x ~ U(-pi, pi)^3."""
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> tuple[list[float], list[float]]:
    """Analytic S_i and ST_i (Ishigami & Homma 1990; Sobol' & Levitan 1999, section 5).

    V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8,
    V3 = 0, V13 = b^2 pi^8 (1/18 - 1/50); no other interaction.
    """
    pi4, pi8 = math.pi**4, math.pi**8
    v = A**2 / 8 + B * pi4 / 5 + B**2 * pi8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + B * pi4 / 5) ** 2, A**2 / 8, B**2 * pi8 * (1 / 18 - 1 / 50)
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def estimate(
    model,
    groups: list[list[int]],
    dims: int,
    n: int,
    seed: int,
    *,
    low: float = 0.0,
    high: float = 1.0,
    bootstrap: int = 200,
    level: float = 0.95,
    chunk: int = 4096,
) -> SobolEstimate:
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(low, high, (n, dims)), rng.uniform(low, high, (n, dims))
    acc = SobolAccumulator(len(groups), 1, bootstrap=bootstrap, seed=seed)
    for s in range(0, n, chunk):
        ca, cb = a[s : s + chunk], b[s : s + chunk]
        y_ab = np.stack([model(m)[:, None] for m in ab_matrices(ca, cb, groups)])
        acc.add(model(ca)[:, None], model(cb)[:, None], y_ab)
    return acc.result(level=level)


def test_ishigami_analytic_values_are_the_published_ones() -> None:
    # Saltelli et al. (2008), Global Sensitivity Analysis: The Primer, table for a = 7, b = 0.1.
    first, total = ishigami_indices()
    assert np.round(first, 4).tolist() == [0.3139, 0.4424, 0.0]
    assert np.round(total, 4).tolist() == [0.5576, 0.4424, 0.2437]


def test_ishigami_indices_lie_within_their_bootstrap_intervals() -> None:
    est = estimate(ishigami, [[0], [1], [2]], 3, 2**14, seed=20210816, low=-math.pi, high=math.pi)
    first, total = ishigami_indices()
    for i in range(3):
        assert est.first_low[i, 0] <= first[i] <= est.first_high[i, 0], (i, est.first[i, 0])
        assert est.total_low[i, 0] <= total[i] <= est.total_high[i, 0], (i, est.total[i, 0])
        assert abs(est.first[i, 0] - first[i]) < 0.03
        assert abs(est.total[i, 0] - total[i]) < 0.03
    # The intervals say something: narrower than 0.1 each.
    assert np.all(est.first_high - est.first_low < 0.1) and np.all(est.total_high - est.total_low < 0.1)


def test_linear_model_variance_shares_single_and_grouped() -> None:
    # Y = X1 + 2 X2 + 3 X3, X_i ~ U(0, 1) independent: V_i = c_i^2 / 12, so S_i = ST_i = c_i^2 / 14.
    def linear(x: np.ndarray) -> np.ndarray:
        return x[:, 0] + 2 * x[:, 1] + 3 * x[:, 2]

    est = estimate(linear, [[0], [1], [2]], 3, 2**13, seed=3)
    shares = [1 / 14, 4 / 14, 9 / 14]
    for i in range(3):
        assert est.first_low[i, 0] <= shares[i] <= est.first_high[i, 0]
        assert est.total_low[i, 0] <= shares[i] <= est.total_high[i, 0]
    grouped = estimate(linear, [[0, 1], [2]], 3, 2**13, seed=3)
    for i, share in enumerate([5 / 14, 9 / 14]):
        assert grouped.first_low[i, 0] <= share <= grouped.first_high[i, 0]
        assert grouped.total_low[i, 0] <= share <= grouped.total_high[i, 0]


def test_an_unused_factor_has_indices_of_exactly_zero() -> None:
    est = estimate(lambda x: x[:, 0] + x[:, 1] ** 2, [[0], [1], [2]], 3, 1000, seed=1)
    assert est.first[2, 0] == 0.0 and est.total[2, 0] == 0.0
    assert est.first_low[2, 0] == est.first_high[2, 0] == 0.0
    assert est.total_low[2, 0] == est.total_high[2, 0] == 0.0


def test_a_constant_output_has_no_indices_and_pooling_skips_it() -> None:
    acc = SobolAccumulator(1, 2, bootstrap=10, seed=0)
    rng = np.random.default_rng(0)
    a, b = rng.random((100, 1)), rng.random((100, 1))
    y = lambda x: np.column_stack([x[:, 0], np.full(len(x), 3.0)])  # noqa: E731
    acc.add(y(a), y(b), y(b)[None])
    est = acc.result()
    assert np.isnan(est.first[0, 1]) and np.isnan(est.total[0, 1]) and est.variance[1] == 0.0
    assert est.pooled_total[0, 0] == pytest.approx(est.total[0, 0])


def test_same_seed_same_bytes_and_chunking_of_point_estimates() -> None:
    one = estimate(ishigami, [[0], [1], [2]], 3, 2048, seed=5, low=-math.pi, high=math.pi)
    two = estimate(ishigami, [[0], [1], [2]], 3, 2048, seed=5, low=-math.pi, high=math.pi)
    assert one.first_low.tobytes() == two.first_low.tobytes()
    chunked = estimate(ishigami, [[0], [1], [2]], 3, 2048, seed=5, low=-math.pi, high=math.pi, chunk=256)
    np.testing.assert_allclose(chunked.first, one.first, rtol=1e-12)
    np.testing.assert_allclose(chunked.total, one.total, rtol=1e-12)


def test_bad_settings_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"bootstrap: should be an integer >= 0, but it is -1"):
        SobolAccumulator(1, 1, bootstrap=-1)
    acc = SobolAccumulator(1, 1, bootstrap=0)
    acc.add(np.zeros((2, 1)), np.ones((2, 1)), np.ones((1, 2, 1)))
    with pytest.raises(ConfigError, match=r"level: should be between 0 and 1, but it is 1.5"):
        acc.result(level=1.5)
    assert np.isnan(acc.result().first_low).all()


@pytest.mark.slow
def test_ishigami_interval_coverage_is_near_its_level() -> None:
    first, total = ishigami_indices()
    hits, count = 0, 0
    for seed in range(40):
        est = estimate(ishigami, [[0], [1], [2]], 3, 4096, seed=seed, low=-math.pi, high=math.pi)
        for i in range(3):
            if i == 2:
                continue  # S3 = 0 sits on the edge of the estimator's support
            hits += est.first_low[i, 0] <= first[i] <= est.first_high[i, 0]
            hits += est.total_low[i, 0] <= total[i] <= est.total_high[i, 0]
            count += 2
    assert hits / count >= 0.85
