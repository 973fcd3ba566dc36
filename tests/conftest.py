"""Shared fixtures: small hand-made criteria and sheets, the demo, a CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from scorer.resources import default_criteria_path, demo_spreadsheet_path

# Property tests check results, not speed: on a shared 2-core machine a first call that builds
# an index can exceed Hypothesis's 200 ms deadline and turn a correct test into a flaky one.
# The default run (README's `python -m pytest`) tries 20 examples per property; .ci/run's second
# step reruns every property test with `--hypothesis-profile=thorough` (100 examples). Tests that
# set max_examples themselves keep it in both.
settings.register_profile("unct-scorer", deadline=None, max_examples=20)
settings.register_profile("thorough", deadline=None, max_examples=100)
settings.load_profile("unct-scorer")

SMALL_CRITERIA = """\
version: 1
name: small
criteria:
  engagement:
    label: Engagement
    cites: para. 11(1)
    weight: 2
    indicators:
      level:
        column: level
        normalisation: ordinal
        levels: {none: 0, low: 1, high: 3}
  representation:
    label: Representation
    cites: para. 11(2)
    weight: 1
    indicators:
      office:
        column: office
        normalisation: boolean
  interest:
    label: Interest
    cites: para. 11(3)
    weight: 1
    indicators:
      rate:
        column: rate
        weight: 3
      cost:
        column: cost
        direction: lower
        weight: 1
tiers:
  - {name: join, top: 1}
  - {name: consider, min_score: 0.4}
  - {name: not_now}
"""

SMALL_SHEET = """\
iso3,name,level,office,rate,cost
AAA,Alpha,high,yes,10,5
BBB,Beta,low,no,30,1
CCC,Gamma,none,no,20,3
DDD,Delta,low,yes,20,5
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """(sheet, criteria) paths of the hand-worked example."""
    return write(tmp_path / "sheet.csv", SMALL_SHEET), write(tmp_path / "small.yaml", SMALL_CRITERIA)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def demo_paths() -> tuple[Path, Path]:
    return demo_spreadsheet_path(), default_criteria_path()
