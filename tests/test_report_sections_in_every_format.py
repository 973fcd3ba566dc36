"""Whose weights, Method uncertainty and Evidence for criterion 3 are in the page, the workbook and the Markdown,
with the same numbers and words: one report run writes all three, and each test reads one section in each."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from click.testing import CliRunner
from elicitation_helpers import fill_sheet
from openpyxl import load_workbook

from scorer.analyses.common import format_share
from scorer.cli import main
from scorer.uncertainty.analysis import index_text
from tests.evidence_docs import IMAGE_PAGE, write_pdf, write_text
from tests.workbook_helpers import column_ids, sheet_records

IDS = ["engagement", "representation", "government_interest"]
SWINGS = {
    "Ana": {"engagement": 100, "representation": 20, "government_interest": 50},
    "Bo": {"engagement": 40, "representation": 100, "government_interest": 30},
    "Cy": {"engagement": 60, "representation": 10, "government_interest": 100},
}
DOCUMENTS = {
    "NGA": [["Nigeria 2023-2027"], ["Partners: UNDP, WIPO, ILO"]],
    "BRA": [["Brasil 2023-2027"], ["Output 2.1: the patent office is modernised | *faster*."]],
    "COL": [["Colombia 2023-2027"], ["Salud y empleo."]],
}
SECTIONS = ("Stakeholder ", "Uncertainty ", "Evidence ")


def run(*args: str) -> Any:
    res = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One ``report`` run with every section, written as .html, .xlsx and .md; and its stderr."""
    folder = tmp_path_factory.mktemp("sections")
    judgements = folder / "judgements.xlsx"
    run("template", "--judgements", "-o", str(judgements), *[a for n in SWINGS for a in ("--stakeholder", n)])
    for name, swing in SWINGS.items():
        fill_sheet(judgements, name, IDS, swing=swing)
    docs = folder / "docs"
    docs.mkdir()
    for iso3, pages in DOCUMENTS.items():
        write_text(docs / f"{iso3}_cf.txt", pages)
    write_pdf(docs / "DZA_scan.pdf", [IMAGE_PAGE])  # a scan: no text layer, so no suggestion
    evidence = folder / "ev.csv"
    run("-q", "evidence", str(docs), "-o", str(evidence))
    out = {suffix: folder / f"report{suffix}" for suffix in (".html", ".xlsx", ".md")}
    res = run(
        "report",
        "--stakeholders",
        str(judgements),
        "--judgement-method",
        "swing",
        "--uncertainty",
        "--samples",
        "64",
        "--bootstrap",
        "5",
        "--seed",
        "3",
        "--evidence",
        str(evidence),
        "--top",
        "5",
        *[a for path in out.values() for a in ("-o", str(path))],
    )
    return {
        "html": out[".html"].read_text(encoding="utf-8"),
        "xlsx": out[".xlsx"],
        "md": out[".md"].read_text(encoding="utf-8"),
        "stderr": res.stderr,
        "evidence": evidence,
    }


def html_section(page: str, anchor: str) -> str:
    start = page.index(f'<section id="{anchor}">')
    return page[start : page.index("</section>", start)]


def md_section(text: str, title: str) -> str:
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 3)
    return text[start:end]


def md_table(section: str, first_header: str) -> list[list[str]]:
    """The rows of the Markdown table whose first header is ``first_header``, cells unescaped."""
    lines = section[section.index(f"| {first_header} |") :].split("\n\n")[0].splitlines()[2:]
    return [
        [html.unescape(c.strip()).replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines
    ]


def test_the_workbook_holds_each_section_one_table_a_sheet_each_column_explained(outputs: dict[str, Any]) -> None:
    book = outputs["xlsx"]
    wb = load_workbook(book)
    new = [n for n in wb.sheetnames if n.startswith(SECTIONS)]
    assert new == [
        "Stakeholder weights",
        "Stakeholder consensus",
        "Stakeholder ranks",
        "Stakeholder disagreement",
        "Stakeholder hull",
        "Stakeholder summary",
        "Uncertainty countries",
        "Uncertainty drivers",
        "Uncertainty summary",
        "Evidence countries",
        "Evidence passages",
        "Evidence summary",
    ]
    entries = sheet_records(book, "Data dictionary")
    for name in new:
        listed = [e for e in entries if e["sheet"] == name]
        assert [e["header"] for e in listed] == [c.value for c in wb[name][1]], name
        assert all(e["meaning"] for e in listed), (name, [e["column_id"] for e in listed if not e["meaning"]])
        # a header is words, never a bare identifier, and a weight is never called a contribution
        assert all(e["header"] != e["column_id"] and "contribution" not in e["meaning"] for e in listed), name
    by_id = {(e["sheet"], e["column_id"]): e for e in entries}
    assert by_id[("Stakeholder weights", "engagement")]["header"] == "Weight: Engagement"
    assert by_id[("Stakeholder weights", "engagement")]["unit"] == "share"
    assert by_id[("Stakeholder ranks", "Ana")]["meaning"] == "rank under Ana's weights"
    assert by_id[("Stakeholder consensus", "n_top_k")]["header"] == "Stakeholders with it in their top 5"
    assert by_id[("Uncertainty countries", "p_top_k")]["meaning"].startswith("share of runs of the whole scoring")
    assert by_id[("Stakeholder hull", "p_top_k")]["meaning"].startswith("share of weights drawn between")
    # percentages are numbers shown as percentages; indices with two decimals, as printed
    for sheet, column, shown in (
        ("Uncertainty countries", "p_top_k", "0.0%"),
        ("Uncertainty countries", "p_join", "0.0%"),
        ("Stakeholder hull", "p_top_k", "0.0%"),
        ("Uncertainty drivers", "total", "0.00"),
        ("Stakeholder weights", "engagement", "0.000"),
    ):
        j = column_ids(book, sheet).index(column) + 1
        cells = [wb[sheet].cell(row=r, column=j) for r in range(2, wb[sheet].max_row + 1)]
        assert cells and all(isinstance(c.value, int | float) and c.number_format == shown for c in cells), sheet
    assert len(sheet_records(book, "Uncertainty countries")) == 162


def test_whose_weights_has_the_same_weights_in_the_page_the_workbook_and_the_markdown(outputs: dict[str, Any]) -> None:
    section = html_section(outputs["html"], "whose-weights")
    shown = re.findall(r'<tr><th scope="row"><bdi>(\w+)</bdi></th>((?:<td class="num">[0-9.]*</td>)+)</tr>', section)
    page = {who: re.findall(r'<td class="num">([0-9.]*)</td>', cells)[:3] for who, cells in shown}
    assert list(page) == ["Ana", "Bo", "Cy", "group", "compromise"]
    assert page["Ana"] == ["0.588", "0.118", "0.294"]  # 100, 20 and 50 points over 170
    book = {
        r["stakeholder"]: [f"{r[c]:.3f}" for c in IDS] for r in sheet_records(outputs["xlsx"], "Stakeholder weights")
    }
    md = {row[0]: row[1:4] for row in md_table(md_section(outputs["md"], "Whose weights"), "Stakeholder")}
    assert page == book == md
    # the most divided pair: the largest count of the disagreement sheet, named alike on the page and in the .md
    counts = {
        (r["stakeholder"], other): r[other]
        for r in sheet_records(outputs["xlsx"], "Stakeholder disagreement")
        for other in SWINGS
        if other > r["stakeholder"]
    }
    assert (
        max(counts.values()) == 6 and counts[("Bo", "Cy")] == 6
    )  # Ana-Bo ties: the pair whose rankings differ more overall is named
    sentence = "Bo and Cy: 6 countries in only one of their top 5."
    assert sentence in md_section(outputs["md"], "Whose weights")
    assert sentence in re.sub(r"<[^>]+>", "", html_section(outputs["html"], "whose-weights")).replace(" :", ":")


def _html_uncertainty_rows(page: str) -> dict[str, tuple[str, ...]]:
    pattern = re.compile(
        r'<tr data-id="([A-Z]{3})"><td>.*?</td><td class="num">\d+</td><td class="num">(.*?)</td>'
        r'<td class="num">(\d+)</td><td class="num">(\d+)-(\d+)</td><td>(.*?)</td></tr>'
    )
    section = html_section(page, "uncertainty")
    return {m[1]: tuple(html.unescape(x) for x in m.groups()[1:]) for m in pattern.finditer(section)}


def test_method_uncertainty_has_the_same_numbers_in_the_page_the_workbook_and_the_markdown(
    outputs: dict[str, Any],
) -> None:
    page = _html_uncertainty_rows(outputs["html"])
    assert len(page) == 30
    section = md_section(outputs["md"], "Method uncertainty")
    md = {
        re.search(r"\(([A-Z]{3})\)$", row[0])[1]: (row[2], row[3], *row[4].split("-"), row[5])  # type: ignore[index]
        for row in md_table(section, "Country")
    }
    rows = sheet_records(outputs["xlsx"], "Uncertainty countries")
    book = {
        r["id"]: (
            format_share(r["p_top_k"]),
            *(str(r[c]) for c in ("median_rank", "rank_p05", "rank_p95")),
            r["rank_variance_from"],
        )
        for r in rows[:30]
    }
    assert page == md == book
    assert list(page) == [r["id"] for r in rows[:30]]  # the same order: best median rank first
    drivers_page = re.findall(
        r'<tr data-output="(\w+)"><td>(.*?)</td><td>(.*?)</td><td class="num">(.*?)</td><td class="num">(.*?)</td>',
        html_section(outputs["html"], "uncertainty"),
    )
    drivers_md = [tuple(row) for row in md_table(section, "Output")]
    drivers_book = [
        (
            r["output"],
            r["factor"],
            index_text(r["first"], r["first_low"], r["first_high"]),
            index_text(r["total"], r["total_low"], r["total_high"]),
        )
        for r in sheet_records(outputs["xlsx"], "Uncertainty drivers")
    ]
    assert [tuple(html.unescape(x) for x in d[1:]) for d in drivers_page] == drivers_md == drivers_book
    assert drivers_book[0][0] == "the rank of each country"
    # complete: the report's inputs (its --evidence here) come before the analysis's settings
    command = f"unct-scorer uncertainty --evidence {outputs['evidence']} --samples 64 --seed 3 --top 5 --bootstrap 5"
    assert f"<code>{command}</code>" in outputs["html"] and f"`{command}`" in section
    assert ("command", command) in [
        (r["item"], r["text"]) for r in sheet_records(outputs["xlsx"], "Uncertainty summary")
    ]


Shown = tuple[str, str, str, list[tuple[str, ...]]]
"""A country of the Evidence section: level, why, what the ranking used, passages (text, document, page)."""
HTML_LEVEL = re.compile(r"Suggested level: <strong>(.*?)</strong>(?: \((.*?)\))?; (.*?)\.</p>")
MD_LEVEL = re.compile(r"Suggested level: \*\*(.*?)\*\*(?: \((.*?)\))?; (.*?)\.\n")


def _html_evidence(page: str) -> dict[str, Shown]:
    out = {}
    section = html_section(page, "evidence")
    for ident, body in re.findall(r'<article class="evidence-country" data-id="(\w+)">(.*?)</article>', section, re.S):
        level, basis, status = (html.unescape(x or "") for x in HTML_LEVEL.search(body).groups())  # type: ignore[union-attr]
        quotes = re.findall(r'<q>(.*?)</q> <span class="note">\((.*?), page (\d+)', body)
        out[ident] = (level, basis, status, [tuple(html.unescape(x) for x in q) for q in quotes])
    return out


def _md_evidence(section: str) -> dict[str, Shown]:
    def unescape(x: str | None) -> str:
        return html.unescape(re.sub(r"\\(.)", r"\1", x or ""))

    out = {}
    for ident, body in re.findall(r"^### .*? \((\w+)\): rank \d+.*?\n\n(.*?)(?=^### |\Z)", section, re.S | re.M):
        level, basis, status = (unescape(x) for x in MD_LEVEL.search(body).groups())  # type: ignore[union-attr]
        quotes = re.findall(r"^\d+\. \u201c(.*?)\u201d \((.*?), page (\d+)", body, re.M)
        out[ident] = (level, basis, status, [tuple(unescape(x) for x in q) for q in quotes])
    return out


def test_evidence_has_the_same_levels_and_passages_in_the_page_the_workbook_and_the_markdown(
    outputs: dict[str, Any],
) -> None:
    page = _html_evidence(outputs["html"])
    assert set(page) == {"NGA", "BRA", "COL", "DZA"}
    assert page["DZA"] == ("no suggestion", "", "no suggestion (no readable text); the cell was left as it was", [])
    assert page["NGA"][:3] == (
        "included",
        "WIPO is named in a partner list or on the signature page",
        "suggested level used (the cell was blank)",
    )
    assert page["NGA"][3][0] == ("Partners: UNDP, WIPO, ILO", "NGA_cf.txt", "2")
    assert page["COL"][0] == "none" and page["COL"][3] == []
    countries = {r["id"]: r for r in sheet_records(outputs["xlsx"], "Evidence countries")}
    passages = sheet_records(outputs["xlsx"], "Evidence passages")
    book = {
        i: (
            countries[i]["suggested_level"],
            countries[i]["suggestion_basis"] or "",
            countries[i]["used"],
            [(p["text"], p["file"], str(p["page"])) for p in passages if p["id"] == i],
        )
        for i in page
    }
    assert book == page
    section = md_section(outputs["md"], "Evidence for criterion 3")
    assert _md_evidence(section) == page
    assert "No passage of its documents mentions IP or WIPO." in section.split("(COL)")[1].split("###")[0]
    unread = "No text could be read from its documents (scanned or damaged), so nothing is quoted."
    assert unread in section.split("(DZA)")[1].split("###")[0]
    assert unread in html_section(outputs["html"], "evidence").split('data-id="DZA"')[1].split("</article>")[0]
    # the countries of the first 2K without documents are listed, in every format
    top = {r["id"] for r in sheet_records(outputs["xlsx"], "Ranking") if r["rank"] <= 10}
    without = sorted(top - set(page))
    assert sorted(i for i, r in countries.items() if r["used"] == "no documents were read for it") == without
    assert all(f"({i})" in section.split("No documents were read for:")[1] for i in without)


def test_the_evidence_note_counts_ranked_countries_not_sheet_rows(outputs: dict[str, Any]) -> None:
    # the demo has 165 rows; 162 are ranked (GBR, NLD and NZL have no UNCT). Three blank cells take a level
    # (NGA included, BRA requested, COL none: its documents do not mention IP) and DZA has no suggestion
    # (a scan): 162 - 4 are left blank without evidence.
    line = (
        "gov_ip_interest: 158 ranked countries have neither a typed value nor evidence; the criteria's "
        "missing-data policy (worst) decides for them"
    )
    assert f"Evidence: {line}" in outputs["stderr"]
    assert line in html.unescape(html_section(outputs["html"], "evidence"))
    assert ("merge", line) in [(r["item"], r["text"]) for r in sheet_records(outputs["xlsx"], "Evidence summary")]
    assert f"- {line.replace('_', chr(92) + '_')}" in outputs["md"]
