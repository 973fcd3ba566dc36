"""Invariants of the scoring, checked with hypothesis on random tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer import score_countries
from scorer.core.aggregation import topsis
from scorer.io.criteria_file import parse_criteria_text

CRITERIA = parse_criteria_text(
    "name: p\ncriteria:\n"
    "  a: {label: A, cites: p, weight: 2, indicators: {x: {column: x}, y: {column: y, direction: lower}}}\n"
    "  b: {label: B, cites: p, weight: 1, indicators: {z: {column: z, weight: 3}}}\n"
)

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=2, max_value=12))
    cols = {c: draw(st.lists(values, min_size=n, max_size=n)) for c in "xyz"}
    return pd.DataFrame({"iso3": [f"C{i:02d}" for i in range(n)], **{c: [repr(v) for v in cols[c]] for c in cols}})


def scores(df: pd.DataFrame, **kw: object) -> pd.Series:
    return score_countries(df, CRITERIA, **kw).table["score"].sort_index()  # type: ignore[arg-type]


@settings(deadline=None)
@given(tables(), st.floats(min_value=0.01, max_value=1000), st.floats(min_value=-1000, max_value=1000))
def test_positive_affine_change_keeps_minmax_ranks(df: pd.DataFrame, a: float, b: float) -> None:
    before = scores(df)
    changed = df.copy()
    changed["x"] = [repr(float(v) * a + b) for v in df["x"]]
    after = scores(changed)
    assert np.allclose(after, before, atol=1e-9)
    # every strict order between two countries (beyond float noise) is kept
    s0, s1 = before.to_numpy(), after.to_numpy()
    strict = (s0[:, None] - s0[None, :]) > 1e-9
    assert ((s1[:, None] - s1[None, :])[strict] > 0).all()


@settings(deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_permuting_rows_permutes_the_result(df: pd.DataFrame, rnd) -> None:  # type: ignore[no-untyped-def]
    order = list(range(len(df)))
    rnd.shuffle(order)
    a = score_countries(df, CRITERIA).table
    b = score_countries(df.iloc[order].reset_index(drop=True), CRITERIA).table
    assert list(a.index) == list(b.index)
    assert np.array_equal(a["rank"].to_numpy(), b["rank"].to_numpy())
    assert np.allclose(a["score"].to_numpy(), b["score"].to_numpy(), atol=1e-12)


@settings(deadline=None)
@given(tables(), st.integers(min_value=0, max_value=11), st.floats(min_value=0, max_value=100))
def test_dominated_country_never_outranks_its_dominator(df: pd.DataFrame, i: int, bump: float) -> None:
    i %= len(df)
    dominator = df.iloc[[i]].copy()
    dominator["iso3"] = "DOM"
    dominator["x"] = repr(float(dominator["x"].iloc[0]) + bump)  # higher is better
    dominator["y"] = repr(float(dominator["y"].iloc[0]) - bump)  # lower is better
    t = score_countries(pd.concat([df, dominator], ignore_index=True), CRITERIA).table
    assert t.at["DOM", "score"] >= t.at[df["iso3"].iloc[i], "score"] - 1e-12
    assert t.at["DOM", "rank"] <= t.at[df["iso3"].iloc[i], "rank"]


@settings(deadline=None)
@given(tables())
def test_contributions_sum_to_the_score(df: pd.DataFrame) -> None:
    r = score_countries(df, CRITERIA)
    assert np.allclose(r.table[["a", "b"]].sum(axis=1), r.table["score"], atol=1e-12, rtol=0)
    assert np.allclose(r.contributions.sum(axis=1), r.table["score"], atol=1e-12, rtol=0)


@settings(deadline=None)
@given(tables(), st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_all_weights_changes_nothing(df: pd.DataFrame, k: float) -> None:
    a = score_countries(df, CRITERIA).table
    b = score_countries(df, CRITERIA, weights={"a": 2 * k, "b": 1 * k}).table
    assert list(a.index) == list(b.index)
    assert np.array_equal(a["rank"].to_numpy(), b["rank"].to_numpy())
    assert np.allclose(a["score"], b["score"], atol=1e-12)


TREE = parse_criteria_text(
    "name: t\ncriteria:\n"
    "  a:\n    label: A\n    cites: p\n    weight: 2\n    criteria:\n"
    "      a1: {label: A1, cites: p, weight: 1, indicators: {x: {column: x, missing: reweight}}}\n"
    "      a2: {label: A2, cites: p, weight: 3, indicators: {y: {column: y, direction: lower, missing: reweight}}}\n"
    "  b: {label: B, cites: p, weight: 1, indicators: {z: {column: z, weight: 3, missing: mean}}}\n"
)


@st.composite
def gappy_tables(draw: st.DrawFn) -> pd.DataFrame:
    df = draw(tables())
    for column in "xy":  # blanks under reweight: the sub-criterion's weight moves to its sibling for that row
        blanks = draw(st.lists(st.booleans(), min_size=len(df), max_size=len(df)))
        df[column] = ["" if b else v for b, v in zip(blanks, df[column], strict=True)]
    return df


@settings(deadline=None)
@given(gappy_tables())
def test_contributions_add_up_at_every_level_of_a_tree(df: pd.DataFrame) -> None:
    r = score_countries(df, TREE)  # z is always there (mean-imputed); a row without x and y leans on b alone
    c = r.node_contributions
    assert np.allclose(c[["a", "b"]].sum(axis=1), r.table["score"], atol=1e-12, rtol=0)
    assert np.allclose(c[["a1", "a2"]].sum(axis=1), c["a"], atol=1e-12, rtol=0)
    assert np.allclose(r.contributions["x"], c["a1"], atol=1e-12, rtol=0)
    assert np.allclose(r.contributions.sum(axis=1), r.table["score"], atol=1e-12, rtol=0)
    assert np.allclose(r.node_weights[["a", "b"]].sum(axis=1), 1.0, atol=1e-12)


matrices = st.integers(min_value=2, max_value=8).flatmap(
    lambda n: st.lists(
        st.lists(
            st.floats(min_value=0.0, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3)), min_size=3, max_size=3
        ),
        min_size=n,
        max_size=n,
    )
)


@settings(deadline=None)
@given(matrices, st.integers(min_value=0, max_value=7), st.floats(min_value=0.0, max_value=10.0))
def test_topsis_dominance_and_scale_invariance(rows: list[list[float]], i: int, bump: float) -> None:
    x = np.array(rows)
    weights, mask = np.array([0.5, 0.3, 0.2]), np.ones((len(x) + 1, 3), dtype=bool)
    dominator = x[i % len(x)] + bump  # at least as good on every column
    c = topsis(np.vstack([x, dominator]), weights, mask).closeness
    assert c[-1] >= c[i % len(x)] - 1e-12
    # vector normalisation: multiplying a column by a positive constant changes nothing
    scaled = np.vstack([x, dominator]) * np.array([7.0, 1.0, 0.001])
    assert np.allclose(topsis(scaled, weights, mask).closeness, c, atol=1e-12, rtol=0)
