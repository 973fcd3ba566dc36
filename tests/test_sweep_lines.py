"""The sweep chart tells its lines apart without colour: dash patterns, markers and the names at the ends."""

from __future__ import annotations

import itertools

import pytest

from scorer import demo_result
from scorer.render.plots import line_styles, spread_labels, weight_sweep, weight_sweep_figure


@pytest.fixture(scope="module")
def figure():  # type: ignore[no-untyped-def]
    return weight_sweep_figure(demo_result(), top_k=15, steps=11)


def test_fifteen_lines_are_fifteen_different_styles(figure) -> None:  # type: ignore[no-untyped-def]
    for ax in figure.axes:
        lines = [line for line in ax.get_lines() if line.get_label() and not line.get_label().startswith("_")]
        assert len(lines) == 15
        looks = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in lines}
        assert len(looks) == 15
        assert len({line.get_color() for line in lines}) == 7  # Okabe-Ito without the pale yellow
        assert {line.get_marker() for line in lines} == {"o", "s", "^"}
    assert len({(s["color"], s["linestyle"], s["marker"]) for s in line_styles(56)}) == 56


def test_each_line_is_named_at_its_end(figure) -> None:  # type: ignore[no-untyped-def]
    result = demo_result()
    names = list(result.table["name"].head(15))
    for ax, cid in zip(figure.axes, result.criteria.criteria, strict=True):
        labels = [t.get_text() for t in ax.texts]
        ends = weight_sweep(result, cid, [1.0])[1.0].head(15)
        for name, end in zip(names, ends, strict=True):
            short = name if len(name) <= 16 else name[:15] + "\N{HORIZONTAL ELLIPSIS}"
            assert (short if end <= 30.5 else f"{short} ({end:.0f})") in labels
        heights = sorted(t.xyann[1] for t in ax.texts)
        assert all(b - a >= 0.9 - 1e-9 for a, b in itertools.pairwise(heights))  # none overlaps
        assert heights[0] >= 0.5 and heights[-1] <= 30.5


def test_few_lines_keep_the_legend_only() -> None:
    fig = weight_sweep_figure(demo_result(), top_k=5, steps=5)
    assert all(not ax.texts for ax in fig.axes)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(demo_result().table["name"].head(5))


def test_labels_spread_within_the_axis() -> None:
    assert spread_labels([3, 3], gap=1.0, low=0.5, high=4.5) == [3.0, 4.0]
    assert spread_labels([4, 4, 4], gap=1.0, low=0.5, high=4.5) == [2.5, 3.5, 4.5]
