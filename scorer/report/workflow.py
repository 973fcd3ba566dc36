"""The report as one library workflow: :func:`make_report` computes every analysis once; outputs render it.

``unct-scorer report`` is a thin adapter over these: it reads the inputs,
calls :func:`make_report` with its options, and writes each ``-o`` file from
the returned :class:`Report` (the page with :meth:`Report.html`, workbooks and
Markdown with :func:`scorer.io.results.write_report`). Python users get the
same report, with the same defaults (one seed, one number of draws, the
indicators' uncertainty honoured), from the same call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.errors import ConfigError, Problem
from scorer.model.criteria import Selection
from scorer.render.export import grouping_frame
from scorer.report.analyses import (
    RecommendedSet,
    Sensitivity,
    Stability,
    recommend,
    run_sensitivity,
    run_stability,
)
from scorer.report.commands import ReportCommands
from scorer.report.wording import cell_text, yaml_number
from scorer.selection.config import ROBUST_DRAWS
from scorer.tuning import DEFAULT_DRAWS, DEFAULT_SEED
from scorer.uncertainty.analysis import DEFAULT_SAMPLES
from scorer.uncertainty.sobol import DEFAULT_BOOTSTRAP

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport
    from scorer.elicitation.workflow import Elicitation
    from scorer.report.evidence_section import EvidenceSection
    from scorer.uncertainty.analysis import UncertaintyResult


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
        out[column] = [cell_text(values[p]) if 0 <= p < len(values) else "" for p in positions]
    return out


@dataclass(frozen=True)
class Report:
    """Everything a report shows, computed once: the scored result and the analyses, as result objects.

    Every output is a rendering of it: :meth:`html` (the page), and the
    workbook and Markdown of :func:`scorer.io.results.write_report`.
    """

    result: ScoreResult
    top_k: int
    stability: Stability
    sensitivity: Sensitivity | None = None
    recommended: RecommendedSet | None = None
    extra_columns: pd.DataFrame | None = None
    region_column: str | None = None
    groups: pd.DataFrame | None = None
    committee: CommitteeReport | None = None
    uncertainty: UncertaintyResult | None = None
    evidence: EvidenceSection | None = None
    commands: ReportCommands = field(default_factory=ReportCommands)
    """The report's inputs as the command line spells them: every command the report prints starts from them."""

    def html(
        self,
        *,
        criteria_source: CriteriaSource | None = None,
        provenance: Mapping[str, str] | None = None,
        generated: str = "",
        command_prefix: str | None = None,
    ) -> str:
        """The self-contained HTML page (see :func:`scorer.report.page.build_report`); ``command_prefix`` defaults
        to the ``rank`` command of :attr:`commands`."""
        from scorer.report.page import build_report

        return build_report(
            self.result,
            top_k=self.top_k,
            criteria_source=criteria_source,
            provenance=provenance,
            generated=generated,
            extra_columns=self.extra_columns,
            region_column=self.region_column,
            sensitivity=self.sensitivity,
            recommended=self.recommended,
            stability=self.stability,
            command_prefix=command_prefix if command_prefix is not None else self.commands.rank_prefix(),
            commands=self.commands,
            committee=self.committee,
            uncertainty=self.uncertainty,
            evidence=self.evidence,
        )


def make_report(
    result: ScoreResult,
    data: pd.DataFrame | None = None,
    *,
    top_k: int | None = None,
    sensitivity: bool = False,
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
    data_uncertainty: bool = True,
    selection: Selection | None = None,
    selection_draws: int = ROBUST_DRAWS,
    region_column: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    stakeholders: Elicitation | None = None,
    uncertainty: bool = False,
    samples: int = DEFAULT_SAMPLES,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    evidence: EvidenceSection | None = None,
    commands: ReportCommands | None = None,
) -> Report:
    """Run every analysis of the report once, as ``unct-scorer report`` does, and return them.

    ``data`` is the sheet ``result`` was scored from (for the region column
    and a selection's group and cost columns). ``selection`` (else the
    criteria's ``selection:`` section) adds the recommended set; with
    ``sensitivity``, also its robustness over ``selection_draws`` weightings.
    The sensitivity analysis is :func:`scorer.tuning.sensitivity` with
    ``draws``, ``seed`` and ``data_uncertainty``, the defaults of
    ``unct-scorer sensitivity``. ``top_k`` defaults to the first tier's size
    (at most the number ranked). ``region_column`` defaults to ``region`` when
    the sheet has it; ``groups`` holds the sheet's grouping columns (region,
    income group, ...; see :func:`scorer.render.export.grouping_frame`) for the workbook.
    ``stakeholders`` (their judgements turned into weights,
    :func:`scorer.elicitation.workflow.elicit`) adds the Whose weights section:
    :func:`scorer.elicitation.committee.weigh_committee` on ``data``, as
    ``unct-scorer weights`` runs it (same K, same seed).
    With ``uncertainty``, the Method uncertainty section is
    :func:`scorer.uncertainty.analysis.uncertainty_analysis` of ``data`` with
    ``samples``, ``seed``, ``bootstrap`` and K (what ``unct-scorer
    uncertainty`` runs). ``evidence`` adds the Evidence for criterion 3 section.
    ``commands`` (the report's inputs as the command line spells them) completes
    every command the report prints (default: none, the bundled demo's).

    >>> from scorer import demo_result
    >>> rep = make_report(demo_result(), top_k=10)
    >>> rep.top_k, rep.stability.top_k, rep.sensitivity is None
    (10, 10, True)
    """
    k = min(top_k or default_top_k_for(result), len(result.table))
    region = _region_column(result, data, region_column)
    commands = commands if commands is not None else ReportCommands()
    recommended = _recommended(
        result, data, selection, robust_draws=selection_draws if sensitivity else 0, seed=seed, commands=commands
    )
    smaa = None
    if sensitivity:
        smaa = run_sensitivity(
            result, draws=draws, seed=seed, top_k=k, data_uncertainty=data_uncertainty, progress=progress
        )
    method = None
    if uncertainty:
        method = _method_uncertainty(result, data, samples=samples, seed=seed, top_k=k, bootstrap=bootstrap)
    return Report(
        result=result,
        top_k=k,
        stability=run_stability(result, top_k=k),
        sensitivity=smaa,
        recommended=recommended,
        extra_columns=extra_columns_for(data, result, [region]) if region and data is not None else None,
        region_column=region,
        groups=grouping_frame(result, data, also=[region] if region else ()) if data is not None else None,
        committee=_committee(result, data, stakeholders, top_k=k, seed=seed),
        uncertainty=method,
        evidence=_ranked_evidence(evidence, result),
        commands=commands,
    )


def _sheet(data: pd.DataFrame | None, key: str) -> pd.DataFrame:
    """The scored sheet, which section ``key`` (e.g. ``config.selection``) needs."""
    if data is None:
        raise ConfigError(Problem(key, "needs the scored sheet (data), but none was given"))
    return data


def _region_column(result: ScoreResult, data: pd.DataFrame | None, given: str | None) -> str | None:
    """The region column: ``given`` (which the sheet should have), else ``region`` when the sheet has it."""
    if given is not None and (data is None or given not in data.columns):
        raise ConfigError(
            Problem(
                "config.region_column",
                f"should be a column of the spreadsheet, but {given!r} is not",
                file=result.source,
                key="--region-column",
            )
        )
    return given or ("region" if data is not None and "region" in data.columns else None)


def _recommended(
    result: ScoreResult,
    data: pd.DataFrame | None,
    given: Selection | None,
    *,
    robust_draws: int,
    seed: int,
    commands: ReportCommands,
) -> RecommendedSet | None:
    """The recommended set for ``given`` (else the criteria's ``selection:`` section); None without either."""
    chosen = given if given is not None else result.criteria.selection
    if chosen is None:
        return None
    command = commands.robust_selection(draws=robust_draws, seed=seed)
    return recommend(
        result, _sheet(data, "config.selection"), chosen, robust_draws=robust_draws, seed=seed, command=command
    )


def _method_uncertainty(
    result: ScoreResult, data: pd.DataFrame | None, *, samples: int, seed: int, top_k: int, bootstrap: int
) -> UncertaintyResult:
    """What ``unct-scorer uncertainty`` computes on the scored sheet with the same settings."""
    from scorer.uncertainty.analysis import uncertainty_analysis

    sheet = _sheet(data, "config.uncertainty")
    return uncertainty_analysis(sheet, result.criteria, samples=samples, seed=seed, top_k=top_k, bootstrap=bootstrap)


def _ranked_evidence(evidence: EvidenceSection | None, result: ScoreResult) -> EvidenceSection | None:
    """The evidence section whose merge counts blank cells among the ranked countries only (not excluded rows)."""
    if evidence is None or evidence.merge is None:
        return evidence
    return replace(evidence, merge=evidence.merge.among_ranked(result.exclusions["id"]))


def _committee(
    result: ScoreResult, data: pd.DataFrame | None, stakeholders: Elicitation | None, *, top_k: int, seed: int
) -> CommitteeReport | None:
    """The committee's weights, rankings and consensus on the scored sheet (None without stakeholders)."""
    if stakeholders is None:
        return None
    from scorer.elicitation.committee import weigh_committee

    return weigh_committee(_sheet(data, "config.stakeholders"), result.criteria, stakeholders, top_k=top_k, seed=seed)


def default_top_k_for(result: ScoreResult) -> int:
    """K when none is given: the size of the first tier when it is set by rank, else 15."""
    from scorer.tuning import default_top_k

    return default_top_k(result.criteria)
