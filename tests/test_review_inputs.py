"""Input and scoring bugs found in review: each test failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer import read_countries, score_countries
from scorer.errors import DataError
from scorer.io.criteria_file import parse_criteria_text

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
