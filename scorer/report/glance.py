"""The decision at a glance: the report's first screen, as sentences built from the analyses' result objects.

Every sentence is a :class:`Claim`: a lead (``Recommended``, ``How sure``,
...), a run of :class:`Part` segments and the ``#anchor`` of the section that
proves it. Names, labels, file names and any other value that comes from the
user's files are parts of kind ``name`` (or ``code``), which the template
isolates with ``<bdi>``, so that a right-to-left name or a stray U+202E in a
cell cannot reorder the digits or names around it. Nothing is computed here
that the analyses do not already hold: the chances are
:class:`~scorer.report.analyses.Sensitivity`'s, the limits
:class:`~scorer.report.analyses.Stability`'s, the robustness of a chosen set
:class:`~scorer.report.analyses.RecommendedSet`'s.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from scorer.core.result import ScoreResult
from scorer.render.formatting import format_score, score_decimals
from scorer.report.analyses import RecommendedSet, Sensitivity, Stability
from scorer.report.wording import interval_cells, pct, plain

PartKind = Literal["text", "name", "code", "open", "close"]

MAX_LISTED = 8
"""At most this many names in a list of countries outside the top K (the rest are counted)."""

CLOSE_CHANCE = 0.05
"""A country outside the top K is "close" when its chance of being in it is at least this."""


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: the tool's own words (``text``), or a user's value to isolate (``name``, ``code``).

    An ``open`` and a ``close`` part with the same ``slot`` enclose the parts
    the page's script rewrites (the weights, once the sliders move).
    """

    text: str
    kind: PartKind = "text"
    slot: str = ""


@dataclass(frozen=True)
class Claim:
    """One sentence of the glance block and the section that proves it.

    ``file_weights`` is True when the claim holds for the criteria file's
    weights only (an analysis the page's sliders do not re-run): the page
    greys it out once the weights move.

    >>> c = Claim("basis", "Based on", (Part("the data in "), Part("demo.csv", "code"), Part(".")), "#quality", "data")
    >>> c.plain()
    'Based on: the data in demo.csv.'
    """

    key: str
    lead: str
    parts: tuple[Part, ...]
    href: str
    link: str
    file_weights: bool = True

    def plain(self) -> str:
        """The sentence as plain text (lead, colon, parts), as a reader sees it without the link."""
        return f"{self.lead}: " + "".join(p.text for p in self.parts)


@dataclass(frozen=True)
class Glance:
    """The glance block: its claims in reading order and the facts the page's script needs."""

    claims: tuple[Claim, ...]
    sensitivity_run: bool
    notes: tuple[str, ...] = field(default_factory=tuple)

    def claim(self, key: str) -> Claim | None:
        """The claim with ``key``, or None when this report has none."""
        return next((c for c in self.claims if c.key == key), None)


def names_parts(names: Sequence[str], extras: Sequence[str] | None = None, *, more: int = 0) -> list[Part]:
    """``A, B and C`` as parts, each name isolated; ``extras`` (e.g. ``" (53%)"``) follow each name.

    >>> "".join(p.text for p in names_parts(["A", "B", "C"], [" (1)", " (2)", " (3)"], more=4))
    'A (1), B (2), C (3) and 4 more'
    >>> [p.kind for p in names_parts(["A"])]
    ['name']
    """
    parts: list[Part] = []
    for i, name in enumerate(names):
        if i:
            parts.append(Part(" and " if i == len(names) - 1 and not more else ", "))
        parts.append(Part(name, "name"))
        if extras is not None and extras[i]:
            parts.append(Part(extras[i]))
    if more:
        parts.append(Part(f" and {more} more"))
    return parts or [Part("none")]


def isolate(text: str, values: Iterable[str]) -> list[Part]:
    """A sentence written elsewhere, split so that each occurrence of a user's value is a ``name`` part.

    A value counts only as a whole word (no letter or digit just before or
    after it) and the longest wins where two overlap; the words around stay
    the sentence's own, so its wording lives in one place and only the markup
    isolating the values is added here.

    >>> [(p.text, p.kind) for p in isolate("Nigeria (rank 1): office: yes.", ["Nigeria", "office: yes", "ran"])]
    [('Nigeria', 'name'), (' (rank 1): ', 'text'), ('office: yes', 'name'), ('.', 'text')]
    """
    wanted = sorted({v for v in values if v}, key=len, reverse=True)
    parts: list[Part] = []
    start = at = 0
    while at < len(text):
        hit = None
        if at == 0 or not text[at - 1].isalnum():
            hit = next(
                (v for v in wanted if text.startswith(v, at) and not text[at + len(v) : at + len(v) + 1].isalnum()),
                None,
            )
        if hit is None:
            at += 1
            continue
        if at > start:
            parts.append(Part(text[start:at]))
        parts.append(Part(hit, "name"))
        at = start = at + len(hit)
    if start < len(text):
        parts.append(Part(text[start:]))
    return parts


def isolate_text(text: object) -> str:
    """``text`` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: ``<bdi>`` for plain-text places.

    Where markup cannot go (SVG ``<text>`` and ``<title>``, tooltips, accessible
    names), these two invisible characters keep a right-to-left name or a stray
    U+202E inside the name, so that the words and digits after it keep their order.

    >>> isolate_text("Evil\u202eland") + ": 0.513" == "\u2068Evil\u202eland\u2069: 0.513"
    True
    """
    return f"\u2068{text}\u2069"


def chance(p: float) -> str:
    """A share of draws as a percentage that reads 0% or 100% only when it is exactly that.

    >>> chance(0.53), chance(0.9996), chance(0.001), chance(1.0), chance(0.0)
    ('53%', '>99%', '<1%', '100%', '0%')
    """
    if 0.0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1.0:
        return ">99%"
    return pct(p)


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``13th``, ``22nd``.

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 113)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '113th']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def weights_parts(result: ScoreResult) -> list[Part]:
    """``engagement 40%, ...``: each criterion (its id in words, isolated) and its share of this report's weights.

    >>> from scorer import demo_result
    >>> "".join(p.text for p in weights_parts(demo_result()))
    'engagement 40%, representation 25%, government interest 35%'
    """
    parts: list[Part] = []
    for i, cid in enumerate(result.criteria.criteria):
        if i:
            parts.append(Part(", "))
        parts += [Part(plain(cid), "name"), Part(" " + pct(float(result.weights[cid])))]
    return parts


def build_glance(
    result: ScoreResult,
    *,
    top_k: int,
    stability: Stability,
    sensitivity: Sensitivity | None = None,
    recommended: RecommendedSet | None = None,
    data_name: str = "",
    criteria_file: str = "",
) -> Glance:
    """The claims of the glance block, in reading order, from the result and the analyses the report shows.

    What is recommended (with how sure, in short) and what would change it come
    first, so that a phone's first screen and the first printed page hold them;
    who is sure, who depends on the weighting, the cut and the basis follow.

    >>> from scorer import demo_result
    >>> from scorer.report.analyses import run_stability
    >>> r = demo_result()
    >>> g = build_glance(r, top_k=15, stability=run_stability(r, top_k=15))
    >>> [c.key for c in g.claims][:4], g.sensitivity_run
    (['decision', 'limits', 'sure', 'in-out'], False)
    """
    units = "offices" if result.offices is not None else "countries"
    if sensitivity is not None:
        certainty, sure = _chances(result, top_k, sensitivity)
    else:
        certainty, sure = _single_weight_changes(result, top_k, stability)
    claims = [_decision(result, top_k, recommended, units, sure), _limits(top_k, stability), *certainty]
    claims += _cut(result, top_k)
    if recommended is not None:
        claims.append(_set_robustness(result, recommended))
    claims.append(_basis(result, data_name, criteria_file, units))
    return Glance(tuple(claims), sensitivity_run=sensitivity is not None)


def _decision(result: ScoreResult, k: int, rec: RecommendedSet | None, units: str, sure: str) -> Claim:
    """What is recommended: the chosen set when a selection was made, else the first tier; ``sure`` says how sure."""
    if rec is not None:
        names = [_name(result, c) for c in rec.ids]
        parts = [Part(f"the set of {len(names)} UNCTs that the selection chose (best total score first): ")]
        return Claim("decision", "Recommended", (*parts, *names_parts(names), Part(".")), "#selection", "the set")
    t = result.table
    tier = result.criteria.tiers[0]
    first = [str(v) for v in t.loc[t["tier"] == tier.name, "name"]]
    rule = (
        f"the top {tier.top} by score"
        if tier.top is not None
        else f"score at least {tier.min_score:g}"
        if tier.min_score is not None
        else "every ranked one"
    )
    head = [Part(f"the {len(first)} {units} of the first tier, "), Part(tier.name, "name"), Part(f" ({rule})")]
    if tier.top is not None and tier.top == k and len(first) == k:
        parts = [*head, Part(f"; {sure}, by name below.")]
    else:
        parts = [*head, Part(": "), *names_parts(first), Part(".")]
    return Claim("decision", "Recommended", tuple(parts), "#ranking", "the ranking")


def _name(result: ScoreResult, ident: str) -> str:
    t = result.table
    return str(t.at[ident, "name"]) if ident in t.index else ident


def _chances(result: ScoreResult, k: int, s: Sensitivity) -> tuple[list[Claim], str]:
    """Who is in the top K under every plausible weighting, who depends on it, who is close outside; in short."""
    t = result.table
    names = [str(v) for v in t["name"]]
    p = s.p_top_k
    inside = (t["rank"].to_numpy(dtype=int) <= k).tolist()
    draws = f"{s.draws:,} plausible weightings" + (" and data draws" if s.uncertainty else "")
    sure = [names[i] for i in range(len(names)) if inside[i] and p[i] >= 1.0]
    shaky = sorted((i for i in range(len(names)) if inside[i] and p[i] < 1.0), key=lambda i: (p[i], i))
    close = sorted((i for i in range(len(names)) if not inside[i] and p[i] >= CLOSE_CHANCE), key=lambda i: (-p[i], i))
    rest = sum(1 for i in range(len(names)) if not inside[i] and 0.0 < p[i] < CLOSE_CHANCE)
    claims = [
        Claim(
            "sure",
            "Sure",
            (Part(f"in the top {k} under all {draws} ({len(sure)}): "), *names_parts(sure), Part(".")),
            "#sensitivity",
            "sensitivity",
        ),
        Claim(
            "depends",
            "Depends on the weighting",
            (
                Part(f"in the top {k} here, but not under every weighting ({len(shaky)}; share of draws): "),
                *names_parts([names[i] for i in shaky], [f" ({chance(p[i])})" for i in shaky]),
                Part("."),
            ),
            "#sensitivity",
            "sensitivity",
        ),
    ]
    listed = close[:MAX_LISTED]
    more = len(close) - len(listed)
    tail = f"; {rest} more {'is' if rest == 1 else 'are'} in it in under {pct(CLOSE_CHANCE)} of draws" if rest else ""
    claims.append(
        Claim(
            "close",
            "Close outside",
            (
                Part(f"outside the top {k} here, but in it in at least {pct(CLOSE_CHANCE)} of draws: "),
                *names_parts([names[i] for i in listed], [f" ({chance(p[i])})" for i in listed], more=more),
                Part(tail + "."),
            ),
            "#sensitivity",
            "sensitivity",
        )
    )
    if close and shaky and p[close[0]] > p[shaky[0]]:
        a, b = close[0], shaky[0]
        claims.append(
            Claim(
                "outranks",
                "Mind",
                (
                    Part(f"{ordinal(int(t['rank'].iloc[a]))}-ranked "),
                    Part(names[a], "name"),
                    Part(f" is in the top {k} in more draws ({chance(p[a])}) than "),
                    Part(names[b], "name"),
                    Part(f" ({chance(p[b])}), which is in it here."),
                ),
                "#sensitivity",
                "sensitivity",
            )
        )
    short = f"{len(sure)} of them are in it under every plausible weighting, {len(shaky)} only under some"
    return claims, short


def _single_weight_changes(result: ScoreResult, k: int, st: Stability) -> tuple[list[Claim], str]:
    """Without ``--sensitivity``: who stays, leaves or enters the top K when one weight moves within its range."""
    note = Part(
        "sensitivity was not run (add --sensitivity for each country's share of plausible weightings); "
        "this is the exact single-weight analysis every report makes: "
    )
    c = st.countries
    if c is None:
        why = Part("sensitivity was not run, and " + _lower(st.reason))
        return [Claim("sure", "How sure", (why,), "#stability", "why")], "sensitivity was not run"
    inside = c[c["in_top_k"]]
    moved = c[c["weight_in_range"] & c["weight_criterion"].astype(str).ne("")]
    stays = [str(n) for n in inside.loc[~inside.index.isin(moved.index), "name"]]
    leaves = moved[moved["in_top_k"]]
    enters = moved[~moved["in_top_k"]].sort_values("rank")
    claims = [
        Claim(
            "sure",
            "How sure",
            (
                note,
                Part(f"in the top {k} whatever one weight does within its plausible range ({len(stays)}): "),
                *names_parts(stays),
                Part("."),
            ),
            "#stability",
            "what would change the list",
        )
    ]
    claims.append(
        Claim(
            "in-out",
            "Depends on the weighting",
            (
                Part(f"one weight moved within its plausible range takes out of the top {k}: "),
                *_moves(leaves),
                Part("; brings in: "),
                *_moves(enters),
                Part("."),
            ),
            "#stability",
            "what would change the list",
        )
    )
    short = f"{len(stays)} of them stay whatever one weight does within its plausible range, {len(leaves)} may not"
    return claims, short


def _moves(rows: pd.DataFrame) -> list[Part]:
    """``Viet Nam (representation 0.25 -> above 0.26), ...``: each country and its smallest single-weight change."""
    listed = rows.head(MAX_LISTED)
    parts: list[Part] = []
    for i, (_ident, row) in enumerate(listed.iterrows()):
        frm, to = float(row["weight_from"]), float(row["weight_to"])
        words = ("above " if to > frm else "below ") if bool(row["in_top_k"]) else ""
        a, b = _pair(frm, to)
        if i:
            parts.append(Part(", "))
        crit = plain(str(row["weight_criterion"]))
        parts += [Part(str(row["name"]), "name"), Part(" ("), Part(crit, "name"), Part(f" {a} \u2192 {words}{b})")]
    more = len(rows) - len(listed)
    return (parts or [Part("none")]) + ([Part(f" and {more} more")] if more else [])


def _pair(a: float, b: float) -> tuple[str, str]:
    """Two weights with as few decimals (2 to 4) as tell them apart."""
    for d in (2, 3, 4):
        x, y = f"{a:.{d}f}", f"{b:.{d}f}"
        if x != y:
            return x, y
    return f"{a:.6f}", f"{b:.6f}"


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _limits(k: int, st: Stability) -> Claim:
    """How far each weight can move, one at a time, before the top K changes (the stability intervals).

    The smallest move leads (it is what would change the list first); the limits of every share follow.
    """
    w = st.weights
    if w is None:
        return Claim("limits", "What would change it", (Part(_lower(st.reason)),), "#stability", "why")
    limits: list[Part] = []
    margins = []
    for i, (cid, row) in enumerate(w.iterrows()):
        now, lo, hi = interval_cells(float(row["weight"]), float(row["low"]), float(row["high"]))
        if i:
            limits.append(Part(", "))
        limits += [Part(plain(str(cid)), "name"), Part(f" {lo} to {hi} (now {now})")]
        margin = min(float(row["weight"]) - float(row["low"]), float(row["high"]) - float(row["weight"]))
        margins.append((margin, str(cid), plain(str(cid))))
    tight = min(margins)
    parts: list[Part] = []
    if len(margins) > 1 and math.isfinite(tight[0]):
        parts += [Part(f"the top {k} changes if the share of "), Part(tight[2], "name")]
        parts.append(Part(f" moves by {_step(tight[0])}; "))
    parts.append(Part(f"the same {k} stay in it while each share stays between these limits: "))
    parts += [*limits, Part(", one share at a time, the others keeping their proportions.")]
    return Claim("limits", "What would change it", tuple(parts), "#stability", "what would change the list")


def _step(x: float) -> str:
    """A small positive distance with two significant digits (never 0.000).

    >>> _step(0.010694), _step(0.00038), _step(0.25)
    ('0.011', '0.00038', '0.25')
    """
    if x <= 0:
        return "0"
    d = max(2, 1 - math.floor(math.log10(x)))
    return f"{x:.{d}f}"


def _cut(result: ScoreResult, k: int) -> list[Claim]:
    """The scores either side of the cut, with enough decimals to tell them apart, and ties hidden by rounding."""
    t = result.table
    if len(t) <= k:
        return []
    scores = t["score"].to_numpy(dtype=float)
    d = score_decimals(scores.tolist(), cut=k)
    ranks = t["rank"].to_numpy(dtype=int)
    names, tiers = [str(v) for v in t["name"]], [str(v) for v in t["tier"]]
    rows = [k - 1, k]
    parts: list[Part] = []
    for j, i in enumerate(rows):
        if j:
            parts.append(Part(" and "))
        parts += [
            Part(names[i], "name"),
            Part(f" {format_score(scores[i], d)} ({ordinal(int(ranks[i]))}, "),
            Part(tiers[i], "name"),
            Part(")"),
        ]
    gap = scores[k - 1] - scores[k]
    parts.append(Part(f": {_step(gap)} apart" if gap > 0 else ": tied, the tie broken by country code"))
    claims = [Claim("cut", "At the cut", (*parts, Part(".")), "#ranking", "the ranking")]
    blurred = _blurred(scores, tiers, shown=3)
    if blurred:
        groups: list[Part] = [
            Part("these look equal at the ranking's 3 decimals but differ, and fall in different tiers: ")
        ]
        for g, group in enumerate(blurred[:3]):
            if g:
                groups.append(Part("; "))
            for j, i in enumerate(group):
                if j:
                    groups.append(Part(", "))
                groups += [
                    Part(names[i], "name"),
                    Part(f" {format_score(scores[i], d)} ("),
                    Part(tiers[i], "name"),
                    Part(")"),
                ]
        claims.append(Claim("blurred", "Close calls", (*groups, Part(".")), "#ranking", "the ranking"))
    return claims


def _blurred(scores: np.ndarray, tiers: Sequence[str], *, shown: int) -> list[list[int]]:
    """Runs of neighbours whose scores print alike at ``shown`` decimals but span more than one tier.

    >>> _blurred(np.array([0.4424, 0.4421, 0.4419, 0.3]), ["a", "a", "b", "b"], shown=3)
    [[0, 1, 2]]
    """
    runs: list[list[int]] = []
    for i, text in enumerate(f"{s:.{shown}f}" for s in scores):
        if runs and f"{scores[runs[-1][-1]]:.{shown}f}" == text:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [r for r in runs if len(r) > 1 and len({tiers[i] for i in r}) > 1]


def _set_robustness(result: ScoreResult, rec: RecommendedSet) -> Claim:
    """How robust the chosen set is: the share of plausible weightings under which each country stays chosen."""
    if rec.robust is None:
        why = rec.robust_note or "it was not computed: add --sensitivity for the share of weightings keeping each one"
        return Claim(
            "set",
            "The chosen set",
            (Part("its robustness is not shown: " + _lower(why).rstrip(".") + "."),),
            "#selection",
            "the set",
        )
    share = {str(i): float(v) for i, v in zip(rec.robust["id"], rec.robust["share_selected"], strict=True)}
    chosen = rec.ids
    always = [c for c in chosen if share.get(c, 0.0) >= 1.0]
    shaky = sorted((c for c in chosen if share.get(c, 0.0) < 0.5), key=lambda c: share.get(c, 0.0))
    rivals = sorted(
        (str(c) for c, k in zip(rec.robust["id"], rec.robust["chosen"], strict=True) if not k and share[str(c)] >= 0.5),
        key=lambda c: -share[c],
    )
    parts = [
        Part(
            f"{len(always)} of the {len(chosen)} are chosen again under all {rec.robust_draws:,} plausible weightings; "
        ),
        Part("chosen here but in fewer than half of them: "),
        *names_parts([_name(result, c) for c in shaky], [f" ({chance(share.get(c, 0.0))})" for c in shaky]),
        Part("; left out here but chosen in at least half: "),
        *names_parts([_name(result, c) for c in rivals], [f" ({chance(share[c])})" for c in rivals]),
        Part("."),
    ]
    return Claim("set", "The chosen set", tuple(parts), "#selection", "robustness")


def _basis(result: ScoreResult, data_name: str, criteria_file: str, units: str) -> Claim:
    """On which criteria, weights and data: the weights part is the one the page's script rewrites."""
    c = result.criteria
    parts: list[Part] = [Part(f"{len(c.criteria)} criteria weighted ")]
    parts += [Part("", "open", "weights"), *weights_parts(result), Part("", "close", "weights")]
    parts.append(Part(" (criteria profile "))
    parts.append(Part(c.name, "name"))
    if criteria_file:
        parts += [Part(", file "), Part(criteria_file, "code")]
    parts.append(Part(f"); {len(result.table)} {units} ranked"))
    if data_name:
        parts += [Part(" from "), Part(data_name, "code")]
    excluded = len(result.exclusions)
    parts.append(Part(f", {excluded} excluded by the eligibility rules" if excluded else ""))
    columns = {iid: ind.column for _cid, iid, ind in c.indicator_items()}
    for i, (iid, made_up) in enumerate(sorted(result.illustrative.items())):
        parts += [Part("; illustrative: made-up " if i == 0 else ", made-up "), Part(made_up, "code")]
        parts += [Part(" stands in for "), Part(columns.get(iid, iid), "code")]
    if result.illustrative:
        parts.append(Part(", so this is a demonstration, not an assessment of any country"))
    parts.append(Part("."))
    return Claim("basis", "Based on", tuple(parts), "#criteria", "criteria and weights", file_weights=False)
