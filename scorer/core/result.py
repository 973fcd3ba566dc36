"""The result of scoring: scores, ranks, tiers and every intermediate.

A :class:`ScoreResult` is built once by :func:`scorer.score_countries`;
explanations and reports only read it, so an explanation always shows the
numbers that produced the score.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from scorer.errors import DataError, Problem
from scorer.model.criteria import Criteria, Indicator, did_you_mean
from scorer.prepare.cells import fold_text
from scorer.prepare.grouping import Offices
from scorer.prepare.territories import INHERITED_COLUMNS
from scorer.render.value_text import describe_value
from scorer.resources import shown_path


@dataclass(frozen=True)
class Explanation:
    """One country's score, indicator by indicator."""

    id: str
    name: str
    rank: int
    tier: str
    score: float
    n_ranked: int
    criteria: pd.DataFrame
    indicators: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    tree: pd.DataFrame = field(default_factory=pd.DataFrame)
    no_contributions: dict[str, str] = field(default_factory=dict)
    details: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def additive(self) -> bool:
        """Whether the score is a sum of contributions (no geometric or TOPSIS step anywhere)."""
        return not self.no_contributions

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what ``explain --format json`` prints (tables as records, 15 significant digits).

        >>> from scorer import demo_result
        >>> e = demo_result().explain("DZA")
        >>> d = e.to_dict()
        >>> (d["id"], d["rank"] == e.rank, len(d["indicators"]) == len(e.indicators))
        ('DZA', True, True)
        """
        import json

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", double_precision=15))
            return out

        return {
            "id": self.id,
            "name": self.name,
            "rank": self.rank,
            "of": self.n_ranked,
            "tier": self.tier,
            "score": self.score,
            "notes": self.notes,
            "criteria": records(self.criteria),
            "indicators": records(self.indicators),
            "tree": records(self.tree),
            "contributions_exist": self.additive,
            "no_contributions": self.no_contributions,
            "details": self.details,
        }


@dataclass(frozen=True)
class ScoreResult:
    """Everything one scoring run computed.

    ``table`` is the ranking (best first) with one column per criterion holding
    its contribution to the score (for arithmetic aggregation they sum to the
    score). The other frames are indexed by country id in the same order.
    ``node_scores``, ``node_contributions`` and ``node_weights`` (overall
    weight) have one column per criterion at any depth, parents first;
    ``criterion_scores`` holds the top-level ones. A contribution is NaN
    where an aggregation above it (geometric, TOPSIS) has none:
    ``no_contributions`` maps each such node id ('score' for the top) to the
    reason, and ``details`` holds that method's intermediates (TOPSIS
    distances to the ideal and anti-ideal) per node id.
    With ``--group-by`` (``offices`` set) the ranked units are offices: the
    frames are indexed by office id, ``table`` has ``n_members`` and
    ``members``, and imputations, exclusions and conversions stay per country.
    """

    criteria: Criteria
    source: str
    table: pd.DataFrame
    criterion_scores: pd.DataFrame
    criterion_mask: pd.DataFrame
    raw: pd.DataFrame
    normalised: pd.DataFrame
    contributions: pd.DataFrame
    indicator_weights: pd.DataFrame
    imputations: pd.DataFrame
    exclusions: pd.DataFrame
    conversions: pd.DataFrame
    columns: dict[str, str]
    illustrative: dict[str, str]
    notes: list[str]
    offices: Offices | None = None
    node_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    node_contributions: pd.DataFrame = field(default_factory=pd.DataFrame)
    node_weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    no_contributions: dict[str, str] = field(default_factory=dict)
    details: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: int | None = None  # data rows read from the spreadsheet (before eligibility and panels)
    inherited: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INHERITED_COLUMNS))

    @property
    def weights(self) -> pd.Series:
        """Criterion weights normalised to sum to 1."""
        return pd.Series(self.criteria.criterion_weights(), name="weight")

    @property
    def indicator_weights_within(self) -> pd.Series:
        """Indicator weights normalised within the criterion that holds them (at any depth)."""
        out = {}
        for node in self.criteria.nodes():
            total = sum(i.weight for i in node.criterion.indicators.values())
            for iid, ind in node.criterion.indicators.items():
                out[iid] = ind.weight / total
        return pd.Series(out, name="weight_within_criterion")

    def to_frame(self) -> pd.DataFrame:
        """The ranking as a plain DataFrame (a copy), best first.

        >>> from scorer import demo_result
        >>> demo_result().to_frame().columns[:4].tolist()
        ['name', 'rank', 'score', 'tier']
        """
        return self.table.copy()

    def top(self, n: int) -> pd.DataFrame:
        """The first ``n`` rows of the ranking."""
        return self.table.head(n).copy()

    def find(self, country: str) -> str:
        """The id of a ranked or excluded country given its id or name.

        Raises DataError naming close matches when nothing or several match.
        """
        text = fold_text(country)
        ids = {fold_text(i): i for i in self.table.index}
        ids.update({fold_text(i): i for i in self.exclusions["id"]})
        if text in ids:
            return ids[text]
        if self.offices is not None and (office := self.offices.office_of(country)) is not None:
            return office
        names: dict[str, list[str]] = {}
        for ident, name in [
            *zip(self.table.index, self.table["name"], strict=True),
            *zip(self.exclusions["id"], self.exclusions["name"], strict=True),
        ]:
            names.setdefault(fold_text(name), []).append(ident)
        if "input_id" in self.table.columns:
            for ident, spelling in zip(self.table.index, self.table["input_id"], strict=True):
                names.setdefault(fold_text(spelling), []).append(ident)
        if text in names and len(set(names[text])) == 1:
            return names[text][0]
        resolved = _resolve_country(country)
        if resolved is not None and (resolved in self.table.index or resolved in set(self.exclusions["id"])):
            return resolved
        partial = sorted({i for n, idents in names.items() if text and text in n for i in idents})
        if len(partial) == 1:
            return partial[0]
        if len(partial) > 1:
            raise DataError(
                Problem(
                    "data.ambiguous_country",
                    f"{country!r} should name one country, but it matches {len(partial)}: {', '.join(partial[:8])}",
                )
            )
        if resolved is not None:
            from scorer.prepare.countries import default_resolver

            raise DataError(
                Problem(
                    "data.unknown_country",
                    f"{default_resolver().name_of(resolved)} ({resolved}) should be a row of "
                    f"{shown_path(self.source)} to be explained, but it is not in it",
                )
            )
        choices = list(self.table["name"]) + list(self.table.index)
        raise DataError(
            Problem(
                "data.unknown_country",
                f"{country!r} should be a country id or name in {shown_path(self.source)}, but it is not"
                + did_you_mean(country, choices),
            )
        )

    def explain(self, country: str) -> Explanation:
        """One country's breakdown, read from this result (never recomputed).

        >>> from scorer import demo_result
        >>> e = demo_result().explain("DZA")
        >>> round(float(e.indicators["contribution"].sum()), 12) == round(e.score, 12)
        True
        """
        ident = self.find(country)
        if ident not in self.table.index:
            row = self.exclusions.loc[self.exclusions["id"] == ident].iloc[0]
            raise DataError(
                Problem(
                    "data.excluded_country",
                    f"{row['name']} ({ident}) is not ranked: it was excluded by eligibility ({row['reason']})",
                )
            )
        t = self.table.loc[ident].to_dict()
        weights = self.weights
        crit_rows = []
        ind_rows = []
        imputed = _first_by(self.imputations, ident, "indicator", "how", "original")
        inherited = _first_by(self.inherited, ident, "column", "how", "state")
        notes = list(self.notes)
        office_imputed: dict[str, tuple[str, str]] = {}
        if self.offices is not None:
            office_imputed = self.offices.imputed(ident, self.imputations)
            imputed = {}
            member = self.offices.member(country)
            if member is not None:
                name = str(self.offices.members.loc[member, "name"])
                notes.append(f"{name} ({member}) is a member of office {ident!r}, ranked as one unit")
            notes.append(self.offices.describe(ident))
        contribution = self.node_contributions if len(self.node_contributions.columns) else self.table
        for cid, crit in self.criteria.criteria.items():
            crit_rows.append(
                {
                    "criterion": cid,
                    "label": crit.label,
                    "cites": crit.cites,
                    "weight": float(weights[cid]),
                    "criterion_score": _num(self.criterion_scores.at[ident, cid]),
                    "contribution": _num(contribution.at[ident, cid]),
                }
            )
            ind_rows += [
                self._indicator_row(ident, cid, iid, ind, imputed | office_imputed, inherited)
                for iid, ind in crit.leaves()
            ]
        return Explanation(
            id=ident,
            name=str(t["name"]),
            rank=int(t["rank"]),
            tier=str(t["tier"]),
            score=float(t["score"]),
            n_ranked=len(self.table),
            criteria=pd.DataFrame(crit_rows),
            indicators=pd.DataFrame(ind_rows),
            notes=notes,
            tree=self._tree(ident),
            no_contributions=dict(self.no_contributions),
            details={
                node: {
                    str(k): float(v) for k, v in zip(frame.columns, frame.loc[ident].to_numpy(dtype=float), strict=True)
                }
                for node, frame in self.details.items()
            },
        )

    def _indicator_row(
        self,
        ident: str,
        cid: str,
        iid: str,
        ind: Indicator,
        imputed: dict[str, tuple[str, str]],
        inherited: dict[str, tuple[str, str]],
    ) -> dict[str, Any]:
        """One indicator of one unit: raw and normalised value, weight, contribution, imputation.

        ``imputed`` maps the unit's indicators to (how, original value); ``inherited`` maps its columns
        to (how the value was taken, the state it came from).
        """
        how, original = imputed.get(iid, ("", ""))
        raw = _num(self.raw.at[ident, iid])
        taken, state = inherited.get(self.columns[iid], ("", ""))
        return {
            "criterion": cid,
            "indicator": iid,
            "column": self.columns[iid],
            "raw": raw,
            "level": _level_name(ind.levels, raw) if ind.levels and raw is not None else "",
            "normalised": _num(self.normalised.at[ident, iid]),
            "weight": _num(self.indicator_weights.at[ident, iid]),
            "contribution": _num(self.contributions.at[ident, iid]),
            "imputed": how,
            "original": original,
            "value": describe_value(ind, raw, imputed=how, original=original, state=state),
            "source": ind.source or "",
            "inherited": taken,
        } | ({"members": self.offices.member_values(ident, iid)} if self.offices is not None else {})

    def _tree(self, ident: str) -> pd.DataFrame:
        """The criteria tree of one unit, parents first, each indicator under its criterion.

        ``weight`` is the share of the whole score (effective, after any
        reweighting), ``weight_in_parent`` the share within the parent;
        ``score`` is a criterion's score or an indicator's normalised value;
        ``contribution`` is missing (NaN; null in JSON) where a geometric or TOPSIS step above it
        leaves no additive share (never 0 for "does not exist").
        """
        if not len(self.node_scores.columns):
            return pd.DataFrame()
        rows: list[dict[str, Any]] = []
        overall = _row(self.node_weights, ident)

        def share(weight: float, parent: str | None) -> float | None:
            above = overall[parent] if parent is not None else 1.0
            return weight / above if above > 0 else None

        for node in self.criteria.nodes():
            nid, crit = node.id, node.criterion
            rows.append(
                {
                    "id": nid,
                    "kind": "criterion",
                    "depth": node.depth,
                    "parent": node.parent or "",
                    "label": crit.label,
                    "aggregation": node.aggregation.value,
                    "weight_in_parent": share(overall[nid], node.parent),
                    "weight": overall[nid],
                    "score": _num(self.node_scores.at[ident, nid]),
                    "contribution": _num(self.node_contributions.at[ident, nid]),
                }
            )
            for iid, ind in crit.indicators.items():
                weight = _num(self.indicator_weights.at[ident, iid]) or 0.0
                rows.append(
                    {
                        "id": iid,
                        "kind": "indicator",
                        "depth": node.depth + 1,
                        "parent": nid,
                        "label": ind.label or iid,
                        "aggregation": "",
                        "weight_in_parent": share(weight, nid),
                        "weight": weight,
                        "score": _num(self.normalised.at[ident, iid]),
                        "contribution": _num(self.contributions.at[ident, iid]),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: weights, notes, ranked and excluded countries.

        Each country's ``contributions`` (top-level criteria) is null when the
        score is not a sum of shares (``contributions_exist`` false, with the
        reason in ``no_contributions``); ``criterion_scores`` holds every
        criterion's score at any depth.
        """
        crit_ids = list(self.criteria.criteria)
        additive = "score" not in self.no_contributions
        nodes = self.node_scores
        return {
            "criteria": self.criteria.name,
            "source": self.source,
            "aggregation": self.criteria.aggregation.value,
            "weights": {k: _num(v) for k, v in self.weights.items()},
            "contributions_exist": additive,
            "no_contributions": dict(self.no_contributions),
            "notes": list(self.notes),
            "rows_read": self.rows_read,
            "countries": [
                {
                    "id": ident,
                    "name": row["name"],
                    "rank": int(row["rank"]),
                    "score": _num(row["score"]),
                    "tier": row["tier"],
                    "contributions": {c: _num(row[c]) for c in crit_ids} if additive else None,
                    "criterion_scores": {c: _num(nodes.at[ident, c]) for c in nodes.columns},
                    "coverage": _num(row["coverage"]),
                }
                | ({"members": str(row["members"]).split(", ")} if self.offices is not None else {})
                for ident, row in self.table.iterrows()
            ],
            "excluded": [
                {"id": r["id"], "name": r["name"], "row": int(r["row"]), "reason": r["reason"]}
                for _, r in self.exclusions.iterrows()
            ],
            "imputations": [
                {k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()}
                for r in self.imputations.to_dict("records")
            ],
        }

    def _repr_html_(self) -> str:
        """A readable table for Jupyter: rank, country, score, tier and one bar per criterion.

        Bars are drawn on the score's scale (200 px = 1): with arithmetic
        aggregation they are the contributions and line up to the score; with
        geometric or TOPSIS aggregation they are weight x criterion score
        and do not add up. A negative contribution (zscore) is an outlined bar. Every text is
        escaped; the first 50 rows are shown and ``to_frame()`` has them all.

        >>> from scorer import demo_result
        >>> page = demo_result()._repr_html_()
        >>> "<table" in page, ">0.5733 <" in page  # the decimals rank shows at the cut, with its tie markers
        (True, True)
        """
        limit = 50
        crit_ids = list(self.criteria.criteria)
        not_additive = "score" in self.no_contributions or self.criteria.aggregation.value != "arithmetic"
        weights = self.weights
        palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
        colours = {c: palette[i % len(palette)] for i, c in enumerate(crit_ids)}

        def esc(value: object) -> str:
            return html.escape(str(value), quote=True)

        def bar(cid: str, value: float) -> str:
            length = value * float(weights[cid]) if not_additive else value
            width = abs(length) * 200 if math.isfinite(length) else 0.0
            look = f"background:{colours[cid]}" if length >= 0 else f"border:1px solid {colours[cid]}"
            label = self.criteria.criteria[cid].label
            return (
                f'<span title="{esc(cid)} ({esc(label)}): {value:.3f}" style="display:inline-block;'
                f'box-sizing:border-box;height:10px;width:{width:.1f}px;{look}"></span>'
            )

        what = "weight × criterion score" if not_additive else "contribution to the score"
        head = "".join(
            f'<th style="text-align:{a}">{esc(h)}</th>'
            for h, a in [("rank", "right"), ("country", "left"), ("score", "right"), ("tier", "left"), (what, "left")]
        )
        from scorer.core.ranking import default_top_k
        from scorer.render.formatting import score_texts

        shown = score_texts(self.table["score"].tolist(), cut=default_top_k(self.criteria))
        rows = []
        for (ident, r), score in zip(self.table.head(limit).iterrows(), shown, strict=False):
            bars = "".join(bar(c, float(r[c])) for c in crit_ids)
            rows.append(
                f'<tr><td style="text-align:right">{int(r["rank"])}</td>'
                f'<td style="text-align:left">{esc(r["name"])} ({esc(ident)})</td>'
                f'<td style="text-align:right">{esc(score)}</td>'
                f'<td style="text-align:left">{esc(r["tier"])}</td>'
                f'<td style="text-align:left;white-space:nowrap">{bars}</td></tr>'
            )
        legend = " ".join(
            f'<span style="color:{colours[c]}">&#9632;</span> {esc(c)} ({float(weights[c]):.2f})' for c in crit_ids
        )
        notes = "".join(f"<p><b>{esc(n)}</b></p>" for n in self.notes)
        summary = (
            f"<p>{esc(self.criteria.name)}: {len(self.table)} ranked, {len(self.exclusions)} excluded; "
            f"criteria (weight): {legend}</p>"
        )
        more = f"<p>{len(self.table) - limit} more rows: use .to_frame()</p>" if len(self.table) > limit else ""
        return f"{notes}{summary}<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _row(frame: pd.DataFrame, ident: str) -> dict[str, float]:
    """One row of a numeric frame as {column: value}."""
    return dict(zip(map(str, frame.columns), frame.loc[ident].to_numpy(dtype=float).tolist(), strict=True))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _resolve_country(text: str) -> str | None:
    """ISO3 of a country named in any UN language or common variant, or None."""
    from scorer.prepare.countries import default_resolver

    try:
        return default_resolver().resolve(text)
    except DataError:
        return None


def _level_name(levels: dict[str, float] | None, value: float) -> str:
    if not levels:
        return ""
    for name, v in levels.items():
        if math.isclose(v, value):
            return name
    return ""


def _first_by(frame: pd.DataFrame, ident: str, key: str, first: str, second: str) -> dict[str, tuple[str, str]]:
    """The rows of ``frame`` for unit ``ident``, keyed by column ``key``: the first such row's ``first`` and ``second``.

    One pass over the frame per breakdown, where a mask per indicator made a report's worked
    examples cost a pass per indicator and country (issue 18).
    """
    if not len(frame):
        return {}
    mine = frame.loc[frame["id"] == ident]
    found: dict[str, tuple[str, str]] = {}
    for name, a, b in zip(mine[key], mine[first], mine[second], strict=True):
        found.setdefault(str(name), (str(a), str(b)))
    return found
