"""Time and peak memory of each hostile case of issue 16, as a Markdown table.

Run on demand: python benchmarks/hostile_cases.py [--quick] [--timeout 60]

Each case builds its input in a temporary folder (not timed), then runs the
whole `unct-scorer` process once, measuring wall time and the child's peak
resident memory (``os.wait4``). The target for every case: a clear error
(exit 1, or 2 for a usage error) or a correct result, within 5 s and 1 GB,
no traceback, and nothing left in the output folder. --quick uses smaller
bombs (the default sizes are those of the issue: a 960 MB sheet XML, 3 million
rows).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hostile_files import (  # noqa: E402
    entity_workbook,
    hidden_workbook,
    many_rows_workbook,
    merged_range_workbook,
    zip_bomb_workbook,
)

SMALL = """version: 1
name: small
criteria:
  engagement:
    label: Engagement
    cites: para. 11(1)
    weight: 2
    indicators:
      level: {column: level, normalisation: ordinal, levels: {none: 0, low: 1, high: 3}}
  interest:
    label: Interest
    cites: para. 11(3)
    weight: 1
    indicators:
      rate: {column: rate}
tiers:
  - {name: join, top: 1}
  - {name: consider, min_score: 0.4}
  - {name: not_now}
"""
SHEET = "iso3,name,level,rate\nAAA,Alpha,high,10\nBBB,Beta,low,30\nCCC,Gamma,none,20\n"


@dataclass
class Case:
    name: str
    build: Callable[[Path], list[str]]  # returns the CLI arguments
    env: dict[str, str] | None = None
    expect: tuple[int, ...] = (1,)


def _text(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def _crit(folder: Path, text: str = SMALL) -> str:
    return str(_text(folder, "c.yaml", text))


def _demo_stray(folder: Path) -> list[str]:
    from scorer.resources import demo_spreadsheet_path

    lines = demo_spreadsheet_path().read_text(encoding="utf-8").splitlines(keepends=True)
    lines[10] = lines[10].replace("Azerbaijan", '"Azerbaijan', 1)
    return ["rank", str(_text(folder, "demo.csv", "".join(lines))), "-o", str(folder / "out" / "r.csv")]


def _demo_unterminated(folder: Path) -> list[str]:
    from scorer.resources import demo_spreadsheet_path

    text = demo_spreadsheet_path().read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[-1] = lines[-1].replace(",", ',"', 1)
    return ["validate", str(_text(folder, "demo.csv", "".join(lines)))]


def _cell(value: str) -> Callable[[Path], list[str]]:
    return lambda f: ["validate", str(_text(f, "s.csv", SHEET.replace("30", value))), "-c", _crit(f)]


def _criteria(old: str, new: str) -> Callable[[Path], list[str]]:
    return lambda f: ["validate", str(_text(f, "s.csv", SHEET)), "-c", _crit(f, SMALL.replace(old, new, 1))]


def _mixed(folder: Path) -> list[str]:
    path = folder / "s.csv"
    path.write_bytes(SHEET.replace("Alpha", "Algérie").encode() + "DDD,Pérou,low,1\n".encode("latin-1"))
    return ["rank", str(path), "-c", _crit(folder)]


def _fifo(kind: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        fifo = folder / "pipe"
        os.mkfifo(fifo)
        return ["rank", str(fifo)] if kind == "sheet" else ["rank", "-c", str(fifo)]

    return build


def _device(device: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / "d.csv").symlink_to(device)
        return ["rank", str(folder / "d.csv")]

    return build


def _book(maker: Callable[..., Path], **kw: int | str) -> Callable[[Path], list[str]]:
    return lambda f: ["rank", str(maker(f / "w.xlsx", **kw)), "-c", _crit(f), "-o", str(f / "out" / "r.csv")]


def _readonly(folder: Path) -> list[str]:
    out = folder / "out"
    out.chmod(0o555)
    if os.geteuid() == 0:  # root writes through file modes: /sys refuses new files even to root
        return ["rank", "-o", "/sys/unct-scorer-r.csv"]
    return ["rank", "-o", str(out / "r.csv")]


def _bel(folder: Path) -> list[str]:
    sheet = _text(folder, "s.csv", SHEET.replace("Alpha", "Al\x07pha\x1b[2J"))
    return ["rank", str(sheet), "-c", _crit(folder), "-o", str(folder / "out" / "r.xlsx")]


def _init_under_file(folder: Path) -> list[str]:
    _text(folder, "file", "x")
    return ["init", str(folder / "file" / "new")]


def _dir_input(folder: Path) -> list[str]:
    (folder / "d.csv").mkdir()
    return ["rank", str(folder / "d.csv")]


def _newline_name(folder: Path) -> list[str]:
    path = _text(folder, "d.csv\nweights: {x: 1}", "iso3,name,decision\n")
    return ["fit", "--decisions", str(path), "-o", str(folder / "out" / "fit.yaml")]


def _plain(cell: str, rows: int = 5000, name: str = "N") -> Callable[[Path], list[str]]:
    """A plain CSV (the fast path: no quotes, every line the header's width) with one hostile cell in its middle."""

    def build(folder: Path) -> list[str]:
        lines = [
            "iso3,name,level,rate",
            "R99999,Algérie,low,1",
            *(f"R{i:05d},N{i},low,{i % 97}.5" for i in range(rows)),
        ]
        lines[rows // 2] = f"R{rows // 2 - 2:05d},{name},low,{cell}"  # the row it replaces keeps its id
        path = folder / "s.csv"
        path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
        return ["validate", str(path), "-c", _crit(folder)]

    return build


def _last_quote(folder: Path) -> list[str]:
    sheet = _text(folder, "s.csv", SHEET.rstrip("\n").replace(",20", ',"20'))
    return ["validate", str(sheet), "-c", _crit(folder)]


def _fix_over(target: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        sheet = _text(folder, "s.csv", SHEET.replace("high", "High"))
        (folder / "link.csv").symlink_to(sheet)
        (folder / "sub").mkdir()
        out = "/sys/unct-fixed.csv" if target == "read-only" else str(folder / target)
        return ["validate", str(sheet), "-c", _crit(folder), "--fix", out]

    return build


def _stakeholders(maker: Callable[..., Path], **kw: int) -> Callable[[Path], list[str]]:
    return lambda f: ["report", "--stakeholders", str(maker(f / "j.xlsx", **kw)), "-o", str(f / "out" / "r.html")]


def _fifo_judgements(folder: Path) -> list[str]:
    os.mkfifo(folder / "j.xlsx")
    return ["report", "--stakeholders", str(folder / "j.xlsx"), "-o", str(folder / "out" / "r.html")]


def _territories(rows: int, *, close: bool, unknown: bool = False) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        lines = ["iso3,name,level,rate,via"]
        for i in range(rows):
            via = "ZZZ" if unknown and i == 0 else f"R{(i + 1) % rows:05d}" if close or i < rows - 1 else ""
            lines.append(f"R{i:05d},N{i},low,{'' if i < rows - 1 else 5},{via}")
        crit = SMALL.replace("tiers:", "territory_rule: {column: via, indicators: [rate]}\ntiers:")
        return ["rank", str(_text(folder, "s.csv", "\n".join(lines) + "\n")), "-c", _crit(folder, crit)]

    return build


def cases(quick: bool) -> list[Case]:
    bomb_mb = 30 if quick else 960
    rows = 300_000 if quick else 3_000_000
    return [
        Case("stray quote, demo row 11 (rank -o)", _demo_stray),
        Case("unterminated quote, demo last row (validate)", _demo_unterminated),
        Case("cell 1e400 (validate)", _cell("1e400")),
        Case("cell with 5,000 digits (validate)", _cell("9" * 5000)),
        Case("criteria weight .inf", _criteria("weight: 2", "weight: .inf")),
        Case("criteria min_score .nan", _criteria("min_score: 0.4", "min_score: .nan")),
        Case("criteria bounds [0, .nan]", _criteria("rate: {column: rate}", "rate: {column: rate, bounds: [0, .nan]}")),
        Case(
            "criteria eligibility min .nan", _criteria("tiers:", "eligibility:\n  - {column: rate, min: .nan}\ntiers:")
        ),
        Case("criteria integer of 5,000 digits", _criteria("weight: 2", "weight: " + "9" * 5000)),
        Case("criteria YAML nested 500 levels", lambda f: ["rank", "-c", _crit(f, "a: " + "[" * 500 + "]" * 500)]),
        Case("mixed UTF-8 and Latin-1", _mixed),
        Case("UNCT_SCORER_MAX_ROWS=200k", lambda f: ["rank"], env={"UNCT_SCORER_MAX_ROWS": "200k"}),
        Case("all sheets hidden (note, ranks)", _book(hidden_workbook), expect=(0,)),
        Case("5 KB xlsx, merged A10:XFD1048576", _book(merged_range_workbook)),
        Case(f"xlsx zip bomb ({bomb_mb} MB sheet XML)", _book(zip_bomb_workbook, megabytes=bomb_mb)),
        Case(f"xlsx with {rows:,} rows", _book(many_rows_workbook, rows=rows)),
        Case("xlsx with XML entities", _book(entity_workbook)),
        Case("FIFO as the sheet", _fifo("sheet")),
        Case("FIFO as the criteria", _fifo("criteria")),
        Case("/dev/zero as the sheet", _device("/dev/zero")),
        Case("/dev/urandom as the sheet", _device("/dev/urandom")),
        Case("folder as the sheet", _dir_input),
        Case("--budget nan", lambda f: ["select", "--budget", "nan"], expect=(2,)),
        Case("--default-cost nan", lambda f: ["select", "--budget", "9", "--default-cost", "nan"], expect=(2,)),
        Case("BEL/ESC in a cell, -o .xlsx", _bel, expect=(0,)),
        Case("read-only output folder", _readonly),
        Case("init under a path that is a file", _init_under_file),
        Case("newline in --decisions file name (fit -o)", _newline_name),
        Case("unknown output suffix (-o r.xslx)", lambda f: ["rank", "-o", str(f / "out" / "r.xslx")]),
        Case("plain CSV, 5,000 rows, cell 'inf'", _plain("inf")),
        Case("plain CSV, 5,000 rows, cell 1e400", _plain("1e400")),
        Case("plain CSV, 5,000 rows, one field too many", _plain("5,7")),
        Case("plain CSV, 5,000 rows, stray quote", _plain('"5')),
        Case("plain CSV, unterminated quote in the last cell", _last_quote),
        Case("plain CSV, 5,000 rows, NUL byte", _plain("5\x00")),
        Case("plain CSV, 5,000 rows, one Latin-1 line among UTF-8", _plain("5", name="P\udce9rou")),
        Case("validate --fix OUT = the input", _fix_over("s.csv")),
        Case("validate --fix OUT = a symlink to the input", _fix_over("link.csv")),
        Case("validate --fix OUT = sub/../input", _fix_over("sub/../s.csv")),
        Case("validate --fix OUT in a read-only folder", _fix_over("read-only")),
        Case("report --stakeholders: merged-range workbook", _stakeholders(merged_range_workbook)),
        Case(f"report --stakeholders: zip bomb ({bomb_mb} MB)", _stakeholders(zip_bomb_workbook, megabytes=bomb_mb)),
        Case("report --stakeholders: XML entities", _stakeholders(entity_workbook)),
        Case("report --stakeholders: a FIFO", _fifo_judgements),
        Case("territory_rule: state not a row", _territories(50, close=False, unknown=True)),
        Case("territory_rule: circle of 3,000 rows", _territories(3000, close=True)),
        Case("territory_rule: chain of 20,000 rows", _territories(20_000, close=False)),
    ]


def build_case(index: int, quick: bool, folder: Path) -> None:
    """Build one case's input (in a child process, so the benchmark itself stays small) and print its arguments."""
    case = cases(quick)[index]
    args = case.build(folder)
    print(json.dumps(args))


def run_case(index: int, case: Case, timeout: float, quick: bool) -> tuple[str, int | None, float, float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "out").mkdir()
        built = subprocess.run(
            [sys.executable, __file__, "--build", str(index), str(folder), *(["--quick"] if quick else [])],
            capture_output=True,
            text=True,
            check=True,
        )
        args = json.loads(built.stdout)
        env = {**os.environ, **(case.env or {})}
        errors = (folder / "stderr.txt").open("w+b")  # a file, not a pipe: 6,000 problem lines fill a pipe's buffer
        start = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "scorer", *args],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        deadline = start + timeout
        status = rusage = None
        while time.perf_counter() < deadline:
            pid, status, rusage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.02)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
            _pid, status, rusage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        errors.seek(0)
        err = errors.read().decode(errors="replace")
        errors.close()
        code = os.waitstatus_to_exitcode(status) if status is not None else None
        peak_mb = (rusage.ru_maxrss / 1024) if rusage is not None else float("nan")
        (folder / "out").chmod(0o755)
        left = sorted(p.name for p in (folder / "out").iterdir())
        lines = err.splitlines()
        first = next((line for line in lines if line.startswith(("Error", "Note"))), err[:80])
        if first.startswith(("1 problem", "Error: 1 problem")):
            first = next((line.strip() for line in lines if "should" in line), first)
        verdict = "ok" if code in case.expect and "Traceback" not in err and (code == 0 or not left) else "FAIL"
        if left and code != 0:
            first += f" [left: {', '.join(left)}]"
        return verdict, code, seconds, peak_mb, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller bombs")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--build", nargs=2, metavar=("INDEX", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_case(int(args.build[0]), args.quick, Path(args.build[1]))
        return
    print("| case | outcome | exit | time (s) | peak memory (MB) | first line |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for index, case in enumerate(cases(args.quick)):
        verdict, code, seconds, peak, first = run_case(index, case, args.timeout, args.quick)
        shown = first.replace("|", "\\|").replace("\n", " ")[:160]
        print(f"| {case.name} | {verdict} | {code} | {seconds:.2f} | {peak:.0f} | {shown} |", flush=True)


if __name__ == "__main__":
    main()
