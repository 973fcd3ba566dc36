"""The committee report: one self-contained HTML page built from a ScoreResult.

:func:`build_report` is pure: it takes the result and what the edge knows
about the inputs (criteria text, provenance, time, extra spreadsheet columns,
sensitivity) and returns an HTML string. It reads no user file and fetches
nothing; the stylesheet and script are package files inlined verbatim, and a
Content-Security-Policy forbids the page from loading anything at all.

Every user string (country names, column names, YAML labels, provenance) goes
through :func:`html.escape`; the data block for the script is JSON with
``<``, ``>`` and ``&`` written as ``\\u003c`` etc., so no value can close the
``<script>`` element. The page recomputes weights exactly as the pipeline does
(see ``report_assets/report.js``); the numbers it starts from are the
result's, embedded at full precision.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.aggregation import effective_weights
from scorer.criteria import (
    Aggregation,
    Criteria,
    Direction,
    EligibilityRule,
    Indicator,
    MissingPolicy,
    Selection,
    Tier,
)
from scorer.errors import ConfigError
from scorer.normalisation import describe
from scorer.ranking import TIE_DECIMALS
from scorer.report_assets import asset
from scorer.result import ScoreResult
from scorer.tuning import DEFAULT_DRAWS, DEFAULT_SEED
from scorer.worked_example import top_reasons

if TYPE_CHECKING:
    from scorer.selection import SelectionSpec
    from scorer.tuning import SensitivityReport

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe-Ito colours, one per criterion (colour-blind safe); the CSS classes c0-c7 use the same."""


@dataclass(frozen=True)
class CriteriaSource:
    """The criteria file's text and where each criterion's weight value sits in it.

    ``spans`` maps a criterion id to the (start, end) character offsets of its
    weight's value in ``text``, so that the page can write a tuned copy that
    differs from the original only in those numbers.
    """

    text: str
    spans: Mapping[str, tuple[int, int]]
    file_name: str = "criteria.yaml"

    def with_weights(self, weights: Mapping[str, float]) -> str:
        """The text with the weight values replaced (what the page's download button writes).

        >>> CriteriaSource("a: {weight: 1}\\n", {"a": (12, 13)}).with_weights({"a": 0.5})
        'a: {weight: 0.5}\\n'
        """
        text = self.text
        for cid, (start, end) in sorted(self.spans.items(), key=lambda kv: -kv[1][0]):
            text = text[:start] + yaml_number(float(weights[cid])) + text[end:]
        return text


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
    """What would change the list: :func:`scorer.tuning.stability` at the result's weights, in words.

    ``weights`` (by criterion) is tuning's table of weight intervals plus
    ``in_words``, one sentence each; ``countries`` (by id, ranking order) is
    tuning's table plus ``weight_in_words`` and ``value_in_words``. The
    numbers are tuning's, untouched; only the wording is the report's (plain
    words for a committee). When the analysis does not apply (a geometric
    mean, criterion scores outside 0-1), both frames are None and ``reason``
    says why in a sentence.
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

        Criterion rows have ``kind`` ``weight interval``; country rows ``country``
        with the criterion of the smallest single weight change, the weight it
        takes, and the criterion score and spreadsheet value it takes. When
        the analysis does not apply, one ``note`` row says why.
        """
        if self.weights is None or self.countries is None:
            return pd.DataFrame({"kind": ["note"], "in_words": [self.reason]})
        w, c = self.weights, self.countries
        nan = float("nan")
        rows: list[dict[str, Any]] = [
            {
                "kind": "weight interval",
                "id": cid,
                "name": row["label"],
                "criterion": cid,
                "weight_now": row["weight"],
                "weight_low": row["low"],
                "weight_high": row["high"],
                "plausible_low": row["range_low"],
                "plausible_high": row["range_high"],
                "weight_in_words": row["in_words"],
            }
            for cid, row in w.iterrows()
        ]
        for ident, row in c.iterrows():
            cid = str(row["weight_criterion"])
            rows.append(
                {
                    "kind": "country",
                    "id": ident,
                    "name": row["name"],
                    "rank": int(row["rank"]),
                    "tier": row["tier"],
                    f"in_top_{self.top_k}": bool(row["in_top_k"]),
                    "criterion": cid,
                    "weight_now": row["weight_from"],
                    "weight_to": row["weight_to"],
                    "plausible_low": w.at[cid, "range_low"] if cid else nan,
                    "plausible_high": w.at[cid, "range_high"] if cid else nan,
                    "weight_in_plausible_range": bool(row["weight_in_range"]) if cid else None,
                    "weight_in_words": row["weight_in_words"],
                    "score_criterion": row["score_criterion"],
                    "score_now": row["score_from"],
                    "score_to": row["score_to"],
                    "value_needed": row["value_needed"],
                    "value_in_words": row["value_in_words"],
                }
            )
        columns = [
            "kind",
            "id",
            "name",
            "rank",
            "tier",
            f"in_top_{self.top_k}",
            "criterion",
            "weight_now",
            "weight_low",
            "weight_high",
            "weight_to",
            "plausible_low",
            "plausible_high",
            "weight_in_plausible_range",
            "weight_in_words",
            "score_criterion",
            "score_now",
            "score_to",
            "value_needed",
            "value_in_words",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for col in ("rank", f"in_top_{self.top_k}", "weight_in_plausible_range"):
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
    what = f"the top {k}"
    ranges = {cid: crit.range for cid, crit in result.criteria.criteria.items()}
    weights = report.weights.copy()
    weights["in_words"] = [
        interval_words(_plain(str(cid)), float(row["weight"]), float(row["low"]), float(row["high"]), what)
        + _open_ends(row)
        for cid, row in weights.iterrows()
    ]
    countries = report.countries.copy()
    records = [{str(key): v for key, v in rec.items()} for rec in countries.to_dict("records")]
    countries["weight_in_words"] = [weight_change_words(row, what, ranges) for row in records]
    countries["value_in_words"] = [value_change_words(row, what) for row in records]
    return Stability(k, unit, weights, countries)


def _open_ends(row: pd.Series) -> str:
    """The ends at 0 or 1 where ties alter the list (``stability``'s ``low_open``/``high_open``), as a sentence."""
    ends = [
        e
        for e, edge, key in (("0", row["low"] <= 0, "low_open"), ("1", row["high"] >= 1, "high_open"))
        if edge and row[key]
    ]
    return f" At exactly {' or '.join(ends)}, countries tie and the list changes." if ends else ""


def _plain(cid: str) -> str:
    """A criterion id as words: ``government_interest`` -> ``government interest``."""
    return cid.replace("_", " ").strip()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two weights or scores with as few decimals (2 to 4) as tell them apart (as ``unct-scorer stability``).

    >>> _pair(0.4, 0.47), _pair(0.4, 0.4004)
    (('0.40', '0.47'), ('0.4000', '0.4004'))
    """
    for d in (2, 3, 4):
        x, y = _fixed(a, d), _fixed(b, d)
        if x != y:
            break
    return x, y


def _fixed(x: float, d: int) -> str:
    """``x`` with ``d`` decimals, never ``-0.00`` (a threshold a rounding error below 0 reads as 0).

    >>> _fixed(-1e-17, 2), _fixed(-0.5, 1)
    ('0.00', '-0.5')
    """
    text = f"{x:.{d}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def interval_decimals(w: float, lo: float, hi: float) -> int:
    """Decimals (3 to 5, else 6) that tell a weight and its interval's ends apart (as ``unct-scorer stability``).

    >>> interval_decimals(0.4, 0.3941, 0.40032), interval_decimals(0.25, 0.2377, 0.2835)
    (4, 3)
    """
    shown = [x for x in (lo, w, hi) if 0.0 < x < 1.0]
    distinct = len({round(x, 12) for x in shown})
    return next((d for d in (3, 4, 5) if len({f"{x:.{d}f}" for x in shown}) == distinct), 6)


def interval_cells(w: float, lo: float, hi: float) -> tuple[str, str, str]:
    """A weight and its interval's ends as shown in tables (``0`` and ``1`` when the interval reaches them).

    >>> interval_cells(0.25, 0.2377, 1.0)
    ('0.250', '0.238', '1')
    """
    d = interval_decimals(w, lo, hi)
    return f"{w:.{d}f}", "0" if lo <= 0.0 else f"{lo:.{d}f}", "1" if hi >= 1.0 else f"{hi:.{d}f}"


def interval_words(name: str, w: float, lo: float, hi: float, what: str) -> str:
    """How far one weight can move, the others keeping their proportions, without changing ``what``.

    >>> interval_words("engagement", 0.4, 0.3101, 0.4702, "the top 15")
    "Engagement's weight can move from 0.310 to 0.470 (now 0.400) without changing the top 15."
    >>> interval_words("representation", 0.25, 0.0, 1.0, "the top 15")
    "Representation's weight can take any value from 0 to 1 (now 0.250) without changing the top 15."
    """
    d = interval_decimals(w, lo, hi)
    now = f"{w:.{d}f}"
    if lo <= 0.0 and hi >= 1.0:
        return _cap(f"{name}'s weight can take any value from 0 to 1 (now {now}) without changing {what}.")
    if hi - lo <= 1e-12:
        return _cap(
            f"{name}'s weight cannot move at all (now {now}) without changing {what}: countries are tied at the cut."
        )
    if lo <= 0.0:
        return _cap(f"{name}'s weight can move anywhere below {hi:.{d}f} (now {now}) without changing {what}.")
    if hi >= 1.0:
        return _cap(f"{name}'s weight can move anywhere above {lo:.{d}f} (now {now}) without changing {what}.")
    return _cap(f"{name}'s weight can move from {lo:.{d}f} to {hi:.{d}f} (now {now}) without changing {what}.")


def weight_change_words(row: Mapping[str, Any], what: str, ranges: Mapping[str, tuple[float, float] | None]) -> str:
    """The smallest change of one weight that moves a country into or out of ``what``, as an instruction.

    ``row`` is a row of :attr:`scorer.tuning.StabilityReport.countries`.

    >>> row = {"in_top_k": False, "weight_criterion": "a_b", "weight_from": 0.4, "weight_to": 0.62,
    ...        "weight_in_range": False}
    >>> weight_change_words(row, "the top 5", {"a_b": (0.25, 0.55)})
    "Raise a b's weight from 0.40 to 0.62 and it enters the top 5 (outside the weight's plausible range, 0.25 to 0.55)."
    """
    inside = bool(row["in_top_k"])
    cid = str(row["weight_criterion"] or "")
    if not cid:
        effect = f"takes it out of {what}" if inside else f"brings it into {what}"
        return f"No single weight, at any value from 0 to 1, {effect}."
    w, to = float(row["weight_from"]), float(row["weight_to"])
    a, b = _pair(w, to)
    verb = "Raise" if to > w else "Lower"
    target = (f"above {b}" if to > w else f"below {b}") if inside else b
    effect = f"it leaves {what}" if inside else f"it enters {what}"
    text = f"{verb} {_plain(cid)}'s weight from {a} to {target} and {effect}"
    if to <= 0.0 or to >= 1.0:  # only a weight of exactly 0 or 1 does it: countries tie there
        text = f"{verb} {_plain(cid)}'s weight from {a} to exactly {to:.0f} and {effect} (countries tie there)"
    rng = ranges.get(cid)
    if rng is not None and not row["weight_in_range"]:
        text += f" (outside the weight's plausible range, {rng[0]:g} to {rng[1]:g})"
    return text + "."


def value_change_words(row: Mapping[str, Any], what: str) -> str:
    """The smallest change of one criterion score (0-1) that moves a country into or out of ``what``.

    With the spreadsheet value that gives it, where tuning reads one back.

    >>> row = {"in_top_k": True, "score_criterion": "engagement", "score_from": 0.618, "score_to": 0.557,
    ...        "value_needed": "patents below 38.04 instead of 57.22"}
    >>> for part in value_change_words(row, "the top 15").split("; "):
    ...     print(part)
    Lower its engagement score from 0.62 to below 0.56 and it leaves the top 15
    in the spreadsheet, that is patents below 38.04 instead of 57.22.
    """
    inside = bool(row["in_top_k"])
    cid = str(row["score_criterion"] or "")
    if not cid:
        effect = f"takes it out of {what}" if inside else f"brings it into {what}"
        return f"No single criterion score, at any value from 0 to 1, {effect}."
    a, b = _pair(float(row["score_from"]), float(row["score_to"]))
    if inside:
        text = f"Lower its {_plain(cid)} score from {a} to below {b} and it leaves {what}"
    else:
        text = f"Raise its {_plain(cid)} score from {a} to {b} and it enters {what}"
    needed = str(row["value_needed"] or "")
    if needed:
        text += f"; in the spreadsheet, that is {needed}"
    return text + "."


ROBUST_DRAWS = 100
"""Weightings drawn for the recommended set's robustness by default (one integer program each; as ``select``)."""


@dataclass(frozen=True)
class RecommendedSet:
    """The best set of UNCTs under a ``selection:`` section, as the report shows it.

    Everything comes from :mod:`scorer.selection_config`, so the report says what
    ``unct-scorer select`` says: ``table`` is :func:`~scorer.selection_config.selection_table`
    (best score first), ``data`` is :func:`~scorer.selection_config.selection_to_dict`
    (what ``select --format json`` prints), ``summary`` its sentences. ``robust``
    (id, name, share of weight draws with the country in the optimal set, chosen)
    is :func:`~scorer.selection_config.robust_shares` when it was asked for;
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
) -> RecommendedSet:
    """Solve ``selection`` on ``result`` (``data`` is the scored sheet, with the group and cost columns).

    With ``robust_draws`` > 0, also the share of plausible weightings (exactly
    ``robust_draws`` of them, drawn with ``seed``) under which each country is in
    the optimal set, as ``unct-scorer select --robust --draws N --seed S``
    computes it. The work is bounded by that count alone, so the same inputs give
    the same report on any machine. An infeasible selection raises the solver's
    explanation.

    >>> from scorer import demo_result, read_countries
    >>> from scorer.resources import demo_spreadsheet_path
    >>> rec = recommend(demo_result(), read_countries(demo_spreadsheet_path()), Selection(capacity=3))
    >>> rec.ids == list(demo_result().table.index[:3]), rec.data["count"]
    (True, 3)
    """
    from scorer.selection_config import (
        robust_table,
        select_from_result,
        selection_table,
        selection_to_dict,
        summary_lines,
    )

    solved, spec, groups = select_from_result(result, selection, data)
    table = selection_table(solved, result)
    unit = "office" if result.offices is not None else "country"
    notes = tuple(
        f"Column {col!r} is blank for every ranked {unit}, so no group count on it could apply"
        + (" (with --group-by the column is read per country, not per office)" if result.offices is not None else "")
        for col in groups.columns
        if col != spec.cost_column and len(groups) and groups[col].isna().all()
    )
    shares, note = None, ""
    if robust_draws > 0:
        shares, note = _robust(result, spec, groups, robust_draws, seed)
    return RecommendedSet(
        table=table,
        data=selection_to_dict(solved, result, spec, robust=shares),
        summary=summary_lines(solved, spec),
        robust=robust_table(shares, result, list(solved.chosen.index)) if shares is not None else None,
        robust_draws=robust_draws if shares is not None else 0,
        robust_seed=seed if shares is not None else None,
        robust_note=note,
        cost_weight=spec.cost_weight,
        notes=notes,
    )


def _robust(
    result: ScoreResult, spec: SelectionSpec, groups: pd.DataFrame, draws: int, seed: int
) -> tuple[pd.Series | None, str]:
    """:func:`~scorer.selection_config.robust_shares`, or None and why it does not apply."""
    from scorer.selection_config import robust_shares

    criteria = result.criteria
    if criteria.aggregation is not Aggregation.arithmetic:
        return None, (
            "Robustness of the set is left out: it re-scores with a weighted sum, but this criteria file uses "
            f"{criteria.aggregation.value} aggregation."
        )
    ids = list(criteria.criteria)
    if not result.criterion_mask.loc[result.table.index, ids].to_numpy(dtype=bool).all():
        return None, (
            "Robustness of the set is left out: some countries have a criterion left out (no value), and the "
            "re-scoring needs every criterion score."
        )
    shares = robust_shares(result, spec, groups, draws=draws, seed=seed)
    return shares, (
        f"{draws} weightings (seed {seed}), each solved exactly; the same as unct-scorer select --robust "
        f"--draws {draws} --seed {seed}."
    )


def yaml_number(x: float) -> str:
    """A float as YAML 1.1 (PyYAML) reads back as the same float; mirrors the page's ``yamlNumber``.

    >>> yaml_number(0.25), yaml_number(2.0), yaml_number(1e-07)
    ('0.25', '2.0', '1.0e-07')
    """
    text = repr(float(x))
    if "e" in text and "." not in text:
        text = text.replace("e", ".0e")
    return text


def default_top_k(criteria: Criteria) -> int:
    """The size of the first tier when it is set by rank, else 15 (as :func:`scorer.tuning.default_top_k`)."""
    from scorer.tuning import default_top_k as top_k

    return top_k(criteria)


def extra_columns_for(df: pd.DataFrame, result: ScoreResult, columns: Sequence[str]) -> pd.DataFrame:
    """Spreadsheet columns (e.g. region) for the ranked countries, indexed like ``result.table``.

    Rows are matched by spreadsheet row, as the pipeline numbered them, so an id the
    pipeline resolved (a name read as ISO3) still finds its line.
    """
    first_row = int(df.attrs.get("first_row", 2))
    positions = result.table["row"].to_numpy(dtype=int) - first_row
    out = pd.DataFrame(index=result.table.index)
    for column in columns:
        values = df[column].to_numpy(dtype=object)
        out[column] = [_text(values[p]) if 0 <= p < len(values) else "" for p in positions]
    return out


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def embed_json(data: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028 and U+2029 escaped.

    >>> embed_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: Any) -> float | None:
    number = float(value)
    return None if math.isnan(number) else number


def _fmt(value: Any, digits: int = 3) -> str:
    number = float(value)
    return "" if math.isnan(number) else f"{number:.{digits}f}"


def _pct(value: float, digits: int = 0) -> str:
    return "" if math.isnan(value) else f"{value * 100:.{digits}f}%"


def missing_words(indicator: Indicator) -> str:
    """The missing-data policy in plain words.

    >>> from scorer.criteria import Indicator
    >>> missing_words(Indicator(column="x", missing="median"))
    'a blank cell is filled with the median of the eligible countries that have a value'
    """
    policy = indicator.missing
    if policy is MissingPolicy.error:
        return "a blank cell is an error: every eligible country must have a value"
    if policy is MissingPolicy.zero:
        return "a blank cell is read as a true zero"
    if policy is MissingPolicy.worst:
        return "a blank cell is given the worst value observed among eligible countries"
    if policy is MissingPolicy.mean:
        return "a blank cell is filled with the mean of the eligible countries that have a value"
    if policy is MissingPolicy.median:
        return "a blank cell is filled with the median of the eligible countries that have a value"
    if policy is MissingPolicy.group_mean:
        return (
            f"a blank cell is filled with the mean of the eligible countries with the same "
            f"{indicator.missing_group} (or of all eligible countries if none in its group has a value)"
        )
    return (
        "a blank cell leaves the indicator out for that country, and the criterion's other indicators share its weight"
    )


def rule_words(rule: EligibilityRule) -> str:
    """An eligibility gate in plain words.

    >>> from scorer.criteria import EligibilityRule
    >>> rule_words(EligibilityRule(column="has_unct", equals=True, reason="no UNCT"))
    "column 'has_unct' should be true (otherwise: no UNCT)"
    """
    tests = []
    if rule.equals is not None:
        tests.append(f"be {_value_words(rule.equals)}")
    if rule.not_equals is not None:
        tests.append(f"not be {_value_words(rule.not_equals)}")
    if rule.in_ is not None:
        tests.append("be one of " + ", ".join(_value_words(v) for v in rule.in_))
    if rule.not_in is not None:
        tests.append("be none of " + ", ".join(_value_words(v) for v in rule.not_in))
    if rule.min is not None:
        tests.append(f"be at least {rule.min:g}")
    if rule.max is not None:
        tests.append(f"be at most {rule.max:g}")
    if rule.not_missing:
        tests.append("not be blank")
    return f"column {rule.column!r} should {' and '.join(tests)} (otherwise: {rule.reason})"


def _value_words(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value) if isinstance(value, str) else str(value)


def tier_words(tier: Tier, *, last: bool) -> str:
    """A tier's rule in plain words.

    >>> from scorer.criteria import Tier
    >>> tier_words(Tier(name="join", top=15), last=False)
    'the countries ranked 1 to 15 (a tie at 15 takes every tied country)'
    """
    if tier.top is not None:
        return f"the countries ranked 1 to {tier.top} (a tie at {tier.top} takes every tied country)"
    if tier.min_score is not None:
        return f"countries not in an earlier tier with a score of at least {tier.min_score:g}"
    return "every remaining country" if last else "every country not in an earlier tier"


def build_report(
    result: ScoreResult,
    *,
    top_k: int | None = None,
    criteria_source: CriteriaSource | None = None,
    provenance: Mapping[str, str] | None = None,
    generated: str = "",
    extra_columns: pd.DataFrame | None = None,
    region_column: str | None = "region",
    sensitivity: Sensitivity | None = None,
    recommended: RecommendedSet | None = None,
    stability: Stability | None = None,
    command_prefix: str = "unct-scorer rank",
) -> str:
    """The whole report as one HTML string (UTF-8, no external resources).

    ``extra_columns`` holds spreadsheet columns indexed by country id (see
    :func:`extra_columns_for`); ``region_column`` names the one used for the
    region filter. ``generated`` is the only text that depends on the clock.
    ``recommended`` (see :func:`recommend`) adds the Recommended set section and
    marks its countries in the ranking. ``stability`` (see :func:`run_stability`)
    is the What would change the list section; when None it is computed here
    (exact, a few tens of milliseconds) at ``top_k``.

    >>> from scorer import demo_result
    >>> page = build_report(demo_result(), generated="2024-01-01 00:00 UTC")
    >>> page.startswith("<!DOCTYPE html>"), "ILLUSTRATIVE DATA" in page
    (True, True)
    """
    k = top_k if top_k is not None else default_top_k(result.criteria)
    return _Report(
        result,
        top_k=k,
        criteria_source=criteria_source,
        provenance=dict(provenance or {}),
        generated=generated,
        extra_columns=extra_columns,
        region_column=region_column,
        sensitivity=sensitivity,
        recommended=recommended,
        stability=stability if stability is not None else run_stability(result, top_k=k),
        command_prefix=command_prefix,
    ).render()


class _Report:
    """Renders the sections; holds what several sections share."""

    def __init__(
        self,
        result: ScoreResult,
        *,
        top_k: int,
        criteria_source: CriteriaSource | None,
        provenance: dict[str, str],
        generated: str,
        extra_columns: pd.DataFrame | None,
        region_column: str | None,
        sensitivity: Sensitivity | None,
        recommended: RecommendedSet | None,
        stability: Stability,
        command_prefix: str,
    ) -> None:
        self.r = result
        self.c = result.criteria
        self.crit_ids = list(self.c.criteria)
        self.top_k = max(1, min(int(top_k), len(result.table)))
        self.source = criteria_source
        self.prov = provenance
        self.generated = generated
        self.sens = sensitivity
        self.rec = recommended
        self.stab = stability
        self.chosen = set(recommended.ids) if recommended is not None else set()
        self.command_prefix = command_prefix
        self.arithmetic = self.c.aggregation is Aggregation.arithmetic
        self.regions: list[str] | None = None
        if extra_columns is not None and region_column and region_column in extra_columns.columns:
            col = extra_columns[region_column].reindex(result.table.index)
            self.regions = ["" if pd.isna(v) else str(v) for v in col]
        self.region_column = region_column
        self.tier_index = {t.name: i for i, t in enumerate(self.c.tiers)}
        scores = result.table[self.crit_ids].to_numpy(dtype=float)
        top = float(np.nanmax(np.clip(scores, 0, None).sum(axis=1))) if len(scores) else 1.0
        self.bar_scale = max(1.0, top) if self.arithmetic else 1.0

    def render(self) -> str:
        script = asset("report.js")
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        csp = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
        )
        title = f"UNCT ranking: {self.c.name}"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="unct-scorer">',
            f"<title>{_e(title)}</title>",
            f"<style>\n{asset('report.css')}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{_e(title)}</h1>",
            f'<p class="subtitle">{_e(self._subtitle())}</p>',
            self._toc(),
            self._illustrative_banner(),
            "</header>",
            "<main>",
            self._summary(),
            self._selection(),
            self._weights(),
            self._ranking(),
            self._criteria(),
            self._quality(),
            self._stability(),
            self._sensitivity(),
            self._methodology(),
            self._provenance(),
            "</main>",
            "<footer><p>Made with unct-scorer. This page is self-contained: it loads nothing from a network and "
            "can be emailed, archived and opened offline.</p></footer>",
            f'<script type="application/json" id="report-data">{embed_json(self._data())}</script>',
            f"<script>{script}</script>",
            "</body>",
            "</html>",
        ]
        return "\n".join(p for p in parts if p) + "\n"

    def _data_name(self) -> str:
        """The spreadsheet's file name (no folders: the page must not depend on where it was made)."""
        return self.prov.get("spreadsheet_file") or self.r.source.replace("\\", "/").rsplit("/", 1)[-1]

    def _subtitle(self) -> str:
        bits = [f"{len(self.r.table)} countries ranked"]
        if self.generated:
            bits.append(f"generated {self.generated}")
        spreadsheet = self.prov.get("spreadsheet_file")
        if spreadsheet:
            bits.append(f"data: {spreadsheet}")
        return "; ".join(bits)

    def _toc(self) -> str:
        links = [("summary", "Summary")]
        if self.rec is not None:
            links.append(("selection", "Recommended set"))
        links += [
            ("weights", "Weights"),
            ("ranking", "Ranking"),
            ("criteria", "Criteria"),
            ("quality", "Data quality"),
            ("stability", "What would change the list"),
        ]
        if self.sens is not None:
            links.append(("sensitivity", "Sensitivity"))
        links += [("methodology", "Methodology"), ("provenance", "Provenance")]
        return '<nav class="toc">' + "".join(f'<a href="#{k}">{_e(v)}</a>' for k, v in links) + "</nav>"

    def _illustrative_banner(self) -> str:
        if not self.r.illustrative and not self.r.notes:
            return ""
        lines = [f"<p>{_e(n)}</p>" for n in self.r.notes]
        if self.r.illustrative:
            columns = {iid: ind.column for _cid, iid, ind in self.c.indicator_items()}
            items = ", ".join(
                f"<code>{_e(col)}</code> stands in for <code>{_e(columns.get(iid, iid))}</code>"
                for iid, col in sorted(self.r.illustrative.items())
            )
            lines.append(
                f"<p>Illustrative columns: {items}. Replace them with real data before using this ranking for a "
                "decision.</p>"
            )
        return f'<div class="illustrative" role="note" id="illustrative-note">{"".join(lines)}</div>'

    def _summary(self) -> str:
        r = self.r
        first = self.c.tiers[0]
        counts = r.table["tier"].value_counts()
        cards = "".join(
            f'<div class="card"><span class="big" id="tier-count-{i}">{int(counts.get(t.name, 0))}</span>'
            f"in tier <b>{_e(t.name)}</b></div>"
            for i, t in enumerate(self.c.tiers)
        )
        cards += f'<div class="card"><span class="big">{len(r.exclusions)}</span>excluded by eligibility</div>'
        first_members = ", ".join(_e(v) for v in r.table.loc[r.table["tier"] == first.name, "name"]) or "none"
        top_items = "".join(
            f'<li>{_e(row["name"])} <span class="id">({_fmt(row["score"])})</span></li>'
            for _, row in r.table.head(self.top_k).iterrows()
        )
        inputs = []
        for role, label in (("spreadsheet", "Spreadsheet"), ("criteria", "Criteria file")):
            name = self.prov.get(f"{role}_file")
            if name:
                inputs.append(f"<li>{label}: <code>{_e(name)}</code></li>")
        inputs.append(f"<li>Criteria profile: {_e(self.c.name)}</li>")
        if self.c.source:
            inputs.append(f"<li>Source document: {_e(self.c.source)}</li>")
        if self.generated:
            inputs.append(f"<li>Generated: {_e(self.generated)}</li>")
        first_desc = f" ({_e(first.description)})" if first.description else ""
        weights = ", ".join(f"{_e(crit.label)} {_pct(float(r.weights[cid]))}" for cid, crit in self.c.criteria.items())
        return "\n".join(
            [
                '<section id="summary">',
                "<h2>Summary</h2>",
                f'<div class="cards">{cards}</div>',
                f"<p>First tier, <b>{_e(first.name)}</b>{first_desc}: "
                f'<span id="first-tier-list">{first_members}</span>.</p>',
                f"<h3>Top {self.top_k}</h3>",
                f'<ol class="toplist" id="top-list">{top_items}</ol>',
                self._selection_summary(),
                f'<p id="summary-weights"><span id="summary-weights-text">Weights of this report: {weights}; the '
                "sections after the ranking describe these weights.</span> The weights panel below re-ranks the "
                "countries live (the summary, ranking and country details follow it).</p>",
                "<h3>Inputs</h3>",
                f"<ul>{''.join(inputs)}</ul>",
                "</section>",
            ]
        )

    def _who(self, ident: str) -> str:
        """``Name (ID)``, escaped; the id alone if it is not ranked."""
        t = self.r.table
        if ident in t.index:
            return f'{_e(t.at[ident, "name"])} <span class="id">({_e(ident)})</span>'
        return _e(ident)

    def _selection(self) -> str:
        rec = self.rec
        if rec is None:
            return ""
        d = rec.data
        cost_column = d["cost_column"]
        limits = []
        if d["capacity"] is not None:
            limits.append(f"a capacity of {int(d['capacity'])} UNCTs")
        if d["budget"] is not None:
            limits.append(f"a budget of {d['budget']:g} in {_e(cost_column or 'cost')}")
        goal = "the highest total score"
        if d["objective"] == "score-minus-cost":
            goal = (
                f"the highest total score net of cost ({_e(yaml_number(float(rec.cost_weight or 0)))} score "
                f"points per unit of {_e(cost_column or 'cost')})"
            )
        intro = (
            f'<p class="stale-when-changed">The set of UNCTs with {goal} within {" and ".join(limits)}'
            + (", under the constraints listed below" if d["constraints"] else "")
            + ". It is solved exactly as a 0-1 integer program (SciPy <code>milp</code>, HiGHS, no optimality gap) "
            "with the weights of this run; sets tied on total score are told apart by country code. Moving the "
            "weights in this page does not re-solve it: download the tuned criteria file and run "
            "<code>unct-scorer select</code>.</p>"
        )
        cards = [
            f'<div class="card"><span class="big" id="selection-count">{int(d["count"])}</span>UNCTs chosen</div>',
            f'<div class="card"><span class="big">{d["total_score"]:.4f}</span>total score</div>',
        ]
        if d["total_cost"] is not None:
            cards.append(
                f'<div class="card"><span class="big">{d["total_cost"]:g}</span>total {_e(cost_column or "cost")}</div>'
            )
        share = d["price_of_balance"] / abs(d["unconstrained_value"]) if d["unconstrained_value"] else 0.0
        cards.append(
            f'<div class="card"><span class="big">{d["price_of_balance"]:.4f}</span>price of balance '
            f"({_pct(share, 1)})</div>"
        )
        parts = [
            '<section id="selection">',
            "<h2>Recommended set</h2>",
            *(f'<p class="status warn">{_e(n)}.</p>' for n in rec.notes),
            intro,
            f'<div class="cards">{"".join(cards)}</div>',
        ]
        if d["constraints"]:
            parts.append("<p>Constraints: " + "; ".join(f"<code>{_e(c)}</code>" for c in d["constraints"]) + ".</p>")
        parts.append(self._selection_table())
        parts.append("<h3>Why this set</h3>")
        parts.append(f"<ul>{''.join(f'<li>{item}</li>' for item in self._selection_reasons())}</ul>")
        parts.append(self._robustness())
        parts.append("</section>")
        return "\n".join(parts)

    def _selection_table(self) -> str:
        rec = self.rec
        assert rec is not None
        t = rec.table
        has_cost = rec.data["cost_column"] is not None
        fixed = {"pick", "rank", "id", "name", "score", "cost", "cost_defaulted", "forced"}
        group_cols = [c for c in t.columns if c not in fixed]
        head = [
            '<th class="num">Pick</th>',
            '<th class="num">Rank</th>',
            "<th>Country</th>",
            '<th class="num">Score</th>',
        ]
        if has_cost:
            head.append(f'<th class="num">{_e(rec.data["cost_column"])}</th>')
        head += [f"<th>{_e(str(c).replace('_', ' ').capitalize())}</th>" for c in group_cols]
        forced = bool(t["forced"].any())
        if forced:
            head.append("<th>Note</th>")
        body = []
        for row in t.to_dict("records"):
            cells = [
                f'<td class="num">{int(row["pick"])}</td>',
                f'<td class="num">{int(row["rank"])}</td>',
                f"<td>{self._who(str(row['id']))}</td>",
                f'<td class="num">{_fmt(row["score"], 4)}</td>',
            ]
            if has_cost:
                mark = " (default)" if row["cost_defaulted"] else ""
                cells.append(f'<td class="num">{float(row["cost"]):g}{mark}</td>')
            cells += [f"<td>{_e(_text(row[c]))}</td>" for c in group_cols]
            if forced:
                cells.append("<td>included by request</td>" if row["forced"] else "<td></td>")
            body.append(f'<tr data-id="{_e(row["id"])}">{"".join(cells)}</tr>')
        return (
            f'<table id="selection-table"><thead><tr>{"".join(head)}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        )

    def _selection_reasons(self) -> list[str]:
        rec = self.rec
        assert rec is not None
        d = rec.data
        items = []
        if d["binding"]:
            items.append(
                "Binding (no room left): " + "; ".join(f"<code>{_e(b['label'])}</code>" for b in d["binding"]) + "."
            )
        else:
            items.append("Binding: none; every limit has room left.")
        left = d["best_left_out"]
        if left is not None:
            who = f"<b>{self._who(left['id'])}</b>, score {left['score']:.4g},"
            if not left["can_enter"]:
                items.append(f"Best left out: {who} cannot enter under these constraints, whatever its score.")
            else:
                swap = ""
                if left["replaces"]:
                    swap = ", replacing " + ", ".join(self._who(c) for c in left["replaces"])
                if left["also_enters"]:
                    swap += " (with " + ", ".join(self._who(c) for c in left["also_enters"]) + " also entering)"
                if left["needed_increase"] is not None and left["needed_increase"] <= 0:
                    items.append(
                        f"Best left out: {who} ties with the chosen set{swap}; only the tie-break left it out."
                    )
                else:
                    items.append(
                        f"Best left out: {who} would enter if its score rose by more than "
                        f"{left['needed_increase']:.4g}{swap}."
                    )
        chosen = set(rec.ids)
        free = list(d["unconstrained"])
        dropped = [c for c in free if c not in chosen]
        added = [c for c in rec.ids if c not in set(free)]
        if d["price_of_balance"] > 0 or dropped:
            share = d["price_of_balance"] / abs(d["unconstrained_value"]) if d["unconstrained_value"] else 0.0
            text = (
                f"Price of balance: the group counts and forced countries cost {d['price_of_balance']:.4f} of total "
                f"value ({_pct(share, 1)}) against the best set under the capacity and budget alone "
                f"(value {d['unconstrained_value']:.4f})"
            )
            if dropped:
                text += (
                    ", which would have taken "
                    + ", ".join(self._who(c) for c in dropped)
                    + " instead of "
                    + ", ".join(self._who(c) for c in added)
                )
            items.append(text + ".")
        else:
            items.append(
                "Price of balance: none; the best set under the capacity and budget alone already meets every "
                "constraint."
            )
        if d["defaulted_costs"]:
            chosen_defaults = [c for c in d["defaulted_costs"] if c in chosen]
            items.append(
                f"Default cost {d['default_cost']:g} stands in for a blank <code>{_e(d['cost_column'])}</code> for "
                f"{len(d['defaulted_costs'])} countries ({len(chosen_defaults)} of them chosen: "
                + (", ".join(self._who(c) for c in chosen_defaults) or "none")
                + ")."
            )
        return items

    def _robustness(self) -> str:
        rec = self.rec
        assert rec is not None
        if rec.robust is None:
            if not rec.robust_note:
                return (
                    '<p class="note">Add <code>--sensitivity</code> for the share of plausible weightings under '
                    "which each country is in the optimal set.</p>"
                )
            return f'<h3>Robustness</h3><p class="note">{_e(rec.robust_note)}</p>'
        robust = rec.robust
        share = dict(zip(robust["id"], robust["share_selected"], strict=True))
        chosen = rec.ids
        always = [c for c in chosen if share.get(c, 0.0) >= 1.0]
        shaky = [c for c in chosen if share.get(c, 0.0) < 0.5]
        contenders = [
            str(c)
            for c, v, k in zip(robust["id"], robust["share_selected"], robust["chosen"], strict=True)
            if not k and v >= 0.5
        ]

        def listed(ids: list[str]) -> str:
            return ", ".join(f"{self._who(c)} {_pct(float(share.get(c, 0.0)))}" for c in ids) or "none"

        rows = "".join(
            f'<tr><td>{self._who(str(row["id"]))}</td><td class="num">{_pct(float(row["share_selected"]))}</td>'
            f"<td>{'yes' if row['chosen'] else ''}</td></tr>"
            for row in robust.to_dict("records")
        )
        never = len(self.r.table) - len(robust)
        return "\n".join(
            [
                "<h3>Robustness</h3>",
                f"<p>{rec.robust_draws} sets of weights were drawn at random (seed {rec.robust_seed}) within the "
                "plausible ranges of the criteria file, and the set was chosen again under each. "
                f"In the optimal set under every draw: {len(always)} of the {len(chosen)} chosen. "
                f"Chosen here but optimal in fewer than half of the draws: {listed(shaky)}. "
                f"Left out here but optimal in at least half: {listed(contenders)}. "
                f"{never} countries are never in the optimal set.</p>",
                f"<details><summary>Share of draws for each of the {len(robust)} countries ever chosen</summary>"
                '<table id="robust-table"><thead><tr><th>Country</th><th class="num">Share of draws</th>'
                f"<th>In the recommended set</th></tr></thead><tbody>{rows}</tbody></table></details>",
                f'<p class="note">{_e(rec.robust_note)}</p>',
            ]
        )

    def _selection_summary(self) -> str:
        if self.rec is None:
            return ""
        names = ", ".join(_e(self.r.table.at[c, "name"]) for c in self.rec.ids) or "none"
        return (
            f'<p class="stale-when-changed"><b>Recommended set</b> ({len(self.rec.ids)} UNCTs, '
            f'<a href="#selection">why</a>): {names}.</p>'
        )

    def _weights(self) -> str:
        rows = []
        total = sum(c.weight for c in self.c.criteria.values())
        top_weight = max(c.weight for c in self.c.criteria.values())
        slider_max = max(1.0, math.ceil(top_weight * 2))
        disabled = "" if self.arithmetic else " disabled"
        for i, (cid, crit) in enumerate(self.c.criteria.items()):
            share = crit.weight / total if total else float("nan")
            w = yaml_number(crit.weight)
            rows.append(
                f'<label for="w-number-{i}"><span class="swatch c{i % 8}"></span>{_e(crit.label)} '
                f'<span class="cites">({_e(crit.cites)}; <code>{_e(cid)}</code>)</span></label>'
                f'<input type="range" id="w-range-{i}" min="0" max="{slider_max:g}" step="0.01" value="{w}" '
                f'aria-label="{_e(crit.label)} weight (slider)"{disabled}>'
                f'<input type="number" id="w-number-{i}" min="0" step="any" value="{w}"{disabled}>'
                f'<output id="w-share-{i}">{_pct(share, 1)}</output>'
            )
        if self.arithmetic:
            intro = (
                "<p>Move a slider or type a relative weight (they need not add up to 1; the share of each is shown "
                "on the right). Scores, ranks, tiers and bars are recomputed in this page exactly as "
                "<code>unct-scorer rank -w</code> computes them. The download button saves a copy of the criteria "
                "file that differs only in these weights, which the command line accepts.</p>"
            )
        else:
            intro = (
                "<p><b>Live weights are off</b> for this criteria file: it combines criteria with a weighted "
                "<em>geometric</em> mean, and this page reproduces only the weighted arithmetic mean exactly as the "
                "command line does. Use <code>unct-scorer rank -w CRITERION=WEIGHT</code> to try other weights.</p>"
            )
        download_state = "" if (self.source is not None and self.arithmetic) else " disabled"
        download_note = (
            ""
            if self.source is not None
            else '<p class="note">The criteria file text was not given to the report, so the tuned weights can '
            "only be copied from the command line below.</p>"
        )
        status = "Showing the weights this report was made with."
        return "\n".join(
            [
                '<section id="weights">',
                "<h2>Weights</h2>",
                intro,
                f'<div class="weights">{"".join(rows)}</div>',
                '<div class="controls buttons">'
                f'<button type="button" class="action secondary" id="reset-weights"{disabled}>Reset to the report\'s '
                "weights</button>"
                f'<button type="button" class="action" id="download-yaml"{download_state}>Download these weights as '
                "criteria YAML</button></div>",
                download_note,
                f'<p class="status" id="weights-status" role="status">{status}</p>',
                f'<p class="note">Same result on the command line: <code id="cli-equivalent">{_e(self._cli_line())}'
                "</code></p>",
                "</section>",
            ]
        )

    def _cli_line(self) -> str:
        return self.command_prefix + "".join(
            f" -w {cid}={yaml_number(crit.weight)}" for cid, crit in self.c.criteria.items()
        )

    def _ranking(self) -> str:
        r = self.r
        t = r.table
        legend = "".join(
            f'<span><span class="swatch c{i % 8}"></span>{_e(crit.label)}</span>'
            for i, crit in enumerate(self.c.criteria.values())
        )
        bar_title = "Contributions to the score" if self.arithmetic else "Criterion scores (0-1 each)"
        bar_note = (
            "Each bar splits the score into the contribution of each criterion (weight times criterion score); "
            "the segments add up to the score."
            if self.arithmetic
            else "Each bar shows the criterion scores side by side (each segment is one criterion, full width = 1); "
            "with a geometric mean they do not add up to the score."
        )
        headers = [
            ("rank", "Rank", True),
            ("name", "Country", False),
        ]
        if self.regions is not None:
            headers.append(("region", str(self.region_column).replace("_", " ").capitalize(), False))
        headers += [
            ("tier", "Tier", False),
            ("score", "Score", True),
        ]
        if self.rec is not None:
            headers.append(("chosen", "Recommended", False))
        headers += [
            ("", bar_title, False),
            ("coverage", "Coverage", True),
        ]
        if self.sens is not None:
            headers += [("ptop", f"P(top {self.sens.top_k})", True), ("interval", "Rank 5-95%", True)]
        head = "".join(_header_cell(key, label, numeric=num) for key, label, num in headers)
        body = []
        for i, (ident, row) in enumerate(t.iterrows()):
            tier_i = self.tier_index.get(str(row["tier"]), len(self.c.tiers) - 1)
            cells = [
                f'<td class="num rank">{int(row["rank"])}</td>',
                f'<td><button type="button" class="country">{_e(row["name"])}</button>'
                f'<span class="id">{_e(ident)}</span>{self._members(row)}</td>',
            ]
            if self.regions is not None:
                cells.append(f"<td>{_e(self.regions[i])}</td>")
            cells += [
                f'<td><span class="tier tier-{tier_i}">{_e(row["tier"])}</span></td>',
                f'<td class="num score" data-score="{float(row["score"])!r}">{_fmt(row["score"])}</td>',
            ]
            if self.rec is not None:
                cells.append(
                    '<td class="chosen stale-when-changed"><span class="badge">in set</span></td>'
                    if ident in self.chosen
                    else '<td class="chosen"></td>'
                )
            cells += [
                f"<td>{self._bar(row)}</td>",
                f'<td class="num">{_pct(float(row["coverage"]))}</td>',
            ]
            if self.sens is not None:
                lo, hi = float(self.sens.rank_low[i]), float(self.sens.rank_high[i])
                cells += [
                    f'<td class="num stale-when-changed">{_pct(float(self.sens.p_top_k[i]))}</td>',
                    f'<td class="num stale-when-changed">{lo:.0f}-{hi:.0f}</td>',
                ]
            chosen = ' data-chosen="true"' if ident in self.chosen else ""
            body.append(f'<tr data-i="{i}" data-tier="{tier_i}"{chosen}>{"".join(cells)}</tr>')
        region_filter = ""
        if self.regions is not None:
            values = sorted({v for v in self.regions if v})
            options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
            region_filter = (
                f"<label>{_e(str(self.region_column).replace('_', ' ').capitalize())}"
                f'<select id="filter-region"><option value="">all</option>{options}</select></label>'
            )
        tier_options = "".join(f'<option value="{i}">{_e(t.name)}</option>' for i, t in enumerate(self.c.tiers))
        chosen_filter = (
            '<label class="check"><input type="checkbox" id="filter-chosen">Recommended set only</label>'
            if self.rec is not None
            else ""
        )
        return "\n".join(
            [
                '<section id="ranking">',
                "<h2>Ranking</h2>",
                f"<p>{_e(bar_note)} Coverage is the share of a country's indicator values that come from the "
                "spreadsheet rather than from a missing-data rule. Click a column title to sort, a country for its "
                "breakdown."
                + (" Countries in the recommended set are marked <i>in set</i>." if self.rec is not None else "")
                + (
                    f" Each row is an office (countries sharing one office by <code>{_e(self.r.offices.column)}</code>"
                    "), with its member countries under its name."
                    if self.r.offices is not None
                    else ""
                )
                + "</p>",
                f'<div class="legend">{legend}</div>',
                '<div class="controls">'
                '<label>Search country<input type="search" id="filter-search" placeholder="name or code"></label>'
                f"{region_filter}"
                f'<label>Tier<select id="filter-tier"><option value="">all</option>{tier_options}</select></label>'
                f"{chosen_filter}"
                '<span class="count" id="filter-count" role="status"></span></div>',
                '<div id="detail" hidden></div>',
                f'<table id="ranking-table"><thead><tr>{head}</tr></thead><tbody>',
                "\n".join(body),
                "</tbody></table>",
                "</section>",
            ]
        )

    def _members(self, row: pd.Series) -> str:
        """An office's member countries under its name (``--group-by`` reports only)."""
        if self.r.offices is None or "members" not in row.index:
            return ""
        members = [m for m in str(row["members"]).split(", ") if m]
        label = "member" if len(members) == 1 else f"{len(members)} members"
        return f'<span class="members">{label}: {_e(", ".join(members))}</span>'

    def _bar(self, row: pd.Series) -> str:
        segments = []
        for i, cid in enumerate(self.crit_ids):
            value = float(row[cid])
            share = max(0.0, value) / self.bar_scale if self.arithmetic else max(0.0, value) / len(self.crit_ids)
            label = self.c.criteria[cid].label
            segments.append(
                f'<span class="c{i % 8}" style="width:{share * 100:.3f}%" title="{_e(label)}: {_fmt(value, 4)}"></span>'
            )
        split = "" if self.arithmetic else " split"
        return f'<div class="bar{split}">{"".join(segments)}</div>'

    def _criteria(self) -> str:
        r = self.r
        within = r.indicator_weights_within
        rows = []
        for i, (cid, crit) in enumerate(self.c.criteria.items()):
            indicators = "".join(
                f"<li>{_e(ind.label or iid)} (<code>{_e(r.columns.get(iid, ind.column))}</code>, "
                f"{_pct(float(within[iid]))} of the criterion)</li>"
                for iid, ind in crit.indicators.items()
            )
            range_text = f"{_pct(crit.range[0])}-{_pct(crit.range[1])}" if crit.range else ""
            rows.append(
                f'<tr><td><span class="swatch c{i % 8}"></span>{_e(crit.label)}<br><code>{_e(cid)}</code></td>'
                f"<td>{_e(crit.cites)}</td>"
                f'<td class="num">{_e(yaml_number(crit.weight))}</td>'
                f'<td class="num">{_pct(float(r.weights[cid]), 1)}</td>'
                f'<td class="num">{_e(range_text)}</td>'
                f"<td><ul>{indicators}</ul></td></tr>"
            )
        source = f"<p>Source document: {_e(self.c.source)}.</p>" if self.c.source else ""
        return "\n".join(
            [
                '<section id="criteria">',
                "<h2>Criteria and weights</h2>",
                source,
                _changed_note("this table"),
                "<p>The weights of this run (relative: from the criteria file unless <code>-w</code> changed them) "
                "and their normalised shares of the score, with the paragraph each criterion cites.</p>",
                '<table><thead><tr><th>Criterion</th><th>Cites</th><th class="num">Weight</th>'
                '<th class="num">Share</th><th class="num">Plausible share</th><th>Indicators</th></tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table>",
                "</section>",
            ]
        )

    def _quality(self) -> str:
        r = self.r
        parts = ['<section id="quality">', "<h2>Data quality</h2>"]
        if r.illustrative:
            items = "".join(
                f"<li><code>{_e(col)}</code> is used for indicator <code>{_e(iid)}</code> (made-up values, "
                "not data)</li>"
                for iid, col in sorted(r.illustrative.items())
            )
            parts.append(
                '<div class="illustrative"><p>Illustrative columns: the ranking depends on made-up values.</p>'
                f"<ul>{items}</ul></div>"
            )
        else:
            parts.append("<p>No illustrative (made-up) columns were used.</p>")
        coverage = r.table["coverage"].to_numpy(dtype=float)
        full = int((coverage >= 1.0).sum())
        parts.append(
            f"<p>Coverage: {full} of {len(coverage)} ranked countries have every indicator value from the "
            f"spreadsheet; the lowest coverage is {_pct(float(coverage.min()) if len(coverage) else 1.0)}.</p>"
        )
        low = r.table.loc[r.table["coverage"] < 1.0].sort_values(["coverage", "rank"])
        if len(low):
            rows = "".join(
                f'<tr><td>{_e(row["name"])} <span class="id">{_e(ident)}</span></td>'
                f'<td class="num">{_pct(float(row["coverage"]))}</td><td class="num">{int(row["rank"])}</td></tr>'
                for ident, row in low.iterrows()
            )
            parts.append(
                f"<details><summary>Countries with missing values ({len(low)})</summary>"
                '<table><thead><tr><th>Country</th><th class="num">Coverage</th><th class="num">Rank</th></tr>'
                f"</thead><tbody>{rows}</tbody></table></details>"
            )
        imp = r.imputations
        if len(imp):
            by_column = imp.groupby("column", sort=False).size()
            summary = ", ".join(f"<code>{_e(col)}</code> {int(n)}" for col, n in by_column.items())
            rows = "".join(
                f'<tr><td>{_e(row["name"])} <span class="id">{_e(row["id"])}</span></td>'
                f'<td class="num">{int(row["row"])}</td><td><code>{_e(row["column"])}</code></td>'
                f"<td>{_e(row['original'])}</td><td>{_e(row['policy'])}</td>"
                f'<td class="num">{_fmt(row["value"], 4)}</td><td>{_e(row["how"])}</td></tr>'
                for _, row in imp.iterrows()
            )
            parts.append(
                f"<p>Imputed cells: {len(imp)} ({summary}).</p>"
                f"<details><summary>Every imputed cell ({len(imp)})</summary>"
                '<table><thead><tr><th>Country</th><th class="num">Row</th><th>Column</th><th>Cell</th>'
                '<th>Policy</th><th class="num">Value used</th><th>How</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></details>"
            )
        else:
            parts.append("<p>No cell was imputed: every indicator value comes from the spreadsheet.</p>")
        exc = r.exclusions
        if len(exc):
            rows = "".join(
                f'<tr><td>{_e(row["name"])} <span class="id">{_e(row["id"])}</span></td>'
                f'<td class="num">{int(row["row"])}</td><td>{_e(row["reason"])}</td></tr>'
                for _, row in exc.iterrows()
            )
            parts.append(
                f"<h3>Excluded countries ({len(exc)})</h3>"
                '<table><thead><tr><th>Country</th><th class="num">Row</th><th>Why</th></tr></thead>'
                f"<tbody>{rows}</tbody></table>"
            )
        else:
            parts.append("<p>No country was excluded by the eligibility rules.</p>")
        conv = r.conversions
        if len(conv):
            by_column = conv.groupby("column", sort=False).size()
            items = "".join(f"<li><code>{_e(col)}</code>: {int(n)} cells</li>" for col, n in by_column.items())
            parts.append(
                f"<details><summary>Text cells read as values ({len(conv)})</summary><p>Levels, yes/no answers "
                f"and numbers typed as text, converted by the criteria's rules:</p><ul>{items}</ul></details>"
            )
        parts.append("</section>")
        return "\n".join(parts)

    def _stability(self) -> str:
        st = self.stab
        parts = ['<section id="stability">', "<h2>What would change the list</h2>"]
        if st.weights is None or st.countries is None:
            parts += [f'<p id="stability-left-out">{_e(st.reason)}</p>', "</section>"]
            return "\n".join(parts)
        k = st.top_k
        unit = st.unit
        units = "offices" if unit == "office" else "countries"
        shares = ", ".join(f"{_e(_plain(str(cid)))} {float(w):.2f}" for cid, w in st.weights["weight"].items())
        parts += [
            '<p class="status warn only-when-changed">The weights above are not the ones this report was made '
            "with: this section still describes the report's weights. Download the tuned criteria file and make the "
            "report again to update it.</p>",
            '<div class="stale-when-changed">',
            f"<p>How far can the weights, or one {unit}'s data, move before the top {k} changes? The answers below "
            f"are exact: they are worked out from the points where two {units}' scores cross, with no random "
            f"sampling. They hold for the weights this report was made with (shares: {shares}) and do not follow "
            "the sliders.</p>",
            "<h3>How far each weight can move</h3>",
            "<p>Here a weight is a criterion's share of the total (the shares add up to 1); when one share moves, "
            f"the others keep their proportions to one another. Within these limits the same {units} make up the "
            f"top {k}, though their order within it may change; beyond them, at least one {unit} enters or "
            "leaves.</p>",
            self._stability_weights(),
            '<ul class="sentences" id="stability-sentences">'
            + "".join(f"<li>{_e(text)}</li>" for text in st.weights["in_words"])
            + "</ul>",
            f"<h3>What it would take to move a {unit} in or out</h3>",
            f"<p>For the {min(2 * k, len(self.r.table))} best-ranked {units} (the top {k} and the next {k}): the "
            f"smallest change of one weight, and the smallest change of one criterion score, that would move the "
            f"{unit} into or out of the top {k}, each change on its own with everything else as it is. A criterion "
            f"score runs from 0 (worst) to 1 (best); each {unit}'s breakdown in the ranking shows them. Where the "
            "criterion score comes from a single spreadsheet value, the value it would take is given too. A change "
            "outside a weight's plausible range is one the criteria file treats as unlikely. Click a name in the "
            f"ranking to see these sentences for any {unit}.</p>",
            self._stability_countries(),
            "</div>",
            "</section>",
        ]
        return "\n".join(parts)

    def _stability_weights(self) -> str:
        st = self.stab
        assert st.weights is not None
        rows = []
        for i, (cid, row) in enumerate(st.weights.iterrows()):
            w, lo, hi = float(row["weight"]), float(row["low"]), float(row["high"])
            now, low, high = interval_cells(w, lo, hi)
            rl, rh = float(row["range_low"]), float(row["range_high"])
            plausible = "" if math.isnan(rl) else f"{rl:g} to {rh:g}"
            rows.append(
                f'<tr data-criterion="{_e(cid)}"><td><span class="swatch c{i % 8}"></span>{_e(row["label"])} '
                f"<code>{_e(cid)}</code></td>"
                f'<td class="num" data-value="{w!r}">{now}</td>'
                f'<td class="num" data-value="{lo!r}">{low}</td>'
                f'<td class="num" data-value="{hi!r}">{high}</td>'
                f'<td class="num">{_e(plausible)}</td></tr>'
            )
        return (
            '<table id="stability-weights"><thead><tr><th>Criterion</th><th class="num">Share now</th>'
            '<th class="num">Can go down to</th><th class="num">Can go up to</th>'
            '<th class="num">Plausible range (criteria file)</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _stability_countries(self) -> str:
        st = self.stab
        k = st.top_k
        near = st.near_cut()
        rows = []
        first_out = True
        for ident, row in near.iterrows():
            inside = bool(row["in_top_k"])
            where = f"in the top {k}" if inside else "outside"
            mark = ""
            if not inside and first_out:
                mark, first_out = ' class="first-out"', False
            rows.append(
                f'<tr data-id="{_e(ident)}"{mark}><td class="num">{int(row["rank"])}</td>'
                f"<td>{self._who(str(ident))}</td>"
                f"<td>{where} ({_e(row['tier'])})</td>"
                f"<td>{_e(row['weight_in_words'])}</td>"
                f"<td>{_e(row['value_in_words'])}</td></tr>"
            )
        return (
            '<table id="stability-countries"><thead><tr><th class="num">Rank</th>'
            f"<th>{'Office' if st.unit == 'office' else 'Country'}</th><th>Now</th>"
            "<th>One weight</th><th>One criterion score</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _sensitivity(self) -> str:
        s = self.sens
        if s is None:
            return ""
        t = self.r.table
        order = np.argsort(-np.asarray(s.p_top_k, dtype=float), kind="stable")
        likely = [i for i in order if s.p_top_k[i] >= 0.5]
        listed = ", ".join(f"{_e(t['name'].iloc[i])} ({_pct(float(s.p_top_k[i]))})" for i in likely[:30]) or "none"
        notes = "".join(f'<p class="note">{_e(n)}</p>' for n in s.notes)
        if s.uncertainty:
            errors = ", ".join(f"<code>{_e(iid)}</code> \u00b1{e:.0%}" for iid, e in s.uncertainty.items())
            notes = (
                "<p>Each draw also varied the data of the indicators whose uncertainty the criteria file declares "
                f"(relative error of the normalised value: {errors}).</p>" + notes
            )
        return "\n".join(
            [
                '<section id="sensitivity">',
                "<h2>Sensitivity to the weights</h2>",
                f"<p>{s.draws:,} sets of weights were drawn at random (seed {s.seed}) within the plausible ranges of "
                f"the criteria file{'' if any(c.range for c in self.c.criteria.values()) else ' (none set: anywhere)'}"
                f"; each country was ranked under every set. The ranking table shows each country's probability of "
                f"being in the top {s.top_k} and the ranks it holds in 90% of draws (5th to 95th percentile).</p>",
                f"<p>In the top {s.top_k} in at least half of the draws: {listed}.</p>",
                notes,
                "<h3>Rank acceptability</h3>",
                "<p>Each row is a country (ordered by its rank with the report's weights), each column a rank; the "
                "darker the cell, the larger the share of draws in which the country takes that rank.</p>",
                self._heatmap(),
                "</section>",
            ]
        )

    def _heatmap(self) -> str:
        s = self.sens
        assert s is not None
        t = self.r.table
        n_rows = min(len(t), max(2 * s.top_k, 20))
        n_cols = min(s.acceptability.shape[1], n_rows + 10)
        cell, left, top = 14, 190, 30
        width, height = left + n_cols * cell + 10, top + n_rows * cell + 30
        out = [
            f'<svg class="heatmap" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>Rank acceptability of the first {n_rows} countries</title>'
        ]
        for j in range(n_cols):
            if j == 0 or (j + 1) % 5 == 0:
                x = left + j * cell + cell / 2
                out.append(f'<text x="{x:g}" y="{top - 6}" text-anchor="middle">{j + 1}</text>')
        for i in range(n_rows):
            y = top + i * cell
            name = str(t["name"].iloc[i])
            short = name if len(name) <= 28 else name[:27] + "…"
            out.append(f'<text x="{left - 6}" y="{y + cell - 3}" text-anchor="end">{_e(short)}</text>')
            for j in range(n_cols):
                p = float(s.acceptability[i, j])
                if p <= 0:
                    continue
                out.append(
                    f'<rect x="{left + j * cell}" y="{y}" width="{cell}" height="{cell}" fill="{_blue(p)}">'
                    f"<title>{_e(name)}: rank {j + 1} in {_pct(p, 1)} of draws</title></rect>"
                )
        if s.top_k < n_cols:
            x = left + s.top_k * cell
            out.append(
                f'<line x1="{x}" y1="{top - 2}" x2="{x}" y2="{top + n_rows * cell + 2}" stroke="#D55E00" '
                'stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        out.append(
            f'<text x="{left + n_cols * cell / 2:g}" y="{height - 8}" text-anchor="middle">rank (1 = best; dashed '
            f"line: top {s.top_k})</text>"
        )
        out.append("</svg>")
        return "".join(out)

    def _top_reasons(self) -> str:
        """The worked example: what each indicator adds for the first five (weighted sums only)."""
        if not self.arithmetic or self.r.table.empty:
            return ""
        items = "".join(f"<li>{_e(reason.sentence())}</li>" for reason in top_reasons(self.r, top=5))
        return (
            "<h3>Why the top countries are where they are</h3><p>For the first five: each indicator's value and "
            "what it adds to the score, read from the same computation as the ranking; made-up stand-ins are "
            f"named as such.</p><ul>{items}</ul>"
        )

    def _methodology(self) -> str:
        c = self.c
        r = self.r
        paras = ['<section id="methodology" class="annex">', "<h2>Methodology annex</h2>", _changed_note("this annex")]
        intro = (
            f"<p>This ranking applies the criteria profile \u201c{_e(c.name)}\u201d"
            + (f", which follows {_e(c.source)}" if c.source else "")
            + f". It scores each eligible country in <code>{_e(self._data_name())}</code> on {len(c.criteria)} "
            "criteria, "
            "each measured by one or more indicators (spreadsheet columns).</p>"
        )
        paras.append(intro)
        if c.description:
            paras.append(f"<p>{_e(c.description.strip())}</p>")
        paras.append("<h3>Eligibility</h3>")
        if c.eligibility:
            paras.append(
                "<p>A country is ranked only if it passes every rule below; the others are listed under data "
                "quality with the reason.</p><ul>"
                + "".join(f"<li>{_e(rule_words(rule))}</li>" for rule in c.eligibility)
                + "</ul>"
            )
        else:
            paras.append("<p>Every country in the spreadsheet is eligible.</p>")
        paras.append("<h3>Criteria and indicators</h3>")
        within = r.indicator_weights_within
        for cid, crit in c.criteria.items():
            paras.append(
                f"<p><b>{_e(crit.label)}</b> ({_e(crit.cites)}) carries {_pct(float(r.weights[cid]), 1)} of the "
                f"score (relative weight {_e(yaml_number(crit.weight))})."
                + (f" {_e(crit.description.strip())}" if crit.description else "")
                + (
                    f" For sensitivity analysis its share may plausibly range from {_pct(crit.range[0])} to "
                    f"{_pct(crit.range[1])}."
                    if crit.range
                    else ""
                )
                + "</p>"
            )
            items = []
            for iid, ind in crit.indicators.items():
                column = r.columns.get(iid, ind.column)
                stand_in = (
                    f" In this run the column was missing and the made-up stand-in <code>{_e(column)}</code> was "
                    "used instead."
                    if iid in r.illustrative
                    else ""
                )
                unit = f" Unit: {_e(ind.unit.rstrip('.'))}." if ind.unit else ""
                src = f" Source: {_e(ind.source.rstrip('.'))}." if ind.source else ""
                desc = f" {_e(ind.description.strip().rstrip('.'))}." if ind.description else ""
                direction = "higher" if ind.direction is Direction.higher else "lower"
                items.append(
                    f"<li><b>{_e(ind.label or iid)}</b> (column <code>{_e(ind.column)}</code>; "
                    f"{_pct(float(within[iid]))} of the criterion; {direction} is better).{desc}{unit}{src} "
                    f"Normalisation: {_e(describe(ind))}. Missing values: {_e(missing_words(ind))}.{stand_in}</li>"
                )
            paras.append(f"<ul>{''.join(items)}</ul>")
        paras.append("<h3>Aggregation</h3>")
        if self.arithmetic:
            paras.append(
                "<p>A criterion's score is the weighted mean of its indicators' normalised values (0 to 1), and a "
                "country's score is the weighted mean of its criterion scores, with the shares above. Each "
                "criterion's contribution is its share times its score, so the contributions add up to the score "
                "and a strength on one criterion can make up for a weakness on another. Where an indicator is "
                "left out for a country, the weights of the remaining indicators of that criterion are rescaled "
                "to add up to 1 for that country.</p>"
            )
        else:
            paras.append(
                "<p>A criterion's score is the weighted geometric mean of its indicators' normalised values (0 to "
                "1), and a country's score is the weighted geometric mean of its criterion scores, with the shares "
                "above. A geometric mean is less compensatory than an average: a very low value on one criterion "
                "pulls the score down however strong the others are, and a 0 gives a score of 0.</p>"
            )
        paras.append("<h3>Ranks and tiers</h3>")
        paras.append(
            f"<p>Countries are ranked by score, best first. Scores equal to {TIE_DECIMALS} decimals are ties and "
            "share the better rank (the next rank is skipped); ties are listed by country code. Each country is "
            "placed in the first tier whose rule it meets:</p><ul>"
            + "".join(
                f"<li><b>{_e(t.name)}</b>: {_e(tier_words(t, last=i == len(c.tiers) - 1))}"
                + (f" \u2014 {_e(t.description)}" if t.description else "")
                + "</li>"
                for i, t in enumerate(c.tiers)
            )
            + "</ul>"
        )
        paras.append(self._top_reasons())
        if self.sens is not None:
            paras.append("<h3>Sensitivity</h3>")
            paras.append(
                f"<p>Weight sets were drawn at random ({self.sens.draws:,} draws, seed {self.sens.seed}) within each "
                "criterion's plausible range, keeping the criteria's order of importance where the file gives one; "
                "the probability of a top rank is the share of draws that give it"
                + (
                    "; the indicators with a declared uncertainty also had their data varied in each draw"
                    if self.sens.uncertainty
                    else ""
                )
                + f". It is the analysis of <code>unct-scorer sensitivity --draws {self.sens.draws} --seed "
                f"{self.sens.seed}</code>.</p>"
            )
        if self.stab.weights is not None:
            paras.append("<h3>What would change the list</h3>")
            paras.append(
                "<p>When one criterion's share of the weight moves and the others keep their proportions, every "
                "country's score moves in a straight line, so the shares at which two countries swap places can be "
                f"solved for exactly; each weight's limits are the nearest such swaps across the cut of the top "
                f"{self.stab.top_k}. A country's score also moves in a straight line with each of its criterion "
                "scores, which gives the smallest change of one criterion score that moves it across the cut. "
                "Nothing is sampled. Where one indicator alone makes up the criterion score and its normalisation "
                "can be undone (min-max, goalposts, yes/no, levels), the spreadsheet value is read back from it.</p>"
            )
        if self.rec is not None:
            paras.append("<h3>Choosing the set</h3>")
            paras.append(f"<p>{self._selection_method()}</p>")
        paras.append("</section>")
        return "\n".join(paras)

    def _selection_method(self) -> str:
        """The recommended set's rules in plain words, for the annex."""
        rec = self.rec
        assert rec is not None
        d = rec.data
        cost = _e(d["cost_column"] or "cost")
        if d["objective"] == "score-minus-cost":
            goal = (
                f"the sum of the chosen countries' scores minus {_e(yaml_number(float(rec.cost_weight or 0)))} times "
                f"the sum of their {cost}"
            )
        else:
            goal = "the sum of the chosen countries' scores"
        rules = []
        if d["capacity"] is not None:
            rules.append(f"at most {int(d['capacity'])} countries are chosen (the coordination capacity)")
        if d["budget"] is not None:
            rules.append(f"their {cost} adds up to at most {d['budget']:g}")
        if d["constraints"]:
            rules.append("each of these holds: " + "; ".join(_e(c) for c in d["constraints"]))
        text = (
            f"The recommended set is the one that makes {goal} as large as possible while "
            + ", ".join(rules)
            + ". Every possible set is considered: the choice is solved exactly as a 0-1 integer program (SciPy "
            "milp with the HiGHS solver and no optimality gap), so no other set within these limits has a larger "
            "total. Among sets with the same total, the one whose country codes come first alphabetically is taken. "
            "The price of balance is the total given up to the group counts and forced countries, against the "
            "best set under the capacity and budget alone."
        )
        if d["default_cost"] is not None and d["cost_column"]:
            text += f" A blank {cost} counts as {d['default_cost']:g}."
        if rec.robust is not None:
            text += (
                f" Robustness: {rec.robust_draws} weight sets drawn as for the sensitivity analysis (seed "
                f"{rec.robust_seed}); each re-scores the countries as the weighted sum of their criterion scores and "
                "the set is solved again."
            )
        return text

    def _provenance(self) -> str:
        labels = {
            "tool": "Tool",
            "spreadsheet_file": "Spreadsheet",
            "spreadsheet_sha256": "Spreadsheet SHA-256",
            "criteria_file": "Criteria file",
            "criteria_sha256": "Criteria SHA-256",
            "command": "Command line",
            "seed": "Seed",
            "generated": "Generated",
        }
        items = "".join(
            f"<dt>{_e(labels.get(k, k.replace('_', ' ').capitalize()))}</dt><dd>{_e(v)}</dd>"
            for k, v in self.prov.items()
        )
        if not items:
            items = "<dt>Tool</dt><dd>unct-scorer</dd>"
        return "\n".join(
            [
                '<section id="provenance">',
                "<h2>Provenance</h2>",
                "<p>What produced these numbers: run the same command on files with the same SHA-256 and the same "
                "ranking comes out (only the generation time differs).</p>",
                f'<dl class="prov">{items}</dl>',
                "</section>",
            ]
        )

    def _data(self) -> dict[str, Any]:
        r = self.r
        t = r.table
        crit_weights = np.array([self.c.criteria[c].weight for c in self.crit_ids], dtype=float)
        mask = r.criterion_mask.loc[t.index, self.crit_ids].to_numpy(dtype=bool)
        values = r.criterion_scores.loc[t.index, self.crit_ids].to_numpy(dtype=float)
        eff = effective_weights(crit_weights, mask)
        items = self.c.indicator_items()
        imputed = {(row["id"], row["indicator"]): str(row["how"]) for row in r.imputations.to_dict("records")}
        item_ids = [iid for _cid, iid, _ind in items]
        raw_values = r.raw.loc[t.index, item_ids].to_numpy(dtype=float)
        norm_values = r.normalised.loc[t.index, item_ids].to_numpy(dtype=float)
        offices = r.offices
        countries = []
        for i, (ident, row) in enumerate(t.iterrows()):
            office_imputed = offices.imputed(str(ident), r.imputations) if offices is not None else {}
            ind = []
            for j, (_cid, iid, indicator) in enumerate(items):
                raw = float(raw_values[i, j])
                norm = float(norm_values[i, j])
                level = _level(indicator, raw) if not math.isnan(raw) else ""
                cell = [
                    None if math.isnan(raw) else _round_display(raw),
                    level,
                    None if math.isnan(norm) else norm,
                    office_imputed[iid][0] if iid in office_imputed else imputed.get((ident, iid)),
                ]
                if offices is not None:
                    cell.append(offices.member_values(str(ident), iid))
                ind.append(cell)
            office: dict[str, Any] = {}
            if offices is not None:
                member_ids = offices.member_lists[offices.ids.index(str(ident))]
                office = {
                    "office": offices.describe(str(ident)),
                    "members": [{"id": m, "name": str(offices.members.at[m, "name"])} for m in member_ids],
                }
            countries.append(
                office
                | {
                    "id": str(ident),
                    "name": str(row["name"]),
                    "region": self.regions[i] if self.regions is not None else None,
                    "s": [_num(v) for v in values[i]],
                    "m": [bool(v) for v in mask[i]],
                    "score": float(row["score"]),
                    "rank": int(row["rank"]),
                    "tier": self.tier_index.get(str(row["tier"]), len(self.c.tiers) - 1),
                    "contrib": [_num(row[c]) for c in self.crit_ids],
                    "eff": [float(v) for v in eff[i]],
                    "coverage": float(row["coverage"]),
                    "chosen": ident in self.chosen,
                    "ind": ind,
                }
            )
        data: dict[str, Any] = {
            "aggregation": self.c.aggregation.value,
            "live": self.arithmetic,
            "tie_decimals": TIE_DECIMALS,
            "top_k": self.top_k,
            "bar_scale": self.bar_scale,
            "command_prefix": self.command_prefix,
            "report_weights_words": ", ".join(
                f"{crit.label} {_pct(float(r.weights[cid]))}" for cid, crit in self.c.criteria.items()
            ),
            "criteria": [
                {"id": cid, "label": crit.label, "cites": crit.cites, "weight": float(crit.weight)}
                for cid, crit in self.c.criteria.items()
            ],
            "tiers": [{"name": t.name, "top": t.top, "min_score": t.min_score} for t in self.c.tiers],
            "indicators": [
                {
                    "id": iid,
                    "criterion": cid,
                    "criterion_label": self.c.criteria[cid].label,
                    "label": ind.label or iid,
                    "column": r.columns.get(iid, ind.column),
                }
                for cid, iid, ind in items
            ],
            "countries": countries,
            "yaml": None,
            "sensitivity": None,
            "stability": None,
            "selection": self.rec.data if self.rec is not None else None,
            "office_column": r.offices.column if r.offices is not None else None,
        }
        if self.source is not None:
            text = self.source.text
            stem = self.source.file_name.rsplit(".", 1)[0] or "criteria"
            data["yaml"] = {
                "text": text,
                "spans": [
                    [_utf16_offset(text, self.source.spans[c][0]), _utf16_offset(text, self.source.spans[c][1])]
                    for c in self.crit_ids
                ],
                "download_name": f"{stem}-tuned.yaml",
            }
        st = self.stab
        if st.countries is not None:
            order = st.countries.reindex(t.index)
            data["stability"] = {
                "top_k": st.top_k,
                "weight": [str(v) for v in order["weight_in_words"]],
                "value": [str(v) for v in order["value_in_words"]],
            }
        if self.sens is not None:
            data["sensitivity"] = {
                "p_top": [float(v) for v in self.sens.p_top_k],
                "low": [float(v) for v in self.sens.rank_low],
                "high": [float(v) for v in self.sens.rank_high],
            }
        return data


def _changed_note(what: str) -> str:
    """A warning shown (on screen and in print) once the page's weights differ from the report's."""
    return (
        f'<p class="status warn only-when-changed">The weights were moved in this page: {what} still describes the '
        "weights this report was made with, as stated in the summary.</p>"
    )


def _header_cell(key: str, label: str, *, numeric: bool) -> str:
    if not key:
        return f"<th>{_e(label)}</th>"
    cls = ' class="num"' if numeric else ""
    sort = "ascending" if key == "rank" else "none"
    return f'<th{cls} data-sort="{key}" aria-sort="{sort}"><button type="button" class="sort">{_e(label)}</button></th>'


def _utf16_offset(text: str, index: int) -> int:
    """A code-point offset as a JavaScript (UTF-16) string offset."""
    return len(text[:index].encode("utf-16-le")) // 2


def _round_display(value: float) -> float:
    return float(f"{value:.6g}")


def _level(indicator: Indicator, value: float) -> str:
    if not indicator.levels:
        if indicator.normalisation.value == "boolean":
            return "yes" if value == 1 else "no" if value == 0 else ""
        return ""
    for name, v in indicator.levels.items():
        if math.isclose(v, value):
            return name
    return ""


def _blue(p: float) -> str:
    """White to Okabe-Ito blue (#0072B2) by p in [0, 1]."""
    p = min(1.0, max(0.0, p)) ** 0.6
    r, g, b = (round(255 + (c - 255) * p) for c in (0x00, 0x72, 0xB2))
    return f"#{r:02x}{g:02x}{b:02x}"
