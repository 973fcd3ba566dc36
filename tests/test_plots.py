"""Charts: headless, readable (titles, labels, country names), Okabe-Ito colours, reproducible bytes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_hex

from scorer import demo_result, load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.errors import OutputError
from scorer.model.criteria import Aggregation
from scorer.render.plots import (
    OKABE_ITO,
    acceptability_figure,
    contribution_figure,
    weight_sweep,
    weight_sweep_figure,
    write_plots,
)
from scorer.report import run_sensitivity
from tests.test_report import HOSTILE_NAME, hostile_inputs

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return demo_result()


@pytest.fixture(scope="module")
def sensitivity(result):  # type: ignore[no-untyped-def]
    return run_sensitivity(result, draws=300, seed=2, top_k=15)


def test_contribution_bars_are_labelled_and_okabe_ito(result) -> None:  # type: ignore[no-untyped-def]
    fig = contribution_figure(result, top_k=10)
    ax = fig.axes[0]
    assert ax.get_title() == "Top 10: what each criterion contributes to the score"
    assert ax.get_xlabel() == "Contribution to the score" and ax.get_ylabel() == "Country (rank)"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        f"{n} ({r})" for n, r in zip(result.table["name"].head(10), result.table["rank"].head(10), strict=True)
    ]
    colours = {to_hex(p.get_facecolor()).upper() for p in ax.patches}
    assert colours == {c.upper() for c in OKABE_ITO[:3]}
    widths = np.array([p.get_width() for p in ax.patches]).reshape(3, 10).sum(axis=0)
    assert np.allclose(widths, result.table["score"].head(10))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [c.label for c in result.criteria.criteria.values()]
    assert "ILLUSTRATIVE DATA" in fig.get_supxlabel()


def test_acceptability_heatmap_shows_the_shares(result, sensitivity) -> None:  # type: ignore[no-untyped-def]
    fig = acceptability_figure(result, sensitivity, rows=12)
    ax = fig.axes[0]
    image = ax.get_images()[0]
    assert np.array_equal(np.asarray(image.get_array()), sensitivity.acceptability[:12, :22])
    assert ax.get_title() == "Rank acceptability over 300 weight draws (seed 2)"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(result.table["name"].head(12))
    assert fig.axes[1].get_ylabel() == "Share of draws"


def test_weight_sweep_at_the_file_share_gives_the_file_ranks(result) -> None:  # type: ignore[no-untyped-def]
    for cid in result.criteria.criteria:
        share = float(result.weights[cid])
        sweep = weight_sweep(result, cid, [0.0, share, 1.0])
        assert (sweep[share] == result.table["rank"]).all()
    only = weight_sweep(result, "representation", [1.0])[1.0]
    hosts = result.criterion_scores["representation"] == 1.0
    assert (only[hosts.reindex(only.index)] == 1).all()
    fig = weight_sweep_figure(result, top_k=5, steps=5)
    assert [ax.get_xlabel() for ax in fig.axes] == ["Share of the weight (dotted: criteria file)"] * 3
    assert fig.axes[0].get_ylabel() == "Rank (1 = best)"


def test_write_plots_writes_png_and_reproducible_svg(result, sensitivity, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = write_plots(result, tmp_path / "a", top_k=6, sensitivity=sensitivity)
    second = write_plots(result, tmp_path / "b", top_k=6, sensitivity=sensitivity)
    names = sorted(p.name for p in first)
    assert names == sorted(
        f"{s}.{f}" for s in ("contributions", "weight_sweep", "rank_acceptability") for f in ("png", "svg")
    )
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        if a.suffix == ".png":
            assert a.read_bytes().startswith(PNG_MAGIC)
        else:
            svg = a.read_text(encoding="utf-8")
            assert svg.lstrip().startswith("<?xml") and "<dc:date>" not in svg
    svg = (tmp_path / "a" / "contributions.svg").read_text(encoding="utf-8")
    first = result.table["name"].iloc[0]
    assert f"{first} (1)" in svg and "Top 6: what each criterion contributes to the score" in svg


def test_write_plots_never_replaces_a_chart_without_force(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "charts"
    write_plots(result, folder, top_k=5)
    before = (folder / "contributions.png").read_bytes()
    with pytest.raises(OutputError, match="already exists; use --force to replace it"):
        write_plots(result, folder, top_k=6)
    assert (folder / "contributions.png").read_bytes() == before
    write_plots(result, folder, top_k=6, force=True)
    assert (folder / "contributions.png").read_bytes() != before
    with pytest.raises(OutputError, match="does not exist"):
        write_plots(result, tmp_path / "missing" / "charts")


def test_hostile_and_dollar_names_are_plain_text(tmp_path: Path) -> None:
    sheet, crit = hostile_inputs(tmp_path)
    text = sheet.read_text(encoding="utf-8").replace("BBB,", "BBB,Price $x^2$ ", 1)
    sheet.write_text(text, encoding="utf-8")
    result = score_countries(read_countries(sheet), load_criteria(crit))
    paths = write_plots(result, tmp_path / "charts", top_k=3)
    svg = (tmp_path / "charts" / "contributions.svg").read_text(encoding="utf-8")
    assert HOSTILE_NAME not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "$x^2$" in svg
    assert not re.search(r"<script", svg)
    assert len(paths) == 4


def test_geometric_bars_show_criterion_scores(result) -> None:  # type: ignore[no-untyped-def]
    df = read_countries(result.source)
    geometric = score_countries(df, result.criteria.model_copy(update={"aggregation": Aggregation.geometric}))
    fig = contribution_figure(geometric, top_k=4)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Criterion score (0-1)"
    assert len(ax.patches) == 3 * 4


def test_report_plots_option_writes_the_charts(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = runner.invoke(
        main,
        ["report", "-o", str(tmp_path / "r.html"), "--sensitivity", "--draws", "200", "--plots", str(tmp_path / "c")],
        catch_exceptions=False,
    )
    assert res.exit_code == 0, res.stderr
    assert "Wrote 6 charts into" in res.stderr
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "contributions.png",
        "contributions.svg",
        "rank_acceptability.png",
        "rank_acceptability.svg",
        "weight_sweep.png",
        "weight_sweep.svg",
    ]
