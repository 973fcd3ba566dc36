"""Several stakeholders: aggregation invariants, consensus, disagreement, compromise, the hull sampler."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from elicitation_helpers import fill_sheet

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.elicitation.committee import weigh_committee
from scorer.elicitation.group import (
    aggregate_weights,
    analyse_group,
    compromise_weights,
    stakeholder_scorer,
    weight_distance,
)
from scorer.elicitation.hull import sample_hull_weights
from scorer.elicitation.workflow import Judgements, elicit
from scorer.io.judgements import read_judgements
from scorer.resources import default_criteria_path, demo_spreadsheet_path

IDS = ["engagement", "representation", "government_interest"]
E, R, G = IDS


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, object]:
    return read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())


PEOPLE = [
    Judgements("Ana", pairwise={(E, R): 3, (E, G): 2, (R, G): 1 / 2}, swing={E: 100, R: 40, G: 70}),
    Judgements("Bo", pairwise={(E, R): 1 / 3, (E, G): 1 / 5, (R, G): 1 / 2}, swing={E: 50, R: 100, G: 80}),
    Judgements("Chen", pairwise={(E, R): 5, (R, G): 1 / 5}, swing={E: 100, R: 20, G: 100}),
]


@pytest.mark.parametrize("method", ["ahp", "swing"])
def test_one_stakeholder_gets_their_own_weights_back(method: str) -> None:
    e = elicit(IDS, PEOPLE[:1], method=method)  # type: ignore[arg-type]
    assert e.group.weights == pytest.approx(e.people["Ana"].weights)
    if e.alternative is not None:
        assert e.alternative.weights == pytest.approx(e.people["Ana"].weights)


@pytest.mark.parametrize("method", ["ahp", "swing"])
def test_permuting_stakeholders_changes_nothing(method: str, demo: tuple[pd.DataFrame, object]) -> None:
    df, criteria = demo
    runs = []
    for order in ([0, 1, 2], [2, 0, 1]):
        e = elicit(IDS, [PEOPLE[i] for i in order], method=method)  # type: ignore[arg-type]
        a = analyse_group(e.people, e.group, stakeholder_scorer(df, criteria), top_k=10)
        runs.append((e, a))
    (e1, a1), (e2, a2) = runs
    assert e1.group.weights == pytest.approx(e2.group.weights, abs=1e-12)
    assert a1.weights.loc["compromise"].to_numpy() == pytest.approx(a2.weights.loc["compromise"].to_numpy(), abs=1e-9)
    pd.testing.assert_frame_equal(a1.consensus, a2.consensus)
    names = list(a1.stakeholders)
    pd.testing.assert_frame_equal(a1.disagreement, a2.disagreement.loc[names, names])
    assert set(a1.pair or ()) == set(a2.pair or ())


def test_identical_stakeholders_never_disagree(demo: tuple[pd.DataFrame, object]) -> None:
    df, criteria = demo
    same = [Judgements(n, swing={E: 100, R: 30, G: 60}) for n in ("x", "y", "z")]
    e = elicit(IDS, same, method="swing")
    a = analyse_group(e.people, e.group, stakeholder_scorer(df, criteria), top_k=15)
    assert int(a.disagreement.to_numpy().sum()) == 0
    assert a.distances.to_numpy() == pytest.approx(0.0, abs=1e-9)
    assert set(a.consensus["consensus"]) == {"every", "none"}
    assert len(a.in_category("every")) == 15
    assert "Every pair of stakeholders has the same top 15." in a.lines()


def test_each_stakeholder_ranking_is_rank_with_their_weights(demo: tuple[pd.DataFrame, object]) -> None:
    df, criteria = demo
    e = elicit(IDS, PEOPLE, method="swing")
    a = analyse_group(e.people, e.group, stakeholder_scorer(df, criteria), top_k=15)
    for name, r in e.people.items():
        direct = score_countries(df, criteria, weights=r.as_dict()).table["rank"]
        assert (a.ranks[name] == direct.reindex(a.ranks.index)).all()
    # consensus counts are the stakeholders whose rank is <= K
    counts = (a.ranks[list(e.people)] <= 15).sum(axis=1)
    assert (a.consensus["n_top_k"] == counts).all()
    every = a.in_category("every")
    assert all((a.ranks.loc[c, list(e.people)] <= 15).all() for c in every)
    # the most divided pair has the largest disagreement, and the listed countries are exactly the split
    x, y = a.pair or ("", "")
    assert a.disagreement.loc[x, y] == a.disagreement.to_numpy().max()
    assert len(a.only_first) + len(a.only_second) == a.disagreement.loc[x, y]


def test_aggregate_mean_and_median() -> None:
    people = {
        "a": elicit(IDS, [Judgements("a", points={E: 2, R: 1, G: 1})], method="points").people["a"],
        "b": elicit(IDS, [Judgements("b", points={E: 1, R: 1, G: 2})], method="points").people["b"],
        "c": elicit(IDS, [Judgements("c", points={E: 1, R: 2, G: 1})], method="points").people["c"],
    }
    mean = aggregate_weights(people)
    assert mean.weights == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    median = aggregate_weights(people, how="median")  # medians (.25, .25, .25) renormalised
    assert median.weights == pytest.approx([1 / 3, 1 / 3, 1 / 3])
    assert mean.range_dict()[E] == pytest.approx((0.25, 0.5))


def test_compromise_is_minimax() -> None:
    w = np.array([[0.6, 0.1, 0.3], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
    c = compromise_weights(w)
    worst = max(weight_distance(c, row) for row in w)
    grid = [np.array([i, j, 100 - i - j]) / 100 for i, j in itertools.product(range(101), range(101)) if i + j <= 100]
    best_on_grid = min(max(weight_distance(g, row) for row in w) for g in grid)
    assert worst <= best_on_grid + 1e-9
    assert c.sum() == pytest.approx(1.0) and (c >= 0).all()


def test_hull_draws_are_convex_mixtures_and_reproducible() -> None:
    w = np.array([[0.6, 0.1, 0.3], [0.1, 0.5, 0.4], [0.3, 0.3, 0.4]])
    draws = sample_hull_weights(w, 2000, seed=5)
    assert np.array_equal(draws, sample_hull_weights(w, 2000, seed=5))
    assert draws.sum(axis=1) == pytest.approx(1.0)
    # every draw is lambda @ w with lambda >= 0: solve for lambda (w is invertible here) and check signs
    lam = np.linalg.solve(w.T, draws.T).T
    assert lam.min() > -1e-9 and lam.sum(axis=1) == pytest.approx(1.0)
    # the mean of Dirichlet(1,1,1) mixing is the stakeholders' mean
    assert draws.mean(axis=0) == pytest.approx(w.mean(axis=0), abs=0.01)


def test_committee_report_json_equals_library(demo: tuple[pd.DataFrame, object]) -> None:
    df, criteria = demo
    e = elicit(IDS, PEOPLE, method="ahp")
    rep = weigh_committee(df, criteria, e, top_k=15, hull_draws=500, seed=1)
    data = rep.to_dict()
    assert data["group"]["weights"] == {k: round(v, 6) for k, v in e.group.as_dict().items()}
    assert data["hull"]["draws"] == 500
    assert set(data["analysis"]["consensus"]) == {"every", "majority", "minority", "none"}
    again = weigh_committee(df, criteria, e, top_k=15, hull_draws=500, seed=1).to_dict()
    assert again == data


def test_cli_json_equals_the_library(tmp_path: Path, demo: tuple[pd.DataFrame, object]) -> None:
    book = tmp_path / "j.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["template", "--judgements", "-o", str(book)]).exit_code == 0
    fill_sheet(book, "Stakeholder 1", IDS, swing={E: 100, R: 30, G: 60})
    fill_sheet(book, "Stakeholder 2", IDS, swing={E: 20, R: 100, G: 60})
    out = runner.invoke(main, ["weights", str(book), "--method", "swing", "--hull-draws", "300", "--format", "json"])
    assert out.exit_code == 0, out.stderr
    df, criteria = demo
    e = elicit(IDS, read_judgements(book, criteria, method="swing"), method="swing")  # type: ignore[arg-type]
    library = weigh_committee(df, criteria, e, top_k=15, hull_draws=300, seed=20210816).to_dict()  # type: ignore[arg-type]
    assert json.loads(out.stdout) == json.loads(json.dumps(library))
