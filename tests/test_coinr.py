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

from scorer import score_countries
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
