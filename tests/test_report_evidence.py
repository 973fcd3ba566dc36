"""The report's Evidence for criterion 3 section: the passages behind each level near the cut, escaped."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scorer.cli import main
from scorer.io.evidence_file import read_passages
from tests.conftest import write
from tests.evidence_docs import write_text

SHEET = """\
iso3,name,region,wipo_engagement,n_wipo_treaties_joined_since_2015,latest_accession_year,\
n_wipo_treaties_in_force,wipo_external_office,has_unct,gov_ip_interest,treaties_apply_through
KEN,Kenya,Africa,low,2,2019,9,no,yes,,
PER,Peru,Americas,medium,3,2018,12,no,yes,none,
CHL,Chile,Americas,high,3,2022,13,no,yes,expressed,
URY,Uruguay,Americas,low,1,2020,9,no,yes,,
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def evidence_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    write_text(
        folder / "KEN_cf.txt",
        [["Kenya 2022-2026"], ["Outcome 1: firms file <b>patents</b> & trademarks.", "Partners: UNDP, WIPO"]],
    )
    write_text(folder / "PER_cf.txt", [["Peru 2022-2026"], ["Output 2.1: the patent office is modernised."]])
    write_text(folder / "URY_cf.txt", [["Uruguay 2021-2025"], ["Salud y empleo."]])
    out = {}
    for suffix in (".csv", ".json", ".xlsx"):
        target = tmp_path / f"evidence{suffix}"
        res = run("-q", "evidence", str(folder), "-o", str(target))
        assert res.exit_code == 0, res.output
        out[suffix] = target
    return out


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx"])
def test_the_report_quotes_the_passages_behind_each_level(
    evidence_files: dict[str, Path], tmp_path: Path, suffix: str
) -> None:
    sheet = write(tmp_path / "sheet.csv", SHEET)
    target = tmp_path / f"report{suffix}.html"
    res = run("report", str(sheet), "--evidence", str(evidence_files[suffix]), "--top", "2", "-o", str(target))
    assert res.exit_code == 0, res.output
    assert "Evidence: gov_ip_interest: 2 blank cells filled with the level suggested by" in res.stderr
    page = target.read_text(encoding="utf-8")
    section = page[page.index('<section id="evidence">') : page.index("</section>", page.index('id="evidence"'))]
    kenya = section[section.index('data-id="KEN"') : section.index("</article>", section.index('data-id="KEN"'))]
    assert (
        "Suggested level: <strong>included</strong> (WIPO is named in a partner list or on the signature page); "
        "suggested level used (the cell was blank)."
    ) in kenya
    # the quote behind the level first, with its document and page, then the strongest other; markup escaped
    assert kenya.count("<q>") == 2
    assert '<li><q>Partners: UNDP, WIPO</q> <span class="note">(KEN_cf.txt, page 2, partners)</span></li>' in kenya
    assert "&lt;b&gt;patents&lt;/b&gt; &amp; trademarks" in kenya and "<b>patents" not in kenya
    peru = section[section.index('data-id="PER"') : section.index("</article>", section.index('data-id="PER"'))]
    assert "Suggested level: <strong>requested</strong> (an IP term is in an outcome or output statement" in peru
    assert "; typed value &#39;none&#39; used (it overrides the suggestion)." in peru
    assert 'href="#evidence"' in page
    # the page's "same result on the command line" ranks the same filled cells
    assert f"unct-scorer rank {sheet} --evidence {evidence_files[suffix]} -w " in page


def test_every_evidence_format_gives_the_same_passages(evidence_files: dict[str, Path]) -> None:
    def shown(path: Path) -> dict[str, list[tuple[str, int, str, tuple[str, ...]]]]:
        return {k: [(p.file, p.page, p.text, p.contexts) for p in v] for k, v in read_passages(path).items()}

    from_json = shown(evidence_files[".json"])
    assert from_json == shown(evidence_files[".csv"]) == shown(evidence_files[".xlsx"])
    assert from_json["KEN"][0] == ("KEN_cf.txt", 2, "Partners: UNDP, WIPO", ("partners",))
    assert from_json["URY"] == []


def test_a_damaged_source_cell_is_located(tmp_path: Path) -> None:
    bad = write(tmp_path / "ev.csv", "iso3,suggested_level,passage_1,source_1\nKEN,included,WIPO,somewhere\n")
    from scorer.errors import DataError

    with pytest.raises(DataError) as info:
        read_passages(bad)
    assert info.value.lines() == [
        f"{bad}:2: column 'source_1': should read 'FILE p. PAGE (CONTEXT)', but it is 'somewhere'"
    ]


def test_without_evidence_there_is_no_section(tmp_path: Path) -> None:
    sheet = write(tmp_path / "sheet.csv", SHEET)
    target = tmp_path / "r.html"
    assert run("-q", "report", str(sheet), "-o", str(target)).exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert 'id="evidence"' not in page and html.escape("Evidence for criterion 3") not in page


def test_template_prefills_the_suggested_levels_and_marks_them(evidence_files: dict[str, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "countries.xlsx"
    res = run("template", "-o", str(target), "--evidence", str(evidence_files[".csv"]))
    assert res.exit_code == 0, res.output
    assert "gov_ip_interest: 3 cells pre-filled with the levels suggested by evidence.csv" in res.stderr
    ws = load_workbook(target)["Countries"]
    header = [c.value for c in ws[1]]
    col = header.index("gov_ip_interest")
    assert header[col + 1] == "gov_ip_interest_suggested"
    rows = {r[0]: (r[col], r[col + 1]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["KEN"][0] == "included"
    assert rows["KEN"][1].startswith("suggested by evidence.csv: WIPO is named in a partner list")
    assert rows["PER"] == ("requested", rows["PER"][1]) and rows["PER"][1].startswith("suggested by evidence.csv")
    assert rows["URY"][0] == "none"
    assert rows["NGA"] == (None, None)  # no document: left blank, for the user
    # ranking the workbook with the same evidence: the pre-filled values count as typed and agree, nothing is filled
    res = run("rank", str(target), "--evidence", str(evidence_files[".csv"]), "--format", "csv")
    assert res.exit_code == 0, res.output
    assert "blank cell" not in res.stderr and "kept over the suggested" not in res.stderr


def test_template_refuses_an_unknown_level_with_its_line(tmp_path: Path) -> None:
    evidence = write(tmp_path / "ev.csv", "iso3,suggested_level\nKEN,included\nPER,maybe\n")
    res = run("template", "-o", str(tmp_path / "t.xlsx"), "--evidence", str(evidence))
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines()[-1] == (
        f"Error: {evidence}:3: column 'suggested_level': should be one of none, expressed, requested, included "
        "(the levels of gov_ip_interest), but it is 'maybe'"
    )
    assert not (tmp_path / "t.xlsx").exists()


RULES = """
        evidence:
          levels:
            - level: included
              because: WIPO is named as a partner
              kinds: [wipo]
              contexts: [partners]
            - level: expressed
              because: IP is named in an outcome (this file's own rule)
              contexts: [outcome]
          otherwise: {level: none, because: nothing in outcomes or partner lists}
"""


def _criteria_with(rules: str, tmp_path: Path) -> Path:
    from scorer.resources import default_criteria_path

    text = default_criteria_path().read_text(encoding="utf-8")
    anchor = "        levels: {none: 0, expressed: 1, requested: 2.5, included: 4}\n"
    assert anchor in text
    return write(tmp_path / "rules.yaml", text.replace(anchor, anchor + rules.lstrip("\n")))


def test_the_criteria_files_level_rules_replace_the_term_files(evidence_files: dict[str, Path], tmp_path: Path) -> None:
    import csv
    import json

    criteria = _criteria_with(RULES, tmp_path)
    folder = tmp_path / "docs"
    out = tmp_path / "by-criteria.json"
    res = run("-q", "evidence", str(folder), "-o", str(out), "-c", str(criteria))
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text(encoding="utf-8"))
    levels = {c["iso3"]: (c["suggested_level"], c["suggestion_basis"]) for c in data["countries"]}
    # Peru's patent office is in an output statement: "requested" by the term file, "expressed" by this file's rule
    assert levels["PER"] == ("expressed", "IP is named in an outcome (this file's own rule)")
    assert levels["KEN"][0] == "included" and levels["URY"][0] == "none"
    assert data["provenance"]["level_rules"] == "criteria file"
    assert data["provenance"]["criteria_file"] == criteria.name
    default = {r["iso3"]: r["suggested_level"] for r in csv.DictReader(evidence_files[".csv"].open(encoding="utf-8"))}
    assert default["PER"] == "requested"


def test_validate_locates_a_rule_that_names_an_unknown_level(tmp_path: Path) -> None:
    import json

    criteria = _criteria_with(RULES.replace("level: expressed", "level: voiced"), tmp_path)
    res = run("validate", "-c", str(criteria), "--format", "json")
    assert res.exit_code == 1
    (problem,) = json.loads(res.stdout)
    line = next(
        i for i, text in enumerate(criteria.read_text(encoding="utf-8").splitlines(), 1) if "level: voiced" in text
    )
    assert (problem["line"], problem["key"]) == (
        line,
        "criteria.government_interest.indicators.gov_ip_interest.evidence.levels.1.level",
    )
    assert problem["message"] == (
        "should be one of the indicator's levels (none, expressed, requested, included), but it is 'voiced'"
    )
