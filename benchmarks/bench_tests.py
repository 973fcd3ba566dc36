"""The README's test command, timed (issue 18, target 5: at most 75 s on this 2-core machine when idle).

Run on demand: python benchmarks/bench_tests.py [--runs 1]

Runs ``python -m pytest`` (the README's command; the pyproject's options: every core, modules handed out whole, the
slow step left to .ci/run) in the repository with the interpreter running this script, and
reports the wall time, the CPU time of the whole process tree that was waited for, the number
of tests and the load average before and after. The figure counts only on an idle machine:
the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 75.0


def run_once() -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the children, pytest's summary line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    lines = [line for line in done.stdout.splitlines() if re.search(r"\d+ passed", line)]
    if done.returncode != 0 or not lines:
        sys.exit(f"the test command failed (exit {done.returncode}):\n{done.stdout[-2000:]}")
    return wall, cpu, lines[-1].strip("= ")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    walls = []
    for _ in range(args.runs):
        load = os.getloadavg()[0]
        wall, cpu, summary = run_once()
        walls.append(wall)
        print(f"python -m pytest: {wall:.1f} s wall, {cpu:.1f} s CPU, {summary} (load average {load:.1f} before)")
    wall = statistics.median(walls)
    met = "met" if wall <= TARGET_S else "NOT met"
    print(f"test command (README) <= {TARGET_S:.0f} s: {wall:.1f} s: {met}")


if __name__ == "__main__":
    main()
