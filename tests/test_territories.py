"""The criteria's territory_rule: a territory's blank cell takes the value of the state through which it applies."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scorer.cli import main
from scorer.errors import ConfigError, DataError
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import TerritoryRule
from scorer.pipeline import score_countries
from scorer.prepare.territories import MAX_CHAIN, apply_territory_rule
from scorer.render.export import quality_frame

CRITERIA = """\
name: territories
criteria:
  engagement:
    label: Engagement
    cites: p
    weight: 1
    indicators:
      in_force: {column: n_in_force, missing: error}
      joined: {column: n_joined, missing: zero}
  office:
    label: Office
    cites: p
    weight: 1
    indicators:
      office: {column: office, normalisation: boolean, missing: worst}
eligibility:
  - {column: has_unct, equals: true, reason: no UNCT}
territory_rule:
  column: through
  indicators: [in_force, office]
"""


def sheet(**changes: list[str]) -> pd.DataFrame:
    """Five rows: two territories of the United Kingdom (one with its own value), one of a territory, the state."""
    data = {
        "iso3": ["AIA", "BMU", "KEN", "GBR", "VGB"],
        "n_in_force": ["", "4", "9", "13", ""],
        "n_joined": ["0", "0", "2", "1", "0"],
        "office": ["", "", "yes", "no", ""],
        "has_unct": ["yes", "yes", "yes", "no", "yes"],
        "through": ["United Kingdom", "GBR", "", "", "AIA"],
    }
    data.update(changes)
    return pd.DataFrame(data)


@pytest.fixture
def criteria():  # type: ignore[no-untyped-def]
    return parse_criteria_text(CRITERIA)


def test_a_blank_territory_cell_takes_its_states_value_and_every_one_is_reported(criteria) -> None:  # type: ignore[no-untyped-def]
    df = sheet()
    before = df.copy()
    r = score_countries(df, criteria, source="t.csv", first_row=2)
    pd.testing.assert_frame_equal(df, before)  # the input is never changed
    assert r.raw.loc["AIA", "in_force"] == 13.0  # GBR's, named as "United Kingdom"
    assert r.raw.loc["BMU", "in_force"] == 4.0  # its own value is kept
    assert r.raw.loc["VGB", "in_force"] == 13.0  # VGB -> AIA (blank) -> GBR
    assert r.raw.loc["AIA", "office"] == 0.0 and r.raw.loc["BMU", "office"] == 0.0  # GBR's "no"
    got = r.inherited[["id", "row", "column", "value", "state"]].values.tolist()
    assert got == [
        ["AIA", 2, "n_in_force", 13.0, "GBR"],
        ["VGB", 6, "n_in_force", 13.0, "GBR"],
        ["AIA", 2, "office", 0.0, "GBR"],
        ["BMU", 3, "office", 0.0, "GBR"],
        ["VGB", 6, "office", 0.0, "GBR"],
    ]
    assert r.inherited.loc[1, "how"] == (
        "value of GBR (United Kingdom of Great Britain and Northern Ireland) via AIA applied through column 'through' "
        "(territory_rule)"
    )
    assert r.imputations.empty  # nothing left for the missing policies
    quality = quality_frame(r)
    assert (quality["kind"] == "inherited").sum() == 5
    e = r.explain("VGB").indicators.set_index("indicator")
    assert e.loc["in_force", "value"] == "13 (value of GBR)"
    assert e.loc["office", "value"] == "no (value of GBR)"
    assert e.loc["in_force", "inherited"] == r.inherited.loc[1, "how"]


def test_without_the_rule_the_blank_cells_are_missing(criteria) -> None:  # type: ignore[no-untyped-def]
    plain = criteria.model_copy(update={"territory_rule": None})
    with pytest.raises(DataError) as info:
        score_countries(sheet(), plain, source="t.csv", first_row=2)
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "n_in_force"), (6, "n_in_force")]


def test_a_state_that_is_not_a_row_is_located(criteria) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as info:
        score_countries(sheet(through=["FRA", "GBR", "", "", ""]), criteria, source="t.csv", first_row=2)
    problem = info.value.problems[0]
    assert problem.format() == (
        "t.csv: row 2: column 'through': should name a row of this sheet (the state through which AIA's values "
        "apply, territory_rule), but no row has the id 'FRA' (add a row for that state (it may be excluded by "
        "eligibility), or correct the id)"
    )


def test_a_chain_going_round_in_a_circle_is_located(criteria) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as info:
        score_countries(sheet(through=["VGB", "GBR", "", "", "AIA"]), criteria, source="t.csv", first_row=2)
    # the rule's problems first; the cells it would have filled are then reported blank too
    assert [(p.code, p.row, p.value) for p in info.value.problems[:2]] == [
        ("data.territory", 2, "VGB"),
        ("data.territory", 6, "AIA"),
    ]
    assert "the chain AIA -> VGB -> AIA goes round in a circle" in info.value.problems[0].message


def test_a_missing_rule_column_is_an_error_naming_the_key_and_the_fix(criteria, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "s.csv"
    sheet().drop(columns="through").to_csv(path, index=False)
    crit = tmp_path / "c.yaml"
    crit.write_text(CRITERIA, encoding="utf-8")
    result = runner.invoke(main, ["rank", str(path), "-c", str(crit)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1] == (
        f"Error: {path}: column 'through': should have a column 'through' (territory_rule.column), but it does not "
        "(add the column (blank on every row whose values are its own), or remove territory_rule from the "
        "criteria file)"
    )


def test_the_rule_names_known_indicators(criteria) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as info:
        parse_criteria_text(CRITERIA.replace("[in_force, office]", "[in_forc, office, office]"), file="c.yaml")
    assert [p.format() for p in info.value.problems] == [
        "c.yaml:20: territory_rule.indicators.0: should be an indicator id (in_force, joined, office), but it is "
        "'in_forc'; did you mean 'in_force'?",
        "c.yaml:20: territory_rule.indicators: should list each indicator once, but repeats ['office']",
    ]


def test_the_demo_territories_get_their_states_treaties_and_explain_says_so(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["explain", "Tokelau"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "treaties_in_force  9 (value of NZL)" in out
    assert "value of NZL (New Zealand) applied through column 'treaties_apply_through' (territory_rule)" in out
    assert "nan" not in out


def test_the_reports_data_quality_lists_every_value_applied_through_a_state() -> None:
    from scorer import demo_result
    from scorer.report import make_report

    page = make_report(demo_result()).html(generated="2026-01-01 00:00 UTC")
    start = page.index('<section id="quality">')
    quality = page[start : page.index("</section>", start)]
    assert "<summary>Values applied through another state (10)</summary>" in quality
    assert "value of NZL (New Zealand) applied through column &#39;treaties_apply_through&#39;" in quality


def test_explain_writes_yes_no_levels_and_sources_for_a_top_country(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["explain", "NGA", "--format", "json"])
    rows = {r["indicator"]: r for r in json.loads(result.stdout)["indicators"]}
    assert rows["external_office"]["value"] == "yes"
    assert rows["gov_ip_interest"]["value"] == "expressed (1)"
    assert rows["wipo_engagement"]["value"] == "missing (left out)"
    assert rows["external_office"]["source"] == "wipo_external_offices (public WIPO and press sources)"
    text = runner.invoke(main, ["explain", "NGA"]).stdout
    assert "nan" not in text and "Where each value comes from:" in text
    assert "external_office: column wipo_external_office; source: wipo_external_offices" in text


def _chain(n: int, *, close: bool) -> tuple[pd.DataFrame, list[str]]:
    """n rows, each through the next; the last has its own value, or (``close``) goes through the first."""
    ids = [f"T{i:05d}" for i in range(n)]
    via = [*ids[1:], ids[0] if close else ""]
    values = [""] * (n - 1) + ["5"]
    return pd.DataFrame({"id": ids, "n": values, "via": via}), ids


def _fill(frame: pd.DataFrame, ids: list[str]):  # type: ignore[no-untyped-def]
    rule = TerritoryRule(column="via", indicators=["n"])
    rows = np.arange(2, len(ids) + 2)
    return apply_territory_rule(frame, rule, ["n"], ids=ids, rows=rows, countries=False, source="t.csv")


def test_a_chain_of_as_many_steps_as_allowed_is_followed_and_one_more_is_located() -> None:
    fill = _fill(*_chain(MAX_CHAIN + 1, close=False))  # MAX_CHAIN steps from the first row to the last
    assert not fill.problems
    assert fill.frame["n"].tolist() == ["5"] * (MAX_CHAIN + 1)
    assert fill.inherited[0].chain == tuple(f"T{i:05d}" for i in range(MAX_CHAIN + 1))
    fill = _fill(*_chain(MAX_CHAIN + 2, close=False))
    assert [(p.row, p.value) for p in fill.problems] == [(2, "T00001")]  # only the first row is one step too far
    assert fill.problems[0].message == (
        f"should reach a state with values of its own within {MAX_CHAIN} steps (territory_rule), but the chain "
        "T00000 -> T00001 -> T00002 -> T00003 -> T00004 -> T00005 -> T00006 -> T00007 -> T00008 -> T00009 -> "
        "T00010 -> ... goes on further"
    )


def test_a_long_chain_or_circle_is_located_in_bounded_work() -> None:
    # issue 16: each row's walk once went to the chain's end, so 3,000 rows took minutes
    # (a walk per row, a list search per step)
    for close in (False, True):
        fill = _fill(*_chain(20_000, close=close))
        assert len(fill.problems) == 20_000 - (MAX_CHAIN + 1) * (not close)
        assert all(p.message.endswith("goes on further") for p in fill.problems)
    fill = _fill(*_chain(3, close=True))
    assert [p.message.split("the chain ")[1] for p in fill.problems] == [
        "T00000 -> T00001 -> T00002 -> T00000 goes round in a circle",
        "T00001 -> T00002 -> T00000 -> T00001 goes round in a circle",
        "T00002 -> T00000 -> T00001 -> T00002 goes round in a circle",
    ]
