"""The analyses a report shows, each the one library function the commands call, with the report's wording.

* :func:`run_sensitivity` is :func:`scorer.tuning.sensitivity` (what
  ``unct-scorer sensitivity`` runs, with its defaults: seed, draws, the
  indicators' declared uncertainty);
* :func:`run_stability` is :func:`scorer.tuning.stability` (its sentences included);
* :func:`recommend` is :mod:`scorer.selection.config` (what ``select`` runs),
  its robustness bounded by a count of draws, never by a clock.

Nothing here computes a number a command computes differently.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.core.result import ScoreResult
from scorer.errors import ConfigError
from scorer.model.criteria import Aggregation, Criteria, Selection
from scorer.report.wording import interval_cells
from scorer.tuning import DEFAULT_DRAWS, DEFAULT_SEED

if TYPE_CHECKING:
    from scorer.tuning import SensitivityReport


@dataclass(frozen=True)
class Sensitivity:
    """The report's view of what ``unct-scorer sensitivity`` computes: a :class:`scorer.tuning.SensitivityReport`.

    Nothing is computed here: the arrays are columns of ``report.summary`` and
    ``report.acceptability``, in ``result.table`` order. ``acceptability[i, r]``
    is the share of draws in which country ``i`` is ranked ``r + 1``.
    """

    report: SensitivityReport

    @property
    def draws(self) -> int:
        return self.report.draws

    @property
    def seed(self) -> int:
        return self.report.seed

    @property
    def top_k(self) -> int:
        return self.report.top_k

    @property
    def uncertainty(self) -> dict[str, float]:
        """Indicator id -> declared relative error, for the indicators whose data varied in the draws."""
        return dict(self.report.uncertainty)

    @property
    def notes(self) -> list[str]:
        return list(self.report.notes)

    @property
    def p_top_k(self) -> NDArray[np.float64]:
        return self.report.summary["p_top_k"].to_numpy(dtype=float)

    @property
    def rank_low(self) -> NDArray[np.float64]:
        return self.report.summary["rank_p05"].to_numpy(dtype=float)

    @property
    def rank_high(self) -> NDArray[np.float64]:
        return self.report.summary["rank_p95"].to_numpy(dtype=float)

    @property
    def rank_median(self) -> NDArray[np.float64]:
        return self.report.summary["median_rank"].to_numpy(dtype=float)

    @property
    def acceptability(self) -> NDArray[np.float64]:
        return self.report.acceptability.drop(columns="name").to_numpy(dtype=float)

    def frame(self) -> pd.DataFrame:
        """One row per ranked country, as the Summary sheet of ``unct-scorer sensitivity -o`` (id first)."""
        return self.report.summary.reset_index()


def run_sensitivity(
    result: ScoreResult,
    *,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    top_k: int | None = None,
    data_uncertainty: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Sensitivity:
    """:func:`scorer.tuning.sensitivity` with its defaults (the one analysis ``unct-scorer sensitivity`` runs).

    Each indicator's declared ``uncertainty`` varies its data in each draw
    unless ``data_uncertainty`` is false; same seed, same numbers.

    >>> from scorer import demo_result
    >>> s = run_sensitivity(demo_result(), draws=200, seed=1, top_k=15)
    >>> round(float(s.p_top_k.sum()), 6), s.acceptability.shape
    (15.0, (162, 162))
    """
    from scorer.tuning import sensitivity

    return Sensitivity(
        sensitivity(result, draws=draws, seed=seed, top_k=top_k, data_uncertainty=data_uncertainty, progress=progress)
    )


@dataclass(frozen=True)
class Stability:
    """What would change the list: :func:`scorer.tuning.stability` at the result's weights.

    ``weights`` (by criterion) and ``countries`` (by id, ranking order) are the
    :class:`~scorer.analyses.StabilityReport`'s tables, untouched: the same
    numbers, sentences (``in_words``, ``weight_in_words``, ``value_in_words``)
    and column names as ``unct-scorer stability``. When the analysis does not
    apply (a geometric mean, criterion scores outside 0-1), both frames are
    None and ``reason`` says why in a sentence.
    """

    top_k: int
    unit: str
    weights: pd.DataFrame | None
    countries: pd.DataFrame | None
    reason: str = ""

    def near_cut(self) -> pd.DataFrame:
        """The rows of the countries ranked in the first 2K (the top K and as many below it)."""
        assert self.countries is not None
        return self.countries[self.countries["rank"] <= 2 * self.top_k]

    def weight_table(self) -> pd.DataFrame:
        """The weight intervals as displayed (text): criterion, label, share now, lowest, highest, plausible range."""
        assert self.weights is not None
        rows = []
        for cid, row in self.weights.iterrows():
            now, low, high = interval_cells(float(row["weight"]), float(row["low"]), float(row["high"]))
            rl, rh = float(row["range_low"]), float(row["range_high"])
            rows.append(
                {
                    "criterion": str(cid),
                    "label": str(row["label"]),
                    "share now": now,
                    "can go down to": low,
                    "can go up to": high,
                    "plausible range": "" if math.isnan(rl) else f"{rl:g} to {rh:g}",
                }
            )
        return pd.DataFrame(rows)

    def sheet(self) -> pd.DataFrame:
        """One table for a workbook: a row per criterion (its weight interval), then a row per country.

        The columns are the :class:`~scorer.analyses.StabilityReport`'s, under
        their names (criterion rows fill ``criterion`` to ``in_words``, country
        rows ``id`` to ``value_in_words``; the per-tier intervals stay in
        ``unct-scorer stability -o``), after ``kind``: ``weight interval`` or
        ``country``. When the analysis does not apply, one ``note`` row says why.
        """
        if self.weights is None or self.countries is None:
            return pd.DataFrame({"kind": ["note"], "in_words": [self.reason]})
        weights = self.weights.reset_index()
        countries = self.countries.reset_index()
        countries = countries[[c for c in countries.columns if not c.startswith(("tier_low_", "tier_high_"))]]
        frame = pd.concat([weights.assign(kind="weight interval"), countries.assign(kind="country")], ignore_index=True)
        frame = frame[["kind", *weights.columns, *countries.columns]]
        for col in ("low_open", "high_open", "rank", "in_top_k", "weight_in_range"):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        return frame


def run_stability(result: ScoreResult, *, top_k: int) -> Stability:
    """:func:`scorer.tuning.stability` (exact, no sampling) with the report's sentences; or why it does not apply.

    Like ``unct-scorer stability``, it needs a weighted sum (``aggregation:
    arithmetic``) and criterion scores between 0 and 1; otherwise the
    returned :class:`Stability` holds only the ``reason``.

    >>> from scorer import demo_result
    >>> s = run_stability(demo_result(), top_k=15)
    >>> s.weights.at["engagement", "in_words"]
    "Engagement's weight can move from 0.313 to 0.479 (now 0.400) without changing the top 15."
    >>> s.countries.at["TZA", "weight_in_words"]
    "Lower government interest's weight from 0.35 to below 0.30 and it leaves the top 15."
    """
    from scorer.tuning import stability

    unit = "office" if result.offices is not None else "country"
    k = max(1, min(int(top_k), len(result.table)))
    if result.criteria.aggregation is not Aggregation.arithmetic:
        return Stability(
            k,
            unit,
            None,
            None,
            reason=(
                "This section is left out for this criteria file. Its exact answers rely on each score being a "
                "weighted sum of the criterion scores, so that a score moves in a straight line as one weight "
                f"moves; this file combines the criteria with a weighted {result.criteria.aggregation.value} mean "
                "instead, where that is not so (unct-scorer stability declines it for the same reason)."
            ),
        )
    try:
        report = stability(result, top_k=k)
    except ConfigError as exc:
        problem = exc.problems[0]
        fix = f" ({problem.fix})" if problem.fix else ""
        return Stability(
            k,
            unit,
            None,
            None,
            reason=f"This section is left out for this criteria file: {problem.message}{fix}.",
        )
    return Stability(k, unit, report.weights, report.countries)


@dataclass(frozen=True)
class RecommendedSet:
    """The best set of UNCTs under a ``selection:`` section, as the report shows it.

    Everything is a rendering of the :class:`~scorer.selection.config.SelectionReport`
    that ``unct-scorer select`` prints, so the report says what it says:
    ``table`` (best score first), ``data`` (what ``select --format json``
    prints), ``summary`` its sentences, ``robust`` (id, name, share of weight
    draws with the country in the optimal set, chosen) when it was asked for;
    ``robust_note`` says how it was obtained (a count of draws, never a time),
    or why it is missing.
    """

    table: pd.DataFrame
    data: dict[str, Any]
    summary: list[str]
    robust: pd.DataFrame | None = None
    robust_draws: int = 0
    robust_seed: int | None = None
    robust_note: str = ""
    cost_weight: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def ids(self) -> list[str]:
        """The chosen ids, best score first."""
        return [str(v) for v in self.table["id"]]


def recommend(
    result: ScoreResult,
    data: pd.DataFrame,
    selection: Selection,
    *,
    robust_draws: int = 0,
    seed: int = DEFAULT_SEED,
    command: str | None = None,
) -> RecommendedSet:
    """Solve ``selection`` on ``result`` (``data`` is the scored sheet, with the group and cost columns).

    With ``robust_draws`` > 0, also the share of plausible weightings (exactly
    ``robust_draws`` of them, drawn with ``seed``) under which each country is in
    the optimal set, as ``unct-scorer select --robust --draws N --seed S``
    computes it (``command``, the complete command line, is quoted in the note;
    default: that command without inputs). The work is bounded by that count alone, so the same inputs give
    the same report on any machine. An infeasible selection raises the solver's
    explanation.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> rec = recommend(demo_result(), read_countries(demo_spreadsheet_path()), Selection(capacity=3))
    >>> rec.ids == list(demo_result().table.index[:3]), rec.data["count"]
    (True, 3)
    """
    from scorer.selection.config import select_from_result

    chosen = select_from_result(result, selection, data)
    unit = "office" if result.offices is not None else "country"
    notes = tuple(
        f"Column {col!r} is blank for every ranked {unit}, so no group count on it could apply"
        + (" (with --group-by the column is read per country, not per office)" if result.offices is not None else "")
        for col in chosen.blank_groups()
    )
    note = ""
    if robust_draws > 0:
        if result.criteria.aggregation is not Aggregation.arithmetic:
            note = (
                "Robustness of the set is left out: it re-scores with a weighted sum, but this criteria file uses "
                f"{result.criteria.aggregation.value} aggregation."
            )
        else:
            chosen = chosen.with_robustness(draws=robust_draws, seed=seed)
            line = command or f"unct-scorer select --robust --draws {robust_draws} --seed {seed}"
            note = f"{robust_draws} weightings (seed {seed}), each solved exactly; the same as {line}."
    return RecommendedSet(
        table=chosen.table(),
        data=chosen.to_dict(),
        summary=chosen.lines(),
        robust=chosen.robust_table(),
        robust_draws=chosen.robust_draws,
        robust_seed=chosen.robust_seed,
        robust_note=note,
        cost_weight=chosen.spec.cost_weight,
        notes=notes,
    )


def default_top_k(criteria: Criteria) -> int:
    """The size of the first tier when it is set by rank, else 15 (as :func:`scorer.tuning.default_top_k`)."""
    from scorer.tuning import default_top_k as top_k

    return top_k(criteria)
