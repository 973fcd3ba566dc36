"""Writing a ScoreResult to .csv, .xlsx, .json or .md, with its provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from scorer import __version__
from scorer.core.result import ScoreResult
from scorer.io.outputs import (
    check_target,
    frame_to_csv,
    frame_to_markdown,
    markdown_code,
    markdown_text,
    to_json,
    write_text,
    write_workbook,
)
from scorer.io.report_sections import Sections, report_sections
from scorer.io.workbook import DICTIONARY, Context, Table, dictionary_table, table
from scorer.render.export import contributions_frame, criteria_frame, quality_frame, ranking_frame

if TYPE_CHECKING:
    from scorer.report import CriteriaSource, RecommendedSet, Report, Stability


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(
    inputs: dict[str, Path],
    *,
    argv: list[str] | None = None,
    extra: dict[str, str] | None = None,
    command: str | None = None,
) -> dict[str, str]:
    """Tool version, input files and their SHA-256, the command that reproduces the output, then ``extra``.

    The command is ``command`` when given; else, inside a command, the one
    :func:`scorer.cli.reproduce.reproduce_command` renders from what click
    parsed (every input option, shell-quoted); else ``argv`` quoted; else none.
    No clock unless the caller adds one to ``extra``: outputs stay reproducible.
    """
    out = {"tool": f"unct-scorer {__version__}"}
    for role, path in inputs.items():
        out[f"{role}_file"] = path.name
        out[f"{role}_sha256"] = sha256_of(path)
    line = command if command is not None else current_command(argv)
    if line is not None:
        out["command"] = line
    out.update(extra or {})
    return out


def current_command(argv: list[str] | None = None) -> str | None:
    """The reproducing command of the click command running now, else ``argv`` quoted, else None.

    >>> current_command(["rank", "my data.xlsx"])
    "unct-scorer rank 'my data.xlsx'"
    """
    import shlex

    from scorer.cli.reproduce import reproduce_command

    line = reproduce_command()
    if line is None and argv is not None:
        line = shlex.join(["unct-scorer", *argv])
    return line


def write_csv(path: Path, frame: pd.DataFrame, prov: dict[str, str], *, force: bool, guard: tuple[Path, ...]) -> None:
    """A CSV table and, beside it, its provenance in ``<name>-metadata.json``.

    A CSV file has no place for metadata, so the provenance (with the command
    that rewrites both files) goes where the W3C's CSV on the Web recommendation
    looks for a table's metadata: the file's name with ``-metadata.json``
    appended. Both targets are checked before either is written, and the
    metadata is written first, so no table is left without its provenance.
    """
    write_csv_metadata(path, prov, force=force, guard=guard)
    write_text(path, frame_to_csv(frame), force=force, inputs=guard)


def write_csv_metadata(path: Path, prov: dict[str, str], *, force: bool, guard: tuple[Path, ...]) -> None:
    """The provenance of the CSV file ``path``, in ``<name>-metadata.json`` beside it (CSV on the Web).

    Both targets are checked before the metadata is written, so a CSV that cannot be written leaves none.
    """
    meta = csv_metadata_path(path)
    for target in (path, meta):
        check_target(target, force=force, inputs=guard)
    record = {"@context": "http://www.w3.org/ns/csvw", "url": path.name, "provenance": prov}
    write_text(meta, to_json(record), force=force, inputs=guard)


def csv_metadata_path(path: Path) -> Path:
    """Where a CSV output's provenance is written (CSVW's default metadata location).

    >>> csv_metadata_path(Path("out/ranking.csv")).as_posix()
    'out/ranking.csv-metadata.json'
    """
    return path.with_name(path.name + "-metadata.json")


def criteria_source(path: Path) -> CriteriaSource:
    """The criteria file's text and the position of each criterion's weight value in it.

    The report's download button rewrites only those characters, so the tuned
    copy keeps every comment. If a weight's value cannot be located exactly
    (an anchor, an alias, a merge), the copy is a plain YAML dump of the
    validated criteria instead, which the loader reads back the same.

    >>> from scorer.resources import default_criteria_path
    >>> src = criteria_source(default_criteria_path())
    >>> start, end = src.spans["engagement"]; src.text[start:end]
    '0.4'
    """
    import yaml

    from scorer.io.criteria_file import parse_criteria_text
    from scorer.report import CriteriaSource

    text = path.read_bytes().decode("utf-8-sig")
    criteria = parse_criteria_text(text, file=str(path))
    spans = weight_spans(text)
    expected = {cid: crit.weight for cid, crit in criteria.criteria.items()}
    if (
        spans is None
        or set(spans) != set(expected)
        or any(_as_float(text[a:b]) != expected[cid] for cid, (a, b) in spans.items())
    ):
        data = criteria.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
        data = {"version": 1, **data}
        text = (
            "# Written by unct-scorer from "
            + path.name
            + "\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
        )
        spans = weight_spans(text) or {}
    return CriteriaSource(text=text, spans=spans, file_name=path.name)


def weight_spans(text: str) -> dict[str, tuple[int, int]] | None:
    """Character offsets of each ``criteria.<id>.weight`` value in YAML text (None if not plain scalars).

    >>> weight_spans("criteria:\\n  a: {weight: 2, label: A}\\n")
    {'a': (24, 25)}
    """
    import yaml

    from scorer.io.criteria_file import SAFE_LOADER

    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)  # the criteria reader's parser: the same marks
    except yaml.YAMLError:
        return None
    criteria = _child(root, "criteria")
    if not isinstance(criteria, yaml.MappingNode):
        return None
    spans: dict[str, tuple[int, int]] = {}
    for key, node in criteria.value:
        weight = _child(node, "weight")
        if not isinstance(weight, yaml.ScalarNode):
            return None
        start, end = weight.start_mark.index, weight.end_mark.index
        if text[start:end][:1] in ("&", "*", "!") or (start, end) in spans.values():
            return None
        spans[str(key.value)] = (start, end)
    return spans


def _child(node: object, name: str) -> object:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == name:
            return value
    return None


def _as_float(text: str) -> float | None:
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def write_result(
    result: ScoreResult,
    path: Path,
    *,
    force: bool,
    inputs: dict[str, Path],
    argv: list[str] | None = None,
    command: str | None = None,
    sensitivity: pd.DataFrame | None = None,
    recommended: RecommendedSet | None = None,
    stability: Stability | None = None,
    extra_provenance: dict[str, str] | None = None,
    groups: pd.DataFrame | None = None,
    top_k: int | None = None,
    sections: Sections | None = None,
) -> None:
    """Write the ranking in the format the extension names.

    ``sensitivity`` (one row per country, e.g. :meth:`scorer.report.Sensitivity.frame`)
    adds a Sensitivity sheet to a workbook and a section to Markdown;
    ``stability`` (:func:`scorer.report.run_stability`) the sheets Stability weights and
    Stability countries (:func:`stability_sheets`) and a What would change the list section;
    ``recommended`` (:func:`scorer.report.recommend`) adds the sheets Selection,
    Selection summary (and Selection robustness) and a Recommended set section.
    A workbook is :func:`result_workbook`: ``groups`` (e.g. region) beside the
    ranking, ``top_k`` the K of its "P(in top K)" header, and a generation time
    in its Provenance unless ``SOURCE_DATE_EPOCH`` is set. ``sections`` (a report's Whose weights, Method
    uncertainty and Evidence, :func:`scorer.io.report_sections.report_sections`) add their sheets and Markdown.
    """
    suffix = path.suffix.lower()
    guard = tuple(inputs.values())
    prov = provenance(inputs, argv=argv, extra=extra_provenance, command=command)
    ranking = marked_ranking(result, recommended)
    if suffix == ".csv":
        write_csv(path, ranking, prov, force=force, guard=guard)
    elif suffix == ".json":
        data = {"provenance": prov, **result.to_dict()}
        write_text(path, to_json(data), force=force, inputs=guard)
    elif suffix == ".md":
        text = markdown_summary(
            result,
            prov,
            sensitivity=sensitivity,
            recommended=recommended,
            stability=stability,
            sections=sections.markdown if sections is not None else (),
        )
        write_text(path, text, force=force, inputs=guard)
    else:
        stamp = generation_stamp()
        book = result_workbook(
            result,
            {**prov, "generated": stamp} if stamp else prov,
            groups=groups,
            sensitivity=sensitivity,
            recommended=recommended,
            stability=stability,
            top_k=top_k,
            sections=sections,
        )
        write_workbook(path, book, force=force, inputs=guard)


def generation_stamp() -> str | None:
    """Now (UTC) for a workbook's Provenance; None when ``SOURCE_DATE_EPOCH`` asks for reproducible bytes."""
    import os
    from datetime import UTC, datetime

    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return None
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def result_workbook(
    result: ScoreResult,
    prov: dict[str, str],
    *,
    groups: pd.DataFrame | None = None,
    sensitivity: pd.DataFrame | None = None,
    recommended: RecommendedSet | None = None,
    stability: Stability | None = None,
    top_k: int | None = None,
    sections: Sections | None = None,
) -> dict[str, Table]:
    """The planner's workbook: one table per sheet, readable headers, a data dictionary, the provenance.

    ``groups`` (spreadsheet columns such as region, indexed like ``result.table``,
    see :func:`scorer.render.export.grouping_frame`) sit beside the ranking, after the name.
    The Stability table becomes two sheets: the weight intervals, and the countries. ``sections``
    add their sheets after the analyses, before the data dictionary.

    >>> from scorer import demo_result
    >>> book = result_workbook(demo_result(), {"tool": "unct-scorer"})
    >>> list(book), book["Ranking"].column("coverage").number_format
    (['Ranking', 'Contributions', 'Data quality', 'Criteria', 'Data dictionary', 'Provenance'], '0%')
    """
    k = top_k if top_k is not None else stability.top_k if stability is not None else None
    ctx = Context(
        labels={cid: c.label for cid, c in result.criteria.criteria.items()},
        tiers=[t.name for t in result.criteria.tiers],
        top_k=k,
        arithmetic=result.criteria.aggregation.value == "arithmetic",
        groups=[str(c) for c in groups.columns] if groups is not None else (),
        offices=result.offices is not None,
        stakeholders=sections.stakeholders if sections is not None else (),
    )
    frames: dict[str, pd.DataFrame] = {
        "Ranking": marked_ranking(result, recommended, groups=groups),
        "Contributions": contributions_frame(result),
        "Data quality": quality_frame(result),
        "Criteria": criteria_frame(result),
    }
    if sensitivity is not None:
        frames["Sensitivity"] = sensitivity
    if stability is not None:
        frames.update(stability_sheets(stability))
    if recommended is not None:
        frames.update(selection_sheets(recommended))
    if sections is not None:
        frames.update(sections.sheets)
    book = {name: table(name, frame, ctx) for name, frame in frames.items()}
    rows = [*({"key": k, "value": v} for k, v in prov.items()), *({"key": "note", "value": n} for n in result.notes)]
    provenance_sheet = table("Provenance", pd.DataFrame(rows, columns=["key", "value"]), ctx)
    book[DICTIONARY] = dictionary_table({**book, "Provenance": provenance_sheet})
    book["Provenance"] = provenance_sheet
    return book


def stability_sheets(stability: Stability) -> dict[str, pd.DataFrame]:
    """The Stability table as two sheets, one table each: the weight intervals, and the countries near the cut.

    Each keeps the columns its rows fill (``kind`` goes: the sheet says it). When
    the analysis does not apply, one Stability sheet says why.
    """
    sheet = stability.sheet()
    if "kind" not in sheet.columns or not (sheet["kind"] != "note").any():
        return {"Stability": sheet}
    out = {}
    for name, kind in (("Stability weights", "weight interval"), ("Stability countries", "country")):
        part = sheet[sheet["kind"] == kind].drop(columns=["kind"]).reset_index(drop=True)
        if kind == "weight interval" and "criterion" in part.columns and part["criterion"].equals(part["id"]):
            part = part.drop(columns=["criterion"])
        filled = [c for c in part.columns if part[c].map(lambda v: v is not None and not pd.isna(v)).any()]
        out[name] = part[filled].infer_objects()
    return out


def report_provenance(report: Report) -> dict[str, str]:
    """What a report's provenance adds to the inputs and command: the seed and the counts of draws and samples."""
    extra: dict[str, str] = {}
    smaa = report.sensitivity
    if smaa is not None:
        extra = {"seed": str(smaa.seed), "draws": str(smaa.draws)}
        if smaa.uncertainty:
            extra["data_uncertainty"] = ", ".join(f"{iid} {e:g}" for iid, e in smaa.uncertainty.items())
    rec = report.recommended
    if rec is not None and rec.robust is not None:
        extra["selection_draws"] = str(rec.robust_draws)
    method = report.uncertainty
    if method is not None:
        extra |= {"seed": str(method.seed), "samples": str(method.samples), "bootstrap": str(method.bootstrap)}
    hull = report.committee.hull if report.committee is not None else None
    if hull is not None:
        extra |= {"seed": str(hull.seed), "hull_draws": str(hull.draws)}
    return extra


def write_report(
    report: Report,
    path: Path,
    *,
    force: bool,
    inputs: dict[str, Path],
    command: str | None = None,
    generated: str = "",
    command_prefix: str | None = None,
) -> None:
    """Write one rendering of ``report`` in the format the extension names (.html/.htm, .xlsx, .md).

    Every format reads the same :class:`~scorer.report.Report`: nothing is
    computed here. The page also gets the criteria file's text (for its
    download button) and the time stamp ``generated``.
    """
    extra = report_provenance(report)
    if path.suffix.lower() in (".html", ".htm"):
        prov = provenance(inputs, command=command, extra={**extra, "generated": generated})
        page = report.html(
            criteria_source=criteria_source(inputs["criteria"]),
            provenance=prov,
            generated=generated,
            command_prefix=command_prefix,
        )
        write_text(path, page, force=force, inputs=tuple(inputs.values()))
        return
    write_result(
        report.result,
        path,
        force=force,
        inputs=inputs,
        command=command,
        sensitivity=report.sensitivity.frame() if report.sensitivity is not None else None,
        recommended=report.recommended,
        stability=report.stability,
        extra_provenance=extra,
        groups=report.groups,
        top_k=report.top_k,
        sections=report_sections(report),
    )


def marked_ranking(
    result: ScoreResult, recommended: RecommendedSet | None, *, groups: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The ranking frame, with a ``recommended`` column (true for the chosen set) when there is one.

    ``groups`` (indexed like ``result.table``) are inserted after the name.
    """
    ranking = ranking_frame(result)
    if groups is not None:
        position = list(ranking.columns).index("name") + 1
        aligned = groups.reindex(result.table.index)
        for offset, column in enumerate(c for c in aligned.columns if c not in ranking.columns):
            ranking.insert(position + offset, column, aligned[column].to_numpy(dtype=object))
    if recommended is not None:
        position = list(ranking.columns).index("tier") + 1
        ranking.insert(position, "recommended", ranking["id"].isin(recommended.ids))
    return ranking


def selection_sheets(recommended: RecommendedSet) -> dict[str, pd.DataFrame]:
    """The workbook sheets of a recommended set: the chosen set, its explanation, its robustness."""
    data = recommended.data
    table = recommended.table
    if data["cost_column"] is None:
        table = table.drop(columns=["cost", "cost_defaulted"])
    lines = [("note", n) for n in recommended.notes] + [("constraint", c) for c in data["constraints"]]
    lines += [("summary", s) for s in recommended.summary]
    if recommended.robust_note:
        lines.append(("robustness", recommended.robust_note))
    sheets = {
        "Selection": table,
        "Selection summary": pd.DataFrame(lines, columns=["item", "text"]),
    }
    if recommended.robust is not None:
        sheets["Selection robustness"] = recommended.robust
    return sheets


def markdown_summary(
    result: ScoreResult,
    prov: dict[str, str],
    *,
    sensitivity: pd.DataFrame | None = None,
    recommended: RecommendedSet | None = None,
    stability: Stability | None = None,
    sections: Sequence[str] = (),
) -> str:
    """A Markdown summary for pasting into a committee document (``sections``: lines put before the provenance)."""
    lines = [f"# UNCT ranking: {markdown_text(result.criteria.name)}", ""]
    for n in result.notes:
        lines += [f"> **{markdown_text(n)}**", ""]
    weights = ", ".join(
        f"{markdown_text(c.label)} ({markdown_text(c.cites)}) {result.weights[cid]:.0%}"
        for cid, c in result.criteria.criteria.items()
    )
    lines += [f"Criteria weights: {weights}.", ""]
    counts = result.table["tier"].value_counts()
    tiers = ", ".join(f"{markdown_text(t.name)}: {int(counts.get(t.name, 0))}" for t in result.criteria.tiers)
    lines += [f"{len(result.table)} countries ranked ({tiers}); {len(result.exclusions)} excluded.", ""]
    if recommended is not None:
        lines += [*_selection_markdown(recommended), "## Ranking", ""]
    lines += _ranking_markdown(result, recommended)
    if sensitivity is not None:
        lines += ["## Sensitivity to the weights", "", frame_to_markdown(sensitivity, float_digits=3)]
    if stability is not None:
        lines += _stability_markdown(stability)
    lines += [*sections, "## Provenance", ""]
    lines += [f"- {k}: {markdown_code(v)}" for k, v in prov.items()]
    return "\n".join(lines) + "\n"


def _ranking_markdown(result: ScoreResult, recommended: RecommendedSet | None) -> list[str]:
    """The ranking table, scores with the decimals that tell neighbours apart at the cut, ties marked."""
    from scorer.core.ranking import default_top_k
    from scorer.render.formatting import LOOKS_TIED, TIE, TIE_LEGEND, score_decimals, score_texts

    ranking = marked_ranking(result, recommended)
    cut = default_top_k(result.criteria)
    scores = ranking["score"].tolist()
    digits = score_decimals(scores, cut=cut)
    ranking["score"] = score_texts(scores, cut=cut)
    lines = [frame_to_markdown(ranking, float_digits=digits, right_align=("score",))]
    if any(t.endswith((TIE, LOOKS_TIED)) for t in ranking["score"]):
        lines += [f"Scores: {markdown_text(TIE_LEGEND)}.", ""]
    return lines


def _selection_markdown(recommended: RecommendedSet) -> list[str]:
    data = recommended.data
    lines = ["## Recommended set", ""]
    for note in recommended.notes:
        lines += [f"> **{markdown_text(note)}.**", ""]
    if data["constraints"]:
        lines += ["Constraints: " + "; ".join(markdown_text(c) for c in data["constraints"]) + ".", ""]
    lines += [f"- {markdown_text(s)}" for s in recommended.summary] + [""]
    table = recommended.table
    if data["cost_column"] is None:
        table = table.drop(columns=["cost", "cost_defaulted"])
    lines += [frame_to_markdown(table)]
    if recommended.robust is not None:
        lines += [
            "### Robustness: share of plausible weightings selecting each country",
            "",
            f"{recommended.robust_draws} weightings, seed {recommended.robust_seed}.",
            "",
            frame_to_markdown(recommended.robust),
        ]
    elif recommended.robust_note:
        lines += [markdown_text(recommended.robust_note), ""]
    return lines


def _stability_markdown(stability: Stability) -> list[str]:
    """What would change the list: the weight intervals and the countries near the cut, in words."""
    lines = ["## What would change the list", ""]
    if stability.weights is None:
        return [*lines, markdown_text(stability.reason), ""]
    k = stability.top_k
    units = "offices" if stability.unit == "office" else "countries"
    lines += [
        f"Exact (no random sampling), at the weights of this report. Each weight is a criterion's share of the "
        f"total; when one moves, the others keep their proportions. Within these limits the same {units} make up "
        f"the top {k}:",
        "",
        frame_to_markdown(stability.weight_table()),
    ]
    lines += [f"- {markdown_text(text)}" for text in stability.weights["in_words"]] + [""]
    near = stability.near_cut()
    rows = pd.DataFrame(
        {
            "rank": near["rank"].to_numpy(),
            stability.unit: [f"{name} ({ident})" for ident, name in near["name"].items()],
            "now": [f"in the top {k}" if inside else "outside" for inside in near["in_top_k"]],
            "one weight": near["weight_in_words"].to_numpy(),
            "one criterion score": near["value_in_words"].to_numpy(),
        }
    )
    lines += [
        f"### What it would take to move a {stability.unit} in or out",
        "",
        f"For the {len(near)} best-ranked {units}: the smallest change of one weight, and of one criterion score "
        "(0 = worst, 1 = best), that moves each into or out of the top "
        f"{k}, with the spreadsheet value where one value makes up the criterion score.",
        "",
        frame_to_markdown(rows),
    ]
    return lines
