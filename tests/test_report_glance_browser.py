"""The glance block and the tuned state in a real Chromium (issue 13, items 1, 2 and 6).

Same set-up as tests/test_report_browser.py (Debian's chromium through
Playwright, network cut). The claims are checked against what the commands
print (``stability`` and ``sensitivity --format json``), not against pinned
demo figures; screenshots at three widths go to the test's tmp dir.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.report.glance import chance
from scorer.report.wording import interval_cells, plain
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.pdf_helpers import printed_text
from tests.test_report_browser import CHROMIUM, Page, write_report

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")

DRAWS = "1000"
ARABIC = "المغرب"
OVERRIDE = "Evil\u202eland"  # a RIGHT-TO-LEFT OVERRIDE with no closing PDF
FILE_WEIGHTS = {"engagement": 0.4, "representation": 0.25, "government_interest": 0.35}


def cli_json(*args: str) -> dict[str, Any]:
    res = CliRunner().invoke(main, ["-q", *args, "--format", "json"], env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("glance"), "--sensitivity", "--draws", DRAWS)


@pytest.fixture
def opened(browser: Any, demo_report: Path) -> Iterator[Page]:
    page = Page(browser, demo_report)
    yield page
    page.close()


def bdi_texts(page: Any, selector: str) -> list[str]:
    return page.eval_on_selector_all(f"{selector} bdi", "bs => bs.map(b => b.textContent)")


def test_the_glance_states_the_clis_limits_and_chances(opened: Page) -> None:
    page = opened.page
    stability = cli_json("stability")
    limits = page.locator("#glance-limits").inner_text()
    for w in stability["weights"]:
        now, lo, hi = interval_cells(w["weight"], w["low"], w["high"])
        assert f"{plain(w['criterion'])} {lo} to {hi} (now {now})" in limits
    sensitivity = cli_json("sensitivity", "--draws", DRAWS)
    countries = sensitivity["countries"]
    inside = [c for c in countries if c["rank"] <= sensitivity["top_k"]]
    assert bdi_texts(page, "#glance-sure") == [c["name"] for c in inside if c["p_top_k"] >= 1.0]
    depends = page.locator("#glance-depends").inner_text()
    shaky = [c for c in inside if c["p_top_k"] < 1.0]
    assert shaky and all(f"{c['name']} ({chance(c['p_top_k'])})" in depends for c in shaky)
    outside = sorted((c for c in countries if c["rank"] > sensitivity["top_k"]), key=lambda c: -c["p_top_k"])
    close = page.locator("#glance-close").inner_text()
    assert f"{outside[0]['name']} ({chance(outside[0]['p_top_k'])})" in close
    # Each sentence links to the section that proves it, and the anchor exists.
    hrefs = page.eval_on_selector_all("#glance a.proof", "as => as.map(a => a.getAttribute('href'))")
    assert len(hrefs) == page.locator("#glance li").count()
    assert all(page.locator(h).count() == 1 for h in set(hrefs))
    assert opened.errors() == []


def move_slider(page: Any, index: int, value: str) -> None:
    page.locator(f"#w-range-{index}").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def shares_words(weights: dict[str, float]) -> str:
    total = sum(weights.values())
    return ", ".join(f"{plain(c)} {w / total * 100:.0f}%" for c, w in weights.items())


def test_a_moved_slider_shows_the_banner_and_every_weight_sentence_reset_restores_them(opened: Page) -> None:
    page = opened.page
    banner = page.locator("#tuned-banner")
    original = page.locator("#glance-weights").inner_text()
    assert not banner.is_visible() and original == shares_words(FILE_WEIGHTS)
    move_slider(page, 1, "0.6")
    moved = FILE_WEIGHTS | {"representation": 0.6}
    assert banner.is_visible()
    assert page.locator("#tuned-weights").inner_text() == shares_words(moved)
    assert page.locator("#glance-weights").inner_text() == (
        f"{shares_words(moved)} (moved in this page; this report's: {shares_words(FILE_WEIGHTS)})"
    )
    assert "stale" in (page.locator("#glance-sure").get_attribute("class") or "").split()
    assert "stale" not in (page.locator("#glance-basis").get_attribute("class") or "").split()
    assert page.locator("#glance-tuned").is_visible()
    # The command line, the tuned criteria file and the page's weights agree.
    cli = page.locator("#cli-equivalent").inner_text()
    from_cli = {k: float(v) for k, v in re.findall(r" -w (\w+)=(\S+)", cli)}
    tuned = yaml.safe_load(page.evaluate("unctReport.tunedYaml()"))
    from_yaml = {k: float(v["weight"]) for k, v in tuned["criteria"].items()}
    assert from_cli == from_yaml == page.evaluate("unctReport.weights()") == moved
    page.click("#tuned-reset")
    assert not banner.is_visible() and not page.locator("#glance-tuned").is_visible()
    assert page.evaluate("unctReport.weights()") == FILE_WEIGHTS
    assert page.locator("#glance-weights").inner_text() == original
    assert "stale" not in (page.locator("#glance-sure").get_attribute("class") or "").split()
    assert opened.errors() == []


def squeeze(text: str) -> str:
    """Text without white space, as compared with a PDF's extracted text."""
    return "".join(text.split())


def test_the_printed_page_carries_the_weights_actually_used(opened: Page, tmp_path: Path) -> None:
    page = opened.page
    text = printed_text(page, tmp_path / "file.pdf")
    assert "Decisionataglance" in text and "Weightsmovedinthispage" not in text
    assert squeeze("Weights used (relative; share in brackets): engagement 0.4 (40%)") in text
    move_slider(page, 0, "0.9")
    moved = FILE_WEIGHTS | {"engagement": 0.9}
    text = printed_text(page, tmp_path / "tuned.pdf")
    assert squeeze(f"Weights moved in this page: {shares_words(moved)}") in text
    assert squeeze("Weights used, moved in this page (relative; share in brackets): engagement 0.9 (60%)") in text
    assert squeeze(f"{shares_words(moved)} (moved in this page;") in text  # the glance block's sentence
    # Collapsed sections print open (their first rows are in the text).
    rows = page.eval_on_selector_all(
        "details:not([open])", "ds => ds.map(d => d.querySelector('tbody tr, li').textContent.replace(/\\s+/g, ''))"
    )
    assert rows and [r for r in rows if r not in text] == []


@pytest.mark.parametrize("width", [390, pytest.param(1024, marks=pytest.mark.slow), 1440])
def test_the_tuned_page_fits_every_width_and_is_photographed(opened: Page, tmp_path: Path, width: int) -> None:
    page = opened.page
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(tmp_path / f"glance-{width}.png"))
    move_slider(page, 2, "0.1")
    page.evaluate("window.scrollTo(0, document.getElementById('ranking').offsetTop)")
    assert page.locator("#tuned-banner").is_visible()
    box = page.eval_on_selector("#tuned-banner", "b => b.getBoundingClientRect().top")
    assert box == 0  # sticky: the banner stays on screen while the reader scrolls
    page.screenshot(path=str(tmp_path / f"glance-tuned-{width}.png"))
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], f"page is {sizes[0]} px wide in a {sizes[1]} px window"
    assert (tmp_path / f"glance-{width}.png").stat().st_size > 10_000


@pytest.fixture(scope="module")
def bidi_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The demo sheet with the first country renamed in Arabic and the 15th (the last in) given a U+202E."""
    folder = tmp_path_factory.mktemp("glance-bidi")
    table = score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())).table
    first, last_in = str(table.index[0]), str(table.index[14])
    rows = list(csv.reader(io.StringIO(demo_spreadsheet_path().read_text(encoding="utf-8"))))
    for row in rows[1:]:
        row[1] = {first: ARABIC, last_in: OVERRIDE}.get(row[0], row[1])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    sheet = folder / "bidi.csv"
    sheet.write_text(out.getvalue(), encoding="utf-8")
    return write_report(folder, str(sheet)), str(table["name"].iloc[1])


DIGITS = """li => {
    const name = li.querySelector('bdi'), text = name.nextSibling, range = document.createRange();
    const at = text.textContent.indexOf('0.');
    const lefts = [];
    for (let j = at; j < at + 5; j++) { range.setStart(text, j); range.setEnd(text, j + 1);
                                         lefts.push(range.getBoundingClientRect().left); }
    return {name: name.textContent, lefts, after: name.getBoundingClientRect().right};
}"""


def test_an_arabic_name_keeps_the_glance_lists_order_and_an_override_cannot_turn_digits(
    browser: Any, bidi_report: tuple[Path, str]
) -> None:
    path, second = bidi_report
    opened = Page(browser, path)
    try:
        page = opened.page
        names = bdi_texts(page, "#glance-sure")
        assert names[:2] == [ARABIC, second]
        lefts = page.eval_on_selector_all(
            "#glance-sure bdi", "bs => bs.slice(0, 2).map(b => b.getBoundingClientRect().left)"
        )
        assert lefts[0] < lefts[1]  # the Arabic name stays first on its (left-to-right) line
        cut = page.eval_on_selector("#glance-cut", DIGITS)
        assert cut["name"] == OVERRIDE
        assert cut["lefts"] == sorted(cut["lefts"]) and cut["lefts"][0] >= cut["after"] - 0.5  # "0.44..." reads on
        assert opened.errors() == []
    finally:
        opened.close()
