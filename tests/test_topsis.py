"""TOPSIS (Hwang and Yoon 1981): closeness to the ideal, checked on worked examples by hand.

Hwang, C.-L. and Yoon, K. (1981), Multiple Attribute Decision Making: Methods and
Applications, Springer (Lecture Notes in Economics and Mathematical Systems 186),
the fighter aircraft example: four aircraft A1-A4 scored on maximum speed (Mach),
ferry range (NM), maximum payload (lb), acquisition cost (million $, a cost),
reliability and manoeuvrability (both on the 1-9 interval scale), weights
(0.2, 0.1, 0.1, 0.1, 0.2, 0.3). The same data and weights are restated on the
Czech University of Life Sciences' ORMS course pages (orms.pef.czu.cz, "Fighter
Aircraft Problem"). The expected closeness values below were worked step by step
from the textbook formulas (written out in ``_by_hand``), not by any MCDA library.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scorer import score_countries
from scorer.cli import main
from scorer.core.aggregation import topsis
from scorer.errors import ConfigError
from scorer.io.criteria_file import parse_criteria_text

AIRCRAFT = [
    [2.0, 1500, 20000, 5.5, 5, 9],
    [2.5, 2700, 18000, 6.5, 3, 5],
    [1.8, 2000, 21000, 4.5, 7, 7],
    [2.2, 1800, 20000, 5.0, 5, 5],
]
WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
BENEFIT = [True, True, True, False, True, True]
ATTRIBUTES = ["speed", "range", "payload", "cost", "reliability", "manoeuvrability"]


def _by_hand() -> list[float]:
    """The textbook steps with plain arithmetic: vector-normalise, weight, ideal and anti-ideal, distances."""
    m, n = len(AIRCRAFT), len(WEIGHTS)
    norms = [math.sqrt(sum(AIRCRAFT[i][j] ** 2 for i in range(m))) for j in range(n)]
    v = [[WEIGHTS[j] * AIRCRAFT[i][j] / norms[j] for j in range(n)] for i in range(m)]
    best = [max(v[i][j] for i in range(m)) if BENEFIT[j] else min(v[i][j] for i in range(m)) for j in range(n)]
    worst = [min(v[i][j] for i in range(m)) if BENEFIT[j] else max(v[i][j] for i in range(m)) for j in range(n)]
    s_plus = [math.sqrt(sum((v[i][j] - best[j]) ** 2 for j in range(n))) for i in range(m)]
    s_minus = [math.sqrt(sum((v[i][j] - worst[j]) ** 2 for j in range(n))) for i in range(m)]
    return [s_minus[i] / (s_plus[i] + s_minus[i]) for i in range(m)]


def test_the_fighter_aircraft_example_by_hand() -> None:
    hand = _by_hand()
    # rounded to 3 decimals as textbooks print them: A1 0.643, A2 0.268, A3 0.614, A4 0.312; A1 > A3 > A4 > A2
    assert [round(c, 3) for c in hand] == [0.643, 0.268, 0.614, 0.312]
    x = np.array(AIRCRAFT, dtype=float) * np.where(BENEFIT, 1.0, -1.0)  # a cost enters negated
    closeness = topsis(x, np.array(WEIGHTS), np.ones(x.shape, dtype=bool))
    assert closeness.closeness == pytest.approx(hand, abs=1e-15)
    # the norm of speed is sqrt(2.0^2 + 2.5^2 + 1.8^2 + 2.2^2) = sqrt(18.33)
    assert closeness.normalised[0, 0] == pytest.approx(2.0 / math.sqrt(18.33), abs=1e-15)


def _aircraft_criteria(root: str = "topsis") -> str:
    lines = ["name: fighter aircraft (Hwang and Yoon 1981)", "id_column: aircraft", "name_column: null"]
    lines += [f"aggregation: {root}", "criteria:"]
    for name, weight, benefit in zip(ATTRIBUTES, WEIGHTS, BENEFIT, strict=True):
        direction = "higher" if benefit else "lower"
        lines += [
            f"  {name}:",
            f"    label: {name}",
            "    cites: Hwang and Yoon 1981",
            f"    weight: {weight}",
            "    aggregation: arithmetic",  # one indicator each: the criterion score is the raw value
            f"    indicators: {{{name}_x: {{column: {name}, normalisation: raw, direction: {direction}}}}}",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def aircraft() -> pd.DataFrame:
    frame = pd.DataFrame(AIRCRAFT, columns=ATTRIBUTES)
    frame.insert(0, "aircraft", ["A1", "A2", "A3", "A4"])
    return frame.astype({c: str for c in frame.columns})


def test_the_pipeline_scores_the_aircraft_like_the_book(aircraft: pd.DataFrame) -> None:
    result = score_countries(aircraft, parse_criteria_text(_aircraft_criteria()))
    assert list(result.table.index) == ["A1", "A3", "A4", "A2"]
    assert result.table["score"].loc[["A1", "A2", "A3", "A4"]].tolist() == pytest.approx(_by_hand(), abs=1e-15)
    assert result.details["score"].loc["A1", "distance_to_ideal"] == pytest.approx(0.0546, abs=5e-5)
    assert result.details["score"].loc["A1", "distance_to_anti_ideal"] == pytest.approx(0.0984, abs=5e-5)


def test_exact_small_example() -> None:
    # columns with norms 5 and 10: r = (0.6, 0.8, 0) and (0, 0.6, 0.8); weights 1/2 each; ideal (0.8, 0.8), anti (0, 0)
    # A: S+ = sqrt(0.1^2 + 0.4^2) = sqrt(0.17), S- = 0.3;  B: S+ = 0.1, S- = 0.5 -> 5/6;  C: S+ = S- = 0.4 -> 1/2
    c = topsis(np.array([[3.0, 0.0], [4.0, 6.0], [0.0, 8.0]]), np.array([1.0, 1.0]), np.ones((3, 2), dtype=bool))
    assert c.closeness.tolist() == pytest.approx([0.3 / (0.3 + math.sqrt(0.17)), 5 / 6, 0.5], abs=1e-15)
    assert c.ideal.tolist() == pytest.approx([0.8, 0.8]) and c.anti_ideal.tolist() == pytest.approx([0.0, 0.0])


def test_a_missing_value_drops_that_column_for_that_row_only() -> None:
    values = np.array([[3.0, np.nan], [4.0, 6.0], [0.0, 8.0]])
    c = topsis(values, np.array([1.0, 1.0]), ~np.isnan(values))
    # column 2's norm is still 10 (over B and C) but its anti-ideal is now B's 0.6.
    # A is judged on column 1 alone (weight 1): r = 0.6 between anti 0 and ideal 0.8 -> 0.6 / 0.8.
    # B: S+ = |0.5 (0.6 - 0.8)| = 0.1 (column 2 at its anti-ideal), S- = 0.5 x 0.8 = 0.4 -> 0.8
    assert c.closeness[0] == pytest.approx(0.6 / 0.8, abs=1e-15)
    assert c.closeness[1] == pytest.approx(0.4 / 0.5, abs=1e-15)


def test_contributions_are_marked_as_not_existing_not_zero(aircraft: pd.DataFrame) -> None:
    result = score_countries(aircraft, parse_criteria_text(_aircraft_criteria()))
    assert result.contributions.isna().all().all()
    assert result.node_contributions.isna().all().all()
    assert list(result.no_contributions) == ["score"]
    assert "TOPSIS" in result.no_contributions["score"]
    e = result.explain("A3")
    assert not e.additive and e.criteria["contribution"].isna().all()
    assert set(e.details["score"]) == {"distance_to_ideal", "distance_to_anti_ideal"}


def test_explain_says_n_a_and_why(aircraft: pd.DataFrame, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = tmp_path / "aircraft.csv", tmp_path / "aircraft.yaml"
    aircraft.to_csv(sheet, index=False)
    crit.write_text(_aircraft_criteria(), encoding="utf-8")
    out = runner.invoke(main, ["explain", "A1", str(sheet), "-c", str(crit)])
    assert out.exit_code == 0, out.output
    assert "Score = sum of contributions" not in out.stdout
    assert "No contributions (n/a) where the score combine: TOPSIS scores the closeness" in out.stdout
    assert "  score: distance to ideal 0.0546, distance to anti ideal 0.0984" in out.stdout
    table = [line for line in out.stdout.splitlines() if line.startswith("speed ")]
    assert table and table[0].rstrip().endswith("n/a")


def test_an_unbounded_normalisation_under_a_geometric_mean_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        parse_criteria_text(_aircraft_criteria(root="geometric"))
    assert err.value.problems[0].key == "criteria.speed.indicators.speed_x.normalisation"
    assert "should be a bounded normalisation (not raw) with aggregation: geometric" in err.value.problems[0].message


def test_json_says_contributions_do_not_exist(aircraft: pd.DataFrame) -> None:
    data = score_countries(aircraft, parse_criteria_text(_aircraft_criteria())).to_dict()
    assert data["contributions_exist"] is False and "TOPSIS" in data["no_contributions"]["score"]
    first = data["countries"][0]
    assert first["id"] == "A1" and first["contributions"] is None
    assert first["criterion_scores"]["speed"] == 2.0  # raw, arithmetic over one indicator


def test_a_topsis_criterion_under_a_weighted_sum_keeps_its_own_contribution() -> None:
    # root: arithmetic over a (TOPSIS of x, y) and b (z); a's contribution exists, x's and y's do not
    criteria = parse_criteria_text(
        "name: mixed\ncriteria:\n"
        "  a:\n    label: A\n    cites: p\n    weight: 1\n    aggregation: topsis\n"
        "    indicators: {x: {column: x, normalisation: raw}, y: {column: y, normalisation: raw}}\n"
        "  b: {label: B, cites: p, weight: 1, indicators: {z: {column: z}}}\n"
    )
    df = pd.DataFrame({"iso3": ["P", "Q", "R"], "x": ["3", "4", "0"], "y": ["0", "6", "8"], "z": ["0", "1", "2"]})
    result = score_countries(df, criteria)
    a = result.node_scores["a"].loc[["P", "Q", "R"]].tolist()
    assert a == pytest.approx([0.3 / (0.3 + math.sqrt(0.17)), 5 / 6, 0.5], abs=1e-15)  # test_exact_small_example
    assert result.node_contributions["a"].tolist() == pytest.approx((result.node_scores["a"] / 2).tolist(), abs=1e-15)
    assert np.allclose(result.node_contributions.sum(axis=1), result.table["score"], atol=1e-15, rtol=0)
    assert result.contributions[["x", "y"]].isna().all().all() and result.contributions["z"].notna().all()
    assert list(result.no_contributions) == ["a"]
    tree = result.explain("Q").tree.set_index("id")
    assert tree.at["a", "contribution"] == pytest.approx(5 / 12) and pd.isna(tree.at["x", "contribution"])
