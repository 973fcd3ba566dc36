"""Analyses past the demo: time and peak memory of each on made-up units (issue 18, target 4).

Run on demand: python benchmarks/bench_scale.py [--only stability,select,...] [--rows N]

Each case is the command a user types, run in a fresh child process (peak memory is the
child's maximum resident set, ``ru_maxrss``; times are its CPU time and the wall time), on a
sheet of made-up units (string ids that are not countries) with three criteria, like the demo's:

- ``stability`` on 10,000 units (target: within 2 GB and 60 s),
- ``select`` on 5,000 units (target: within 5 s),
- ``report --sensitivity`` and ``sensitivity`` on 10,000 units (target: within 2 GB each),
- a panel of 100,000 rows (25,000 units x 4 years) read and scored (target: linear in rows;
  also run at a quarter of the rows to show the ratio).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

CRITERIA = """name: scale
id_column: unit
criteria:
  a: {label: A, cites: bench, weight: 0.4, range: [0.2, 0.6], indicators: {xa: {column: xa, missing: mean}}}
  b:
    label: B
    cites: bench
    weight: 0.35
    range: [0.2, 0.5]
    indicators: {xb: {column: xb, missing: mean}, xc: {column: xc, missing: mean}}
  c: {label: C, cites: bench, weight: 0.25, range: [0.1, 0.4], indicators: {xd: {column: xd, missing: reweight}}}
tiers:
  - {name: join, top: 15}
  - {name: consider, min_score: 0.5}
  - {name: not_now}
"""


def write_sheet(folder: Path, units: int, *, years: int = 1, seed: int = 0) -> Path:
    """A CSV of ``units`` made-up units (``years`` rows each), four numeric indicators, some blanks."""
    rng = np.random.default_rng(seed)
    ids = np.repeat([f"unit-{i:06d}" for i in range(units)], years)
    frame = pd.DataFrame({"unit": ids})
    if years > 1:
        frame["year"] = np.tile(np.arange(2020, 2020 + years), units)
    for name in ("xa", "xb", "xc", "xd"):
        column = np.round(rng.gamma(2.0, 10.0, len(ids)), 2).astype(object)
        column[rng.random(len(ids)) < 0.05] = ""
        frame[name] = column
    path = folder / f"units_{units}_{years}.csv"
    frame.to_csv(path, index=False)
    (folder / "scale.yaml").write_text(CRITERIA)
    return path


CHILD = r"""
import json, resource, sys, time
import scorer.cli
sys.argv = ["unct-scorer", "-q", *sys.argv[2:]]
try:
    scorer.cli.run()
except SystemExit as exc:
    code = exc.code
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024, "code": code}))
"""

COMMANDS = {  # each as a user types it, on the sheet and the criteria
    "stability": ["stability", "--format", "csv"],
    "select": ["select", "--capacity", "25", "--format", "csv"],
    "sensitivity": ["sensitivity", "--format", "csv"],
    "report": ["report", "--sensitivity", "-o", "{out}/report.html", "--force"],
    "panel": ["rank", "--format", "csv"],
}


def run_case(case: str, sheet: Path, criteria: Path, timeout: float) -> dict[str, float] | str:
    args = [a.replace("{out}", str(sheet.parent)) for a in COMMANDS[case]]
    command = [sys.executable, "-c", CHILD, "-", *args, str(sheet), "-c", str(criteria)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"killed after {timeout:.0f} s"
    lines = done.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    out: dict[str, float] = json.loads(lines[-1])
    if out["code"]:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    out["wall"] = time.perf_counter() - start
    return out


LIMITS = {  # case: (peak MB, CPU s) at most, None where the target does not bound it
    "stability": (2048, 60.0),
    "select": (None, 5.0),
    "sensitivity": (2048, None),
    "report": (2048, None),
}


def verdict(case: str, got: dict[str, float]) -> bool:
    """Whether one run meets its case's target (the panel's linearity is judged across its two sizes)."""
    memory, seconds = LIMITS.get(case, (None, None))
    return (memory is None or got["peak_mb"] <= memory) and (seconds is None or got["cpu"] <= seconds)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="stability,select,sensitivity,report,panel")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size (0.1 for a quick look)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args(argv)
    cases = {
        "stability": (10_000, 1, "within 2 GB and 60 s"),
        "select": (5_000, 1, "within 5 s"),
        "sensitivity": (10_000, 1, "within 2 GB"),
        "report": (10_000, 1, "within 2 GB"),
        "panel": (25_000, 4, "linear in rows: 4x the rows in at most 4.8x the CPU"),
    }
    print(f"load average {os.getloadavg()[0]:.1f}; seconds are CPU seconds of the child unless said")
    print(f"{'case':<12} {'rows':>8} {'cpu s':>8} {'wall s':>8} {'peak MB':>8}  target")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for case in args.only.split(","):
            units, years, target = cases[case]
            units = max(50, int(units * args.scale))
            sizes = [(units // 4, years), (units, years)] if case == "panel" else [(units, years)]
            runs: list[dict[str, float]] = []
            for n, y in sizes:
                sheet = write_sheet(folder, n, years=y)
                got = run_case(case, sheet, folder / "scale.yaml", args.timeout)
                if isinstance(got, str):
                    print(f"{case:<12} {n * y:>8,} {got}")
                    print(f"{case} {n * y:,} rows, {target}: {got}: NOT met")
                    break
                runs.append(got)
                print(f"{case:<12} {n * y:>8,} {got['cpu']:>8.2f} {got['wall']:>8.2f} {got['peak_mb']:>8.0f}  {target}")
            else:
                rows = units * years
                if case == "panel":
                    ratio = runs[1]["cpu"] / max(runs[0]["cpu"], 1e-9)
                    print(
                        f"panel {rows:,} rows, {target}: {ratio:.2f}x the CPU of {rows // 4:,}: "
                        f"{'met' if ratio <= 4.8 else 'NOT met'}"
                    )
                else:
                    got = runs[0]
                    print(
                        f"{case} {rows:,} rows, {target}: {got['cpu']:.1f} s CPU, {got['peak_mb']:,.0f} MB: "
                        f"{'met' if verdict(case, got) else 'NOT met'}"
                    )


if __name__ == "__main__":
    main()
