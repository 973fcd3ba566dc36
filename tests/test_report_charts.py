"""The page's inline SVG charts: well-formed, described, and drawing the very numbers of the tables."""

from __future__ import annotations

import html
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorer import demo_result, load_criteria, read_countries, score_countries
from scorer.model.criteria import Aggregation
from scorer.report import build_report, run_sensitivity
from scorer.report.charts import blue, nice_top
from scorer.report.page import PALETTE
from tests.test_report import HOSTILE_NAME, hostile_inputs, page_data
from tests.test_report_browser import CHROMIUM, Page, write_report

SVG = "{http://www.w3.org/2000/svg}"
SHOTS = Path("/work/coord/s10/shots")


@pytest.fixture(scope="module")
def sens_page() -> tuple[str, Any]:
    result = demo_result()
    sens = run_sensitivity(result, draws=300, seed=7, top_k=15)
    return build_report(result, sensitivity=sens, generated="x"), sens


def svg(page: str, chart_id: str) -> ET.Element:
    """The chart's <svg> element, parsed as XML (a parse error fails the test)."""
    found = re.search(rf'<svg class="chart[^"]*" id="{chart_id}".*?</svg>', page, flags=re.S)
    assert found is not None, chart_id
    return ET.fromstring(found.group(0))


def table_scores(page: str) -> dict[str, tuple[str, str]]:
    """id -> (score as shown, exact score) from the ranking table."""
    rows = re.findall(
        r'<tr data-i="\d+".*?<span class="id">([^<]+)</span>.*?data-score="([^"]+)">([^<]+)</td>', page, flags=re.S
    )
    return {ident: (shown, exact) for ident, exact, shown in rows}


def test_the_contributions_chart_is_well_formed_and_described() -> None:
    page = build_report(demo_result(), generated="x")
    root = svg(page, "contributions-chart")
    assert root.get("role") == "img" and root.get("viewBox", "").startswith("0 0 ")
    labelled = (root.get("aria-labelledby") or "").split()
    found = {el.get("id"): (el.text or "") for el in root.iter() if el.get("id")}
    assert labelled == ["contributions-chart-title", "contributions-chart-desc"]
    assert (
        found["contributions-chart-title"]
        == "What each criterion contributes to the score of the 30 best-ranked countries"
    )
    assert "\u2068WIPO's engagement in the country\u2069 (plain)" in found["contributions-chart-desc"]  # isolated
    assert "(dots)" in found["contributions-chart-desc"]
    assert '<a href="#ranking-table">Data table: the ranking</a>' in page
    assert '<a href="#charts">Charts</a>' in page
    legend = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-legend"]
    assert [g.get("data-criterion") for g in legend] == ["engagement", "representation", "government_interest"]
    # one colour and one drawn pattern per criterion, the same in the bars and in the legend (the first is plain)
    assert [[r.get("fill") for r in g.iter(f"{SVG}rect")] for g in legend] == [[c] for c in PALETTE[:3]]
    inked = [[p.get("d", "")[:1] for p in g.iter(f"{SVG}path")] for g in legend]
    assert inked == [[], ["M"], ["M"]]


def test_every_bar_draws_the_tables_numbers() -> None:
    page = build_report(demo_result(), generated="x")
    root = svg(page, "contributions-chart")
    shown = table_scores(page)
    countries = {c["id"]: c for c in page_data(page)["countries"]}
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-row"]
    assert len(rows) == 30
    assert [g.get("data-id") for g in rows] == [c["id"] for c in page_data(page)["countries"][:30]]
    widths = []
    for g in rows:
        ident = g.get("data-id")
        score_text = next(t.text for t in g.iter(f"{SVG}text") if t.get("class") == "chart-score")
        assert (score_text, g.get("data-score")) == shown[ident]  # the table's text, the table's exact value
        segments = list(g.iter(f"{SVG}rect"))
        values = [float(s.get("data-value") or "nan") for s in segments]
        assert values == countries[ident]["contrib"]  # bit for bit: the same result object
        assert sum(values) == pytest.approx(float(g.get("data-score") or "nan"), abs=1e-12)
        widths.append(sum(float(s.get("width") or 0) for s in segments))
        for s, v in zip(segments, values, strict=True):
            assert s[0].text is not None and s[0].text.endswith(f"{v:.4f}")  # tooltip as the table's bar
    # bar lengths are proportional to the scores (one scale for every bar)
    scores = [float(g.get("data-score") or "nan") for g in rows]
    ratios = [w / s for w, s in zip(widths, scores, strict=True)]
    assert max(ratios) == pytest.approx(min(ratios), rel=1e-4)
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"][:7]
    assert ticks == ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]  # the best score is 0.573
    cut = next(line for line in root.iter(f"{SVG}line") if line.get("class") == "chart-cut")
    fifteenth = next(t for t in rows[14].iter(f"{SVG}text"))
    assert float(cut.get("y1") or 0) - float(fifteenth.get("y") or 0) == 20 - 14  # under row 15, above row 16


def test_the_heat_map_has_a_colour_scale_and_the_sensitivity_shares(sens_page: tuple[str, Any]) -> None:
    page, sens = sens_page
    root = svg(page, "acceptability-chart")
    assert (root.find(f"{SVG}title").text or "").startswith("Rank acceptability of the first 30")  # type: ignore[union-attr]
    assert "from white (0%) to dark blue (100%)" in (root.find(f"{SVG}desc").text or "")  # type: ignore[union-attr]
    scale = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-scale")
    assert [t.text for t in scale.iter(f"{SVG}text")] == [
        "Share of draws at that rank",
        "0%",
        "25%",
        "50%",
        "75%",
        "100%",
    ]
    boxes = [r.get("fill") for r in scale.iter(f"{SVG}rect")]
    assert boxes == [blue((k + 0.5) / 10) for k in range(10)]
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("data-p")]
    acc = sens.acceptability
    for cell in cells:  # each cell: its share, and the colour the scale gives that share
        rank = int(re.search(r"rank (\d+) in", cell[0].text).group(1))  # type: ignore[union-attr, index]
        name = cell[0].text.split(": rank")[0].strip("\u2068\u2069")  # type: ignore[union-attr]  # bidi isolates
        row = list(demo_result().table["name"]).index(html.unescape(name))
        assert float(cell.get("data-p") or "nan") == acc[row, rank - 1]
        assert cell.get("fill") == blue(acc[row, rank - 1])
    assert len(cells) == int((acc[:30, :40] > 0).sum())
    # the data table under it lists the same shares
    table = page[page.index('<details id="acceptability-table">') :]
    first = demo_result().table["name"].iloc[0]
    shares = ", ".join(f"{j + 1}: {acc[0, j]:.0%}" for j in range(40) if acc[0, j] >= 0.005)
    assert f"<td><bdi>{first}</bdi></td><td>{shares}</td>" in table


def test_hostile_names_stay_text_in_the_svg(tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    criteria = load_criteria(crit)
    result = score_countries(read_countries(sheet), criteria)
    page = build_report(result, sensitivity=run_sensitivity(result, draws=50, seed=1), generated="x")
    for chart in ("contributions-chart", "acceptability-chart"):
        root = svg(page, chart)  # parses: nothing closed the element early
        assert not any(el.tag.endswith("script") for el in root.iter())
    texts = [t.text or "" for t in svg(page, "contributions-chart").iter(f"{SVG}title")]
    assert any(HOSTILE_NAME in t for t in texts)


def test_a_geometric_mean_draws_criterion_scores(tmp_path: Path) -> None:
    result = demo_result()
    geometric = score_countries(
        read_countries(Path(result.source)), result.criteria.model_copy(update={"aggregation": Aggregation.geometric})
    )
    page = build_report(geometric, generated="x")
    root = svg(page, "contributions-chart")
    assert (root.find(f"{SVG}title").text or "").startswith("Criterion scores of the 30")  # type: ignore[union-attr]
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "middle"][:6]
    assert ticks == ["0", "0.2", "0.4", "0.6", "0.8", "1"]


def test_axis_ends() -> None:
    assert nice_top(0.4) == (0.4, 0.1) and nice_top(0.61) == (0.8, 0.2) and nice_top(0.0) == (1.0, 0.2)


@pytest.fixture(scope="module")
def chart_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("charts"), "--sensitivity", "--draws", "200")


@pytest.fixture
def opened(browser: Any, chart_report: Path) -> Iterator[Page]:
    page = Page(browser, chart_report)
    yield page
    page.close()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("width", [390, *(pytest.param(w, marks=pytest.mark.slow) for w in (1024, 1440))])
def test_the_charts_are_visible_and_the_page_does_not_scroll_sideways(opened: Page, width: int, tmp_path: Path) -> None:
    page = opened.page
    page.set_viewport_size({"width": width, "height": 900})
    for chart in ("#contributions-chart", "#acceptability-chart"):
        box = page.eval_on_selector(chart, "e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; }")
        assert box[0] > 300 and box[1] > 300, (chart, box)
        font = page.eval_on_selector(
            chart,
            """svg => { const t = svg.querySelector('text'); const scale = svg.getBoundingClientRect().width
                        / svg.viewBox.baseVal.width; return parseFloat(getComputedStyle(t).fontSize) * scale; }""",
        )
        assert font >= 10, (chart, font)  # text at least 10 px on screen
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"page is {sizes[0]} px wide in a {sizes[1]} px window"
    assert opened.errors() == []
    for name, selector in (("contributions", "#contributions-figure"), ("acceptability", "#acceptability-figure")):
        shot = tmp_path / f"charts-{name}-{width}.png"
        page.locator(selector).screenshot(path=str(shot))
        assert shot.stat().st_size > 5_000
        if SHOTS.is_dir():
            shutil.copy(shot, SHOTS / shot.name)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_the_charts_print_and_grey_out_when_a_slider_moves(opened: Page, tmp_path: Path) -> None:
    page = opened.page
    assert "stale" not in (page.get_attribute("#contributions-figure", "class") or "").split()
    page.locator("#w-range-1").evaluate(
        "(el) => { el.value = '0.9'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    assert "stale" in (page.get_attribute("#contributions-figure", "class") or "").split()
    page.emulate_media(media="print")
    # drawn with the file's weights, the contributions chart gives way to its notice; the heat map still prints
    assert page.eval_on_selector("#contributions-chart", "e => e.getBoundingClientRect().width") == 0
    assert page.locator("#contributions-figure .stale-notice").is_visible()
    assert page.eval_on_selector("#acceptability-chart", "e => e.getBoundingClientRect().width") > 300
    pdf = tmp_path / "charts.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 10_000
