"""The every-row kernel of the rank counts (scorer.solvers.every_row) against SMAA-2 by the book."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sensitivity import RANK_TIERS, brute_force_acceptability

from scorer.errors import ScoringError
from scorer.solvers import rank_counts
from scorer.solvers.rank_counts import RankCounts
from scorer.solvers.smaa import acceptability, tier_rules


def assert_as_brute_force(got: object, want: dict[str, np.ndarray]) -> None:
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


def spy_exact(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many draws each call of RankCounts.add_exact counts."""
    calls: list[int] = []
    original = RankCounts.add_exact

    def spy(self: RankCounts, w: np.ndarray, values: np.ndarray | None) -> None:
        calls.append(len(w))
        original(self, w, values)

    monkeypatch.setattr(RankCounts, "add_exact", spy)
    return calls


def test_rows_closer_than_the_grid_are_counted_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows 0 and 1 differ by 1e-9 in every criterion: apart to 12 decimals, but inside one step of the int32
    # grid (about 1.2e-7 here), so the keys cannot order them: every draw goes to the exact count.
    rng = np.random.default_rng(3)
    values = rng.random((12, 3))
    values[1] = values[0] + 1e-9
    draws = rng.dirichlet(np.ones(3), size=200)
    calls = spy_exact(monkeypatch)
    got = acceptability(values, draws, top_k=4, tiers=RANK_TIERS, chunk_size=64)
    assert sum(calls) == 200
    assert_as_brute_force(got, brute_force_acceptability(values, draws, mask=None, top_k=4, tiers=RANK_TIERS))


def test_draws_without_close_rows_never_reach_the_exact_count(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.array([[0.9, 0.1, 0.5], [0.1, 0.9, 0.5], [0.5, 0.5, 0.1], [0.9, 0.1, 0.5], [0.0, 0.0, 0.0]])
    draws = np.random.default_rng(4).dirichlet(np.ones(3), size=300)
    calls = spy_exact(monkeypatch)
    got = acceptability(values, draws, top_k=2, tiers=RANK_TIERS, chunk_size=50)
    assert calls == []  # rows 0 and 3 are one row twice: equal keys, not a near tie
    assert_as_brute_force(got, brute_force_acceptability(values, draws, mask=None, top_k=2, tiers=RANK_TIERS))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.integers(1, 5))
def test_a_row_repeated_m_times_at_any_place_equals_brute_force(seed: int, m: int, top_k: int) -> None:
    # A repeated row counts at m places per draw and is solved back to its last place; it often straddles the
    # top K (its first copies outside, its last inside), where it enters the central weights once.
    rng = np.random.default_rng(seed)
    values = rng.random((8 + m, 3))
    values[8:] = values[int(rng.integers(0, 8))]
    values[3] = values[5]
    draws = rng.dirichlet(np.ones(3), size=150)
    got = acceptability(values, draws, top_k=top_k, tiers=RANK_TIERS, chunk_size=int(rng.integers(1, 60)))
    assert_as_brute_force(got, brute_force_acceptability(values, draws, mask=None, top_k=top_k, tiers=RANK_TIERS))


@pytest.mark.parametrize("masked", [False, True])
def test_more_than_256_countries_take_int64_keys(masked: bool) -> None:
    rng = np.random.default_rng(8)
    values = np.round(rng.random((300, 3)), 2)  # coarse: rows tie in some draws
    values[[10, 20, 30]] = values[5]
    mask = None
    if masked:
        mask = rng.random((300, 3)) > 0.2
        mask[:, 0] = True
        mask[[10, 20, 30]] = mask[5]
    draws = rng.dirichlet(np.ones(3), size=120)
    counts = RankCounts(values, mask, 20, tier_rules(RANK_TIERS), dedupe=True, total=120)
    assert counts.every_row is not None and not counts.every_row.narrow
    got = acceptability(values, draws, mask=mask, top_k=20, tiers=RANK_TIERS, chunk_size=40)
    want = brute_force_acceptability(values, draws, mask=mask, top_k=20, tiers=RANK_TIERS)
    want["rank_acceptability"] = want["rank_acceptability"][:, : got.rank_acceptability.shape[1]]
    assert_as_brute_force(got, want)


def test_a_draw_off_the_grid_is_counted_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # acceptability refuses weights that do not sum to 1; the kernel itself still sends a draw whose
    # scores leave the grid (here three times the values' range) to the exact count.
    values = np.array([[0.2, 0.9, 0.4], [0.8, 0.1, 0.3], [0.5, 0.5, 0.5]])
    counts = RankCounts(values, None, 1, tier_rules(RANK_TIERS), dedupe=True, total=3)
    calls = spy_exact(monkeypatch)
    counts.add(np.array([[0.2, 0.3, 0.5], [3.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), None)
    got = counts.result(None, None, 0, None)
    assert calls == [1]
    want = brute_force_acceptability(
        values, np.array([[0.2, 0.3, 0.5], [3.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), mask=None, top_k=1, tiers=RANK_TIERS
    )
    for name in ("rank_acceptability", "p_top_k", "mean_rank"):
        np.testing.assert_array_equal(getattr(got, name), want[name], err_msg=name)


def test_weight_draws_must_each_sum_to_one() -> None:
    values = np.array([[0.2, 0.9], [0.8, 0.1]])
    with pytest.raises(ScoringError) as err:
        acceptability(values, [[0.5, 0.5], [2.0, 1.0], [1.0, 1.0]], top_k=1)
    assert err.value.lines() == [
        "each weight draw should sum to 1, but row 1 sums to 3 (2 rows) (divide each row by its sum)"
    ]


@pytest.mark.parametrize(
    ("sampler", "message"),
    [
        (lambda rng, size: np.full((size, 2, 2), 1.5), "should return criterion scores between 0 and 1"),
        (lambda rng, size: np.full((size, 2, 2), np.nan), "should return criterion scores between 0 and 1"),
        (lambda rng, size: np.zeros((size, 3, 2)), "should return shape"),
    ],
)
def test_a_values_sampler_must_return_scores_of_the_tables_shape(sampler: object, message: str) -> None:
    values = np.array([[0.2, 0.9], [0.8, 0.1]])
    with pytest.raises(ScoringError, match=message):
        acceptability(values, [[0.5, 0.5]], top_k=1, values_sampler=sampler, seed=1)  # type: ignore[arg-type]


def test_the_kernel_is_left_out_for_score_tiers_and_sparse_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.random.default_rng(2).random((20, 3))
    by_score = tier_rules([("join", None, 0.5), ("rest", None, None)])
    assert RankCounts(values, None, 3, by_score, dedupe=True, total=10).every_row is None
    monkeypatch.setattr(rank_counts, "BINCOUNT_CELLS", 0)
    assert RankCounts(values, None, 3, tier_rules(RANK_TIERS), dedupe=True, total=10).every_row is None
