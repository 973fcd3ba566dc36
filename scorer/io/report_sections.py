"""The report's optional sections (Whose weights, Method uncertainty, Evidence for criterion 3) as sheets and Markdown.

Each section is rendered from the result object the HTML page renders
(:class:`~scorer.elicitation.committee.CommitteeReport`,
:class:`~scorer.uncertainty.analysis.UncertaintyResult`,
:class:`~scorer.report.evidence_section.EvidenceSection`) through the same
views (:func:`~scorer.report.uncertainty_section.uncertainty_view`,
:func:`~scorer.report.evidence_section.evidence_view`), so the workbook, the
Markdown and the page give the same numbers and words. Nothing is computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from scorer.io.outputs import frame_to_markdown, markdown_code, markdown_text

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport
    from scorer.report import Report
    from scorer.report.commands import ReportCommands
    from scorer.report.evidence_section import EvidenceSection
    from scorer.uncertainty.analysis import UncertaintyResult


@dataclass(frozen=True)
class Sections:
    """The optional sections of one report: workbook sheets (in order), Markdown lines, the stakeholders' names."""

    sheets: dict[str, pd.DataFrame] = field(default_factory=dict)
    markdown: list[str] = field(default_factory=list)
    stakeholders: tuple[str, ...] = ()


def report_sections(report: Report) -> Sections:
    """The sections ``report`` holds, in the page's order: Whose weights, Method uncertainty, Evidence.

    >>> from scorer import demo_result
    >>> from scorer.report import make_report
    >>> report_sections(make_report(demo_result(), top_k=5)).sheets
    {}
    """
    sheets: dict[str, pd.DataFrame] = {}
    lines: list[str] = []
    people: tuple[str, ...] = ()
    if report.committee is not None:
        from scorer.report.stakeholders import committee_sheets

        sheets.update(committee_sheets(report.committee))
        lines += committee_markdown(report.committee)
        people = tuple(report.committee.elicitation.people)
    if report.uncertainty is not None:
        from scorer.report.uncertainty_section import uncertainty_sheets

        sheets.update(uncertainty_sheets(report.uncertainty, commands=report.commands))
        lines += uncertainty_markdown(report.uncertainty, commands=report.commands)
    if report.evidence is not None:
        from scorer.report.evidence_section import evidence_sheets

        sheets.update(evidence_sheets(report.evidence, report.result, top_k=report.top_k))
        lines += evidence_markdown(report)
    return Sections(sheets, lines, people)


def committee_markdown(committee: CommitteeReport) -> list[str]:
    """The Whose weights section, from the page's view: weights, own top K, consensus, most divided, compromise."""
    from scorer.report.stakeholders import WHOSE_WEIGHTS, stakeholders_view

    view = stakeholders_view(committee)
    lines = [
        f"## {WHOSE_WEIGHTS[1]}",
        "",
        f"The committee's judgements ({markdown_text(view['method'])}), as `unct-scorer weights` computes them from "
        "the same file: each stakeholder's weights, the group's, and a compromise that keeps the largest move for "
        "anyone as small as possible (distance: the share of the weight that moves).",
        "",
    ]
    table = {"Stakeholder": [row["who"] for row in view["rows"]]}
    table |= {c: [row["weights"][j] for row in view["rows"]] for j, c in enumerate(view["criteria"])}
    if view["ahp"]:
        table["Consistency ratio"] = [row["cr"] for row in view["rows"]]
    table["Distance to compromise"] = [row["to_compromise"] for row in view["rows"]]
    lines += [frame_to_markdown(pd.DataFrame(table), right_align=tuple(list(table)[1:]))]
    lines += [f"- {markdown_text(line.strip())}" for line in view["lines"] if line.strip()] + [""]
    k = view["top_k"]
    if k is not None:
        lines += _committee_lists(view, k)
        if committee.analysis is not None and len(committee.analysis.stakeholders) > 1:
            lines += [f"Countries in only one of two stakeholders' top {k}:", ""]
            lines += [frame_to_markdown(committee.analysis.disagreement.rename_axis("Stakeholder").reset_index())]
        lines += ["### Compromise", "", markdown_text(view["compromise"]), ""]
    if view["hull"]:
        lines += ["### Any weighting between theirs", "", *(f"- {markdown_text(x.strip())}" for x in view["hull"]), ""]
    return lines + [f"> {markdown_text(n)}\n" for n in view["notes"]]


def _committee_lists(view: dict[str, Any], k: int) -> list[str]:
    """Each stakeholder's own top K, the consensus and the most divided pair, as the page lists them."""

    def named(countries: list[Any]) -> str:
        return ", ".join(f"{markdown_text(c.name)} ({c.id})" for c in countries) or "none"

    lines = [f"### Each stakeholder's own top {k}", ""]
    lines += [f"- **{markdown_text(t['who'])}**: {named(t['countries'])}" for t in view["tops"]]
    lines += ["", "### Consensus", ""]
    lines += [f"- {g['title']} ({len(g['countries'])}): {named(g['countries'])}." for g in view["consensus"]]
    lines += [f"- In the top {k} for none: {view['n_none']} countries.", ""]
    pair = view["pair"]
    if pair is not None:
        lines += ["### Most divided", ""]
        a, b = markdown_text(pair["a"]), markdown_text(pair["b"])
        if pair["n"] == 0:
            lines += [f"Every pair of stakeholders has the same top {k}.", ""]
        else:
            lines += [
                f"{a} and {b}: {pair['n']} countries in only one of their top {k}. Only {a}'s: "
                f"{named(pair['only_a'])}. Only {b}'s: {named(pair['only_b'])}.",
                "",
            ]
    return lines


def uncertainty_markdown(result: UncertaintyResult, *, commands: ReportCommands | None = None) -> list[str]:
    """The Method uncertainty section: the page's paragraphs and its two tables, from the same view."""
    from scorer.report.uncertainty_section import uncertainty_view

    view = uncertainty_view(result, commands=commands)
    k = result.top_k
    always = ", ".join(f"{markdown_text(name)} ({ident})" for ident, name in view["always"]) or "none"
    lines = [
        "## Method uncertainty",
        "",
        f"Would the list change with another reasonable method? {result.samples:,} base samples, {result.runs:,} "
        f"runs of the whole scoring (seed {result.seed}), varying jointly every modelling choice the criteria file "
        f"declares: {markdown_text('; '.join(view['factors']))}. The same analysis, with the same numbers, is "
        f"{markdown_code(view['command'])}.",
        "",
        f"In the {markdown_text(view['what'])} whatever the choices ({len(view['always'])}): {always}. "
        f"Under some choices only: {view['some']}. Never: {view['never']}.",
        "",
        "### Rank intervals",
        "",
        f"The {len(view['rows'])} countries with the best median ranks over all runs: the median rank and the ranks "
        "held in 90% of the runs (5th to 95th percentile).",
        "",
    ]
    rows = pd.DataFrame(
        {
            "Country": [f"{row['name']} ({row['id']})" for row in view["rows"]],
            "Rank (declared methods)": [str(row["rank"]) for row in view["rows"]],
            f"P(top {k})": [row["chance"] for row in view["rows"]],
            "Median rank": [str(row["median"]) for row in view["rows"]],
            "Rank 5-95%": [f"{row['low']}-{row['high']}" for row in view["rows"]],
            "Where its rank variance comes from": [row["shares"] for row in view["rows"]],
        }
    )
    numbers = ("Rank (declared methods)", f"P(top {k})", "Median rank", "Rank 5-95%")
    lines += [frame_to_markdown(rows, right_align=numbers)]
    if view["rest"]:
        rest = ", ".join(f"{markdown_text(x['name'])} ({x['id']}) P = {x['chance']}" for x in view["rest"])
        lines += [f"Also in the top {k} under some choices, with a worse median rank: {rest}.", ""]
    lines += [
        "### Which choice drives the ranking",
        "",
        "Sobol' indices: the share of the variance of each output, summed over all countries, due to each "
        f"uncertain input alone (first order, Saltelli 2010) and with its interactions (total effect, Jansen 1999), "
        f"with {view['level']} bootstrap intervals"
        + ("" if result.bootstrap else " (none: no bootstrap replicates)")
        + ". An input with a total index near 0 could be fixed at any of its alternatives without changing the result.",
        "",
    ]
    drivers = [
        (title, factor, first, total) if factor else (title, "nothing drives it: it never changes", "", "")
        for _key, title, rows_ in view["drivers"]
        for factor, first, total in (rows_ or [("", "", "")])
    ]
    columns = ["Output", "Uncertain input", "Alone (first order)", "With interactions (total)"]
    lines += [frame_to_markdown(pd.DataFrame(drivers, columns=columns), right_align=tuple(columns[2:]))]
    return lines + [f"> {markdown_text(n)}" + "\n" for n in view["notes"]]


def evidence_markdown(report: Report) -> list[str]:
    """The Evidence for criterion 3 section: per country near the cut, the level, what was used, the passages."""
    from scorer.report.evidence_section import evidence_view

    section: EvidenceSection | None = report.evidence
    assert section is not None
    view = evidence_view(section, report.result, top_k=report.top_k)
    k = view["top_k"]
    lines = [
        "## Evidence for criterion 3",
        "",
        "The government's interest in including IP in its Cooperation Framework, as the framework documents "
        f"themselves state it: for each country in or near the top {k} (the first {view['shown']} of the ranking), "
        "the level that `unct-scorer evidence` suggests from its documents, what the ranking used, and up to three "
        "passages quoted from the documents with their page. A suggested level is a reading aid, not a finding: "
        f"check the passages. Source: {markdown_code(view['source'])}.",
        "",
    ]
    if view["merge_lines"]:
        lines += [f"- {markdown_text(line)}" for line in view["merge_lines"]] + [""]
    for c in view["countries"]:
        where = "in" if c["inside"] else "outside"
        basis = f" ({markdown_text(c['basis'])})" if c["basis"] else ""
        lines += [
            f"### {markdown_text(c['name'])} ({c['id']}): rank {c['rank']}, {where} the top {k}",
            "",
            f"Suggested level: **{markdown_text(c['level'])}**{basis}; {markdown_text(c['status'])}.",
            "",
        ]
        for n, q in enumerate(c["passages"], start=1):
            context = f", {markdown_text(q['contexts'])}" if q["contexts"] else ""
            lines.append(
                f"{n}. \u201c{markdown_text(q['text'])}\u201d ({markdown_text(q['file'])}, page {q['page']}{context})"
            )
        lines += [""] if c["passages"] else [c["empty"], ""]
    if view["without"]:
        names = ", ".join(f"{markdown_text(name)} ({ident})" for ident, name in view["without"])
        lines += [f"No documents were read for: {names}.", ""]
    return lines + [f"> {markdown_text(n)}" + "\n" for n in view["notes"]]
