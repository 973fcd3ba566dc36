"""Normalisation and aggregation methods: one class each, one registry, one interface."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scorer import load_criteria, read_countries, score_countries
from scorer.core.aggregation import AGGREGATIONS, Aggregation, aggregation_method
from scorer.core.normalisation import NORMALISATIONS, Normalisation, describe, method_of
from scorer.core.scoring import score_matrix
from scorer.errors import ConfigError
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import Indicator
from scorer.pipeline import prepare_countries, score_prepared


def test_every_enum_value_has_exactly_one_registered_method() -> None:
    assert sorted(NORMALISATIONS) == sorted(m.value for m in Normalisation)
    assert sorted(AGGREGATIONS) == sorted(m.value for m in Aggregation)
    assert all(type(m).name == name for name, m in NORMALISATIONS.items())


@pytest.mark.parametrize(
    ("indicator", "i", "target"),
    [
        (Indicator(column="c"), 1, 0.3),
        (Indicator(column="c", direction="lower"), 2, 0.8),
        (Indicator(column="c", normalisation="log_minmax"), 1, 0.5),
        (Indicator(column="c", normalisation="goalposts", bounds=[0, 20]), 0, 0.25),
        (Indicator(column="c", normalisation="goalposts", bounds=[0, 20], direction="lower"), 0, 0.25),
        (Indicator(column="c", normalisation="raw", direction="lower"), 1, -7.0),
    ],
)
def test_invert_gives_the_raw_value_that_scales_back_to_the_target(indicator: Indicator, i: int, target: float) -> None:
    x = np.array([0.0, 3.0, 5.0, 10.0])
    method = method_of(indicator)
    raw = method.invert(target, x, i, indicator)
    assert raw is not None
    moved = x.copy()
    moved[i] = raw
    assert method.scale(moved, indicator)[i] == pytest.approx(target, abs=1e-12)


def test_invert_refuses_what_would_move_the_statistics() -> None:
    x = np.array([0.0, 3.0, 5.0, 10.0])
    assert method_of(Indicator(column="c")).invert(0.5, x, 0, Indicator(column="c")) is None  # the only minimum
    z = Indicator(column="c", normalisation="zscore")
    assert method_of(z).invert(0.0, x, 1, z) is None


def test_discrete_methods_invert_to_the_nearest_level_on_the_asked_side() -> None:
    ordinal = Indicator(column="c", normalisation="ordinal", levels={"none": 0, "low": 1, "high": 3})
    method = method_of(ordinal)
    x = np.array([0.0, 1.0])
    assert method.invert(0.5, x, 0, ordinal) == 3.0  # low scores 1/3 < 0.5, so high (1.0) is needed
    assert method.invert(0.5, x, 0, ordinal, at_least=False) == 1.0
    yes_no = Indicator(column="c", normalisation="boolean", direction="lower")
    assert method_of(yes_no).invert(1.0, x, 0, yes_no) == 0.0  # lower is better: 'no' scores 1


def test_cell_rules_and_words_come_from_the_method() -> None:
    goal = Indicator(column="c", normalisation="goalposts", bounds=[10, 0.5])
    assert goal.bounds == (10, 0.5)
    rule = method_of(Indicator(column="c", normalisation="goalposts", bounds=[0, 100])).cell_rule(
        Indicator(column="c", normalisation="goalposts", bounds=[0, 100])
    )
    assert (rule.kind, rule.minimum, rule.maximum, rule.strict) == ("decimal", 0, 100, False)
    levels = Indicator(column="c", normalisation="ordinal", levels={"a": 0, "b": 1})
    assert method_of(levels).cell_rule(levels).options == ("a", "b")
    assert describe(Indicator(column="c", normalisation="log_minmax", direction="lower")) == (
        "log-transformed (log(1 + x)) then rescaled from 0 (lowest) to 1 (highest); lower values are better"
    )


def test_a_method_parameter_on_another_method_is_refused_with_its_key() -> None:
    with pytest.raises(ConfigError) as err:
        parse_criteria_text(
            "name: x\ncriteria:\n  a: {label: A, cites: p, weight: 1, indicators: "
            "{i: {column: c, normalisation: percentile, levels: {a: 0, b: 1}}}}\n"
        )
    assert [p.key for p in err.value.problems] == ["criteria.a.indicators.i.levels"]
    assert "is only used by ordinal indicators, but normalisation is 'percentile'" in err.value.problems[0].message


def test_aggregation_methods_say_whether_contributions_exist() -> None:
    assert aggregation_method("arithmetic").additive
    for name in ("geometric", "topsis"):
        method = aggregation_method(name)
        assert not method.additive and "add up" in method.no_contributions
        assert method.combine(np.array([[0.5, 1.0]]), np.array([1.0, 1.0]), np.ones((1, 2), bool)).contributions is None


def test_criteria_copies_with_one_choice_swapped(small) -> None:  # type: ignore[no-untyped-def]
    _sheet, crit = small
    criteria = load_criteria(crit)
    swapped = criteria.with_normalisation("rate", "percentile")
    assert swapped.indicator("rate").normalisation is Normalisation.percentile
    assert criteria.indicator("rate").normalisation is Normalisation.minmax  # the original is untouched
    with pytest.raises(ConfigError, match="should be \\[low, high\\] for goalposts"):
        criteria.with_normalisation("rate", "goalposts")
    assert criteria.with_normalisation("rate", "goalposts", bounds=(0, 40)).indicator("rate").bounds == (0, 40)
    assert criteria.with_indicator("cost", missing="mean").indicator("cost").missing.value == "mean"
    with pytest.raises(ConfigError, match="did you mean 'rate'"):
        criteria.with_normalisation("rte", "minmax")
    assert criteria.with_aggregation("geometric", node="interest").nodes()[2].aggregation is Aggregation.geometric


def test_score_prepared_matches_score_countries_for_every_swap(small) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = small
    df, criteria = read_countries(sheet), load_criteria(crit)
    prepared = prepare_countries(df, criteria)
    for variant in (
        criteria,
        criteria.with_normalisation("rate", "percentile"),
        criteria.with_aggregation("geometric"),
        criteria.with_aggregation("topsis"),
    ):
        direct = score_countries(df, variant)
        again = score_prepared(prepared, variant)
        pd.testing.assert_frame_equal(direct.table, again.table)
        # the pure matrix function gives the same scores from the imputed raw matrix
        matrix = score_matrix(direct.raw.to_numpy(dtype=float), variant)
        assert np.array_equal(matrix.scores, direct.table["score"].to_numpy())


def test_score_prepared_refuses_criteria_that_read_cells_differently(small) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = small
    criteria = load_criteria(crit)
    prepared = prepare_countries(read_countries(sheet), criteria)
    with pytest.raises(ConfigError, match="should read the same columns the same way"):
        score_prepared(prepared, criteria.with_normalisation("office", "minmax"))  # yes/no cells read as numbers
