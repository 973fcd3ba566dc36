"""Progress bars: on stderr for long runs, off the terminal only when forced, never with --quiet (issue 18)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

from scorer.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run counts as long, and the bar is forced on although stderr is not a terminal."""
    monkeypatch.setattr("scorer.cli.stability.BAR_UNITS", 1)
    monkeypatch.setattr("scorer.cli.sensitivity.BAR_DRAWS", 10)
    monkeypatch.setenv("UNCT_SCORER_PROGRESS", "1")


@pytest.mark.usefixtures("long_runs")
@pytest.mark.parametrize(
    ("args", "label"),
    [(["stability"], "Weight intervals"), (["sensitivity", "--draws", "200"], "Weight draws")],
)
def test_a_long_run_draws_its_bar_on_stderr_and_quiet_hides_it(args: list[str], label: str) -> None:
    shown = run(*args, "--format", "csv")
    assert shown.exit_code == 0 and label in shown.stderr and label not in shown.stdout
    hidden = run("-q", *args, "--format", "csv")
    assert hidden.exit_code == 0 and label not in hidden.stderr
    assert hidden.stdout == shown.stdout  # the bar changes nothing else


def test_no_bar_off_a_terminal_unless_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scorer.cli.stability.BAR_UNITS", 1)
    monkeypatch.delenv("UNCT_SCORER_PROGRESS", raising=False)
    assert "Weight intervals" not in run("stability", "--format", "csv").stderr


def test_the_stability_bar_counts_every_country_once_per_weight_move() -> None:
    from scorer import demo_result
    from scorer.analyses import stability
    from scorer.solvers.intervals import reporting_progress

    result = demo_result()
    seen: list[int] = []
    with reporting_progress(seen.append):
        stability(result)
    top_level = sum(1 for node in result.criteria.nodes() if node.parent is None)
    assert sum(seen) == 3 * top_level * len(result.table)
