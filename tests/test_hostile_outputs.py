"""All-or-nothing outputs under faults and races (issue 16): old file or new file, never a mix, never debris."""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import scorer.io.writer as writer_module
from scorer.cli import main
from scorer.errors import OutputError
from scorer.io.outputs import output_transaction, write_text, write_workbook
from tests.conftest import SMALL_CRITERIA, SMALL_SHEET, write

REPO = Path(__file__).resolve().parents[1]


def invoke(runner: CliRunner, *args: str):  # type: ignore[no-untyped-def]
    res = runner.invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in res.output and "internal error" not in res.output
    return res


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_failure_after_one_output_leaves_nothing_new_and_keeps_the_forced_file(tmp_path: Path) -> None:
    kept = write(tmp_path / "kept.md", "old\n")
    with pytest.raises(OutputError), output_transaction():
        write_text(tmp_path / "a.csv", "new\n", force=False)
        write_text(kept, "replaced\n", force=True)
        write_text(tmp_path / "missing" / "b.csv", "x\n", force=False)
    assert names(tmp_path) == {"kept.md"}
    assert kept.read_text(encoding="utf-8") == "old\n"


def test_outputs_appear_only_when_the_block_ends(tmp_path: Path) -> None:
    with output_transaction():
        write_text(tmp_path / "a.csv", "a\n", force=False)
        write_text(tmp_path / "b.csv", "b\n", force=False)
        assert names(tmp_path) == set()
    assert names(tmp_path) == {"a.csv", "b.csv"}


def test_a_name_written_twice_by_one_command_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as err, output_transaction():
        write_text(tmp_path / "a.csv", "a\n", force=True)
        write_text(tmp_path / "a.csv", "b\n", force=True)
    assert err.value.lines() == [f"{tmp_path / 'a.csv'}: should be named once, but this command writes it twice"]
    assert names(tmp_path) == set()


def test_two_racing_writers_end_with_one_success_and_one_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def run(label: str) -> None:
        try:
            with output_transaction():
                write_text(target, f"{label}\n", force=False)
                barrier.wait(timeout=10)  # both have passed the existence check; now both try to claim
        except OutputError as exc:
            outcomes[label] = exc.lines()[0]
        else:
            outcomes[label] = "ok"

    threads = [threading.Thread(target=run, args=(label,)) for label in ("first", "second")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == sorted(
        ["ok", f"{target}: already exists (another process wrote it meanwhile); use --force to replace it"]
    )
    winner = next(label for label, outcome in outcomes.items() if outcome == "ok")
    assert target.read_text(encoding="utf-8") == f"{winner}\n"
    assert names(tmp_path) == {"out.csv"}


def test_two_racing_processes_one_wins(tmp_path: Path) -> None:
    sheet, crit = write(tmp_path / "s.csv", SMALL_SHEET), write(tmp_path / "c.yaml", SMALL_CRITERIA)
    target = tmp_path / "out.csv"
    code = textwrap.dedent(
        f"""
        import sys, time
        from scorer.cli import main
        import scorer.io.writer as w
        commit = w.OutputTransaction.commit
        def slow_commit(self):
            time.sleep(0.5)  # both processes pass the existence check before either claims the name
            commit(self)
        w.OutputTransaction.commit = slow_commit
        main(["rank", {str(sheet)!r}, "-c", {str(crit)!r}, "-o", {str(target)!r}])
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True, cwd=REPO) for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
    assert sorted(rc for rc, _ in results) == [0, 1]
    error = next(err for rc, err in results if rc == 1)
    # the loser either finds the name taken when it checks, or loses the claim at the end: a clear error either way
    assert f"Error: {target}" in error and ": already exists" in error
    assert "Traceback" not in error
    assert {"s.csv", "c.yaml", "out.csv"} <= names(tmp_path)
    assert all(name.startswith(("s.csv", "c.yaml", "out.csv")) for name in names(tmp_path))


def test_an_unknown_suffix_is_refused_not_written_as_xlsx(runner: CliRunner, tmp_path: Path) -> None:
    res = invoke(runner, "rank", "-o", str(tmp_path / "out.xslx"))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (
        f"Error: {tmp_path / 'out.xslx'}: should end in one of .csv, .xlsx, .json, .md, but it ends in '.xslx'"
    )
    import pandas as pd

    with pytest.raises(OutputError):
        write_workbook(tmp_path / "book.csv", {"A": pd.DataFrame({"x": [1]})}, force=False)
    assert names(tmp_path) == set()


def test_bel_and_esc_in_a_cell_are_written_visibly_to_xlsx(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = write(tmp_path / "s.csv", SMALL_SHEET.replace("Alpha", "Al\x07pha\x1b[2J"))
    crit = write(tmp_path / "c.yaml", SMALL_CRITERIA)
    res = invoke(runner, "rank", str(sheet), "-c", str(crit), "-o", str(tmp_path / "r.xlsx"))
    assert res.exit_code == 0
    assert "\x1b" not in res.stdout and "Al␇pha␛[2J" in res.stdout
    ws = load_workbook(tmp_path / "r.xlsx", read_only=True)["Ranking"]
    assert "Al␇pha␛[2J" in [c for row in ws.iter_rows(values_only=True) for c in row]


def test_a_folder_that_refuses_writing_is_a_located_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_item: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(writer_module, "_open_temporary", refuse)
    res = invoke(runner, "rank", "-o", str(tmp_path / "r.json"))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (
        f"Error: {tmp_path / 'r.json'}: cannot be written in its folder (permission denied)"
    )
    assert names(tmp_path) == set()


def test_a_second_output_failing_removes_the_first(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = writer_module._open_temporary

    def full_for_xlsx(item: writer_module._Staged) -> None:
        if item.target.suffix == ".xlsx":
            raise OSError(errno.ENOSPC, "No space left on device")
        opened(item)

    monkeypatch.setattr(writer_module, "_open_temporary", full_for_xlsx)
    res = invoke(runner, "report", "-o", str(tmp_path / "r.html"), "-o", str(tmp_path / "r.xlsx"))
    assert res.exit_code == 1
    assert [line for line in res.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: {tmp_path / 'r.xlsx'}: cannot be written in its folder (no space left on the device)"
    ]
    assert names(tmp_path) == set()


def test_init_under_a_file_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    blocker = write(tmp_path / "file", "x")
    res = invoke(runner, "init", str(blocker / "new"))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == (
        f"Error: {blocker / 'new'}: should be a folder (or a new name), but {str(blocker)!r} above it is a file"
    )
    assert names(tmp_path) == {"file"}


def test_init_failing_leaves_no_folder(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened = writer_module._open_temporary

    def full_for_howto(item: writer_module._Staged) -> None:
        if item.target.name == "HOW-TO.md":
            raise OSError(errno.ENOSPC, "No space left on device")
        opened(item)

    monkeypatch.setattr(writer_module, "_open_temporary", full_for_howto)
    res = invoke(runner, "init", str(tmp_path / "a" / "b"))
    assert res.exit_code == 1
    assert names(tmp_path) == set()


# --- processes killed, file-size limits -----------------------------------------------------------------------------

KILL_SCRIPT = """
import sys
from pathlib import Path
from scorer.io.outputs import write_text
target = Path(sys.argv[1])
print("ready", flush=True)
for i in range(10_000):
    body = "".join(f"{i},{j},{'x' * 40}\\n" for j in range(60_000))
    write_text(target, body + f"end,{i}\\n", force=True)
"""


def _complete(text: str) -> bool:
    lines = text.splitlines()
    return len(lines) == 60_001 and lines[-1].startswith("end,") and lines[0].split(",")[0] == lines[-1].split(",")[1]


def kill_at_random(folder: Path, kills: int, sig: int, seed: int) -> None:
    rng = random.Random(seed)
    target = folder / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO
        )
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0.0, 0.5))  # each write takes tens of ms: a kill lands mid-write
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err
        text = target.read_text(encoding="utf-8")
        assert text == "old\n" or _complete(text)
        left = names(folder) - {"out.csv"}
        if sig == signal.SIGKILL:
            # kill -9 cannot be caught: between naming a temporary and renaming it (two system calls) it can leave
            # one hidden .out.csv.PID....tmp, which the next write of out.csv removes (its process is gone)
            assert all(n.startswith(f".out.csv.{proc.pid}.") and n.endswith(".tmp") for n in left), left
            write_text(target, text, force=True)
            left = names(folder) - {"out.csv"}
        assert not left, left


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_process_killed_leaves_the_old_or_the_new_file(tmp_path: Path, sig: int) -> None:
    kill_at_random(tmp_path, kills=2, sig=sig, seed=sig)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGHUP])
def test_many_random_kills_leave_the_old_or_the_new_file(tmp_path: Path, sig: int) -> None:
    kill_at_random(tmp_path, kills=40, sig=sig, seed=16 + sig)


FSIZE_SCRIPT = """
import json, resource, sys
from click.testing import CliRunner
from scorer.cli import main
resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))
folder = sys.argv[1]
out = {}
runs = {
    "csv": ["rank", "-o", f"{folder}/r.csv"],
    "json": ["rank", "-o", f"{folder}/r.json"],
    "md": ["rank", "-o", f"{folder}/r.md"],
    "xlsx": ["rank", "-o", f"{folder}/r.xlsx"],
    "html": ["report", "-o", f"{folder}/r.html"],
    "html+xlsx": ["report", "-o", f"{folder}/s.md", "-o", f"{folder}/s.xlsx"],
    "template": ["template", "-o", f"{folder}/t.xlsx"],
    "init": ["init", f"{folder}/starter"],
}
for kind, args in runs.items():
    res = CliRunner().invoke(main, args)
    out[kind] = [res.exit_code, res.stderr]
print(json.dumps(out))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_file_size_limit_fails_every_output_kind_cleanly(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", FSIZE_SCRIPT, str(tmp_path)], capture_output=True, text=True, cwd=REPO, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr
    results = json.loads(proc.stdout)
    for kind, (code, err) in results.items():
        assert code == 1, (kind, err)
        first = err.splitlines()[0]
        assert first.startswith("Error: ") and "file too large for this system's limit (ulimit -f)" in first, first
    assert names(tmp_path) == set()


def test_sigterm_while_computing_removes_pending_outputs(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from scorer.io.outputs import output_transaction, write_text
        with output_transaction():
            write_text(Path({str(tmp_path / "a.csv")!r}), "a\\n", force=False)
            print("staged", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    assert proc.stdout is not None and proc.stdout.readline() == b"staged\n"
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
    assert err.decode().strip() == f"Error: stopped by signal {int(signal.SIGTERM)}; no output was written"
    assert names(tmp_path) == set()


def test_outputs_keep_the_umask_mode(tmp_path: Path) -> None:
    write_text(tmp_path / "a.csv", "a\n", force=False)
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "a.csv").stat().st_mode & 0o777 == 0o666 & ~umask


def test_report_with_plots_but_no_matplotlib_leaves_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    res = invoke(runner, "report", "-o", str(tmp_path / "r.html"), "--plots", str(tmp_path / "charts"))
    assert res.exit_code == 1
    assert [line for line in res.stderr.splitlines() if line.startswith("Error:")] == [
        "Error: charts need matplotlib, but it is not installed (pip install 'unct-scorer[plots]')"
    ]
    assert names(tmp_path) == set()


def test_a_signal_during_commit_takes_effect_after_the_outputs_are_in_place(tmp_path: Path) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import scorer.io.writer as w
        from scorer.io.outputs import write_text
        place = w.OutputTransaction._place
        def place_then_signal(self, item):
            place(self, item)
            os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-commit: held until every output is in place
        w.OutputTransaction._place = place_then_signal
        from scorer.io.outputs import output_transaction
        with output_transaction():
            write_text(Path({str(tmp_path / "a.csv")!r}), "a\\n", force=False)
            write_text(Path({str(tmp_path / "b.csv")!r}), "b\\n", force=False)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert proc.stderr.strip() == f"Error: stopped by signal {int(signal.SIGTERM)}; after the outputs were written"
    assert names(tmp_path) == {"a.csv", "b.csv"}
    assert (tmp_path / "b.csv").read_text(encoding="utf-8") == "b\n"
