"""Shared offices (--group-by): members combined by mean, max or population weights, worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scorer import DataError, load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.errors import ConfigError
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import GroupRule, Indicator
from scorer.prepare.grouping import combine_values, group_key
from scorer.render.export import ranking_frame
from tests.conftest import SMALL_CRITERIA, write

# The small criteria of tests/conftest.py (level 2, office 1, interest 1 = 0.5, 0.25, 0.25;
# interest = 0.75 rate + 0.25 cost, cost lower is better), on five countries in three offices:
# X = {AAA, BBB}, Y = {CCC}, Z = {DDD, EEE}.
GROUPED_SHEET = """\
iso3,name,office_id,population,level,office,rate,cost
AAA,Alpha,X,1,high,yes,10,5
BBB,Beta,X,3,low,no,30,1
CCC,Gamma,Y,2,none,no,20,3
DDD,Delta,Z,4,low,yes,20,5
EEE,Epsilon,Z,4,none,no,40,3
"""


def criteria_with(rule: str | None, extra: str = "") -> str:
    text = SMALL_CRITERIA + extra
    return text if rule is None else text + f"grouping:\n  rule: {rule}\n"


def score(tmp_path: Path, rule: str | None, sheet: str = GROUPED_SHEET, extra: str = "", **kw: object):  # type: ignore[no-untyped-def]
    df = read_countries(write(tmp_path / "sheet.csv", sheet))
    return score_countries(df, load_criteria(write(tmp_path / "c.yaml", criteria_with(rule, extra))), **kw)


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_mean_worked_by_hand(tmp_path: Path) -> None:
    # Office raw values (mean of members):
    #   X: level (3+1)/2 = 2, office (1+0)/2 = 0.5 (a share), rate 20, cost 3
    #   Y: level 0, office 0, rate 20, cost 3
    #   Z: level (1+0)/2 = 0.5, office 0.5, rate 30, cost 4
    # Normalised over the three offices (each counted once):
    #   level /3: X 2/3, Y 0, Z 1/6;  office: X .5, Y 0, Z .5
    #   rate minmax {20, 20, 30}: X 0, Y 0, Z 1;  cost lower {3, 3, 4}: X 1, Y 1, Z 0
    #   interest = .75 rate + .25 cost: X .25, Y .25, Z .75
    # score = .5 level + .25 office + .25 interest:
    #   X 1/3 + .125 + .0625;  Y .0625;  Z 1/12 + .125 + .1875
    r = score(tmp_path, "mean", group_by="office_id")
    assert r.raw.loc["X"].tolist() == [2.0, 0.5, 20.0, 3.0]
    assert r.raw.loc["Z"].tolist() == [0.5, 0.5, 30.0, 4.0]
    expected = {"X": 1 / 3 + 0.125 + 0.0625, "Y": 0.0625, "Z": 1 / 12 + 0.125 + 0.1875}
    for office, value in expected.items():
        assert r.table.at[office, "score"] == pytest.approx(value, abs=1e-15)
    assert list(r.table.index) == ["X", "Z", "Y"]
    assert list(r.table["rank"]) == [1, 2, 3]
    assert r.table.at["X", "members"] == "AAA, BBB" and r.table.at["X", "n_members"] == 2
    assert r.table.at["X", "name"] == "Alpha, Beta (2 members)"
    assert r.table.at["Y", "name"] == "Gamma"
    assert np.allclose(r.contributions.sum(axis=1), r.table["score"], atol=1e-15, rtol=0)


def test_max_takes_the_best_member_by_direction(tmp_path: Path) -> None:
    # Best member per indicator (cost is lower-is-better, so its best is the minimum):
    #   X: level 3, office 1, rate 30, cost min(5, 1) = 1
    #   Y: level 0, office 0, rate 20, cost 3
    #   Z: level 1, office 1, rate 40, cost min(5, 3) = 3
    # Normalised: level X 1, Y 0, Z 1/3; office X 1, Y 0, Z 1;
    #   rate {30, 20, 40}: X .5, Y 0, Z 1; cost lower {1, 3, 3}: X 1, Y 0, Z 0
    #   interest: X .375 + .25 = .625, Y 0, Z .75
    # score: X .5 + .25 + .15625 = .90625; Y 0; Z 1/6 + .25 + .1875
    r = score(tmp_path, "max", group_by="office_id")
    assert r.raw.loc["X"].tolist() == [3.0, 1.0, 30.0, 1.0]
    assert r.raw.loc["Z"].tolist() == [1.0, 1.0, 40.0, 3.0]
    expected = {"X": 0.90625, "Y": 0.0, "Z": 1 / 6 + 0.25 + 0.1875}
    for office, value in expected.items():
        assert r.table.at[office, "score"] == pytest.approx(value, abs=1e-15)
    assert list(r.table.index) == ["X", "Z", "Y"]


def test_population_weighted_worked_by_hand(tmp_path: Path) -> None:
    # Populations AAA 1, BBB 3 (X); CCC 2 (Y, alone); DDD 4, EEE 4 (Z, equal weights):
    #   X: level (3*1 + 1*3)/4 = 1.5, office 1/4, rate (10 + 90)/4 = 25, cost (5 + 3)/4 = 2
    #   Y: level 0, office 0, rate 20, cost 3;  Z: level .5, office .5, rate 30, cost 4
    # Normalised: level X .5, Y 0, Z 1/6; office X .25, Y 0, Z .5;
    #   rate {25, 20, 30}: X .5, Y 0, Z 1; cost lower {2, 3, 4}: X 1, Y .5, Z 0
    #   interest: X .625, Y .125, Z .75
    # score: X .25 + .0625 + .15625 = .46875; Y .03125; Z 1/12 + .125 + .1875
    r = score(tmp_path, "population_weighted", group_by="office_id")
    assert r.raw.loc["X"].tolist() == [1.5, 0.25, 25.0, 2.0]
    expected = {"X": 0.46875, "Y": 0.03125, "Z": 1 / 12 + 0.125 + 0.1875}
    for office, value in expected.items():
        assert r.table.at[office, "score"] == pytest.approx(value, abs=1e-15)
    assert r.offices is not None and r.offices.members.at["BBB", "population"] == 3.0


def test_combine_values_rules() -> None:
    x = np.array([1.0, 4.0, np.nan])
    assert combine_values(x, GroupRule.mean, Indicator(column="c")) == 2.5
    assert combine_values(x, GroupRule.max, Indicator(column="c")) == 4.0
    assert combine_values(x, GroupRule.max, Indicator(column="c", direction="lower")) == 1.0
    assert combine_values(x, GroupRule.population_weighted, Indicator(column="c"), np.array([3.0, 1.0, 5.0])) == 1.75
    assert np.isnan(combine_values(np.array([np.nan, np.nan]), GroupRule.mean, Indicator(column="c")))
    # A lone value is kept exactly (no w * x / w rounding).
    assert (
        combine_values(
            np.array([0.1, np.nan]), GroupRule.population_weighted, Indicator(column="c"), np.array([3.0, 7.0])
        )
        == 0.1
    )


def test_group_key_reads_cells_as_people_type_them() -> None:
    assert [group_key(v) for v in (252.0, 252, " MCO\u00a0Samoa ", "n/a", None, float("nan"))] == [
        "252",
        "252",
        "MCO Samoa",
        "",
        "",
        "",
    ]


def test_without_group_by_nothing_changes(tmp_path: Path) -> None:
    plain = score(tmp_path, "max")
    assert plain.offices is None
    assert "members" not in plain.table.columns
    assert ranking_frame(plain).columns.tolist()[-1] == "coverage"
    assert list(plain.table.index) == ["AAA", "DDD", "BBB", "EEE", "CCC"]


def test_grouping_by_the_id_column_gives_the_country_ranking(tmp_path: Path) -> None:
    # Every office has one member: combining is the identity, so scores are exactly the ungrouped ones.
    for rule in ("mean", "max", "population_weighted"):
        plain = score(tmp_path, rule)
        alone = score(tmp_path, rule, group_by="iso3")
        assert alone.table["score"].tolist() == plain.table["score"].tolist()
        assert list(alone.table.index) == list(plain.table.index)
        assert alone.table["name"].tolist() == plain.table["name"].tolist()


def test_members_blanks_are_imputed_from_countries_not_from_their_office(tmp_path: Path) -> None:
    sheet = GROUPED_SHEET.replace("BBB,Beta,X,3,low,no,30,1", "BBB,Beta,X,3,low,no,,1")
    mean_policy = SMALL_CRITERIA.replace("        column: rate\n", "        column: rate\n        missing: mean\n")
    df = read_countries(write(tmp_path / "sheet.csv", sheet))
    r = score_countries(df, load_criteria(write(tmp_path / "c.yaml", mean_policy)), group_by="office_id")
    # BBB's rate = mean over the eligible countries' observed rates (10, 20, 20, 40) = 22.5, not AAA's 10;
    # then X's rate = (10 + 22.5) / 2.
    assert r.raw.at["X", "rate"] == pytest.approx(16.25)
    imputed = r.imputations.set_index("id")
    assert imputed.at["BBB", "value"] == pytest.approx(22.5) and imputed.at["BBB", "row"] == 3
    e = r.explain("X").indicators.set_index("indicator")
    assert e.at["rate", "imputed"] == "BBB: mean of 4 observed values"
    assert e.at["rate", "members"] == "AAA 10, BBB 22.5"


def test_a_member_left_out_by_reweight_is_left_out_of_its_office(tmp_path: Path) -> None:
    sheet = GROUPED_SHEET.replace("BBB,Beta,X,3,low,no,30,1", "BBB,Beta,X,3,low,no,,1")
    reweight = SMALL_CRITERIA.replace("        column: rate\n", "        column: rate\n        missing: reweight\n")
    df = read_countries(write(tmp_path / "sheet.csv", sheet))
    r = score_countries(df, load_criteria(write(tmp_path / "c.yaml", reweight)), group_by="office_id")
    assert r.raw.at["X", "rate"] == 10.0
    assert r.table.at["X", "coverage"] == pytest.approx(7 / 8)


def test_eligibility_applies_to_members_and_an_office_needs_one_eligible_member(tmp_path: Path) -> None:
    sheet = "iso3,name,office_id,population,level,office,rate,cost,ok\n" + "".join(
        line + f",{ok}\n"
        for line, ok in zip(GROUPED_SHEET.splitlines()[1:], ["yes", "yes", "no", "yes", "no"], strict=True)
    )
    gate = "eligibility:\n  - {column: ok, equals: true, reason: not ok}\n"
    r = score(tmp_path, "mean", sheet=sheet, extra=gate, group_by="office_id")
    assert list(r.table.index) == ["X", "Z"]  # Y's only member is excluded
    assert r.table.at["Z", "members"] == "DDD" and r.table.at["Z", "name"] == "Delta"
    assert r.raw.loc["Z"].tolist() == [1.0, 1.0, 20.0, 5.0]
    assert sorted(r.exclusions["id"]) == ["CCC", "EEE"]
    assert any("office 'Z' is ranked on its 1 eligible member(s); excluded by eligibility: EEE" in n for n in r.notes)
    # A blank office is fine for an excluded country.
    blank = sheet.replace("CCC,Gamma,Y,", "CCC,Gamma,,")
    assert len(score(tmp_path, "mean", sheet=blank, extra=gate, group_by="office_id").table) == 2


def test_explain_an_office_or_a_member(tmp_path: Path) -> None:
    r = score(tmp_path, "mean", group_by="office_id")
    by_member = r.explain("beta")
    assert (by_member.id, by_member.rank) == ("X", 1)
    assert "Beta (BBB) is a member of office 'X', ranked as one unit" in by_member.notes
    assert "office 'X' (office_id): 2 members (AAA, BBB), each indicator taken as the mean of its members' values" in (
        by_member.notes
    )
    by_office = r.explain("X")
    assert by_office.indicators.set_index("indicator").at["level", "members"] == "AAA high (3), BBB low (1)"
    assert by_office.indicators.set_index("indicator").at["office", "members"] == "AAA yes, BBB no"
    assert by_office.indicators["contribution"].sum() == pytest.approx(by_office.score, abs=1e-15)


def test_label_column_names_the_office(tmp_path: Path) -> None:
    # The first non-blank label among an office's members names it; Y has none and keeps its member's name.
    lines = GROUPED_SHEET.splitlines()
    labels = ["", "Office X", "", "", "Office Z"]
    rows = [lines[0].replace("population,", "population,office_name,")]
    for line, lab in zip(lines[1:], labels, strict=True):
        cells = line.split(",")
        rows.append(",".join([*cells[:4], lab, *cells[4:]]))
    sheet = "\n".join(rows) + "\n"
    extra = "grouping:\n  rule: mean\n  label_column: office_name\n"
    df = read_countries(write(tmp_path / "sheet.csv", sheet))
    r = score_countries(df, load_criteria(write(tmp_path / "c.yaml", SMALL_CRITERIA + extra)), group_by="office_id")
    assert r.table.loc[["X", "Y", "Z"], "name"].tolist() == ["Office X", "Gamma", "Office Z"]


def test_population_weighted_needs_every_members_population(tmp_path: Path) -> None:
    sheet = (
        GROUPED_SHEET.replace("BBB,Beta,X,3,", "BBB,Beta,X,,")
        .replace("DDD,Delta,Z,4,", "DDD,Delta,Z,many,")
        .replace("CCC,Gamma,Y,2,", "CCC,Gamma,Y,,")
    )
    path = write(tmp_path / "sheet.csv", sheet)
    with pytest.raises(DataError) as err:
        score(tmp_path, "population_weighted", sheet=sheet, group_by="office_id")
    # CCC is alone in office Y: its weight is never used, so its blank is fine.
    assert err.value.lines() == [
        f"{path}: row 3: column 'population': should be a population > 0 to weight the members of office 'X' "
        "(grouping rule population_weighted), but it is blank (fill in the population, or use grouping rule mean)",
        f"{path}: row 5: column 'population': should be a population > 0 to weight the members of office 'Z' "
        "(grouping rule population_weighted), but it is 'many' (fill in the population, or use grouping rule mean)",
    ]


def test_a_blank_group_value_is_a_located_error(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    sheet = write(tmp_path / "sheet.csv", GROUPED_SHEET.replace("DDD,Delta,Z,", "DDD,Delta,n/a,"))
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    with pytest.raises(DataError) as err:
        score_countries(read_countries(sheet), load_criteria(crit), group_by="office_id")
    [problem] = err.value.problems
    assert (problem.file, problem.row, problem.column) == (str(sheet), 5, "office_id")
    res = run(runner, "rank", str(sheet), "-c", str(crit), "--group-by", "office_id")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (
        f"Error: {sheet}: row 5: column 'office_id': should hold the office to group by (--group-by office_id), "
        "but it is blank (fill in the office id; a country alone in its office gets an id of its own)"
    )


def test_an_unknown_group_by_column_suggests_the_right_one(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    sheet = write(tmp_path / "sheet.csv", GROUPED_SHEET)
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    res = run(runner, "rank", str(sheet), "-c", str(crit), "--group-by", "office-id")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (
        f"Error: {sheet}: column 'office-id': should have a column 'office-id' (--group-by), but it does not; "
        "did you mean 'office_id'?"
    )
    res = run(runner, "validate", str(sheet), "-c", str(crit), "--group-by", "office-id", "--format", "json")
    assert res.exit_code == 1
    assert [p["column"] for p in json.loads(res.stdout)] == ["office-id"]


def test_grouping_section_is_validated() -> None:
    base = SMALL_CRITERIA
    with pytest.raises(ConfigError, match=r"grouping.rule: should be one of 'mean', 'max' or 'population_weighted'"):
        parse_criteria_text(base + "grouping:\n  rule: median\n")
    with pytest.raises(ConfigError, match=r"grouping.rul: unknown key 'rul'; did you mean 'rule'\?"):
        parse_criteria_text(base + "grouping:\n  rul: max\n")
    c = parse_criteria_text(base + "grouping:\n  rule: population_weighted\n")
    assert c.grouping is not None and c.grouping.population_column == "population"


def test_ranking_order_does_not_depend_on_row_order(tmp_path: Path) -> None:
    lines = GROUPED_SHEET.splitlines()
    shuffled = "\n".join([lines[0], lines[5], lines[3], lines[2], lines[4], lines[1]]) + "\n"
    a = score(tmp_path, "mean", group_by="office_id")
    b = score(tmp_path, "mean", sheet=shuffled, group_by="office_id")
    pd.testing.assert_frame_equal(
        a.table.drop(columns=["row"]), b.table.drop(columns=["row"]), check_exact=False, rtol=0, atol=1e-15
    )


def test_demo_ranks_142_offices(demo_paths) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = demo_paths
    r = score_countries(read_countries(sheet), load_criteria(crit), group_by="workspace_id")
    assert len(r.table) == 142
    assert int(r.table["n_members"].sum()) == 162
    assert r.table.at["252", "members"] == "BLZ, BRB, GUY, JAM, SUR, SXM, TTO"
    assert r.table.at["252", "name"] == (
        "Barbados, Belize, Guyana, Jamaica, Sint Maarten, Suriname, Trinidad and Tobago (7 members)"
    )
    assert r.table.at["241", "members"] == "FJI, SLB, TON, TUV, VUT"
    assert r.table.at["26", "members"] == "BRN, MYS, SGP"
    shared = r.table.loc[r.table["n_members"] > 1, "n_members"].to_dict()
    assert shared == {"26": 3, "254": 5, "241": 5, "105": 2, "248": 4, "252": 7}
    assert r.offices is not None and r.offices.office_of("Singapore") == "26"
    assert any(n.startswith("Ranked by office: 162 eligible countries in 142 offices") for n in r.notes)


def test_demo_population_weighted_names_the_blank_populations(demo_paths) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = demo_paths
    c = load_criteria(crit).model_copy(
        update={"grouping": parse_criteria_text(SMALL_CRITERIA + "grouping: {rule: population_weighted}").grouping}
    )
    with pytest.raises(DataError) as err:
        score_countries(read_countries(sheet), c, group_by="workspace_id")
    # The Samoa office (248): Cook Islands, Niue and Tokelau have no population in the demo.
    assert [(p.row, p.column) for p in err.value.problems] == [
        (35, "population"),
        (106, "population"),
        (140, "population"),
    ]


def test_cli_rank_and_explain_with_group_by(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run(runner, "rank", "--group-by", "workspace_id", "--format", "json")
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert len(rows) == 142
    office = next(r for r in rows if r["id"] == "252")
    assert (office["n_members"], office["members"]) == (7, "BLZ, BRB, GUY, JAM, SUR, SXM, TTO")
    res = run(runner, "rank", "--group-by", "workspace_id")
    assert res.stdout.splitlines()[0].split()[-2:] == ["n_members", "members"]
    assert len(res.stdout.splitlines()) == 2 + 142
    res = run(runner, "explain", "Barbados", "--group-by", "workspace_id")
    assert res.exit_code == 0
    assert res.stdout.startswith(
        "Barbados, Belize, Guyana, Jamaica, Sint Maarten, Suriname, Trinidad and Tobago (7 members) (252)"
    )
    assert "Note: Barbados (BRB) is a member of office '252', ranked as one unit" in res.stderr
    assert "  external_office: BLZ no, BRB no, GUY no, JAM no, SUR no, SXM no, TTO no" in res.stdout
    out = tmp_path / "r.json"
    assert run(runner, "rank", "--group-by", "workspace_id", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert next(c for c in data["countries"] if c["id"] == "26")["members"] == ["BRN", "MYS", "SGP"]
