"""The data-quality output says how many rows were read: terminal, validate, JSON and the report (issue 16 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.resources import demo_spreadsheet_path


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo's header, first 30 rows and its 3 state rows (GBR, NLD, NZL, the territories' states): 33 read."""
    monkeypatch.chdir(tmp_path)
    lines = demo_spreadsheet_path().read_text(encoding="utf-8").splitlines()
    (tmp_path / "s.csv").write_text("\n".join(lines[:31] + lines[-3:]) + "\n", encoding="utf-8")
    return tmp_path


def test_rank_verbose_and_json_state_rows_read(small: Path) -> None:
    res = CliRunner().invoke(main, ["-v", "rank", "s.csv", "-o", "r.json"])
    assert res.exit_code == 0, res.stderr
    quality = [line for line in res.stderr.splitlines() if line.startswith("Data quality:")]
    assert quality and quality[0].startswith("Data quality: 33 rows read, ")
    assert json.loads((small / "r.json").read_text(encoding="utf-8"))["rows_read"] == 33


def test_validate_states_rows_read(small: Path) -> None:
    res = CliRunner().invoke(main, ["validate", "s.csv"])
    assert res.exit_code == 0, res.stderr
    assert "; 33 rows read, " in res.stdout


def test_the_report_states_rows_read(small: Path) -> None:
    res = CliRunner().invoke(main, ["-q", "report", "s.csv", "-o", "r.html", "--draws", "200"])
    assert res.exit_code == 0, res.stderr
    assert "Rows read: 33 data rows from the spreadsheet" in (small / "r.html").read_text(encoding="utf-8")
