"""`unct-scorer evidence` and `rank --evidence`: exit codes, Error lines, outputs, overrides."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from scorer.cli import main
from scorer.evidence.tables import country_rows
from scorer.io.documents import collect_evidence
from scorer.io.evidence_file import load_terms
from tests.conftest import write
from tests.evidence_docs import write_text


def run(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    root.mkdir()
    write_text(root / "KEN_cf.txt", [["Kenya 2022-2026"], ["Outcome 1: firms file patents.", "Partners: UNDP, WIPO"]])
    write_text(root / "URY_cf.txt", [["Uruguay 2021-2025"], ["Salud y empleo."]])
    write_text(root / "annex.txt", [["Annex"], ["The IP office uses patents."]])
    return root


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_evidence_writes_one_row_per_country(runner, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "evidence.csv"
    res = run(runner, "evidence", str(folder), "-o", str(out))
    assert res.exit_code == 1  # annex.txt names no country: reported, the rest still written
    assert res.stderr.splitlines()[0] == (
        "Error: annex.txt: should name one country in its file name or on its title page, but no country was found; "
        "add the file to a mapping file (--countries)"
    )
    rows = read_csv(out)
    assert [(r["iso3"], r["suggested_level"], r["ip_mentions"], r["wipo_mentions"]) for r in rows] == [
        ("KEN", "included", "1", "1"),
        ("URY", "none", "0", "0"),
    ]
    kenya = rows[0]
    assert (kenya["in_outcome"], kenya["in_partners"], kenya["periods"]) == ("1", "1", "2022-2026")
    assert kenya["justification"] == '"Partners: UNDP, WIPO" (KEN_cf.txt p. 2, partners)'
    assert kenya["passage_1"] == "Partners: UNDP, WIPO"
    assert kenya["source_1"] == "KEN_cf.txt p. 2 (partners)"
    # words: "Kenya 2022 2026" + "Outcome 1 firms file patents" + "Partners UNDP WIPO" = 3 + 5 + 3
    assert kenya["words"] == "11"
    assert float(kenya["ip_per_10k_words"]) == pytest.approx(round(1 / 11 * 10_000, 4))


def test_mapping_file_and_json_parity(runner, folder: Path, tmp_path: Path) -> None:
    mapping = write(tmp_path / "files.csv", "file,country\nannex.txt,Kenya\n")
    out = tmp_path / "evidence.json"
    res = run(runner, "evidence", str(folder), "-o", str(out), "--countries", str(mapping))
    assert res.exit_code == 0, res.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    library = collect_evidence(folder, load_terms(), mapping={"annex.txt": "KEN"})
    expected = country_rows(library)
    assert [{k: c[k] for k in expected[0]} for c in data["countries"]] == json.loads(json.dumps(expected))
    assert data["countries"][0]["documents"] == 2
    assert data["provenance"]["command"].startswith("unct-scorer ")
    assert data["provenance"]["terms_version"] == load_terms().version


def test_output_is_byte_reproducible(runner, folder: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    run(runner, "evidence", str(folder), "-o", str(first))
    run(runner, "evidence", str(folder), "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_user_terms_extend_the_list(runner, folder: Path, tmp_path: Path) -> None:
    extra = write(tmp_path / "more.yaml", "terms:\n  - id: patents\n    names:\n      es: [empleo]\n")
    out = tmp_path / "e.csv"
    run(runner, "evidence", str(folder), "-o", str(out), "--terms", str(extra))
    uruguay = read_csv(out)[1]
    assert (uruguay["iso3"], uruguay["ip_mentions"], uruguay["suggested_level"]) == ("URY", "1", "expressed")


def test_bad_term_file_is_located(runner, folder: Path, tmp_path: Path) -> None:
    extra = write(
        tmp_path / "bad.yaml",
        "terms:\n  - id: mine\n    kind: ip\n    weight: -1\n    context: default\n    names: {en: [x]}\n",
    )
    res = run(runner, "evidence", str(folder), "-o", str(tmp_path / "e.csv"), "--terms", str(extra))
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"Error: {extra}: terms.0.weight: Input should be greater than or equal to 0, but it is -1"
    )


def test_usage_and_output_errors(runner, folder: Path, tmp_path: Path) -> None:
    res = run(runner, "evidence", str(folder), "-o", str(tmp_path / "e.txt"))
    assert res.exit_code == 2
    assert "--output should end in .csv, .json, .xlsx, but it is 'e.txt'" in res.stderr
    existing = write(tmp_path / "e.csv", "x\n")
    res = run(runner, "evidence", str(folder), "-o", str(existing))
    assert (res.exit_code, res.stderr.strip()) == (1, f"Error: {existing}: already exists; use --force to replace it")
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run(runner, "evidence", str(empty), "-o", str(tmp_path / "f.csv"))
    assert res.stderr.strip() == f"Error: {empty}: should hold .pdf, .docx or .txt documents, but it holds none"
    res = run(runner, "evidence", str(tmp_path / "nope"), "-o", str(tmp_path / "f.csv"))
    assert res.stderr.strip() == f"Error: {tmp_path / 'nope'}: should be a folder of documents, but it does not exist"


def test_missing_pdf_library_says_how_to_install(runner, folder: Path, tmp_path: Path, monkeypatch) -> None:
    (folder / "KEN.pdf").write_bytes(b"%PDF-1.4\n")
    monkeypatch.setitem(sys.modules, "pypdf", None)
    res = run(runner, "evidence", str(folder), "-o", str(tmp_path / "e.csv"))
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        "Error: reading PDF files needs the optional package pypdf, but it is not installed; "
        "run: pip install 'unct-scorer[evidence]'"
    )


SHEET = """iso3,name,region,wipo_engagement,n_wipo_treaties_joined_since_2015,latest_accession_year,\
n_wipo_treaties_in_force,wipo_external_office,has_unct,gov_ip_interest,treaties_apply_through
KEN,Kenya,Africa,low,2,2019,9,no,yes,,
PER,Peru,Americas,medium,3,2018,12,no,yes,none,
CHL,Chile,Americas,high,3,2022,13,no,yes,expressed,
URY,Uruguay,Americas,low,1,2020,9,no,yes,,
"""


def test_rank_takes_suggestions_and_reports_overrides(runner, tmp_path: Path) -> None:
    sheet = write(tmp_path / "sheet.csv", SHEET)
    evidence = write(
        tmp_path / "ev.csv", "iso3,suggested_level\nKEN,included\nPER,included\nCHL,expressed\nFRA,requested\nURY,\n"
    )
    res = run(runner, "rank", str(sheet), "--evidence", str(evidence), "--format", "csv")
    assert res.exit_code == 0, res.stderr
    notes = [line for line in res.stderr.splitlines() if line.startswith("Evidence:")]
    assert notes == [
        "Evidence: gov_ip_interest: 1 blank cell filled with the level suggested by ev.csv (KEN)",
        "Evidence: gov_ip_interest: PER: your value 'none' kept over the suggested 'included'",
        "Evidence: gov_ip_interest: 1 country of ev.csv is not in the sheet (FRA)",
        "Evidence: gov_ip_interest: no suggestion for URY (their documents had no readable text); left as they were",
    ]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    # included is the top level: the criterion's full normalised weight 0.35 / (0.4 + 0.25 + 0.35)
    assert float(rows["KEN"]["government_interest"]) == pytest.approx(0.35)
    assert float(rows["PER"]["government_interest"]) == 0.0


def test_rank_refuses_a_level_the_criteria_do_not_know(runner, tmp_path: Path) -> None:
    sheet = write(tmp_path / "sheet.csv", SHEET)
    evidence = write(tmp_path / "ev.csv", "iso3,suggested_level\nKEN,maybe\n")
    res = run(runner, "rank", str(sheet), "--evidence", str(evidence))
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"Error: {evidence}:2: column 'suggested_level': should be one of none, expressed, requested, included "
        "(the levels of gov_ip_interest), but it is 'maybe'"
    )


def test_worker_processes_give_the_same_evidence(folder: Path) -> None:
    terms = load_terms()
    one = collect_evidence(folder, terms, jobs=1)
    two = collect_evidence(folder, terms, jobs=2)
    assert country_rows(one) == country_rows(two)
    assert one.problems == two.problems


def test_rank_reads_json_and_xlsx_evidence_and_the_report_gets_passages(runner, folder: Path, tmp_path: Path) -> None:
    from scorer.evidence import passages_by_country
    from scorer.io.evidence_file import read_passages

    sheet = write(tmp_path / "sheet.csv", SHEET)
    for suffix in (".json", ".xlsx"):
        out = tmp_path / f"evidence{suffix}"
        assert run(runner, "evidence", str(folder), "-o", str(out)).exit_code == 1  # annex.txt has no country
        res = run(runner, "rank", str(sheet), "--evidence", str(out), "--format", "csv")
        assert "Evidence: gov_ip_interest: 2 blank cells filled with the level suggested by" in res.stderr
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
        assert float(rows["KEN"]["government_interest"]) == pytest.approx(0.35)
    library = passages_by_country(collect_evidence(folder, load_terms()))
    from_file = read_passages(tmp_path / "evidence.json")
    assert [(p.file, p.page, p.text) for p in from_file["KEN"]] == [(p.file, p.page, p.text) for p in library["KEN"]]
    assert from_file["KEN"][0].text == "Partners: UNDP, WIPO"


def test_a_new_term_with_an_unknown_context_rule_is_named(runner, folder: Path, tmp_path: Path) -> None:
    extra = write(
        tmp_path / "bad.yaml",
        "terms:\n  - id: mine\n    kind: ip\n    weight: 1\n    context: strong\n    names: {en: [x]}\n",
    )
    res = run(runner, "evidence", str(folder), "-o", str(tmp_path / "e.csv"), "--terms", str(extra))
    assert res.stderr.strip() == (
        f"Error: {extra}: term 'mine': context should be one of default, organisation, broad, but it is 'strong'"
    )


def test_rank_on_a_sheet_without_the_column_creates_it(runner, tmp_path: Path) -> None:
    evidence = write(tmp_path / "ev.csv", "iso3,suggested_level\nKEN,included\nCHN,none\n")
    res = run(runner, "rank", "--evidence", str(evidence), "--format", "csv")
    assert res.exit_code == 0, res.stderr
    notes = [line for line in res.stderr.splitlines() if line.startswith("Evidence:")]
    assert notes == [
        "Evidence: gov_ip_interest: 2 blank cells filled with the level suggested by ev.csv (CHN, KEN)",
        "Evidence: gov_ip_interest: 160 ranked countries have neither a typed value nor evidence; "
        "the criteria's missing-data policy (worst) decides for them",
    ]  # 165 rows, 162 ranked (GBR, NLD and NZL have no UNCT), 2 filled
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    assert float(rows["KEN"]["government_interest"]) == pytest.approx(0.35)
    assert float(rows["CHN"]["government_interest"]) == 0.0
