"""Charts for committee papers: PNG and SVG, headless, reproducible.

Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot,
no display, no global backend switch), coloured with the Okabe-Ito palette
(safe for the common colour-vision deficiencies), and saved with fixed SVG ids
and no timestamp, so the same result gives the same bytes. SVG text stays
text (searchable, selectable); country names are never read as ``$...$`` maths.

This is an edge module: :func:`write_plots` writes files into a folder, each
atomically and never over an existing file without ``force``.

Needs the ``plots`` extra (``pip install 'unct-scorer[plots]'``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from scorer.core.result import ScoreResult
from scorer.errors import OutputError, Problem
from scorer.io.outputs import make_dir, write_atomic
from scorer.model.criteria import Aggregation

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from scorer.report import Sensitivity

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito (2008), ordered so that the first colours are the most distinct."""

_LINE_COLOURS = tuple(c for c in OKABE_ITO if c != "#F0E442")
"""For thin lines: the yellow is too pale on white."""

FORMATS = ("png", "svg")
_STYLE: dict[str, Any] = {
    "svg.hashsalt": "unct-scorer",
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise OutputError(
            Problem(
                "output.plots",
                "charts need matplotlib, but it is not installed",
                fix="pip install 'unct-scorer[plots]'",
            )
        ) from None
    return matplotlib


def _figure(width: float, height: float) -> Figure:
    _matplotlib()
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=150, layout="constrained")


def _stamp(fig: Figure, result: ScoreResult) -> None:
    """Say on the chart itself when it comes from made-up columns (charts travel without their notes)."""
    if result.illustrative:
        columns = ", ".join(sorted(set(result.illustrative.values())))
        fig.supxlabel(
            f"ILLUSTRATIVE DATA: uses made-up columns ({columns}); not a real assessment",
            color=OKABE_ITO[5],
            fontsize=7.5,
            fontweight="bold",
        )


def contribution_figure(result: ScoreResult, *, top_k: int = 15) -> Figure:
    """Horizontal stacked bars of each criterion's contribution for the first ``top_k`` countries.

    For geometric aggregation (contributions do not add up) the bars show the
    criterion scores side by side instead.

    >>> from scorer import demo_result
    >>> fig = contribution_figure(demo_result(), top_k=5)
    >>> fig.axes[0].get_xlabel()
    'Contribution to the score'
    """
    crit_ids = list(result.criteria.criteria)
    labels = [result.criteria.criteria[c].label for c in crit_ids]
    top = result.table.head(top_k)
    names = [f"{n} ({int(r)})" for n, r in zip(top["name"], top["rank"], strict=True)]
    with _style():
        fig = _figure(8.0, 1.2 + 0.32 * len(top))
        ax = fig.add_subplot()
        y = np.arange(len(top))
        if result.criteria.aggregation is Aggregation.arithmetic:
            left = np.zeros(len(top))
            for i, (cid, label) in enumerate(zip(crit_ids, labels, strict=True)):
                values = top[cid].to_numpy(dtype=float)
                ax.barh(y, values, left=left, color=OKABE_ITO[i % 8], label=label, edgecolor="white", linewidth=0.5)
                left = left + np.clip(values, 0, None)
            for yi, score in zip(y, top["score"].to_numpy(dtype=float), strict=True):
                ax.text(float(score), float(yi), f" {score:.3f}", va="center", fontsize=8)
            ax.set_xlim(0, max(1e-9, float(np.nanmax(left))) * 1.12)
            ax.set_xlabel("Contribution to the score")
            ax.set_title(f"Top {len(top)}: what each criterion contributes to the score")
        else:
            height = 0.8 / len(crit_ids)
            for i, (cid, label) in enumerate(zip(crit_ids, labels, strict=True)):
                values = top[cid].to_numpy(dtype=float)
                ax.barh(y - 0.4 + height * (i + 0.5), values, height=height, color=OKABE_ITO[i % 8], label=label)
            ax.set_xlabel("Criterion score (0-1)")
            ax.set_title(f"Top {len(top)}: criterion scores (geometric mean)")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_ylabel("Country (rank)")
        columns = 1 if max(len(t) for t in labels) > 40 else len(labels)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncols=columns, fontsize=8, frameon=False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        _stamp(fig, result)
    return fig


def acceptability_figure(result: ScoreResult, sensitivity: Sensitivity, *, rows: int | None = None) -> Figure:
    """Heatmap of rank acceptability: a row per country (by rank), a column per rank."""
    n = len(result.table)
    rows = min(n, rows if rows is not None else max(2 * sensitivity.top_k, 20))
    cols = min(sensitivity.acceptability.shape[1], rows + 10)
    data = np.asarray(sensitivity.acceptability, dtype=float)[:rows, :cols]
    names = list(result.table["name"].head(rows))
    with _style():
        from matplotlib.colors import LinearSegmentedColormap

        cmap = LinearSegmentedColormap.from_list("okabe_blue", ["#ffffff", "#56B4E9", "#0072B2", "#002b45"])
        fig = _figure(min(14.0, 3.0 + 0.22 * cols), 1.4 + 0.22 * rows)
        ax = fig.add_subplot()
        image = ax.imshow(data, cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
        ax.set_yticks(np.arange(rows), names)
        ticks = [0, *range(4, cols, 5)]
        ax.set_xticks(ticks, [str(t + 1) for t in ticks])
        ax.axvline(sensitivity.top_k - 0.5, color=OKABE_ITO[5], linewidth=1.2, linestyle="--")
        ax.set_xlabel(f"Rank (1 = best; dashed line: top {sensitivity.top_k})")
        ax.set_ylabel("Country (by rank with the report's weights)")
        ax.set_title(f"Rank acceptability over {sensitivity.draws:,} weight draws (seed {sensitivity.seed})")
        bar = fig.colorbar(image, ax=ax, shrink=0.6)
        bar.set_label("Share of draws")
        _stamp(fig, result)
    return fig


def weight_sweep(result: ScoreResult, criterion: str, shares: Sequence[float]) -> pd.DataFrame:
    """Ranks of every country as one criterion's share of the weight goes through ``shares``.

    The other criteria keep their relative weights. Scores come from the
    result's criterion scores through the pipeline's own aggregation and
    ranking functions, so a share equal to the file's gives the file's ranks.
    Rows: countries (result order); columns: shares.

    >>> from scorer import demo_result
    >>> r = demo_result()
    >>> sweep = weight_sweep(r, "engagement", [float(r.weights["engagement"])])
    >>> bool((sweep.iloc[:, 0] == r.table["rank"]).all())
    True
    """
    from scorer.analyses.sweep import sweep_ranks

    crit_ids = list(result.criteria.criteria)
    if criterion not in crit_ids:
        raise OutputError(
            Problem("output.plots", f"should be a criterion id ({', '.join(crit_ids)}), but it is {criterion!r}")
        )
    ranks = sweep_ranks(result, criterion, [float(x) for x in shares])
    return pd.DataFrame({float(x): ranks[i] for i, x in enumerate(shares)}, index=result.table.index)


def line_styles(n: int) -> list[dict[str, Any]]:
    """Colour, dash pattern and marker of ``n`` lines, no two alike: colours cycle first, then dashes and markers.

    Seven line colours (Okabe-Ito without its pale yellow) with solid lines and
    round markers serve the first seven lines; each further seven change the
    dash pattern and the marker too, so the 15 lines of a top 15 are told apart
    without colour.

    >>> styles = line_styles(15)
    >>> len({(s["color"], s["linestyle"], s["marker"]) for s in styles}), styles[7]["marker"]
    (15, 's')
    """
    dashes = ("-", "--", ":", "-.")
    markers = ("o", "s", "^", "D", "v", "P", "X", "*")
    out = []
    for k in range(n):
        cycle = k // len(_LINE_COLOURS)
        out.append(
            {
                "color": _LINE_COLOURS[k % len(_LINE_COLOURS)],
                "linestyle": dashes[cycle % len(dashes)],
                "marker": markers[cycle % len(markers)],
            }
        )
    return out


def spread_labels(ends: Sequence[float], *, gap: float, low: float, high: float) -> list[float]:
    """Label heights near ``ends`` (data units, rank axis) at least ``gap`` apart, within [low, high], order kept.

    >>> spread_labels([1, 1, 1, 5], gap=1.0, low=0.5, high=10.5)
    [1.0, 2.0, 3.0, 5.0]
    >>> spread_labels([1, 40, 40, 40], gap=1.0, low=0.5, high=10.5)
    [1.0, 8.5, 9.5, 10.5]
    """
    order = sorted(range(len(ends)), key=lambda i: (ends[i], i))
    placed: dict[int, float] = {}
    last = low - gap
    for i in order:  # downwards: each label at its line's end, or just below the one above
        last = placed[i] = max(min(float(ends[i]), high), last + gap)
    last = high + gap
    for i in reversed(order):  # upwards: labels pushed past the axis end move back up, the others stay
        last = placed[i] = min(placed[i], last - gap)
    return [round(placed[i], 10) for i in range(len(ends))]


def weight_sweep_figure(
    result: ScoreResult, *, top_k: int = 15, steps: int = 21, criteria: Sequence[str] | None = None
) -> Figure:
    """One panel per criterion: ranks of the top ``top_k`` countries as that criterion's share goes 0 to 1.

    ``criteria`` limits the panels to those criterion ids (default: all).
    Lines differ in colour, dash pattern and marker (:func:`line_styles`);
    with more than eight lines each also carries its country's name at its
    right end, so no line has to be matched to the legend by colour.
    """
    crit_ids = list(criteria) if criteria is not None else list(result.criteria.criteria)
    shares = np.linspace(0.0, 1.0, steps)
    top = result.table.head(top_k)
    styles = line_styles(len(top))
    bottom = max(2 * top_k, 10) + 0.5
    every = max(1, (steps - 1) // 4)
    direct = len(top) > 8
    with _style():
        fig = _figure(max((4.0 + 1.2 * direct) * len(crit_ids) + 1.5, 8.5), 5.0 + 0.08 * max(0, len(top) - 15))
        axes = fig.subplots(1, len(crit_ids), sharey=True, squeeze=False)[0]
        for ax, cid in zip(axes, crit_ids, strict=True):
            sweep = weight_sweep(result, cid, list(shares))
            for k, ident in enumerate(top.index):
                ax.plot(
                    shares,
                    sweep.loc[ident].to_numpy(),
                    linewidth=1.3,
                    markersize=4,
                    markevery=(k % every, every),
                    label=str(top.at[ident, "name"]),
                    **styles[k],
                )
            if direct:
                _end_labels(ax, [float(v) for v in sweep.loc[top.index].iloc[:, -1]], top, styles, bottom)
            file_share = float(result.weights[cid])
            ax.axvline(file_share, color="#888888", linewidth=0.8, linestyle=":")
            ax.set_title(textwrap.fill(result.criteria.criteria[cid].label, 36), fontsize=9)
            ax.set_xlabel("Share of the weight (dotted: criteria file)")
            ax.set_xlim(0, 1)
            ax.grid(color="#eeeeee", linewidth=0.6)
        axes[0].set_ylabel("Rank (1 = best)")
        axes[0].set_ylim(bottom, 0.5)
        handles, labels = axes[-1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside right center", fontsize=7, frameon=False)  # room made by the layout
        fig.suptitle(f"How the top {len(top)} move when one criterion's weight changes")
        _stamp(fig, result)
    return fig


def _end_labels(ax: Any, ends: list[float], top: pd.DataFrame, styles: list[dict[str, Any]], bottom: float) -> None:
    """Each line's country name just right of its end (spread so that none overlaps, in the line's colour)."""
    heights = spread_labels(ends, gap=max(0.9, (bottom - 0.5) / 32), low=0.5, high=bottom)
    for k, (name, y) in enumerate(zip(top["name"], heights, strict=True)):
        short = str(name) if len(str(name)) <= 16 else str(name)[:15] + "\N{HORIZONTAL ELLIPSIS}"
        if ends[k] > bottom:  # the line leaves the chart: say where it ends
            short += f" ({ends[k]:.0f})"
        ax.annotate(
            short,
            xy=(1.0, min(ends[k], bottom)),
            xytext=(1.03, y),
            textcoords="data",
            fontsize=6.5,
            color=styles[k]["color"],
            va="center",
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": styles[k]["color"], "linewidth": 0.4, "shrinkA": 0, "shrinkB": 0},
        )


def save_figure(fig: Figure, directory: Path, stem: str, *, force: bool) -> list[Path]:
    """Save ``fig`` as ``stem.png`` and ``stem.svg`` in ``directory`` (atomic; reproducible bytes)."""
    paths = []
    for fmt in FORMATS:
        path = directory / f"{stem}.{fmt}"
        metadata = figure_metadata(fmt)

        def writer(tmp: Path, fmt: str = fmt, metadata: dict[str, Any] = metadata) -> None:
            with _style():
                fig.savefig(tmp, format=fmt, metadata=metadata, dpi=150)

        write_atomic(path, writer, force=force)
        paths.append(path)
    return paths


def figure_metadata(fmt: str) -> dict[str, Any]:
    """A chart file's metadata: no date (same bytes every run), the tool, and the command that rewrites it.

    >>> figure_metadata("svg")
    {'Date': None, 'Creator': 'unct-scorer'}
    """
    from scorer.io.results import current_command

    metadata: dict[str, Any] = {"Date": None, "Creator": "unct-scorer"} if fmt == "svg" else {"Software": "unct-scorer"}
    command = current_command()
    if command is not None:
        metadata["Description"] = f"Command: {command}"
    return metadata


def save_figure_as(fig: Figure, path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Save ``fig`` to one file, PNG or SVG by its extension (atomic; reproducible bytes)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OutputError(
            Problem(
                "output.format",
                f"should end in .png or .svg, but it ends in {path.suffix or 'nothing'!r}",
                file=str(path),
            )
        )
    metadata = figure_metadata(fmt)

    def writer(tmp: Path) -> None:
        with _style():
            fig.savefig(tmp, format=fmt, metadata=metadata, dpi=150)

    write_atomic(path, writer, force=force, inputs=inputs)


def write_plots(
    result: ScoreResult,
    directory: Path,
    *,
    top_k: int = 15,
    sensitivity: Sensitivity | None = None,
    force: bool = False,
) -> list[Path]:
    """Write every chart into ``directory`` (created if its parent exists); return the paths written.

    contributions.png/.svg, weight_sweep.png/.svg and, with ``sensitivity``,
    rank_acceptability.png/.svg.
    """
    check_plots(directory, sensitivity=sensitivity is not None, force=force)
    if not directory.exists():
        make_dir(directory)  # removed again if the command fails
    figures: list[tuple[str, Figure]] = [
        ("contributions", contribution_figure(result, top_k=top_k)),
        ("weight_sweep", weight_sweep_figure(result, top_k=top_k)),
    ]
    if sensitivity is not None:
        figures.append(("rank_acceptability", acceptability_figure(result, sensitivity)))
    paths: list[Path] = []
    for stem, fig in figures:
        paths += save_figure(fig, directory, stem, force=force)
    return paths


def check_plots(directory: Path, *, sensitivity: bool, force: bool) -> None:
    """Refuse, before anything is written, a charts folder :func:`write_plots` could not fill."""
    if directory.exists() and not directory.is_dir():
        raise OutputError(
            Problem("output.folder", "should be a folder for the charts, but it is a file", file=str(directory))
        )
    if not directory.exists():
        if not directory.parent.exists():
            raise OutputError(
                Problem("output.folder", f"the folder {str(directory.parent)!r} does not exist", file=str(directory))
            )
        return
    stems = ["contributions", "weight_sweep", *(["rank_acceptability"] if sensitivity else [])]
    for stem in stems:
        for fmt in FORMATS:
            target = directory / f"{stem}.{fmt}"
            if target.exists() and not force:
                raise OutputError(
                    Problem("output.exists", "already exists; use --force to replace it", file=str(target))
                )


def _style() -> Any:
    return _matplotlib().rc_context(_STYLE)
