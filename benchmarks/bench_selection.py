"""Time the set selection on a synthetic 162-country problem.

162 countries (the UNCTs of summary para 7) with seeded random scores, six
regions (the M49 regions Africa, Americas, Asia, Europe, Oceania, with the
Americas split into its M49 sub-regions Latin America and the Caribbean and
Northern America), a random cost of 10..200 staff-days each;
capacity 25, a budget of 2000 staff-days, and each region at least 3 and at
most 10 UNCTs. Prints the median of 20 solves (target: under 1 s).

Run: PYTHONPATH=. python benchmarks/bench_selection.py
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import pandas as pd

from scorer.selection import GroupBound, SelectionSpec, select_countries

REGIONS = (
    "Africa",
    "Latin America and the Caribbean",
    "Northern America",
    "Asia",
    "Europe",
    "Oceania",
)
N_COUNTRIES = 162
REPEATS = 20


def synthetic(seed: int = 20210816) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    """Scores, regions and costs for 162 made-up ISO3 codes."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    codes: list[str] = []
    while len(codes) < N_COUNTRIES:
        code = "".join(rng.choice(letters, 3))
        if code not in codes:
            codes.append(code)
    index = pd.Index(codes, name="iso3")
    scores = pd.Series(rng.uniform(0, 1, N_COUNTRIES), index=index, name="score")
    groups = pd.DataFrame({"region": rng.choice(REGIONS, N_COUNTRIES)}, index=index)
    costs = pd.Series(rng.integers(10, 201, N_COUNTRIES).astype(float), index=index, name="staff_days")
    return scores, groups, costs


def main() -> None:
    scores, groups, costs = synthetic()
    spec = SelectionSpec(
        capacity=25,
        budget=2000.0,
        cost_column="staff_days",
        bounds=tuple(GroupBound("region", r, min=3, max=10) for r in REGIONS),
    )
    main_solve: list[float] = []
    full_call: list[float] = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = select_countries(scores, spec, groups=groups, costs=costs)
        full_call.append(time.perf_counter() - start)
        main_solve.append(result.solve_seconds)
    print(f"countries: {N_COUNTRIES}, chosen: {len(result.chosen)}")
    print(f"total score: {result.total_score:.4f}, cost: {result.total_cost:g}")
    print(f"price of balance: {result.price_of_balance:.4f}")
    print("binding: " + "; ".join(b.label for b in result.binding))
    if result.best_left_out is not None:
        print("best left out: " + result.best_left_out.label)
    whole = statistics.median(full_call) * 1000
    print(
        f"median of {REPEATS}: solve {statistics.median(main_solve) * 1000:.1f} ms, "
        f"whole select_countries call (3 solves) {whole:.1f} ms (target < 1000 ms): "
        + ("met" if whole < 1000 else "NOT met")
    )
    large()


def large(n: int = 5_000, repeats: int = 3) -> None:
    """``select_countries`` on 5,000 made-up units (issue 18: within 5 s), CPU time, median of ``repeats``."""
    rng = np.random.default_rng(1)
    codes = [f"U{i:05d}" for i in range(n)]
    scores = pd.Series(rng.uniform(0, 0.6, n), index=codes)
    groups = pd.DataFrame({"region": rng.choice(REGIONS, n)}, index=codes)
    costs = pd.Series(rng.integers(10, 201, n).astype(float), index=codes, name="staff_days")
    cases = {
        "capacity 25": SelectionSpec(capacity=25),
        "+ region at most 3": SelectionSpec(capacity=25, bounds=(GroupBound("region", "Africa", max=3),)),
        "+ every region 3..10": SelectionSpec(
            capacity=25, bounds=tuple(GroupBound("region", r, min=3, max=10) for r in REGIONS)
        ),
        "+ budget 2000": SelectionSpec(
            capacity=25, budget=2000.0, bounds=tuple(GroupBound("region", r, min=3, max=10) for r in REGIONS)
        ),
    }
    print(
        f"\n{n:,} units, whole select_countries call (CPU s, median of {repeats}; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    for label, spec in cases.items():
        times = []
        for _ in range(repeats):
            start = time.process_time()
            select_countries(scores, spec, groups=groups, costs=costs)
            times.append(time.process_time() - start)
        cpu = statistics.median(times)
        print(f"  {label:<22} {cpu:6.2f} s  {cpu / 5:.2f}x of 5 s: " + ("met" if cpu <= 5 else "NOT met"))


if __name__ == "__main__":
    main()
