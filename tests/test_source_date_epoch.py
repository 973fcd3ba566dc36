"""SOURCE_DATE_EPOCH is checked at start-up: empty means unset, anything else must be a whole number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main


def test_an_empty_source_date_epoch_is_unset_and_scipy_imports(tmp_path: Path) -> None:
    # a fresh interpreter: NumPy's f2py reads the variable when SciPy is first imported, and int('') crashed
    # `select` (HiGHS through scipy.optimize.milp) with "internal error (ValueError: invalid literal for int()"
    env = {**os.environ, "SOURCE_DATE_EPOCH": ""}
    out = tmp_path / "chosen.json"
    code = "from scorer.cli import run; run()"
    done = subprocess.run(
        [sys.executable, "-c", code, "select", "--capacity", "10", "-o", str(out)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["chosen"]) == 10


@pytest.mark.parametrize("value", ["x", "1.5", "1700000000s"])
def test_a_source_date_epoch_that_is_not_a_whole_number_is_refused(value: str, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["rank"], env={"SOURCE_DATE_EPOCH": value})
    assert (res.exit_code, res.stderr) == (
        1,
        f"Error: SOURCE_DATE_EPOCH: should be a whole number of seconds since 1970, but it is {value!r}\n",
    )


def test_a_blank_source_date_epoch_is_removed_before_the_command_runs() -> None:
    res = CliRunner().invoke(main, ["rank", "--top", "3"], env={"SOURCE_DATE_EPOCH": "  "})
    assert res.exit_code == 0, res.stderr
