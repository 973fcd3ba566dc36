"""Writing a ScoreResult to .csv, .xlsx, .json or .md, with its provenance."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

from scorer import __version__
from scorer.export import contributions_frame, criteria_frame, quality_frame, ranking_frame
from scorer.io.outputs import (
    frame_to_csv,
    frame_to_markdown,
    to_json,
    write_text,
    write_workbook,
)
from scorer.result import ScoreResult


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance(inputs: dict[str, Path], *, argv: list[str] | None = None) -> dict[str, str]:
    """Tool version, input files and their SHA-256, the command line (no clock: outputs stay reproducible)."""
    out = {"tool": f"unct-scorer {__version__}"}
    for role, path in inputs.items():
        out[f"{role}_file"] = path.name
        out[f"{role}_sha256"] = sha256_of(path)
    args = argv if argv is not None else sys.argv[1:]
    out["command"] = "unct-scorer " + " ".join(args)
    return out


def write_result(
    result: ScoreResult,
    path: Path,
    *,
    force: bool,
    inputs: dict[str, Path],
    argv: list[str] | None = None,
) -> None:
    """Write the ranking in the format the extension names."""
    suffix = path.suffix.lower()
    guard = tuple(inputs.values())
    prov = provenance(inputs, argv=argv)
    ranking = ranking_frame(result)
    if suffix == ".csv":
        write_text(path, frame_to_csv(ranking), force=force, inputs=guard)
    elif suffix == ".json":
        data = {"provenance": prov, **result.to_dict()}
        write_text(path, to_json(data), force=force, inputs=guard)
    elif suffix == ".md":
        write_text(path, markdown_summary(result, prov), force=force, inputs=guard)
    else:
        sheets = {
            "Ranking": ranking,
            "Contributions": contributions_frame(result),
            "Data quality": quality_frame(result),
            "Criteria": criteria_frame(result),
            "Provenance": pd.DataFrame(
                [*({"key": k, "value": v} for k, v in prov.items()),
                 *({"key": "note", "value": n} for n in result.notes)]
            ),
        }
        write_workbook(path, sheets, force=force, inputs=guard)


def markdown_summary(result: ScoreResult, prov: dict[str, str]) -> str:
    """A Markdown summary for pasting into a committee document."""
    lines = [f"# UNCT ranking: {result.criteria.name}", ""]
    for n in result.notes:
        lines += [f"> **{n}**", ""]
    weights = ", ".join(
        f"{c.label} ({c.cites}) {result.weights[cid]:.0%}" for cid, c in result.criteria.criteria.items()
    )
    lines += [f"Criteria weights: {weights}.", ""]
    counts = result.table["tier"].value_counts()
    tiers = ", ".join(f"{t.name}: {int(counts.get(t.name, 0))}" for t in result.criteria.tiers)
    lines += [f"{len(result.table)} countries ranked ({tiers}); {len(result.exclusions)} excluded.", ""]
    lines += [frame_to_markdown(ranking_frame(result)), "## Provenance", ""]
    lines += [f"- {k}: `{v}`" for k, v in prov.items()]
    return "\n".join(lines) + "\n"
