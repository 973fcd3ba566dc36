"""Wall time of `unct-scorer rank` on the demo (whole process), beside `python -c "import pandas"`.

Run on demand: python benchmarks/bench_rank.py [--runs 5]
Prints the median of N runs of each, measured in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    exe = shutil.which("unct-scorer") or ""
    rank_cmd = [exe, "rank"] if exe else [sys.executable, "-m", "scorer", "rank"]
    pandas = median_wall([sys.executable, "-c", "import pandas"], args.runs)
    rank = median_wall(rank_cmd, args.runs)
    print(f"python -c 'import pandas'   median of {args.runs}: {pandas * 1000:7.1f} ms")
    print(f"unct-scorer rank (demo)     median of {args.runs}: {rank * 1000:7.1f} ms")
    print(f"rank minus pandas import:                {(rank - pandas) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
