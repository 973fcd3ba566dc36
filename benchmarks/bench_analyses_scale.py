"""Issue 18, target 4 for the analyses: select, sensitivity, report and stability past the demo, met or not.

Run: python benchmarks/bench_analyses_scale.py [--only select,sensitivity,report,stability] [--repeats 3]

Each case is the command a user types, in a fresh child process, on the made-up sheets of
``bench_scale.py`` (string ids that are not countries, three criteria, blanks, a tier with a
``min_score``). The cases are run round-robin ``--repeats`` times (so a burst of load on this
shared machine hits every case alike) and each figure is the median; CPU time is the child's
user + system time, peak memory its maximum resident set. The load average is printed with
each figure. Targets:

- ``select --capacity 25`` on 5,000 units: within 5 s;
- ``sensitivity`` (10,000 draws) on 10,000 units: within 2 GB;
- ``report --sensitivity`` on 10,000 units: within 2 GB;
- ``stability`` on 10,000 units: within 2 GB and 60 s.

Times are judged on CPU seconds (wall time on a machine shared by six sessions says more
about the others than about the command).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from bench_scale import run_case, write_sheet

CASES = {  # case: (units, CPU seconds allowed or None, MB allowed or None)
    "select": (5_000, 5.0, None),
    "sensitivity": (10_000, None, 2048.0),
    "report": (10_000, None, 2048.0),
    "stability": (10_000, 60.0, 2048.0),
}


def verdict(cpu: float, peak: float, seconds: float | None, megabytes: float | None) -> str:
    """``met`` or ``not met`` with the ratio of each figure to its target."""
    parts, ok = [], True
    if seconds is not None:
        parts.append(f"{cpu / seconds:.2f}x of {seconds:g} s")
        ok &= cpu <= seconds
    if megabytes is not None:
        parts.append(f"{peak / megabytes:.2f}x of {megabytes / 1024:g} GB")
        ok &= peak <= megabytes
    return ", ".join(parts) + (" - met" if ok else " - NOT met")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(CASES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    chosen = args.only.split(",")
    runs: dict[str, list[dict[str, float]]] = {case: [] for case in chosen}
    loads: dict[str, list[float]] = {case: [] for case in chosen}
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheets = {case: write_sheet(folder, CASES[case][0]) for case in chosen}
        for _ in range(args.repeats):
            for case in chosen:
                got = run_case(case, sheets[case], folder / "scale.yaml", args.timeout)
                loads[case].append(os.getloadavg()[0])
                if isinstance(got, str):
                    failed[case] = got
                else:
                    runs[case].append(got)
    print(f"{'case':<12} {'units':>7} {'cpu s':>7} {'wall s':>7} {'peak MB':>8} {'load':>5}  target")
    for case in chosen:
        units, seconds, megabytes = CASES[case]
        if case in failed:
            print(f"{case:<12} {units:>7,} {failed[case]}")
            continue
        cpu = statistics.median(r["cpu"] for r in runs[case])
        wall = statistics.median(r["wall"] for r in runs[case])
        peak = statistics.median(r["peak_mb"] for r in runs[case])
        load = statistics.median(loads[case])
        print(
            f"{case:<12} {units:>7,} {cpu:>7.2f} {wall:>7.2f} {peak:>8.0f} {load:>5.1f}  "
            + verdict(cpu, peak, seconds, megabytes)
        )


if __name__ == "__main__":
    main()
