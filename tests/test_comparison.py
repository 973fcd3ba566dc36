"""Comparing profiles: values worked by hand on the small table (see test_pipeline)."""

from __future__ import annotations

import json

import pytest

from scorer import load_criteria, read_countries, score_countries
from scorer.analyses.comparison import compare_results
from scorer.cli import main
from scorer.errors import ScoringError
from scorer.resources import criteria_dir
from tests.conftest import SMALL_CRITERIA, write


@pytest.fixture
def two_profiles(small, tmp_path):  # type: ignore[no-untyped-def]
    sheet, crit = small
    other = write(
        tmp_path / "interest_only.yaml",
        SMALL_CRITERIA.replace("weight: 2", "weight: 0").replace(
            "    weight: 1\n    indicators:\n      office", "    weight: 0\n    indicators:\n      office"
        ),
    )
    return sheet, crit, other


def test_compare_by_hand(two_profiles) -> None:
    sheet, crit, other = two_profiles
    df = read_countries(sheet)
    c = compare_results(
        {"base": score_countries(df, load_criteria(crit)), "interest": score_countries(df, load_criteria(other))},
        top_k=2,
    )
    # base order A, D, B, C; interest-only order B (1), C (.5), D (.375), A (0)
    assert c.ranks["rank_base"].to_dict() == {"AAA": 1, "DDD": 2, "BBB": 3, "CCC": 4}
    assert c.ranks["rank_interest"].to_dict() == {"AAA": 4, "DDD": 3, "BBB": 1, "CCC": 2}
    pair = c.pairs.iloc[0]
    assert pair["kendall_tau"] == pytest.approx(-2 / 3)  # 1 concordant, 5 discordant pairs of 6
    assert pair["spearman_rho"] == pytest.approx(-0.8)  # 1 - 6 * 18 / (4 * 15)
    assert pair["top_k_overlap"] == 0
    assert (pair["only_in_a"], pair["only_in_b"]) == ("AAA, DDD", "BBB, CCC")
    changes = {r["id"]: (r["from_tier"], r["to_tier"]) for r in c.tier_changes.to_dict("records")}
    assert changes == {
        "AAA": ("join", "not_now"),
        "DDD": ("consider", "not_now"),
        "BBB": ("consider", "join"),
        "CCC": ("not_now", "consider"),
    }
    assert c.ranks.at["AAA", "shift"] == 3


def test_compare_needs_two(small) -> None:
    sheet, crit = small
    with pytest.raises(ScoringError, match="at least two"):
        compare_results({"a": score_countries(read_countries(sheet), load_criteria(crit))})


def test_compare_cli(runner, two_profiles) -> None:
    sheet, crit, other = two_profiles
    res = runner.invoke(main, ["compare", str(crit), str(other), "-s", str(sheet), "--top", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["pairs"][0]["kendall_tau"] == pytest.approx(-2 / 3)
    res = runner.invoke(main, ["compare", str(crit)])
    assert res.exit_code == 2
    res = runner.invoke(main, ["compare", str(crit), str(crit.parent / "missing.yaml"), "-s", str(sheet)])
    assert (res.exit_code, res.stderr) == (1, f"Error: {crit.parent / 'missing.yaml'}: file not found\n")


def test_compare_bundled_profiles(runner) -> None:
    res = runner.invoke(
        main, ["compare", str(criteria_dir() / "default.yaml"), str(criteria_dir() / "cost_aware.yaml")]
    )
    assert res.exit_code == 0
    assert res.stdout.startswith("Agreement between profiles (top 15):")
