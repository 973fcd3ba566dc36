"""Regressions found in review of the tuning, selection and report code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scorer.cli import main


def test_template_workbook_is_byte_reproducible(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # openpyxl stamps docProps/core.xml and every zip entry with the current time;
    # two identical runs must still give the same bytes, as every other .xlsx does.
    written = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        assert runner.invoke(main, ["template", "-o", "countries.xlsx"]).exit_code == 0
        written.append((tmp_path / name / "countries.xlsx").read_bytes())
        time.sleep(2.1 if name == "a" else 0)  # zip entry times have a 2-second resolution
    assert written[0] == written[1]
