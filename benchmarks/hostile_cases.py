"""Time and peak memory of each hostile case of issue 16, as a Markdown table.

Run on demand: python benchmarks/hostile_cases.py [--quick] [--timeout 60] [--only TEXT]

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
import datetime as dt
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
    partial: bool = False  # exit 1 still writes the output (evidence: bad documents named, the rest read)


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


IDS = ("engagement", "representation", "government_interest")


def _judgements(
    cells: dict[str, object] | None = None,
    *,
    names: tuple[str, ...] = ("Ana", "Bo"),
    tweak: Callable[[object], None] | None = None,
    method: str = "ahp",
) -> Callable[[Path], list[str]]:
    """A judgement workbook from `template --judgements`, with cells typed into Ana's sheet, for `weights`."""

    def build(folder: Path) -> list[str]:
        from scorer.io.criteria_file import load_criteria
        from scorer.resources import default_criteria_path
        from scorer.starter.judgements import build_judgement_workbook

        wb = build_judgement_workbook(load_criteria(default_criteria_path()), list(names))
        for ref, value in (cells or {}).items():
            wb[names[0]][ref] = value
        if tweak is not None:
            tweak(wb)
        path = folder / "j.xlsx"
        wb.save(path)
        return ["weights", str(path), "--method", method, "-o", str(folder / "out" / "w.json")]

    return build


def _filled(wb: object, names: list[str]) -> None:
    scale = ["9", "5", "3", "1", "1/3", "1/5"]
    for i, name in enumerate(names):
        ws = wb[name]  # type: ignore[index]
        ws["C5"], ws["D5"], ws["D6"] = scale[i % 6], scale[(i // 6) % 6], scale[(i // 36) % 6]


def _hundred(folder: Path) -> list[str]:
    names = tuple(f"P{i:03d}" for i in range(100))
    return _judgements(names=names, tweak=lambda wb: _filled(wb, list(names)))(folder)


def _long_sheet(wb: object) -> None:
    _filled(wb, ["Ana", "Bo"])
    ws = wb["Ana"]  # type: ignore[index]
    for row in range(20, 10_020):
        ws.cell(row=row, column=1).value = f"note {row}"


def _rtl(wb: object) -> None:
    _filled(wb, ["Ana", "Bo"])
    wb["Ana"].title = "\u202e\u0623\u062d\u0645\u062f"  # type: ignore[index]


def _merged(wb: object) -> None:
    wb["Ana"].merge_cells("B5:D7")  # type: ignore[index]


def _same_names(folder: Path) -> list[str]:
    sub = folder / "people"
    sub.mkdir()
    for person in ("a", "b"):
        args = _judgements(tweak=lambda wb: _filled(wb, ["Ana", "Bo"]))(folder)
        Path(args[1]).rename(sub / f"{person}.xlsx")
    return ["weights", str(sub), "-o", str(folder / "out" / "w.json")]


def _renamed(content: bytes) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        (folder / "j.xlsx").write_bytes(content)
        return ["weights", str(folder / "j.xlsx"), "-o", str(folder / "out" / "w.json")]

    return build


def _judgement_bomb(megabytes: int) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        return ["weights", str(zip_bomb_workbook(folder / "j.xlsx", megabytes=megabytes))]

    return build


def _docs(write: Callable[[Path], None], *extra: str) -> Callable[[Path], list[str]]:
    """A folder holding Ghana's one good document and whatever ``write`` adds, for `evidence`."""

    def build(folder: Path) -> list[str]:
        from tests.evidence_docs import write_text

        docs = folder / "docs"
        docs.mkdir()
        write_text(docs / "GHA_cf.txt", [["Ghana 2023-2027"], ["Partners: UNDP, WIPO"]])
        write(docs)
        return ["evidence", str(docs), "-o", str(folder / "out" / "e.csv"), *[a.format(folder=folder) for a in extra]]

    return build


def _tiny(docs: Path) -> None:
    for i in range(10_000):
        (docs / f"KEN_{i:05d}.txt").write_bytes(b"WIPO")


def _sparse(docs: Path) -> None:
    with (docs / "KEN_cf.txt").open("wb") as fh:
        fh.truncate(200_000_000)


def _terms(megabytes: int) -> Callable[[Path], None]:
    def write(docs: Path) -> None:
        line = "intellectual property " * 4 + "\n"
        (docs / "KEN_cf.txt").write_text(line * (megabytes * 1_000_000 // len(line)), encoding="utf-8")

    return write


def _blank_pages(docs: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(10_000):
        writer.add_blank_page(width=72, height=72)
    writer.write(docs / "KEN_cf.pdf")


def _encrypted(docs: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    from tests.evidence_docs import write_pdf

    writer = PdfWriter(clone_from=PdfReader(write_pdf(docs / "KEN_cf.pdf", [["intellectual property"]])))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(docs / "KEN_cf.pdf")


def _damaged(docs: Path) -> None:
    from tests.evidence_docs import write_docx, write_pdf

    for path in (write_pdf(docs / "KEN_cf.pdf", [["patents"]]), write_docx(docs / "NGA_cf.docx", [["patents"]])):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


def _docx_bomb(megabytes: int) -> Callable[[Path], None]:
    def write(docs: Path) -> None:
        from tests.test_hostile_evidence import docx_bomb

        docx_bomb(docs / "KEN_cf.docx", megabytes)

    return write


def _shared_stream(pages: int, kilobytes: int) -> Callable[[Path], None]:
    def write(docs: Path) -> None:
        from tests.test_hostile_evidence import shared_stream_pdf

        shared_stream_pdf(docs / "KEN_cf.pdf", pages=pages, kilobytes=kilobytes)

    return write


def _links(docs: Path) -> None:
    (docs / "sub").mkdir()
    (docs / "sub" / "up").symlink_to(docs, target_is_directory=True)
    (docs / "x.pdf").symlink_to(docs / "y.pdf")
    (docs / "y.pdf").symlink_to(docs / "x.pdf")
    (docs / "KEN_cf.txt").symlink_to("/etc/hostname")
    os.mkfifo(docs / "NGA_cf.txt")
    (docs / "BRA_cf.txt").symlink_to("/dev/zero")


def _two_countries(docs: Path) -> None:
    from tests.evidence_docs import write_text

    write_text(docs / "Niger_Nigeria_CF.txt", [["Cooperation Framework"], ["intellectual property"]])
    write_text(docs / "Sudan and South Sudan.txt", [["Joint annex"], ["patents"]])


def _bad_mapping(docs: Path) -> None:
    (docs.parent / "map.csv").write_text("file,country\nGHA_cf.txt,Kenya\nGHA_cf.txt,Ghana\n,Peru\nx.txt,Congo\n")


def _languages(docs: Path) -> None:
    from tests.evidence_docs import write_text

    write_text(docs / "KEN_cf.txt", [["Kenya"], ["Outcome 1: the intellectual", "property office and WIPO."]])
    write_text(docs / "SEN_cf.txt", [["Sénégal"], ["Effet 1 : la propriété intel-", "lectuelle et l'OMPI."]])
    write_text(docs / "PER_cf.txt", [["Perú"], ["Resultado 1: la propiedad", "intelectual y la OMPI."]])
    write_text(docs / "EGY_cf.txt", [["مصر"], ["الملكية", "الفكرية والمنظمة العالمية للملكية الفكرية"]])
    write_text(docs / "CHN_cf.txt", [["中国"], ["知识", "产权与世界知识产权组织"]])
    write_text(docs / "RUS_cf.txt", [["Россия"], ["интеллектуальная", "собственность и ВОИС"]])


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
        *judgement_cases(bomb_mb),
        *evidence_cases(quick),
    ]


def judgement_cases(bomb_mb: int) -> list[Case]:
    """`weights` on hostile judgement workbooks (session 11)."""
    xls = b"\xd0\xcf\x11\xe0" + bytes(508)
    return [
        Case("weights: formula typed in a judgement cell", _judgements({"C5": "=3", "D5": "5", "D6": "2"})),
        Case("weights: reciprocal mismatch (C5 3, B6 3)", _judgements({"C5": "3", "B6": "3"})),
        Case("weights: judgement 0", _judgements({"C5": 0})),
        Case("weights: judgement -3", _judgements({"C5": -3})),
        Case("weights: judgement 1e308", _judgements({"C5": 1e308})),
        Case("weights: judgement of 5,000 digits", _judgements({"C5": "9" * 5000})),
        Case("weights: judgement typed as a date", _judgements({"C5": dt.datetime(2024, 1, 3)})),
        Case("weights: blank matrices", _judgements()),
        Case("weights: criterion renamed in the sheet", _judgements({"A5": "engagment"})),
        Case("weights: merged range over the matrix", _judgements({"C5": "3"}, tweak=_merged)),
        Case("weights: U+202E in a sheet name", _judgements(tweak=_rtl)),
        Case(
            "weights: points 1e308, 1e308, 0",
            _judgements({"D11": 1e308, "D12": 1e308, "D13": 0}, method="points"),
            expect=(0,),
        ),
        Case("weights: 100 stakeholders", _hundred, expect=(0,)),
        Case("weights: a 10,000-row stakeholder sheet", _judgements(tweak=_long_sheet), expect=(0,)),
        Case("weights: same sheet names in two files", _same_names, expect=(0,)),
        Case("weights: a PDF renamed .xlsx", _renamed(b"%PDF-1.7\n" + bytes(100))),
        Case("weights: an old .xls (or password) renamed .xlsx", _renamed(xls)),
        Case(f"weights: zip bomb ({bomb_mb} MB sheet XML)", _judgement_bomb(bomb_mb)),
    ]


def evidence_cases(quick: bool) -> list[Case]:
    """`evidence` on hostile document folders (session 11); bad documents are named, the rest still read."""
    bomb_mb = 30 if quick else 460
    return [
        Case(
            "evidence: empty folder",
            lambda f: ["evidence", str((f / "docs").mkdir() or f / "docs"), "-o", str(f / "out" / "e.csv")],
        ),
        Case("evidence: 10,000 tiny files", _docs(_tiny), expect=(0,)),
        Case("evidence: 200 MB file (sparse)", _docs(_sparse), partial=True),
        Case("evidence: 99 MB text of IP terms", _docs(_terms(99)), partial=True),
        Case("evidence: PDF of 10,000 pages", _docs(_blank_pages), partial=True),
        Case("evidence: PDF encrypted with a password", _docs(_encrypted), partial=True),
        Case("evidence: damaged PDF and DOCX", _docs(_damaged), partial=True),
        Case(f"evidence: DOCX zip bomb ({bomb_mb} MB)", _docs(_docx_bomb(bomb_mb)), partial=True),
        Case("evidence: PDF, 200 pages drawing one 2 MB stream", _docs(_shared_stream(200, 2000)), partial=True),
        Case("evidence: link loops, FIFO, device, link out", _docs(_links), partial=True),
        Case("evidence: file names naming two countries", _docs(_two_countries), partial=True),
        Case("evidence: mapping file with errors", _docs(_bad_mapping, "--countries", "{folder}/map.csv")),
        Case("evidence: six UN languages, broken phrases", _docs(_languages), expect=(0,)),
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
        clean = code == 0 or not left or case.partial
        verdict = "ok" if code in case.expect and "Traceback" not in err and clean else "FAIL"
        if left and code != 0:
            first += f" [left: {', '.join(left)}]"
        return verdict, code, seconds, peak_mb, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller bombs")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--only", metavar="TEXT", help="run only the cases whose name holds TEXT")
    parser.add_argument("--build", nargs=2, metavar=("INDEX", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_case(int(args.build[0]), args.quick, Path(args.build[1]))
        return
    print("| case | outcome | exit | time (s) | peak memory (MB) | first line |")
    print("| --- | --- | ---: | ---: | ---: | --- |")
    for index, case in enumerate(cases(args.quick)):
        if args.only and args.only not in case.name:
            continue
        verdict, code, seconds, peak, first = run_case(index, case, args.timeout, args.quick)
        shown = first.replace("|", "\\|").replace("\n", " ")[:160]
        print(f"| {case.name} | {verdict} | {code} | {seconds:.2f} | {peak:.0f} | {shown} |", flush=True)


if __name__ == "__main__":
    main()
