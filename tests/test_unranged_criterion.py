"""A criterion added without a weight range: validate warns, sensitivity lists the range it samples (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scorer.cli import main
from scorer.resources import default_criteria_path


@pytest.fixture
def added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled criteria plus a fourth criterion 'reach' (representation's indicator again), no range."""
    monkeypatch.chdir(tmp_path)
    data = yaml.safe_load(default_criteria_path().read_text(encoding="utf-8"))
    reach = {k: v for k, v in data["criteria"]["representation"].items() if k != "range"}
    reach["indicators"] = {f"reach_{iid}": ind for iid, ind in reach["indicators"].items()}
    data["criteria"]["reach"] = {**reach, "label": "Reach"}
    path = tmp_path / "four.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_validate_warns_and_still_passes(added: Path) -> None:
    res = CliRunner().invoke(main, ["validate", "-c", str(added)])
    assert res.exit_code == 0, res.output
    # the others' lower bounds are 0.25 + 0.1 + 0.2 = 0.55: the new one can have at most 0.45
    want = (
        "Warning: criterion reach has no weight range; sensitivity samples it within [0, 0.45] "
        "(give it a range to choose)"
    )
    assert want in res.stderr.splitlines()
    assert res.stdout.startswith("OK: ")


def test_sensitivity_lists_it_under_allowed_weights(added: Path) -> None:
    res = CliRunner().invoke(main, ["-q", "sensitivity", "-c", str(added), "--draws", "200", "--format", "json"])
    assert res.exit_code == 0, res.output
    allowed = json.loads(res.stdout)["allowed_weights"]
    assert "reach between 0 and 0.45 (no range given: what the others leave)" in allowed
    assert allowed[0] == "engagement between 0.25 and 0.55"


def test_the_bundled_criteria_get_no_warning() -> None:
    res = CliRunner().invoke(main, ["validate"])
    assert res.exit_code == 0 and "Warning:" not in res.stderr
