"""axe-core finds no WCAG 2.0/2.1 A or AA violation in the report, in a real headless Chromium.

axe-core (MPL-2.0, by Deque) comes offline from the dev dependency
``axe-playwright-python``, which bundles ``axe.min.js``; we only read that file.
The page's Content-Security-Policy allows its own script alone, so axe is run
through ``page.evaluate`` (a DevTools call, which the page's CSP does not
govern): the page under test is the very page the CLI writes, CSP included.

Checked: the demo report with ``--sensitivity`` and ``--stakeholders`` (the
test judgement workbook), every ``<details>`` opened, at 1,440 and 390 px
wide (1,440 in the slow step), before and after a slider moves (the "weights changed" banner shows).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from elicitation_helpers import fill_sheet

from tests.test_report_browser import CHROMIUM, write_report

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium: apt-get install chromium"),
    pytest.mark.skipif(
        find_spec("axe_playwright_python") is None,
        reason="needs axe-core: pip install axe-playwright-python (a dev dependency)",
    ),
]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
IDS = ["engagement", "representation", "government_interest"]
SWINGS = {
    "Ana": {"engagement": 100, "representation": 20, "government_interest": 50},
    "Bo": {"engagement": 40, "representation": 100, "government_interest": 30},
}


def axe_source() -> str:
    spec = find_spec("axe_playwright_python")
    assert spec is not None and spec.origin is not None
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from scorer.cli import main

    folder = tmp_path_factory.mktemp("axe")
    workbook = folder / "j.xlsx"
    args = ["template", "--judgements", "-o", str(workbook)]
    for name in SWINGS:
        args += ["--stakeholder", name]
    assert CliRunner().invoke(main, args).exit_code == 0
    for name, swing in SWINGS.items():
        fill_sheet(workbook, name, IDS, swing=swing)
    return write_report(
        folder, "--sensitivity", "--draws", "200", "--stakeholders", str(workbook), "--judgement-method", "swing"
    )


def violations(page: Any) -> list[str]:
    """One line per axe violation: rule id, impact, count and the first few offending elements."""
    found = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}));
        }""",
        TAGS,
    )
    return [f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['nodes'][:4]}" for v in found]


# 390 px (where scrolling regions and wrapping bite) in the default run; 1,440 px in .ci/run's slow step (about a
# minute of axe on the full page on this 2-core machine)
@pytest.mark.parametrize("width", [pytest.param(1440, marks=pytest.mark.slow), 390])
def test_axe_finds_no_wcag_a_or_aa_violation(browser: Any, report: Path, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        page = context.new_page()
        page.goto(report.resolve().as_uri())
        page.wait_for_selector("body[data-ready=true]")
        assert page.locator("#whose-weights").count() == 1
        page.evaluate(axe_source())  # defines window.axe; evaluate is not subject to the page's CSP
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        assert page.locator("details:not([open])").count() == 0
        page.evaluate("() => new Promise((done) => setTimeout(done, 50))")  # the details' toggle events run
        assert violations(page) == []
        page.locator("#w-range-1").evaluate(
            "(el) => { el.value = '0.9'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        assert "stale" in (page.get_attribute("#contributions-figure", "class") or "").split()
        assert violations(page) == []
    finally:
        context.close()
