"""``uncertainty_analysis``: every modelling choice varied jointly; rank intervals and Sobol' indices.

The uncertain inputs (:mod:`scorer.uncertainty.factors`) are sampled with
Saltelli's design (:mod:`scorer.uncertainty.sobol`): ``N`` base rows in two
independent samples ``A`` and ``B``, plus one matrix ``A_B^(i)`` per factor,
``N (D + 2)`` runs of the vectorised model (:mod:`scorer.uncertainty.engine`)
in chunks of :data:`CHUNK` rows (memory stays bounded; the cost grows linearly
with ``N``).

- Weights: ``A`` takes the first ``N`` draws of
  ``scorer.solvers.sampling.sample_weights(constraints, 2N, seed=seed)``, ``B`` the
  next ``N``: the draws ``unct-scorer sensitivity --draws 2N --seed seed`` uses.
- Discrete choices: U(0, 1) mapped to equally likely alternatives.
- Data error: U(-1, 1) per country and uncertain indicator.

The rank statistics (median, 5-95% interval, P(top K), P(each tier)) are over
the ``2N`` runs of ``A`` and ``B``, two independent samples of the joint
distribution, with the definitions of :class:`scorer.solvers.smaa.SmaaResult`.
Sobol' indices are of each country's rank and of its membership of the top K.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.analyses.common import format_share, wrap_text
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Criteria
from scorer.solvers.rank_stats import rank_statistics
from scorer.solvers.sampling import sample_weights, sampling_method
from scorer.solvers.smaa import tier_rules
from scorer.tuning import DEFAULT_SEED, check_top_k, describe_constraints, frame_records, weight_constraints
from scorer.uncertainty.engine import Batch, Model, Outcome, build_model
from scorer.uncertainty.factors import Factors, build_factors
from scorer.uncertainty.sobol import DEFAULT_BOOTSTRAP, DEFAULT_LEVEL, SobolAccumulator, SobolEstimate

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Progress = Callable[[int, int], None]

DEFAULT_SAMPLES = 4096
CHUNK = 256
"""Base rows per chunk; fixed, so the bootstrap and noise streams (seeded per chunk) never depend on memory."""
OUTPUTS = ("rank", "top_k")


@dataclass(frozen=True)
class FactorInfo:
    """One uncertain input as reported: its name and what it ranges over."""

    name: str
    options: tuple[str, ...]

    def describe(self) -> str:
        """``name (a | b | c)``, or the name alone for a continuous group."""
        return f"{self.name} ({' | '.join(self.options)})" if self.options else self.name


@dataclass(frozen=True)
class UncertaintyResult:
    """What :func:`uncertainty_analysis` found; every output is a rendering of it.

    ``summary`` (indexed by id, in the nominal ranking order): ``name``, the
    nominal ``rank`` and ``tier``, ``robustness`` (``always``/``some``/``never``
    in the top K), ``p_top_k``, ``p_<tier>`` per tier, ``mean_rank``,
    ``median_rank``, ``rank_p05``, ``rank_p95``.
    ``sobol`` (one row per country, output and factor): ``first`` and
    ``total`` indices with their bootstrap intervals (``*_low``, ``*_high``)
    and the output's ``variance``; NaN where the output never changes.
    ``drivers``: the same per output and factor, pooled over countries (the
    share of the summed variance of every country's output).
    ``by_choice`` (one row per country, discrete choice and alternative): the
    ``samples`` using that alternative, ``p_top_k`` and ``mean_rank`` among
    them: how each alternative moves each country.
    """

    criteria_name: str
    source: str
    samples: int
    runs: int
    seed: int
    top_k: int
    top_k_tier: str | None
    bootstrap: int
    level: float
    factors: tuple[FactorInfo, ...]
    tier_names: tuple[str, ...]
    summary: pd.DataFrame
    sobol: pd.DataFrame
    drivers: pd.DataFrame
    by_choice: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def ids(self, robustness: str) -> list[str]:
        """Country ids ``always``, ``some`` or ``never`` in the top K, in nominal order."""
        return [str(i) for i in self.summary.index[self.summary["robustness"] == robustness]]

    def lines(self) -> list[str]:
        """The answer in words: who is in the top K whatever the choices, who only under some, what drives it."""
        s, k = self.summary, self.top_k
        what = f"top {k}" + (f" (tier {self.top_k_tier!r})" if self.top_k_tier else "")
        out = [
            wrap_text(
                f"Method uncertainty: {self.samples:,} base samples, {self.runs:,} runs (seed {self.seed}), "
                "varying jointly: " + "; ".join(f.describe() for f in self.factors) + "."
            )
        ]
        name = {str(i): str(x) for i, x in s["name"].items()}
        always, some, never = self.ids("always"), self.ids("some"), self.ids("never")
        out.append(
            wrap_text(
                f"In the {what} whatever the choices ({len(always)}): "
                + (", ".join(f"{name[i]} ({i})" for i in always) or "none")
                + "."
            )
        )
        out.append(f"In the {what} under some choices only ({len(some)})" + (":" if some else ": none."))
        shares = self.variance_shares()
        p = {str(i): float(x) for i, x in s["p_top_k"].items()}
        ranks = {
            str(i): (int(a), int(b), int(c)) for i, a, b, c in s[["median_rank", "rank_p05", "rank_p95"]].itertuples()
        }
        for i in sorted(some, key=lambda x: (-p[x], x)):
            share = format_share(p[i])
            chance = f"p {share[0]} {share[1:]}" if share[0] in "<>" else f"p = {share}"
            median, low, high = ranks[i]
            variance = f"; rank variance: {shares[i]}" if i in shares else ""
            out.append(f"  {name[i]} ({i}): {chance}; median rank {median}, 5-95% {low}-{high}{variance}")
        out.append(f"Never in the {what}: {len(never)} countries.")
        pct = f"{self.level:.0%}"
        for output, title in (
            ("rank", "the ranks"),
            ("top_k", f"membership of the top {k}"),
        ):
            rows = self.driver_rows(output)
            if not rows:
                out.append(f"What drives {title}: nothing (it never changes).")
                continue
            out.append(
                f"What drives {title} (share of its variance over all countries; first-order / total, {pct} CI):"
            )
            out.extend(f"  {factor}: {first} alone, {total} with interactions" for factor, first, total in rows)
        return out + [f"Note: {n}" for n in self.notes]

    def driver_rows(self, output: str) -> list[tuple[str, str, str]]:
        """(factor, first-order index, total index) as printed, largest total first; [] when ``output`` never
        changes. ``output`` is ``rank`` or ``top_k``; each index reads ``0.42 [0.38, 0.46]`` (its interval)."""
        d = self.drivers[self.drivers["output"] == output]
        if d["first"].isna().all():
            return []
        cols = ["factor", "first", "first_low", "first_high", "total", "total_low", "total_high"]
        rows = []
        for factor, *v in d.sort_values("total", ascending=False)[cols].itertuples(index=False):
            x = [float(a) for a in v]
            rows.append((str(factor), index_text(*x[:3]), index_text(*x[3:])))
        return rows

    def variance_shares(self) -> dict[str, str]:
        """Per country id, ``60% weights, 30% aggregation``: the first-order shares of its rank variance of 5% or
        more, largest first (countries whose rank never varies are left out).

        A share is at most 100%: an estimate above 1 (sampling error of Saltelli's estimator, common where
        one choice drives everything) is said as 100%; the Sobol' table keeps the estimate and its interval.
        """
        d = self.sobol[(self.sobol["output"] == "rank") & (self.sobol["first"] >= 0.05)]
        out: dict[str, str] = {}
        for ident, part in d.sort_values(["id", "first"], ascending=[True, False]).groupby("id", sort=False):
            out[str(ident)] = ", ".join(
                f"{min(first, 1.0):.0%} {factor}" for factor, first in zip(part["factor"], part["first"], strict=True)
            )
        return out

    def country_drivers(self, output: str = "rank") -> pd.DataFrame:
        """Total indices as a (country x factor) table for ``output`` (``rank`` or ``top_k``), in nominal order."""
        d = self.sobol[self.sobol["output"] == output]
        table = d.pivot(index="id", columns="factor", values="total")
        return table.reindex(index=self.summary.index, columns=[f.name for f in self.factors])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, the groups, every country's row, the Sobol' tables."""
        return {
            "criteria": self.criteria_name,
            "source": self.source,
            "samples": self.samples,
            "runs": self.runs,
            "seed": self.seed,
            "top_k": self.top_k,
            "top_k_tier": self.top_k_tier,
            "bootstrap": self.bootstrap,
            "level": self.level,
            "factors": [{"name": f.name, "options": list(f.options)} for f in self.factors],
            "always": self.ids("always"),
            "some": self.ids("some"),
            "never": self.ids("never"),
            "notes": list(self.notes),
            "countries": frame_records(self.summary),
            "drivers": frame_records(self.drivers),
            "sobol": frame_records(self.sobol),
            "by_choice": frame_records(self.by_choice),
        }


def uncertainty_analysis(
    df: pd.DataFrame,
    criteria: Criteria,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    top_k: int | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    level: float = DEFAULT_LEVEL,
    weights: bool | None = None,
    data_error: bool | None = None,
    progress: Progress | None = None,
) -> UncertaintyResult:
    """Vary every declared modelling choice jointly; rank intervals per country and Sobol' indices.

    ``weights`` and ``data_error`` override the ``uncertainty:`` section's
    switches. Same inputs and seed, same numbers. ``progress(done, total)`` is
    called after each chunk of base rows.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> r = uncertainty_analysis(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()),
    ...                          samples=64, bootstrap=0)
    >>> r.runs, [f.name for f in r.factors], r.summary.index[0], r.summary.iloc[0]["robustness"]
    (192, ['weights'], 'NGA', 'always')
    """
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2:
        raise ConfigError(Problem("config.samples", f"should be an integer >= 2, but it is {samples!r}", key="samples"))
    factors = build_factors(criteria, weights=weights, data_error=data_error)
    if not factors.names:
        raise ConfigError(
            Problem(
                "config.uncertainty",
                "should leave at least one input uncertain, but the weights, the choices and the data are all fixed",
                key="uncertainty",
                fix="set weights: true, add alternatives, or give indicators an uncertainty",
            )
        )
    model, nominal = build_model(df, criteria, factors)
    k = check_top_k(top_k, nominal, key="top_k")
    design = _Design(model, factors, criteria, samples, seed)
    tiers = tier_rules(criteria.tiers)
    n = len(model.ids)
    tally = _Tally(n, len(tiers), factors, k, bootstrap=bootstrap, seed=seed)
    for start in range(0, samples, CHUNK):
        stop = min(start + CHUNK, samples)
        tally.add(model.evaluate(design.batch(start, stop)), design.choices(start, stop))
        if progress is not None:
            progress(stop, samples)
    estimate = tally.sobol.result(level=level, pools=[slice(0, n), slice(n, 2 * n)])
    summary = _summary(
        nominal.table, tally.counts.reshape(n, n), tally.tier_counts.reshape(n, -1), k, tiers, 2 * samples
    )
    infos = _factor_infos(factors, criteria)
    sobol, drivers = _sobol_tables(estimate, nominal.table, [f.name for f in infos], n)
    first = criteria.tiers[0]
    notes = list(nominal.notes)
    if factors.weights and sampling_method(weight_constraints(criteria)) == "fixed":
        notes.append("the weights are fixed (zero-width ranges): their indices are 0")
    return UncertaintyResult(
        criteria_name=criteria.name,
        source=nominal.source,
        samples=samples,
        runs=samples * (len(factors.names) + 2),
        seed=seed,
        top_k=k,
        top_k_tier=first.name if first.top == k and first.min_score is None else None,
        bootstrap=bootstrap,
        level=level,
        factors=tuple(infos),
        tier_names=tuple(t.name for t in tiers),
        summary=summary,
        sobol=sobol,
        drivers=drivers,
        by_choice=tally.by_choice.frame(factors, nominal.table),
        notes=notes,
    )


class _Design:
    """Saltelli's A, B and A_B^(i) rows of one chunk, built from seeded streams."""

    def __init__(self, model: Model, factors: Factors, criteria: Criteria, samples: int, seed: int) -> None:
        self.model, self.factors, self.samples, self.seed = model, factors, samples, seed
        if factors.weights:
            self.w = sample_weights(weight_constraints(criteria), 2 * samples, seed=seed)
        else:
            self.w = np.broadcast_to(model.nominal_weights, (2 * samples, len(model.nominal_weights)))
        rng = np.random.default_rng([seed, 2])
        sizes = np.array([len(c.options) for c in factors.choices], dtype=np.int64)
        u_a, u_b = rng.random((samples, len(sizes))), rng.random((samples, len(sizes)))
        self.choice_a = np.minimum((u_a * sizes).astype(np.int64), sizes - 1)
        self.choice_b = np.minimum((u_b * sizes).astype(np.int64), sizes - 1)
        self.noisy = int((model.errors > 0).sum()) if factors.data_error else 0

    def choices(self, start: int, stop: int) -> IntArray:
        """The alternatives picked in the chunk's A rows, then its B rows."""
        return np.concatenate([self.choice_a[start:stop], self.choice_b[start:stop]])

    def batch(self, start: int, stop: int) -> Batch:
        n, c = len(self.model.ids), stop - start
        w_a, w_b = self.w[start:stop], self.w[self.samples + start : self.samples + stop]
        k_a, k_b = self.choice_a[start:stop], self.choice_b[start:stop]
        noise_a = noise_b = None
        if self.noisy:
            rng = np.random.default_rng([self.seed, 3, start // CHUNK])
            noise_a = rng.uniform(-1.0, 1.0, (c, n, self.noisy))
            noise_b = rng.uniform(-1.0, 1.0, (c, n, self.noisy))
        weights, choices, noise = [w_a, w_b], [k_a, k_b], [noise_a, noise_b]
        for i, name in enumerate(self.factors.names):
            weights.append(w_b if name == "weights" else w_a)
            kind = k_a.copy()
            j = i - int(self.factors.weights)
            if 0 <= j < len(self.factors.choices):
                kind[:, j] = k_b[:, j]
            choices.append(kind)
            noise.append(noise_b if name == "data error" else noise_a)
        return Batch(
            weights=np.concatenate(weights),
            choices=np.concatenate(choices),
            noise=None if noise_a is None else np.concatenate([x for x in noise if x is not None]),
        )


class _Tally:
    """What the chunks add up: rank and tier counts of the A and B runs, the Sobol' sums, the means by choice."""

    def __init__(self, n: int, tiers: int, factors: Factors, k: int, *, bootstrap: int, seed: int) -> None:
        self.n, self.tiers, self.k, self.d = n, tiers, k, len(factors.names)
        self.counts = np.zeros(n * n, dtype=np.int64)
        self.tier_counts = np.zeros(n * (tiers + 1), dtype=np.int64)
        self.sobol = SobolAccumulator(self.d, 2 * n, bootstrap=bootstrap, seed=seed)
        self.by_choice = _ByChoice([len(c.options) for c in factors.choices], n, k)

    def add(self, outcome: Outcome, choices: IntArray) -> None:
        """One chunk's runs (A, B, then each A_B^(i)) and the alternatives of its A and B rows."""
        n, d = self.n, self.d
        c = outcome.ranks.shape[0] // (d + 2)
        country = np.arange(n, dtype=np.int64)
        ranks = outcome.ranks.reshape(d + 2, c, n)
        tier = np.where(outcome.tiers < 0, self.tiers, outcome.tiers).reshape(d + 2, c, n)
        self.counts += np.bincount((country * n + ranks[:2] - 1).reshape(-1), minlength=n * n)
        self.tier_counts += np.bincount(
            (country * (self.tiers + 1) + tier[:2]).reshape(-1), minlength=self.tier_counts.size
        )
        y = np.concatenate([ranks, ranks <= self.k], axis=2).astype(np.float64)
        self.sobol.add(y[0], y[1], y[2:])
        self.by_choice.add(choices, ranks[:2])


class _ByChoice:
    """P(top K) and the mean rank of each country among the runs using each alternative of each choice."""

    def __init__(self, sizes: list[int], n: int, k: int) -> None:
        self.sizes, self.k = sizes, k
        self.top = [np.zeros((size, n)) for size in sizes]
        self.rank = [np.zeros((size, n)) for size in sizes]
        self.count = [np.zeros(size) for size in sizes]

    def add(self, choices: IntArray, ranks: IntArray) -> None:
        """``choices (rows, choices)`` and ``ranks (2, c, n)`` of the chunk's A and B runs."""
        r = ranks.reshape(-1, ranks.shape[-1]).astype(np.float64)
        top = (r <= self.k).astype(np.float64)
        for j, size in enumerate(self.sizes):
            onehot = (choices[:, j][:, None] == np.arange(size)).astype(np.float64)
            self.top[j] += onehot.T @ top
            self.rank[j] += onehot.T @ r
            self.count[j] += onehot.sum(axis=0)

    def frame(self, factors: Factors, table: pd.DataFrame) -> pd.DataFrame:
        ids, names = [str(i) for i in table.index], table["name"].to_numpy(dtype=object)
        parts = []
        for j, choice in enumerate(factors.choices):
            for o, option in enumerate(choice.options):
                count = self.count[j][o]
                with np.errstate(invalid="ignore", divide="ignore"):
                    p = self.top[j][o] / count if count else np.full(len(ids), np.nan)
                    mean = self.rank[j][o] / count if count else np.full(len(ids), np.nan)
                parts.append(
                    pd.DataFrame(
                        {
                            "id": ids,
                            "name": names,
                            "factor": choice.name,
                            "option": option,
                            "samples": int(count),
                            "p_top_k": p,
                            "mean_rank": mean,
                        }
                    )
                )
        columns = ["id", "name", "factor", "option", "samples", "p_top_k", "mean_rank"]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _factor_infos(factors: Factors, criteria: Criteria) -> list[FactorInfo]:
    out = []
    if factors.weights:
        out.append(FactorInfo("weights", ("; ".join(describe_constraints(criteria)),)))
    out += [FactorInfo(c.name, c.options) for c in factors.choices]
    if factors.data_error:
        out.append(FactorInfo("data error", tuple(f"{iid} ±{e:.0%}" for iid, e in factors.data_error.items())))
    return out


def _summary(
    table: pd.DataFrame, counts: IntArray, tier_counts: IntArray, k: int, tiers: tuple[Any, ...], draws: int
) -> pd.DataFrame:
    """Per country, read from the rank counts by :func:`scorer.solvers.rank_stats.rank_statistics`, as SMAA."""
    stats = rank_statistics(counts, draws=draws, top_k=k)
    p = stats.in_top / draws
    summary = pd.DataFrame(
        {
            "name": table["name"].to_numpy(dtype=object),
            "rank": table["rank"].to_numpy(dtype=np.int64),
            "tier": table["tier"].to_numpy(dtype=object),
            "robustness": np.where(p >= 1.0, "always", np.where(p <= 0.0, "never", "some")).astype(object),
            "p_top_k": p,
        },
        index=pd.Index(table.index, name="id"),
    )
    for t, rule in enumerate(tiers):
        column = f"p_{rule.name}" if f"p_{rule.name}" not in summary.columns else f"p_tier_{rule.name}"
        summary[column] = tier_counts[:, t] / draws
    summary["mean_rank"] = stats.rank_sum / draws
    summary["median_rank"] = stats.median
    summary["rank_p05"] = stats.p05
    summary["rank_p95"] = stats.p95
    return summary


def _sobol_tables(
    est: SobolEstimate, table: pd.DataFrame, factors: list[str], n: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The long per-country table and the pooled drivers table."""
    rows, pooled = [], []
    ids, names = [str(i) for i in table.index], table["name"].to_numpy(dtype=object)
    for o, output in enumerate(OUTPUTS):
        cols = slice(o * n, (o + 1) * n)
        for f, factor in enumerate(factors):
            frame = pd.DataFrame(
                {
                    "id": ids,
                    "name": names,
                    "output": output,
                    "factor": factor,
                    "first": est.first[f, cols],
                    "first_low": est.first_low[f, cols],
                    "first_high": est.first_high[f, cols],
                    "total": est.total[f, cols],
                    "total_low": est.total_low[f, cols],
                    "total_high": est.total_high[f, cols],
                    "variance": est.variance[cols],
                }
            )
            rows.append(frame)
    sobol = pd.concat(rows, ignore_index=True)
    for o, output in enumerate(OUTPUTS):
        for f, factor in enumerate(factors):
            pooled.append(
                {
                    "output": output,
                    "factor": factor,
                    "first": est.pooled_first[o][f],
                    "first_low": est.pooled_first_low[o][f],
                    "first_high": est.pooled_first_high[o][f],
                    "total": est.pooled_total[o][f],
                    "total_low": est.pooled_total_low[o][f],
                    "total_high": est.pooled_total_high[o][f],
                }
            )
    return sobol, pd.DataFrame(pooled)


def index_text(value: float, low: float, high: float) -> str:
    """``0.42 [0.38, 0.46]`` (the interval left out when there is none).

    >>> index_text(0.4172, 0.38, 0.456), index_text(-0.0012, -0.004, 0.003), index_text(0.5, np.nan, np.nan)
    ('0.42 [0.38, 0.46]', '0.00 [0.00, 0.00]', '0.50')
    """
    if np.isnan(value):
        return "n/a"

    def text(x: float) -> str:
        return f"{round(x, 2) + 0.0:.2f}"  # + 0.0: a tiny negative estimate prints as 0.00, not -0.00

    if np.isnan(low):
        return text(value)
    return f"{text(value)} [{text(low)}, {text(high)}]"
