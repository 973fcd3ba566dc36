"""From a ``selection:`` section (and command-line overrides) to a solved selection.

:mod:`scorer.selection` solves the 0-1 program on plain Series and frames.
This module is the glue a user needs around it: merge the criteria file's
``selection:`` section with overrides, read the group and cost columns of the
scored spreadsheet for the eligible countries, expand "every value of a
column" counts (``region:3`` means at least 3 UNCTs in *each* region, the
regional coalitions of para. 15), solve, and turn the answer into DataFrames
and a JSON-ready dict for export. No files, no printing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from scorer.core.aggregation import weighted_sum
from scorer.core.result import ScoreResult
from scorer.errors import ConfigError, DataError, Problem
from scorer.model.criteria import Aggregation, GroupCount, Selection, did_you_mean
from scorer.pipeline import choose_id_column, identify_rows
from scorer.prepare.cells import clean_text, is_missing, parse_number
from scorer.render.formatting import plain_number
from scorer.selection import GroupBound, SelectionResult, SelectionSpec, select_countries, selection_shares

ROBUST_DRAWS = 100
"""Weightings drawn by default for a selection's robustness (one integer program each), in ``select`` and the report."""

#: Most weight draws ``robust_shares`` accepts (one integer program each).
MAX_DRAWS = 1000


def parse_group_count(text: str, *, option: str = "--min-per") -> GroupCount:
    """Parse ``COLUMN=VALUE:N`` (one group) or ``COLUMN:N`` (every value of the column).

    The count is after the last colon, so values may hold colons.

    >>> parse_group_count("region=Africa:3")
    GroupCount(column='region', value='Africa', count=3)
    >>> parse_group_count("region:3")
    GroupCount(column='region', value=None, count=3)
    >>> parse_group_count("region=Africa")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: --min-per: should be COLUMN=VALUE:N or COLUMN:N (...), but it is 'region=Africa'
    """
    head, sep, count = text.rpartition(":")
    column, eq, value = head.partition("=")
    if not sep or not column.strip() or (eq and not value.strip()):
        raise ConfigError(
            Problem(
                "config.selection",
                f"should be COLUMN=VALUE:N or COLUMN:N (e.g. region=Africa:3), but it is {text!r}",
                key=option,
            )
        )
    try:
        number = int(count.strip())
    except ValueError:
        number = -1
    if number < 0:
        raise ConfigError(
            Problem(
                "config.selection",
                f"the count after ':' should be a whole number >= 0, but it is {count.strip()!r}",
                key=f"{option} {text}",
            )
        )
    return GroupCount(column=column.strip(), value=value.strip() if eq else None, count=number)


@dataclass(frozen=True)
class SelectionOverrides:
    """Values given on the command line; ``None`` keeps the criteria file's value.

    A list given here replaces the file's list (``min_per`` replaces the whole
    ``min_per`` list), so what the command line says is what is solved.

    >>> merged = SelectionOverrides(capacity=25).apply(Selection(capacity=10, include=["DZA"]))
    >>> merged.capacity, merged.include
    (25, ['DZA'])
    """

    capacity: int | None = None
    budget: float | None = None
    cost_column: str | None = None
    default_cost: float | None = None
    min_per: tuple[GroupCount, ...] | None = None
    max_per: tuple[GroupCount, ...] | None = None
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    objective: str | None = None
    cost_weight: float | None = None

    def apply(self, base: Selection | None) -> Selection:
        """The file's section with these overrides, re-validated."""
        data = base.model_dump() if base is not None else {}
        for name in SelectionOverrides.__dataclass_fields__:
            value = getattr(self, name)
            if value is None:
                continue
            if name in ("min_per", "max_per"):
                value = [g.model_dump() for g in value]
            elif name in ("include", "exclude"):
                value = [clean_text(c).upper() for c in value]
            data[name] = value
        return Selection.model_validate(data)


def group_frame(result: ScoreResult, data: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The spreadsheet's ``columns`` for the scored (eligible) countries, indexed like ``result.table``.

    ``data`` is the frame that was scored; its ids are resolved to ISO3 as the
    pipeline resolves them (so names in any language line up). For a result
    ranked by office (``--group-by``) each office's value combines its
    members' values (see :func:`_office_value`). A column not in ``data`` is a
    :class:`DataError` naming the spreadsheet.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> g = group_frame(demo_result(), read_countries(demo_spreadsheet_path()), ["region"])
    >>> g.shape, g.loc["DZA", "region"]
    ((162, 1), 'Africa')
    """
    wanted = list(dict.fromkeys(columns))
    source = str(data.attrs.get("source", result.source))
    present = [str(c) for c in data.columns]
    missing = [c for c in wanted if c not in present]
    if missing:
        raise DataError(
            [
                Problem(
                    "data.missing_column",
                    f"column {c!r} named by the selection should be in the spreadsheet, but it is not"
                    + did_you_mean(c, present),
                    file=source,
                )
                for c in missing
            ]
        )
    id_col = choose_id_column(data, result.criteria, id_column=data.attrs.get("id_column"))
    identity = identify_rows(data[id_col], np.arange(len(data)), column=id_col, source=source)
    frame = data[wanted].copy()
    frame.index = pd.Index(identity.ids, name=result.table.index.name)
    frame = frame[~frame.index.duplicated(keep="first")]
    frame = frame.map(lambda v: None if is_missing(v) else (clean_text(v) if isinstance(v, str) else v))
    if result.offices is None:
        return frame.reindex(result.table.index)
    members = result.offices.members
    combined = {
        office: {c: _office_value(frame.reindex(members.index[members["office"] == office])[c]) for c in wanted}
        for office in result.table.index
    }
    out = pd.DataFrame.from_dict(combined, orient="index", columns=wanted)
    out.index.name = result.table.index.name
    return out


def _office_value(values: pd.Series) -> object:
    """One office's value of a column from its members' values.

    Numbers (e.g. a cost in staff-days per country) add up, since the office
    covers every member; text takes the value the members share, else the most
    common one (ties: the first alphabetically).

    >>> _office_value(pd.Series(["Americas", "Americas"])), _office_value(pd.Series(["3", 4.5]))
    ('Americas', 7.5)
    """
    present = [v for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))]
    if not present:
        return None
    numbers = [parse_number(v) for v in present]
    if all(n.kind == "value" for n in numbers):
        return float(sum(n.value or 0.0 for n in numbers))
    counts = pd.Series([str(v) for v in present]).value_counts()
    return sorted(counts.index[counts == counts.max()])[0]


def build_spec(selection: Selection, groups: pd.DataFrame) -> SelectionSpec:
    """Turn a validated ``selection:`` section into a :class:`SelectionSpec`.

    A count without a value applies to every value found in ``groups`` (the
    eligible countries); a count with a value overrides it for that value.

    >>> groups = pd.DataFrame({"region": ["Africa", "Asia", "Africa"]}, index=["DZA", "IND", "KEN"])
    >>> spec = build_spec(Selection(capacity=2, min_per=[GroupCount(column="region", count=1)]), groups)
    >>> [b.labels() for b in spec.bounds]
    [['region=Africa >= 1'], ['region=Asia >= 1']]
    """
    limits: dict[tuple[str, str], dict[str, int]] = {}
    for kind, counts in (("min", selection.min_per), ("max", selection.max_per)):
        # Every-value counts first, so a count naming one value overrides them.
        for g in sorted(counts, key=lambda g: g.value is not None):
            if g.value is None and g.column in groups.columns:
                values = sorted({str(v) for v in groups[g.column] if not is_missing(v)})
            else:
                values = [g.value if g.value is not None else ""]
            for value in values:
                limits.setdefault((g.column, value), {})[kind] = g.count
    bounds = tuple(GroupBound(col, val, min=lim.get("min"), max=lim.get("max")) for (col, val), lim in limits.items())
    return SelectionSpec(
        capacity=selection.capacity,
        budget=selection.budget,
        cost_column=selection.cost_column,
        default_cost=selection.default_cost,
        bounds=bounds,
        include=tuple(selection.include),
        exclude=tuple(selection.exclude),
        objective=selection.objective,
        cost_weight=selection.cost_weight,
    )


def selection_columns(selection: Selection) -> list[str]:
    """The spreadsheet columns a selection reads: group columns, then the cost column."""
    cols = [g.column for g in (*selection.min_per, *selection.max_per)]
    if selection.cost_column:
        cols.append(selection.cost_column)
    return list(dict.fromkeys(cols))


@dataclass(frozen=True)
class SelectionReport:
    """What ``select`` found: the solved programme, the spec solved, the group columns and, when asked, its robustness.

    Every output is a rendering of this object, in the CLI and in the report:
    :meth:`table` (the chosen set, best score first), :meth:`lines` (the
    sentences), :meth:`to_dict` (what ``--format json`` prints),
    :meth:`robust_table` and :meth:`robust_heading`. ``robust`` (id -> share
    of ``robust_draws`` weightings drawn with ``robust_seed`` whose optimal
    set has the country) is set by :meth:`with_robustness`.
    """

    result: ScoreResult
    solved: SelectionResult
    spec: SelectionSpec
    groups: pd.DataFrame
    robust: pd.Series | None = None
    robust_draws: int = 0
    robust_seed: int | None = None

    @property
    def ids(self) -> list[str]:
        """The chosen ids, best score first."""
        return [str(i) for i in self.solved.chosen.index]

    def table(self) -> pd.DataFrame:
        """The chosen set (:func:`selection_table`)."""
        return selection_table(self.solved, self.result)

    def shown_table(self) -> pd.DataFrame:
        """The chosen set as the terminal shows it: the cost columns only when a cost column is used."""
        table = self.table()
        return table.drop(columns=["cost", "cost_defaulted"]) if self.spec.cost_column is None else table

    def lines(self) -> list[str]:
        """The sentences (:func:`summary_lines`)."""
        return summary_lines(self.solved, self.spec)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (:func:`selection_to_dict`), with the robustness and the count and seed it took."""
        out = selection_to_dict(self.solved, self.result, self.spec, robust=self.robust)
        if self.robust is not None:
            out["robust_draws"], out["robust_seed"] = self.robust_draws, self.robust_seed
        return out

    def robust_table(self) -> pd.DataFrame | None:
        """id, name, share of draws selected, chosen (:func:`robust_table`); None without robustness."""
        return None if self.robust is None else robust_table(self.robust, self.result, self.ids)

    def robust_heading(self) -> str:
        """The robustness table's heading: what the shares are, over how many draws, with which seed."""
        return (
            f"Robustness: share of {self.robust_draws} plausible weightings (seed {self.robust_seed}) "
            "with each country chosen"
        )

    def with_robustness(self, *, draws: int, seed: int | None) -> SelectionReport:
        """This selection with its robustness over ``draws`` weightings (:func:`robust_shares`)."""
        shares = robust_shares(self.result, self.spec, self.groups, draws=draws, seed=seed)
        return replace(self, robust=shares, robust_draws=draws, robust_seed=seed)

    def blank_groups(self) -> list[str]:
        """The group columns blank for every ranked unit (no count on them can apply)."""
        g = self.groups
        return [c for c in g.columns if c != self.spec.cost_column and len(g) and g[c].isna().all()]


def select_from_result(result: ScoreResult, selection: Selection, data: pd.DataFrame) -> SelectionReport:
    """Choose the best set of UNCTs among the countries ``result`` scored.

    ``data`` is the scored spreadsheet (it holds the group and cost columns).

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> sel = Selection(capacity=25, min_per=[GroupCount(column="region", count=3)])
    >>> rep = select_from_result(demo_result(), sel, read_countries(demo_spreadsheet_path()))
    >>> len(rep.ids), int(rep.solved.chosen["region"].value_counts().min()) >= 3
    (25, True)
    """
    groups = group_frame(result, data, selection_columns(selection))
    spec = build_spec(selection, groups)
    solved = select_countries(result.table["score"], spec, groups=groups)
    return SelectionReport(result, solved, spec, groups)


def selection_table(solved: SelectionResult, result: ScoreResult) -> pd.DataFrame:
    """The chosen set, best score first: pick, rank (in the full ranking), id, name, score, cost, groups.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> r = demo_result()
    >>> rep = select_from_result(r, Selection(capacity=3), read_countries(demo_spreadsheet_path()))
    >>> selection_table(rep.solved, r).columns.tolist()
    ['pick', 'rank', 'id', 'name', 'score', 'cost', 'cost_defaulted', 'forced']
    """
    chosen = solved.chosen
    ids = list(chosen.index)
    out = pd.DataFrame(
        {
            "pick": np.arange(1, len(ids) + 1),
            "rank": result.table.loc[ids, "rank"].to_numpy(),
            "id": np.array(ids, dtype=object),
            "name": result.table.loc[ids, "name"].to_numpy(dtype=object),
            "score": chosen["score"].to_numpy(dtype=float),
            "cost": chosen["cost"].to_numpy(dtype=float),
            "cost_defaulted": chosen["cost_defaulted"].to_numpy(dtype=bool),
        }
    )
    for col in chosen.columns:
        if col not in ("score", "cost", "cost_defaulted", "forced"):
            out[col] = chosen[col].to_numpy(dtype=object)
    out["forced"] = chosen["forced"].to_numpy(dtype=bool)
    return out


def _finite(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def selection_to_dict(
    solved: SelectionResult,
    result: ScoreResult,
    spec: SelectionSpec,
    *,
    robust: pd.Series | None = None,
) -> dict[str, Any]:
    """A JSON-ready dict of the selection (no timing, so it is reproducible).

    ``--format json`` and ``-o x.json`` print exactly this (plus provenance in the file).
    """
    import json

    table = selection_table(solved, result)
    records = json.loads(table.to_json(orient="records", double_precision=15))
    left = solved.best_left_out
    out: dict[str, Any] = {
        "criteria": result.criteria.name,
        "objective": solved.objective,
        "capacity": spec.capacity,
        "budget": spec.budget,
        "cost_column": spec.cost_column,
        "default_cost": spec.default_cost,
        "constraints": [label for b in spec.bounds for label in b.labels()]
        + [f"include {c}" for c in spec.include]
        + [f"exclude {c}" for c in spec.exclude],
        "count": len(table),
        "total_value": solved.total_value,
        "total_score": solved.total_score,
        "total_cost": _finite(solved.total_cost),
        "chosen": records,
        "binding": [
            {"constraint": b.constraint, "bound": b.bound, "actual": b.actual, "label": b.label} for b in solved.binding
        ],
        "best_left_out": None
        if left is None
        else {
            "id": left.iso3,
            "score": left.score,
            "needed_increase": _finite(left.needed_increase),
            "can_enter": math.isfinite(left.needed_increase),
            "replaces": list(left.replaces),
            "also_enters": list(left.also_enters),
            "label": left.label,
        },
        "price_of_balance": solved.price_of_balance,
        "unconstrained_value": solved.unconstrained_value,
        "unconstrained": list(solved.unconstrained),
        "defaulted_costs": list(solved.defaulted_costs),
        "notes": list(result.notes),
    }
    if robust is not None:
        out["robust"] = [{"id": k, "share_selected": float(v)} for k, v in robust.items()]
    return out


def summary_lines(solved: SelectionResult, spec: SelectionSpec) -> list[str]:
    """Plain sentences explaining the selection, for the terminal and Markdown."""
    lines = [f"Chosen: {len(solved.chosen)} UNCTs; total score {solved.total_score:.4f}"]
    if solved.objective == "score-minus-cost":
        lines[0] += f"; objective (score - {plain_number(spec.cost_weight)} x cost) {solved.total_value:.4f}"
    if math.isfinite(solved.total_cost):
        lines[0] += f"; total cost {plain_number(solved.total_cost)}" + (
            f" ({spec.cost_column})" if spec.cost_column else ""
        )
    if solved.binding:
        lines.append("Binding: " + "; ".join(b.label for b in solved.binding))
    else:
        lines.append("Binding: none (every limit has room left)")
    if solved.best_left_out is not None:
        lines.append(f"Best left out: {solved.best_left_out.label}")
    dropped = sorted(set(solved.unconstrained) - set(solved.chosen.index))
    price = f"Price of balance: {solved.price_of_balance:.4f} of total value"
    if solved.unconstrained_value:
        price += f" ({solved.price_of_balance / abs(solved.unconstrained_value):.1%})"
    price += " versus the best set under capacity and budget alone"
    if dropped:
        price += f", which would have taken {', '.join(dropped)} instead"
    lines.append(price)
    if solved.defaulted_costs:
        lines.append(
            f"Default cost {plain_number(spec.default_cost)} used for {len(solved.defaulted_costs)} countries "
            "with a blank "
            f"{spec.cost_column}: {', '.join(solved.defaulted_costs)}"
        )
    return lines


def robust_shares(
    result: ScoreResult,
    spec: SelectionSpec,
    groups: pd.DataFrame,
    *,
    draws: int,
    seed: int | None,
) -> pd.Series:
    """Share of plausible weightings under which each country is in the optimal set.

    Weights are drawn uniformly (:func:`scorer.solvers.sampling.sample_weights`) from
    the criteria's ``range`` bounds and ``weight_order``; each draw rescores
    the countries from their criterion scores with the one kernel
    (:func:`scorer.core.aggregation.weighted_sum`, missing criteria re-weighted as
    in the ranking) and solves the selection again
    (:func:`scorer.selection.selection_shares`). The work is ``draws`` integer
    programmes, a count: no timing changes the answer.
    Needs arithmetic aggregation (the score is then the weighted sum of the
    criterion scores). Same seed, same shares.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> r = demo_result()
    >>> rep = select_from_result(r, Selection(capacity=5), read_countries(demo_spreadsheet_path()))
    >>> shares = robust_shares(r, rep.spec, rep.groups, draws=10, seed=1)
    >>> round(float(shares.sum()), 6)
    5.0
    """
    from scorer.analyses import weight_constraints
    from scorer.solvers.sampling import sample_weights

    criteria = result.criteria
    if criteria.aggregation is not Aggregation.arithmetic:
        raise ConfigError(
            Problem(
                "config.selection",
                f"should be arithmetic for a robust selection, but it is {criteria.aggregation.value!r}",
                key="aggregation",
            )
        )
    if isinstance(draws, bool) or not 1 <= draws <= MAX_DRAWS:
        raise ConfigError(
            Problem("config.selection", f"should be between 1 and {MAX_DRAWS}, but it is {draws!r}", key="draws")
        )
    ids = list(criteria.criteria)
    weights = sample_weights(weight_constraints(criteria), draws, seed=seed)
    index = result.table.index
    mask = result.criterion_mask.loc[index, ids].to_numpy(dtype=bool)
    values = result.criterion_scores.loc[index, ids].to_numpy(dtype=float)
    scores = pd.DataFrame(weighted_sum(values, weights, mask).T, index=index)
    return selection_shares(scores, spec, groups=groups)


def robust_table(shares: pd.Series, result: ScoreResult, chosen: Sequence[str]) -> pd.DataFrame:
    """id, name, share of draws selected, and whether the main selection chose it (share > 0 only)."""
    kept = shares[shares > 0]
    ids = list(kept.index)
    return pd.DataFrame(
        {
            "id": np.array(ids, dtype=object),
            "name": result.table.loc[ids, "name"].to_numpy(dtype=object),
            "share_selected": kept.to_numpy(dtype=float),
            "chosen": np.array([c in set(chosen) for c in ids], dtype=bool),
        }
    )
