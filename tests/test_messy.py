"""Messy spreadsheets made at test time (tests/messy_helpers.py).

Each ranks as expected, or fails with one clear report.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from messy_helpers import (
    EXPECTED_COST,
    EXPECTED_IDS,
    EXPECTED_RATE,
    MESSY_CRITERIA,
    csv_text,
    write_csv_variants,
    write_formula_workbook,
    write_merged_header,
    write_officer_workbook,
    write_two_sheets,
)

from scorer import read_countries, score_countries
from scorer.cli import main
from scorer.errors import DataError
from scorer.io.criteria_file import parse_criteria_text

CRITERIA = parse_criteria_text(MESSY_CRITERIA)


def _check_officer_result(df) -> None:
    result = score_countries(df, CRITERIA)
    raw = result.raw.loc[EXPECTED_IDS]
    for got, want in zip(raw["rate"], EXPECTED_RATE, strict=True):
        assert want is None or got == pytest.approx(want)
    for got, want in zip(raw["cost"], EXPECTED_COST, strict=True):
        assert want is None or got == pytest.approx(want)
    assert result.table.loc["CIV", "input_id"] == "Côte d'Ivoire"
    assert result.table.loc["COD", "input_id"] == "République démocratique du Congo"
    assert set(result.imputations["column"]) == {"rate", "cost"}
    converted = result.conversions.set_index(["id", "column"])["original"]
    assert converted[("DZA", "pays")] == "Algérie"
    assert converted[("DZA", "rate")] == "12,5"
    assert converted[("COD", "rate")] == "45%"
    assert converted[("DZA", "office")] == "oui"


@pytest.mark.parametrize("name", ["utf8.csv", "utf8_bom.csv", "utf16_excel.txt", "cp1252.csv", "latin1.csv"])
def test_csv_encodings_and_dialects_rank_the_same(tmp_path: Path, name: str) -> None:
    path = write_csv_variants(tmp_path)[name]
    df = read_countries(path, id_column="iso3")
    assert df.attrs["first_row"] == 4 and df.attrs["decimal_comma"] is True
    assert df.iloc[0, 0] == "Algérie"
    _check_officer_result(df)


def test_officer_workbook_ranks_with_no_clean_up(tmp_path: Path) -> None:
    path = write_officer_workbook(tmp_path / "officer.xlsx", hidden_row=True)
    df = read_countries(path)
    assert list(df.attrs["row_numbers"]) == [4, 5, 6, 7]
    _check_officer_result(df)
    result = score_countries(df, CRITERIA)
    assert any("hidden row(s) were read" in n and "rows 5" in n for n in result.notes)
    assert any("decimal comma" in n for n in result.notes)


def test_officer_workbook_cli(tmp_path: Path) -> None:
    path = write_officer_workbook(tmp_path / "officer.xlsx")
    crit = tmp_path / "c.yaml"
    crit.write_text(MESSY_CRITERIA, encoding="utf-8")
    res = CliRunner().invoke(main, ["rank", str(path), "-c", str(crit), "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[1].startswith("1,DZA,")


def test_hidden_first_sheet_is_skipped_with_a_note(tmp_path: Path) -> None:
    path = write_officer_workbook(tmp_path / "h.xlsx", hidden_first_sheet=True)
    df = read_countries(path)
    assert df.attrs["sheet"] == "Données"
    assert df.attrs["notes"][0] == f"{path}: hidden sheets were not read: Notes"


def test_formula_with_saved_value_is_read(tmp_path: Path) -> None:
    path = write_formula_workbook(tmp_path / "f.xlsx", cached=40.0)
    df = read_countries(path)
    assert float(df.loc[3, "cost"]) == 40.0


def test_formula_without_saved_value_names_the_cell(tmp_path: Path) -> None:
    path = write_formula_workbook(tmp_path / "f.xlsx", cached=None)
    with pytest.raises(DataError) as err:
        read_countries(path)
    assert err.value.lines() == [
        f"{path}: sheet 'Data': cell E5: formula =D5*2 has no saved value; open the file in Excel and save it"
    ]


def test_sheet_by_name_number_and_wrong_name(tmp_path: Path) -> None:
    path = write_two_sheets(tmp_path / "two.xlsx")
    assert list(read_countries(path, sheet="Data")["iso3"]) == ["DZA", "PER"]
    assert list(read_countries(path, sheet="2")["iso3"]) == ["DZA", "PER"]
    with pytest.raises(DataError) as err:
        read_countries(path, sheet="Donnees")
    assert err.value.lines() == [
        f"{path}: --sheet should be one of the sheets ('Read me', 'Data'), but it is 'Donnees'"
    ]


def test_merged_header_cells_are_filled(tmp_path: Path) -> None:
    path = write_merged_header(tmp_path / "m.xlsx")
    df = read_countries(path, header_row=2)
    assert list(df.columns) == ["iso3", "level", "office", "rate", "cost"]
    assert list(df["iso3"]) == ["DZA", "PER"] and df.attrs["first_row"] == 3


def test_xls_and_ods_are_refused(tmp_path: Path) -> None:
    for suffix, words in ((".xls", "save it as .xlsx or CSV"), (".ods", "save it as .xlsx or CSV")):
        path = tmp_path / f"old{suffix}"
        path.write_bytes(b"\xd0\xcf\x11\xe0")
        with pytest.raises(DataError, match=words):
            read_countries(path)


def test_unknown_ambiguous_and_duplicate_countries_all_reported(tmp_path: Path) -> None:
    rows = [
        ["Algérie", "high", "oui", "1", "1"],
        ["Congo", "low", "non", "2", "2"],
        ["Atlantide", "low", "non", "2", "2"],
        ["Algeria", "low", "non", "2", "2"],
        ["Pérou", "low", "non", "2", "2"],
    ]
    path = tmp_path / "s.csv"
    path.write_text(csv_text(";", rows), encoding="utf-8")
    with pytest.raises(DataError) as err:
        score_countries(read_countries(path), CRITERIA)
    lines = err.value.lines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{path}: row 5: column 'pays': \"Congo\" is ambiguous: it could be COG")
    assert lines[1].startswith(f"{path}: row 6: column 'pays': ")
    assert lines[2] == (
        f"{path}: row 7: column 'pays': country 'Algeria' (DZA) should appear once, but row 4 has it too, as 'Algérie'"
    )


def test_id_column_option_and_detection(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("code,level,office,rate,cost\nDZ,high,yes,1,1\n604,low,no,2,2\n", encoding="utf-8")
    assert list(score_countries(read_countries(path), CRITERIA).table.index) == ["DZA", "PER"]
    result = score_countries(read_countries(path), CRITERIA, id_column="code")
    assert list(result.table["input_id"]) == ["DZ", "604"]
    with pytest.raises(DataError, match="should have a column 'nope'"):
        score_countries(read_countries(path), CRITERIA, id_column="nope")


def test_decimal_comma_forced_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('iso3,level,office,rate,cost\nDZA,high,yes,"1,234",1\nPER,low,no,2,2\n', encoding="utf-8")
    assert score_countries(read_countries(path), CRITERIA).raw.loc["DZA", "rate"] == 1234.0
    forced = score_countries(read_countries(path, decimal_comma=True), CRITERIA)
    assert forced.raw.loc["DZA", "rate"] == pytest.approx(1.234)


def test_three_kinds_of_missing(tmp_path: Path) -> None:
    crit = parse_criteria_text(
        MESSY_CRITERIA.replace(
            "        column: rate\n        missing: mean\n",
            "        column: rate\n        missing: mean\n"
            "        not_applicable: {tokens: [not applicable, s.o.], policy: zero}\n"
            "        zero_tokens: [none, nil]\n",
        )
    )
    path = tmp_path / "s.csv"
    path.write_text(
        "iso3,level,office,rate,cost\nDZA,high,yes,10,1\nPER,low,no,20,2\nCIV,low,no,unknown,2\n"
        "COD,low,no,not applicable,2\nFRA,low,no,nil,2\n",
        encoding="utf-8",
    )
    r = score_countries(read_countries(path), crit)
    assert r.raw.loc["CIV", "rate"] == pytest.approx(10.0)  # unknown: mean of 10, 20, 0
    assert r.raw.loc["COD", "rate"] == 0.0  # not applicable: policy zero
    assert r.raw.loc["FRA", "rate"] == 0.0  # a true zero, observed
    imp = r.imputations.set_index("id")
    assert imp.loc["COD", "policy"] == "zero" and imp.loc["COD", "how"].startswith("not applicable: ")
    assert imp.loc["CIV", "policy"] == "mean"
    assert "FRA" not in imp.index
    assert not math.isnan(r.table.loc["FRA", "score"])


def test_not_applicable_with_error_policy_names_the_cell(tmp_path: Path) -> None:
    crit = parse_criteria_text(
        MESSY_CRITERIA.replace(
            "        column: rate\n        missing: mean\n",
            "        column: rate\n        missing: mean\n        not_applicable: {tokens: [s.o.], policy: error}\n",
        )
    )
    path = tmp_path / "s.csv"
    path.write_text("iso3,level,office,rate,cost\nDZA,high,yes,s.o.,1\nPER,low,no,20,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        score_countries(read_countries(path), crit)
    assert err.value.lines() == [
        f"{path}: row 2: column 'rate': should have a value (the criteria say not_applicable.policy: error), "
        "but it is 's.o.' (fill it in, or set a missing policy for this indicator)"
    ]


def test_title_rows_need_no_option_and_header_row_can_be_given(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("Report\nNotes: draft\niso3,level,office,rate,cost\nDZA,high,yes,1,1\n", encoding="utf-8")
    assert read_countries(path).attrs["first_row"] == 4
    assert read_countries(path, header_row=3).attrs["first_row"] == 4
    with pytest.raises(DataError, match="--header-row 9 should be a row with column names"):
        read_countries(path, header_row=9)


def test_inputs_are_never_modified_by_any_command(tmp_path: Path) -> None:
    import hashlib

    crit = tmp_path / "c.yaml"
    crit.write_text(MESSY_CRITERIA, encoding="utf-8")
    inputs = [write_officer_workbook(tmp_path / "officer.xlsx"), *write_csv_variants(tmp_path).values()]
    bad = write_formula_workbook(tmp_path / "bad.xlsx", cached=None)

    def digests() -> dict[Path, str]:
        return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in [*inputs, bad, crit]}

    before = digests()
    runner = CliRunner()
    for n, sheet in enumerate(inputs):
        for args in (
            ["rank", str(sheet), "-c", str(crit)],
            ["explain", "DZA", str(sheet), "-c", str(crit)],
            ["validate", str(sheet), "-c", str(crit)],
            ["rank", str(sheet), "-c", str(crit), "-o", str(tmp_path / f"out{n}.xlsx")],
        ):
            res = runner.invoke(main, args)
            assert res.exit_code == 0, (args, res.output)
    for args in (["rank", str(bad), "-c", str(crit), "-o", str(tmp_path / "never.csv")], ["validate", str(bad)]):
        res = runner.invoke(main, args)
        assert res.exit_code == 1
    assert not (tmp_path / "never.csv").exists()
    assert digests() == before


def test_panel_latest_value_per_indicator_and_year_option(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(
        "pays,année,level,office,rate,cost\n"
        "Algérie,2021,high,oui,10,5\nAlgérie,2022,high,oui,,6\n"
        "Pérou,2021,low,non,30,1\nPérou,2022,low,non,31,2\n",
        encoding="utf-8",
    )
    result = score_countries(read_countries(path), CRITERIA)
    assert result.raw.loc["DZA", "rate"] == 10.0 and result.raw.loc["DZA", "cost"] == 6.0
    years = result.conversions.dropna(subset=["year"]).set_index(["id", "column"])["year"]
    assert years[("DZA", "rate")] == 2021 and years[("DZA", "cost")] == 2022
    assert any("latest non-missing value" in n for n in result.notes)
    r2021 = score_countries(read_countries(path), CRITERIA, year=2021)
    assert r2021.raw.loc["PER", "rate"] == 30.0 and r2021.table["row"].to_dict() == {"DZA": 2, "PER": 4}
    with pytest.raises(DataError, match=r"--year should be one of the years in the sheet \(2021, 2022\)"):
        score_countries(read_countries(path), CRITERIA, year=2019)
    crit = tmp_path / "c.yaml"
    crit.write_text(MESSY_CRITERIA, encoding="utf-8")
    res = CliRunner().invoke(main, ["rank", str(path), "-c", str(crit), "--year", "2021", "--format", "json"])
    assert res.exit_code == 0, res.output
