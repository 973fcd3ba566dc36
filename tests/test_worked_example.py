"""The worked example: plain-word reasons for the top of the demo ranking, and the docs' copy of them."""

from __future__ import annotations

import re
from pathlib import Path

import markupsafe
import pandas as pd
import pytest

from scorer import demo_result, read_countries, score_countries
from scorer.io.criteria_file import parse_criteria_text
from scorer.render.worked_example import top_reasons
from scorer.resources import demo_spreadsheet_path

DEMO_PAGE = Path(__file__).resolve().parent.parent / "docs" / "data" / "demo.md"


@pytest.fixture(scope="module")
def sheet() -> pd.DataFrame:
    return read_countries(demo_spreadsheet_path())


def test_reasons_follow_the_ranking_and_add_up_to_the_score(sheet: pd.DataFrame) -> None:
    result = demo_result()
    reasons = top_reasons(result, top=5, sheet=sheet)
    assert [r.id for r in reasons] == list(result.table.index[:5])
    for r in reasons:
        added = [float(x) for x in re.findall(r"\(\+(\d\.\d{3})\)", " ".join(r.real + r.illustrative))]
        assert sum(added) == pytest.approx(r.score, abs=0.0005 * len(added))
        # criterion 3 is the only made-up input of the demo, and it is kept apart
        assert len(r.illustrative) == 1 and r.illustrative[0].startswith("Government interest in IP")
        assert not any("Government interest" in t for t in r.real)
        # the demo's blank wipo_engagement is left out, so it is no reason
        assert not any("your rating" in t for t in r.real)


def test_evidence_is_quoted_from_the_sheet(sheet: pd.DataFrame) -> None:
    reasons = {r.id: r for r in top_reasons(demo_result(), top=5, sheet=sheet)}
    afg = reasons["AFG"].real[0]
    assert afg.startswith("WIPO treaties joined since 2015: 7 (Paris 2017-02-14; Singapore (trademarks) 2017-02-14;")
    assert afg.endswith("WCT 2020-11-09; WPPT 2020-11-09) (+0.160)")
    assert "Hosts a WIPO External Office: yes (+0.250)" in reasons["NGA"].real
    without = top_reasons(demo_result(), top=1)[0]
    assert without.real[0] == "WIPO treaties joined since 2015: 4 (+0.091)"


def test_imputed_values_say_so() -> None:
    df = pd.DataFrame({"iso3": ["AAA", "BBB"], "x": ["", "3"], "y": ["1", "2"]})
    crit = parse_criteria_text(
        "name: t\ncriteria:\n  a:\n    label: A\n    cites: p\n    weight: 1\n    indicators:\n"
        "      x: {column: x, missing: zero}\n      y: {column: y}\n"
    )
    reasons = top_reasons(score_countries(df, crit), top=2)
    assert reasons[1].real[0] == "x: 0 (+0.000) [imputed: set to 0 (a true zero)]"
    assert (
        reasons[1].sentence()
        == "AAA (rank 2, score 0.000): x: 0 (+0.000) [imputed: set to 0 (a true zero)]; y: 1 (+0.000)."
    )


def test_docs_worked_example_matches_the_demo() -> None:
    """The table of the top five in docs/data/demo.md is the demo's ranking (names, ranks, scores, contributions)."""
    text = DEMO_PAGE.read_text(encoding="utf-8")
    part = text[text.index("**Worked example: why the top five are where they are**") :]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \| (0\.\d{3}) \|(.*)$", part, flags=re.M)[:5]
    result = demo_result()
    top = result.table.head(5)
    assert [(int(r), n.strip(), float(s)) for r, n, s, _ in rows] == [
        (int(t["rank"]), str(t["name"]), round(float(t["score"]), 3)) for _, t in top.iterrows()
    ]
    for (_r, _n, _s, rest), (ident, t) in zip(rows, top.iterrows(), strict=True):
        assert f"+{float(t['government_interest']):.3f}" in rest, ident
        assert f"+{float(t['engagement']):.3f}" in rest, ident


def test_the_report_methodology_carries_the_worked_example() -> None:
    from scorer.report import build_report

    result = demo_result()
    page = build_report(result)
    part = page[page.index('<section id="methodology"') :]
    part = part[: part.index("</section>")]
    assert "<h3>Why the top countries are where they are</h3>" in part
    reason = top_reasons(result, top=1)[0]
    assert f"<li><bdi>{markupsafe.escape(reason.name)}</bdi> (rank 1" in part  # names isolated for bidi text
    text = part.replace("<bdi>", "").replace("</bdi>", "")
    assert f"<li>{markupsafe.escape(reason.sentence())}</li>" in text
    assert "made up (illustrative, not data): Government interest in IP" in text
