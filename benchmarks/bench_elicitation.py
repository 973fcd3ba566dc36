"""Time of `unct-scorer weights` for 30 stakeholders on the demo: library steps and the whole command.

Run on demand: python benchmarks/bench_elicitation.py [--stakeholders 30] [--runs 3]

The 30 stakeholders' judgements are SYNTHETIC (drawn from a seeded generator:
each person's "true" weights from a Dirichlet, judgements rounded to Saaty's
scale, about one pair in six left blank); they stand for nobody and only load
the code. Prints the median of N runs of: reading the judgement workbook, the
AHP weights (each person and the group), ranking under every stakeholder's,
the group's and the compromise weights, sampling the stakeholders' hull, and
the whole command as a separate process.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from scorer import load_criteria, read_countries
from scorer.elicitation.ahp import scale_text
from scorer.elicitation.committee import DEFAULT_HULL_DRAWS, hull_report
from scorer.elicitation.group import analyse_group, stakeholder_scorer
from scorer.elicitation.workflow import elicit
from scorer.io.judgements import read_judgements, save_judgement_workbook
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.starter.judgements import MATRIX_ROW, TABLE_COLUMNS, build_judgement_workbook, table_row


def synthetic_workbook(path: Path, n_people: int, seed: int = 1) -> None:
    """A judgement workbook filled with synthetic, seeded judgements (pairwise and swing) for ``n_people``."""
    criteria = load_criteria(default_criteria_path())
    ids = list(criteria.criteria)
    names = [f"Person {i:02d}" for i in range(1, n_people + 1)]
    wb = build_judgement_workbook(criteria, names, workbook=path.name)
    rng = np.random.default_rng(seed)
    for name in names:
        ws = wb[name]
        truth = rng.dirichlet(np.ones(len(ids)) * 2)
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                if j > i + 1 and rng.random() < 1 / 6:
                    continue  # a blank pair (never one that would disconnect the chain i, i+1)
                noisy = truth[i] / truth[j] * float(np.exp(rng.normal(0, 0.3)))
                ws.cell(row=MATRIX_ROW + 1 + i, column=2 + j).value = scale_text(noisy)
        top = table_row(len(ids))
        for i in range(len(ids)):
            ws.cell(row=top + 1 + i, column=TABLE_COLUMNS["swing"]).value = round(100 * truth[i] / truth.max())
    save_judgement_workbook(wb, path, force=True)


CPU: dict[int, float] = {}


def median_time(step: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of ``runs`` calls (the median CPU time of this process is kept in CPU[id(result)])."""
    times, cpus, out = [], [], None
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        out = step()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    CPU[len(CPU)] = statistics.median(cpus)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stakeholders", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    criteria = load_criteria(default_criteria_path())
    df = read_countries(demo_spreadsheet_path())
    ids = list(criteria.criteria)
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "judgements.xlsx"
        synthetic_workbook(book, args.stakeholders)
        t_read, people = median_time(lambda: read_judgements(book, criteria), args.runs)
        t_ahp, e = median_time(lambda: elicit(ids, people, method="ahp"), args.runs)
        score = stakeholder_scorer(df, criteria)
        t_rank, analysis = median_time(lambda: analyse_group(e.people, e.group, score, top_k=15), args.runs)
        base = score(e.group.as_dict())
        t_hull, _ = median_time(
            lambda: hull_report(base, e.people, draws=DEFAULT_HULL_DRAWS, seed=1, top_k=15), args.runs
        )
        exe = shutil.which("unct-scorer")
        cmd = [exe] if exe else [sys.executable, "-m", "scorer"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t_cli, _ = median_time(
            lambda: subprocess.run([*cmd, "weights", str(book)], check=True, capture_output=True), args.runs
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / args.runs
    n = len(e.people)
    cpu_ms = [CPU[i] * 1000 for i in range(4)]
    print(f"{n} synthetic stakeholders, {len(ids)} criteria, {len(analysis.ranks)} countries; median of {args.runs}:")
    print(f"  read the judgement workbook         {t_read * 1000:8.1f} ms wall, {cpu_ms[0]:.0f} ms CPU")
    print(f"  AHP weights (each person + group)   {t_ahp * 1000:8.1f} ms wall, {cpu_ms[1]:.0f} ms CPU")
    print(f"  rank under {n + 2} weightings, compare {t_rank * 1000:8.1f} ms wall, {cpu_ms[2]:.0f} ms CPU")
    hull = f"hull sampling, {DEFAULT_HULL_DRAWS:,} draws"
    print(f"  {hull:<35} {t_hull * 1000:8.1f} ms wall, {cpu_ms[3]:.0f} ms CPU")
    print(f"  unct-scorer weights (whole process) {t_cli * 1000:8.1f} ms wall, {cpu * 1000:.0f} ms CPU (mean)")


if __name__ == "__main__":
    main()
