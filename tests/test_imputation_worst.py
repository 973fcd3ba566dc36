"""``missing: worst`` takes the scale's worst value where the scale has one, not the worst someone entered."""

from __future__ import annotations

import numpy as np
import pandas as pd

from scorer import score_countries
from scorer.core.imputation import impute
from scorer.model.criteria import Criteria, Indicator

LEVELS = {"none": 0, "expressed": 1, "requested": 2.5, "included": 4}


def test_a_blank_level_counts_as_the_lowest_level_even_when_nobody_is_rated_lowest() -> None:
    ind = Indicator(column="c", normalisation="ordinal", levels=LEVELS, missing="worst")
    values, how = impute(np.array([4.0, np.nan, 2.5]), ind)
    assert values.tolist() == [4.0, 0.0, 2.5]
    assert how[1] == "set to the scale's worst value (none)"


def test_lower_is_better_levels_take_the_highest_level() -> None:
    ind = Indicator(column="c", normalisation="ordinal", levels=LEVELS, missing="worst", direction="lower")
    assert impute(np.array([1.0, np.nan]), ind)[0].tolist() == [1.0, 4.0]


def test_yes_no_blank_is_no_and_goalposts_keep_the_worst_observed_value() -> None:
    yes_no = Indicator(column="c", normalisation="boolean", missing="worst")
    assert impute(np.array([1.0, np.nan]), yes_no)[0].tolist() == [1.0, 0.0]
    posts = Indicator(column="c", normalisation="goalposts", bounds=(10, 90), missing="worst")
    assert impute(np.array([50.0, np.nan, 5.0]), posts)[0].tolist() == [50.0, 5.0, 5.0]


def test_open_scale_keeps_the_worst_observed_value() -> None:
    ind = Indicator(column="c", missing="worst")
    values, how = impute(np.array([3.0, np.nan, 7.0]), ind)
    assert values.tolist() == [3.0, 3.0, 7.0]
    assert how[1] == "set to the worst observed value"


def test_a_blank_scale_with_a_worst_value_is_filled_even_when_nothing_is_observed() -> None:
    ind = Indicator(column="c", normalisation="ordinal", levels=LEVELS, missing="worst")
    assert impute(np.array([np.nan, np.nan]), ind)[0].tolist() == [0.0, 0.0]


def test_unknown_interest_scores_like_none_in_a_ranking() -> None:
    # Before: with only one country rated "included", a blank took "included" and scored the full weight.
    criteria = Criteria.model_validate(
        {
            "version": 1,
            "name": "t",
            "criteria": {
                "interest": {
                    "label": "Interest",
                    "cites": "para. 11(3)",
                    "weight": 1,
                    "indicators": {
                        "gov": {"column": "gov", "normalisation": "ordinal", "levels": LEVELS, "missing": "worst"}
                    },
                },
            },
        }
    )
    sheet = pd.DataFrame({"iso3": ["KEN", "CHN", "FRA"], "gov": ["included", "", "none"]})
    table = score_countries(sheet, criteria).table
    assert table.loc["CHN", "score"] == table.loc["FRA", "score"] == 0.0
    assert table.loc["KEN", "score"] == 1.0
