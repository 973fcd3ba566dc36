"""SMAA-2 acceptability: equal to a plain Python loop on the same draws, chunking, ties, parity, errors."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from scorer.core.ranking import TIE_DECIMALS
from scorer.errors import ConfigError, ScoringError
from scorer.solvers import every_row, rank_counts
from scorer.solvers.sampling import WeightConstraints, sample_weights
from scorer.solvers.smaa import (
    SmaaResult,
    TierRule,
    acceptability,
    assign_tiers,
    min_ranks,
    sample_and_analyse,
    uniform_relative_noise,
)

TIERS = [("join", 3, None), ("consider", None, 0.5), ("later", 8, None), ("rest", None, None)]


def brute_force_acceptability(
    values: np.ndarray,
    draws: np.ndarray,
    *,
    mask: np.ndarray | None,
    top_k: int,
    tiers: Sequence[tuple[str, int | None, float | None]],
) -> dict[str, np.ndarray]:
    """SMAA-2 by the book: one draw at a time, scipy's 'min' ranks, plain loops."""
    n, k = values.shape
    counts = np.zeros((n, n))
    tier_counts = np.zeros((n, len(tiers)))
    central = np.zeros((n, k))
    all_ranks = []
    for w in draws:
        scores = []
        for i in range(n):
            avail = np.ones(k, bool) if mask is None else mask[i]
            num = sum(w[j] * values[i, j] for j in range(k) if avail[j])
            den = sum(w[j] for j in range(k) if avail[j])
            scores.append(num / den if den > 0 else 0.0)
        rounded = np.round(np.array(scores), TIE_DECIMALS)
        ranks = rankdata(-rounded, method="min").astype(int)
        all_ranks.append(ranks)
        for i in range(n):
            counts[i, ranks[i] - 1] += 1
            if ranks[i] <= top_k:
                central[i] += w
            for t, (_, top, min_score) in enumerate(tiers):
                if (top is None or ranks[i] <= top) and (min_score is None or rounded[i] >= min_score):
                    tier_counts[i, t] += 1
                    break
    d = len(draws)
    in_top = counts[:, :top_k].sum(axis=1)
    with np.errstate(invalid="ignore"):
        central /= in_top[:, None]
    ranks = np.array(all_ranks)
    return {
        "rank_acceptability": counts / d,
        "p_top_k": in_top / d,
        "tier_probabilities": tier_counts / d,
        "mean_rank": ranks.mean(axis=0),
        "median_rank": np.percentile(ranks, 50, axis=0, method="inverted_cdf"),
        "rank_p05": np.percentile(ranks, 5, axis=0, method="inverted_cdf"),
        "rank_p95": np.percentile(ranks, 95, axis=0, method="inverted_cdf"),
        "central_weights": central,
    }


def small_case(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = rng.random((12, 3))
    values[7] = values[3]  # identical countries always tie
    values[9] = values[3]
    mask = rng.random((12, 3)) > 0.25
    mask[:, 0] = True
    mask[7] = mask[9] = mask[3]
    draws = rng.dirichlet(np.ones(3), size=400)
    return values, mask, draws


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("chunk_size", [37, 4096])
def test_equals_brute_force_on_the_same_draws(masked: bool, chunk_size: int) -> None:
    values, mask, draws = small_case()
    m = mask if masked else None
    got = acceptability(values, draws, mask=m, top_k=4, tiers=TIERS, chunk_size=chunk_size)
    want = brute_force_acceptability(values, draws, mask=m, top_k=4, tiers=TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)
    assert got.draws == 400 and got.top_k == 4
    assert got.tier_names == ("join", "consider", "later", "rest")


def test_rank_only_tiers_match_brute_force() -> None:
    values, _, draws = small_case(1)
    tiers = [("join", 2, None), ("consider", 6, None), ("rest", None, None)]
    got = acceptability(values, draws, top_k=2, tiers=tiers)
    want = brute_force_acceptability(values, draws, mask=None, top_k=2, tiers=tiers)
    np.testing.assert_allclose(got.tier_probabilities, want["tier_probabilities"], atol=1e-12)
    np.testing.assert_allclose(got.tier_probabilities.sum(axis=1), 1.0)


def test_identical_countries_share_rank_in_every_draw() -> None:
    values, _, draws = small_case(2)
    r = acceptability(values, draws, top_k=4)
    assert np.array_equal(r.rank_acceptability[3], r.rank_acceptability[7])
    assert np.array_equal(r.rank_acceptability[3], r.rank_acceptability[9])
    np.testing.assert_allclose(r.rank_acceptability.sum(axis=1), 1.0)
    # The three share rank r in every draw, so at least three countries are at rank r as often as each of them.
    assert np.all(r.rank_acceptability.sum(axis=0) >= 3 * r.rank_acceptability[3] - 1e-12)


def test_zero_width_bounds_give_the_plain_ranking() -> None:
    values, _, _ = small_case(3)
    w = np.array([0.5, 0.3, 0.2])
    fixed = WeightConstraints(3, lower=w, upper=w)
    r = sample_and_analyse(values, fixed, draws=500, seed=1, top_k=4, tiers=TIERS)
    ranks = min_ranks(values @ w)
    assert set(np.unique(r.p_top_k)) <= {0.0, 1.0}
    assert np.array_equal(r.p_top_k == 1.0, ranks <= 4)
    assert np.array_equal(r.median_rank, ranks)
    assert np.array_equal(r.rank_acceptability, np.eye(12)[ranks - 1])
    tiers = assign_tiers(values @ w, ranks, TIERS)
    assert np.array_equal(r.tier_probabilities, np.eye(4)[tiers])
    in_top = ranks <= 4
    np.testing.assert_allclose(r.central_weights[in_top], np.tile(w, (in_top.sum(), 1)))
    assert np.all(np.isnan(r.central_weights[~in_top]))
    assert np.array_equal(r.confidence_factor[in_top], np.ones(in_top.sum()))
    assert np.all(np.isnan(r.confidence_factor[~in_top]))
    assert r.sampling_method == "fixed"


def test_confidence_factor_without_noise_is_membership_under_central_weights() -> None:
    values, _, draws = small_case(4)
    r = acceptability(values, draws, top_k=3)
    for i in np.flatnonzero(~np.isnan(r.central_weights[:, 0])):
        ranks = rankdata(-np.round(values @ r.central_weights[i], TIE_DECIMALS), method="min")
        assert r.confidence_factor[i] == float(ranks[i] <= 3)


def test_sample_and_analyse_equals_acceptability_on_sampled_weights() -> None:
    values, mask, _ = small_case(5)
    c = WeightConstraints(3, lower=[0.2, 0.1, 0.0], upper=[0.6, 0.6, 0.5], order=(0, 1))
    seen: list[tuple[int, int]] = []
    a = sample_and_analyse(
        values,
        c,
        draws=3000,
        seed=3,
        top_k=4,
        tiers=TIERS,
        mask=mask,
        chunk_size=700,
        progress=lambda done, total: seen.append((done, total)),
    )
    b = acceptability(values, sample_weights(c, 3000, seed=3), mask=mask, top_k=4, tiers=TIERS)
    assert_same_result(a, b)
    assert seen == [(700, 3000), (1400, 3000), (2100, 3000), (2800, 3000), (3000, 3000)]


def assert_same_result(a: SmaaResult, b: SmaaResult) -> None:
    for name in SmaaResult.__dataclass_fields__:
        if name == "sampling_method":
            continue
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12, err_msg=name)
        else:
            assert x == y, name


def test_data_noise_is_seeded_and_zero_noise_changes_nothing() -> None:
    values, mask, draws = small_case(6)
    plain = acceptability(values, draws, mask=mask, top_k=4)
    zero = acceptability(values, draws, mask=mask, top_k=4, values_sampler=uniform_relative_noise(values, 0.0), seed=1)
    assert_same_result(plain, zero)
    noisy = [
        acceptability(values, draws, mask=mask, top_k=4, values_sampler=uniform_relative_noise(values, 0.2), seed=s)
        for s in (1, 1, 2)
    ]
    assert_same_result(noisy[0], noisy[1])
    assert not np.array_equal(noisy[0].rank_acceptability, noisy[2].rank_acceptability)
    np.testing.assert_allclose(noisy[0].rank_acceptability.sum(axis=1), 1.0)
    cf = noisy[0].confidence_factor[~np.isnan(noisy[0].confidence_factor)]
    assert np.all((cf >= 0) & (cf <= 1))


def test_relative_error_through_sample_and_analyse_is_reproducible() -> None:
    values, _, _ = small_case(7)
    run = lambda: sample_and_analyse(  # noqa: E731
        values, WeightConstraints(3), draws=500, seed=9, top_k=3, relative_error=[0.1, 0.0, 0.3], confidence_draws=50
    )
    assert_same_result(run(), run())


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_permuting_countries_permutes_results(seed: int, perm_seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.random((8, 3)).round(1)  # rounding makes ties frequent
    draws = rng.dirichlet(np.ones(3), size=60)
    perm = np.random.default_rng(perm_seed).permutation(8)
    a = acceptability(values, draws, top_k=3)
    b = acceptability(values[perm], draws, top_k=3)
    np.testing.assert_allclose(b.rank_acceptability, a.rank_acceptability[perm], atol=1e-12)
    np.testing.assert_allclose(b.central_weights, a.central_weights[perm], atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_dominated_country_never_has_better_odds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.random((7, 3))
    values[6] = values[0] * rng.uniform(0.5, 1.0, 3)  # country 6 is dominated by country 0
    r = acceptability(values, rng.dirichlet(np.ones(3), size=80), top_k=3)
    assert r.p_top_k[6] <= r.p_top_k[0]
    assert r.mean_rank[6] >= r.mean_rank[0]


def test_min_ranks_match_scipy() -> None:
    s = np.array([0.3, 0.7, 0.3, 0.1, 0.7 + 1e-14])
    assert min_ranks(s).tolist() == rankdata(-np.round(s, TIE_DECIMALS), method="min").astype(int).tolist()
    assert min_ranks(s).tolist() == [3, 1, 3, 5, 1]


def test_tier_rules_accept_models_and_tuples() -> None:
    values, _, draws = small_case(8)
    a = acceptability(values, draws, top_k=2, tiers=[TierRule("a", top=2), TierRule("b")])
    b = acceptability(values, draws, top_k=2, tiers=[("a", 2, None), ("b", None, None)])
    assert_same_result(a, b)


@pytest.mark.parametrize(
    ("kwargs", "error", "line"),
    [
        ({"top_k": 0}, ConfigError, "should be an integer from 1 to 12 (the number of countries), but it is 0"),
        (
            {"top_k": 2, "tiers": [("a", None, None), ("b", 3, None)]},
            ConfigError,
            "tiers.0: only the last tier may have neither top nor min_score, but tier 'a' is not last",
        ),
        (
            {"top_k": 2, "tiers": [("a", 2, None), ("a", None, None)]},
            ConfigError,
            "tiers.0: tier name should be unique, but 'a' repeats",
        ),
    ],
)
def test_bad_requests(kwargs: dict[str, object], error: type[Exception], line: str) -> None:
    values, _, draws = small_case()
    with pytest.raises(error) as err:
        acceptability(values, draws, **kwargs)  # type: ignore[arg-type]
    assert err.value.lines()[0] == line  # type: ignore[attr-defined]


def test_bad_values_and_mask() -> None:
    values, mask, draws = small_case()
    bad = values.copy()
    bad[2, 1] = 1.5
    with pytest.raises(ScoringError) as err:
        acceptability(bad, draws, top_k=2)
    assert err.value.lines() == ["criterion scores should be between 0 and 1, but values[2, 1] is 1.5"]
    empty = mask.copy()
    empty[5] = False
    with pytest.raises(ScoringError) as err:
        acceptability(values, draws, mask=empty, top_k=2)
    assert err.value.lines() == ["each country should have at least one criterion available, but row 5 has none"]
    with pytest.raises(ScoringError) as err:
        acceptability(values, draws[:, :2], top_k=2)
    assert err.value.lines() == ["weight draws should have shape (draws >= 1, 3), but it is (400, 2)"]


def test_missing_values_are_ignored_where_masked() -> None:
    values, mask, draws = small_case(9)
    holes = np.where(mask, values, np.nan)
    assert_same_result(
        acceptability(holes, draws, mask=mask, top_k=3), acceptability(values, draws, mask=mask, top_k=3)
    )


def test_zero_rows_with_different_masks_equal_brute_force() -> None:
    values, mask, draws = small_case(10)
    values[[1, 4, 6]] = 0.0
    mask[1] = [True, False, False]
    mask[4] = [True, True, True]
    mask[6] = [True, False, True]
    got = acceptability(values, draws, mask=mask, top_k=4, tiers=TIERS)
    want = brute_force_acceptability(values, draws, mask=mask, top_k=4, tiers=TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("masked", [False, True])
def test_integer_keys_for_many_countries_equal_brute_force(monkeypatch: pytest.MonkeyPatch, masked: bool) -> None:
    # Above 4096 distinct rows the sort keys are integers, not float bit patterns; force that path here.
    monkeypatch.setattr(rank_counts, "FLOAT_KEY_BITS", 0)
    monkeypatch.setattr(every_row, "FLOAT_KEY_BITS", 0)  # so every chunk takes the exact count
    values, mask, draws = small_case(12)
    values[5] = values[2].round(1)
    values[2] = values[5]
    m = mask if masked else None
    got = acceptability(values, draws, mask=m, top_k=4, tiers=TIERS)
    want = brute_force_acceptability(values, draws, mask=m, top_k=4, tiers=TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize(("masked", "rules"), [(False, TIERS), (True, TIERS), (True, TIERS[:1] + TIERS[2:])])
def test_compact_counts_for_many_countries_equal_brute_force(
    monkeypatch: pytest.MonkeyPatch, masked: bool, rules: list[tuple[str, int | None, float | None]]
) -> None:
    # Past BINCOUNT_CELLS the counts are uint16, added in place, and only the first ranks' shares are kept.
    monkeypatch.setattr(rank_counts, "BINCOUNT_CELLS", 0)
    monkeypatch.setattr(rank_counts, "ALL_RANKS_UP_TO", 5)
    monkeypatch.setattr(rank_counts, "RANKS_KEPT", 6)
    monkeypatch.setattr(rank_counts, "_RESULT_CELLS", 25)  # a few rows per block
    rng = np.random.default_rng(30)
    values = rng.random((30, 3))
    values[[5, 17]] = values[2]
    values[20] = 0.0
    mask = rng.random((30, 3)) > 0.25
    mask[:, 0] = True
    mask[[5, 17]] = mask[2]
    draws = rng.dirichlet(np.ones(3), size=300)
    m = mask if masked else None
    got = acceptability(values, draws, mask=m, top_k=4, tiers=rules, chunk_size=64)
    want = brute_force_acceptability(values, draws, mask=m, top_k=4, tiers=rules)
    assert got.rank_acceptability.shape == (30, 18)  # 2K + 10 ranks kept
    want["rank_acceptability"] = want["rank_acceptability"][:, :18]
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


def test_compact_count_type_holds_every_draw() -> None:
    assert rank_counts._count_type(65_535) is np.uint16
    assert rank_counts._count_type(65_536) is np.uint32
    assert rank_counts._count_type(2**32) is np.uint64


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3), st.booleans())
def test_repeated_rows_and_rounding_ties_equal_brute_force(seed: int, decimals: int, masked: bool) -> None:
    # Coarse values make exact ties in many draws; repeated rows take the cumulative-rank path.
    rng = np.random.default_rng(seed)
    values = np.round(rng.random((9, 3)), decimals)
    values[5] = values[1]
    values[8] = 0.0
    mask = rng.random((9, 3)) > 0.3 if masked else None
    if mask is not None:
        mask[:, 0] = True
        mask[5] = mask[1]
    draws = rng.multinomial(8, [1 / 3] * 3, size=120) / 8  # eighths: exact sums of 1, many equal draws
    got = acceptability(values, draws, mask=mask, top_k=3, tiers=TIERS, chunk_size=int(rng.integers(1, 50)))
    want = brute_force_acceptability(values, draws, mask=mask, top_k=3, tiers=TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


RANK_TIERS = [("join", 3, None), ("consider", 6, None), ("rest", None, None)]


def exact_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count every chunk on the distinct rows (RankCounts.add_exact), without the every-row kernel."""
    monkeypatch.setattr(every_row.EveryRow, "of", classmethod(lambda cls, owner: None))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3), st.booleans())
def test_every_row_kernel_with_repeats_and_ties_equals_brute_force(seed: int, decimals: int, masked: bool) -> None:
    # Rank-only tiers take the every-row kernel; coarse values and eighths tie in some chunks, which it hands
    # to the exact count, and repeated rows are copies in one sort.
    rng = np.random.default_rng(seed)
    values = np.round(rng.random((9, 3)), decimals)
    values[[5, 7]] = values[1]
    values[8] = 0.0
    mask = rng.random((9, 3)) > 0.3 if masked else None
    if mask is not None:
        mask[:, 0] = True
        mask[[5, 7]] = mask[1]
    draws = rng.multinomial(8, [1 / 3] * 3, size=120) / 8
    draws[::2] = rng.dirichlet(np.ones(3), size=60)  # half the draws continuous: chunks without ties too
    got = acceptability(values, draws, mask=mask, top_k=3, tiers=RANK_TIERS, chunk_size=int(rng.integers(1, 50)))
    want = brute_force_acceptability(values, draws, mask=mask, top_k=3, tiers=RANK_TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("case", ["repeats", "repeats masked", "distinct", "data noise"])
def test_every_row_kernel_gives_the_exact_counts(monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    rng = np.random.default_rng(41)
    values = rng.random((60, 3))
    if case != "distinct":
        values[[10, 20, 30]] = values[5]
        values[[40, 50]] = 0.0
    mask = None
    if case == "repeats masked":
        mask = rng.random((60, 3)) > 0.2
        mask[:, 1] = True
        mask[[10, 20, 30]] = mask[5]
    sampler = uniform_relative_noise(values, 0.05) if case == "data noise" else None
    draws = sample_weights(WeightConstraints(3, lower=[0.2, 0.1, 0.1], upper=[0.6, 0.5, 0.5]), 5000, seed=2)
    run = lambda: acceptability(  # noqa: E731
        values, draws, mask=mask, top_k=10, tiers=RANK_TIERS, values_sampler=sampler, seed=5, chunk_size=1024
    )
    fast = run()
    exact_only(monkeypatch)
    exact = run()
    for name in SmaaResult.__dataclass_fields__:
        x, y = getattr(fast, name), getattr(exact, name)
        if name == "central_weights":  # the same sums, added in another order
            np.testing.assert_allclose(x, y, rtol=1e-13, atol=0)
        elif isinstance(x, np.ndarray):
            assert np.array_equal(x, y, equal_nan=True), name  # the same counts, so the same bits
        else:
            assert x == y, name


def test_every_row_kernel_leaves_tied_chunks_to_the_exact_count(monkeypatch: pytest.MonkeyPatch) -> None:
    values = np.array([[0.5, 0.5, 0.5], [0.2, 0.8, 0.5], [1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.0, 0.0, 0.1]])
    draws = np.array([[1 / 3, 1 / 3, 1 / 3], [0.6, 0.3, 0.1], [0.5, 0.5, 0.0], [0.1, 0.3, 0.6]])
    exact_calls: list[int] = []
    original = rank_counts.RankCounts.add_exact

    def spy(self: rank_counts.RankCounts, w: np.ndarray, values: np.ndarray | None) -> None:
        exact_calls.append(len(w))
        original(self, w, values)

    monkeypatch.setattr(rank_counts.RankCounts, "add_exact", spy)
    got = acceptability(values, draws, top_k=2, tiers=RANK_TIERS, chunk_size=1)
    # Rows 0 and 3 are repeats (one sort, no exact count); rows 0 and 1 tie at w = (1/3, 1/3, 1/3), rows
    # 0, 1 and 2 at (0.5, 0.5, 0): those two chunks are counted exactly, the other two by the kernel.
    assert exact_calls == [1, 1]
    want = brute_force_acceptability(values, draws, mask=None, top_k=2, tiers=RANK_TIERS)
    for name, expected in want.items():
        np.testing.assert_allclose(getattr(got, name), expected, rtol=1e-12, atol=1e-12, err_msg=name)


def test_sensitivity_on_the_demo_does_not_import_scipy() -> None:
    code = (
        "import sys\n"
        "from scorer import demo_result\n"
        "from scorer.tuning import sensitivity\n"
        "sensitivity(demo_result(), draws=2000, seed=1)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_report_past_the_rank_cap_keeps_the_first_ranks_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ALL_RANKS_UP_TO countries the report's acceptability holds the first ranks; everything else is unchanged."""
    from scorer import demo_result
    from scorer.tuning import sensitivity as run

    result = demo_result()
    full = run(result, draws=300, seed=3)
    monkeypatch.setattr(rank_counts, "ALL_RANKS_UP_TO", 100)
    monkeypatch.setattr(rank_counts, "RANKS_KEPT", 20)
    capped = run(result, draws=300, seed=3)
    n = len(result.table)
    assert full.acceptability.shape == (n, n + 1) and not full.notes
    assert capped.acceptability.shape == (n, 2 * capped.top_k + 10 + 1)  # the name column and 2K + 10 ranks
    assert capped.notes == [
        f"the rank shares are kept for ranks 1 to {2 * capped.top_k + 10} of {n} (an n x n table would not fit in "
        "memory); the rank bands, mean ranks and tier shares count every rank"
    ]
    assert capped.acceptability.equals(full.acceptability.iloc[:, : capped.acceptability.shape[1]])
    assert capped.summary.equals(full.summary)
