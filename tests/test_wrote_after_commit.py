""" "Wrote X" is said only once X is in place: never for an output rolled back with its set (issue 16 item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scorer.cli import main
from scorer.errors import OutputError, Problem
from scorer.io import writer
from scorer.io.writer import output_transaction, when_written, write_bytes


def test_the_action_waits_for_the_commit(tmp_path: Path) -> None:
    said: list[str] = []
    with output_transaction():
        write_bytes(tmp_path / "a.txt", b"A", force=False)
        when_written(lambda: said.append("wrote a.txt"))
        assert said == [] and not (tmp_path / "a.txt").exists()
    assert said == ["wrote a.txt"] and (tmp_path / "a.txt").read_bytes() == b"A"


def test_a_rolled_back_set_says_nothing(tmp_path: Path) -> None:
    said: list[str] = []
    with pytest.raises(OutputError), output_transaction():
        write_bytes(tmp_path / "a.txt", b"A", force=False)
        when_written(lambda: said.append("wrote a.txt"))
        raise OutputError(Problem("output.write", "the second output failed", file="b.txt"))
    assert said == [] and not (tmp_path / "a.txt").exists()


def test_outside_a_transaction_it_runs_at_once() -> None:
    said: list[str] = []
    when_written(lambda: said.append("now"))
    assert said == ["now"]


def test_rank_does_not_say_wrote_when_the_rename_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: writer.OutputTransaction, item: object) -> None:
        raise OutputError(
            Problem("output.write", "cannot be put in place (disk full); nothing was written", file="r.csv")
        )

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(writer.OutputTransaction, "_place", refuse)
    res = CliRunner().invoke(main, ["rank", "-o", "r.csv"])
    assert res.exit_code == 1
    assert "Wrote" not in res.stderr
    assert res.stderr.splitlines()[-1] == "Error: r.csv: cannot be put in place (disk full); nothing was written"
    assert not (tmp_path / "r.csv").exists()


def test_rank_says_wrote_after_a_successful_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["rank", "-o", "r.csv"])
    assert res.exit_code == 0, res.stderr
    assert "Wrote r.csv" in res.stderr.splitlines()
    assert (tmp_path / "r.csv").exists()


def test_init_says_created_only_once_the_folder_is_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: writer.OutputTransaction, item: object) -> None:
        raise OutputError(Problem("output.write", "cannot be put in place (disk full); nothing was written", file="x"))

    monkeypatch.setattr(writer.OutputTransaction, "_place", refuse)
    res = CliRunner().invoke(main, ["init", str(tmp_path / "project")])
    assert res.exit_code == 1
    assert "Created" not in res.stderr and "Next:" not in res.stderr
    assert not (tmp_path / "project").exists()
