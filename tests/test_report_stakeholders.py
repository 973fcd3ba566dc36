"""The report's Whose weights section renders the committee report `weights` prints for the same judgements."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from elicitation_helpers import fill_sheet

from scorer.cli import main
from scorer.io.criteria_file import load_criteria
from scorer.io.judgements import read_elicitation
from scorer.io.spreadsheet import read_countries
from scorer.pipeline import score_countries
from scorer.report import make_report
from scorer.resources import default_criteria_path, demo_spreadsheet_path

IDS = ["engagement", "representation", "government_interest"]
SWINGS = {
    "Ana": {"engagement": 100, "representation": 20, "government_interest": 50},
    "Bo": {"engagement": 40, "representation": 100, "government_interest": 30},
    "Cy": {"engagement": 60, "representation": 10, "government_interest": 100},
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("judgements") / "j.xlsx"
    args = ["template", "--judgements", "-o", str(path)]
    for name in SWINGS:
        args += ["--stakeholder", name]
    assert CliRunner().invoke(main, args).exit_code == 0
    for name, swing in SWINGS.items():
        fill_sheet(path, name, IDS, swing=swing)
    return path


def section(page: str) -> str:
    start = page.index('<section id="whose-weights">')
    return page[start : page.index("</section>", start)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.fixture(scope="module")
def page_and_weights(workbook: Path) -> tuple[str, dict]:  # type: ignore[type-arg]
    criteria = load_criteria(default_criteria_path())
    df = read_countries(demo_spreadsheet_path())
    result = score_countries(df, criteria)
    report = make_report(result, df, stakeholders=read_elicitation(workbook, criteria, method="swing"))
    page = report.html(generated="2026-01-01 00:00 UTC")
    from click.testing import CliRunner

    printed = CliRunner().invoke(main, ["weights", str(workbook), "--method", "swing", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    return page, json.loads(printed.stdout)


def test_the_section_shows_the_numbers_weights_prints(page_and_weights) -> None:  # type: ignore[no-untyped-def]
    page, printed = page_and_weights
    shown = text(section(page))
    analysis = printed["analysis"]
    for row in analysis["weights"]:
        cells = " ".join(f"{row[c]:.3f}" for c in IDS)
        assert f"{row['stakeholder']} {cells}" in shown, row["stakeholder"]
    for row in analysis["distances"]:
        assert f"{row['to_compromise']:.3f}" in shown
    every = analysis["consensus"]["every"]
    assert f"In the top 15 for every stakeholder ({len(every)}):" in shown
    for iso3 in every:
        assert f"({iso3})" in shown
    pair = analysis["most_divided"]
    assert pair["pair"] == ["Bo", "Cy"]
    n = len(pair["only_first"]) + len(pair["only_second"])
    assert f"Bo and Cy : {n} countries in only one of their top 15." in shown
    assert (
        "Only Bo 's: Nigeria (NGA), Brazil (BRA), Colombia (COL), Algeria (DZA), China (CHN), Singapore (SGP)." in shown
    )
    own = [r for r in analysis["ranks"] if r["Ana"] <= 15]
    assert len(own) == 15 and all(f"{r['name']} ({r['id']})" in shown for r in own)
    assert "Compromise weights (engagement 0.353, representation 0.324, government_interest 0.324)" in shown
    assert '<a href="#whose-weights">Whose weights</a>' in page


def test_no_judgements_no_section(workbook: Path, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plain = tmp_path / "plain.html"
    assert runner.invoke(main, ["report", "-o", str(plain)]).exit_code == 0
    assert 'id="whose-weights"' not in plain.read_text(encoding="utf-8")
    out = tmp_path / "r.html"
    res = runner.invoke(
        main, ["report", "--stakeholders", str(workbook), "--judgement-method", "swing", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "Most divided" in section(page)
    assert "--stakeholders" in page  # the provenance's command regenerates it


def test_the_markdown_report_has_the_section_too(workbook: Path, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.md"
    res = runner.invoke(
        main, ["report", "--stakeholders", str(workbook), "--judgement-method", "swing", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    section = text[text.index("## Whose weights") : text.index("## Provenance")]
    assert "| Ana | 0.588 | 0.118 | 0.294 |" in section
    assert "Bo and Cy: 12 countries in only one of their top 15. Only Bo's: Nigeria (NGA), Brazil (BRA)," in section
    assert "- **Ana**: " in section and "### Compromise" in section  # own top K, as on the page


@pytest.mark.parametrize("name", ["id", "stakeholder"])
def test_a_stakeholder_named_like_a_table_column_is_refused_in_one_line(
    name: str,
    runner,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "j.xlsx"
    args = ["template", "--judgements", "-o", str(book), "--stakeholder", "Ana", "--stakeholder", "Bo"]
    assert runner.invoke(main, args).exit_code == 0
    for who in ("Ana", "Bo"):
        fill_sheet(book, who, IDS, swing=SWINGS[who])
    wb = load_workbook(book)
    wb["Ana"].title = name  # template --judgements refuses the name; a sheet renamed in Excel is named in the error
    wb.save(book)
    out = tmp_path / "r.xlsx"
    res = runner.invoke(main, ["report", "--stakeholders", str(book), "--judgement-method", "swing", "-o", str(out)])
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == (
        f"Error: {book}: sheet {name!r}: should not be called {name!r} (the outputs use it for a row or column); "
        "rename the sheet"
    )
    assert not out.exists()
