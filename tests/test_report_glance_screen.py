"""The report's first screen and first printed page, stale charts, bidi-safe charts and named scroll boxes.

Issue 13 (session 11 review): in a real Chromium (same set-up as
tests/test_report_browser.py, network cut), a reader who sees only the first
phone screen or the first A4 page learns what is recommended, how sure it is
and what would change it; a chart drawn with the file's weights never shows
beside a ranking computed with others; a name in a chart cannot reorder the
text around it; and a box that scrolls by itself has a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorer.report.glance import ordinal
from tests.pdf_helpers import printed_text
from tests.test_report_browser import CHROMIUM, Page, write_report
from tests.test_report_glance_browser import ARABIC, OVERRIDE, bidi_report, cli_json, move_slider, squeeze

__all__ = ["bidi_report"]  # a module-scoped fixture shared with the other browser tests
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")

# A phone and a wide laptop in the default run; the small laptop in .ci/run's slow step (issue 18: the README's
# test command within 75 s), which runs every width.
SCREENS = [(390, 844), pytest.param(1024, 768, marks=pytest.mark.slow), (1440, 900)]
"""A phone, a small laptop and a desktop window (width, height in CSS px)."""


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("screen"), "--sensitivity", "--draws", "1000")


@pytest.fixture
def opened(browser: Any, demo_report: Path) -> Iterator[Page]:
    page = Page(browser, demo_report)
    yield page
    page.close()


def bottom(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => e.getBoundingClientRect().bottom"))


def claim_texts(page: Any) -> list[str]:
    """Each glance sentence as the reader sees it, without its "(see ...)" link."""
    return page.eval_on_selector_all(
        "#glance li",
        "lis => lis.map(li => { const c = li.cloneNode(true); c.querySelector('a.proof').remove(); "
        "return c.textContent.trim(); })",
    )


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_first_screen_says_what_is_recommended_how_sure_and_what_would_change_it(
    opened: Page, width: int, height: int
) -> None:
    page = opened.page
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    top = page.eval_on_selector("#glance", "g => g.getBoundingClientRect().top")
    assert 0 < top < height / 3, f"the glance block starts {top:.0f} px down a {height} px screen"
    decision = page.locator("#glance-decision").inner_text()
    assert "Recommended:" in decision and "under every plausible weighting" in decision  # how sure, in short
    assert page.locator("#glance-limits").inner_text().startswith("What would change it:")
    for key in ("decision", "limits"):
        assert bottom(page, f"#glance-{key}") <= height, f"#glance-{key} ends below the first {width} px screen"
    # The full illustrative warning follows the glance block; one line before it says the data is made up.
    assert page.locator("#illustrative-line").is_visible()
    assert bottom(page, "#illustrative-line") <= top
    assert page.eval_on_selector("#illustrative-note", "n => n.getBoundingClientRect().top") > top
    page.screenshot(path=str(Path(opened.url.removeprefix("file://")).with_name(f"first-screen-{width}.png")))
    assert opened.errors() == []


def test_the_first_printed_page_holds_every_glance_sentence(opened: Page, tmp_path: Path) -> None:
    page = opened.page
    claims = claim_texts(page)
    assert len(claims) >= 6
    pdf = tmp_path / "report.pdf"
    first = printed_text(page, pdf, pages=1)
    assert [c for c in claims if squeeze(c) not in first] == []
    assert "ILLUSTRATIVEDATA" in first
    # The charts' patterns are drawn as lines and dots: Chromium printed pattern fills as images (7.5 MB).
    assert pdf.stat().st_size < 2_000_000


def cli_rank() -> list[dict[str, Any]]:
    rows = cli_json("rank")
    assert isinstance(rows, list)
    return rows


def test_the_decision_and_the_cut_are_the_clis_ranking(opened: Page) -> None:
    page = opened.page
    ranking = cli_rank()
    top = [r for r in ranking if r["rank"] <= 15]
    assert {r["tier"] for r in top} == {"join"} and ranking[15]["tier"] != "join"
    decision = page.locator("#glance-decision").inner_text()
    assert decision.startswith("Recommended: the 15 countries of the first tier, join (the top 15 by score); ")
    in_glance = page.eval_on_selector_all("#glance-sure bdi, #glance-depends bdi", "bs => bs.map(b => b.textContent)")
    assert sorted(in_glance) == sorted(r["name"] for r in top)  # every one of the 15, sure or not, by name
    d = page.evaluate("JSON.parse(document.getElementById('report-data').textContent).score_decimals")
    a, b = ranking[14], ranking[15]
    want = (
        f"At the cut: {a['name']} {a['score']:.{d}f} ({ordinal(a['rank'])}, {a['tier']}) and "
        f"{b['name']} {b['score']:.{d}f} ({ordinal(b['rank'])}, {b['tier']}): "
    )
    assert page.locator("#glance-cut").inner_text().startswith(want)


def test_without_sensitivity_how_sure_is_the_clis_stability(browser: Any, tmp_path: Path) -> None:
    opened = Page(browser, write_report(tmp_path))
    try:
        page = opened.page
        countries = cli_json("stability")["countries"]
        moved = {c["id"] for c in countries if c["weight_in_range"] and c["weight_criterion"]}
        stays = [c["name"] for c in countries if c["in_top_k"] and c["id"] not in moved]
        leaves = [c["name"] for c in countries if c["in_top_k"] and c["id"] in moved]
        sure = page.locator("#glance-sure")
        assert sure.inner_text().startswith("How sure: sensitivity was not run")
        assert page.eval_on_selector_all("#glance-sure bdi", "bs => bs.map(b => b.textContent)") == stays
        in_out = page.eval_on_selector_all("#glance-in-out bdi", "bs => bs.map(b => b.textContent)")
        assert [n for n in in_out if n in leaves] == leaves[:8]
        decision = page.locator("#glance-decision").inner_text()
        assert f"{len(stays)} of them stay whatever one weight does within its plausible range" in decision
        assert bottom(page, "#glance-limits") <= 900
        assert opened.errors() == []
    finally:
        opened.close()


def test_a_chart_drawn_with_the_files_weights_gives_way_to_a_notice_on_screen_and_on_paper(
    opened: Page, tmp_path: Path
) -> None:
    page = opened.page
    chart = page.locator("#contributions-chart")
    notice = page.locator("#contributions-figure .stale-notice")
    assert chart.is_visible() and not notice.is_visible()
    move_slider(page, 0, "0.9")
    assert not chart.is_visible() and notice.is_visible()
    words = notice.inner_text()
    assert "drawn with the report's weights" in words and "engagement 40%" in words
    assert page.eval_on_selector("#contributions-figure", "f => getComputedStyle(f).opacity") == "1"
    text = printed_text(page, tmp_path / "tuned.pdf")
    assert squeeze("This chart was drawn with the report's weights") in text
    notice.locator("button").click()
    assert chart.is_visible() and not notice.is_visible()
    assert page.evaluate("unctReport.weights()")["engagement"] == 0.4
    assert opened.errors() == []


def test_every_name_in_a_chart_is_isolated_so_it_cannot_reorder_the_text_around_it(
    browser: Any, bidi_report: tuple[Path, str]
) -> None:
    opened = Page(browser, bidi_report[0])
    try:
        page = opened.page
        texts = page.eval_on_selector_all("svg.chart text, svg.chart title", "ns => ns.map(n => n.textContent)")
        for name in (ARABIC, OVERRIDE):
            mentions = [t for t in texts if name in t]
            assert mentions, name
            assert [t for t in mentions if f"\u2068{name}\u2069" not in t] == []
        # An override in a tooltip (name, then the criterion and value) leaves the digits after it in order.
        title = next(t for t in texts if OVERRIDE in t and ":" in t)
        assert title.startswith(f"\u2068{OVERRIDE}\u2069: ")
        assert opened.errors() == []
    finally:
        opened.close()


def test_the_heat_map_isolates_names_too(browser: Any, tmp_path: Path, bidi_report: tuple[Path, str]) -> None:
    sheet = bidi_report[0].with_name("bidi.csv")
    report = write_report(tmp_path, str(sheet), "--sensitivity", "--draws", "200")
    opened = Page(browser, report)
    try:
        page = opened.page
        heat = page.eval_on_selector_all(
            "#acceptability-chart text, #acceptability-chart title", "ns => ns.map(n => n.textContent)"
        )
        for name in (ARABIC, OVERRIDE):
            mentions = [t for t in heat if name in t]
            assert mentions and [t for t in mentions if f"\u2068{name}\u2069" not in t] == []
        # The Arabic name's label still ends at the grid's left edge (isolation does not flip its anchor).
        edges = page.eval_on_selector(
            "#acceptability-chart",
            """(svg, name) => { const t = [...svg.querySelectorAll('text')].find(x => x.textContent.includes(name));
                 const grid = svg.querySelector('rect[data-p]');
                 return [t.getBBox().x + t.getBBox().width, grid.x.baseVal.value]; }""",
            ARABIC,
        )
        assert edges[0] <= edges[1]
        assert opened.errors() == []
    finally:
        opened.close()


def test_every_box_that_scrolls_by_itself_has_a_name(opened: Page) -> None:
    page = opened.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.locator("#ranking-table tbody tr").nth(2).locator("button.country").click()
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")
    boxes = page.eval_on_selector_all(
        ".table-wrap[tabindex='0'], .chart-wrap[tabindex='0']",
        """bs => bs.map(b => ({role: b.getAttribute('role'),
            name: (b.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
                  .map(id => (document.getElementById(id) || {textContent: ''}).textContent.trim()).join(' ')
                  || (b.getAttribute('aria-label') || '')}))""",
    )
    assert len(boxes) >= 5  # the ranking, the charts, the breakdown's tables and the opened sections' tables
    assert [b for b in boxes if b["role"] != "region" or not b["name"]] == []
    assert page.get_by_role("region", name="Ranking").count() >= 1
