"""One format for people: score decimals that separate neighbours at the cut, tie markers, yes/no, plain numbers."""

from __future__ import annotations

import numpy as np
import pytest

from scorer.render.formatting import (
    LOOKS_TIED,
    TIE,
    format_score,
    level_text,
    plain_number,
    score_decimals,
    score_texts,
    tie_marks,
    yes_no,
)


def test_the_issue_example_reads_apart_at_the_cut() -> None:
    # issue 14: 0.4419 and 0.4416 both read 0.442 across the cut at three decimals
    scores = [0.61, 0.5, 0.4419, 0.4416, 0.3]
    d = score_decimals(scores, cut=3)
    assert d == 4
    assert format_score(0.4419, d) == "0.4419" and format_score(0.4416, d) == "0.4416"


def test_far_from_the_cut_only_cheap_separation() -> None:
    # rows 0-1 differ in the 7th decimal, far from the cut at 5 (rows 3-6 are around it)
    scores = [0.9, 0.8999999, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]
    assert score_decimals(scores, cut=5) == 3
    assert score_decimals(scores, cut=1) == 7
    assert score_decimals(scores) == 7


def test_decimals_are_capped_and_the_hidden_difference_marked() -> None:
    scores = [0.5, 0.5 - 1e-10, 0.2]
    d = score_decimals(scores, cut=1)
    assert d == 8
    assert tie_marks(scores, d) == [LOOKS_TIED, LOOKS_TIED, ""]


def test_true_ties_need_no_decimals_and_are_marked() -> None:
    scores = [0.75, 0.5, 0.5, 0.25]
    assert score_decimals(scores, cut=2) == 3
    assert tie_marks(scores, 3) == ["", TIE, TIE, ""]
    # equal to the ranking's 12 decimals counts as a tie, as the ranks do
    assert tie_marks([0.5, 0.5 + 1e-14], 8) == [TIE, TIE]


def test_score_texts_line_up() -> None:
    texts = score_texts(np.array([0.9, 0.5, 0.5, np.nan]), cut=1)
    assert texts == ["0.900 ", "0.500=", "0.500=", " "]
    assert score_texts([0.9, 0.5]) == ["0.900", "0.500"]


def test_format_score_blank_and_no_negative_zero() -> None:
    assert format_score(float("nan"), 4) == ""
    assert format_score(-1e-9, 3) == "0.000"
    assert format_score(np.float64(0.12345), 4) == "0.1235"


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "yes"), (False, "no"), (np.bool_(True), "yes"), (1, "yes"), (0.0, "no"), (None, ""), ("TRUE", "yes")],
)
def test_yes_no(value: object, text: str) -> None:
    assert yes_no(value) == text


def test_level_text() -> None:
    assert level_text("medium", 0.5) == "medium (0.5)"
    assert level_text(None, 2.0) == "2"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (20642800.0, "20642800"),
        (20642835.0, "20642835"),
        (1e400, "infinity"),
        (1.5e-6, "0.0000015"),
        (0.1 + 0.2, "0.3"),
        (np.float64(12.5), "12.5"),
        (-0.0, "0"),
        (123456789012345.0, "123456789012345"),
        (1.23456789012345, "1.23456789"),
    ],
)
def test_plain_number_never_scientific(value: float, text: str) -> None:
    assert plain_number(value) == text
    assert "e" not in plain_number(value).replace("infinity", "")
