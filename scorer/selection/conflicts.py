"""Why a selection is infeasible: counting arguments first, else an irreducible set of constraints."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scorer.errors import (
    Problem,
    ScoringError,
)
from scorer.selection.model import (
    BUDGET_TOLERANCE,
    BoolArray,
    FloatArray,
    SelectionSpec,
    _fmt,
    _listing,
)
from scorer.selection.program import _Prepared, _Row, _solve


def _infeasible(message: str, fix: str = "relax or drop one of these constraints") -> Problem:
    return Problem("selection.infeasible", f"the request is infeasible: {message}", fix=fix)


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _counting_conflicts(prep: _Prepared) -> list[Problem]:
    """Conflicts a simple count proves; each is sound on its own."""
    mins, maxes = _group_limits(prep.spec)
    out = _forced_conflicts(prep)
    short, problems = _minimum_conflicts(prep, mins, maxes)
    out += problems + _maximum_conflicts(prep, maxes)
    for col in dict.fromkeys(col for col, _ in mins):
        out += _column_total_conflicts(prep, mins, [k for k in mins if k[0] == col and mins[k] > 0], short)
    return out


def _group_limits(spec: SelectionSpec) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """The tightest minimum and maximum count per (column, value)."""
    mins: dict[tuple[str, str], int] = {}
    maxes: dict[tuple[str, str], int] = {}
    for b in spec.bounds:
        key = (b.column, b.value)
        if b.min is not None:
            mins[key] = max(mins.get(key, 0), b.min)
        if b.max is not None:
            maxes[key] = min(maxes.get(key, b.max), b.max)
    return mins, maxes


def _members(prep: _Prepared, col: str, val: str) -> BoolArray:
    return np.array([v == val for v in prep.group_text[col]], dtype=bool)


def _forced_conflicts(prep: _Prepared) -> list[Problem]:
    """The included countries alone break the capacity or the budget."""
    spec = prep.spec
    out: list[Problem] = []
    forced_codes = [c for c, f in zip(prep.iso3, prep.forced, strict=True) if f]
    if spec.capacity is not None and len(forced_codes) > spec.capacity:
        out.append(
            _infeasible(
                f"include forces {len(forced_codes)} UNCTs "
                f"({_listing(forced_codes)}), but the capacity is {spec.capacity}"
            )
        )
    if spec.budget is not None and prep.cost is not None and forced_codes:
        forced_cost = float(prep.cost[prep.forced].sum())
        if forced_cost > spec.budget * (1 + BUDGET_TOLERANCE):
            out.append(
                _infeasible(
                    f"the {len(forced_codes)} included countries cost "
                    f"{_fmt(forced_cost)}{prep.cost_unit}, but the budget is "
                    f"{_fmt(spec.budget)}"
                )
            )
    return out


def _minimum_conflicts(
    prep: _Prepared, mins: dict[tuple[str, str], int], maxes: dict[tuple[str, str], int]
) -> tuple[set[tuple[str, str]], list[Problem]]:
    """A minimum above its maximum, or above the eligible countries of its group; the groups short of countries."""
    out: list[Problem] = []
    short: set[tuple[str, str]] = set()
    for (col, val), lo in mins.items():
        member = _members(prep, col, val)
        if (col, val) in maxes and maxes[(col, val)] < lo:
            out.append(
                _infeasible(
                    f"{col}={val} >= {lo} and {col}={val} <= {maxes[(col, val)]} cross: no count satisfies both"
                )
            )
        available = int((member & ~prep.excluded).sum())
        if available < lo:
            short.add((col, val))
            n_excl = int((member & prep.excluded).sum())
            note = f" ({n_excl} excluded)" if n_excl else ""
            out.append(
                _infeasible(
                    f"{col}={val} >= {lo} needs {lo} UNCTs with {col}={val}, but "
                    f"only {available} eligible {'country has' if available == 1 else 'countries have'} it{note}"
                )
            )
    return short, out


def _maximum_conflicts(prep: _Prepared, maxes: dict[tuple[str, str], int]) -> list[Problem]:
    """The included countries of a group already exceed its maximum."""
    out: list[Problem] = []
    for (col, val), hi in maxes.items():
        member = _members(prep, col, val)
        in_group = [c for c, m in zip(prep.iso3, member & prep.forced, strict=True) if m]
        if len(in_group) > hi:
            out.append(
                _infeasible(
                    f"include forces {len(in_group)} UNCTs with {col}={val} "
                    f"({_listing(in_group)}), but {col}={val} <= {hi}"
                )
            )
    return out


def _column_total_conflicts(
    prep: _Prepared, mins: dict[tuple[str, str], int], keys: list[tuple[str, str]], short: set[tuple[str, str]]
) -> list[Problem]:
    """The minimums of one column together need more UNCTs than the capacity, or cost more than the budget."""
    spec = prep.spec
    out: list[Problem] = []
    names = [f"{c}={v} >= {mins[(c, v)]}" for c, v in keys]
    need = sum(mins[k] for k in keys)
    together = "together need" if len(keys) > 1 else "needs"
    if spec.capacity is not None and need > spec.capacity:
        out.append(_infeasible(f"{_and(names)} {together} {need} UNCTs, but the capacity is {spec.capacity}"))
    if spec.budget is not None and prep.cost is not None and keys and not short.intersection(keys):
        cheapest = 0.0
        for c, v in keys:
            pool = np.sort(prep.cost[_members(prep, c, v) & ~prep.excluded])
            cheapest += float(pool[: mins[(c, v)]].sum())
        if cheapest > spec.budget * (1 + BUDGET_TOLERANCE):
            cost_verb = "together cost" if len(keys) > 1 else "costs"
            out.append(
                _infeasible(
                    f"{_and(names)} {cost_verb} at least {_fmt(cheapest)}"
                    f"{prep.cost_unit}, but the budget is {_fmt(spec.budget)}"
                )
            )
    return out


def _irreducible_conflict(prep: _Prepared) -> list[_Row]:
    """Deletion filter: a minimal set of rows that cannot hold together.

    Include/exclude rows are tried first, so the set found leans on the
    capacity, budget and group bounds when those suffice to conflict.
    """
    order = {"include": 0, "exclude": 1, "min": 2, "max": 3, "budget": 4, "capacity": 5}
    kept = sorted(prep.rows, key=lambda r: order[r.kind])
    i = 0
    while i < len(kept):
        trial = kept[:i] + kept[i + 1 :]
        if _solve(None, trial, prep.tiebreak) is None:
            kept = trial
        else:
            i += 1
    return kept


def _explain_infeasible(prep: _Prepared) -> ScoringError:
    problems = _counting_conflicts(prep)
    if not problems:
        names = [r.name for r in _irreducible_conflict(prep)]
        if len(names) == 1:
            problems = [_infeasible(f"{names[0]} cannot hold on its own")]
        else:
            problems = [
                _infeasible(
                    f"{_and(names)} cannot all hold together",
                    fix="dropping or relaxing any one of them makes the request feasible",
                )
            ]
    return ScoringError(problems)


def _solve_or_explain(prep: _Prepared, values: FloatArray, rows: Sequence[_Row]) -> BoolArray:
    chosen = _solve(values, rows, prep.tiebreak)
    if chosen is None:
        raise _explain_infeasible(prep)
    return chosen
