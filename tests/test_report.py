"""The committee report: one self-contained page, escaped, reproducible; its workbook and summary."""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import re
from pathlib import Path

import markupsafe
import numpy as np
import pytest
from openpyxl import load_workbook

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.core.normalisation import describe
from scorer.io.criteria_file import parse_criteria_text
from scorer.io.results import criteria_source, provenance, weight_spans
from scorer.model.criteria import Aggregation
from scorer.report import (
    CriteriaSource,
    build_report,
    embed_json,
    extra_columns_for,
    missing_words,
    run_sensitivity,
    tier_words,
    yaml_number,
)
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from tests.workbook_helpers import column_ids, sheet_rows


def esc(text: str) -> str:
    """Text as the page's templates escape it (markupsafe, as Jinja2's autoescape)."""
    return str(markupsafe.escape(text))


SVG_NAMESPACE = "http://www.w3.org/2000/svg"
HOSTILE_NAME = "<script>alert(1)</script>"
QUOTED_LABEL = "Interest \"quoted\" & 'single' <b>bold</b>"
QUOTED_COLUMN = 'rate "per" <1k>'
INJECTIONS = ['=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def hostile_inputs(folder: Path) -> tuple[Path, Path]:
    """A sheet whose names, region and header try HTML, script and formula injection; criteria with quotes."""
    sheet = folder / "hostile.csv"
    rows = [
        ["iso3", "name", "region", QUOTED_COLUMN, "office"],
        ["AAA", HOSTILE_NAME, "</script><script>alert(2)</script>", "10", "yes"],
        ["BBB", 'Quote "q" & <amp>', "Europe", "30", "no"],
        *[[f"C{i:02d}", text, "Asia", str(5 + i), "no"] for i, text in enumerate(INJECTIONS)],
    ]
    with sheet.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    crit = folder / "hostile.yaml"
    crit.write_text(
        "version: 1\n"
        "name: 'Profile <img src=x onerror=alert(3)>'\n"
        "criteria:\n"
        "  interest:\n"
        f"    label: {json.dumps(QUOTED_LABEL)}\n"
        "    cites: 'para. 11(3) \"x\"'\n"
        "    weight: 2\n"
        "    indicators:\n"
        "      rate:\n"
        f"        column: {json.dumps(QUOTED_COLUMN)}\n"
        "  office:\n"
        "    label: Office\n"
        "    cites: para. 11(2)\n"
        "    weight: 1\n"
        "    indicators:\n"
        "      office: {column: office, normalisation: boolean}\n"
        "tiers:\n"
        "  - {name: '<i>join</i>', top: 2}\n"
        "  - {name: rest}\n",
        encoding="utf-8",
    )
    return sheet, crit


def script_blocks(page: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)


def page_data(page: str) -> dict:  # type: ignore[type-arg]
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, flags=re.S)
    assert block is not None
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    df = read_countries(demo_spreadsheet_path())
    criteria = load_criteria(default_criteria_path())
    return df, criteria, score_countries(df, criteria)


@pytest.fixture(scope="module")
def demo_page(demo) -> str:  # type: ignore[no-untyped-def]
    df, _criteria, result = demo
    prov = provenance({"spreadsheet": demo_spreadsheet_path(), "criteria": default_criteria_path()}, argv=["report"])
    return build_report(
        result,
        criteria_source=criteria_source(default_criteria_path()),
        provenance={**prov, "generated": "2024-01-01 00:00:00 UTC"},
        generated="2024-01-01 00:00:00 UTC",
        extra_columns=extra_columns_for(df, result, ["region"]),
        sensitivity=run_sensitivity(result, draws=500, seed=7, top_k=15),
    )


def test_the_page_loads_nothing_from_anywhere(demo_page: str) -> None:
    assert demo_page.startswith("<!DOCTYPE html>")
    assert "<link" not in demo_page and "@import" not in demo_page
    assert "url(" not in demo_page  # the charts' patterns are drawn, not referenced
    assert not re.search(r"\ssrc\s*=", demo_page)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", demo_page)) == {SVG_NAMESPACE}
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', demo_page)
    assert csp is not None and html.unescape(csp.group(1)).startswith("default-src 'none'; ")
    code = script_blocks(demo_page)[-1]
    digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
    assert f"sha256-{digest}" in csp.group(1)


def test_the_page_holds_every_section_and_the_illustrative_note_first(demo_page: str, demo) -> None:  # type: ignore[no-untyped-def]
    _df, criteria, result = demo
    for section in ("summary", "weights", "ranking", "criteria", "quality", "sensitivity", "methodology", "provenance"):
        assert f'<section id="{section}"' in demo_page
    assert demo_page.index('id="illustrative-note"') < demo_page.index('<section id="summary"')
    assert "ILLUSTRATIVE DATA" in demo_page
    assert len(re.findall(r'<tr data-i="\d+"', demo_page)) == 162
    for crit in criteria.criteria.values():
        assert esc(crit.cites) in demo_page
    assert hashlib.sha256(demo_spreadsheet_path().read_bytes()).hexdigest() in demo_page
    assert hashlib.sha256(default_criteria_path().read_bytes()).hexdigest() in demo_page
    assert '<option value="Africa">Africa</option>' in demo_page
    first = result.table.head(15)
    assert all(esc(n) in demo_page for n in first["name"])


def test_embedded_numbers_are_the_results_at_full_precision(demo_page: str, demo) -> None:  # type: ignore[no-untyped-def]
    _df, _criteria, result = demo
    data = page_data(demo_page)
    ids = [c["id"] for c in data["countries"]]
    assert ids == list(result.table.index)
    values = result.criterion_scores.loc[ids].to_numpy()
    assert np.array_equal(np.array([c["s"] for c in data["countries"]]), values)
    assert [c["score"] for c in data["countries"]] == result.table["score"].tolist()
    assert [c["rank"] for c in data["countries"]] == result.table["rank"].tolist()
    assert data["live"] is True and data["tie_decimals"] == 12


def test_methodology_annex_says_each_rule_in_plain_words(demo_page: str, demo) -> None:  # type: ignore[no-untyped-def]
    _df, criteria, _result = demo
    annex = demo_page[demo_page.index('<section id="methodology"') : demo_page.index('<section id="provenance"')]
    for _cid, _iid, ind in criteria.indicator_items():
        assert esc(describe(ind)) in annex
        assert esc(missing_words(ind)) in annex
    for i, tier in enumerate(criteria.tiers):
        assert esc(tier_words(tier, last=i == len(criteria.tiers) - 1)) in annex
    assert "no UN Country Team" in annex
    assert "/work/" not in annex and "countries.csv" in annex


def test_every_user_string_is_escaped(tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    df = read_countries(sheet)
    result = score_countries(df, load_criteria(crit))
    page = build_report(
        result,
        criteria_source=criteria_source(crit),
        extra_columns=extra_columns_for(df, result, ["region"]),
        sensitivity=run_sensitivity(result, draws=200, seed=1, top_k=2),
    )
    assert HOSTILE_NAME not in page
    assert "<img" not in page and "<i>join" not in page and "<b>bold" not in page
    assert esc(HOSTILE_NAME) in page
    assert len(re.findall(r"<script", page)) == 2 and page.count("</script>") == 2
    data_block = script_blocks(page)[0]
    assert "<" not in data_block and ">" not in data_block and "&" not in data_block
    data = page_data(page)
    assert HOSTILE_NAME in [c["name"] for c in data["countries"]]
    assert "</script><script>alert(2)</script>" in [c["region"] for c in data["countries"]]
    assert data["criteria"][0]["label"] == QUOTED_LABEL
    assert data["indicators"][0]["column"] == QUOTED_COLUMN
    # The slider's accessible name isolates the label (FSI ... PDI), so a right-to-left or U+202E label cannot
    # reorder "weight (slider)" after it, as in the charts' names.
    assert f'aria-label="\u2068{esc(QUOTED_LABEL)}\u2069 weight (slider)"' in page


def test_excluded_countries_are_listed_with_why_and_no_region_means_no_region_filter(small) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = small
    text = crit.read_text(encoding="utf-8").replace(
        "tiers:", "eligibility:\n  - {column: office, equals: true, reason: 'no <office> yet'}\ntiers:"
    )
    criteria = parse_criteria_text(text)
    result = score_countries(read_countries(sheet), criteria)
    page = build_report(result)
    quality = page[page.index('<section id="quality"') : page.index('<section id="methodology"')]
    assert "<h3>Excluded countries (2)</h3>" in quality
    assert "Beta" in quality and "Gamma" in quality and "no &lt;office&gt; yet" in quality
    assert 'id="filter-region"' not in page and "Region" not in page
    assert "No illustrative (made-up) columns were used." in quality
    assert 'id="illustrative-note"' not in page


def test_embed_json_cannot_end_the_script_element() -> None:
    hostile = {"x": "</script><!-- & \u2028 >"}
    text = embed_json(hostile)
    assert not set(text) & {"<", ">", "&", "\u2028"}
    assert json.loads(text) == hostile


def test_the_tuned_yaml_changes_only_the_weights_and_ranks_like_rank_w(demo) -> None:  # type: ignore[no-untyped-def]
    df, criteria, _result = demo
    source = criteria_source(default_criteria_path())
    assert source.text == default_criteria_path().read_text(encoding="utf-8")
    weights = {"engagement": 0.15, "representation": 0.6, "government_interest": 1e-07}
    tuned = source.with_weights(weights)
    changed = [(a, b) for a, b in zip(source.text.splitlines(), tuned.splitlines(), strict=True) if a != b]
    assert [b.strip() for _a, b in changed] == ["weight: 0.15", "weight: 0.6", "weight: 1.0e-07"]
    reread = parse_criteria_text(tuned)
    assert reread.criterion_weights() == criteria.with_weights(weights).criterion_weights()
    expected = score_countries(df, criteria, weights=weights).table
    got = score_countries(df, reread).table
    assert got.equals(expected)


def test_weight_spans_refuse_anchors_and_the_source_falls_back_to_a_dump(tmp_path: Path) -> None:
    text = default_criteria_path().read_text(encoding="utf-8").replace("weight: 0.4\n", "weight: &w 0.4\n", 1)
    assert weight_spans(text) is None
    path = tmp_path / "anchored.yaml"
    path.write_text(text, encoding="utf-8")
    source = criteria_source(path)
    assert source.text.startswith("# Written by unct-scorer from anchored.yaml")
    tuned = parse_criteria_text(
        source.with_weights({"engagement": 2.0, "representation": 1.0, "government_interest": 1.0})
    )
    assert tuned.criterion_weights() == {"engagement": 0.5, "representation": 0.25, "government_interest": 0.25}
    assert tuned.tiers == load_criteria(path).tiers


@pytest.mark.parametrize("value", [0.4, 2.0, 1e-07, 1e22, 0.1 + 0.2, 3.0e-5])
def test_yaml_number_reads_back_as_the_same_float(value: float) -> None:
    line = f"  a: {{label: A, cites: p, weight: {yaml_number(value)}, indicators: {{i: {{column: c}}}}}}"
    crit = parse_criteria_text(f"name: x\ncriteria:\n{line}\n")
    assert crit.criteria["a"].weight == value


def test_geometric_aggregation_turns_the_sliders_off_and_says_why(demo) -> None:  # type: ignore[no-untyped-def]
    df, criteria, _result = demo
    geometric = criteria.model_copy(update={"aggregation": Aggregation.geometric})
    page = build_report(score_countries(df, geometric))
    assert "Live weights are off" in page and "geometric" in page
    assert page_data(page)["live"] is False
    assert len(re.findall(r'<input type="(?:range|number)"[^>]* disabled>', page)) == 2 * len(criteria.criteria)


def test_criteria_source_with_weights_is_the_identity_at_the_file_weights() -> None:
    source = criteria_source(default_criteria_path())
    criteria = load_criteria(default_criteria_path())
    assert source.with_weights({c: k.weight for c, k in criteria.criteria.items()}) == source.text
    assert isinstance(source, CriteriaSource) and source.file_name == "default.yaml"


def run(runner, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False, env=env)


def test_report_is_byte_reproducible_with_source_date_epoch(runner, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    pages = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        res = run(runner, "report", "--sensitivity", "--draws", "300", "-o", "r.html", env=env)
        assert res.exit_code == 0, res.stderr
        pages.append((tmp_path / folder / "r.html").read_bytes())
    a, b = pages
    assert a == b
    assert b"2023-11-14 22:13:20 UTC" in a
    (tmp_path / "c").mkdir()
    monkeypatch.chdir(tmp_path / "c")
    res = run(
        runner, "report", "--sensitivity", "--draws", "300", "-o", "r.html", env={"SOURCE_DATE_EPOCH": "1800000000"}
    )
    assert res.exit_code == 0
    c = (tmp_path / "c" / "r.html").read_text(encoding="utf-8")
    assert c.replace("2027-01-15 08:00:00 UTC", "2023-11-14 22:13:20 UTC").encode() == a


def test_report_writes_html_xlsx_and_markdown_with_sensitivity(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = [tmp_path / "r.html", tmp_path / "r.xlsx", tmp_path / "r.md"]
    args = ["report", "--sensitivity", "--draws", "500", "--seed", "3", "--top", "10"]
    for path in out:
        args += ["-o", str(path)]
    res = run(runner, *args)
    assert res.exit_code == 0, res.stderr
    assert [line for line in res.stderr.splitlines() if line.startswith("Wrote")] == [f"Wrote {p}" for p in out]
    wb = load_workbook(out[1])
    assert wb.sheetnames == [
        "Ranking",
        "Contributions",
        "Data quality",
        "Criteria",
        "Sensitivity",
        "Stability weights",
        "Stability countries",
        "Data dictionary",
        "Provenance",
    ]
    for ws in wb:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=ws.max_column).column_letter}{ws.max_row}"
        assert all(cell.font.bold for cell in ws[1])
    ranking = wb["Ranking"]
    header = column_ids(out[1], "Ranking")
    score = ranking.cell(row=2, column=header.index("score") + 1)
    rank = ranking.cell(row=2, column=header.index("rank") + 1)
    assert isinstance(score.value, float) and score.number_format == "0.0000"
    assert rank.value == 1 and rank.number_format == "0"
    assert ranking.column_dimensions["C"].width >= len("Democratic People's Republic of Korea")
    sens = wb["Sensitivity"]
    readable = ["Code", "Country", "Rank", "Tier", "How often in the top 10", "Verdict", "P(in top 10)"]
    assert [c.value for c in sens[1]][:7] == readable
    assert column_ids(out[1], "Sensitivity")[:7] == ["id", "name", "rank", "tier", "robustness", "verdict", "p_top_k"]
    shares = [row[6] for row in sens.iter_rows(min_row=2, values_only=True)]
    assert len(shares) == 162 and sum(shares) == pytest.approx(10.0)
    assert {c.number_format for c in sens["G"][1:]} == {"0.0%"}  # shown as percentages, stored as numbers
    # the very table `unct-scorer sensitivity` writes for the same question, with the same headers
    res = run(runner, "sensitivity", "--draws", "500", "--seed", "3", "--top", "10", "-o", str(tmp_path / "s.xlsx"))
    assert res.exit_code == 0, res.stderr
    alone = load_workbook(tmp_path / "s.xlsx")["Summary"]
    assert list(alone.iter_rows(values_only=True)) == list(sens.iter_rows(values_only=True))
    assert sheet_rows(tmp_path / "s.xlsx", "Summary") == sheet_rows(out[1], "Sensitivity")
    prov = {k: v for k, v in wb["Provenance"].iter_rows(min_row=2, values_only=True)}
    assert prov["seed"] == "3" and prov["draws"] == "500"
    assert prov["spreadsheet_sha256"] == hashlib.sha256(demo_spreadsheet_path().read_bytes()).hexdigest()
    md = out[2].read_text(encoding="utf-8")
    assert md.startswith("# UNCT ranking: ") and "## Sensitivity to the weights" in md and "| p_top_k |" in md
    page = out[0].read_text(encoding="utf-8")
    assert "P(top 10)" in page and "seed 3" in page


def test_xlsx_cells_cannot_start_a_formula_and_numbers_stay_numbers(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet, crit = hostile_inputs(tmp_path)
    out = tmp_path / "hostile.xlsx"
    res = run(runner, "report", str(sheet), "-c", str(crit), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    wb = load_workbook(out)
    names = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, cell.value)
        if ws.title == "Ranking":
            header = column_ids(out, "Ranking")
            names = [r[header.index("name")] for r in ws.iter_rows(min_row=2, values_only=True)]
            scores = [r[header.index("score")] for r in ws.iter_rows(min_row=2, values_only=True)]
            assert all(isinstance(s, int | float) and not isinstance(s, bool) for s in scores)
    assert {"'" + text for text in INJECTIONS[:4]} <= set(names)
    assert HOSTILE_NAME in names


def test_report_error_lines(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run(runner, "report", "-o", str(tmp_path / "x.pdf"))
    assert (res.exit_code, res.stderr) == (
        1,
        f"Error: {tmp_path / 'x.pdf'}: should end in one of .html, .htm, .xlsx, .md, but it ends in '.pdf'\n",
    )
    existing = tmp_path / "r.html"
    existing.write_text("keep me", encoding="utf-8")
    res = run(runner, "report", "-o", str(existing))
    assert (res.exit_code, res.stderr) == (1, f"Error: {existing}: already exists; use --force to replace it\n")
    assert existing.read_text(encoding="utf-8") == "keep me"
    res = run(runner, "report", "-o", str(tmp_path / "a.html"), "-o", str(tmp_path / "a.html"))
    assert (res.exit_code, res.stderr) == (1, "Error: --output: -o names the same file twice\n")
    res = run(runner, "report", "-o", str(tmp_path / "b.html"), "--region-column", "continent")
    assert (res.exit_code, res.stderr) == (
        1,
        "Error: the bundled demo (seeds/countries.csv): --region-column: should be a column of the spreadsheet, "
        "but 'continent' is not\n",
    )
    res = run(runner, "report", "-o", str(tmp_path / "c.html"), env={"SOURCE_DATE_EPOCH": "soon"})
    assert (res.exit_code, res.stderr) == (
        1,
        "Error: SOURCE_DATE_EPOCH: should be a whole number of seconds since 1970, but it is 'soon'\n",
    )
    geometric = tmp_path / "geo.yaml"
    geometric.write_text(
        default_criteria_path()
        .read_text(encoding="utf-8")
        .replace("aggregation: arithmetic", "aggregation: geometric"),
        encoding="utf-8",
    )
    res = run(runner, "report", "-c", str(geometric), "--sensitivity", "-o", str(tmp_path / "d.html"))
    assert (res.exit_code, res.stderr) == (
        1,
        "Error: aggregation: should be arithmetic (a weighted sum) for a sensitivity analysis, but it is 'geometric'\n",
    )
    assert not any(p.suffix == ".html" and p.name != "r.html" for p in tmp_path.iterdir())


def test_run_sensitivity_same_seed_same_numbers(demo) -> None:  # type: ignore[no-untyped-def]
    _df, _criteria, result = demo
    a = run_sensitivity(result, draws=300, seed=5, top_k=15)
    b = run_sensitivity(result, draws=300, seed=5, top_k=15)
    c = run_sensitivity(result, draws=300, seed=6, top_k=15)
    assert np.array_equal(a.acceptability, b.acceptability)
    assert not np.array_equal(a.acceptability, c.acceptability)
    assert np.allclose(a.acceptability.sum(axis=1), 1.0)
    assert a.frame()["p_top_k"].sum() == pytest.approx(15.0)
