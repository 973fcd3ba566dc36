"""``unct-scorer compare``: several criteria profiles side by side on one sheet."""

from __future__ import annotations

import json
from pathlib import Path

import click

from scorer.analyses.comparison import compare_results
from scorer.cli.common import echo_frame, note, read_sheet
from scorer.cli.options import INPUT_PATH, example, format_option, sheet_options
from scorer.io.criteria_file import load_criteria
from scorer.pipeline import score_countries
from scorer.resources import demo_spreadsheet_path


@click.command("compare")
@click.argument("profiles", nargs=-1, required=True, type=INPUT_PATH)
@click.option(
    "-s",
    "--spreadsheet",
    type=INPUT_PATH,
    metavar="FILE",
    default=None,
    help="Country spreadsheet (default: the bundled demo).",
)
@sheet_options
@click.option("--top", "top_k", type=click.IntRange(min=1), default=15, show_default=True, help="K for top-K overlap.")
@format_option
@example(
    """
unct-scorer compare criteria/default.yaml criteria/cost_aware.yaml
unct-scorer compare hq.yaml regional.yaml -s countries.xlsx --top 20 --format json
"""
)
def command(profiles: tuple[Path, ...], spreadsheet: Path | None, sheet: str | None, top_k: int, fmt: str) -> None:
    """Compare two or more criteria PROFILES on the same spreadsheet.

    Shows Kendall's tau and Spearman's rho between each pair of rankings,
    the top-K overlap, the countries whose tier changes, and the largest
    rank shifts.
    """
    if len(profiles) < 2:
        raise click.UsageError("compare needs at least two criteria files")
    data_path = spreadsheet or demo_spreadsheet_path()
    profiles_read = {path: load_criteria(path) for path in profiles}
    df = read_sheet(data_path, sheet, next(iter(profiles_read.values())))
    results = {}
    for path, criteria in profiles_read.items():
        label = path.stem if path.stem not in results else str(path)
        results[label] = score_countries(df, criteria)
    comparison = compare_results(results, top_k=top_k)
    if fmt == "json":
        click.echo(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        echo_frame(comparison.ranks.reset_index(), "csv")
        return
    for text in dict.fromkeys(t for r in results.values() for t in r.notes):
        note(f"Note: {text}")
    click.echo(f"Agreement between profiles (top {top_k}):")
    echo_frame(comparison.pairs, "table")
    click.echo("")
    click.echo(f"Tier changes relative to {next(iter(results))}: {len(comparison.tier_changes)}")
    if len(comparison.tier_changes):
        echo_frame(comparison.tier_changes, "table")
    click.echo("")
    moved = comparison.ranks.reset_index().sort_values(["max_shift", "id"], ascending=[False, True], kind="stable")
    click.echo("Largest rank shifts:")
    echo_frame(moved.head(10), "table")
