"""Validation as a library function, and error codes as one enumeration (issue 10, item 10).

Codes and locations are asserted first; one golden test pins the full wording.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SMALL_CRITERIA, SMALL_SHEET, write

import scorer
from scorer.cli import main
from scorer.errors import Category, ErrorCode, default_fix
from scorer.prepare.validation import validate_files

CODE = re.compile(r"^(config|data|scoring|selection|output)\.[a-z_]+$")


def _codes_in_source() -> dict[str, str]:
    """Every literal code given to a Problem (first argument or code=) in the package, with one file using it."""
    found: dict[str, str] = {}
    for path in Path(scorer.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            values = [node.args[0]] if name == "Problem" and node.args else []
            values += [k.value for k in node.keywords if k.arg == "code"]
            for v in values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str) and CODE.match(v.value):
                    found.setdefault(v.value, path.name)
    return found


def test_every_code_the_package_raises_is_in_the_enumeration() -> None:
    missing = {code: where for code, where in _codes_in_source().items() if code not in set(ErrorCode)}
    assert missing == {}


def test_each_code_has_a_category_and_a_default_fix() -> None:
    for code in ErrorCode:
        assert code.category is Category(code.value.split(".")[0])
        assert code.fix
    assert ErrorCode.data_duplicate_id.fix == "keep one row per country"
    assert default_fix("selection.nothing_like_it") == "change the selection's limits or groups"


def _bad_sheet(folder: Path) -> Path:
    text = SMALL_SHEET.replace("BBB,Beta,low,no,30,1", "BBB,Beta,lowish,no,thirty,1").replace("CCC,Gamma", "AAA,Gamma")
    return write(folder / "bad.csv", text)


def test_validate_collects_every_problem_with_its_code_and_location(tmp_path: Path) -> None:
    found = validate_files(_bad_sheet(tmp_path), write(tmp_path / "small.yaml", SMALL_CRITERIA))
    assert not found.ok and found.result is None
    located = sorted((p.code, p.row, p.column) for p in found.problems)
    assert ("data.duplicate_id", 4, "iso3") in located
    assert {(code, row) for code, row, _c in located} >= {("data.invalid_cell", 3)}
    fixes = found.table()["suggested fix"].tolist()
    assert all(fixes) and "keep one row per country" in fixes


def test_validate_cli_json_equals_the_library(tmp_path: Path) -> None:
    sheet, crit = _bad_sheet(tmp_path), write(tmp_path / "small.yaml", SMALL_CRITERIA)
    res = CliRunner().invoke(main, ["validate", str(sheet), "-c", str(crit), "--format", "json"])
    assert res.exit_code == 1
    assert json.loads(res.stdout) == validate_files(sheet, crit).records()


def test_a_clean_pair_is_ok_and_says_so_in_full(small: tuple[Path, Path]) -> None:
    found = validate_files(*small)
    assert found.ok and found.problems == ()
    assert found.lines() == ["OK: sheet.csv and small.yaml are valid; 4 rows read, 4 countries can be ranked."]


@pytest.mark.parametrize("code", ["data.invalid_cell", "output.exists"])
def test_golden_default_fixes(code: str) -> None:
    assert (
        default_fix(code)
        == {
            "data.invalid_cell": "correct the cell, or leave it blank if unknown",
            "output.exists": "choose another name, or pass --force to replace it",
        }[code]
    )
