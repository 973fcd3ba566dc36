"""The report in a real headless Chromium: offline, no console errors, and the page computes what the CLI computes.

Runs Debian's chromium (/usr/bin/chromium, installed by .ci/run) through
Playwright with its executable path set (no Playwright browser download). The
network is cut: every request but the report file itself is aborted and
recorded, and the test fails if there was any.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.io.results import criteria_source
from scorer.report import yaml_number
from scorer.report.wording import plain
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.conftest import CHROMIUM
from tests.test_report import HOSTILE_NAME, hostile_inputs

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium: apt-get install chromium"
)

WEIGHT_SETS = [
    {"engagement": 0.5, "representation": 0.1, "government_interest": 0.4},
    {"engagement": 0.0, "representation": 1.0, "government_interest": 0.0},
    {"engagement": 3.0, "representation": 0.7, "government_interest": 0.123456789},
    {"engagement": 1.0, "representation": 1.0, "government_interest": 1.0},
]


class Page:
    """One opened report with its recorded requests, console messages and dialogs."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.console: list[tuple[str, str]] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready=true]")

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if kind in ("error", "pageerror", "warning")]

    def table(self) -> list[dict[str, Any]]:
        """Rank, id, score (exact, from data-score) and tier of every row, in displayed order."""
        return self.page.eval_on_selector_all(
            "#ranking-table tbody tr",
            """rows => rows.map(tr => ({
                id: tr.querySelector('.id').textContent,
                rank: Number(tr.querySelector('.rank').textContent),
                score: Number(tr.querySelector('.score').dataset.score),
                tier: tr.querySelector('.tier').textContent,
            }))""",
        )

    def close(self) -> None:
        self.context.close()


def write_report(folder: Path, *args: str) -> Path:
    from click.testing import CliRunner

    out = folder / "report.html"
    res = CliRunner().invoke(
        main, ["report", *args, "-o", str(out)], catch_exceptions=False, env={"SOURCE_DATE_EPOCH": "1700000000"}
    )
    assert res.exit_code == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(tmp_path_factory.mktemp("report"), "--sensitivity", "--draws", "2000")


@pytest.fixture
def opened(browser: Any, demo_report: Path) -> Iterator[Page]:
    page = Page(browser, demo_report)
    yield page
    page.close()


@pytest.fixture(scope="module")
def demo_inputs() -> tuple[Any, Any]:
    return read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())


def expected(df: Any, criteria: Any, weights: dict[str, float]) -> list[dict[str, Any]]:
    table = score_countries(df, criteria, weights=weights).table
    return [
        {"id": ident, "rank": int(r["rank"]), "score": float(r["score"]), "tier": str(r["tier"])}
        for ident, r in table.iterrows()
    ]


def assert_same(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> float:
    """Same ids in the same order, same ranks and tiers, scores within 1e-9; returns the largest score gap."""
    assert [g["id"] for g in got] == [w["id"] for w in want]
    assert [g["rank"] for g in got] == [w["rank"] for w in want]
    assert [g["tier"] for g in got] == [w["tier"] for w in want]
    gap = max(abs(g["score"] - w["score"]) for g, w in zip(got, want, strict=True))
    assert gap <= 1e-9
    return gap


def test_the_report_opens_offline_with_no_errors(opened: Page, tmp_path: Path) -> None:
    page = opened.page
    assert opened.requests == [opened.url]
    assert opened.blocked == []
    assert opened.errors() == []
    assert page.locator("#ranking-table tbody tr").count() == 162
    assert page.locator("#illustrative-note").is_visible()
    assert "ILLUSTRATIVE DATA" in page.locator("#illustrative-note").inner_text()
    assert page.locator("#filter-count").inner_text() == "Showing 162 of 162 ranked countries."
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000


def test_the_page_at_the_file_weights_is_the_cli_ranking(opened: Page, demo_inputs: tuple[Any, Any]) -> None:
    df, criteria = demo_inputs
    want = expected(df, criteria, {})
    assert_same(opened.table(), want)
    recomputed = opened.page.evaluate(
        "() => { unctReport.setWeights(unctReport.weights()); return unctReport.results(); }"
    )
    order = {w["id"]: i for i, w in enumerate(want)}
    assert assert_same(sorted(recomputed, key=lambda r: order[r["id"]]), want) == 0.0


def test_typed_weights_rank_exactly_like_rank_w(opened: Page, demo_inputs: tuple[Any, Any]) -> None:
    """Each weight set typed in turn into the same page (mixed, one criterion, odd decimals, equal)."""
    for weights in WEIGHT_SETS:
        typed_weights_rank_like_rank_w(opened, demo_inputs, weights)


def typed_weights_rank_like_rank_w(opened: Page, demo_inputs: tuple[Any, Any], weights: dict[str, float]) -> None:
    df, criteria = demo_inputs
    ids = list(criteria.criteria)
    started = time.perf_counter()
    for cid, value in weights.items():
        box = opened.page.locator(f"#w-number-{ids.index(cid)}")
        box.fill(repr(value))
        box.dispatch_event("input")
    got = opened.table()
    elapsed = time.perf_counter() - started
    gap = assert_same(got, expected(df, criteria, weights))
    assert opened.page.evaluate("unctReport.weights()") == weights
    want = score_countries(df, criteria, weights=weights).table
    top = opened.page.eval_on_selector_all("#top-list li", "items => items.map(li => li.firstChild.textContent.trim())")
    assert top == list(want["name"].head(15))
    counts = [int(opened.page.locator(f"#tier-count-{i}").inner_text()) for i in range(len(criteria.tiers))]
    assert counts == [int((want["tier"] == t.name).sum()) for t in criteria.tiers]
    cli = opened.page.locator("#cli-equivalent").inner_text()
    assert cli.startswith("unct-scorer rank -w ")
    assert opened.errors() == []
    print(f"\n{len(got)} countries, max |score diff| JS vs Python {gap:.3g}, {elapsed * 1000:.0f} ms")


def test_random_weights_computed_in_the_page_match_the_pipeline_bit_for_bit(
    opened: Page, demo_inputs: tuple[Any, Any]
) -> None:
    import numpy as np

    df, criteria = demo_inputs
    ids = list(criteria.criteria)
    rng = np.random.default_rng(20240611)
    draws = [rng.dirichlet(np.ones(len(ids))) * rng.choice([1.0, 7.0, 0.01]) for _ in range(20)]
    draws += [np.array([0.0, 0.5, 0.5]), np.array([1.0, 0.0, 0.0]), np.array([1e-9, 1.0, 1e9])]
    order = [c["id"] for c in opened.page.evaluate("unctReport.results()")]
    for w in draws:
        weights = dict(zip(ids, (float(x) for x in w), strict=True))
        got = opened.page.evaluate(
            "(w) => { const r = unctReport.compute(w); return {score: r.score, rank: r.rank, tier: r.tier}; }", weights
        )
        table = score_countries(df, criteria, weights=weights).table.loc[order]
        assert got["score"] == table["score"].tolist()
        assert got["rank"] == table["rank"].tolist()
        names = [t.name for t in criteria.tiers]
        assert [names[t] for t in got["tier"]] == table["tier"].tolist()


def test_the_pages_kernel_is_the_one_weighted_sum_bit_for_bit(opened: Page) -> None:
    """Issue 10, item 2: the script mirrors scorer.core.aggregation.weighted_sum on the page's own matrix and mask."""
    import numpy as np

    from scorer.core.aggregation import weighted_sum

    data = opened.page.evaluate("JSON.parse(document.getElementById('report-data').textContent)")
    values = np.array([[np.nan if v is None else v for v in c["s"]] for c in data["countries"]], dtype=float)
    mask = np.array([c["m"] for c in data["countries"]], dtype=bool)
    rng = np.random.default_rng(7)
    draws = [rng.dirichlet(np.ones(values.shape[1])) * rng.choice([1.0, 3.0, 1e-3]) for _ in range(25)]
    draws += [np.array([0.0, 0.0, 2.0]), np.array([1e-12, 1.0, 1e12])]
    for w in draws:
        got = opened.page.evaluate("(w) => unctReport.compute(w).score", [float(x) for x in w])
        assert got == weighted_sum(values, w, mask).tolist()
    # the page's starting scores are the kernel's at the report's weights
    start = np.array([c["weight"] for c in data["criteria"]], dtype=float)
    assert [c["score"] for c in data["countries"]] == weighted_sum(values, start, mask).tolist()


def test_a_slider_moves_the_ranking(opened: Page, demo_inputs: tuple[Any, Any]) -> None:
    df, criteria = demo_inputs
    slider = opened.page.locator("#w-range-1")
    slider.evaluate("(el) => { el.value = '0.9'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    assert opened.page.locator("#w-number-1").input_value() == "0.9"
    weights = {"engagement": 0.4, "representation": 0.9, "government_interest": 0.35}
    assert_same(opened.table(), expected(df, criteria, weights))
    assert opened.page.locator("#w-share-1").inner_text() == f"{0.9 / 1.65 * 100:.1f}%"
    opened.page.click("#reset-weights")
    assert_same(opened.table(), expected(df, criteria, {}))


def test_every_sentence_stating_weights_follows_a_slider_on_screen_and_in_print(
    opened: Page, demo_inputs: tuple[Any, Any]
) -> None:
    """Issue 10, defect 5: the summary stated the file's weights above a top 15 computed with others.

    The weights are now stated at a glance and, once moved, in the banner (issue 13); the summary states none.
    """
    df, criteria = demo_inputs
    page = opened.page
    ids = list(criteria.criteria)

    def shares(weights: list[float]) -> str:
        return ", ".join(f"{plain(c)} {w / sum(weights) * 100:.0f}%" for c, w in zip(ids, weights, strict=True))

    report_words = shares([0.4, 0.25, 0.35])
    banner, glance = page.locator("#tuned-banner"), page.locator("#glance-weights")
    assert glance.inner_text() == report_words and not banner.is_visible()
    assert page.locator("#summary-weights").count() == 0
    assert not page.locator("#criteria .only-when-changed").is_visible()
    slider = page.locator("#w-range-0")
    slider.evaluate("(el) => { el.value = '0.9'; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    moved = {"engagement": 0.9, "representation": 0.25, "government_interest": 0.35}
    words = shares(list(moved.values()))
    want = score_countries(df, criteria, weights=moved).table
    top = page.eval_on_selector_all("#top-list li", "items => items.map(li => li.firstChild.textContent.trim())")
    assert top == list(want["name"].head(15))
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        assert banner.is_visible()
        assert banner.inner_text().startswith(
            f"Weights moved in this page: {words}, not the weights this report was made with ({report_words})."
        )
        assert glance.inner_text() == f"{words} (moved in this page; this report's: {report_words})"
        for section_id in ("criteria", "methodology", "stability"):
            assert page.locator(f"#{section_id} .only-when-changed").is_visible(), (media, section_id)
    page.emulate_media(media="screen")
    page.click("#reset-weights")
    assert glance.inner_text() == report_words and not banner.is_visible()
    assert not page.locator("#criteria .only-when-changed").is_visible()
    assert page.locator("#weights-status").inner_text() == "Showing the weights this report was made with."
    assert opened.errors() == []


def test_all_zero_weights_are_refused_like_the_cli(opened: Page) -> None:
    before = opened.table()
    opened.page.evaluate("unctReport.setWeights([0, 0, 0])")
    status = opened.page.locator("#weights-status").inner_text()
    assert status == "Not recomputed: criterion weights should not all be 0, but they are."
    assert opened.table() == before
    assert opened.page.locator("#download-yaml").is_disabled()


def test_the_downloaded_yaml_is_accepted_and_ranks_like_rank_w(
    opened: Page, demo_inputs: tuple[Any, Any], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    df, criteria = demo_inputs
    weights = WEIGHT_SETS[2]
    opened.page.evaluate(f"unctReport.setWeights({json.dumps(weights)})")
    with opened.page.expect_download() as info:
        opened.page.click("#download-yaml")
    download = info.value
    assert download.suggested_filename == "default-tuned.yaml"
    saved = tmp_path / download.suggested_filename
    download.save_as(str(saved))
    text = saved.read_text(encoding="utf-8")
    assert text == criteria_source(default_criteria_path()).with_weights(weights)
    tuned = load_criteria(saved)
    assert tuned.criterion_weights() == criteria.with_weights(weights).criterion_weights()
    runner = CliRunner()
    by_file = runner.invoke(main, ["rank", "-c", str(saved), "--format", "json"], catch_exceptions=False)
    w_args = [a for cid, v in weights.items() for a in ("-w", f"{cid}={v!r}")]
    by_flags = runner.invoke(main, ["rank", *w_args, "--format", "json"], catch_exceptions=False)
    assert by_file.exit_code == by_flags.exit_code == 0
    assert json.loads(by_file.stdout) == json.loads(by_flags.stdout)
    assert_same(opened.table(), expected(df, tuned, {}))
    assert opened.requests == [opened.url] and opened.errors() == []


def test_the_page_writes_numbers_as_python_does(opened: Page) -> None:
    values = [
        0.4,
        3.0,
        1e16,
        1e15,
        1e-05,
        0.0001,
        0.1 + 0.2,
        123456789.123,
        5e-324,
        1.7976931348623157e308,
        2.5e-07,
        0.0,
        1e22,
        12345678901234567.0,
        0.123456789,
    ]
    got = opened.page.evaluate("(xs) => xs.map(unctReport.yamlNumber)", values)
    assert got == [yaml_number(v) for v in values]


def test_sorting_filtering_search_and_country_detail(opened: Page) -> None:
    page = opened.page
    page.click("th[data-sort=score] button")
    scores = [row["score"] for row in opened.table()]
    assert scores == sorted(scores, reverse=True)
    page.click("th[data-sort=name] button")
    in_order = page.eval_on_selector_all(
        "#ranking-table tbody tr button.country",
        "b => b.map(x => x.textContent).every((n, i, all) => i === 0 || all[i - 1].localeCompare(n) <= 0)",
    )
    assert in_order
    page.select_option("#filter-region", "Africa")
    page.select_option("#filter-tier", "0")
    visible = page.locator("#ranking-table tbody tr:visible")
    regions = visible.evaluate_all("rows => rows.map(r => r.children[2].textContent)")
    tiers = visible.evaluate_all("rows => rows.map(r => r.querySelector('.tier').textContent)")
    assert regions and set(regions) == {"Africa"} and set(tiers) == {"join"}
    assert page.locator("#filter-count").inner_text() == f"Showing {len(regions)} of 162 ranked countries."
    page.select_option("#filter-region", "")
    page.select_option("#filter-tier", "")
    page.fill("#filter-search", "cote d")
    assert visible.evaluate_all("rows => rows.map(r => r.querySelector('.id').textContent)") == ["CIV"]
    page.click("#ranking-table tbody tr:visible button.country")
    detail = page.locator("#detail")
    assert detail.is_visible()
    assert detail.locator("h3").inner_text().startswith("Côte d")
    assert detail.locator("tbody tr").count() == 3 + 6
    assert opened.errors() == []


def test_hostile_names_show_as_text_and_run_nothing(browser: Any, tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    path = write_report(tmp_path, str(sheet), "-c", str(crit))
    opened = Page(browser, path)
    try:
        page = opened.page
        names = page.eval_on_selector_all("button.country", "b => b.map(x => x.textContent)")
        assert HOSTILE_NAME in names
        page.evaluate("unctReport.setWeights({interest: 1, office: 3})")
        page.click("button.country >> nth=0")
        page.wait_for_timeout(100)
        assert opened.dialogs == []
        assert page.evaluate("typeof window.alert") == "function"
        assert page.locator("script").count() == 2
        assert page.locator("img").count() == 0
        assert opened.requests == [opened.url] and opened.errors() == []
    finally:
        opened.close()


def test_a_sheet_without_regions_still_filters_and_reweights(
    browser: Any, small: tuple[Path, Path], tmp_path: Path
) -> None:
    sheet, crit = small
    opened = Page(browser, write_report(tmp_path, str(sheet), "-c", str(crit)))
    try:
        page = opened.page
        assert page.locator("#filter-region").count() == 0
        page.fill("#filter-search", "alp")
        assert page.locator("#filter-count").inner_text() == "Showing 1 of 4 ranked countries."
        df, criteria = read_countries(sheet), load_criteria(crit)
        page.evaluate("unctReport.setWeights({engagement: 0, representation: 5, interest: 1})")
        assert_same(opened.table(), expected(df, criteria, {"engagement": 0, "representation": 5, "interest": 1}))
        assert opened.errors() == []
    finally:
        opened.close()


def test_a_geometric_report_has_its_sliders_off(browser: Any, tmp_path: Path) -> None:
    crit = tmp_path / "geo.yaml"
    crit.write_text(
        default_criteria_path()
        .read_text(encoding="utf-8")
        .replace("aggregation: arithmetic", "aggregation: geometric"),
        encoding="utf-8",
    )
    opened = Page(browser, write_report(tmp_path, "-c", str(crit)))
    try:
        page = opened.page
        assert page.locator("#w-range-0").is_disabled() and page.locator("#w-number-0").is_disabled()
        assert page.locator("#download-yaml").is_disabled()
        assert "Live weights are off" in page.locator("#weights").inner_text()
        assert page.evaluate("unctReport.live") is False
        assert opened.errors() == []
        assert not math.isnan(opened.table()[0]["score"])
    finally:
        opened.close()
