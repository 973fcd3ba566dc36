"""Tests for ``unct-scorer select`` and :mod:`scorer.selection.config` on the bundled demo.

The committee's question (issue 6): with capacity for 25 UNCTs and at least 3
per M49 region, which should WIPO join, and what does the balance cost?
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from scorer import read_countries
from scorer.cli import main
from scorer.io.criteria_file import load_criteria
from scorer.model.criteria import GroupCount, Selection
from scorer.pipeline import score_countries
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.selection.config import (
    SelectionOverrides,
    build_spec,
    parse_group_count,
    select_from_result,
    selection_to_dict,
)

REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["-q", *args])


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def select_json(*args: str) -> dict:
    result = run("select", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_committee_question_25_with_3_per_region() -> None:
    data = select_json("--capacity", "25", "--min-per", "region:3")
    chosen = data["chosen"]
    assert data["count"] == len(chosen) == 25
    counts = pd.Series([c["region"] for c in chosen]).value_counts()
    assert set(counts.index) == REGIONS
    assert counts.min() >= 3
    assert math.isclose(data["total_value"], sum(c["score"] for c in chosen), rel_tol=1e-12)
    assert data["price_of_balance"] >= 0
    assert math.isclose(data["unconstrained_value"] - data["total_value"], data["price_of_balance"], abs_tol=1e-12)
    assert "capacity <= 25" in [b["constraint"] for b in data["binding"]]
    assert data["constraints"] == [f"region={r} >= 3" for r in sorted(REGIONS)]


def test_committee_question_table_explains() -> None:
    result = run("select", "--capacity", "25", "--min-per", "region:3")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Chosen: 25 UNCTs" in out
    assert "Binding: capacity <= 25 (binding: 25 chosen)" in out
    assert "Best left out: " in out
    assert "Price of balance: " in out


@pytest.mark.parametrize("n", [1, 10, 15])
def test_count_only_equals_top_n_of_rank(n: int) -> None:
    ranking = run("rank", "--format", "json")
    assert ranking.exit_code == 0, ranking.stderr
    rows = json.loads(ranking.stdout)
    assert rows[n - 1]["score"] > rows[n]["score"]  # no tie at the cut
    top = [r["id"] for r in rows[:n]]
    data = select_json("--capacity", str(n))
    assert [c["id"] for c in data["chosen"]] == top
    assert data["price_of_balance"] == 0


def test_infeasible_request_is_explained() -> None:
    result = run("select", "--capacity", "5", "--min-per", "region:3")
    assert result.exit_code == 1
    assert error_lines(result) == [
        "Error: the request is infeasible: region=Africa >= 3, region=Americas >= 3, region=Asia >= 3, "
        "region=Europe >= 3 and region=Oceania >= 3 together need 15 UNCTs, but the capacity is 5 "
        "(relax or drop one of these constraints)"
    ]


def test_one_value_overrides_every_value() -> None:
    data = select_json("--capacity", "25", "--min-per", "region:3", "--min-per", "region=Europe:0")
    assert "region=Europe >= 0" in data["constraints"]
    assert "region=Europe >= 3" not in data["constraints"]


def test_include_and_exclude() -> None:
    data = select_json("--capacity", "5", "--include", "DZA", "--exclude", "CHN,SGP")
    ids = [c["id"] for c in data["chosen"]]
    assert "DZA" in ids and "CHN" not in ids and "SGP" not in ids
    assert next(c for c in data["chosen"] if c["id"] == "DZA")["forced"] is True


def test_budget_with_default_cost_is_stated() -> None:
    result = run(
        "select",
        "--budget", "5e9",
        "--cost-column", "cf2025_required_usd",
        "--default-cost", "3e8",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Default cost 300000000 used for " in result.stdout  # never 3e+08 (issue 14)
    data = select_json("--budget", "5e9", "--cost-column", "cf2025_required_usd", "--default-cost", "3e8")
    assert data["total_cost"] <= 5e9
    assert data["defaulted_costs"]
    assert math.isclose(data["total_cost"], sum(c["cost"] for c in data["chosen"]))


BUDGET_WITHOUT_COSTS = (
    "Error: --budget: needs costs: --cost-column COLUMN (a column of the spreadsheet) should be given, but it is not"
)


@pytest.mark.parametrize("command", ["select", "report"])
@pytest.mark.parametrize(
    ("extra", "suffix"),
    [((), ""), (("--default-cost", "6"), "; --default-cost only fills that column's blanks")],
)
def test_budget_without_a_cost_column_names_the_options(
    tmp_path: Path, command: str, extra: tuple[str, ...], suffix: str
) -> None:
    target = tmp_path / "report.html"
    args = ["-o", str(target)] if command == "report" else []
    result = run(command, "--budget", "120", *extra, *args)
    assert result.exit_code == 1
    assert error_lines(result) == [BUDGET_WITHOUT_COSTS + suffix]
    assert "costs=" not in result.output and "Traceback" not in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--capacity", "3", "--min-per", "region=Africa"],
            "Error: --min-per: should be COLUMN=VALUE:N or COLUMN:N (e.g. region=Africa:3), but it is 'region=Africa'",
        ),
        (
            ["--capacity", "3", "--max-per", "region:many"],
            "Error: --max-per region:many: the count after ':' should be a whole number >= 0, but it is 'many'",
        ),
        (
            ["--capacity", "3", "--min-per", "regio:1"],
            "Error: the bundled demo (seeds/countries.csv): column 'regio' named by the selection should be in the "
            "spreadsheet, but it is not; did you mean 'region'?",
        ),
        (
            ["--capacity", "3", "--min-per", "region=Afrika:1"],
            "Error: bounds[0]: the value should be one found in column 'region' "
            "(Africa, Americas, Asia, Europe, Oceania), but it is 'Afrika'",
        ),
        (
            ["--capacity", "3", "--include", "XXX"],
            "Error: include: should name countries that have a score, but XXX is not among the 162 scored countries",
        ),
        (
            ["--min-per", "region:1"],
            "Error: selection: capacity or budget should be given, but both are missing",
        ),
    ],
)
def test_bad_requests_exit_1_with_one_line(args: list[str], line: str) -> None:
    result = run("select", *args)
    assert result.exit_code == 1
    # A data error may be followed by a hint line (run `unct-scorer validate ...`).
    assert error_lines(result)[0] == line


def test_json_output_equals_library() -> None:
    df = read_countries(demo_spreadsheet_path())
    criteria = load_criteria(default_criteria_path())
    result = score_countries(df, criteria)
    selection = Selection(capacity=25, min_per=[GroupCount(column="region", count=3)], include=["DZA"])
    report = select_from_result(result, selection, df)
    expected = json.loads(json.dumps(report.to_dict()))
    assert report.to_dict() == selection_to_dict(report.solved, result, report.spec)  # no robustness asked
    assert select_json("--capacity", "25", "--min-per", "region:3", "--include", "DZA") == expected


YAML_SELECTION = """
selection:
  capacity: 12
  min_per:
    - {column: region, count: 2}
  max_per:
    - {column: ldc, value: "yes", count: 4}
  include: [DZA]
"""


def criteria_with(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(default_criteria_path().read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_yaml_selection_section_is_used(tmp_path: Path) -> None:
    path = criteria_with(tmp_path, YAML_SELECTION)
    data = select_json("-c", str(path))
    assert data["capacity"] == 12 and data["count"] == 12
    assert "DZA" in [c["id"] for c in data["chosen"]]
    assert "ldc=yes <= 4" in data["constraints"]
    assert min(pd.Series([c["region"] for c in data["chosen"]]).value_counts()) >= 2
    assert sum(c["ldc"] == "yes" for c in data["chosen"]) <= 4


def test_command_line_overrides_yaml(tmp_path: Path) -> None:
    path = criteria_with(tmp_path, YAML_SELECTION)
    data = select_json("-c", str(path), "--capacity", "15", "--min-per", "region:1")
    assert data["capacity"] == 15 and data["count"] == 15
    assert "region=Asia >= 1" in data["constraints"] and "region=Asia >= 2" not in data["constraints"]
    assert "ldc=yes <= 4" in data["constraints"]  # not overridden: kept from the file


def test_yaml_unknown_key_is_located(tmp_path: Path) -> None:
    path = criteria_with(tmp_path, "selection:\n  capcity: 12\n")
    result = run("select", "-c", str(path))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {path}:{line_of(path, 'capcity')}: selection.capcity: unknown key 'capcity'; did you mean 'capacity'?"
    ]


def test_yaml_cross_check_is_located(tmp_path: Path) -> None:
    path = criteria_with(tmp_path, "selection:\n  budget: 100\n  include: [DZA]\n  exclude: [DZA]\n")
    result = run("select", "-c", str(path))
    assert result.exit_code == 1
    # A missing key is located at its parent, the selection: line.
    budget, include = line_of(path, "selection:"), line_of(path, "include: [DZA]")
    lines = error_lines(result)
    assert (
        f"Error: {path}:{budget}: selection.cost_column: "
        "should name the cost column when budget is given, but it is missing"
    ) in lines
    assert (
        f"Error: {path}:{include}: selection.include: include and exclude should not share a country, but both name DZA"
    ) in lines


def test_yaml_bad_count_is_located(tmp_path: Path) -> None:
    path = criteria_with(tmp_path, "selection:\n  capacity: 5\n  min_per:\n    - {column: region, count: -1}\n")
    result = run("select", "-c", str(path))
    assert result.exit_code == 1
    line = line_of(path, "count: -1")
    assert error_lines(result) == [f"Error: {path}:{line}: selection.min_per.0.count: should be >= 0, but it is -1"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".md"])
def test_outputs_written_and_never_replaced_without_force(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"sel{suffix}"
    args = ["select", "--capacity", "25", "--min-per", "region:3", "-o", str(out)]
    assert run(*args).exit_code == 0
    assert out.stat().st_size > 0
    again = run(*args)
    assert again.exit_code == 1
    assert error_lines(again) == [f"Error: {out}: already exists; use --force to replace it"]
    assert run(*args, "--force").exit_code == 0
    if suffix == ".csv":
        table = pd.read_csv(out)
        assert len(table) == 25 and table["region"].value_counts().min() >= 3
    if suffix == ".json":
        data = json.loads(out.read_text())
        assert data["count"] == 25 and "provenance" in data


def test_robust_shares_are_reproducible() -> None:
    args = ["--capacity", "5", "--min-per", "region=Oceania:1", "--robust", "--draws", "20", "--seed", "7"]
    first, second = select_json(*args), select_json(*args)
    assert first == second
    shares = {r["id"]: r["share_selected"] for r in first["robust"]}
    assert math.isclose(sum(shares.values()), 5.0)
    assert all(0 <= s <= 1 for s in shares.values())


def test_parse_and_overrides() -> None:
    assert parse_group_count("income_group=Upper middle income:2").value == "Upper middle income"
    merged = SelectionOverrides(include=("dza",)).apply(Selection(capacity=3, exclude=["FRA"]))
    assert merged.include == ["DZA"] and merged.exclude == ["FRA"]
    groups = pd.DataFrame({"region": ["Africa", None, "Asia"]}, index=["DZA", "ATA", "IND"])
    spec = build_spec(Selection(capacity=2, max_per=[GroupCount(column="region", count=1)]), groups)
    assert [b.name for b in spec.bounds] == ["region=Africa", "region=Asia"]


def test_group_frame_lines_up_typed_names_and_offices() -> None:
    import pandas as pd

    from scorer import load_criteria, read_countries, score_countries
    from scorer.resources import default_criteria_path, demo_spreadsheet_path
    from scorer.selection.config import group_frame

    criteria = load_criteria(default_criteria_path())
    df = read_countries(demo_spreadsheet_path())
    offices = score_countries(df, criteria, group_by="workspace_id")
    g = group_frame(offices, df, ["region", "population"])
    assert g["region"].notna().all()  # every office has its members' region
    assert g.at["252", "region"] == "Americas"  # the Caribbean office: 7 members, all Americas
    members = df[df["workspace_id"] == "252"]["population"]
    assert g.at["252", "population"] == sum(float(v) for v in members)  # numbers add up over members

    typed = pd.DataFrame(
        {
            "country": ["Algérie", "Viet Nam"],
            "region": ["Africa", "Asia"],
            "wipo_engagement": ["low", "high"],
            "n_wipo_treaties_joined_since_2015": ["2", "3"],
            "latest_accession_year": ["2017", "2022"],
            "n_wipo_treaties_in_force": ["10", "9"],
            "wipo_external_office": ["oui", "non"],
            "gov_ip_interest": ["none", "included"],
            "has_unct": ["yes", "yes"],
            "treaties_apply_through": ["", ""],
        }
    )
    result = score_countries(typed, criteria)
    assert group_frame(result, typed, ["region"])["region"].to_dict() == {"VNM": "Asia", "DZA": "Africa"}


def test_robust_defaults_are_the_reports() -> None:
    # One default seed and one default number of draws: `select --robust` and the report's robustness agree.
    from scorer.analyses.common import DEFAULT_SEED
    from scorer.cli import load_command
    from scorer.selection.config import ROBUST_DRAWS

    defaults = {p.name: p.default for p in load_command("select").params}
    report = {p.name: p.default for p in load_command("report").params}
    assert (defaults["seed"], defaults["draws"]) == (DEFAULT_SEED, ROBUST_DRAWS)
    assert (report["seed"], report["selection_draws"]) == (DEFAULT_SEED, ROBUST_DRAWS)


def test_select_renders_one_result_object_in_every_format() -> None:
    """JSON, CSV and the terminal are renderings of one SelectionReport; the robustness states its count and seed."""
    df = read_countries(demo_spreadsheet_path())
    result = score_countries(df, load_criteria(default_criteria_path()))
    report = select_from_result(result, Selection(capacity=5), df).with_robustness(draws=12, seed=3)
    args = ["--capacity", "5", "--robust", "--draws", "12", "--seed", "3"]
    data = select_json(*args)
    assert data == json.loads(json.dumps(report.to_dict()))
    assert (data["robust_draws"], data["robust_seed"]) == (12, 3)
    csv = run("select", *args, "--format", "csv")
    assert pd.read_csv(io.StringIO(csv.stdout))["id"].tolist() == report.ids
    text = run("select", *args).stdout
    assert report.robust_heading() in text
    assert report.robust_heading() == "Robustness: share of 12 plausible weightings (seed 3) with each country chosen"
    assert all(line in text for line in report.lines())
