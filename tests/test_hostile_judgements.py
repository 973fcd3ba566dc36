"""Hostile judgement workbooks for `unct-scorer weights`: each ends in one located line, exit 1, or a correct result.

Each test here failed before the fix it names: a formula typed in a judgement
cell was dropped without a word, a merged range silently emptied the matrix, a
right-to-left override in a sheet name reversed the figures printed after it,
points near 1e308 overflowed into a wrong "all 0" error with a NumPy warning,
100 stakeholders filled stderr with pandas warnings, and a 5,000-digit cell
was echoed whole.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from elicitation_helpers import fill_sheet

from scorer.cli import main
from scorer.elicitation.base import normalise_weights
from scorer.elicitation.direct import points_weights

IDS = ["engagement", "representation", "government_interest"]
E, R, G = IDS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "j.xlsx"
    code, _out, err = run("template", "--judgements", "--stakeholder", "Ana", "--stakeholder", "Bo", "-o", str(path))
    assert code == 0, err
    return path


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_a_formula_typed_in_a_judgement_cell_is_named(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, cells={"C5": "=3", "D5": "5", "D6": "2"})
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert errors(err) == [
        f"Error: {workbook}: sheet 'Ana': cell C5: (engagement vs representation) should be a value typed from "
        "Saaty's scale (9, 8, ..., 1, 1/2, ..., 1/9), but it is the formula '=3' (its result is not stored for "
        "reading); type the value"
    ]


def test_the_templates_reciprocal_formulas_below_the_diagonal_are_still_read(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3", (E, G): "5", (R, G): "2"})
    code, out, err = run("weights", str(workbook), "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1].startswith("Ana,0.648")


def test_merged_cells_over_the_matrix_are_named(workbook: Path) -> None:
    from openpyxl import load_workbook

    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3"})
    wb = load_workbook(workbook)
    wb["Ana"].merge_cells("B5:D7")
    wb.save(workbook)
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert errors(err) == [
        f"Error: {workbook}: sheet 'Ana': cell B5:D7: should be separate cells (each judgement needs its own), "
        "but they are merged; unmerge them"
    ]


def test_a_merge_away_from_the_cells_read_is_fine(workbook: Path) -> None:
    from openpyxl import load_workbook

    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3", (E, G): "5", (R, G): "2"})
    wb = load_workbook(workbook)
    wb["Ana"].merge_cells("A1:F1")  # the title row
    wb["Ana"].merge_cells("H20:J30")
    wb.save(workbook)
    code, _out, err = run("weights", str(workbook))
    assert code == 0, err


def test_a_right_to_left_override_in_a_sheet_name_is_refused(workbook: Path) -> None:
    from openpyxl import load_workbook

    fill_sheet(workbook, "Ana", IDS, pairwise={(E, R): "3", (E, G): "5", (R, G): "2"})
    wb = load_workbook(workbook)
    wb["Ana"].title = "\u202eأحمد"
    wb.save(workbook)
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert errors(err) == [
        f"Error: {workbook}: sheet '\\u202eأحمد': should have a name without control or text-direction characters "
        "(it names the stakeholder in every output), but it has U+202E; rename the sheet"
    ]


def test_arabic_and_hebrew_stakeholder_names_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "j.xlsx"
    code, _out, err = run(
        "template", "--judgements", "--stakeholder", "أحمد", "--stakeholder", "עברית", "-o", str(path)
    )
    assert code == 0, err
    fill_sheet(path, "أحمد", IDS, pairwise={(E, R): "3", (E, G): "5", (R, G): "2"})
    fill_sheet(path, "עברית", IDS, pairwise={(E, R): "1/3", (E, G): "5", (R, G): "2"})
    code, out, err = run("weights", str(path), "--format", "csv")
    assert code == 0, err
    assert [line.split(",")[0] for line in out.splitlines()[1:3]] == ["أحمد", "עברית"]


def test_template_refuses_unsafe_and_reserved_stakeholder_names(tmp_path: Path) -> None:
    code, _out, err = run(
        "template",
        "--judgements",
        "--stakeholder",
        "group",
        "--stakeholder",
        "A\u202eB",
        "-o",
        str(tmp_path / "j.xlsx"),
    )
    assert code == 1
    assert errors(err)[1:] == [
        "Error: --stakeholder: stakeholder name should not be 'group' (a reserved sheet name)",
        "Error: --stakeholder: stakeholder name should have no control or text-direction characters, "
        "but 'A\\u202eB' has U+202E",
    ]
    assert not (tmp_path / "j.xlsx").exists()


def test_a_sheet_named_like_the_group_row_is_located(workbook: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    wb["Ana"].title = "compromise"
    wb.save(workbook)
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    assert errors(err) == [
        f"Error: {workbook}: sheet 'compromise': should not be called 'compromise' (the outputs use it for a row "
        "or column); rename the sheet"
    ]


def test_the_workbook_reserves_the_names_the_committee_tables_use() -> None:
    from scorer.elicitation.group import RESERVED
    from scorer.starter.judgements import RESERVED_NAMES

    assert set(RESERVED_NAMES) == RESERVED


def test_points_near_the_largest_float_give_their_ratios_not_an_overflow(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, points={E: 1e308, R: 1e308, G: 0})
    code, out, err = run("weights", str(workbook), "--method", "points", "--format", "csv")
    assert code == 0, err
    assert "RuntimeWarning" not in err
    assert out.splitlines()[1].startswith("Ana,0.5,0.5,0,")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert normalise_weights([1e308, 1e308, 0]).tolist() == [0.5, 0.5, 0.0]
        assert points_weights(IDS, {E: 1e308, R: 1e308, G: 1e307}).weights.tolist() == pytest.approx(
            [10 / 21, 10 / 21, 1 / 21]
        )


def test_long_cell_values_are_clipped_in_messages(workbook: Path) -> None:
    fill_sheet(workbook, "Ana", IDS, cells={"C5": "9" * 5000, "D5": 1e308})
    code, _out, err = run("weights", str(workbook))
    assert code == 1
    prefix = f"Error: {workbook}: sheet 'Ana': "
    scale = "should be on Saaty's scale from 1/9 to 9 (9, 8, ..., 1, 1/2, ..., 1/9), but it is"
    assert errors(err)[1:] == [
        f"{prefix}cell C5: (engagement vs representation) {scale} '{'9' * 40}…' (5,000 characters)",
        f"{prefix}cell D5: (engagement vs government_interest) {scale} a number of 309 digits",
    ]


def test_a_hundred_stakeholders_print_no_pandas_warnings(tmp_path: Path) -> None:
    names = [f"P{i:03d}" for i in range(100)]
    path = tmp_path / "j.xlsx"
    code, _out, err = run(
        "template", "--judgements", *(a for n in names for a in ("--stakeholder", n)), "-o", str(path)
    )
    assert code == 0, err
    from openpyxl import load_workbook

    wb = load_workbook(path)
    scale = ["9", "5", "3", "1", "1/3", "1/5"]
    for i, name in enumerate(names):
        ws = wb[name]
        ws["C5"], ws["D5"], ws["D6"] = scale[i % 6], scale[(i // 6) % 6], scale[(i // 36) % 6]
    wb.save(path)
    from pandas.errors import PerformanceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", PerformanceWarning)  # it reached stderr before, once per table
        code, out, err = run("weights", str(path), "--hull-draws", "0", "--format", "json")
    assert code == 0, err
    assert out.count('"stakeholder": "P0') == 3 * 100  # weights, distances and disagreement rows


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"%PDF-1.4 not a workbook", "it is a PDF"),
        (b"iso3,name\nKEN,Kenya\n", "it is not one (an .xlsx file is a zip archive; was another file renamed?)"),
        (
            b"\xd0\xcf\x11\xe0" + bytes(60),
            "it is an old .xls file or a workbook protected by a password; save it as .xlsx without a password",
        ),
        (b"", "it is empty"),
    ],
)
def test_a_file_that_is_not_a_workbook_says_why(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(content)
    code, _out, err = run("weights", str(path))
    assert code == 1
    assert errors(err) == [f"Error: {path}: should be an .xlsx workbook, but {reason}"]


def test_a_refused_judgement_sheet_is_named_by_its_title_not_its_zip_part(tmp_path: Path) -> None:
    from tests.hostile_files import merged_range_workbook

    book = merged_range_workbook(tmp_path / "j.xlsx")
    code, _out, err = run("weights", str(book))
    assert code == 1
    assert errors(err) == [
        f"Error: {book}: sheet 'Data': merged range A10:XFD1048576 should lie within 100,030 rows and 1,000 "
        "columns, but it reaches row 1,048,576, column 16,384 (set UNCT_SCORER_MAX_ROWS to a larger number if this "
        "is intended)"
    ]
