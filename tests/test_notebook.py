"""Notebook display: ScoreResult._repr_html_ escapes every text and draws honest bars."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

import pandas as pd
import pytest

from scorer import demo_result, score_countries
from scorer.io.criteria_file import parse_criteria_text
from tests.conftest import SMALL_CRITERIA

BAR = re.compile(r'<span title="([^"]*)" style="[^"]*width:([0-9.]+)px;([^"]*)"></span>')


class _Tags(HTMLParser):
    """Collects start/end tags to check the fragment is well formed."""

    VOID: ClassVar[set[str]] = {"br", "hr", "img", "meta", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _small(names: list[str], *, aggregation: str = "arithmetic"):
    criteria = parse_criteria_text(SMALL_CRITERIA.replace("name: small", f"name: small\naggregation: {aggregation}"))
    df = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "name": names,
            "level": ["high", "low", "none", "low"],
            "office": ["yes", "no", "no", "yes"],
            "rate": ["10", "30", "20", "20"],
            "cost": ["5", "1", "3", "5"],
        },
        dtype=object,
    )
    return score_countries(df, criteria, source="small.csv")


def test_every_text_is_escaped_and_the_fragment_is_well_formed() -> None:
    hostile = '<script>alert("x")</script> & "Co"'
    result = _small([hostile, "Beta", "Gamma", "Delta"])
    fragment = result._repr_html_()
    assert "<script>" not in fragment
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot; (AAA)" in fragment
    parsed = _parse(fragment)
    assert parsed.errors == [] and parsed.stack == []
    assert hostile + " (AAA)" in "".join(parsed.text)  # the browser shows the name exactly


def test_bars_are_the_contributions_on_the_score_scale() -> None:
    result = _small(["Alpha", "Beta", "Gamma", "Delta"])
    rows = result._repr_html_().split("<tr>")[2:]  # skip the fragment head and the header row
    assert len(rows) == len(result.table) == 4
    for (ident, r), row in zip(result.table.iterrows(), rows, strict=True):
        bars = BAR.findall(row)
        assert [t.split(" ")[0] for t, _w, _look in bars] == ["engagement", "representation", "interest"]
        widths = [float(w) for _t, w, _look in bars]
        expected = [r[c] * 200 for c in ["engagement", "representation", "interest"]]
        assert widths == pytest.approx(expected, abs=0.051), ident
        assert sum(widths) == pytest.approx(r["score"] * 200, abs=0.2)
    # DDD (worked by hand in test_pipeline): engagement 1/6, representation 0.25, interest 0.09375
    ddd = next(row for row in rows if "(DDD)" in row)
    assert [float(w) for _t, w, _l in BAR.findall(ddd)] == [33.3, 50.0, 18.8]
    assert 'title="interest (Interest): 0.094"' in ddd


def test_geometric_bars_are_weighted_criterion_scores_and_say_so() -> None:
    result = _small(["Alpha", "Beta", "Gamma", "Delta"], aggregation="geometric")
    fragment = result._repr_html_()
    assert "weight × criterion score" in fragment
    row = next(r for r in fragment.split("<tr>") if "(AAA)" in r)
    widths = [float(w) for _t, w, _l in BAR.findall(row)]
    weights = result.weights
    expected = [result.table.at["AAA", c] * weights[c] * 200 for c in ["engagement", "representation", "interest"]]
    assert widths == pytest.approx(expected, abs=0.051)


def test_header_summary_notes_and_row_limit_on_the_demo() -> None:
    result = demo_result()
    fragment = result._repr_html_()
    assert fragment.startswith("<p><b>ILLUSTRATIVE DATA: ")
    assert f"{len(result.table)} ranked, {len(result.exclusions)} excluded" in fragment
    assert "engagement (0.40)" in fragment
    assert fragment.count("<tr>") == 1 + 50
    assert fragment.endswith(f"<p>{len(result.table) - 50} more rows: use .to_frame()</p>")
    first = result.table.iloc[0]
    assert f'<td style="text-align:right">1</td><td style="text-align:left">{first["name"]} ({first.name})' in fragment


def test_to_frame_is_a_plain_copy() -> None:
    result = _small(["Alpha", "Beta", "Gamma", "Delta"])
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame)
    frame.loc["AAA", "score"] = -1.0
    assert result.table.at["AAA", "score"] == pytest.approx(0.75)


def test_negative_contribution_is_an_outlined_bar_of_its_size() -> None:
    criteria = parse_criteria_text(
        "name: z\ncriteria:\n"
        "  a: {label: A, cites: p, weight: 1, indicators: {x: {column: x, normalisation: zscore}}}\n"
    )
    df = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "x": ["1", "2", "3"]}, dtype=object)
    result = score_countries(df, criteria)
    row = next(r for r in result._repr_html_().split("<tr>") if "(AAA)" in r)
    ((title, width, look),) = BAR.findall(row)
    assert title == "a (A): -1.000"
    assert float(width) == pytest.approx(200.0)
    assert look == "border:1px solid #0072B2"
