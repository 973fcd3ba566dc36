"""One format in every output a person reads: score decimals from the cut, tie markers, yes/no booleans (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scorer import demo_result
from scorer.cli import main
from scorer.render.export import ranking_frame
from scorer.render.formatting import LOOKS_TIED, TIE, TIE_LEGEND, score_decimals, score_texts
from scorer.resources import demo_spreadsheet_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def demo_scores() -> list[float]:
    """The demo's scores in ranking order, from the library (JSON rounds to 15 digits)."""
    return ranking_frame(demo_result())["score"].tolist()


def test_rank_table_scores_use_the_cut_decimals_and_mark_ties(demo_scores: list[float]) -> None:
    res = run("rank")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    start = lines[0].index("score")
    width = len(lines[1].split("  ")[3])  # the rule under the score header
    shown = [line[start : start + width] for line in lines[2:]]
    # the bundled criteria's first tier is the top 15: the cut
    expected = score_texts(demo_scores, cut=15)
    assert [s.rstrip() for s in shown] == [e.rstrip() for e in expected]
    digits = score_decimals(demo_scores, cut=15)
    assert all(len(s.strip().rstrip(TIE + LOOKS_TIED).split(".")[1]) == digits for s in shown)
    if any(s.rstrip().endswith((TIE, LOOKS_TIED)) for s in shown):
        assert f"Scores: {TIE_LEGEND}" in res.stderr


def test_rank_markdown_scores_match_the_table(tmp_path: Path, demo_scores: list[float]) -> None:
    out = tmp_path / "r.md"
    res = run("-q", "rank", "-o", str(out))
    assert res.exit_code == 0, res.stderr
    rows = [line.split(" | ") for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    header, rule, body = rows[0], rows[1], rows[2:]
    j = header.index("score")
    assert rule[j] == "---:"
    assert [r[j].strip() for r in body] == [t.strip() for t in score_texts(demo_scores, cut=15)]


def test_select_prints_yes_no_never_true_false() -> None:
    args = ("select", "--budget", "5e9", "--cost-column", "cf2025_required_usd", "--default-cost", "3e8")
    table = run("-q", *args)
    csv = run("-q", *args, "--format", "csv")
    assert table.exit_code == 0 and csv.exit_code == 0, table.stderr + csv.stderr
    for text in (table.stdout, csv.stdout):
        assert "True" not in text and "False" not in text
    header, *rows = csv.stdout.splitlines()
    j = header.split(",").index("cost_defaulted")
    assert {r.split(",")[j] for r in rows} == {"yes", "no"}


def test_messages_name_the_bundled_demo_not_its_install_path() -> None:
    res = run("-q", "rank", "--header-row", "5")
    assert res.exit_code == 1
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error: the bundled demo")]
    assert errors and all(e.startswith("Error: the bundled demo (seeds/countries.csv): row 5: ") for e in errors)
    assert str(demo_spreadsheet_path().parent) not in res.stderr
    table = run("-q", "validate", "--header-row", "3")
    assert table.stdout.splitlines()[2].startswith("the bundled demo (seeds/countries.csv)  3 ")
    assert str(demo_spreadsheet_path().parent) not in table.stdout


def test_a_users_own_path_is_named_as_given(tmp_path: Path) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text("iso3,x\nTCD,1\nTCD,2\n", encoding="utf-8")
    res = run("-q", "rank", str(bad))
    assert res.exit_code == 1 and f"Error: {bad}: " in res.stderr
