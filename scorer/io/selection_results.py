"""Writing a selection to .csv, .xlsx, .json or .md, with its provenance (like ``rank -o``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from scorer.io.outputs import frame_to_markdown, to_json, write_text, write_workbook
from scorer.io.results import provenance, write_csv
from scorer.io.tuning_results import analysis_context
from scorer.io.workbook import analysis_book


def write_selection(
    path: Path,
    *,
    table: pd.DataFrame,
    data: dict[str, Any],
    summary: list[str],
    robust: pd.DataFrame | None,
    force: bool,
    inputs: dict[str, Path],
    argv: list[str] | None = None,
    command: str | None = None,
) -> None:
    """Write the chosen set in the format the extension names.

    ``.csv``: the chosen set; ``.json``: ``data`` plus provenance; ``.md``:
    summary sentences and tables; ``.xlsx``: sheets Selection, Summary (the
    notes, constraints and summary sentences, one per row, as the report's
    Selection summary), Binding, Robustness (with ``--robust``), the Data
    dictionary and Provenance.
    """
    suffix = path.suffix.lower()
    guard = tuple(inputs.values())
    prov = provenance(inputs, argv=argv, command=command)
    if suffix == ".csv":
        write_csv(path, table, prov, force=force, guard=guard)
    elif suffix == ".json":
        write_text(path, to_json({"provenance": prov, **data}), force=force, inputs=guard)
    elif suffix == ".md":
        lines = [f"# UNCT selection: {data['criteria']}", ""]
        for text in data.get("notes", []):
            lines += [f"> **{text}**", ""]
        if data["constraints"]:
            lines += ["Constraints: " + "; ".join(data["constraints"]) + ".", ""]
        lines += [f"- {s}" for s in summary] + ["", frame_to_markdown(table)]
        if robust is not None:
            lines += ["## Robustness: share of plausible weightings selecting each country", ""]
            lines += [frame_to_markdown(robust)]
        lines += ["## Provenance", ""] + [f"- {k}: `{v}`" for k, v in prov.items()]
        write_text(path, "\n".join(lines) + "\n", force=force, inputs=guard)
    else:
        rows = [("note", n) for n in data.get("notes", [])] + [("constraint", c) for c in data["constraints"]]
        sheets = {
            "Selection": table,
            "Summary": pd.DataFrame([*rows, *(("summary", s) for s in summary)], columns=["item", "text"]),
            "Binding": pd.DataFrame(data["binding"], columns=["constraint", "bound", "actual", "label"]),
        }
        if robust is not None:
            sheets["Robustness"] = robust
        context = analysis_context(inputs.get("criteria"), {})
        write_workbook(path, analysis_book("select", sheets, prov, context), force=force, inputs=guard)
