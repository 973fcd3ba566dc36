"""The report's Recommended set (issue 6 item 4) and its office members: what `select` says, shown and exported.

The committee's question on the demo: with capacity for 25 UNCTs, at least 3
per M49 region and Algeria already in (para. 6), which set, and what does the
balance cost? The report must give exactly the answer `select --format json`
gives, in the page, the workbook and the Markdown.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

import markupsafe
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.model.criteria import GroupCount, Selection
from scorer.report import build_report, extra_columns_for, recommend
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.selection.config import robust_shares, select_from_result
from tests.test_report import HOSTILE_NAME, hostile_inputs, page_data
from tests.workbook_helpers import column_ids


def esc(text: str) -> str:
    """Text as the page's templates escape it (markupsafe, as Jinja2's autoescape)."""
    return str(markupsafe.escape(text))


QUESTION = ("--capacity", "25", "--min-per", "region:3", "--include", "DZA")
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, ["-q", *args], env=EPOCH)


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture(scope="module")
def selected_json() -> dict[str, Any]:
    res = invoke("select", *QUESTION, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("selection")
    paths = {suffix: folder / f"report.{suffix}" for suffix in ("html", "xlsx", "md")}
    args = [a for p in paths.values() for a in ("-o", str(p))]
    res = invoke("report", *QUESTION, *args)
    assert res.exit_code == 0, res.stderr
    return paths


def test_the_page_holds_exactly_what_select_prints(outputs: dict[str, Path], selected_json: dict[str, Any]) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    assert page_data(page)["selection"] == selected_json
    ids = [c["id"] for c in selected_json["chosen"]]
    assert len(ids) == 25 and "DZA" in ids
    chosen_rows = re.findall(r'<tr data-i="(\d+)" data-tier="\d+" data-chosen="true">', page)
    countries = page_data(page)["countries"]
    assert sorted(countries[int(i)]["id"] for i in chosen_rows) == sorted(ids)
    assert [c["id"] for c in countries if c["chosen"]] == [c["id"] for c in countries if c["id"] in ids]
    assert '<a href="#selection">Recommended set</a>' in page
    assert 'id="filter-chosen"' in page and page.count('<span class="badge">in set</span>') == 25


def test_the_section_explains_the_choice(outputs: dict[str, Path], selected_json: dict[str, Any]) -> None:
    page = outputs["html"].read_text(encoding="utf-8")
    part = section(page, "selection")
    table = part[part.index('<table id="selection-table">') :]
    assert re.findall(r'<tr data-id="([A-Z]{3})">', table) == [c["id"] for c in selected_json["chosen"]]
    assert "included by request" in table and table.count("included by request") == 1
    assert f"{selected_json['total_score']:.4f}" in part
    assert f"{selected_json['price_of_balance']:.4f}" in part
    for binding in selected_json["binding"]:
        assert esc(binding["label"]) in part
    left = selected_json["best_left_out"]
    assert "Best left out: <b>" in part and f"({left['id']})" in part
    assert all(f"<code>{esc(c)}</code>" in part for c in selected_json["constraints"])
    assert "Add <code>--sensitivity</code>" in part
    annex = section(page, "methodology")
    assert "<h3>Choosing the set</h3>" in annex and "at most 25 countries" in annex


def test_the_workbook_and_the_markdown_carry_the_set(outputs: dict[str, Path], selected_json: dict[str, Any]) -> None:
    ids = [c["id"] for c in selected_json["chosen"]]
    wb = load_workbook(outputs["xlsx"])
    assert wb.sheetnames == [
        "Ranking",
        "Contributions",
        "Data quality",
        "Criteria",
        "Stability weights",
        "Stability countries",
        "Selection",
        "Selection summary",
        "Data dictionary",
        "Provenance",
    ]
    sheet = wb["Selection"]
    assert column_ids(outputs["xlsx"], "Selection") == ["pick", "rank", "id", "name", "score", "region", "forced"]
    assert [c.value for c in sheet[1]] == ["Pick", "Rank", "Code", "Country", "Score", "Region", "Forced in"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == ids
    # select's JSON writes 15 significant digits; the workbook keeps the float
    assert [r[4] for r in rows] == pytest.approx([c["score"] for c in selected_json["chosen"]], rel=1e-14)
    assert sheet.freeze_panes == "A2"
    summary = [r for r in wb["Selection summary"].iter_rows(min_row=2, values_only=True)]
    assert ("constraint", "include DZA") in summary
    assert any(kind == "summary" and text.startswith("Price of balance: ") for kind, text in summary)
    ranking = wb["Ranking"]
    head = column_ids(outputs["xlsx"], "Ranking")
    marked = [
        r[head.index("id")]
        for r in ranking.iter_rows(min_row=2, values_only=True)
        if r[head.index("recommended")] == "yes"
    ]
    assert sorted(marked) == sorted(ids)
    md = outputs["md"].read_text(encoding="utf-8")
    part = md[md.index("## Recommended set") : md.index("## Ranking")]
    assert "Constraints: region=Africa &gt;= 3;" in part and "- Chosen: 25 UNCTs" in part
    assert all(f"| {i} |" in part for i in ids)


def test_the_criteria_files_selection_section_is_enough(tmp_path: Path) -> None:
    crit = tmp_path / "with-selection.yaml"
    crit.write_text(
        default_criteria_path().read_text(encoding="utf-8") + "\nselection:\n  capacity: 10\n", encoding="utf-8"
    )
    out = tmp_path / "r.html"
    res = invoke("report", "-c", str(crit), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    data = page_data(out.read_text(encoding="utf-8"))
    top = [c["id"] for c in sorted(data["countries"], key=lambda c: c["rank"])[:10]]
    assert [c["id"] for c in data["selection"]["chosen"]] == top
    res = invoke("report", "-c", str(crit), "--capacity", "3", "-o", str(tmp_path / "s.html"))
    assert res.exit_code == 0, res.stderr
    assert page_data((tmp_path / "s.html").read_text(encoding="utf-8"))["selection"]["count"] == 3


def test_no_selection_no_section() -> None:
    page = build_report(
        score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()))
    )
    assert 'id="selection"' not in page and 'id="filter-chosen"' not in page
    assert page_data(page)["selection"] is None and "Recommended set" not in page


def test_infeasible_request_is_the_error_line_and_no_file(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    res = invoke("report", "--capacity", "5", "--min-per", "region:3", "-o", str(out), "-o", str(tmp_path / "r.xlsx"))
    assert res.exit_code == 1
    assert res.stderr == (
        "Error: the request is infeasible: region=Africa >= 3, region=Americas >= 3, region=Asia >= 3, "
        "region=Europe >= 3 and region=Oceania >= 3 together need 15 UNCTs, but the capacity is 5 "
        "(relax or drop one of these constraints)\n"
    )
    assert list(tmp_path.iterdir()) == []
    res = invoke("report", "--min-per", "region", "-o", str(out))
    assert (res.exit_code, res.stderr) == (
        1,
        "Error: --min-per: should be COLUMN=VALUE:N or COLUMN:N (e.g. region=Africa:3), but it is 'region'\n",
    )
    res = invoke("report", "--capacity", "-1", "-o", str(out))
    assert res.exit_code == 2 and "--capacity" in res.stderr


def test_names_and_groups_in_the_section_are_escaped(tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    df = read_countries(sheet)
    result = score_countries(df, load_criteria(crit))
    rec = recommend(result, df, Selection(capacity=3, min_per=[GroupCount(column="region", count=1)]))
    assert "AAA" in rec.ids
    page = build_report(result, extra_columns=extra_columns_for(df, result, ["region"]), recommended=rec)
    part = section(page, "selection")
    assert HOSTILE_NAME not in page and esc(HOSTILE_NAME) in part
    assert "<script>alert(2)" not in page and esc("</script><script>alert(2)</script>") in part
    assert len(re.findall(r"<script", page)) == 2 and page.count("</script>") == 2
    assert page_data(page)["selection"]["chosen"][0]["name"] in {c["name"] for c in page_data(page)["countries"]}


def test_robustness_equals_select_robust_and_is_bounded_by_a_count() -> None:
    df = read_countries(demo_spreadsheet_path())
    result = score_countries(df, load_criteria(default_criteria_path()))
    selection = Selection(capacity=15, min_per=[GroupCount(column="region", count=2)])
    rec = recommend(result, df, selection, robust_draws=60, seed=4)
    chosen = select_from_result(result, selection, df)
    expected = robust_shares(result, chosen.spec, chosen.groups, draws=60, seed=4)
    assert rec.data == chosen.with_robustness(draws=60, seed=4).to_dict()  # what `select --robust` prints
    assert [(r["id"], r["share_selected"]) for r in rec.data["robust"]] == list(expected.items())
    assert rec.robust is not None and rec.robust_draws == 60
    assert rec.robust_note == (
        "60 weightings (seed 4), each solved exactly; the same as unct-scorer select --robust --draws 60 --seed 4."
    )
    page = build_report(result, recommended=rec)
    assert "In the optimal set under every draw: " in section(page, "selection")
    assert _e(rec.robust_note) in section(page, "selection")
    # no clock: the same call gives the same set and shares however long the solves take
    assert "clock" not in inspect.signature(recommend).parameters
    assert "max_seconds" not in inspect.signature(recommend).parameters


def _e(text: str) -> str:
    return esc(text)


def test_a_report_with_sensitivity_adds_robustness_and_stays_byte_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        args = ["--capacity", "25", "--min-per", "region:3", "--sensitivity", "--draws", "100"]
        res = invoke("report", *args, "--selection-draws", "50", "-o", "r.html")
        assert res.exit_code == 0, res.stderr
        pages.append((tmp_path / folder / "r.html").read_bytes())
    assert pages[0] == pages[1]
    text = pages[0].decode("utf-8")
    data = page_data(text)
    assert len(data["selection"]["robust"]) > 25
    assert sum(r["share_selected"] for r in data["selection"]["robust"]) == pytest.approx(25.0)
    assert "<dt>Selection draws</dt><dd>50</dd>" in text
    assert "50 weightings (seed 20210816), each solved exactly" in text


@pytest.fixture(scope="module")
def grouped_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grouped") / "offices.html"
    res = invoke("report", "--group-by", "workspace_id", "--capacity", "10", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    return out


def test_a_grouped_report_lists_each_offices_members(grouped_page: Path) -> None:
    page = grouped_page.read_text(encoding="utf-8")
    ranking = section(page, "ranking")
    assert '<span class="id">26</span><span class="members">3 members: BRN, MYS, SGP</span>' in ranking
    assert '<span class="members">member: CHN</span>' in ranking
    assert "Each row is an office" in ranking
    office = next(c for c in page_data(page)["countries"] if c["id"] == "26")
    assert office["members"] == [
        {"id": "BRN", "name": "Brunei Darussalam"},
        {"id": "MYS", "name": "Malaysia"},
        {"id": "SGP", "name": "Singapore"},
    ]
    assert office["office"].startswith("office '26' (workspace_id): 3 members (BRN, MYS, SGP)")
    assert office["ind"][0][4] == "BRN blank, MYS blank, SGP blank"  # the demo leaves wipo_engagement to the user
    assert office["ind"][1][4] == "BRN 3, MYS 2, SGP 1"  # WIPO treaties joined since 2015
    assert office["ind"][4][1] == ""  # a share of members with an office is not "no"


def test_in_the_browser_filter_sort_search_members_and_detail(browser: Any, grouped_page: Path) -> None:
    from tests.test_report_browser import Page

    opened = Page(browser, grouped_page)
    try:
        page = opened.page
        page.check("#filter-chosen")
        visible = page.locator("#ranking-table tbody tr:visible")
        assert visible.count() == 10
        assert page.locator("#filter-count").inner_text() == "Showing 10 of 142 ranked countries."
        page.uncheck("#filter-chosen")
        page.click("th[data-sort=chosen] button")
        first = page.eval_on_selector_all(
            "#ranking-table tbody tr", "rows => rows.slice(0, 11).map(r => r.dataset.chosen || '')"
        )
        assert first == ["true"] * 10 + [""]
        page.fill("#filter-search", "malaysia")
        assert visible.evaluate_all("rows => rows.map(r => r.querySelector('.id').textContent)") == ["26"]
        page.click("#ranking-table tbody tr:visible button.country")
        detail = page.locator("#detail")
        assert detail.locator("p.office-members").inner_text() == (
            "Members: Brunei Darussalam (BRN), Malaysia (MYS), Singapore (SGP)."
        )
        assert "Members' values" in detail.locator("thead").nth(1).inner_text()
        page.evaluate("unctReport.setWeights({engagement: 1, representation: 0, government_interest: 0})")
        assert "the recommended set and" in page.locator("#weights-status").inner_text()
        assert opened.errors() == [] and opened.blocked == []
    finally:
        opened.close()
