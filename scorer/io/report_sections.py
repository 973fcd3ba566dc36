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
from typing import TYPE_CHECKING

import pandas as pd

from scorer.io.outputs import frame_to_markdown, markdown_code, markdown_text

if TYPE_CHECKING:
    from scorer.elicitation.committee import CommitteeReport
    from scorer.report import Report
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

        sheets.update(uncertainty_sheets(report.uncertainty))
        lines += uncertainty_markdown(report.uncertainty)
    if report.evidence is not None:
        from scorer.report.evidence_section import evidence_sheets

        sheets.update(evidence_sheets(report.evidence, report.result, top_k=report.top_k))
        lines += evidence_markdown(report)
    return Sections(sheets, lines, people)


def committee_markdown(committee: CommitteeReport) -> list[str]:
    """The Whose weights section: the weights table and the lines ``unct-scorer weights`` prints."""
    from scorer.report.stakeholders import WHOSE_WEIGHTS

    frame = committee.weights_frame().reset_index()
    lines = [f"## {WHOSE_WEIGHTS[1]}", "", frame_to_markdown(frame, float_digits=3), ""]
    return lines + [f"- {markdown_text(line.strip())}" for line in committee.lines() if line.strip()] + [""]


def uncertainty_markdown(result: UncertaintyResult) -> list[str]:
    """The Method uncertainty section: the page's paragraphs and its two tables, from the same view."""
    from scorer.report.uncertainty_section import uncertainty_view

    view = uncertainty_view(result)
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
        lines += [
            f"### {markdown_text(c['name'])} ({c['id']}): rank {c['rank']}, {where} the top {k}",
            "",
            f"Suggested level: **{markdown_text(c['level'])}**; {markdown_text(c['status'])}.",
            "",
        ]
        for n, q in enumerate(c["passages"], start=1):
            context = f", {markdown_text(q['contexts'])}" if q["contexts"] else ""
            lines.append(
                f"{n}. \u201c{markdown_text(q['text'])}\u201d ({markdown_text(q['file'])}, page {q['page']}{context})"
            )
        lines += [""] if c["passages"] else ["No passage of its documents mentions IP or WIPO.", ""]
    if view["without"]:
        names = ", ".join(f"{markdown_text(name)} ({ident})" for ident, name in view["without"])
        lines += [f"No documents were read for: {names}.", ""]
    return lines + [f"> {markdown_text(n)}" + "\n" for n in view["notes"]]
