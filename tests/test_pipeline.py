"""The scoring pipeline on a table small enough to work by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scorer import DataError, load_criteria, read_countries, score_countries
from scorer.errors import ConfigError, ScoringError
from scorer.io.criteria_file import parse_criteria_text
from scorer.resources import shown_path
from tests.conftest import SMALL_CRITERIA


@pytest.fixture
def result(small):
    sheet, crit = small
    return score_countries(read_countries(sheet), load_criteria(crit))


def test_hand_worked_scores(result) -> None:
    # Worked by hand. Criterion weights 2:1:1 -> 0.5, 0.25, 0.25.
    # engagement (ordinal none 0, low 1, high 3 -> /3): A 1, B 1/3, C 0, D 1/3
    # representation (boolean): A 1, B 0, C 0, D 1
    # interest = 0.75 * minmax(rate 10,30,20,20) + 0.25 * (1 - minmax(cost 5,1,3,5))
    #   A: 0.75*0 + 0.25*0 = 0;  B: 0.75*1 + 0.25*1 = 1;  C: 0.75*0.5 + 0.25*0.5 = 0.5;  D: 0.375 + 0 = 0.375
    # score = 0.5 e + 0.25 r + 0.25 i
    #   A 0.5+0.25+0 = 0.75; B 1/6+0+0.25 = 0.416667; C 0+0+0.125 = 0.125; D 1/6+0.25+0.09375 = 0.510417
    expected = {"AAA": 0.75, "BBB": 1 / 6 + 0.25, "CCC": 0.125, "DDD": 1 / 6 + 0.25 + 0.09375}
    for ident, score in expected.items():
        assert result.table.at[ident, "score"] == pytest.approx(score, abs=1e-15)
    assert list(result.table.index) == ["AAA", "DDD", "BBB", "CCC"]
    assert list(result.table["rank"]) == [1, 2, 3, 4]
    # tiers: join = top 1; consider = score >= 0.4; else not_now
    assert list(result.table["tier"]) == ["join", "consider", "consider", "not_now"]
    assert result.table.at["DDD", "engagement"] == pytest.approx(1 / 6)
    assert result.table.at["DDD", "interest"] == pytest.approx(0.09375)


def test_contributions_sum_exactly_and_weights_are_normalised(result) -> None:
    crit = result.table[["engagement", "representation", "interest"]].sum(axis=1)
    assert np.allclose(crit, result.table["score"], atol=1e-15, rtol=0)
    assert np.allclose(result.contributions.sum(axis=1), result.table["score"], atol=1e-15, rtol=0)
    assert result.weights.to_dict() == {"engagement": 0.5, "representation": 0.25, "interest": 0.25}
    assert result.indicator_weights_within.to_dict() == {"level": 1.0, "office": 1.0, "rate": 0.75, "cost": 0.25}


def test_explain_reads_the_result(result) -> None:
    e = result.explain("delta")
    assert (e.id, e.rank, e.tier) == ("DDD", 2, "consider")
    row = e.indicators.set_index("indicator").loc["rate"]
    assert row["raw"] == 20 and row["normalised"] == pytest.approx(0.5)
    assert row["weight"] == pytest.approx(0.25 * 0.75)
    assert e.indicators.set_index("indicator").loc["level", "level"] == "low"
    assert e.indicators["contribution"].sum() == pytest.approx(e.score, abs=1e-15)


def test_explain_unknown_country_suggests(result) -> None:
    with pytest.raises(DataError, match=r"'Gama' should be a country id or name .* did you mean 'Gamma'\?"):
        result.explain("Gama")
    assert result.explain("Delt").id == "DDD"  # unique partial match


def test_ties_share_rank_and_order_is_by_id() -> None:
    crit = parse_criteria_text(
        "name: t\ncriteria:\n  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x}}}\n"
    )
    df = pd.DataFrame({"iso3": ["ZZZ", "AAA", "MMM"], "x": ["1", "1", "0"]})
    r = score_countries(df, crit)
    assert list(r.table.index) == ["AAA", "ZZZ", "MMM"]
    assert list(r.table["rank"]) == [1, 1, 3]


def test_input_frame_is_not_modified(small) -> None:
    sheet, crit = small
    df = read_countries(sheet)
    before = df.copy()
    score_countries(df, load_criteria(crit), weights={"engagement": 5})
    pd.testing.assert_frame_equal(df, before)


def _one_indicator(policy: str, extra: str = "") -> str:
    return (
        "name: t\ncriteria:\n  a:\n    label: A\n    cites: p\n    weight: 1\n    indicators:\n"
        f"      x: {{column: x, missing: {policy}{extra}}}\n      y: {{column: y}}\n"
    )


@pytest.mark.parametrize(
    ("policy", "extra", "filled"),
    [
        ("zero", "", 0.0),
        ("worst", "", 2.0),
        ("mean", "", 5.0),
        ("median", "", 4.0),
        ("group_mean", ", missing_group: region", 3.0),
    ],
)
def test_missing_policies(policy: str, extra: str, filled: float) -> None:
    df = pd.DataFrame(
        {
            "iso3": ["A", "B", "C", "D"],
            "region": ["Africa", "Africa", "Asia", "Africa"],
            "x": ["2", "4", "9", ""],
            "y": ["1", "2", "3", "4"],
        }
    )
    r = score_countries(df, parse_criteria_text(_one_indicator(policy, extra)))
    assert r.raw.at["D", "x"] == pytest.approx(filled)
    imp = r.imputations.iloc[0]
    assert (imp["id"], imp["indicator"], imp["row"], imp["policy"]) == ("D", "x", 5, policy)
    assert r.table.at["D", "coverage"] == 0.5


def test_reweight_drops_the_cell_and_renormalises_the_criterion() -> None:
    df = pd.DataFrame({"iso3": ["A", "B", "C"], "x": ["0", "10", ""], "y": ["0", "10", "5"]})
    r = score_countries(df, parse_criteria_text(_one_indicator("reweight")))
    # C: only y counts, minmax(y)=0.5, so its score is 0.5 with y's weight 1.0
    assert r.table.at["C", "score"] == pytest.approx(0.5)
    assert r.indicator_weights.at["C", "y"] == 1.0 and r.indicator_weights.at["C", "x"] == 0.0
    assert r.contributions.loc["C"].sum() == pytest.approx(0.5)


def test_missing_error_policy_reports_every_cell(small) -> None:
    df = pd.DataFrame({"iso3": ["A", "B", "C"], "x": ["", "1", ""], "y": ["1", "x", "3"]})
    with pytest.raises(DataError) as exc:
        score_countries(df, parse_criteria_text(_one_indicator("error")), source="s.csv")
    assert exc.value.lines() == [
        "s.csv: row 2: column 'x': should have a value (the criteria say missing: error), but it is blank "
        "(fill it in, or set a missing policy for this indicator)",
        "s.csv: row 4: column 'x': should have a value (the criteria say missing: error), but it is blank "
        "(fill it in, or set a missing policy for this indicator)",
        "s.csv: row 3: column 'y': should be a number, but it is 'x'",
    ]


def test_eligibility_excludes_with_reason() -> None:
    text = _one_indicator("zero") + (
        "eligibility:\n  - {column: unct, equals: true, reason: no UNCT}\n"
        "  - {column: pop, min: 100, reason: too small}\n"
    )
    df = pd.DataFrame(
        {
            "iso3": ["A", "B", "C"],
            "unct": ["yes", "no", "Oui"],
            "pop": ["500", "500", "50"],
            "x": ["1", "2", "3"],
            "y": ["1", "2", "3"],
        }
    )
    r = score_countries(df, parse_criteria_text(text))
    assert list(r.table.index) == ["A"]
    assert r.exclusions.set_index("id")["reason"].to_dict() == {"B": "no UNCT", "C": "too small"}
    with pytest.raises(DataError, match="excluded by eligibility"):
        r.explain("B")


def test_nobody_eligible_is_a_clear_error() -> None:
    text = _one_indicator("zero") + "eligibility:\n  - {column: x, min: 100, reason: small}\n"
    df = pd.DataFrame({"iso3": ["A"], "x": ["1"], "y": ["1"]})
    with pytest.raises(ScoringError, match="no country passes the eligibility rules"):
        score_countries(df, parse_criteria_text(text))


def test_missing_columns_and_duplicates_reported_together() -> None:
    df = pd.DataFrame({"iso3": ["A", "A", ""], "x": ["1", "2", "3"]})
    with pytest.raises(DataError) as exc:
        score_countries(df, parse_criteria_text(_one_indicator("zero")), source="s.csv")
    assert exc.value.lines() == [
        "s.csv: column 'y': should have a column 'y' (criteria.a.indicators.y.column), but it does not",
    ]
    df["y"] = ["1", "2", "3"]
    with pytest.raises(DataError) as exc:
        score_countries(df, parse_criteria_text(_one_indicator("zero")), source="s.csv")
    assert exc.value.lines() == [
        "s.csv: row 3: column 'iso3': country 'A' should appear once, but it also appears on row 2",
        "s.csv: row 4: column 'iso3': should hold a country id, but it is blank",
    ]


def test_weights_override_checks_names() -> None:
    crit = parse_criteria_text(SMALL_CRITERIA)
    df = pd.DataFrame({"iso3": ["A"], "level": ["low"], "office": ["no"], "rate": ["1"], "cost": ["1"]})
    with pytest.raises(ConfigError, match=r"weights.engagment: should be a criterion id .* did you mean 'engagement'"):
        score_countries(df, crit, weights={"engagment": 1})
    with pytest.raises(ConfigError, match="should not all be 0"):
        score_countries(df, crit, weights={"engagement": 0, "representation": 0, "interest": 0})


def test_geometric_aggregation() -> None:
    text = (
        "name: g\naggregation: geometric\ncriteria:\n"
        "  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x, normalisation: goalposts, bounds: [0, 4]}}}\n"
        "  b: {label: B, cites: p, weight: 1, indicators: {y: {column: y, normalisation: goalposts, bounds: [0, 4]}}}\n"
    )
    df = pd.DataFrame({"iso3": ["A", "B"], "x": ["1", "4"], "y": ["4", "0"]})
    r = score_countries(df, parse_criteria_text(text))
    assert r.table.at["A", "score"] == pytest.approx(0.5)  # sqrt(0.25 * 1)
    assert r.table.at["B", "score"] == 0.0


def test_illustrative_stand_in_is_flagged() -> None:
    df = pd.DataFrame({"iso3": ["A", "B"], "illustrative_x": ["1", "2"], "y": ["1", "2"]})
    r = score_countries(df, parse_criteria_text(_one_indicator("zero")))
    assert r.illustrative == {"x": "illustrative_x"}
    assert r.notes and r.notes[0].startswith("ILLUSTRATIVE DATA")
    # a real column takes precedence over the stand-in
    df["x"] = ["5", "6"]
    assert score_countries(df, parse_criteria_text(_one_indicator("zero"))).illustrative == {}


def test_demo_ranks_all_162_with_illustrative_note(demo_paths) -> None:
    sheet, crit = demo_paths
    r = score_countries(read_countries(sheet), load_criteria(crit))
    assert len(r.table) == 162 and r.table["rank"].min() == 1
    assert (r.table["tier"] == "join").sum() == 15
    assert set(r.illustrative.values()) == {"illustrative_gov_ip_interest"}
    assert np.allclose(r.contributions.sum(axis=1), r.table["score"], atol=1e-12)


def test_an_entirely_blank_column_is_noted() -> None:
    df = pd.DataFrame({"iso3": ["A", "B"], "x": ["", ""], "y": ["1", "2"]})
    r = score_countries(df, parse_criteria_text(_one_indicator("reweight")))
    # an optional input (reweight, with other indicators in its criterion): the ranking stands without it
    assert r.notes == [
        "column 'x' is blank for every eligible country, so indicator 'x' is left out (missing: reweight) "
        "and criterion 'a' rests on its other indicators; fill it in to use it"
    ]
    assert r.table["score"].tolist() == [1.0, 0.0]
    r = score_countries(df, parse_criteria_text(_one_indicator("zero")))
    assert r.notes == [
        "column 'x' is blank for every eligible country, so indicator 'x' (criterion 'a') is handled entirely "
        "by its missing-data policy (zero); fill it in for a meaningful ranking"
    ]


def test_explain_finds_a_country_by_any_spelling(demo_paths) -> None:
    sheet, crit = demo_paths
    r = score_countries(read_countries(sheet), load_criteria(crit))
    assert r.explain("Algérie").id == "DZA"  # French
    assert r.explain("Vietnam").id == "VNM"  # common variant
    assert r.explain("Кения").id == "KEN"  # Russian


def test_explain_a_real_country_missing_from_the_sheet(demo_paths) -> None:
    sheet, crit = demo_paths
    r = score_countries(read_countries(sheet), load_criteria(crit))
    with pytest.raises(DataError) as exc:
        r.explain("FRA")  # France has no UN Country Team, so it is not in the demo
    assert exc.value.lines() == [
        f"France (FRA) should be a row of {shown_path(str(sheet))} to be explained, but it is not in it"
    ]
