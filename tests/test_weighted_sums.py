"""The batched weighted sum (the sampling loops' kernel) equals the one kernel, ``weighted_sum``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scorer.core.aggregation import weighted_sum, weighted_sums
from scorer.core.ranking import TIE_DECIMALS
from scorer.solvers import rank_counts, smaa


def table(seed: int, n: int, k: int, *, holes: bool) -> tuple[np.ndarray, np.ndarray | None]:
    rng = np.random.default_rng(seed)
    values = rng.random((n, k))
    if not holes:
        return values, None
    mask = rng.random((n, k)) > 0.3
    mask[:, 0] |= ~mask.any(axis=1)
    return np.where(mask, values, 0.0), mask


@pytest.mark.parametrize("holes", [False, True])
def test_many_weight_rows_equal_one_call_per_row(holes: bool) -> None:
    values, mask = table(1, 40, 4, holes=holes)
    weights = np.random.default_rng(2).dirichlet(np.ones(4), size=700)  # > one BLAS block of rows
    many = weighted_sums(weights, values, mask)
    assert many.shape == (700, 40)
    one = np.array([weighted_sum(values, w, mask) for w in weights])
    np.testing.assert_allclose(many, one, rtol=0, atol=1e-15)


def test_a_zero_weight_on_every_available_criterion_scores_zero_as_in_the_kernel() -> None:
    values = np.array([[0.7, 0.0], [0.2, 0.9]])
    mask = np.array([[True, False], [True, True]])
    weights = np.array([[0.0, 1.0], [0.5, 0.5]])
    got = weighted_sums(weights, values, mask)
    assert got.tolist() == [[0.0, 0.9], [0.7, 0.55]]
    np.testing.assert_allclose(got, weighted_sum(values, weights, mask), atol=1e-15)


def test_one_table_per_draw_broadcasts_against_the_weights() -> None:
    values, mask = table(3, 12, 3, holes=True)
    rng = np.random.default_rng(4)
    draws = np.where(mask, np.clip(values * (1 + 0.1 * rng.uniform(-1, 1, (5, 12, 3))), 0, 1), 0.0)
    weights = rng.dirichlet(np.ones(3), size=5)
    per_draw = weighted_sums(weights, draws, mask)
    assert per_draw.shape == (5, 12)
    for c in range(5):
        np.testing.assert_allclose(per_draw[c], weighted_sum(draws[c], weights[c], mask), atol=1e-15)
    central = rng.dirichlet(np.ones(3), size=7)
    crossed = weighted_sums(central, draws[:, np.newaxis], mask)
    assert crossed.shape == (5, 7, 12)
    np.testing.assert_allclose(crossed[2, 6], weighted_sum(draws[2], central[6], mask), atol=1e-15)


def test_the_buffers_are_filled_in_place() -> None:
    values, mask = table(5, 9, 3, holes=True)
    weights = np.random.default_rng(6).dirichlet(np.ones(3), size=4)
    out, work = np.empty((4, 9)), np.empty((4, 9))
    got = weighted_sums(weights, values, mask, out=out, work=work)
    assert got is out
    np.testing.assert_allclose(out, weighted_sum(values, weights, mask), atol=1e-15)


def test_the_sensitivity_loop_scores_with_the_batched_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """SMAA's scores come from ``weighted_sums`` (one product), not from a product of its own."""
    calls: list[tuple[int, ...]] = []
    real = rank_counts.weighted_sums

    def spy(weights, values, mask=None, **kw):  # type: ignore[no-untyped-def]
        calls.append(np.shape(weights))
        return real(weights, values, mask, **kw)

    monkeypatch.setattr(rank_counts, "weighted_sums", spy)
    values, mask = table(7, 30, 3, holes=True)
    draws = np.random.default_rng(8).dirichlet(np.ones(3), size=300)
    res = smaa.acceptability(values, draws, mask=mask, top_k=5)
    assert sum(shape[0] for shape in calls if len(shape) == 2) >= 300
    brute = np.zeros(30)
    for w in draws:
        s = np.round(weighted_sum(values, w, mask), TIE_DECIMALS)
        brute += (s[None, :] > s[:, None]).sum(axis=1) < 5
    np.testing.assert_array_equal(np.rint(res.p_top_k * 300), brute)


SHARE = st.one_of(st.just(0.0), st.floats(1e-9, 1.0))  # a weight is 0 or a share, never a subnormal number


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 3), elements=st.floats(0, 1)),
    arrays(np.bool_, (6, 3)),
    arrays(np.float64, (4, 3), elements=SHARE),
)
def test_the_batched_kernel_equals_the_kernel_on_any_table(values, mask, weights) -> None:  # type: ignore[no-untyped-def]
    """On any table and mask, with weights as drawn (rows of shares summing to 1)."""
    total = weights.sum(axis=1, keepdims=True)
    assume(bool((total > 0).all()))
    weights = weights / total
    values = np.where(mask, values, 0.0)
    np.testing.assert_allclose(weighted_sums(weights, values, mask), weighted_sum(values, weights, mask), atol=1e-12)
