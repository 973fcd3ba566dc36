"""Start-up of the command line beside `python -c "import pandas"`, measured in the same run (issue 18).

Run on demand: python benchmarks/bench_startup.py [--runs 7]

Each command runs as a fresh process; the runs of all commands are interleaved so that a
machine whose load changes during the benchmark slows them alike. For each command it
prints the median wall time and the median CPU time (user + system of the child, which a
busy shared machine disturbs far less than wall time), and the ratio of each to
`import pandas`, against the targets: --help and --version at most 0.15x, `rank` on the
demo at most 1.3x. The CLI pauses the cyclic garbage collector while a command's modules
load (scorer.cli.load_command), which also speeds up the pandas import inside `rank`; the
row "import pandas, gc paused" shows that baseline too, so both ratios can be read.

The children run with bytecode caching on, as an installed package has it (pip compiles
every module at install time); an environment with PYTHONDONTWRITEBYTECODE set would
otherwise compile every module of the package from source at each start, which no
installed copy does.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

TARGETS = {"--help": 0.15, "--version": 0.15, "rank (demo)": 1.3}


CACHED = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def one_run(cmd: list[str], env: dict[str, str] = CACHED) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of ``cmd`` as a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> list[tuple[str, str, bool]]:
    """Print the table; return (target, figure, met) for each target (benchmarks/run_all.py)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    exe = shutil.which("unct-scorer") or os.path.join(os.path.dirname(sys.executable), "unct-scorer")
    cli = [exe] if os.path.exists(exe) else [sys.executable, "-m", "scorer"]
    commands = {
        "import pandas": [sys.executable, "-c", "import pandas"],
        "import pandas, gc paused": [sys.executable, "-c", "import gc; gc.disable(); import pandas"],
        "--help": [*cli, "--help"],
        "--version": [*cli, "--version"],
        "rank (demo)": [*cli, "rank"],
    }
    for cmd in commands.values():  # warm the file cache and write the .pyc files
        one_run(cmd)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            times[name].append(one_run(cmd))
    wall = {name: statistics.median(w for w, _c in runs) for name, runs in times.items()}
    cpu = {name: statistics.median(c for _w, c in runs) for name, runs in times.items()}
    print(f"median of {args.runs} interleaved runs; load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<26} {'wall ms':>8} {'cpu ms':>8} {'wall x':>7} {'cpu x':>7}  target")
    results = []
    for name in commands:
        ratio_wall, ratio_cpu = wall[name] / wall["import pandas"], cpu[name] / cpu["import pandas"]
        target = ""
        if name in TARGETS:
            met = ratio_cpu <= TARGETS[name]
            target = f"<= {TARGETS[name]}x CPU: {'met' if met else 'NOT met'}"
            results.append((f"{name} <= {TARGETS[name]}x import pandas", f"{ratio_cpu:.2f}x CPU", met))
        print(
            f"{name:<26} {wall[name] * 1000:8.1f} {cpu[name] * 1000:8.1f} {ratio_wall:7.2f} {ratio_cpu:7.2f}  {target}"
        )
    paused = cpu["rank (demo)"] / cpu["import pandas, gc paused"]
    print(f"rank (demo) against `import pandas` with gc paused: {paused:.2f}x CPU")
    return results


if __name__ == "__main__":
    main()
