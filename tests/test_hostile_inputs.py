"""Hostile and unlucky inputs (issue 16): each ends in one located error, exit 1, quickly, or in a correct result.

Every case asserts the exit code, the exact first ``Error:`` line (or its code
and location), that no traceback is printed and that nothing is written.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.errors import ConfigError, DataError
from scorer.io.criteria_file import parse_criteria_text
from scorer.io.limits import Limits
from scorer.io.spreadsheet import decode_text, read_countries
from scorer.pipeline import score_countries
from scorer.resources import demo_spreadsheet_path
from tests.conftest import SMALL_CRITERIA, write
from tests.hostile_files import (
    entity_workbook,
    hidden_workbook,
    many_rows_workbook,
    merged_range_workbook,
    zip_bomb_workbook,
)

SHEET = "iso3,name,level,office,rate,cost\nAAA,Alpha,high,yes,10,5\nBBB,Beta,low,no,30,1\nCCC,Gamma,none,no,20,3\n"


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None, seconds: float = 5.0):  # type: ignore[no-untyped-def]
    """Run the CLI in-process; no traceback, and done within ``seconds``."""
    start = time.perf_counter()
    res = runner.invoke(main, list(args), env=env, catch_exceptions=False)
    assert time.perf_counter() - start < seconds
    assert "Traceback" not in res.output and "internal error" not in res.output
    return res


def first_error(res) -> str:  # type: ignore[no-untyped-def]
    return next(line for line in res.stderr.splitlines() if line.startswith("Error:"))


@pytest.fixture
def crit(tmp_path: Path) -> Path:
    return write(tmp_path / "c.yaml", SMALL_CRITERIA)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# --- silent wrong results -----------------------------------------------------------------------------------------


def test_stray_quote_in_the_demo_is_refused_with_its_row(runner: CliRunner, tmp_path: Path) -> None:
    lines = demo_spreadsheet_path().read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[10].startswith("AZE,Azerbaijan,")
    lines[10] = lines[10].replace("Azerbaijan", '"Azerbaijan', 1)
    sheet = tmp_path / "demo.csv"
    sheet.write_text("".join(lines), encoding="utf-8")
    for args in (["rank", "-o", str(tmp_path / "out.csv")], ["validate"]):
        res = invoke(runner, *args, str(sheet))
        assert res.exit_code == 1
        assert "swallows rows 12-" in res.output  # validate's table is on stdout, rank's error on stderr
    assert files_in(tmp_path) == {"demo.csv"}
    with pytest.raises(DataError) as err:
        read_countries(sheet)
    assert [(p.code, p.row) for p in err.value.problems] == [("data.csv_quote", 11)]


def test_stray_quote_names_the_rows_it_swallows(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET.replace("BBB,Beta", 'BBB,"Beta') + 'DDD,"Delta",low,no,1,1\n')
    res = invoke(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {sheet}: row 3: column 2: the double quote that opens this cell ('Beta,low,no,30,1') "
        'closes only on row 5, so it swallows rows 4-5 into one cell (remove the stray " or close it)'
    )


def test_unterminated_quote_on_the_last_row(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET + 'DDD,"Delta,low,no,1,1\n')
    res = invoke(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {sheet}: row 5: column 2: the double quote that opens this cell ('Delta,low,no,1,1') "
        'is never closed, leaving 2 cell(s) where the header has 6 (remove the stray " or close it)'
    )


def test_unterminated_quote_in_the_last_cell_of_the_file(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    # it swallows only the final line break, so the cell once read as 1 and the file passed as valid
    for end in ("\n", ""):
        sheet = write(tmp_path / "s.csv", SHEET + 'DDD,Delta,low,no,1,"1' + end)
        res = invoke(runner, "rank", str(sheet), "-c", str(crit))
        assert res.exit_code == 1
        assert first_error(res) == (
            f"Error: {sheet}: row 5: column 6: the double quote that opens this cell ('1') is never closed "
            '(remove the stray " or close it)'
        )


def test_nul_bytes_are_refused_with_their_row(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(SHEET.replace("Beta", "Be\x00ta").encode())
    with pytest.raises(DataError) as err:
        read_countries(sheet)
    assert err.value.problems[0].format() == f"{sheet}: row 3: should be a text (CSV) file, but it holds NUL bytes"


PLAIN_CRITERIA = """\
name: plain
criteria:
  engagement:
    label: E
    cites: p
    weight: 2
    indicators: {level: {column: level, normalisation: ordinal, levels: {low: 1, high: 3}}}
  interest: {label: I, cites: p, weight: 1, indicators: {rate: {column: rate}}}
"""


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("inf", "row 2501: column 'rate': should be a number, but it is 'inf'"),
        ("1e400", "row 2501: column 'rate': should be a finite number, but it is '1e400'"),
        ("-1e400", "row 2501: column 'rate': should be a finite number, but it is '-1e400'"),
        ("5,7", "row 2501: should have 4 cells like the header, but it has 5"),
        (
            '"5',
            "row 2501: column 4: the double quote that opens this cell ('5') is never closed, "
            "so it swallows rows 2502-3001",
        ),
    ],
)
def test_a_large_plain_csv_is_checked_as_a_small_one(tmp_path: Path, cell: str, problem: str) -> None:
    """The plain-CSV fast path (no quotes, every line the header's width) must not skip a check of the record path."""
    lines = ["iso3,name,level,rate", *(f"R{i:05d},N{i},low,{i % 97}.5" for i in range(3000))]
    lines[2500] = f"R02499,N2499,low,{cell}"
    sheet = write(tmp_path / "s.csv", "\n".join(lines) + "\n")
    with pytest.raises(DataError) as err:
        score_countries(read_countries(sheet), parse_criteria_text(PLAIN_CRITERIA), source=str(sheet))
    assert len(err.value.problems) == 1
    assert err.value.problems[0].format().startswith(f"{sheet}: {problem}")


def test_quotes_swallowing_separators_on_one_line(tmp_path: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET.replace("BBB,Beta,low", 'BBB,"Beta,low"'))
    with pytest.raises(DataError) as err:
        read_countries(sheet)
    problem = err.value.problems[0]
    assert (problem.code, problem.row, problem.value) == ("data.csv_quote", 3, "Beta,low")


def test_a_genuine_multi_line_cell_is_read(tmp_path: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET.replace("Beta", '"Beta\nnote"'))
    df = read_countries(sheet)
    assert df["name"].tolist() == ["Alpha", "Beta\nnote", "Gamma"]
    assert list(df.attrs["row_numbers"]) == [2, 3, 5]


@pytest.mark.parametrize("cell", ["1e400", "-1e400", "1" * 5000])
def test_an_infinite_number_in_a_cell_is_located(runner: CliRunner, tmp_path: Path, crit: Path, cell: str) -> None:
    sheet = write(tmp_path / "s.csv", SHEET.replace("30,1", f"{cell},1"))
    res = invoke(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    shown = repr(cell) if len(cell) < 100 else ""
    assert first_error(res).startswith(f"Error: {sheet}: row 3: column 'rate': should be a finite number, but it is")
    assert shown in first_error(res)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "weight: 2",
            "weight: .inf",
            "c.yaml:7: criteria.engagement.weight: should be a finite number, but it is .inf",
        ),
        (
            "min_score: 0.4",
            "min_score: .nan",
            "c.yaml:35: tiers.1.min_score: should be a finite number, but it is .nan",
        ),
        (
            "        column: cost\n",
            "        column: cost\n        normalisation: minmax\n        bounds: [0, .NaN]\n",
            "c.yaml:32: criteria.interest.indicators.cost.bounds.1: should be a finite number, but it is .NaN",
        ),
        (
            "tiers:",
            "eligibility:\n  - {column: rate, min: .nan}\ntiers:",
            "c.yaml:34: eligibility.0.min: should be a finite number, but it is .nan",
        ),
        ("weight: 2", "weight: " + "9" * 5000, "c.yaml:7: should be a number of at most 18 digits, but it has 5,000"),
    ],
)
def test_non_finite_numbers_in_criteria_are_located(
    runner: CliRunner, tmp_path: Path, old: str, new: str, where: str
) -> None:
    assert old in SMALL_CRITERIA
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA.replace(old, new, 1))
    sheet = write(tmp_path / "s.csv", SHEET)
    res = invoke(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {tmp_path / where}"


def test_non_finite_weight_on_the_command_line(runner: CliRunner) -> None:
    res = invoke(runner, "rank", "-w", "engagement=nan")
    assert res.exit_code == 1
    assert first_error(res) == "Error: --weight engagement: should be a finite number, but it is 'nan'"


@pytest.mark.parametrize("option", ["--budget", "--default-cost"])
def test_nan_budget_and_default_cost_are_usage_errors(runner: CliRunner, option: str) -> None:
    res = invoke(runner, "select", "--budget", "100", "--cost-column", "population", option, "nan")
    assert res.exit_code == 2
    assert f"Invalid value for '{option}': 'nan' should be a finite number." in res.stderr


def test_mixed_encodings_are_refused_with_the_first_bad_line(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(SHEET.replace("Alpha", "Algérie").encode() + "DDD,Pérou,low,no,1,1\n".encode("latin-1"))
    res = invoke(runner, "rank", str(sheet), "-c", str(crit))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {sheet}: row 5: should use one text encoding, but this line is not UTF-8 while line 2 is "
        "(save the file again as UTF-8)"
    )


def test_a_file_all_in_latin_1_is_still_read() -> None:
    assert decode_text("Algérie\nPérou\n".encode("latin-1"), file="x.csv") == "Algérie\nPérou\n"


@pytest.mark.parametrize("value", ["200k", "-5", "0", "1e5", ""])
def test_a_limit_from_the_environment_must_be_understood(runner: CliRunner, value: str) -> None:
    res = invoke(runner, "rank", env={"UNCT_SCORER_MAX_ROWS": value})
    assert res.exit_code == 1
    assert first_error(res) == (
        "Error: environment: UNCT_SCORER_MAX_ROWS: should be a whole number of 1 or more (such as 100000), "
        f"but it is {value!r}"
    )


def test_an_unknown_setting_is_named(runner: CliRunner) -> None:
    res = invoke(runner, "rank", env={"UNCT_SCORER_MAX_ROW": "5"})
    assert res.exit_code == 1
    assert first_error(res) == (
        "Error: environment: UNCT_SCORER_MAX_ROW: is not a setting of unct-scorer; "
        "did you mean 'UNCT_SCORER_MAX_ROWS'? (unset it)"
    )
    assert Limits.from_env({"UNCT_SCORER_MAX_ROWS": "200_000"}).max_rows == 200_000


def test_all_sheets_hidden_says_so_without_blaming_sheet(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    book = hidden_workbook(tmp_path / "h.xlsx")
    df = read_countries(book)
    assert df.attrs["notes"] == [
        f"{book}: every sheet is hidden in Excel; the first, 'Data', was read (name another with --sheet)"
    ]
    named = read_countries(book, sheet="Data")
    assert named.attrs["notes"] == [f"{book}: sheet 'Data' is hidden in Excel; it was read because --sheet named it"]


# --- bounded work -------------------------------------------------------------------------------------------------


def test_a_merged_range_over_the_whole_sheet_is_refused_at_once(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    book = merged_range_workbook(tmp_path / "m.xlsx")
    assert book.stat().st_size < 10_000
    res = invoke(runner, "rank", str(book), "-c", str(crit), seconds=3)
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {book}: sheet 'Data': merged range A10:XFD1048576 should lie within 100,030 rows and "
        "1,000 columns, but it reaches row 1,048,576, column 16,384 "
        "(set UNCT_SCORER_MAX_ROWS to a larger number if this is intended)"
    )


def test_a_merged_range_within_the_limits_fills_its_cells(tmp_path: Path) -> None:
    book = merged_range_workbook(tmp_path / "m.xlsx", ref="D2:D3")
    assert read_countries(book)["rate"].tolist() == [10, 10]


def test_a_zip_bomb_is_refused_before_it_is_inflated(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    book = zip_bomb_workbook(tmp_path / "b.xlsx", megabytes=20)
    res = invoke(runner, "rank", str(book), "-c", str(crit), seconds=3)
    assert res.exit_code == 1
    assert first_error(res).startswith(
        f"Error: {book}: part 'xl/worksheets/sheet1.xml' should inflate at most 200-fold, but it inflates "
    )
    assert first_error(res).endswith("(set UNCT_SCORER_MAX_ZIP_RATIO to a larger number if this is intended)")


def test_too_many_rows_stop_the_scan(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    book = many_rows_workbook(tmp_path / "r.xlsx", rows=500)
    res = invoke(runner, "rank", str(book), "-c", str(crit), env={"UNCT_SCORER_MAX_ROWS": "100"})
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {book}: sheet 'Data' should have at most 100 data rows (130 rows with titles above the header), "
        "but it has a row 131 (set UNCT_SCORER_MAX_ROWS to a larger number if this is intended)"
    )


def test_xml_entities_are_refused(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    book = entity_workbook(tmp_path / "e.xlsx")
    res = invoke(runner, "rank", str(book), "-c", str(crit))
    assert res.exit_code == 1
    assert (
        first_error(res)
        == f"Error: {book}: part 'xl/sharedStrings.xml' should be plain XML, but it declares a document type (DTD)"
    )


def test_the_byte_limit_is_read_not_trusted(runner: CliRunner, tmp_path: Path, crit: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET)
    res = invoke(runner, "rank", str(sheet), "-c", str(crit), env={"UNCT_SCORER_MAX_BYTES": "50"})
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {sheet}: should be at most 50 bytes, but it is {sheet.stat().st_size} "
        "(set UNCT_SCORER_MAX_BYTES to a larger number if this is intended)"
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_without_reading(runner: CliRunner, tmp_path: Path, device: str) -> None:
    link = tmp_path / "dev.csv"
    link.symlink_to(device)
    res = invoke(runner, "rank", str(link))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {link}: should be a spreadsheet file, but it is a character device"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_hanging(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    res = invoke(runner, "rank", str(fifo))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {fifo}: should be a spreadsheet file, but it is a named pipe (FIFO)"
    res = invoke(runner, "rank", "-c", str(fifo))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {fifo}: should be a YAML file, but it is a named pipe (FIFO)"


def test_a_folder_as_input_is_a_bad_file_not_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "data.csv"
    folder.mkdir()
    res = invoke(runner, "rank", str(folder))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {folder}: should be a spreadsheet file, but it is a folder"
    res = invoke(runner, "rank", "-c", str(folder))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {folder}: should be a YAML file, but it is a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    sheet = write(tmp_path / "s.csv", SHEET)
    sheet.chmod(0)
    res = invoke(runner, "rank", str(sheet))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {sheet}: should be a readable spreadsheet file, but it cannot be opened (permission denied)"
    )


def test_yaml_nested_deeply_is_refused_by_depth(runner: CliRunner, tmp_path: Path) -> None:
    crit = write(tmp_path / "c.yaml", "name: " + "[" * 600 + "]" * 600 + "\n")
    res = invoke(runner, "rank", "-c", str(crit))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {crit}:1: should nest at most 40 levels deep, but it nests deeper "
        "(set UNCT_SCORER_MAX_YAML_DEPTH to a larger number if this is intended)"
    )
    block = "".join("  " * i + f"k{i}:\n" for i in range(600))
    with pytest.raises(ConfigError) as err:
        parse_criteria_text(block, file="b.yaml")
    assert err.value.problems[0].code == "config.too_large" and err.value.problems[0].line == 41


def test_a_huge_yaml_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        parse_criteria_text("name: " + "x" * 200_000 + "\n", file="v.yaml")
    assert err.value.lines() == [
        "v.yaml:1: a value should be at most 100,000 characters, but this one has 200,000 "
        "(set UNCT_SCORER_MAX_SCALAR_CHARS to a larger number if this is intended)"
    ]


def test_a_control_character_in_a_file_name_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    evil = tmp_path / "d.csv\nweights: {x: 1}"
    evil.write_text(SHEET, encoding="utf-8")
    res = invoke(runner, "rank", str(evil))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {str(evil)!r}: should have a name without line breaks or control characters, "
        "but it has '\\n' (rename the file)"
    )


def test_finite_values_are_still_read(tmp_path: Path) -> None:
    df = read_countries(write(tmp_path / "s.csv", SHEET.replace("30,1", "1e300,1")))
    assert float(df["rate"].iloc[1]) == 1e300 and math.isfinite(1e300)


def test_a_newline_in_the_decisions_file_name_cannot_inject_yaml(runner: CliRunner, tmp_path: Path) -> None:
    evil = write(tmp_path / "d.csv\nweights: {engagement: 99}", "iso3,decision\nDZA,join\n")
    out = tmp_path / "fit.yaml"
    res = invoke(runner, "fit", "--decisions", str(evil), "-o", str(out))
    assert res.exit_code == 1
    assert first_error(res) == (
        f"Error: {str(evil)!r}: should have a name without line breaks or control characters, "
        "but it has '\\n' (rename the file)"
    )
    assert not out.exists()


def test_a_folder_as_decisions_or_starter_criteria_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "d.csv"
    folder.mkdir()
    res = invoke(runner, "fit", "--decisions", str(folder))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {folder}: should be a spreadsheet file, but it is a folder"
    res = invoke(runner, "init", str(tmp_path / "new"), "-c", str(folder))
    assert res.exit_code == 1
    assert first_error(res) == f"Error: {folder}: should be a YAML file, but it is a folder"
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (merged_range_workbook, "merged range A10:XFD1048576 should lie within"),
        (entity_workbook, "part 'xl/sharedStrings.xml' should be plain XML, but it declares a document type (DTD)"),
        (lambda p: zip_bomb_workbook(p, megabytes=30), "should inflate at most 200-fold"),
    ],
)
def test_a_hostile_judgement_workbook_is_refused_before_it_is_loaded(tmp_path: Path, build, message: str) -> None:  # type: ignore[no-untyped-def]
    # report/sensitivity/weights --stakeholders loaded the workbook whole: the merged range took minutes and 3 GB
    from scorer.io.judgements import read_judgements

    path = build(tmp_path / "j.xlsx")
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        read_judgements(path, parse_criteria_text(SMALL_CRITERIA))
    assert time.perf_counter() - start < 5
    assert message in err.value.problems[0].message


def test_a_fifo_as_the_judgement_workbook_does_not_hang(tmp_path: Path) -> None:
    from scorer.io.judgements import read_judgements

    fifo = tmp_path / "j.xlsx"
    os.mkfifo(fifo)
    with pytest.raises(DataError) as err:
        read_judgements(fifo, parse_criteria_text(SMALL_CRITERIA))
    assert err.value.problems[0].format() == f"{fifo}: should be a judgement workbook, but it is a named pipe (FIFO)"


def test_validate_names_the_country_of_problem_rows_only(tmp_path: Path) -> None:
    # issue 16: every row's id was fuzzy-matched to a country name for the problem table (0.03 s a row: minutes
    # for 5,000 ids that name no country, when one cell had a problem)
    from scorer.prepare.validation import row_countries, validate_files

    lines = ["iso3,name,level,rate", *(f"R{i:05d},N{i},low,{i % 97}.5" for i in range(3000))]
    lines[2500] = "R02499,N2499,low,inf"
    sheet = write(tmp_path / "s.csv", "\n".join(lines) + "\n")
    crit = write(tmp_path / "c.yaml", PLAIN_CRITERIA)
    start = time.perf_counter()
    found = validate_files(sheet, crit)
    assert time.perf_counter() - start < 5
    assert dict(found.countries) == {2501: "R02499"}
    assert row_countries(read_countries(sheet), "iso3", rows={2, 3}) == {2: "R00000", 3: "R00001"}
