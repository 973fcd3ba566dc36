"""Method uncertainty: the config section, parity with the pipeline and with sensitivity, fixed choices, CLI."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.errors import ConfigError
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import Criteria, MissingPolicy
from scorer.pipeline import prepare_countries, score_prepared
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.tuning import sensitivity
from scorer.uncertainty.analysis import _Design, uncertainty_analysis
from scorer.uncertainty.engine import Batch, build_model
from scorer.uncertainty.factors import build_factors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "criteria" / "uncertainty_example.yaml"


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return read_countries(demo_spreadsheet_path())


def with_section(section: str) -> Criteria:
    """The default criteria with an ``uncertainty:`` section appended."""
    text = default_criteria_path().read_text(encoding="utf-8") + "\n" + section
    return parse_criteria_text(text, file="c.yaml")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_example_file_declares_four_uncertain_inputs() -> None:
    factors = build_factors(load_criteria(EXAMPLE))
    assert factors.names == ["weights", "normalisation", "missing: latest_accession", "aggregation"]
    assert factors.choices[0].options == ("declared", "percentile", "minmax")


def test_rank_is_read_as_percentile() -> None:
    c = with_section("uncertainty:\n  alternatives:\n    normalisation: [declared, rank]\n")
    assert build_factors(c).choices[0].options == ("declared", "percentile")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "uncertainty:\n  alternatives:\n    missing:\n      latest_acession: [mean, worst]\n",
            "uncertainty.alternatives.missing.latest_acession: should name an indicator (wipo_engagement, "
            "recent_accessions, latest_accession, treaties_in_force, external_office, gov_ip_interest), but it is "
            "'latest_acession'; did you mean 'latest_accession'?",
        ),
        (
            "uncertainty:\n  alternatives:\n    normalisation: [declared, zscore]\n"
            "    aggregation: [arithmetic, geometric]\n",
            "uncertainty.alternatives.normalisation: should offer only bounded normalisations (not zscore or raw) "
            "when a geometric mean can be used (it needs values >= 0), but it does not (drop zscore, or drop "
            "geometric from the alternatives)",
        ),
        (
            "uncertainty:\n  alternatives:\n    missing: [declared, group_mean]\n",
            "uncertainty.alternatives.missing: group_mean needs a group column, but indicator 'wipo_engagement' "
            "names no missing_group (add uncertainty.group_column (e.g. region) or a missing_group to the indicator)",
        ),
        (
            "uncertainty:\n  alternatives:\n    aggregation: [arithmetic, arithmetic]\n",
            "uncertainty.alternatives.aggregation: should list each alternative once, but repeats ['arithmetic']",
        ),
    ],
)
def test_bad_sections_are_located_config_errors(section: str, message: str) -> None:
    """Checked when the file loads (so `validate` and `rank` report them too), at the line of the key."""
    with pytest.raises(ConfigError) as info:
        with_section(section)
    text = default_criteria_path().read_text(encoding="utf-8") + "\n" + section
    lines = text.splitlines()
    start = lines.index("uncertainty:")
    last = message.split(":", 1)[0].rsplit(".", 1)[-1] + ":"
    line = next(i for i in range(start, len(lines)) if lines[i].strip().startswith(last)) + 1
    assert info.value.lines() == [f"c.yaml:{line}: {message}"]


def test_validate_and_rank_report_a_bad_section_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = default_criteria_path().read_text(encoding="utf-8") + "\nuncertainty:\n  alternatives:\n"
    path.write_text(text + "    aggregation: [geometric]\n    normalisation: [declared, raw]\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    expected = (
        "uncertainty.alternatives.normalisation: should offer only bounded normalisations (not zscore or raw) "
        "when a geometric mean can be used (it needs values >= 0), but it does not"
    )
    out = run("rank", "-c", str(path))
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines()[-1] == (
        f"Error: {path}:{line}: {expected} (drop zscore, or drop geometric from the alternatives)"
    )
    out = run("validate", "-c", str(path), "--format", "json")
    assert out.exit_code == 1
    (record,) = json.loads(out.stdout)
    assert (record["line"], record["key"]) == (line, "uncertainty.alternatives.normalisation")
    assert record["message"].startswith("should offer only bounded normalisations")


def test_raw_and_topsis_are_alternatives_where_they_are_valid(demo: pd.DataFrame) -> None:
    c = with_section("uncertainty:\n  alternatives:\n    normalisation: [declared, raw]\n    aggregation: [topsis]\n")
    factors = build_factors(c)
    assert [(ch.name, ch.options) for ch in factors.choices] == [
        ("normalisation", ("declared", "raw")),
        ("aggregation", ("topsis",)),
    ]
    result = uncertainty_analysis(demo, c, samples=16, bootstrap=0, weights=False)
    assert [f.name for f in result.factors] == ["normalisation", "aggregation"]
    # with the aggregation fixed, only the normalisation moves the ranks: its total index of the ranks is all of it
    drivers = result.drivers.set_index(["output", "factor"])
    assert drivers.loc[("rank", "aggregation"), "total"] == 0.0


def test_an_unknown_alternative_is_rejected_when_the_file_loads() -> None:
    with pytest.raises(ConfigError) as info:
        with_section("uncertainty:\n  alternatives:\n    aggregation: [arithmetic, median]\n")
    assert "uncertainty.alternatives.aggregation.1" in info.value.lines()[0]


NESTED = """
name: nested
criteria:
  demand:
    label: Demand
    cites: p
    weight: 2
    range: [0.4, 0.8]
    criteria:
      engagement:
        label: Engagement
        cites: p
        weight: 1
        aggregation: arithmetic
        indicators:
          wipo_engagement: {column: wipo_engagement, normalisation: ordinal, levels: {none: 0, low: 1, medium: 2,
            high: 3}, missing: reweight, weight: 0.7}
          ip_activity: {column: patent_res_per_million, normalisation: log_minmax, missing: group_mean,
            missing_group: region, weight: 0.3}
      interest:
        label: Interest
        cites: p
        weight: 1
        indicators:
          gov_ip_interest: {column: gov_ip_interest, normalisation: ordinal, levels: {none: 0, expressed: 1,
            requested: 2.5, included: 4}, missing: worst}
  representation:
    label: Representation
    cites: p
    weight: 1
    indicators:
      external_office: {column: wipo_external_office, normalisation: boolean}
eligibility:
  - {column: has_unct, equals: true, reason: no UNCT}
tiers: [{name: join, top: 15}, {name: rest}]
uncertainty:
  alternatives:
    normalisation:
      ip_activity: [declared, percentile]
    missing:
      ip_activity: [declared, mean]
    aggregation: [arithmetic, geometric, topsis]
"""


def expected_scores(
    demo: pd.DataFrame, c: Criteria, indicator: str, norm: str, missing: str, aggregation: str
) -> pd.DataFrame:
    """The pipeline's own result under one combination of alternatives for ``indicator``."""
    changed = c.with_aggregation(aggregation)
    if norm != "declared":
        changed = changed.with_normalisation(indicator, norm)
    if missing != "declared":
        changed = changed.with_indicator(indicator, missing=MissingPolicy(missing), missing_group=None)
    return score_prepared(prepare_countries(demo, changed), changed).table


@pytest.mark.parametrize("nested", [False, True], ids=["two levels", "nested"])
@pytest.mark.parametrize("lookup", [True, False], ids=["precomputed", "computed"])
def test_every_alternative_reproduces_the_pipeline(demo: pd.DataFrame, nested: bool, lookup: bool) -> None:
    indicator = "ip_activity" if nested else "latest_accession"
    section = "uncertainty:" + NESTED.split("uncertainty:", 1)[1].replace("ip_activity", indicator)
    c = parse_criteria_text(NESTED, file="n.yaml") if nested else with_section(section)
    model, _nominal = build_model(demo, c, build_factors(c))
    assert model.top_variants is not None
    if not lookup:
        model = replace(model, top_variants=None)
    for a, aggregation in enumerate(["arithmetic", "geometric", "topsis"]):
        for n, norm in enumerate(["declared", "percentile"]):
            for m, missing in enumerate(["declared", "mean"]):
                expected = expected_scores(demo, c, indicator, norm, missing, aggregation).loc[model.ids]
                batch = Batch(model.nominal_weights[None], np.array([[n, m, a]]), None)
                outcome = model.evaluate(batch)
                np.testing.assert_allclose(outcome.scores[0], expected["score"].to_numpy(), rtol=0, atol=1e-12)
                assert outcome.ranks[0].tolist() == expected["rank"].tolist(), (aggregation, norm, missing)


def test_with_only_weights_uncertain_it_agrees_with_sensitivity_on_the_same_draws(demo: pd.DataFrame) -> None:
    criteria = load_criteria(default_criteria_path())
    result = uncertainty_analysis(demo, criteria, samples=300, seed=11, bootstrap=0)
    smaa = sensitivity(score_countries(demo, criteria), draws=600, seed=11, data_uncertainty=False).summary
    assert [f.name for f in result.factors] == ["weights"]
    ours = result.summary
    for column in ("p_top_k", "p_join", "p_consider", "p_not_now", "mean_rank"):
        np.testing.assert_array_equal(ours[column].to_numpy(), smaa.loc[ours.index, column].to_numpy(), column)
    for column in ("median_rank", "rank_p05", "rank_p95", "robustness"):
        assert ours[column].tolist() == smaa.loc[ours.index, column].tolist(), column


def test_a_share_of_rank_variance_is_never_said_to_be_over_100_percent(demo: pd.DataFrame) -> None:
    # with 64 base samples Saltelli's first-order estimate of a country's rank variance reaches 2.58 (258%)
    result = uncertainty_analysis(demo, load_criteria(default_criteria_path()), samples=64, bootstrap=0)
    ranks = result.sobol[result.sobol["output"] == "rank"]
    assert (ranks["first"] > 1.05).any()  # the estimate itself is kept, in the Sobol' table
    shares = result.variance_shares()
    assert all(int(text.removesuffix("% weights")) <= 100 for text in shares.values())
    over = ranks.loc[ranks["first"] > 1, "id"].tolist()
    assert over and {shares[i] for i in over} == {"100% weights"}


def test_a_fixed_choice_has_indices_of_zero(demo: pd.DataFrame) -> None:
    c = with_section(
        "uncertainty:\n  weights: false\n  alternatives:\n    normalisation: [declared, percentile]\n"
        "    aggregation: [arithmetic]\n"
    )
    result = uncertainty_analysis(demo, c, samples=128, seed=2, bootstrap=20)
    fixed = result.sobol[(result.sobol["factor"] == "aggregation") & result.sobol["variance"].gt(0)]
    assert len(fixed) > 0
    for column in ("first", "first_low", "first_high", "total", "total_low", "total_high"):
        assert (fixed[column] == 0.0).all(), column
    drivers = result.drivers.set_index(["output", "factor"])
    assert drivers.loc[("rank", "aggregation"), "total"] == 0.0
    assert drivers.loc[("rank", "normalisation"), "total"] > 0.5


JOINED_MISSING = (
    "        # Complete for the 162 (0 when none joined): a blank is an error to fix.\n        missing: error\n"
)


def test_data_error_is_one_factor_and_moves_ranks(demo: pd.DataFrame) -> None:
    text = (
        default_criteria_path()
        .read_text(encoding="utf-8")
        .replace(JOINED_MISSING, JOINED_MISSING + "        uncertainty: 0.3\n", 1)
    )
    c = parse_criteria_text(text + "\nuncertainty:\n  weights: false\n", file="c.yaml")
    result = uncertainty_analysis(demo, c, samples=64, seed=1, bootstrap=0)
    assert [f.name for f in result.factors] == ["data error"]
    assert result.factors[0].options == ("recent_accessions ±30%",)
    moved = result.summary["rank_p95"] > result.summary["rank_p05"]
    assert moved.any()
    totals = result.sobol[(result.sobol["output"] == "rank") & result.sobol["variance"].gt(0)]["total"]
    assert (totals > 0).all()


def test_same_seed_same_numbers_other_seed_other_numbers(demo: pd.DataFrame) -> None:
    c = load_criteria(EXAMPLE)
    one = uncertainty_analysis(demo, c, samples=96, seed=4, bootstrap=10).to_dict()
    two = uncertainty_analysis(demo, c, samples=96, seed=4, bootstrap=10).to_dict()
    other = uncertainty_analysis(demo, c, samples=96, seed=5, bootstrap=10).to_dict()
    assert json.dumps(one) == json.dumps(two)
    assert one["countries"] != other["countries"]


def test_nothing_uncertain_is_a_config_error(demo: pd.DataFrame) -> None:
    c = with_section("uncertainty:\n  weights: false\n")
    with pytest.raises(ConfigError) as info:
        uncertainty_analysis(demo, c, samples=8)
    assert info.value.lines()[0].startswith("uncertainty: should leave at least one input uncertain")


def test_cli_json_equals_the_library_result(demo: pd.DataFrame) -> None:
    out = run("-q", "uncertainty", "-c", str(EXAMPLE), "--samples", "64", "--bootstrap", "5", "--format", "json")
    assert out.exit_code == 0, out.output
    library = uncertainty_analysis(demo, load_criteria(EXAMPLE), samples=64, bootstrap=5)
    assert json.loads(out.stdout) == json.loads(json.dumps(library.to_dict(), allow_nan=False, default=str))


def test_cli_table_leads_with_the_answer_and_writes_markdown(tmp_path: Path) -> None:
    target = tmp_path / "u.md"
    out = run("uncertainty", "-c", str(EXAMPLE), "--samples", "64", "--bootstrap", "0", "-o", str(target))
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].startswith("Method uncertainty: 64 base samples, 384 runs (seed 20210816), varying jointly:")
    assert any(line.startswith("In the top 15 (tier 'join') whatever the choices (") for line in lines)
    assert any(line.startswith("What drives the ranks") for line in lines)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Method uncertainty: ")
    assert "## Drivers" in text and "## Sobol" in text and "## Provenance" in text


def test_cli_bad_option_and_bad_output_exit_with_one_line() -> None:
    out = run("uncertainty", "--samples", "1")
    assert out.exit_code == 2
    out = run("uncertainty", "--samples", "8", "-o", "u.txt")
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines() == [
        "Error: u.txt: should end in one of .csv, .json, .xlsx, .md, but it ends in '.txt'"
    ]


def test_by_choice_averages_back_to_the_overall_chances(demo: pd.DataFrame) -> None:
    result = uncertainty_analysis(demo, load_criteria(EXAMPLE), samples=200, seed=9, bootstrap=0)
    b = result.by_choice
    assert set(b["factor"]) == {"normalisation", "missing: latest_accession", "aggregation"}
    for _factor, part in b.groupby("factor"):
        per_option = part.groupby("option")["samples"].first()
        assert per_option.sum() == 400
        weighted = (part["p_top_k"] * part["samples"]).groupby(part["id"]).sum() / 400
        np.testing.assert_allclose(weighted.loc[result.summary.index], result.summary["p_top_k"], atol=1e-12)
        mean = (part["mean_rank"] * part["samples"]).groupby(part["id"]).sum() / 400
        np.testing.assert_allclose(mean.loc[result.summary.index], result.summary["mean_rank"], atol=1e-9)


def test_cli_bad_uncertainty_section_is_one_located_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        default_criteria_path().read_text(encoding="utf-8")
        + "\nuncertainty:\n  alternatives:\n    normalisation:\n      treaties: [declared, rank]\n",
        encoding="utf-8",
    )
    out = run("uncertainty", "-c", str(path), "--samples", "8")
    assert out.exit_code == 1
    line = len(default_criteria_path().read_text(encoding="utf-8").splitlines()) + 5
    assert out.stderr.strip().splitlines() == [
        f"Error: {path}:{line}: uncertainty.alternatives.normalisation.treaties: should name an indicator "
        "(wipo_engagement, recent_accessions, latest_accession, treaties_in_force, external_office, gov_ip_interest), "
        "but it is 'treaties'; did you mean 'treaties_in_force'?"
    ]


def test_cli_csv_is_the_summary(demo: pd.DataFrame) -> None:
    out = run("-q", "uncertainty", "-c", str(EXAMPLE), "--samples", "32", "--bootstrap", "0", "--format", "csv")
    assert out.exit_code == 0
    frame = pd.read_csv(io.StringIO(out.stdout))
    library = uncertainty_analysis(demo, load_criteria(EXAMPLE), samples=32, bootstrap=0).summary
    assert frame["id"].tolist() == library.index.tolist()
    np.testing.assert_allclose(frame["p_top_k"], library["p_top_k"])
    assert frame["rank_p95"].tolist() == library["rank_p95"].tolist()


def test_with_data_noise_looking_up_the_quiet_criteria_changes_nothing(demo: pd.DataFrame) -> None:
    c = load_criteria(EXAMPLE).with_indicator("recent_accessions", uncertainty=0.2)
    factors = build_factors(c)
    assert factors.names[-1] == "data error"
    model, _nominal = build_model(demo, c, factors)
    design = _Design(model, factors, c, 64, 3)
    batch = design.batch(0, 64)
    assert batch.noise is not None
    fast = model.evaluate(batch)
    slow = replace(model, top_variants=None).evaluate(batch)
    np.testing.assert_array_equal(fast.scores, slow.scores)
    np.testing.assert_array_equal(fast.ranks, slow.ranks)
