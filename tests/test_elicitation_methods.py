"""Swing, direct points, rank-order weights and objective weights: formulas checked on hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from scorer.elicitation.direct import points_weights, swing_weights
from scorer.elicitation.objective import objective_weights
from scorer.elicitation.rank_order import position_weights, rank_weights
from scorer.errors import ConfigError


def test_roc_formula_by_hand() -> None:
    # n = 4: w_r = (1/4) sum_{k=r}^4 1/k
    # w1 = (1 + 1/2 + 1/3 + 1/4)/4 = (25/12)/4 = 25/48 = 0.520833
    # w2 = (1/2 + 1/3 + 1/4)/4 = (13/12)/4 = 13/48 = 0.270833
    # w3 = (1/3 + 1/4)/4 = (7/12)/4 = 7/48 = 0.145833
    # w4 = (1/4)/4 = 3/48 = 0.0625
    assert position_weights(4).tolist() == pytest.approx([25 / 48, 13 / 48, 7 / 48, 3 / 48])


def test_rank_sum_and_reciprocal_by_hand() -> None:
    # rank sum, n = 4: 2(n + 1 - r)/(n(n + 1)) = (8, 6, 4, 2)/20
    assert position_weights(4, "rank-sum").tolist() == pytest.approx([0.4, 0.3, 0.2, 0.1])
    # rank reciprocal, n = 4: (1, 1/2, 1/3, 1/4) / (25/12) = (12, 6, 4, 3)/25
    assert position_weights(4, "rank-reciprocal").tolist() == pytest.approx([12 / 25, 6 / 25, 4 / 25, 3 / 25])


def test_roc_is_the_centroid_of_the_ordered_simplex() -> None:
    # the centroid of {w1 >= w2 >= w3 >= 0, sum 1} is the mean of its vertices (1,0,0), (1/2,1/2,0), (1/3,1/3,1/3)
    vertices = np.array([[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]])
    assert position_weights(3).tolist() == pytest.approx(vertices.mean(axis=0).tolist())


def test_ranks_give_order_and_ties_share_weights() -> None:
    r = rank_weights(["a", "b", "c", "d"], {"a": 2, "b": 1, "c": 2, "d": 4})
    w = position_weights(4)
    assert r.as_dict() == pytest.approx({"b": w[0], "a": (w[1] + w[2]) / 2, "c": (w[1] + w[2]) / 2, "d": w[3]})
    assert r.order == ("b", "a", "c", "d")


def test_rank_problems_are_located() -> None:
    with pytest.raises(ConfigError) as err:
        rank_weights(["a", "b"], {"a": 1.5, "b": 3})
    assert [p.format() for p in err.value.problems] == [
        "rank.a: should be a whole number from 1 to 2, but it is 1.5",
        "rank.b: should be a whole number from 1 to 2, but it is 3",
    ]


def test_swing_and_points() -> None:
    assert swing_weights("abc", {"a": 100, "b": 60, "c": 40}).as_dict() == pytest.approx({"a": 0.5, "b": 0.3, "c": 0.2})
    r = swing_weights("ab", {"a": 80, "b": 20})
    assert r.weights.tolist() == pytest.approx([0.8, 0.2]) and "not 100" in r.description
    assert points_weights("ab", {"a": 10, "b": 30}).as_dict() == {"a": 0.25, "b": 0.75}
    with pytest.raises(ConfigError, match=r"swing.b: should be >= 0 and <= 100, but it is 120"):
        swing_weights("ab", {"a": 100, "b": 120})
    with pytest.raises(ConfigError, match="should give some criterion more than 0 points"):
        points_weights("ab", {"a": 0, "b": 0})


def test_entropy_by_hand() -> None:
    # x = [[1, 2], [1, 1], [1, 1]] (3 countries). Column a is constant: p = 1/3 each, E = 1, d = 0.
    # Column b: p = (1/2, 1/4, 1/4); -sum p ln p = 0.5 ln 2 + 0.5 ln 4 = 1.5 ln 2 = 1.039721;
    # E = 1.039721 / ln 3 = 0.946395; d = 0.053605. Weights: a 0, b 1.
    r = objective_weights(["a", "b"], [[1, 2], [1, 1], [1, 1]], "entropy")
    assert r.as_dict() == pytest.approx({"a": 0.0, "b": 1.0})
    # x = [[1, 2], [0, 1], [1, 1]]: a: p = (1/2, 0, 1/2), E = ln 2 / ln 3 = 0.630930, d = 0.369070;
    # b as above d = 0.053605; w_a = 0.369070 / 0.422675 = 0.873177, w_b = 0.126823.
    r = objective_weights(["a", "b"], [[1, 2], [0, 1], [1, 1]], "entropy")
    assert r.weights.tolist() == pytest.approx([0.873177, 0.126823], abs=1e-6)
    assert r.describes_data and "not what matters to anyone" in r.description


def test_critic_by_hand() -> None:
    # x = [[0, 0, 1], [1, 1, 0], [2, 0, 1]] (3 countries, 3 criteria); min-max scaled:
    # a = (0, .5, 1), b = (0, 1, 0), c = (1, 0, 1).
    # sigma (ddof 0): a = sqrt(1/6) = 0.408248, b = c = sqrt(2/9) = 0.471405.
    # correlations: r_ab = 0 (cov = 0), r_ac = 0, r_bc = -1.
    # C_a = 0.408248 * (0 + 1 + 1) = 0.816497; C_b = 0.471405 * (1 + 0 + 2) = 1.414214; C_c = the same.
    # sum 3.644924; w = (0.224009, 0.387995, 0.387995).
    r = objective_weights(["a", "b", "c"], [[0, 0, 1], [1, 1, 0], [2, 0, 1]], "critic")
    assert r.weights.tolist() == pytest.approx([0.224009, 0.387995, 0.387995], abs=1e-6)


def test_stdev_and_blank_rows() -> None:
    # rows with a blank are left out: [[0, 0], [1, 0.5]] remain; sigma = (0.5, 0.25) -> (2/3, 1/3)
    r = objective_weights(["a", "b"], [[0, 0], [1, 0.5], [np.nan, 3]], "stdev")
    assert r.weights.tolist() == pytest.approx([2 / 3, 1 / 3])
    assert r.details["left_out"] == 1 and "1 with a blank criterion left out" in r.description


def test_constant_data_has_no_objective_weights() -> None:
    with pytest.raises(ConfigError, match="every criterion is constant"):
        objective_weights(["a", "b"], [[1, 1], [1, 1]], "critic")
