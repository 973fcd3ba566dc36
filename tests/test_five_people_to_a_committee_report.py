"""Issue 15's "Done when", walked as a user would from a fresh folder: five people's judgements typed into the
generated workbook become, with one command each, weights with their consistency, a consensus list, a
disagreement map, and a report a committee can read (.html, .xlsx, .md).

Golden weights are worked by hand from the typed judgements:
* points and swing: each person's points over their sum;
* rank-order centroid for 3 criteria (Barron & Barrett 1996): (1 + 1/2 + 1/3)/3 = 11/18, (1/2 + 1/3)/3 = 5/18,
  (1/3)/3 = 2/18; a tie for places 2-3 shares their weights, (5/18 + 2/18)/2 = 7/36 each;
* AHP with a consistent matrix (a/b = 2, a/c = 4, b/c = 2): the principal eigenvector is (4, 2, 1)/7 and the
  consistency ratio is 0 (Saaty 1980: CR = 0 exactly when a_ik = a_ij * a_jk).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from elicitation_helpers import fill_sheet
from openpyxl import load_workbook

from scorer.cli import main
from tests.workbook_helpers import sheet_records

E, R, G = IDS = ["engagement", "representation", "government_interest"]
PEOPLE: dict[str, dict[str, Any]] = {
    "Director": {
        "pairwise": {(E, R): 2, (E, G): 4, (R, G): 2},
        "swing": {E: 100, R: 50, G: 25},
        "points": {E: 60, R: 25, G: 15},
        "ranks": {E: 1, R: 2, G: 3},
    },
    "Delegation A": {
        "pairwise": {(E, R): "1/2", (E, G): "1/5", (R, G): "1/3"},
        "swing": {E: 30, R: 50, G: 100},
        "points": {E: 20, R: 30, G: 50},
        "ranks": {E: 3, R: 2, G: 1},
    },
    "Delegation B": {
        "pairwise": {(E, R): 1, (E, G): 3, (R, G): 3},
        "swing": {E: 100, R: 100, G: 30},
        "points": {E: 40, R: 40, G: 20},
        "ranks": {E: 1, R: 2, G: 2},
    },
    "Delegation C": {
        "pairwise": {(E, R): 5, (E, G): "1/3", (R, G): "1/7"},
        "swing": {E: 70, R: 10, G: 100},
        "points": {E: 35, R: 5, G: 60},
        "ranks": {E: 2, R: 3, G: 1},
    },
    "Planner": {
        "pairwise": {(E, R): 2, (E, G): 2},  # one pair left blank: logarithmic least squares
        "swing": {E: 100, R: 60, G: 60},
        "points": {E: 50, R: 25, G: 25},
        "ranks": {E: 1, R: 2, G: 2},
    },
}


def run(*args: str) -> Any:
    res = CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project from ``init``, and the judgement workbook from ``template`` with five people's judgements typed."""
    root = tmp_path_factory.mktemp("committee")
    run("-q", "init", str(root))
    book = root / "judgements.xlsx"
    run("-q", "template", "--judgements", "-o", str(book), *[a for n in PEOPLE for a in ("--stakeholder", n)])
    for name, typed in PEOPLE.items():
        fill_sheet(book, name, IDS, **typed)
    return root


def weights(folder: Path, method: str) -> dict[str, Any]:
    data = folder / "countries.xlsx"
    common = ["--data", str(data), "-c", str(folder / "criteria.yaml")]
    res = run(
        "-q",
        "weights",
        str(folder / "judgements.xlsx"),
        *common,
        "--method",
        method,
        "--format",
        "json",
    )
    return json.loads(res.stdout)  # type: ignore[no-any-return]


def own(result: dict[str, Any], name: str) -> list[float]:
    return [result["stakeholders"][name]["weights"][c] for c in IDS]


@pytest.mark.parametrize(
    ("method", "name", "expected"),
    [
        ("points", "Director", [0.60, 0.25, 0.15]),
        ("swing", "Delegation C", [70 / 180, 10 / 180, 100 / 180]),
        ("rank", "Director", [11 / 18, 5 / 18, 2 / 18]),
        ("rank", "Planner", [11 / 18, 7 / 36, 7 / 36]),
        ("ahp", "Director", [4 / 7, 2 / 7, 1 / 7]),
    ],
)
def test_each_method_gives_the_hand_worked_weights(folder: Path, method: str, name: str, expected: list[float]) -> None:
    assert own(weights(folder, method), name) == pytest.approx(expected, abs=1e-6)


def test_ahp_reports_consistency_and_the_committee_its_consensus_and_disagreement(folder: Path) -> None:
    result = weights(folder, "ahp")
    data = ["--data", str(folder / "countries.xlsx"), "-c", str(folder / "criteria.yaml")]
    printed = run("-q", "weights", str(folder / "judgements.xlsx"), *data).stdout  # AHP by default, for people
    assert "consistency_ratio" in printed.splitlines()[0] and "Most divided: " in printed
    assert "Countries in only one of two stakeholders' top 15:" in printed  # the disagreement map
    director = result["stakeholders"]["Director"]
    assert director["consistency_ratio"] == pytest.approx(0.0, abs=1e-9)
    assert result["stakeholders"]["Planner"]["description"].startswith("AHP of Planner: logarithmic least squares")
    analysis = result["analysis"]
    categories = analysis["consensus"]
    assert set(categories) == {"every", "majority", "minority", "none"}
    assert sum(len(v) for v in categories.values()) == 162  # every ranked country in exactly one category
    assert len(set().union(*map(set, categories.values()))) == 162
    people = list(PEOPLE)
    split = {row["stakeholder"]: row for row in analysis["disagreement"]}
    for a in people:  # the disagreement map: symmetric, zero on the diagonal, at most 2K
        assert split[a][a] == 0
        assert all(split[a][b] == split[b][a] <= 2 * analysis["top_k"] for b in people)
    most = analysis["most_divided"]
    a, b = most["pair"]
    assert split[a][b] == max(split[x][y] for x in people for y in people)
    assert len(most["only_first"]) + len(most["only_second"]) == split[a][b]


def test_the_report_a_committee_reads_has_whose_weights_in_every_format(folder: Path) -> None:
    outs = [folder / f"report{s}" for s in (".html", ".xlsx", ".md")]
    run(
        "-q",
        "report",
        str(folder / "countries.xlsx"),
        "-c",
        str(folder / "criteria.yaml"),
        "--stakeholders",
        str(folder / "judgements.xlsx"),
        *[a for o in outs for a in ("-o", str(o))],
    )
    ahp = weights(folder, "ahp")
    page = outs[0].read_text(encoding="utf-8")
    assert '<section id="whose-weights">' in page and "Consensus" in page and "Most divided" in page
    book = {r["stakeholder"]: r for r in sheet_records(outs[1], "Stakeholder weights")}
    assert list(book)[:5] == list(PEOPLE)
    for name in PEOPLE:
        assert [book[name][c] for c in IDS] == pytest.approx(own(ahp, name), abs=1e-6)
        assert book[name]["consistency_ratio"] == pytest.approx(ahp["stakeholders"][name]["consistency_ratio"])
    wb = load_workbook(outs[1])
    assert [c.value for c in wb["Stakeholder disagreement"][1]] == ["Stakeholder", *(f"With {n}" for n in PEOPLE)]
    text = outs[2].read_text(encoding="utf-8")
    section = text[text.index("## Whose weights") : text.index("## Provenance")]
    director = " | ".join(f"{w:.3f}" for w in own(ahp, "Director"))
    assert f"| Director | {director} | 0.000 |" in section
    for heading in ("### Each stakeholder's own top 15", "### Consensus", "### Most divided", "### Compromise"):
        assert heading in section
