"""Reading and scoring a large sheet beside `pd.read_csv` of the same file, in the same run (issue 18, target 3).

Run on demand: python benchmarks/bench_read.py [--rows 100000] [--columns 30] [--wide 300] [--runs 3]

Writes a CSV of made-up units (string ids that are not countries, so the ids are used as
written) with clean numeric indicators. Each case runs in a fresh child process, which
times, as CPU seconds of that process (a busy shared machine disturbs them less than wall
time):
  - pd.read_csv on the file,
  - scorer.read_countries on the file,
  - scorer.score_countries on the frame it returns (reading every cell, normalising, ranking),
    as its two steps: prepare_countries (ids, eligibility, every cell read: "cells") and
    score_prepared (imputation, normalisation, aggregation, ranking, the result's frames: "rank"),
and reports its peak resident memory. Runs of the cases are interleaved and the medians kept.

Targets: read + score of ``--rows`` x ``--columns`` at most 5 x read_csv + 1 s; ``--rows`` x
``--wide`` within 16 GB and proportional: its CPU per cell at most 1.2 x the narrow case's.
The wide file is larger than the default file-size limit, so the child raises
UNCT_SCORER_MAX_BYTES for it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

GIB = 1024**3


def criteria_text(columns: int) -> str:
    lines = ["name: bench", "id_column: unit", "criteria:"]
    for j in range(columns):
        lines.append(f"  c{j}: {{label: C{j}, cites: bench, weight: 1, indicators: {{x{j}: {{column: x{j}}}}}}}")
    return "\n".join(lines) + "\n"


def write_sheet(path: Path, rows: int, columns: int) -> None:
    rng = np.random.default_rng(0)
    columns_ = {"unit": [f"unit-{i:07d}" for i in range(rows)]}
    columns_ |= {f"x{j}": np.round(rng.normal(50, 15, rows), 3) for j in range(columns)}
    pd.DataFrame(columns_).to_csv(path, index=False)


def child(path: Path, columns: int) -> dict[str, float]:
    """Time the three steps in this process; its peak memory."""
    from scorer import read_countries
    from scorer.io.criteria_file import parse_criteria_text
    from scorer.pipeline import prepare_countries, score_prepared

    criteria = parse_criteria_text(criteria_text(columns))

    def cpu(fn):  # type: ignore[no-untyped-def]
        start = time.process_time()
        out = fn()
        return out, time.process_time() - start

    _, t_pandas = cpu(lambda: pd.read_csv(path))
    df, t_read = cpu(lambda: read_countries(path))
    # score_countries(df, criteria, source=...) is these two steps (and a check of the criteria)
    prepared, t_cells = cpu(lambda: prepare_countries(df, criteria, source=path.name))
    result, t_rank = cpu(lambda: score_prepared(prepared))
    assert len(result.table) == len(df)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {
        "read_csv": t_pandas,
        "read": t_read,
        "cells": t_cells,
        "rank": t_rank,
        "score": t_cells + t_rank,
        "peak": peak,
    }


def run_child(path: Path, columns: int) -> dict[str, float]:
    env = dict(os.environ, UNCT_SCORER_MAX_BYTES=str(max(50_000_000, 2 * path.stat().st_size)))
    command = [sys.executable, __file__, "--child", str(path), "--columns", str(columns)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    out: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def main(argv: list[str] | None = None) -> list[tuple[str, str, bool]]:
    """Print the table; return (target, figure, met) for each target (benchmarks/run_all.py)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=30)
    parser.add_argument("--wide", type=int, default=300, help="columns of the wide case (0: skip it)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.columns)))
        return []
    cases = [args.columns] + ([args.wide] if args.wide else [])
    got: dict[int, list[dict[str, float]]] = {c: [] for c in cases}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {c: Path(tmp) / f"big_{c}.csv" for c in cases}
        for c in cases:
            write_sheet(paths[c], args.rows, c)
        for _ in range(args.runs):
            for c in cases:
                got[c].append(run_child(paths[c], c))
    med = {c: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for c, runs in got.items()}
    load = os.getloadavg()[0]
    print(f"{args.rows:,} rows; CPU seconds, medians of {args.runs} interleaved runs; load average {load:.1f}")
    print(
        f"{'columns':>8} {'read_csv':>9} {'read':>7} {'score':>7} {'(cells':>7} {'rank)':>6} {'read+score':>11} "
        f"{'x csv':>6} {'us/cell':>8} {'peak MB':>8}"
    )
    for c, m in med.items():
        total = m["read"] + m["score"]
        print(
            f"{c:>8} {m['read_csv']:9.2f} {m['read']:7.2f} {m['score']:7.2f} {m['cells']:7.2f} {m['rank']:6.2f} "
            f"{total:11.2f} {total / m['read_csv']:6.1f} {total / (args.rows * c) * 1e6:8.3f} {m['peak'] / 2**20:8.0f}"
        )
    narrow = med[args.columns]
    total = narrow["read"] + narrow["score"]
    target = 5 * narrow["read_csv"] + 1
    name = f"read + score {args.rows:,} x {args.columns} <= 5 x read_csv + 1 s"
    results = [(name, f"{total:.2f} s vs {target:.2f} s", total <= target)]
    if args.wide:
        wide = med[args.wide]
        per_cell = (wide["read"] + wide["score"]) / args.wide / (total / args.columns)
        peak = wide["peak"]
        results.append((f"{args.rows:,} x {args.wide} within 16 GB", f"{peak / GIB:.2f} GB", peak <= 16 * GIB))
        name = f"{args.rows:,} x {args.wide}: CPU per cell <= 1.2 x the {args.columns}-column case"
        results.append((name, f"{per_cell:.2f}x", per_cell <= 1.2))
    for name, figure, met in results:
        print(f"{name}: {figure}: {'met' if met else 'NOT met'}")
    return results


if __name__ == "__main__":
    main()
