"""The report's layout in a real Chromium: breakdown in view, no sideways scroll, bidi-safe names, print.

Same set-up as tests/test_report_browser.py (Debian's chromium through
Playwright, network cut). Issue 13, item 3.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorer import load_criteria, read_countries, score_countries
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.pdf_helpers import printed_text
from tests.test_report_browser import CHROMIUM, Page, write_report

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium: apt-get install chromium"
)

ARABIC = "المغرب"
OVERRIDE = "Evil\u202eland"  # a RIGHT-TO-LEFT OVERRIDE with no closing PDF


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("layout"), "--sensitivity", "--draws", "200")


@pytest.fixture
def opened(browser: Any, demo_report: Path) -> Iterator[Page]:
    page = Page(browser, demo_report)
    yield page
    page.close()


def in_viewport(page: Any, selector: str) -> bool:
    return bool(
        page.eval_on_selector(
            selector,
            """e => { const r = e.getBoundingClientRect();
                      return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; }""",
        )
    )


def test_a_click_on_row_100_brings_its_breakdown_into_view_with_focus(opened: Page) -> None:
    page = opened.page
    row = page.locator("#ranking-table tbody tr").nth(99)
    name = row.locator("button.country").inner_text()
    assert row.locator(".rank").inner_text() == "100"
    row.locator("button.country").click()
    assert in_viewport(page, "#detail")
    assert page.evaluate("document.activeElement.id") == "detail"
    assert page.locator("#detail h3").inner_text().startswith(name)
    assert page.locator("#detail").get_attribute("aria-label") == f"Breakdown of \u2068{name}\u2069"
    # Keyboard: Enter on a name does the same; Close hands the focus back to the name.
    other = page.locator("#ranking-table tbody tr").nth(140).locator("button.country")
    other.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "detail" and in_viewport(page, "#detail")
    page.locator("#detail button.action").click()
    assert page.evaluate("document.activeElement.textContent") == other.inner_text()
    assert opened.errors() == []


@pytest.mark.parametrize("width", [390, pytest.param(1024, marks=pytest.mark.slow)])
def test_the_page_never_scrolls_sideways(opened: Page, width: int) -> None:
    page = opened.page
    page.set_viewport_size({"width": width, "height": 800})
    page.locator("#ranking-table tbody tr").nth(3).locator("button.country").click()
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"page is {sizes[0]} px wide in a {sizes[1]} px window"
    # The ranking table keeps its columns and scrolls within its own box instead.
    if width == 390:
        box = page.eval_on_selector("#ranking-table", "t => [t.parentElement.className, t.parentElement.scrollWidth]")
        assert box[0] == "table-wrap" and box[1] > sizes[1]


@pytest.fixture(scope="module")
def bidi_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[float]]:
    """The demo sheet with the first country renamed in Arabic and the second given a U+202E."""
    folder = tmp_path_factory.mktemp("bidi")
    table = score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())).table
    first, second = str(table.index[0]), str(table.index[1])
    text = demo_spreadsheet_path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        if row[0] == first:
            row[1] = ARABIC
        elif row[0] == second:
            row[1] = OVERRIDE
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    sheet = folder / "bidi.csv"
    sheet.write_text(out.getvalue(), encoding="utf-8")
    scores = [float(table["score"].iloc[0]), float(table["score"].iloc[1])]
    return write_report(folder, str(sheet)), [ARABIC, OVERRIDE], scores


TOP_ITEMS = """items => items.slice(0, 2).map(li => {
    const name = li.querySelector('bdi'), score = li.querySelector('.id');
    return {name: name && name.textContent, score: score.textContent,
            after: score.getBoundingClientRect().left >= name.getBoundingClientRect().right - 0.5};
})"""


def check_bidi(page: Any, names: list[str], scores: list[float]) -> None:
    items = page.eval_on_selector_all("#top-list li", TOP_ITEMS)
    d = page.evaluate("JSON.parse(document.getElementById('report-data').textContent).score_decimals")
    assert items == [
        {"name": name, "score": f"({score:.{d}f})", "after": True} for name, score in zip(names, scores, strict=True)
    ]
    buttons = page.eval_on_selector_all("button.country", "b => b.slice(0, 2).map(x => x.firstChild.tagName)")
    assert buttons == ["BDI", "BDI"]


def test_right_to_left_names_and_overrides_stay_inside_their_names(
    browser: Any, bidi_report: tuple[Path, list[str], list[float]]
) -> None:
    path, names, scores = bidi_report
    opened = Page(browser, path)
    try:
        page = opened.page
        check_bidi(page, names, scores)  # as written by the templates
        page.evaluate("unctReport.setWeights(unctReport.weights())")  # rebuilt by the script
        check_bidi(page, names, scores)
        page.locator("button.country").nth(1).click()
        assert page.locator("#detail h3 bdi").inner_text() == OVERRIDE
        assert opened.errors() == []
    finally:
        opened.close()


def test_printing_opens_the_collapsed_sections(opened: Page, tmp_path: Path) -> None:
    page = opened.page
    closed = page.eval_on_selector_all("details:not([open])", "d => d.length")
    assert closed > 0
    # The first row of every collapsed table, as one string without spaces (unique to that table).
    hidden = page.eval_on_selector_all(
        "details:not([open])", "ds => ds.map(d => d.querySelector('tbody tr, li').textContent.replace(/\\s+/g, ''))"
    )
    pdf = tmp_path / "report.pdf"
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what a reader's Print does first
    assert page.eval_on_selector_all("details:not([open])", "d => d.length") == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.eval_on_selector_all("details:not([open])", "d => d.length") == closed
    text = printed_text(page, pdf)  # printed with the sections closed on screen
    assert page.eval_on_selector_all("details:not([open])", "d => d.length") == closed
    assert hidden and [row for row in hidden if row not in text] == []
