"""Input and scoring bugs found in review: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scorer import read_countries, score_countries
from scorer.errors import ConfigError, DataError
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import Aggregation

ONE_NUMBER = parse_criteria_text(
    "name: t\nid_column: iso3\ncriteria:\n"
    "  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x, missing: mean}}}\n"
)


def test_a_panel_reports_a_bad_cell_on_the_row_its_value_came_from(tmp_path: Path) -> None:
    # PER's latest x is blank (row 5), so its value comes from 2020, row 4, which holds the bad cell.
    path = tmp_path / "panel.csv"
    path.write_text("iso3,year,x\nDZA,2020,1\nDZA,2021,2\nPER,2020,zz\nPER,2021,\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        score_countries(read_countries(path), ONE_NUMBER)
    assert str(caught.value) == f"{path}: row 4: column 'x': should be a number, but it is 'zz'"


GEOMETRIC_ZSCORE_TEXT = (
    "name: g\naggregation: geometric\ncriteria:\n"
    "  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x, normalisation: zscore}}}\n"
    "  b: {label: B, cites: p, weight: 1, indicators: {y: {column: y}}}\n"
)


def test_geometric_with_zscore_is_refused_by_the_criteria_file() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_criteria_text(GEOMETRIC_ZSCORE_TEXT, file="g.yaml")
    assert str(caught.value) == (
        "g.yaml:4: criteria.a.indicators.x.normalisation: should be a bounded normalisation (not zscore) with "
        "aggregation: geometric, which needs values >= 0, but it is 'zscore'; use minmax, percentile or goalposts, "
        "or aggregation: arithmetic"
    )


def test_geometric_with_zscore_is_refused_even_when_a_constant_column_hides_the_negatives() -> None:
    # A constant column z-scores to 0 everywhere: before, no negative was seen and every score was silently 0.
    arithmetic = parse_criteria_text(GEOMETRIC_ZSCORE_TEXT.replace("geometric", "arithmetic"))
    geometric = arithmetic.model_copy(update={"aggregation": Aggregation.geometric})
    df = pd.DataFrame({"iso3": ["DZA", "PER"], "x": ["3", "3"], "y": ["1", "2"]})
    with pytest.raises(ConfigError, match=r"^criteria\.a\.indicators\.x\.normalisation: should be a bounded"):
        score_countries(df, geometric)


def test_eligibility_reads_numbers_with_the_files_decimal_comma(tmp_path: Path) -> None:
    criteria = parse_criteria_text(
        "name: t\nid_column: iso3\ncriteria:\n"
        "  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x}}}\n"
        "eligibility:\n  - {column: share, min: 0.5, reason: share too low}\n"
    )
    path = tmp_path / "comma.csv"
    path.write_text("iso3;x;share\nDZA;1,5;0,75\nPER;2,5;0,25\nARE;3,5;0,9\n", encoding="utf-8")
    result = score_countries(read_countries(path), criteria)
    assert sorted(result.table.index) == ["ARE", "DZA"]
    assert result.exclusions[["id", "reason"]].values.tolist() == [["PER", "share too low"]]


def test_a_panel_with_two_rows_for_one_country_and_year_is_an_error_not_a_silent_pick(tmp_path: Path) -> None:
    # With --year 2021 this sheet was already an error; by default the second DZA 2021 row silently won.
    path = tmp_path / "panel.csv"
    path.write_text("iso3,year,x\nDZA,2021,1\nDZA,2021,9\nPER,2021,2\nPER,2020,3\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        score_countries(read_countries(path), ONE_NUMBER)
    assert str(caught.value) == (
        f"{path}: row 3: column 'year': country 'DZA' should have one row per year, but row 2 has 2021 too "
        "(keep one row per country and year)"
    )
