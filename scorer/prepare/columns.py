"""Which spreadsheet columns feed the criteria: the column plan, the id column, weight overrides.

A missing indicator column ``x`` may be stood in for by ``illustrative_x``
(made-up demo data, flagged in every output).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.errors import ConfigError, DataError, Problem
from scorer.model.criteria import Criteria, did_you_mean
from scorer.prepare.countries import default_resolver

ILLUSTRATIVE_PREFIX = "illustrative_"


@dataclass(frozen=True)
class ColumnPlan:
    """Which spreadsheet column feeds each indicator, and which are stand-ins."""

    columns: dict[str, str]
    illustrative: dict[str, str]


def apply_weights(criteria: Criteria, weights: Mapping[str, float]) -> Criteria:
    """Replace criterion weights (relative values), checking names and values.

    >>> from scorer.io.criteria_file import parse_criteria_text
    >>> c = parse_criteria_text(
    ...     "name: x\\ncriteria:\\n"
    ...     "  a: {label: A, cites: p, weight: 1, indicators: {i: {column: c}}}\\n"
    ...     "  b: {label: B, cites: p, weight: 1, indicators: {j: {column: d}}}"
    ... )
    >>> apply_weights(c, {"a": 3}).criterion_weights()
    {'a': 0.75, 'b': 0.25}
    """
    problems: list[Problem] = []
    known = [node.id for node in criteria.nodes()]
    for name, value in weights.items():
        if name not in known:
            problems.append(
                Problem(
                    "config.weight",
                    f"should be a criterion id ({', '.join(known)}), but it is {name!r}" + did_you_mean(name, known),
                    key=f"weights.{name}",
                )
            )
        elif not (isinstance(value, (int, float)) and np.isfinite(value) and value >= 0):
            problems.append(Problem("config.weight", f"should be >= 0, but it is {value!r}", key=f"weights.{name}"))
    if problems:
        raise ConfigError(problems)
    updated = criteria.with_weights({k: float(v) for k, v in weights.items()})
    if all(c.weight == 0 for c in updated.criteria.values()):
        raise ConfigError(
            Problem("config.weight", "criterion weights should not all be 0, but they are", key="weights")
        )
    for node in updated.nodes():
        if node.criterion.criteria and all(sub.weight == 0 for sub in node.criterion.criteria.values()):
            message = f"the weights of {node.id!r}'s criteria should not all be 0, but they are"
            raise ConfigError(Problem("config.weight", message, key="weights"))
    return updated


def plan_columns(columns: list[str], criteria: Criteria, *, source: str, id_column: str | None = None) -> ColumnPlan:
    """Map indicators to columns; a missing ``x`` may be stood in for by ``illustrative_x``."""
    present = set(columns)
    id_column = id_column or criteria.id_column
    problems: list[Problem] = []
    plan: dict[str, str] = {}
    illustrative: dict[str, str] = {}

    def missing(column: str, needed_by: str) -> Problem:
        return Problem(
            "data.missing_column",
            f"should have a column {column!r} ({needed_by}), but it does not" + did_you_mean(column, columns),
            file=source,
            column=column,
        )

    if id_column not in present:
        problems.append(missing(id_column, "id_column"))
    for cid, iid, ind in criteria.indicator_items():
        if ind.column in present:
            plan[iid] = ind.column
        elif ILLUSTRATIVE_PREFIX + ind.column in present:
            plan[iid] = illustrative[iid] = ILLUSTRATIVE_PREFIX + ind.column
        else:
            problems.append(missing(ind.column, f"criteria.{cid}.indicators.{iid}.column"))
        if ind.missing_group and ind.missing_group not in present:
            problems.append(missing(ind.missing_group, f"criteria.{cid}.indicators.{iid}.missing_group"))
    for i, rule in enumerate(criteria.eligibility):
        if rule.column not in present:
            problems.append(missing(rule.column, f"eligibility.{i}.column"))
    if problems:
        raise DataError(unique_problems(problems))
    return ColumnPlan(plan, illustrative)


def unique_problems(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats (same wording), first occurrence kept."""
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.format() not in seen:
            seen.add(p.format())
            out.append(p)
    return out


def choose_id_column(df: pd.DataFrame, criteria: Criteria, *, id_column: str | None = None) -> str:
    """The id column: ``id_column`` if given, the criteria's if present, else the column that reads as countries.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = load_criteria(default_criteria_path())
    >>> choose_id_column(pd.DataFrame({"Pays": ["Algérie", "Pérou"], "s": [1, 2]}), c)
    'Pays'
    """
    if id_column:
        return id_column
    columns = [str(c) for c in df.columns]
    if criteria.id_column in columns:
        return criteria.id_column
    folded = {c.strip().casefold(): c for c in columns}
    if criteria.id_column.strip().casefold() in folded:
        return folded[criteria.id_column.strip().casefold()]
    return default_resolver().detect_id_column(df) or criteria.id_column
