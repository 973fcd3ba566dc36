"""Golden test: COINr's ASEM composite index (cited in tests/data/coinr_asem/PROVENANCE.md).

COINr (W. Becker, github.com/bluefoxr/COINr @ b968203) builds the ASEM
Sustainable Connectivity index for 51 countries: 49 indicators, min-max
normalised to [0, 100] with direction, averaged into 8 pillars, 2 sub-indices
(Conn: 5 pillars, Sust: 3 pillars) and the Index. With arithmetic means the
Index equals a weighted mean of the pillars (each Conn pillar 1/2 * 1/5, each
Sust pillar 1/2 * 1/3), so a two-level criteria file (pillars as criteria)
must reproduce every stage from COINr's "Treated" data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scorer import load_criteria, score_countries
from scorer.cli import main
from scorer.errors import ConfigError
from scorer.io.criteria_file import parse_criteria_text
from scorer.io.spreadsheet import read_countries

DATA = Path(__file__).parent / "data" / "coinr_asem"


def asem_criteria_yaml() -> str:
    meta = pd.read_csv(DATA / "asem_coin_v06_indmeta.csv")
    pillars_per_subindex = meta.groupby("Agg2")["Agg1"].nunique()
    lines = ["name: COINr ASEM replica", "id_column: UnitCode", "name_column: UnitName", "criteria:"]
    for pillar, group in meta.groupby("Agg1", sort=False):
        sub = group["Agg2"].iloc[0]
        weight = 1.0 / (2 * int(pillars_per_subindex[sub]))
        lines += [
            f"  {pillar}:",
            f"    label: {pillar}",
            "    cites: COINr ASEM",
            f"    weight: {weight!r}",
            "    indicators:",
        ]
        for _, ind in group.iterrows():
            direction = "higher" if ind["Direction"] > 0 else "lower"
            lines += [f"      {ind['IndCode']}: {{column: {ind['IndCode']}, direction: {direction}}}"]
    lines += ["tiers:", "  - {name: all}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def asem():
    criteria = parse_criteria_text(asem_criteria_yaml(), file="asem.yaml")
    df = read_countries(DATA / "asem_coin_v06_data_treated.csv")
    return score_countries(df, criteria)


def _stage(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name).set_index("UnitCode")


def test_minmax_normalisation_reproduces_coinr(asem) -> None:
    expected = _stage("asem_coin_v06_data_normalised.csv")
    ours = asem.normalised * 100
    cols = list(ours.columns)
    diff = (ours[cols] - expected.loc[ours.index, cols]).abs().to_numpy()
    assert ours.shape == (51, 49)
    assert np.nanmax(diff) < 1e-9


def test_pillars_and_index_reproduce_coinr_aggregation(asem) -> None:
    expected = _stage("asem_coin_v06_data_aggregated.csv")
    pillars = asem.criterion_scores * 100
    diff = (pillars - expected.loc[pillars.index, pillars.columns]).abs().to_numpy()
    assert np.max(diff) < 1e-9
    index = asem.table["score"] * 100
    assert np.max(np.abs(index - expected.loc[index.index, "Index"])) < 1e-9


def test_published_scores_and_ranks(asem) -> None:
    published = _stage("asem_coin_v06_results_scores.csv")
    ranks = _stage("asem_coin_v06_results_ranks.csv")
    index = asem.table["score"] * 100
    assert np.max(np.abs(index.round(2) - published.loc[index.index, "Index"])) <= 0.01 + 1e-9
    assert (asem.table["rank"] == ranks.loc[asem.table.index, "Index"]).all()
    top5 = list(asem.table.index[:5])
    assert top5 == ["CHE", "NLD", "DNK", "NOR", "BEL"]  # PROVENANCE.md: 68.38, 64.82, 64.80, 64.47, 63.54


def test_contributions_sum_to_index(asem) -> None:
    total = asem.contributions.sum(axis=1)
    assert np.allclose(total.to_numpy(), asem.table["score"].to_numpy(), rtol=0, atol=1e-12)


# The same index written natively as a hierarchy (tests/data/coinr_asem/asem_hierarchy.yaml):
# indicators -> 8 pillars -> 2 sub-indices (Conn, Sust) -> Index, each level an arithmetic mean.
PILLARS = ["ConEcFin", "Instit", "P2P", "Physical", "Political", "Environ", "Social", "SusEcFin"]
SUB_INDICES = ["Conn", "Sust"]


@pytest.fixture(scope="module")
def asem_tree():
    criteria = load_criteria(DATA / "asem_hierarchy.yaml")
    return score_countries(read_countries(DATA / "asem_coin_v06_data_treated.csv"), criteria)


def _max_error(ours: pd.DataFrame | pd.Series, expected: pd.DataFrame | pd.Series) -> float:
    return float(np.max(np.abs((ours * 100 - expected).to_numpy())))


def test_hierarchy_reproduces_every_coinr_stage(asem_tree) -> None:
    expected = _stage("asem_coin_v06_data_aggregated.csv").loc[asem_tree.table.index]
    nodes = asem_tree.node_scores.loc[asem_tree.table.index]
    normalised = _stage("asem_coin_v06_data_normalised.csv").loc[nodes.index]
    assert list(asem_tree.node_scores.columns) == [
        "Conn", "ConEcFin", "Instit", "P2P", "Physical", "Political",
        "Sust", "Environ", "Social", "SusEcFin",
    ]  # fmt: skip
    errors = {
        "indicators": _max_error(asem_tree.normalised, normalised[list(asem_tree.normalised.columns)]),
        "pillars": _max_error(nodes[PILLARS], expected[PILLARS]),
        "sub-indices": _max_error(nodes[SUB_INDICES], expected[SUB_INDICES]),
        "index": _max_error(asem_tree.table["score"], expected["Index"]),
    }  # fmt: skip
    # measured (x 100 scale): indicators 2.8e-14, pillars 2.8e-14, sub-indices 2.1e-14, index 1.4e-14
    assert all(error < 1e-9 for error in errors.values()), errors
    assert asem_tree.criterion_scores.columns.tolist() == SUB_INDICES


def test_hierarchy_reproduces_the_published_ranks(asem_tree) -> None:
    ranks = _stage("asem_coin_v06_results_ranks.csv").loc[asem_tree.table.index]
    assert (asem_tree.table["rank"] == ranks["Index"]).all()
    # COINr ranks each aggregate on its score rounded to 2 decimals, as its results table prints it:
    # JPN and RUS tie on ConEcFin (6.62), LUX and PRT on Instit (77.57).
    for column in PILLARS + SUB_INDICES:
        rounded = (asem_tree.node_scores[column] * 100).round(2)
        assert (rounded.rank(method="min", ascending=False).astype(int) == ranks[column]).all(), column


def test_hierarchy_contributions_add_up_at_every_level(asem_tree) -> None:
    contrib = asem_tree.node_contributions
    assert np.allclose(contrib[SUB_INDICES].sum(axis=1), asem_tree.table["score"], rtol=0, atol=1e-15)
    meta = pd.read_csv(DATA / "asem_coin_v06_indmeta.csv")
    for sub, pillars in meta.groupby("Agg2")["Agg1"].unique().items():
        assert np.allclose(contrib[list(pillars)].sum(axis=1), contrib[sub], rtol=0, atol=1e-15)
    for pillar, indicators in meta.groupby("Agg1")["IndCode"].apply(list).items():
        assert np.allclose(asem_tree.contributions[indicators].sum(axis=1), contrib[pillar], rtol=0, atol=1e-15)
    # each Conn pillar carries 1/2 x 1/5 of the index, each Sust pillar 1/2 x 1/3
    assert asem_tree.node_weights.loc["CHE", "P2P"] == pytest.approx(0.1)
    assert asem_tree.node_weights.loc["CHE", "Social"] == pytest.approx(1 / 6)


def test_hierarchy_and_flat_file_give_the_same_index(asem, asem_tree) -> None:
    flat = asem.table["score"]
    assert np.allclose(asem_tree.table.loc[flat.index, "score"], flat, rtol=0, atol=1e-15)


def test_explain_shows_the_tree(asem_tree, runner) -> None:
    tree = asem_tree.explain("CHE").tree
    assert tree.iloc[0].to_dict() | {"score": 0} == {
        "id": "Conn", "kind": "criterion", "depth": 0, "parent": "", "label": "Connectivity",
        "aggregation": "arithmetic", "weight_in_parent": 0.5, "weight": 0.5, "score": 0,
        "contribution": pytest.approx(0.5 * asem_tree.node_scores.at["CHE", "Conn"]),
    }  # fmt: skip
    assert tree.set_index("id").at["Goods", "parent"] == "ConEcFin"
    assert tree.set_index("id").at["Goods", "depth"] == 2
    out = runner.invoke(
        main, ["explain", "CHE", str(DATA / "asem_coin_v06_data_treated.csv"), "-c", str(DATA / "asem_hierarchy.yaml")]
    )
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0] == "Switzerland (CHE): rank 1 of 51, tier all, score 0.6838"
    assert any(line.startswith("  ConEcFin ") for line in lines)
    assert any(line.startswith("    Goods ") for line in lines)
    assert lines[-1] == "Score = sum of contributions = 0.6838"


def test_weights_can_be_overridden_at_any_depth(asem_tree) -> None:
    df = read_countries(DATA / "asem_coin_v06_data_treated.csv")
    criteria = load_criteria(DATA / "asem_hierarchy.yaml")
    heavier = score_countries(df, criteria, weights={"P2P": 4})  # P2P: 4 of 8 within Conn, so 1/2 x 1/2 overall
    assert heavier.node_weights.at["CHE", "P2P"] == pytest.approx(0.25)
    assert heavier.node_weights.at["CHE", "Instit"] == pytest.approx(0.5 * 1 / 8)
    expected = (
        asem_tree.node_scores["Sust"] / 2
        + (
            asem_tree.node_scores[["ConEcFin", "Instit", "Physical", "Political"]].sum(axis=1) / 8
            + asem_tree.node_scores["P2P"] / 2
        )
        / 2
    )
    assert np.allclose(heavier.table["score"], expected.loc[heavier.table.index], rtol=0, atol=1e-15)
    with pytest.raises(ConfigError, match="the weights of 'Sust''s criteria should not all be 0"):
        score_countries(df, criteria, weights={"Environ": 0, "Social": 0, "SusEcFin": 0})
