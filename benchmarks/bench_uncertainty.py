"""Time ``uncertainty_analysis`` on the demo against a plain loop re-running the scoring pipeline per run.

Set-up: the bundled demo (162 countries) and ``criteria/uncertainty_example.yaml``
(4 uncertain inputs: the weights, the normalisation of every indicator, the
missing-data policy of ``latest_accession``, the aggregation), bootstrap 100.

- Vectorised: ``uncertainty_analysis`` at N = 1,024 ... 8,192 base samples
  (N x 6 model runs each), wall and CPU time (median of ``REPEATS``), and the
  cost per base sample, which should stay flat (linear cost). Target at
  N = 4,096: <= 5 s wall on the 2-core machine.
- Plain loop, measured in the same run: the first ``LOOP_RUNS`` runs of the
  same Saltelli design, each as a criteria copy (``with_normalisation``,
  ``with_indicator``, ``with_aggregation``) plus weights passed to
  ``scorer.score_countries``; its per-run time times N x 6 gives the loop's
  cost for the whole design (a full loop at N = 4,096 takes minutes). Each
  looped run's ranks are checked against the vectorised model's.
  Target: >= 50x faster.
- Peak traced memory (tracemalloc) at N = 4,096 and 16,384: bounded by the
  chunks, so nearly the same.

Run: PYTHONPATH=. python benchmarks/bench_uncertainty.py

Measured 2026-11-30 07:10 UTC on the shared 2-core machine under a load
average of about 20 (other sessions running), so wall times are pessimistic;
CPU times are the process's own:

    N     runs    wall s  CPU s  CPU ms/sample
    1024   6144    1.17   0.28   0.278
    2048  12288    1.96   0.45   0.222
    4096  24576    3.73   0.87   0.212
    8192  49152    6.79   1.66   0.203
    plain loop: 65.8 ms wall, 11.9 ms CPU per run (240 runs; 0 rank differently)
    N = 4,096: loop 1,616 s wall / 292 s CPU (extrapolated) -> 434x wall, 336x CPU
    N = 4,096 with a fifth input (data error, noise in every run): 8.58 s wall, 1.56 s CPU
    peak traced memory: 41.8 MiB at N = 4,096, 43.6 MiB at N = 16,384
"""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from scorer import load_criteria, read_countries, score_countries
from scorer.model.criteria import Criteria, MissingPolicy
from scorer.pipeline import prepare_countries
from scorer.resources import demo_spreadsheet_path
from scorer.uncertainty.analysis import _Design, uncertainty_analysis
from scorer.uncertainty.engine import build_model
from scorer.uncertainty.factors import Factors, build_factors

CRITERIA = Path(__file__).resolve().parent.parent / "criteria" / "uncertainty_example.yaml"
SIZES = (1024, 2048, 4096, 8192)
REPEATS = 3
LOOP_RUNS = 240


def timed(fn, repeats: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall and median CPU seconds."""
    wall, cpu = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def run_criteria(criteria: Criteria, factors: Factors, choice: np.ndarray) -> Criteria:
    """The criteria of one run: each discrete choice's alternative applied by the criteria's own methods."""
    out = criteria
    for c, index in zip(factors.choices, choice, strict=True):
        option = c.options[int(index)]
        if option == "declared":
            continue
        if c.kind == "aggregation":
            out = out.with_aggregation(option)
        for iid in c.indicators:
            if c.kind == "normalisation":
                out = out.with_normalisation(iid, option)
            else:
                group = out.indicator(iid).missing_group if option == "group_mean" else None
                out = out.with_indicator(iid, missing=MissingPolicy(option), missing_group=group)
    return out


def numeric_sheet(df: pd.DataFrame, criteria: Criteria) -> pd.DataFrame:
    """The sheet with yes/no and level columns written as their numbers (0/1, level values).

    A run that scales such an indicator by min-max or percentiles declares it
    numeric, so the pipeline must read numbers there; the engine does the same
    on the values it read once.
    """
    prepared = prepare_countries(df, criteria)
    out = df.copy()
    for j, (_c, iid, _ind) in enumerate(criteria.indicator_items()):
        column = prepared.plan.columns[iid]
        out[column] = prepared.cells.raw[:, j]
    return out


def loop(df, criteria: Criteria, factors: Factors, runs: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Seconds per run of the plain loop (wall, CPU), and how many runs disagree with the vectorised model."""
    model, _nominal = build_model(df, criteria, factors)
    numeric = numeric_sheet(df, criteria)
    norm = next(i for i, c in enumerate(factors.choices) if c.kind == "normalisation")
    design = _Design(model, factors, criteria, 4096, 20210816)
    batch = design.batch(0, runs // (len(factors.names) + 2))
    expected = model.evaluate(batch).ranks
    ids = model.ids
    crit_ids = list(criteria.criteria)
    mismatches = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for r in range(len(batch.weights)):
        c = run_criteria(criteria, factors, batch.choices[r])
        sheet = df if factors.choices[norm].options[batch.choices[r, norm]] == "declared" else numeric
        result = score_countries(sheet, c, weights=dict(zip(crit_ids, batch.weights[r].tolist(), strict=True)))
        ranks = result.table.loc[ids, "rank"].to_numpy()
        mismatches += int(not np.array_equal(ranks, expected[r]))
    n = len(batch.weights)
    return (time.perf_counter() - w0) / n, (time.process_time() - c0) / n, mismatches


def with_data_error(criteria: Criteria) -> Criteria:
    """The example with a 10% data error on the two treaty counts: a fifth uncertain input, noise in every run."""
    out = criteria
    for iid in ("recent_accessions", "treaties_in_force"):
        out = out.with_indicator(iid, uncertainty=0.1)
    return out


def main() -> None:
    df = read_countries(demo_spreadsheet_path())
    criteria = load_criteria(CRITERIA)
    factors = build_factors(criteria)
    d = len(factors.names)
    print(f"demo: {len(df)} rows; uncertain inputs ({d}): {', '.join(factors.names)}; cores: {os.cpu_count()}")
    print(f"load average at start: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    uncertainty_analysis(df, criteria, samples=256)  # warm-up (imports, caches)
    print(f"{'N':>6} {'runs':>7} {'wall s':>8} {'CPU s':>7} {'wall ms/sample':>15} {'CPU ms/sample':>14}")
    results = {}
    for n in SIZES:
        wall, cpu = timed(lambda n=n: uncertainty_analysis(df, criteria, samples=n), REPEATS)
        results[n] = (wall, cpu)
        print(f"{n:>6} {n * (d + 2):>7} {wall:>8.2f} {cpu:>7.2f} {1000 * wall / n:>15.3f} {1000 * cpu / n:>14.3f}")
    per_wall, per_cpu, mismatches = loop(df, criteria, factors, LOOP_RUNS)
    runs = 4096 * (d + 2)
    wall, cpu = results[4096]
    print(
        f"plain loop (score_countries per run, {LOOP_RUNS} runs timed): {1000 * per_wall:.2f} ms wall, "
        f"{1000 * per_cpu:.2f} ms CPU per run; {mismatches} of {LOOP_RUNS} runs rank differently"
    )
    print(
        f"N = 4,096 ({runs:,} runs): loop {per_wall * runs:.0f} s wall / {per_cpu * runs:.0f} s CPU (extrapolated) "
        f"vs vectorised {wall:.2f} s / {cpu:.2f} s: {per_wall * runs / wall:.0f}x wall, {per_cpu * runs / cpu:.0f}x CPU"
    )
    noisy = with_data_error(criteria)
    wall, cpu = timed(lambda: uncertainty_analysis(df, noisy, samples=4096), REPEATS)
    names = ", ".join(build_factors(noisy).names)
    print(f"N = 4,096 with data error too ({names}): {wall:.2f} s wall, {cpu:.2f} s CPU")
    for n in (4096, 16384):
        tracemalloc.start()
        uncertainty_analysis(df, criteria, samples=n)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak traced memory at N = {n:,}: {peak / 2**20:.1f} MiB")
    print(f"load average at end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
