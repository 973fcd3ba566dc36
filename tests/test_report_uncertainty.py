"""The report's Method uncertainty section: every number is what `unct-scorer uncertainty` prints (same seed, N)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scorer import load_criteria, read_countries
from scorer.cli import main
from scorer.report import make_report
from scorer.report.uncertainty_section import rank_chart, uncertainty_view
from scorer.resources import demo_spreadsheet_path
from scorer.uncertainty.analysis import DEFAULT_SAMPLES, uncertainty_analysis
from scorer.uncertainty.sobol import DEFAULT_BOOTSTRAP

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "criteria" / "uncertainty_example.yaml"
SOME = re.compile(
    r"^  (?P<name>.+) \((?P<id>[A-Z]{3})\): p (?:= )?(?P<p>[<>]?\s?[0-9.]+); median rank (?P<median>\d+), "
    r"5-95% (?P<low>\d+)-(?P<high>\d+)(?:; rank variance: (?P<shares>.*))?$"
)
DRIVER = re.compile(r"^  (?P<factor>.+): (?P<first>.+) alone, (?P<total>.+) with interactions$")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def page_and_lines(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    target = tmp_path_factory.mktemp("u") / "report.html"
    common = ["-c", str(EXAMPLE), "--samples", "96", "--bootstrap", "7", "--seed", "11"]
    out = run("-q", "uncertainty", str(demo_spreadsheet_path()), *common)
    assert out.exit_code == 0, out.output
    rep = run("-q", "report", str(demo_spreadsheet_path()), *common, "--uncertainty", "-o", str(target))
    assert rep.exit_code == 0, rep.output
    return target.read_text(encoding="utf-8"), out.stdout.splitlines()


def _rows(page: str) -> dict[str, tuple[str, ...]]:
    """The countries table of the section: id -> (P(top K), median, low, high, shares), unescaped."""
    pattern = re.compile(
        r'<tr data-id="([A-Z]{3})"><td>.*?</td><td class="num">\d+</td><td class="num">(.*?)</td>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)-(\d+)</td><td>(.*?)</td></tr>'
    )
    section = page[page.index('<section id="uncertainty">') :]
    return {m[1]: tuple(html.unescape(x) for x in m.groups()[1:]) for m in pattern.finditer(section)}


def test_every_country_the_command_names_has_the_same_numbers_in_the_report(
    page_and_lines: tuple[str, list[str]],
) -> None:
    page, lines = page_and_lines
    rows = _rows(page)
    some = [m for line in lines if (m := SOME.match(line))]
    assert len(some) > 10
    in_table = 0
    for m in some:
        p = m["p"].replace(" ", "")
        if m["id"] in rows:
            in_table += 1
            chance, median, low, high, shares = rows[m["id"]]
            assert (chance, median, low, high) == (p, m["median"], m["low"], m["high"]), m["id"]
            if m["shares"]:
                assert shares == m["shares"], m["id"]
        else:  # listed after the chart, with the same chance
            assert f"({m['id']})</span> P = {html.escape(p)}" in page, m["id"]
    assert in_table >= 20
    always = next(line for line in lines if " whatever the choices (" in line)
    count = always.split(" whatever the choices (")[1].split(")")[0]
    assert f"whatever the choices ({count}):" in page
    some_count = next(line for line in lines if " under some choices only (" in line)
    assert f"Under some choices only: {some_count.split('only (')[1].split(')')[0]}." in page
    header = lines[0]
    assert header.startswith("Method uncertainty: 96 base samples, 576 runs (seed 11)")
    assert "96 base samples, 576 runs of the whole scoring (seed 11)" in page


def test_the_sobol_table_is_the_drivers_the_command_prints(page_and_lines: tuple[str, list[str]]) -> None:
    page, lines = page_and_lines
    start = lines.index(next(line for line in lines if line.startswith("What drives the ranks")))
    printed = []
    for line in lines[start + 1 :]:
        m = DRIVER.match(line)
        if m is None:
            if line.startswith("What drives membership"):
                continue
            break
        printed.append((m["factor"], m["first"], m["total"]))
    cells = re.findall(
        r'<tr data-output="(?:rank|top_k)"><td>[^<]*</td><td>([^<]*)</td><td class="num">([^<]*)</td>'
        r'<td class="num">([^<]*)</td></tr>',
        page,
    )
    assert [tuple(html.unescape(c) for c in row) for row in cells] == printed
    assert len(printed) == 8  # 4 inputs x (rank, top K)


def test_the_chart_is_an_accessible_inline_svg_with_one_dot_per_row(page_and_lines: tuple[str, list[str]]) -> None:
    page, _ = page_and_lines
    section = page[page.index('<section id="uncertainty">') : page.index("</section>", page.index('id="uncertainty"'))]
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
    assert svg.count('r="4"') == 30 + 3  # one dot per country shown, three in the legend
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'href="#uncertainty"' in page  # in the table of contents


def test_report_defaults_are_the_commands_defaults() -> None:
    import inspect

    from scorer.report.workflow import make_report as mk

    params = inspect.signature(mk).parameters
    assert params["samples"].default == DEFAULT_SAMPLES
    assert params["bootstrap"].default == DEFAULT_BOOTSTRAP
    text = " ".join(run("report", "--help").output.split())
    assert f"[default: {DEFAULT_SAMPLES};" in text and f"[default: {DEFAULT_BOOTSTRAP};" in text


def test_without_the_flag_there_is_no_section_and_the_library_call_matches() -> None:
    df = read_countries(demo_spreadsheet_path())
    criteria = load_criteria(EXAMPLE)
    from scorer import score_countries

    result = score_countries(df, criteria)
    plain = make_report(result, df, top_k=10)
    assert plain.uncertainty is None and 'id="uncertainty"' not in plain.html()
    rep = make_report(result, df, top_k=10, uncertainty=True, samples=32, bootstrap=0, seed=3)
    direct = uncertainty_analysis(df, criteria, samples=32, bootstrap=0, seed=3, top_k=10)
    assert rep.uncertainty is not None
    assert rep.uncertainty.summary.equals(direct.summary)
    view = uncertainty_view(rep.uncertainty)
    assert [r["id"] for r in view["rows"]][:3] == list(
        direct.summary.sort_values(["median_rank", "rank_p05"], kind="stable").index[:3]
    )


def test_a_bad_uncertainty_section_stops_the_report_with_one_located_line(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("latest_accession: [declared, mean, reweight]", "nope: [mean]"),
        encoding="utf-8",
    )
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "nope:" in text)
    out = run("report", "-c", str(path), "--uncertainty", "--samples", "8", "-o", str(tmp_path / "r.html"))
    assert out.exit_code == 1
    assert (
        out.stderr.strip()
        .splitlines()[-1]
        .startswith(f"Error: {path}:{line}: uncertainty.alternatives.missing.nope: should name an indicator (")
    )
    assert not (tmp_path / "r.html").exists()


def test_chart_geometry_by_hand() -> None:
    rows = [
        {"id": "A", "name": "A" * 40, "median": 1, "low": 1, "high": 3, "robustness": "always"},
        {"id": "B", "name": "B", "median": 12, "low": 4, "high": 23, "robustness": "some"},
    ]
    c = rank_chart(rows, top_k=5, countries=100)
    # ranks 1..25 (the largest 95th percentile, 23, rounded up to 5) over 480 px from x = 210: 19.2 px a rank
    assert c["max_rank"] == 25
    assert (c["lines"][0]["x1"], c["lines"][0]["dot"], c["lines"][0]["x2"]) == (219.6, 219.6, 258.0)
    assert c["lines"][1]["dot"] == round(210 + 11.5 * 19.2, 1)
    assert c["cut"] == 210 + 5 * 19.2
    assert c["lines"][0]["short"] == "A" * 27 + "…"
    assert [t for t, _ in c["ticks"]] == [1, 5, 10, 15, 20, 25]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium at /usr/bin/chromium")
def test_the_section_renders_offline_in_a_browser(browser: Any, tmp_path: Path) -> None:
    from tests.test_report_browser import Page, write_report

    path = write_report(tmp_path, "-c", str(EXAMPLE), "--uncertainty", "--samples", "48", "--bootstrap", "0")
    page = Page(browser, path)
    try:
        box = page.page.locator("#uncertainty svg.rank-intervals").bounding_box()
        rows = page.page.locator("#uncertainty-countries tbody tr").count()
        dots = page.page.locator("#uncertainty svg.rank-intervals circle").count()
        assert page.errors() == [] and page.blocked == []
    finally:
        page.close()
    assert box is not None and box["width"] > 300 and box["height"] > 30 * 18
    assert (rows, dots) == (30, 30 + 3)
