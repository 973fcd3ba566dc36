"""`sensitivity --stakeholders`: weights drawn within the stakeholders' convex hull."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from elicitation_helpers import fill_sheet
from scipy.optimize import linprog

from scorer import demo_result
from scorer.analyses import sensitivity
from scorer.cli import main
from scorer.elicitation.direct import points_weights
from scorer.elicitation.hull import Stakeholders, sample_hull_weights, stakeholders_from
from scorer.io.criteria_file import load_criteria
from scorer.io.judgements import read_stakeholders
from scorer.io.spreadsheet import read_countries
from scorer.pipeline import score_countries
from scorer.resources import default_criteria_path, demo_spreadsheet_path

IDS = ["engagement", "representation", "government_interest"]
SWINGS = {
    "Ana": {"engagement": 100, "representation": 20, "government_interest": 50},
    "Bo": {"engagement": 40, "representation": 100, "government_interest": 30},
    "Cy": {"engagement": 60, "representation": 10, "government_interest": 100},
}


def in_hull(w: np.ndarray, corners: np.ndarray) -> bool:
    """Whether ``w`` is a convex combination of the rows of ``corners`` (an LP feasibility problem)."""
    m = len(corners)
    a_eq = np.vstack([corners.T, np.ones(m)])
    b_eq = np.append(w, 1.0)
    res = linprog(np.zeros(m), A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * m, method="highs")
    return bool(res.status == 0)


def people(**swings: dict[str, float]) -> Stakeholders:
    return stakeholders_from({n: points_weights(IDS, s, who=n) for n, s in swings.items()}, source="test")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("judgements") / "j.xlsx"
    args = ["template", "--judgements", "-o", str(path)]
    for name in SWINGS:
        args += ["--stakeholder", name]
    assert CliRunner().invoke(main, args).exit_code == 0
    for name, swing in SWINGS.items():
        fill_sheet(path, name, IDS, swing=swing)
    return path


def test_every_draw_is_a_convex_combination_of_the_stakeholders_weights() -> None:
    corners = people(**SWINGS).aligned(IDS)
    draws = sample_hull_weights(corners, 200, seed=5)
    assert all(in_hull(w, corners) for w in draws)
    # and the LP does tell: a corner of the simplex no stakeholder holds is outside
    assert not in_hull(np.array([0.0, 0.0, 1.0]), corners)


def test_the_reports_central_weights_lie_in_the_hull_and_the_report_names_the_space() -> None:
    s = people(**SWINGS)
    rep = sensitivity(demo_result(), draws=2000, seed=3, stakeholders=s)
    corners = s.aligned(IDS)
    central = rep.summary[[f"w_{c}" for c in IDS]].dropna().to_numpy()
    assert len(central) >= 15 and all(in_hull(w, corners) for w in central)
    assert rep.method == "stakeholders' hull"
    assert rep.allowed_weights == [
        "Ana: engagement 0.59, representation 0.12, government_interest 0.29",
        "Bo: engagement 0.24, representation 0.59, government_interest 0.18",
        "Cy: engagement 0.35, representation 0.06, government_interest 0.59",
    ]
    assert rep.lines()[0].startswith(
        "Top 15 (tier 'join') under 2,000 weightings drawn within the convex hull of the 3 stakeholders' weights "
        "(read from test), each a mix of their own weights"
    )
    assert rep.to_dict()["weight_space"] == rep.weight_space
    again = sensitivity(demo_result(), draws=2000, seed=3, stakeholders=s)
    assert again.summary.equals(rep.summary)  # same seed, same numbers


def test_one_stakeholder_gives_that_stakeholders_ranking() -> None:
    ana = people(Ana=SWINGS["Ana"])
    rep = sensitivity(demo_result(), draws=300, seed=1, stakeholders=ana)
    own = score_countries(
        read_countries(demo_spreadsheet_path()),
        load_criteria(default_criteria_path()),
        weights=dict(zip(IDS, ana.weights[0], strict=True)),
    )
    top = set(own.table.index[own.table["rank"] <= 15])
    assert set(rep.ids("always")) == top and rep.ids("some") == []
    assert (rep.summary["median_rank"] == own.table["rank"].reindex(rep.summary.index)).all()


def test_the_stakeholders_must_weigh_the_criteria_of_the_file() -> None:
    from scorer.errors import ConfigError

    other = Stakeholders(("Ana",), ("a", "b"), np.array([[0.5, 0.5]]), "j.xlsx")
    with pytest.raises(ConfigError) as info:
        sensitivity(demo_result(), draws=10, seed=1, stakeholders=other)
    assert info.value.problems[0].format() == (
        "j.xlsx: should weigh the criteria engagement, representation, government_interest, but weighs a, b"
    )


def test_cli_reads_the_workbook_as_weights_does(workbook: Path, runner) -> None:  # type: ignore[no-untyped-def]
    s = read_stakeholders(workbook, load_criteria(default_criteria_path()), method="swing")
    assert s.names == ("Ana", "Bo", "Cy")
    weights = runner.invoke(main, ["weights", str(workbook), "--method", "swing", "--format", "json"])
    shown = json.loads(weights.stdout)["stakeholders"]
    for name, row in zip(s.names, s.weights, strict=True):
        assert [shown[name]["weights"][c] for c in s.criteria] == pytest.approx(row.tolist(), abs=1e-6)
    res = runner.invoke(
        main,
        ["sensitivity", "--stakeholders", str(workbook), "--judgement-method", "swing", "--draws", "500"],
    )
    assert res.exit_code == 0, res.output
    assert "drawn within the convex hull of the 3 stakeholders' weights" in res.stdout
    assert "The stakeholders' own weights: Ana: engagement 0.59" in res.stdout
    data = json.loads(
        runner.invoke(
            main,
            [
                "sensitivity",
                "--stakeholders",
                str(workbook),
                "--judgement-method",
                "swing",
                "--draws",
                "500",
                "--format",
                "json",
            ],
        ).stdout
    )
    assert data["method"] == "stakeholders' hull" and len(data["allowed_weights"]) == 3


def test_cli_names_a_missing_judgement_file(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nobody.xlsx"
    res = runner.invoke(main, ["sensitivity", "--stakeholders", str(missing)])
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0].startswith(f"Error: {missing}")
    assert "Traceback" not in res.output
