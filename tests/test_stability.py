"""Exact stability intervals: checked by hand, against a fine sweep, and by applying the flips."""

from __future__ import annotations

import numpy as np
import pytest

from scorer.errors import ConfigError
from scorer.solvers.intervals import (
    end_changes,
    move_weight,
    tier_intervals,
    top_k_interval,
    value_change_to_flip,
    weight_change_to_flip,
    weight_sweep,
)
from scorer.solvers.smaa import assign_tiers, min_ranks, weighted_sum_scores

GRID = np.linspace(0.0, 1.0, 20_001)
STEP = 1e-9


def random_case(seed: int, masked: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int, int]:
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(4, 10)), int(rng.integers(2, 5))
    values = rng.random((n, k))
    weights = rng.dirichlet(np.ones(k))
    mask = None
    if masked:
        mask = rng.random((n, k)) > 0.3
        mask[np.arange(n), rng.integers(k, size=n)] = True
    return values, weights, mask, int(rng.integers(k)), int(rng.integers(1, n))


def strictly_between(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (x > lo) & (x < hi)


def tiers_at(values: np.ndarray, weights: np.ndarray, mask: np.ndarray | None, tiers: list) -> np.ndarray:
    s = weighted_sum_scores(values, weights, mask=mask)
    return assign_tiers(s, min_ranks(s), tiers)


def test_hand_example() -> None:
    # w = (t, 1 - t): A = 0.2 + 0.7t, B = 0.6 - 0.1t, C = 0.9 - 0.8t. At t = 0.6, A leads;
    # B catches A at t = 0.5 (0.2 + 0.7t = 0.6 - 0.1t) and A stays ahead up to t = 1.
    v = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    assert top_k_interval(v, [0.6, 0.4], 0, top_k=1) == pytest.approx((0.5, 1.0))
    # C reaches 0.5 at t = 0.5 and so enters the min_score tier "b" below it.
    lo, hi = tier_intervals(v, [0.6, 0.4], 0, tiers=[("a", 1, None), ("b", None, 0.5), ("c", None, None)])
    np.testing.assert_allclose(lo, [0.5, 0.5, 0.5])
    np.testing.assert_allclose(hi, [1.0, 1.0, 1.0])
    # C overtakes B at t = 3/7 and A at t = 7/15: C enters the top 1 at 3/7, i.e. -0.6 + 3/7.
    np.testing.assert_allclose(weight_change_to_flip(v, [0.6, 0.4], top_k=1)[2], [3 / 7 - 0.6, 0.6 - 3 / 7])
    # B needs 0.62 - 0.54 = 0.08 more score: 0.08 / 0.6 on criterion 0, 0.08 / 0.4 on criterion 1.
    np.testing.assert_allclose(value_change_to_flip(v, [0.6, 0.4], top_k=1)[1], [0.08 / 0.6, 0.08 / 0.4])


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_tier_intervals_agree_with_a_fine_sweep(seed: int, masked: bool) -> None:
    values, weights, mask, j, top = random_case(seed, masked)
    theta = float(np.random.default_rng(seed + 100).uniform(0.2, 0.7))
    tiers = [("a", top, None), ("b", None, theta), ("c", None, None)]
    lo, hi = tier_intervals(values, weights, j, tiers=tiers, mask=mask)
    now = tiers_at(values, weights, mask, tiers)
    ranks = weight_sweep(values, weights, j, grid=GRID, mask=mask)
    swept = assign_tiers(weighted_sum_scores(values, move_weight(weights, j, GRID), mask=mask), ranks, tiers)
    for i in range(len(values)):
        assert lo[i] <= weights[j] <= hi[i]
        inside = strictly_between(GRID, lo[i], hi[i])
        assert np.all(swept[inside, i] == now[i])
        if hi[i] < 1:
            assert tiers_at(values, move_weight(weights, j, hi[i] + STEP)[0], mask, tiers)[i] != now[i]
        if lo[i] > 0:
            assert tiers_at(values, move_weight(weights, j, lo[i] - STEP)[0], mask, tiers)[i] != now[i]


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_top_k_interval_agrees_with_a_fine_sweep(seed: int, masked: bool) -> None:
    values, weights, mask, j, top = random_case(seed + 50, masked)
    lo, hi = top_k_interval(values, weights, j, top_k=top, mask=mask)
    now = min_ranks(weighted_sum_scores(values, weights, mask=mask)) <= top
    in_top = weight_sweep(values, weights, j, grid=GRID, mask=mask) <= top
    inside = strictly_between(GRID, lo, hi)
    assert np.all(in_top[inside] == now)
    for edge, step in ((hi, STEP), (lo, -STEP)):
        if 0 < edge < 1:
            ranks = min_ranks(weighted_sum_scores(values, move_weight(weights, j, edge + step)[0], mask=mask))
            assert not np.array_equal(ranks <= top, now)


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("seed", range(15))
def test_weight_change_flips_membership_just_beyond(seed: int, masked: bool) -> None:
    values, weights, mask, _, top = random_case(seed + 200, masked)
    change = weight_change_to_flip(values, weights, top_k=top, mask=mask)
    now = min_ranks(weighted_sum_scores(values, weights, mask=mask)) <= top
    for i, j in zip(*np.nonzero(~np.isnan(change)), strict=True):
        t = weights[j] + change[i, j] + np.copysign(STEP, change[i, j])
        moved = min_ranks(weighted_sum_scores(values, move_weight(weights, j, t)[0], mask=mask))
        assert (moved[i] <= top) != now[i]
        # Nothing smaller flips it: the sweep agrees up to the crossing.
        between = GRID[(GRID - weights[j]) * np.sign(change[i, j]) > 0]
        between = between[np.abs(between - weights[j]) < abs(change[i, j])]
        swept = weight_sweep(values, weights, j, grid=between, mask=mask)[:, i] <= top
        assert np.all(swept == now[i])


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("seed", range(15))
def test_value_change_flips_membership(seed: int, masked: bool) -> None:
    values, weights, mask, _, top = random_case(seed + 300, masked)
    change = value_change_to_flip(values, weights, top_k=top, mask=mask)
    now = min_ranks(weighted_sum_scores(values, weights, mask=mask)) <= top
    assert np.all(np.isnan(change[now]) | (change[now] <= 0))
    assert np.all(np.isnan(change[~now]) | (change[~now] > 0))
    for i, j in zip(*np.nonzero(~np.isnan(change)), strict=True):
        moved = values.copy()
        moved[i, j] = np.clip(moved[i, j] + change[i, j] - (1e-9 if now[i] else 0.0), 0.0, 1.0)
        assert (min_ranks(weighted_sum_scores(moved, weights, mask=mask))[i] <= top) != now[i]


def test_value_change_is_nan_when_impossible() -> None:
    v = [[0.9, 0.9], [0.2, 0.1]]
    change = value_change_to_flip(v, [0.5, 0.5], top_k=1, mask=[[True, True], [True, False]])
    # Country 1 would need 0.9 on criterion 0 (its only one): +0.7; criterion 1 is unavailable.
    np.testing.assert_allclose(change[1], [0.7, np.nan])
    # Country 0 must fall by 0.7 to tie at 0.2: -1.4 on either criterion (weight 0.5), below 0.
    assert np.all(np.isnan(change[0]))


def test_full_weight_moves_the_others_equally() -> None:
    np.testing.assert_allclose(move_weight([0.0, 1.0, 0.0], 1, [0.4]), [[0.3, 0.4, 0.3]])
    v = [[0.9, 0.2, 0.1], [0.1, 0.8, 0.5]]
    lo, hi = top_k_interval(v, [0.0, 1.0, 0.0], 1, top_k=1)
    # s0 = 0.5(1 - t) + 0.2t, s1 = 0.3(1 - t) + 0.8t: equal at t = 0.2 / 0.8.
    assert (lo, hi) == pytest.approx((0.25, 1.0))


def test_weight_sweep_ranks_share_ties() -> None:
    v = [[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]]
    assert weight_sweep(v, [0.5, 0.5], 0, grid=[0.5]).tolist() == [[1, 1, 1]]


def test_bad_criterion_and_weights() -> None:
    v = [[0.5, 0.5], [1.0, 0.0]]
    with pytest.raises(ConfigError) as err:
        top_k_interval(v, [0.5, 0.5], 2, top_k=1)
    assert err.value.lines() == ["should be a criterion index from 0 to 1, but it is 2"]
    with pytest.raises(ConfigError) as err:
        top_k_interval(v, [0.5, -0.5], 0, top_k=1)
    assert err.value.lines() == [
        "weights should be 2 non-negative numbers with a positive sum, but they are [0.5, -0.5]"
    ]


def test_stability_of_162_countries_runs_whole() -> None:
    rng = np.random.default_rng(0)
    values, weights = rng.random((162, 5)), rng.dirichlet(np.ones(5))
    change = weight_change_to_flip(values, weights, top_k=15)
    assert change.shape == (162, 5)
    assert not np.isnan(change).all()


def test_value_change_never_asks_for_a_score_below_zero() -> None:
    # B leads A only through criterion 0. To fall out of the top 1, B must go strictly below A's score.
    # With A at 0, that would need B's criterion 0 below 0: impossible, so NaN (not "lower it to 0").
    out = value_change_to_flip([[0.0, 0.0], [0.8, 0.0]], [0.5, 0.5], top_k=1)
    assert np.isnan(out[1]).all()
    # With A at 0.2, lowering B's criterion 0 to (just below) 0.2 is possible: -0.6.
    out = value_change_to_flip([[0.2, 0.0], [0.8, 0.0]], [0.5, 0.5], top_k=1)
    assert out[1, 0] == pytest.approx(-0.6)
    assert np.isnan(out[1, 1])


def test_a_tie_at_weight_zero_is_a_change_not_part_of_the_interval() -> None:
    # issue 10, defect 7: countries 1 and 2 share criterion 1; at w_0 = 0 they tie for the last place in the top 2
    v = np.array([[0.9, 0.9], [0.8, 0.5], [0.1, 0.5]])
    at0, at1 = end_changes(v, [0.5, 0.5], 0, top_k=2)
    assert at0.tolist() == [False, False, True] and not at1.any()
    assert top_k_interval(v, [0.5, 0.5], 0, top_k=2) == (0.0, 1.0)  # nothing changes strictly inside (0, 1)
    dw = weight_change_to_flip(v, [0.5, 0.5], top_k=2)
    assert dw[2, 0] == -0.5  # lower w_0 all the way to exactly 0 and country 2 enters (a tie at rank 2)
    s = weighted_sum_scores(v, [0.0, 1.0])
    assert min_ranks(s).tolist() == [1, 2, 2]


@pytest.mark.parametrize("masked", [False, True])
def test_intervals_in_blocks_of_countries_equal_one_block(masked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import scorer.solvers.intervals as stab

    rng = np.random.default_rng(11)
    values = np.round(rng.random((60, 3)), 2)
    values[10] = values[3]
    mask = (rng.random((60, 3)) > 0.2) | (np.arange(3) == 0) if masked else None
    weights = [0.5, 0.3, 0.2]
    tiers = [("join", 5, None), ("consider", None, 0.5), ("rest", None, None)]

    def everything() -> list[np.ndarray]:
        stab._RECENT.clear()
        out = [weight_change_to_flip(values, weights, top_k=5, mask=mask)]
        for j in range(3):
            out += list(tier_intervals(values, weights, j, tiers=tiers, mask=mask))
        return out

    whole = everything()
    monkeypatch.setattr(stab, "_CHUNK_CELLS", 7 * 60)  # blocks of 7 countries
    for got, want in zip(everything(), whole, strict=True):
        np.testing.assert_array_equal(got, want)


def test_asking_twice_gives_equal_and_independent_answers() -> None:
    values = [[0.9, 0.2], [0.5, 0.6], [0.1, 0.9]]
    first = tier_intervals(values, [0.6, 0.4], 0, tiers=[("a", 1, None), ("b", None, None)])
    kept = first[0].tolist()
    first[0][:] = -1.0  # the caller's copy: the remembered answer must not change
    again = tier_intervals(values, [0.6, 0.4], 0, tiers=[("a", 1, None), ("b", None, None)])
    assert again[0].tolist() == kept and min(kept) >= 0.0


@pytest.mark.parametrize("seed", range(6))
def test_one_pass_for_top_k_and_tiers_equals_two(seed: int) -> None:
    """The shared pass over the crossings gives what top_k_interval and tier_intervals give alone."""
    from scorer.solvers import intervals
    from scorer.solvers.intervals import tier_intervals, top_k_and_tier_intervals, top_k_interval

    rng = np.random.default_rng(seed)
    values = np.round(rng.random((40, 3)), 1 + seed % 2)
    mask = rng.random((40, 3)) > 0.15 if seed % 3 else None
    if mask is not None:
        mask[:, 0] = True
    weights = rng.dirichlet(np.ones(3))
    tiers = [("join", 5, None), ("consider", None, 0.45), ("watch", 20, 0.3), ("rest", None, None)]
    for j in range(3):
        intervals._RECENT.clear()
        top, (lo_t, hi_t) = top_k_and_tier_intervals(values, weights, j, top_k=5, tiers=tiers, mask=mask)
        intervals._RECENT.clear()
        assert top == top_k_interval(values, weights, j, top_k=5, mask=mask)
        alone = tier_intervals(values, weights, j, tiers=tiers, mask=mask)
        assert lo_t.tolist() == alone[0].tolist()
        assert hi_t.tolist() == alone[1].tolist()
