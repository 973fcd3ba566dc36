"""Every issue-18 benchmark in one run, then every target with its figure and met / NOT met (issue 18).

Run on demand: python benchmarks/run_all.py [--quick] [--only startup,read,...]

Each benchmark runs as its own process, as it runs alone (``python benchmarks/bench_X.py``),
so one's memory and imports never colour another's figures. Its output is shown as it comes;
every line that states a target ("...: met", "... - NOT met") is collected into the summary
at the end, with the load average when that benchmark finished (the machine is shared).
``--quick`` passes each benchmark its smaller settings, for a look, not for the record.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = {  # name: (script, full arguments, quick arguments)
    "startup": ("bench_startup.py", ["--runs", "7"], ["--runs", "3"]),
    "read": ("bench_read.py", ["--runs", "3"], ["--rows", "20000", "--runs", "1"]),
    "sensitivity": ("bench_sensitivity.py", [], []),
    "analyses": ("bench_analyses_scale.py", [], ["--repeats", "1"]),
    "panel": ("bench_scale.py", ["--only", "panel"], ["--only", "panel", "--scale", "0.1"]),
    "tests": ("bench_tests.py", [], []),
}

TARGET_LINE = re.compile(r"[:-]\s*(met|NOT met)\s*$")  # "...: met" or "... - NOT met"


def run(name: str, quick: bool) -> list[str]:
    """Run one benchmark, echoing its output; return its target lines."""
    script, full, short = BENCHES[name]
    command = [sys.executable, str(HERE / script), *(short if quick else full)]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    targets = []
    for line in process.stdout:
        print(line, end="", flush=True)
        if TARGET_LINE.search(line.rstrip()):
            targets.append(line.strip())
    code = process.wait()
    load = os.getloadavg()[0]
    print(f"== {name}: exit {code}, {time.perf_counter() - start:.0f} s wall, load average {load:.1f}\n", flush=True)
    if code:
        targets.append(f"{name}: the benchmark failed (exit {code}): NOT met")
    return [f"{line}   [load {load:.1f}]" for line in targets]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a look")
    parser.add_argument("--only", default=",".join(BENCHES), help=f"comma-separated, of {', '.join(BENCHES)}")
    args = parser.parse_args(argv)
    summary: list[str] = []
    for name in args.only.split(","):
        summary += run(name.strip(), args.quick)
    met = sum(TARGET_LINE.search(line.split("   [load")[0]).group(1) == "met" for line in summary)
    print(f"== targets: {met} of {len(summary)} met")
    for line in summary:
        print(line)


if __name__ == "__main__":
    main()
