"""Writing the weight-tuning results: analysis tables with provenance, and a criteria file with fitted weights."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from scorer.io.criteria_file import load_criteria, parse_criteria_text
from scorer.io.outputs import frame_to_markdown, to_json, write_text, write_workbook
from scorer.io.results import criteria_source, current_command, provenance, sha256_of, write_csv
from scorer.io.workbook import Context, analysis_book

MODELINE = "# yaml-language-server:"


def write_tables(
    path: Path,
    *,
    title: str,
    lines: list[str],
    sheets: Mapping[str, pd.DataFrame],
    data: dict[str, Any],
    force: bool,
    inputs: dict[str, Path],
    argv: list[str] | None = None,
    command: str | None = None,
    extra_provenance: dict[str, str] | None = None,
    kind: str = "",
) -> None:
    """Write an analysis in the format the extension names, never over an input.

    ``.csv``: the first sheet; ``.json``: ``data`` after the provenance;
    ``.md``: the title, ``lines`` and every sheet as a table; ``.xlsx``: the
    sheets with readable headers and number formats (``kind``, the command's
    name, says whose columns they are, see
    :data:`scorer.io.workbook.ANALYSIS_SHEETS`), the Data dictionary, then
    Provenance. Frames indexed by a named index (the country id) get it as
    their first column.
    """
    suffix = path.suffix.lower()
    guard = tuple(inputs.values())
    prov = provenance(inputs, argv=argv, extra=extra_provenance, command=command)
    flat = {name: frame.reset_index() if frame.index.name is not None else frame for name, frame in sheets.items()}
    if suffix == ".csv":
        write_csv(path, next(iter(flat.values())), prov, force=force, guard=guard)
    elif suffix == ".json":
        write_text(path, to_json({"provenance": prov, **data}), force=force, inputs=guard)
    elif suffix == ".md":
        parts = [f"# {title}", "", *lines, ""]
        for name, frame in flat.items():
            parts += [f"## {name}", "", frame_to_markdown(frame, float_digits=3)]
        parts += ["## Provenance", "", *(f"- {k}: `{v}`" for k, v in prov.items())]
        write_text(path, "\n".join(parts) + "\n", force=force, inputs=guard)
    else:
        book = analysis_book(kind, flat, prov, analysis_context(inputs.get("criteria"), data))
        write_workbook(path, book, force=force, inputs=guard)


def analysis_context(criteria_path: Path | None, data: Mapping[str, Any]) -> Context:
    """What an analysis workbook's headers depend on: the criteria file's labels and tiers, the analysis's K."""
    analysis = data.get("analysis")
    top_k = data.get("top_k", analysis.get("top_k") if isinstance(analysis, Mapping) else None)
    people = data.get("stakeholders")
    stakeholders = [str(name) for name in people] if isinstance(people, Mapping) else []
    if criteria_path is None or not criteria_path.is_file():
        return Context(labels={}, top_k=top_k, stakeholders=stakeholders)
    criteria = load_criteria(criteria_path)
    return Context(
        labels={cid: c.label for cid, c in criteria.criteria.items()},
        tiers=[t.name for t in criteria.tiers],
        top_k=top_k,
        arithmetic=criteria.aggregation.value == "arithmetic",
        stakeholders=stakeholders,
    )


def fitted_criteria_text(
    criteria_path: Path,
    weights: Mapping[str, float],
    *,
    decisions_path: Path,
    spreadsheet_path: Path,
    summary: str,
    command: str | None = None,
) -> str:
    """The criteria file's text with the fitted weights, headed by a comment saying where they came from.

    Only the weight values change (comments and layout are kept, see
    :func:`scorer.io.results.criteria_source`). The header names the
    decisions file, the spreadsheet and the original criteria file with their
    SHA-256, and no date, so the same inputs give the same bytes. The text is
    checked to load as a criteria file.
    """
    source = criteria_source(criteria_path)
    body = source.with_weights(dict(weights))
    before = parse_criteria_text(source.text, file=str(criteria_path))
    was = ", ".join(f"{cid} {c.weight:g}" for cid, c in before.criteria.items())
    header = [
        "# Weights fitted by `unct-scorer fit` to the decisions in",
        f"#   {decisions_path.name} (SHA-256 {sha256_of(decisions_path)})",
        f"# scored on {spreadsheet_path.name} (SHA-256 {sha256_of(spreadsheet_path)}).",
        f"# {summary}",
        f"# Original criteria: {criteria_path.name} (SHA-256 {sha256_of(criteria_path)}); its weights: {was}.",
        "# Only the weight values differ from it.",
    ]
    line = command if command is not None else current_command()
    if line is not None:
        header.append(f"# Command: {line}")
    first, sep, rest = body.partition("\n")
    if first.startswith(MODELINE):
        text = first + sep + "\n".join(header) + "\n" + rest
    else:
        text = "\n".join(header) + "\n" + body
    parse_criteria_text(text, file=str(criteria_path))
    return text
