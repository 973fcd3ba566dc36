"""AHP: Saaty's published examples, hand-worked small matrices, incomplete matrices, group aggregation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from scorer.elicitation.ahp import (
    RANDOM_INDEX,
    ahp_weights,
    build_matrix,
    consistency,
    geometric_mean_matrix,
    group_ahp,
    judgement_value,
    llsm_weights,
    principal_eigenvector,
)
from scorer.errors import ConfigError


def matrix(rows: list[str]) -> np.ndarray:
    return np.array([[float(Fraction(x)) for x in row.split()] for row in rows])


# Saaty, T. L. (1990). How to make a decision: The Analytic Hierarchy Process. European Journal of
# Operational Research 48(1), 9-26: the house-buying example, Table 2 ("pairwise comparison matrix for
# level 1"): criteria size of house, transportation, neighbourhood, age of house, yard space, modern
# facilities, general condition, financing. Published priority vector .173 .054 .188 .018 .031 .036 .167
# .333, lambda_max = 9.669, C.I. = 0.238, C.R. = 0.169.
HOUSE = matrix(
    [
        "1 5 3 7 6 6 1/3 1/4",
        "1/5 1 1/3 5 3 3 1/5 1/7",
        "1/3 3 1 6 3 4 6 1/5",
        "1/7 1/5 1/6 1 1/3 1/4 1/7 1/8",
        "1/6 1/3 1/3 3 1 1/2 1/5 1/6",
        "1/6 1/3 1/4 4 2 1 1/5 1/6",
        "3 5 1/6 7 5 5 1 1/2",
        "4 7 5 8 6 6 2 1",
    ]
)

# Saaty, T. L. (1980). The Analytic Hierarchy Process. McGraw-Hill, ch. 2, the "relative wealth of nations"
# example (from Saaty & Khouja 1976): US, USSR, China, France, UK, Japan, West Germany compared on wealth.
# Published eigenvector .427 .230 .021 .052 .052 .123 .094, lambda_max = 7.61, C.I. = 0.10, C.R. = 0.08
# (the page number was not checked; the matrix and figures are the widely reproduced ones).
WEALTH = matrix(
    [
        "1 4 9 6 6 5 5",
        "1/4 1 7 5 5 3 4",
        "1/9 1/7 1 1/5 1/5 1/7 1/5",
        "1/6 1/5 5 1 1 1/3 1/3",
        "1/6 1/5 5 1 1 1/3 1/3",
        "1/5 1/3 7 3 3 1 2",
        "1/5 1/4 5 3 3 1/2 1",
    ]
)


def test_saaty_house_buying_example_reproduces_table_2() -> None:
    ids = ["size", "transport", "neighbourhood", "age", "yard", "modern", "condition", "financing"]
    r = ahp_weights(ids, HOUSE)
    assert r.weights.round(3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(r.details["lambda_max"], 3) == 9.669
    assert round(r.details["consistency_index"], 3) == 0.238
    assert round(r.details["consistency_ratio"], 3) == 0.169
    assert r.details["acceptable"] is False
    # CR > 0.10, so the judgements furthest from the weights are named, worst first
    worst = r.details["most_inconsistent"]
    assert len(worst) == 3
    # neighbourhood vs general condition: given 6, the weights imply .188/.167 = 1.1, the largest ratio error
    assert (worst[0]["row"], worst[0]["column"], worst[0]["given"]) == ("neighbourhood", "condition", 6.0)
    assert worst[0]["suggested"] == "1"


def test_saaty_wealth_of_nations_example() -> None:
    r = ahp_weights(["US", "USSR", "China", "France", "UK", "Japan", "W Germany"], WEALTH)
    assert r.weights.round(3).tolist() == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
    assert round(r.details["lambda_max"], 2) == 7.61
    assert round(r.details["consistency_index"], 2) == 0.10
    assert round(r.details["consistency_ratio"], 2) == 0.08
    assert r.details["most_inconsistent"] == []  # acceptable: nothing to revise


def test_three_by_three_by_hand() -> None:
    # a = [[1, 2, 8], [1/2, 1, 2], [1/8, 1/2, 1]]. For n = 3 the principal eigenvector is the vector of row
    # geometric means: (16^(1/3), 1, (1/16)^(1/3)) = (2.519842, 1, 0.396850), sum 3.916692, so
    # w = (0.643360, 0.255317, 0.101323). lambda_max = 1 + x + 1/x with x = (a13 / (a12 a23))^(1/3) = 2^(1/3):
    # 1 + 1.259921 + 0.793701 = 3.053622; CI = 0.053622 / 2 = 0.026811; CR = 0.026811 / 0.58 = 0.046226.
    a = build_matrix("abc", {("a", "b"): 2, ("a", "c"): 8, ("b", "c"): 2})
    w, lam = principal_eigenvector(a)
    assert w.tolist() == pytest.approx([0.643360, 0.255317, 0.101323], abs=1e-6)
    assert lam == pytest.approx(3.053622, abs=1e-6)
    c = consistency(a, w, "abc")
    assert c.ci == pytest.approx(0.026811, abs=1e-6)
    assert c.cr == pytest.approx(0.046226, abs=1e-6)
    assert c.acceptable and c.worst == ()


def test_consistent_matrix_has_zero_ci_and_exact_ratios() -> None:
    truth = np.array([0.5, 0.3, 0.2])
    a = truth[:, None] / truth[None, :]
    r = ahp_weights("xyz", a)
    assert r.weights == pytest.approx(truth)
    assert r.details["consistency_index"] == pytest.approx(0.0, abs=1e-9)


def test_random_index_is_saatys_table() -> None:
    assert [RANDOM_INDEX[n] for n in range(1, 11)] == [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]


def test_two_criteria_have_no_consistency_ratio() -> None:
    r = ahp_weights("ab", build_matrix("ab", {("a", "b"): 3}))
    assert r.weights.tolist() == pytest.approx([0.75, 0.25])
    assert r.details["consistency_ratio"] is None and r.details["acceptable"] is True


def test_incomplete_matrix_uses_llsm_and_recovers_consistent_weights() -> None:
    # a chain a -> b -> c -> d of consistent judgements (2, 3, 4) fixes w up to scale: w = (24, 12, 4, 1) / 41
    pairs = {("a", "b"): 2, ("b", "c"): 3, ("c", "d"): 4}
    r = ahp_weights("abcd", build_matrix("abcd", pairs))
    assert r.weights.tolist() == pytest.approx([24 / 41, 12 / 41, 4 / 41, 1 / 41])
    assert r.details["pairs_judged"] == 3 and r.details["blank_pairs"] == 3
    assert "logarithmic least squares" in r.description


def test_llsm_of_complete_matrix_is_row_geometric_mean() -> None:
    gm = np.exp(np.log(HOUSE).mean(axis=1))
    assert llsm_weights(HOUSE) == pytest.approx(gm / gm.sum())


def test_disconnected_judgements_are_refused_naming_the_groups() -> None:
    with pytest.raises(ConfigError) as err:
        ahp_weights("abcd", build_matrix("abcd", {("a", "b"): 2, ("c", "d"): 3}))
    assert "fall into 2 separate groups: a, b | c, d" in str(err.value)


@pytest.mark.parametrize(
    ("raw", "value"), [("1/3", 1 / 3), (" 1 / 9 ", 1 / 9), ("9", 9.0), (7, 7.0), (0.5, 0.5), ("2,5", 2.5)]
)
def test_judgement_values(raw: object, value: float) -> None:
    assert judgement_value(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["10", "0", "1/10", "abc", True, -3, "1/0"])
def test_judgement_values_off_the_scale(raw: object) -> None:
    with pytest.raises(ValueError, match="should be on Saaty's scale from 1/9 to 9"):
        judgement_value(raw)


def test_reverse_judgement_must_agree() -> None:
    with pytest.raises(
        ConfigError, match=r"judgements.b.a: should agree with the reverse judgement \(1/3\), but it is 2"
    ):
        build_matrix("ab", {("a", "b"): 3, ("b", "a"): 2})


def test_group_aij_is_eigenvector_of_geometric_mean_and_aip_geometric_mean_of_weights() -> None:
    x = build_matrix("abc", {("a", "b"): 3, ("a", "c"): 5, ("b", "c"): 2})
    y = build_matrix("abc", {("a", "b"): 1 / 3, ("a", "c"): 1, ("b", "c"): 3})
    people, aij, aip = group_ahp("abc", {"x": x, "y": y})
    gm = np.sqrt(x * y)
    assert aij.weights == pytest.approx(principal_eigenvector(gm)[0])
    own = np.stack([people["x"].weights, people["y"].weights])
    expected = np.exp(np.log(own).mean(axis=0))
    assert aip.weights == pytest.approx(expected / expected.sum())
    assert aij.ranges is not None
    assert aij.ranges[:, 0] == pytest.approx(own.min(axis=0)) and aij.ranges[:, 1] == pytest.approx(own.max(axis=0))


def test_geometric_mean_keeps_blank_pairs_nobody_judged() -> None:
    x = build_matrix("abc", {("a", "b"): 4})
    y = build_matrix("abc", {("a", "b"): 1, ("b", "c"): 2})
    g = geometric_mean_matrix([x, y])
    assert g[0, 1] == pytest.approx(2.0) and g[1, 2] == pytest.approx(2.0) and np.isnan(g[0, 2])
