"""The committee report as one self-contained HTML page, rendered from Jinja2 templates with autoescaping.

:func:`build_report` is pure: it takes the result, the analyses (see
:mod:`scorer.report.analyses`) and what the edge knows about the inputs
(criteria text, provenance, time, extra spreadsheet columns) and returns an
HTML string. It reads no user file and fetches nothing; the stylesheet and
script are package files inlined verbatim, and a Content-Security-Policy
forbids the page from loading anything at all.

Markup lives in ``templates/`` only. The environment escapes every value
(country names, column names, YAML labels, provenance); the only text marked
safe is the package's own stylesheet and script and the data block, which
:func:`~scorer.report.page_data.embed_json` writes with ``<``, ``>`` and ``&``
as ``\\u003c`` etc. so that no value can close the ``<script>`` element.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Mapping
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from scorer.core.normalisation import describe
from scorer.core.ranking import TIE_DECIMALS
from scorer.core.result import ScoreResult
from scorer.model.criteria import Aggregation
from scorer.render.formatting import format_score, score_decimals
from scorer.report.analyses import RecommendedSet, Sensitivity, Stability, default_top_k, run_stability
from scorer.report.commands import ReportCommands
from scorer.report.glance import Glance, Part, build_glance, isolate, isolate_text, weights_parts
from scorer.report.page_data import embed_json, page_data
from scorer.report.sections import selection_view, sensitivity_view, stability_view
from scorer.report.stakeholders import WHOSE_WEIGHTS, stakeholders_view
from scorer.report.wording import cell_text, fmt, missing_words, pct, plain, rule_words, tier_words, yaml_number
from scorer.report.workflow import CriteriaSource
from scorer.report_assets import asset

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport
    from scorer.report.evidence_section import EvidenceSection
    from scorer.uncertainty.analysis import UncertaintyResult

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe-Ito colours, one per criterion (colour-blind safe); the CSS classes c0-c7 use the same."""


@cache
def environment() -> Environment:
    """The one Jinja2 environment of the report: package templates, autoescaping on, undefined names an error."""
    env = Environment(
        loader=PackageLoader("scorer.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=pct,
        fmt=fmt,
        score=format_score,
        yaml_number=yaml_number,
        plain=plain,
        words=_column_words,
        cell=cell_text,
        iso=isolate_text,
    )
    env.filters["repr"] = repr
    return env


def _column_words(name: object) -> str:
    """A column or key as a heading: ``office_status`` -> ``Office status``.

    >>> _column_words("office_status")
    'Office status'
    """
    return str(name).replace("_", " ").capitalize()


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
    command_prefix: str | None = None,
    committee: CommitteeReport | None = None,
    uncertainty: UncertaintyResult | None = None,
    evidence: EvidenceSection | None = None,
    commands: ReportCommands | None = None,
) -> str:
    """The whole report as one HTML string (UTF-8, no external resources).

    ``extra_columns`` holds spreadsheet columns indexed by country id (see
    :func:`~scorer.report.workflow.extra_columns_for`); ``region_column`` names the
    one used for the region filter. ``generated`` is the only text that depends on
    the clock. ``recommended`` (see :func:`~scorer.report.analyses.recommend`) adds
    the Recommended set section and marks its countries in the ranking.
    ``stability`` (see :func:`~scorer.report.analyses.run_stability`) is the What
    would change the list section; when None it is computed (exact, a few tens of
    milliseconds) at ``top_k``. ``commands`` (the report's inputs as the command
    line spells them) completes every command the page prints; ``command_prefix``
    is the ``rank`` command the page appends ``-w`` options to (default: that of
    ``commands``).

    >>> from scorer import demo_result
    >>> page = build_report(demo_result(), generated="2024-01-01 00:00 UTC")
    >>> page.startswith("<!DOCTYPE html>"), "ILLUSTRATIVE DATA" in page
    (True, True)
    """
    k = top_k if top_k is not None else default_top_k(result.criteria)
    commands = commands if commands is not None else ReportCommands()
    view = PageView(
        result,
        top_k=k,
        source=criteria_source,
        provenance=dict(provenance or {}),
        generated=generated,
        regions=_regions(result, extra_columns, region_column),
        region_column=region_column,
        sensitivity=sensitivity,
        recommended=recommended,
        stability=stability if stability is not None else run_stability(result, top_k=k),
        command_prefix=command_prefix if command_prefix is not None else commands.rank_prefix(),
        committee=committee,
    )
    view.commands = commands
    view.uncertainty = uncertainty
    view.evidence = evidence
    return view.render()


def _uncertainty_view(result: UncertaintyResult | None, commands: ReportCommands) -> dict[str, Any] | None:
    if result is None:
        return None
    from scorer.report.uncertainty_section import uncertainty_view

    return uncertainty_view(result, commands=commands)


def _evidence_view(view: PageView) -> dict[str, Any] | None:
    if view.evidence is None:
        return None
    from scorer.report.evidence_section import evidence_view

    return evidence_view(view.evidence, view.r, top_k=view.top_k)


def _regions(result: ScoreResult, extra: pd.DataFrame | None, column: str | None) -> list[str] | None:
    if extra is None or not column or column not in extra.columns:
        return None
    values = extra[column].reindex(result.table.index)
    return ["" if pd.isna(v) else str(v) for v in values]


class PageView:
    """What the templates read: the result, the analyses and the values several sections share."""

    def __init__(
        self,
        result: ScoreResult,
        *,
        top_k: int,
        source: CriteriaSource | None,
        provenance: dict[str, str],
        generated: str,
        regions: list[str] | None,
        region_column: str | None,
        sensitivity: Sensitivity | None,
        recommended: RecommendedSet | None,
        stability: Stability,
        command_prefix: str,
        committee: CommitteeReport | None = None,
    ) -> None:
        self.r = result
        self.c = result.criteria
        self.crit_ids = list(self.c.criteria)
        self.top_k = max(1, min(int(top_k), len(result.table)))
        self.source = source
        self.prov = provenance
        self.generated = generated
        self.sens = sensitivity
        self.rec = recommended
        self.stab = stability
        self.chosen = set(recommended.ids) if recommended is not None else set()
        self.command_prefix = command_prefix
        self.commands = ReportCommands()
        self.committee = committee
        self.uncertainty: UncertaintyResult | None = None
        self.evidence: EvidenceSection | None = None
        self.arithmetic = self.c.aggregation is Aggregation.arithmetic
        self.regions = regions
        self.region_column = region_column
        self.tier_index = {t.name: i for i, t in enumerate(self.c.tiers)}
        self.names = {str(i): str(n) for i, n in result.table["name"].items()}
        self.imputed_how = {
            (str(row["id"]), str(row["indicator"])): str(row["how"]) for row in result.imputations.to_dict("records")
        }
        scores = result.table[self.crit_ids].to_numpy(dtype=float)
        top = float(np.nanmax(np.clip(scores, 0, None).sum(axis=1))) if len(scores) else 1.0
        self.bar_scale = max(1.0, top) if self.arithmetic else 1.0
        self.score_decimals = score_decimals(result.table["score"].tolist(), cut=self.top_k)

    def render(self) -> str:
        from scorer.report.charts import chart_view

        script = asset("report.js")
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        csp = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
        )
        context = {
            "p": self,
            "csp": csp,
            "title": f"UNCT ranking: {self.c.name}",
            "style": Markup(asset("report.css") + asset("charts.css")),
            "script": Markup(script),
            "data_json": Markup(embed_json(page_data(self))),
            "selection": selection_view(self) if self.rec is not None else None,
            "stability": stability_view(self),
            "sensitivity": sensitivity_view(self) if self.sens is not None else None,
            "charts": chart_view(self),
            "glance": self.glance(),
            "committee": stakeholders_view(self.committee) if self.committee is not None else None,
            "uncertainty": _uncertainty_view(self.uncertainty, self.commands),
            "evidence": _evidence_view(self),
        }
        return environment().get_template("page.html.j2").render(context)

    def glance(self) -> Glance:
        """The decision at a glance, from the same result objects the sections show."""
        return build_glance(
            self.r,
            top_k=self.top_k,
            stability=self.stab,
            sensitivity=self.sens,
            recommended=self.rec,
            data_name=self.data_name(),
            criteria_file=self.prov.get("criteria_file", ""),
        )

    def data_name(self) -> str:
        """The spreadsheet's file name (no folders: the page must not depend on where it was made)."""
        return self.prov.get("spreadsheet_file") or self.r.source.replace("\\", "/").rsplit("/", 1)[-1]

    def subtitle(self) -> str:
        bits = [f"{len(self.r.table)} countries ranked"]
        if self.generated:
            bits.append(f"generated {self.generated}")
        spreadsheet = self.prov.get("spreadsheet_file")
        if spreadsheet:
            bits.append(f"data: {spreadsheet}")
        return "; ".join(bits)

    def toc(self) -> list[tuple[str, str]]:
        links = [("summary", "Summary")]
        if self.rec is not None:
            links.append(("selection", "Recommended set"))
        links += [
            ("weights", "Weights"),
            *([WHOSE_WEIGHTS] if self.committee is not None else []),
            ("ranking", "Ranking"),
            ("charts", "Charts"),
            ("criteria", "Criteria"),
            ("quality", "Data quality"),
            ("stability", "What would change the list"),
        ]
        if self.sens is not None:
            links.append(("sensitivity", "Sensitivity"))
        if self.uncertainty is not None:
            links.append(("uncertainty", "Method uncertainty"))
        if self.evidence is not None:
            links.append(("evidence", "Evidence for criterion 3"))
        return [*links, ("methodology", "Methodology"), ("provenance", "Provenance")]

    def stand_ins(self) -> list[tuple[str, str]]:
        """(made-up column, the column it stands in for) of the illustrative columns, by indicator id."""
        columns = {iid: ind.column for _cid, iid, ind in self.c.indicator_items()}
        return [(col, columns.get(iid, iid)) for iid, col in sorted(self.r.illustrative.items())]

    def tier_counts(self) -> list[tuple[str, int, str]]:
        """(tier, how many countries it holds, its description) per tier, best first."""
        counts = self.r.table["tier"].value_counts()
        return [(t.name, int(counts.get(t.name, 0)), t.description or "") for t in self.c.tiers]

    def top_rows(self) -> list[tuple[str, float]]:
        return [(str(row["name"]), float(row["score"])) for _, row in self.r.table.head(self.top_k).iterrows()]

    def file_weight_parts(self) -> list[Part]:
        """``engagement 40%, ...`` as sentence parts: the glance block's wording of this report's weights."""
        return weights_parts(self.r)

    def weight_print_parts(self) -> list[Part]:
        """``engagement 0.4 (40%), ...``: the weights as the printed page states them (the script rewrites them)."""
        parts: list[Part] = []
        for i, (cid, crit) in enumerate(self.c.criteria.items()):
            share = pct(float(self.r.weights[cid]))
            parts += [
                *([Part(", ")] if i else []),
                Part(plain(cid), "name"),
                Part(f" {yaml_number(crit.weight)} ({share})"),
            ]
        return parts

    def weight_rows(self) -> list[dict[str, Any]]:
        """The weights panel: one row per criterion with its relative weight and share."""
        total = sum(c.weight for c in self.c.criteria.values())
        return [
            {
                "id": cid,
                "crit": crit,
                "value": yaml_number(crit.weight),
                "share": crit.weight / total if total else math.nan,
            }
            for cid, crit in self.c.criteria.items()
        ]

    def slider_max(self) -> float:
        return float(max(1.0, math.ceil(max(c.weight for c in self.c.criteria.values()) * 2)))

    def sensitivity_command(self) -> str:
        """The ``sensitivity`` command that prints the numbers of the sensitivity section."""
        assert self.sens is not None
        return self.commands.sensitivity(self.sens, self.c)

    def cli_line(self) -> str:
        return self.command_prefix + "".join(
            f" -w {cid}={yaml_number(crit.weight)}" for cid, crit in self.c.criteria.items()
        )

    def ranking_headers(self) -> list[tuple[str, str, bool]]:
        headers = [("rank", "Rank", True), ("name", "Country", False)]
        if self.regions is not None:
            headers.append(("region", _column_words(self.region_column), False))
        headers += [("tier", "Tier", False), ("score", "Score", True)]
        if self.rec is not None:
            headers.append(("chosen", "Recommended", False))
        bar_title = "Contributions to the score" if self.arithmetic else "Criterion scores (0-1 each)"
        headers += [("", bar_title, False), ("coverage", "Coverage", True)]
        if self.sens is not None:
            headers += [("ptop", f"P(top {self.sens.top_k})", True), ("interval", "Rank 5-95%", True)]
        return headers

    def ranking_rows(self) -> list[dict[str, Any]]:
        """One row per ranked country: what the ranking table shows of it."""
        sens = self.sens
        p_top = sens.p_top_k if sens is not None else None
        low = sens.rank_low if sens is not None else None
        high = sens.rank_high if sens is not None else None
        rows = []
        for i, (ident, row) in enumerate(self.r.table.iterrows()):
            rows.append(
                {
                    "i": i,
                    "id": str(ident),
                    "row": row,
                    "tier_i": self.tier_index.get(str(row["tier"]), len(self.c.tiers) - 1),
                    "score": float(row["score"]),
                    "region": self.regions[i] if self.regions is not None else None,
                    "members": self._members(row),
                    "chosen": ident in self.chosen,
                    "bar": self._bar(row),
                    "p_top": None if p_top is None else float(p_top[i]),
                    "interval": None if low is None or high is None else f"{low[i]:.0f}-{high[i]:.0f}",
                }
            )
        return rows

    def _members(self, row: pd.Series) -> tuple[str, str] | None:
        """(``member``/``N members``, the names) of an office (``--group-by`` reports only)."""
        if self.r.offices is None or "members" not in row.index:
            return None
        members = [m for m in str(row["members"]).split(", ") if m]
        return ("member" if len(members) == 1 else f"{len(members)} members", ", ".join(members))

    def _bar(self, row: pd.Series) -> list[dict[str, Any]]:
        segments = []
        for i, cid in enumerate(self.crit_ids):
            value = float(row[cid])
            share = max(0.0, value) / self.bar_scale if self.arithmetic else max(0.0, value) / len(self.crit_ids)
            segments.append(
                {"i": i % 8, "width": f"{share * 100:.3f}", "label": self.c.criteria[cid].label, "value": value}
            )
        return segments

    def region_options(self) -> list[str]:
        return sorted({v for v in self.regions or [] if v})

    def criteria_rows(self) -> list[dict[str, Any]]:
        within = self.r.indicator_weights_within
        return [
            {
                "i": i % 8,
                "id": cid,
                "crit": crit,
                "share": float(self.r.weights[cid]),
                "range": f"{pct(crit.range[0])}-{pct(crit.range[1])}" if crit.range else "",
                "indicators": [
                    (ind.label or iid, self.r.columns.get(iid, ind.column), float(within[iid]))
                    for iid, ind in crit.indicators.items()
                ],
            }
            for i, (cid, crit) in enumerate(self.c.criteria.items())
        ]

    def quality(self) -> dict[str, Any]:
        r = self.r
        coverage = r.table["coverage"].to_numpy(dtype=float)
        imp = r.imputations
        return {
            "full": int((coverage >= 1.0).sum()),
            "lowest": float(coverage.min()) if len(coverage) else 1.0,
            "low": list(r.table.loc[r.table["coverage"] < 1.0].sort_values(["coverage", "rank"]).iterrows()),
            "imputed": imp.to_dict("records"),
            "imputed_by_column": list(imp.groupby("column", sort=False).size().items()) if len(imp) else [],
            "excluded": r.exclusions.to_dict("records"),
            "converted": len(r.conversions),
            "converted_by_column": (
                list(r.conversions.groupby("column", sort=False).size().items()) if len(r.conversions) else []
            ),
        }

    def methodology_criteria(self) -> list[dict[str, Any]]:
        """Per criterion: its share, plausible range and each indicator's description, in words."""
        r, out = self.r, []
        within = r.indicator_weights_within
        for cid, crit in self.c.criteria.items():
            indicators = [
                {
                    "label": ind.label or iid,
                    "column": ind.column,
                    "share": float(within[iid]),
                    "direction": ind.direction.value,
                    "description": (ind.description or "").strip().rstrip("."),
                    "unit": (ind.unit or "").rstrip("."),
                    "source": (ind.source or "").rstrip("."),
                    "normalisation": describe(ind),
                    "missing": missing_words(ind),
                    "stand_in": r.columns.get(iid, ind.column) if iid in r.illustrative else None,
                }
                for iid, ind in crit.indicators.items()
            ]
            out.append({"crit": crit, "share": float(r.weights[cid]), "indicators": indicators})
        return out

    def rules(self) -> list[str]:
        return [rule_words(rule) for rule in self.c.eligibility]

    def tiers_in_words(self) -> list[tuple[str, str, str]]:
        tiers = self.c.tiers
        return [(t.name, tier_words(t, last=i == len(tiers) - 1), t.description or "") for i, t in enumerate(tiers)]

    def top_reasons(self) -> list[list[Part]]:
        """The worked example: what each indicator adds for the first five (weighted sums only), names isolated."""
        from scorer.render.worked_example import top_reasons

        if not self.arithmetic or self.r.table.empty:
            return []
        return [
            isolate(reason.sentence(), [reason.name, *reason.real, *reason.illustrative])
            for reason in top_reasons(self.r, top=5)
        ]

    @cached_property
    def user_words(self) -> list[str]:
        """The names library sentences quote: criterion ids (in words too), labels, indicator ids and columns."""
        words = set(self.r.illustrative.values())
        for cid, crit in self.c.criteria.items():
            words |= {cid, plain(cid), plain(cid)[:1].upper() + plain(cid)[1:], crit.label}
        for _cid, iid, ind in self.c.indicator_items():
            words |= {iid, ind.column, ind.label or iid}
        return sorted(words)

    def isolated(self, text: str) -> list[Part]:
        """A library sentence with each name or label it quotes isolated (:func:`~scorer.report.glance.isolate`)."""
        return isolate(str(text), self.user_words)

    @property
    def tie_decimals(self) -> int:
        return TIE_DECIMALS

    def provenance_items(self) -> list[tuple[str, str]]:
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
        items = [(labels.get(k, _column_words(k)), v) for k, v in self.prov.items()]
        return items or [("Tool", "unct-scorer")]
