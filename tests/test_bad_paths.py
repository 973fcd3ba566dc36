"""A folder, a FIFO or an unreadable file where a file is due: the project's one-line error and exit 1, never 2.

Issue 16 item 10: click's ``Path(dir_okay=False)`` answered a folder with a usage error (exit 2); a bad file is
bad input (exit 1), reported by the readers and the writer with the file named.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.resources import default_criteria_path

CRITERIA = str(default_criteria_path())


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("d", "d.csv", "d.xlsx", "d.yaml", "d.png", "d.html"):
        (tmp_path / name).mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "cf.txt").write_text("Cooperation Framework", encoding="utf-8")
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    return tmp_path


CASES = [
    (["compare", "d", CRITERIA], "Error: d: should be a YAML file, but it is a folder"),
    (["compare", CRITERIA, CRITERIA, "-s", "d"], "Error: d: should be a spreadsheet file, but it is a folder"),
    (["evidence", "f.txt", "-o", "e.csv"], "Error: f.txt: should be a folder of documents, but it is a file"),
    (["evidence", "docs", "-o", "e.csv", "--terms", "d"], "Error: d: should be a term file, but it is a folder"),
    (["evidence", "docs", "-o", "e.csv", "--countries", "d"], "Error: d: should be a CSV file, but it is a folder"),
    (["evidence", "docs", "-o", "d.csv"], "Error: d.csv: should be a file name, but it is a folder"),
    (["template", "-c", "d", "-o", "t.xlsx"], "Error: d: should be a YAML file, but it is a folder"),
    (["template", "-o", "d.xlsx"], "Error: d.xlsx: should be a file name, but it is a folder"),
    (["weights", "--method", "entropy", "--data", "d"], "Error: d: should be a spreadsheet file, but it is a folder"),
    (["weights", "--method", "entropy", "-c", "d"], "Error: d: should be a YAML file, but it is a folder"),
    (["weights", "--method", "entropy", "-o", "d.csv"], "Error: d.csv: should be a file name, but it is a folder"),
    (["sweep", "engagement", "--plot", "d.png"], "Error: d.png: should be a file name, but it is a folder"),
    (["sweep", "engagement", "-c", "d"], "Error: d: should be a YAML file, but it is a folder"),
    (["rank", "--evidence", "d"], "Error: d: should be an evidence file, but it is a folder"),
    (["rank", "-o", "d.csv"], "Error: d.csv: should be a file name, but it is a folder"),
    (["report", "-o", "d.html"], "Error: d.html: should be a file name, but it is a folder"),
]


@pytest.mark.parametrize(("args", "error"), CASES, ids=[" ".join(a[:2]) + f" {i}" for i, (a, _e) in enumerate(CASES)])
def test_a_folder_as_a_file_is_bad_input(place: Path, args: list[str], error: str) -> None:
    res = CliRunner().invoke(main, ["-q", *args])
    assert res.exit_code == 1, res.output
    assert [line for line in res.stderr.splitlines() if line.startswith("Error:")] == [error]
    assert "Traceback" not in res.output
    assert not (place / "e.csv").exists() and not (place / "t.xlsx").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["compare", "p", CRITERIA], "a YAML file"),
        (["rank", "--evidence", "p"], "an evidence file"),
        (["evidence", "docs", "-o", "e.csv", "--terms", "p"], "a term file"),
    ],
)
def test_a_fifo_is_refused_without_blocking(place: Path, args: list[str], what: str) -> None:
    os.mkfifo(place / "p")
    res = CliRunner().invoke(main, ["-q", *args])
    assert res.exit_code == 1, res.output
    error = f"Error: p: should be {what}, but it is a named pipe (FIFO)"
    assert [line for line in res.stderr.splitlines() if line.startswith("Error:")] == [error]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file: needs an ordinary user")
def test_an_unreadable_file_is_bad_input(place: Path) -> None:
    secret = place / "secret.yaml"
    secret.write_text(Path(CRITERIA).read_text(encoding="utf-8"), encoding="utf-8")
    secret.chmod(0)
    res = CliRunner().invoke(main, ["-q", "compare", "secret.yaml", CRITERIA])
    assert res.exit_code == 1, res.output
    assert res.stderr.splitlines()[-1].startswith("Error: secret.yaml: should be a readable")
