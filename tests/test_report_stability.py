"""The report's What would change the list section: tuning.stability's exact numbers, in words, in every format."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import markupsafe
import numpy as np
import pytest
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.io.criteria_file import parse_criteria_text
from scorer.model.criteria import Aggregation
from scorer.render.formatting import yes_no
from scorer.report import build_report, interval_decimals, run_stability
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.tuning import StabilityReport, stability
from tests.test_report import HOSTILE_NAME, QUOTED_COLUMN, QUOTED_LABEL, hostile_inputs, page_data, run
from tests.test_report_browser import CHROMIUM, Page, write_report
from tests.workbook_helpers import column_ids, sheet_records


def esc(text: str) -> str:
    """Text as the page's templates escape it (markupsafe, as Jinja2's autoescape)."""
    return str(markupsafe.escape(text))


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers(text: str) -> list[str]:
    """The numbers a sentence prints, as printed (signs and words aside)."""
    return NUMBER.findall(text)


def section(page: str, name: str = "stability") -> str:
    start = page.index(f'<section id="{name}"')
    return page[start : page.index("</section>", start)]


def cells(row_html: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row_html, flags=re.S)]


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    df = read_countries(demo_spreadsheet_path())
    criteria = load_criteria(default_criteria_path())
    return df, criteria, score_countries(df, criteria)


@pytest.fixture(scope="module")
def tuned(demo) -> StabilityReport:  # type: ignore[no-untyped-def]
    return stability(demo[2], top_k=15)


@pytest.fixture(scope="module")
def page(demo) -> str:  # type: ignore[no-untyped-def]
    return build_report(demo[2], generated="2024-01-01 00:00:00 UTC")


def test_the_weight_table_holds_tunings_intervals_exactly(page: str, tuned: StabilityReport) -> None:
    part = section(page)
    rows = re.findall(r'<tr data-criterion="([^"]+)">(.*?)</tr>', part, flags=re.S)
    assert [cid for cid, _ in rows] == list(tuned.weights.index)
    for cid, row in rows:
        exact = [float(v) for v in re.findall(r'data-value="([^"]+)"', row)]
        want = tuned.weights.loc[cid]
        assert exact == [want["weight"], want["low"], want["high"]]
        d = interval_decimals(want["weight"], want["low"], want["high"])
        shown = cells(row)
        assert shown[1:4] == [f"{want['weight']:.{d}f}", f"{want['low']:.{d}f}", f"{want['high']:.{d}f}"]
        assert shown[4] == f"{want['range_low']:g} to {want['range_high']:g}"
    listed = re.findall(r"<li>(.*?)</li>", part.split('id="stability-sentences"')[1])
    assert listed[0].startswith("<bdi>Engagement</bdi>")  # the criterion isolated for bidi text
    sentences = [html.unescape(re.sub(r"</?bdi>", "", s)) for s in listed]
    assert sentences[: len(rows)] == [
        "Engagement's weight can move from 0.313 to 0.479 (now 0.400) without changing the top 15.",
        "Representation's weight can move from 0.223 to 0.261 (now 0.250) without changing the top 15.",
        "Government interest's weight can move from 0.335 to 0.384 (now 0.350) without changing the top 15.",
    ]
    assert sentences[: len(rows)] == tuned.weights["in_words"].tolist()  # what `unct-scorer stability` prints


def test_the_countries_near_the_cut_say_what_stability_says(page: str, tuned: StabilityReport) -> None:
    part = section(page)
    rows = re.findall(r'<tr data-id="([^"]+)"[^>]*>(.*?)</tr>', part, flags=re.S)
    near = tuned.countries[tuned.countries["rank"] <= 30]
    assert [ident for ident, _ in rows] == list(near.index)
    assert len(rows) == 30
    for ident, row in rows:
        rank, _who, now, weight, value = cells(row)
        want = near.loc[ident]
        assert int(rank) == want["rank"]
        assert now.startswith("in the top 15" if want["in_top_k"] else "outside")
        assert weight == want["weight_in_words"] and value == want["value_in_words"]
        if want["value_needed"]:
            assert value.endswith(f"; in the spreadsheet, that is {want['value_needed']}.")
    first_out = re.search(r'<tr data-id="([^"]+)" class="first-out">', part)
    assert first_out is not None and first_out.group(1) == near.index[15]
    assert (near["value_needed"] != "").any()  # some sentences read back a spreadsheet value


def test_every_countrys_sentences_are_in_the_page_for_its_breakdown(page: str, demo, tuned: StabilityReport) -> None:  # type: ignore[no-untyped-def]
    data = page_data(page)["stability"]
    t = demo[2].table
    assert data["top_k"] == 15 and len(data["weight"]) == len(data["value"]) == len(t) == 162
    for i, ident in enumerate(t.index):
        assert data["weight"][i] == tuned.countries.at[ident, "weight_in_words"]
        assert data["value"][i] == tuned.countries.at[ident, "value_in_words"]


def test_the_section_says_it_is_exact_at_the_reports_weights_and_greys_out(page: str) -> None:
    part = section(page)
    assert "exact" in part and "no random sampling" in part
    assert "shares: engagement 0.40, representation 0.25, government interest 0.35" in part
    assert '<div class="stale-when-changed">' in part
    assert 'class="status warn only-when-changed"' in part
    assert '<a href="#stability">What would change the list</a>' in page
    assert page.index('<section id="quality"') < page.index('<section id="stability"')
    annex = section(page, "methodology")
    assert "<h3>What would change the list</h3>" in annex and "Nothing is sampled" in annex


def test_top_k_follows_the_report(demo) -> None:  # type: ignore[no-untyped-def]
    result = demo[2]
    page = build_report(result, top_k=5)
    part = section(page)
    assert "without changing the top 5." in html.unescape(part)
    assert len(re.findall(r'<tr data-id="', part)) == 10
    want = stability(result, top_k=5).weights
    exact = [float(v) for v in re.findall(r'data-value="([^"]+)"', part)]
    assert exact == want[["weight", "low", "high"]].to_numpy().ravel().tolist()


def test_names_labels_and_columns_are_escaped(tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    result = score_countries(read_countries(sheet), load_criteria(crit))
    part = section(build_report(result, top_k=2))
    assert HOSTILE_NAME not in part and esc(HOSTILE_NAME) in part
    assert "<b>bold" not in part and esc(QUOTED_LABEL) in part
    assert QUOTED_COLUMN not in part and esc(QUOTED_COLUMN) in part
    assert "<i>join" not in part and "&lt;i&gt;join&lt;/i&gt;" in part
    assert "below -0.00" not in part


def test_geometric_aggregation_leaves_the_section_out_and_says_why(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    df, criteria, _result = demo
    geometric = score_countries(df, criteria.model_copy(update={"aggregation": Aggregation.geometric}))
    with pytest.raises(Exception, match="should be arithmetic"):
        stability(geometric)
    left_out = run_stability(geometric, top_k=15)
    assert left_out.weights is None and left_out.countries is None
    page = build_report(geometric)
    part = section(page)
    assert '<p id="stability-left-out">' in part
    assert "left out" in part and "weighted sum" in part and "weighted geometric mean" in part
    assert "stability-weights" not in part and "stability-countries" not in part
    assert page_data(page)["stability"] is None
    assert "<h3>What would change the list</h3>" not in section(page, "methodology")


def test_unbounded_scores_leave_the_section_out_with_tunings_reason(demo) -> None:  # type: ignore[no-untyped-def]
    df, _criteria, _result = demo
    text = default_criteria_path().read_text(encoding="utf-8")
    text = text.replace("normalisation: minmax", "normalisation: zscore", 1)
    assert "zscore" in text
    result = score_countries(df, parse_criteria_text(text))
    reason = run_stability(result, top_k=15).reason
    assert reason.startswith("This section is left out for this criteria file: criterion scores should be between 0")
    assert "zscore is unbounded" in reason
    assert esc(reason) in section(build_report(result))


def test_offices_are_called_offices(demo) -> None:  # type: ignore[no-untyped-def]
    df, criteria, _result = demo
    grouped = score_countries(df, criteria, group_by="workspace_id")
    part = section(build_report(grouped))
    assert "best-ranked offices" in part and "<th>Office</th>" in part
    want = stability(grouped, top_k=15).weights
    exact = [float(v) for v in re.findall(r'data-value="([^"]+)"', part)]
    assert exact == want[["weight", "low", "high"]].to_numpy().ravel().tolist()


def read_sheet(path: Path, name: str) -> list[dict[str, Any]]:
    return sheet_records(path, name)


def test_the_workbook_has_a_stability_sheet_and_the_markdown_a_section(
    runner, tmp_path: Path, demo, tuned: StabilityReport
) -> None:  # type: ignore[no-untyped-def]
    xlsx, md = tmp_path / "r.xlsx", tmp_path / "r.md"
    res = run(runner, "report", "-o", str(xlsx), "-o", str(md))
    assert res.exit_code == 0, res.stderr
    wb = load_workbook(xlsx)
    assert wb.sheetnames == [
        "Ranking",
        "Contributions",
        "Data quality",
        "Criteria",
        "Stability weights",
        "Stability countries",
        "Data dictionary",
        "Provenance",
    ]
    for name in ("Stability weights", "Stability countries"):  # one table each, filtered and frozen
        ws = wb[name]
        last = ws.cell(row=1, column=ws.max_column).column_letter
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:{last}{ws.max_row}"
    crit = read_sheet(xlsx, "Stability weights")
    countries = read_sheet(xlsx, "Stability countries")
    # one vocabulary: the sheets' columns are `unct-scorer stability`'s, under the same names
    assert list(crit[0]) == tuned.weights.reset_index().columns.tolist()
    assert set(countries[0]) <= set(tuned.countries.reset_index().columns) and "in_top_k" in countries[0]
    assert [r["criterion"] for r in crit] == list(tuned.weights.index)
    for r in crit:
        want = tuned.weights.loc[r["criterion"]]
        # openpyxl keeps 16 significant digits (as the selection sheet test notes)
        got = (r["weight"], r["low"], r["high"], r["range_low"], r["range_high"])
        assert got == pytest.approx(want[["weight", "low", "high", "range_low", "range_high"]].tolist(), rel=1e-15)
        assert r["in_words"] == want["in_words"]
    assert [r["id"] for r in countries] == list(demo[2].table.index)
    for r in countries:
        want = tuned.countries.loc[r["id"]]
        assert r["rank"] == want["rank"] and r["in_top_k"] == yes_no(want["in_top_k"])
        assert (r["weight_criterion"] or "") == want["weight_criterion"]
        if want["weight_criterion"]:
            assert r["weight_to"] == pytest.approx(want["weight_to"], rel=1e-15)
            assert r["weight_in_range"] == yes_no(want["weight_in_range"])
        assert r["score_to"] == (None if np.isnan(want["score_to"]) else pytest.approx(want["score_to"], rel=1e-15))
        assert (r["value_needed"] or "") == want["value_needed"]
        assert r["weight_in_words"] == want["weight_in_words"] and r["value_in_words"] == want["value_in_words"]
    text = md.read_text(encoding="utf-8")
    part = text[text.index("## What would change the list") : text.index("## Provenance")]
    assert "Exact (no random sampling)" in part
    assert "| engagement | WIPO's engagement in the country | 0.400 | 0.313 | 0.479 | 0.25 to 0.55 |" in part
    assert "- Representation's weight can move from 0.223 to 0.261 (now 0.250) without changing the top 15." in part
    assert len(re.findall(r"^\| \d+ \| ", part, flags=re.M)) == 30


def test_rank_outputs_stay_as_they_were(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, md = tmp_path / "ranking.xlsx", tmp_path / "ranking.md"
    for path in (out, md):
        res = run(runner, "rank", "-o", str(path))
        assert res.exit_code == 0, res.stderr
    assert load_workbook(out).sheetnames == [
        "Ranking",
        "Contributions",
        "Data quality",
        "Criteria",
        "Data dictionary",
        "Provenance",
    ]
    assert "What would change the list" not in md.read_text(encoding="utf-8")


def test_geometric_workbook_and_markdown_say_why(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    crit = tmp_path / "geo.yaml"
    crit.write_text(
        default_criteria_path()
        .read_text(encoding="utf-8")
        .replace("aggregation: arithmetic", "aggregation: geometric"),
        encoding="utf-8",
    )
    xlsx, md, page = tmp_path / "g.xlsx", tmp_path / "g.md", tmp_path / "g.html"
    res = run(runner, "report", "-c", str(crit), "-o", str(xlsx), "-o", str(md), "-o", str(page))
    assert res.exit_code == 0, res.stderr
    rows = read_sheet(xlsx, "Stability")
    assert len(rows) == 1 and rows[0]["kind"] == "note" and "geometric" in rows[0]["in_words"]
    text = md.read_text(encoding="utf-8")
    assert "## What would change the list\n\nThis section is left out" in text
    assert "This section is left out" in section(page.read_text(encoding="utf-8"))


def test_all_three_formats_are_byte_reproducible_with_source_date_epoch(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    made = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        names = ("r.html", "r.xlsx", "r.md")
        paths = [tmp_path / folder / name for name in names]
        res = run(runner, "report", "--top", "12", *(a for p in names for a in ("-o", p)), env=env)
        assert res.exit_code == 0, res.stderr
        made.append([p.read_bytes() for p in paths])
    assert made[0] == made[1]
    assert b'<section id="stability">' in made[0][0] and b"without changing the top 12." in made[0][0]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium: apt-get install chromium")
def test_in_a_browser_the_breakdown_says_it_and_moving_a_weight_greys_it_out(
    browser: Any,
    tmp_path: Path,
) -> None:
    opened = Page(browser, write_report(tmp_path))
    try:
        page = opened.page
        assert page.locator("#stability-countries tbody tr").count() == 30
        assert not page.locator("#stability .only-when-changed").is_visible()
        page.fill("#filter-search", "Morocco")
        page.click("#ranking-table tbody tr:visible button.country")
        what = page.locator("#detail .what")
        assert what.locator("li").all_inner_texts() == [
            "One weight: Lower government interest's weight from 0.35 to below 0.06 and it leaves the top 15 "
            "(outside the weight's plausible range, 0.2 to 0.5).",
            "One criterion score: Lower its engagement score from 0.67 to below 0.54 and it leaves the top 15.",
        ]
        assert "stale" not in (what.get_attribute("class") or "").split()
        page.evaluate("unctReport.setWeights({engagement: 0.5})")
        assert page.locator("#stability .only-when-changed").is_visible()
        assert "stale" in (page.locator("#stability > div").get_attribute("class") or "").split()
        assert "stale" in (page.locator("#detail .what").get_attribute("class") or "").split()
        assert page.locator("#weights-status").inner_text() == (
            "Recomputed with the weights above (ranks, scores, tiers and bars; the greyed sentences at a glance and "
            "what would change the list still show the report's weights)."
        )
        page.click("#reset-weights")
        assert not page.locator("#stability .only-when-changed").is_visible()
        assert "stale" not in (page.locator("#stability > div").get_attribute("class") or "").split()
        assert opened.requests == [opened.url] and opened.errors() == []
    finally:
        opened.close()


def test_stability_and_the_report_name_each_column_alike(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """One vocabulary (issue 10): `stability -o` and the report's workbook use the same column ids for the same
    quantities (in_top_k, weight_from, ... not in_top_15, weight_now)."""
    mine, theirs = tmp_path / "s.xlsx", tmp_path / "r.xlsx"
    assert run(runner, "stability", "-o", str(mine)).exit_code == 0
    assert run(runner, "report", "-o", str(theirs)).exit_code == 0
    cli_json = json.loads(run(runner, "stability", "--format", "json").stdout)
    for sheet, cli_sheet, records in (
        ("Stability weights", "Weights", cli_json["weights"]),
        ("Stability countries", "Countries", cli_json["countries"]),
    ):
        report_columns = list(read_sheet(theirs, sheet)[0])  # ids from the report's Data dictionary
        cli_columns = column_ids(mine, cli_sheet)  # `stability -o` has a Data dictionary too
        assert set(report_columns) <= set(cli_columns) == set(records[0])
    assert "in_top_k" in report_columns and not any(c.startswith("in_top_1") for c in report_columns)
