"""Time SMAA-2 acceptability and the exact stability functions on 162 countries.

- Issue 18's targets first: on the demo, ``scorer.tuning.sensitivity`` at 100,000 draws and
  the marginal cost of the draws in a whole process, each against the ten-line argpartition
  NumPy core on the same draws (at most 0.35x), and ``sensitivity`` at its default 10,000
  draws against ``rank`` (at most 0.15 s more); CPU time, medians of interleaved runs.
  Everything here runs with one OpenBLAS thread (set below, before NumPy loads), as the
  ``unct-scorer`` command does: then a process's CPU time is its one thread's, and the core
  and the library are compared on the same footing, all of their work counted. With
  OpenBLAS's helper threads the core's products of 10,000 x 162 are split between threads
  that keep spinning after it: its process CPU about doubles (the spinning, by an amount
  that varies with the load) while its own thread's CPU leaves out the helpers' share of
  the products. Both of those figures are printed too, from a child process with the
  helpers, as issue 18 first measured the core.

- ``acceptability`` for 100,000 weight draws x 162 countries x k in {3, 5, 10}
  (targets: <= 150 ms, <= 64 MB extra memory), against a plain NumPy version
  written here in one shot (``draws @ values.T``, ``argsort``, ``bincount``;
  it ignores ties, so it is only a speed reference).
- Peak extra memory (tracemalloc) at 100,000 and 1,000,000 draws, for
  ``acceptability`` on given draws and for ``sample_and_analyse`` (which also
  draws the weights, chunk by chunk).
- The stability functions for 162 countries (target: <= 50 ms for all).
- If scikit-criteria or pymcdm are importable, their weighted sum looped over
  draws (neither has a weight-uncertainty analysis of its own).
- The user's view on the demo (162 countries, 3 criteria): ``scorer.tuning``'s
  ``sensitivity`` (100,000 draws) and ``stability`` on a ScoreResult, and the
  wall time of whole ``unct-scorer sensitivity --draws 100000`` and
  ``unct-scorer stability`` processes (start-up, reading, scoring, output),
  next to ``unct-scorer rank`` for the cost of start-up and scoring alone.

Values are seeded random criterion scores; 20 countries share one all-zero row
(no engagement anywhere), as real data has such ties. Times are the median
and the best of several runs.

Run: PYTHONPATH=. python benchmarks/bench_sensitivity.py

The peers are never installed by the package: put them, with the package, in
a separate virtual environment from ``benchmarks/requirements.txt``::

    python3 -m venv .bench-venv
    .bench-venv/bin/pip install -e . -r benchmarks/requirements.txt
    .bench-venv/bin/python benchmarks/bench_sensitivity.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads: see the module's docstring

import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from functools import partial

import numpy as np

from scorer.solvers.intervals import tier_intervals, top_k_interval, value_change_to_flip, weight_change_to_flip
from scorer.solvers.sampling import WeightConstraints, sample_weights
from scorer.solvers.smaa import acceptability, sample_and_analyse

N_COUNTRIES = 162
DRAWS = 100_000
TOP_K = 15
TIERS = [("join", 15, None), ("consider", 40, None), ("not_now", None, None)]


def synthetic(k: int, seed: int = 162) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = rng.random((N_COUNTRIES, k))
    values[-20:] = 0.0
    return values


def plain_numpy(values: np.ndarray, draws: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rank acceptability and top-K share in one shot, without chunks or tie handling."""
    n = values.shape[0]
    scores = draws @ values.T
    order = np.argsort(-scores, axis=1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(n), axis=1)
    counts = np.bincount((np.arange(n) * n + ranks).ravel(), minlength=n * n).reshape(n, n)
    return counts / len(draws), (ranks < top_k).mean(axis=0)


def timed(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and best wall time in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory allocated during ``fn`` beyond what was held before, in MB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 1e6


def acceptability_table() -> None:
    print(f"acceptability: {DRAWS:,} draws x {N_COUNTRIES} countries, top {TOP_K}, 3 rank tiers (median / best, ms)")
    print(f"{'k':>3} {'ours':>13} {'plain NumPy':>13} {'speed-up':>9}")
    for k in (3, 5, 10):
        values = synthetic(k)
        draws = sample_weights(WeightConstraints(k), DRAWS, seed=1)
        ours = timed(partial(acceptability, values, draws, top_k=TOP_K, tiers=TIERS), 7)
        plain = timed(partial(plain_numpy, values, draws, TOP_K), 3)
        print(
            f"{k:>3} {ours[0]:>6.0f} / {ours[1]:<4.0f} {plain[0]:>6.0f} / {plain[1]:<4.0f} {plain[0] / ours[0]:>8.1f}x"
        )


def memory_table() -> None:
    print("\npeak extra memory (tracemalloc), k = 10")
    values = synthetic(10)
    for n in (100_000, 1_000_000):
        draws = sample_weights(WeightConstraints(10), n, seed=2)
        given = peak_mb(partial(acceptability, values, draws, top_k=TOP_K, tiers=TIERS))
        del draws
        sampled = peak_mb(
            partial(sample_and_analyse, values, WeightConstraints(10), draws=n, seed=2, top_k=TOP_K, tiers=TIERS)
        )
        print(f"  {n:>9,} draws: acceptability {given:6.1f} MB, sample_and_analyse {sampled:6.1f} MB")
    small = sample_weights(WeightConstraints(10), DRAWS, seed=2)
    print(f"  plain NumPy one shot, {DRAWS:,} draws: {peak_mb(partial(plain_numpy, values, small, TOP_K)):6.1f} MB")


def stability_table() -> None:
    print(f"\nstability, {N_COUNTRIES} countries, top {TOP_K} (median / best of 15, ms)")
    for k in (5, 10):
        values = synthetic(k)
        weights = np.random.default_rng(3).dirichlet(np.ones(k))
        mask = np.random.default_rng(4).random(values.shape) > 0.2
        mask[:, 0] = True
        for label, m in (("plain", None), ("masked", mask)):
            runs = {
                "top_k_interval": partial(top_k_interval, values, weights, 0, top_k=TOP_K, mask=m),
                "tier_intervals": partial(tier_intervals, values, weights, 0, tiers=TIERS, mask=m),
                "weight_change_to_flip": partial(weight_change_to_flip, values, weights, top_k=TOP_K, mask=m),
                "value_change_to_flip": partial(value_change_to_flip, values, weights, top_k=TOP_K, mask=m),
            }
            cells = []
            total = 0.0
            for name, fn in runs.items():
                med, best = timed(fn, 15)
                total += med
                cells.append(f"{name} {med:.1f}/{best:.1f}")
            print(f"  k={k:<2} {label:<6} " + ", ".join(cells) + f"  (all: {total:.1f})")


def peer_table(draws: int = 500) -> None:
    """A per-draw loop over the weighted sum of scikit-criteria and pymcdm, when installed (no SMAA in either)."""
    print(f"\npeers: weighted sum + ranking per draw, {draws} draws timed, scaled to {DRAWS:,} (k = 5)")
    values = synthetic(5)
    draws_w = sample_weights(WeightConstraints(5), draws, seed=5)
    try:
        from pymcdm.helpers import rankdata
        from pymcdm.methods import WSM

        wsm = WSM(normalization_function=lambda x, cost: x)
        types = np.ones(5)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pymcdm warns that the 20 all-zero countries are dominated
            ms, _ = timed(lambda: [rankdata(wsm(values, w, types), reverse=True) for w in draws_w], 1)
        print(f"  pymcdm {' ' * 9}{ms * DRAWS / draws / 1000:8.1f} s")
    except ImportError:
        print("  pymcdm not installed (pip install pymcdm in a separate venv)")
    try:
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel

        model = WeightedSumModel()
        objectives = [max] * 5
        ms, _ = timed(lambda: [model.evaluate(skc.mkdm(values, objectives, weights=w)).rank_ for w in draws_w], 1)
        print(f"  scikit-criteria {ms * DRAWS / draws / 1000:8.1f} s")
    except ImportError:
        print("  scikit-criteria not installed (pip install scikit-criteria in a separate venv)")
    ours, _ = timed(partial(acceptability, values, sample_weights(WeightConstraints(5), DRAWS, seed=5), top_k=TOP_K), 3)
    print(f"  ours (full SMAA) {ours / 1000:7.2f} s")


def tuning_table() -> None:
    """The library calls a user makes, on the demo's ScoreResult."""
    from scorer import demo_result
    from scorer.tuning import sensitivity, stability

    result = demo_result()
    print(f"\nscorer.tuning on the demo ({len(result.table)} countries, 3 criteria; median / best, ms)")
    med, best = timed(partial(sensitivity, result, draws=DRAWS, seed=1), 7)
    print(f"  sensitivity, {DRAWS:,} draws {med:8.0f} / {best:.0f}")
    med, best = timed(partial(stability, result), 15)
    print(f"  stability {' ' * 17}{med:8.1f} / {best:.1f}")


def cli_table(repeats: int = 5) -> None:
    """Whole processes, as a user runs them: start-up, reading, scoring, the analysis, printing."""
    print(f"\nwhole unct-scorer processes on the demo (wall time, median / best of {repeats}, s)")
    runs = {
        "rank": ["rank", "--format", "csv"],
        f"sensitivity --draws {DRAWS}": ["sensitivity", "--draws", str(DRAWS), "--format", "csv"],
        "stability": ["stability", "--format", "csv"],
    }
    for label, args in runs.items():
        command = [sys.executable, "-m", "scorer", "-q", *args]
        med, best = timed(lambda c=command: subprocess.run(c, check=True, capture_output=True), repeats)
        print(f"  unct-scorer {label:<28} {med / 1000:6.2f} / {best / 1000:.2f}")


def argpartition_core(values: np.ndarray, draws: np.ndarray, top_k: int) -> np.ndarray:
    """The ten-line NumPy core of issue 18: chunks of 10,000 draws, a product, argpartition, bincount (P(top K))."""
    n = values.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    for start in range(0, len(draws), 10_000):
        scores = draws[start : start + 10_000] @ values.T
        top = np.argpartition(-scores, top_k - 1, axis=1)[:, :top_k]
        counts += np.bincount(top.ravel(), minlength=n)
    return counts / len(draws)


def interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Median CPU seconds of each run (the whole process: one OpenBLAS thread here), the runs taken in turn."""
    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        for name, fn in runs.items():
            process = time.process_time()
            fn()
            times.setdefault(name, []).append(time.process_time() - process)
    return {name: statistics.median(values) for name, values in times.items()}


def process_cpu(args: list[str], repeats: int) -> float:
    """Median CPU seconds of a whole ``unct-scorer`` process."""
    times = []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "scorer", "-q", *args], check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def target_table(repeats: int = 7) -> None:
    """Issue 18's targets on the demo: the library call and the draws against the argpartition core, in one run."""
    from scorer import demo_result
    from scorer.analyses.common import weighted_sum_inputs
    from scorer.tuning import sensitivity

    result = demo_result()
    _ids, values, _mask = weighted_sum_inputs(result, "the benchmark")
    draws = sample_weights(WeightConstraints(values.shape[1]), DRAWS, seed=1)
    sensitivity(result, draws=1_000, seed=1)  # warm-up
    cpu = interleaved(
        {
            "core": lambda: argpartition_core(values, draws, TOP_K),
            "library": lambda: sensitivity(result, draws=DRAWS, seed=1),
            "few": lambda: sensitivity(result, draws=1_000, seed=1),
        },
        repeats,
    )
    core, library, few = cpu["core"], cpu["library"], cpu["few"]
    helpers = core_with_helpers(repeats)
    whole_many = process_cpu(["sensitivity", "--draws", str(DRAWS + 1_000), "--format", "csv"], 5)
    whole_few = process_cpu(["sensitivity", "--draws", "1000", "--format", "csv"], 5)
    rank = process_cpu(["rank", "--format", "csv"], 5)
    default = process_cpu(["sensitivity", "--format", "csv"], 5)
    load = os.getloadavg()[0]
    print(f"sensitivity on the demo, {DRAWS:,} draws (CPU, median; core = argpartition NumPy core, same draws)")
    print(f"  argpartition core, one thread {core * 1000:5.0f} ms  (load average {load:.1f})")
    print(f"  library call                  {library * 1000:5.0f} ms  {met(library / core, 0.35, 'x core')}")
    print(f"  library, draws only           {(library - few) * 1000:5.0f} ms  {(library - few) / core:.2f}x core")
    marginal = whole_many - whole_few
    print(f"  process 101,000 - 1,000       {marginal * 1000:5.0f} ms  {met(marginal / core, 0.35, 'x core')}")
    print(
        f"  the core with OpenBLAS's helpers: its thread {helpers['thread'] * 1000:.0f} ms, its process "
        f"{helpers['process'] * 1000:.0f} ms (library {library / helpers['thread']:.2f}x / "
        f"{library / helpers['process']:.2f}x)"
    )
    added = default - rank
    print(f"  sensitivity (10,000) - rank   {added * 1000:5.0f} ms  {met(added * 1000, 150, ' ms')}")


_CORE_WITH_HELPERS = """
import statistics, sys, time
import numpy  # first: OpenBLAS starts with its helpers before the benchmark module asks for one thread
sys.path.insert(0, {here!r})
from bench_sensitivity import DRAWS, TOP_K, argpartition_core
from scorer import demo_result
from scorer.analyses.common import weighted_sum_inputs
from scorer.solvers.sampling import WeightConstraints, sample_weights
_ids, values, _mask = weighted_sum_inputs(demo_result(), "the benchmark")
draws = sample_weights(WeightConstraints(values.shape[1]), DRAWS, seed=1)
argpartition_core(values, draws, TOP_K)
thread, process = [], []
for _ in range({repeats}):
    t, p = time.thread_time(), time.process_time()
    argpartition_core(values, draws, TOP_K)
    thread.append(time.thread_time() - t)
    process.append(time.process_time() - p)
print(statistics.median(thread), statistics.median(process))
"""


def core_with_helpers(repeats: int) -> dict[str, float]:
    """The core's CPU, its thread and its whole process, in a child process where OpenBLAS has its helper threads."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    code = _CORE_WITH_HELPERS.format(here=os.path.dirname(os.path.abspath(__file__)), repeats=repeats)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    thread, process = (float(x) for x in out.split())
    return {"thread": thread, "process": process}


def met(value: float, target: float, unit: str) -> str:
    """``0.31x core (target <= 0.35x core): met``."""
    shown = f"{value:.2f}" if target < 10 else f"{value:.0f}"
    return f"{shown}{unit} (target <= {target:g}{unit}): " + ("met" if value <= target else "NOT met")


def main() -> None:
    target_table()
    acceptability_table()
    memory_table()
    stability_table()
    peer_table()
    tuning_table()
    cli_table()


if __name__ == "__main__":
    main()
