"""Reading and scoring a large sheet beside `pd.read_csv` of the same file, in the same run (issue 18).

Run on demand: python benchmarks/bench_read.py [--rows 100000] [--columns 30]

Writes a CSV of made-up units (string ids that are not countries, so the ids are used as
written) with clean numeric indicators, then times, as CPU seconds of this process (a
busy shared machine disturbs them less than wall time):
  - pd.read_csv on the file,
  - scorer.read_countries on the file,
  - scorer.score_countries on the frame it returns (reading every cell, normalising, ranking),
and prints the target: read + score at most 5x read_csv + 1 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from scorer import read_countries, score_countries
from scorer.io.criteria_file import parse_criteria_text


def criteria_text(columns: int) -> str:
    lines = ["name: bench", "id_column: unit", "criteria:"]
    for j in range(columns):
        lines.append(f"  c{j}: {{label: C{j}, cites: bench, weight: 1, indicators: {{x{j}: {{column: x{j}}}}}}}")
    return "\n".join(lines) + "\n"


def cpu(fn):  # type: ignore[no-untyped-def]
    start = time.process_time()
    out = fn()
    return out, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--columns", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"unit": [f"unit-{i:07d}" for i in range(args.rows)]})
    for j in range(args.columns):
        frame[f"x{j}"] = np.round(rng.normal(50, 15, args.rows), 3)
    criteria = parse_criteria_text(criteria_text(args.columns))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        frame.to_csv(path, index=False)
        _, t_pandas = cpu(lambda: pd.read_csv(path))
        df, t_read = cpu(lambda: read_countries(path))
        result, t_score = cpu(lambda: score_countries(df, criteria, source=path.name))
    assert len(result.table) == args.rows
    total = t_read + t_score
    target = 5 * t_pandas + 1
    print(f"{args.rows:,} rows x {args.columns} indicators (CPU seconds)")
    print(f"pd.read_csv            {t_pandas:7.2f}")
    print(f"read_countries         {t_read:7.2f}")
    print(f"score_countries        {t_score:7.2f}")
    print(f"read + score           {total:7.2f}   target <= 5 x read_csv + 1 = {target:.2f}: {total <= target}")


if __name__ == "__main__":
    main()
