"""docs/how-to/own-criteria.md's example of a criterion without a range prints what the page quotes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scorer.cli import main
from scorer.resources import default_criteria_path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "how-to" / "own-criteria.md"


def test_the_page_quotes_what_validate_and_sensitivity_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = PAGE.read_text(encoding="utf-8")
    added = yaml.safe_load(re.search(r"```yaml\n(  ip_demand:\n.*?)```", text, re.S).group(1))  # type: ignore[union-attr]
    del added["ip_demand"]["range"]  # "as above but without its range line"
    data = yaml.safe_load(default_criteria_path().read_text(encoding="utf-8"))
    data["criteria"].update(added)
    path = tmp_path / "four.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    warning = re.search(r"```text\n(Warning: criterion ip_demand .*)\n```", text).group(1)  # type: ignore[union-attr]
    res = CliRunner().invoke(main, ["validate", "-c", str(path)])
    assert res.exit_code == 0, res.output
    assert warning in res.stderr.splitlines()

    quoted = re.search(r"`(ip_demand between [^`]*)`", text).group(1)  # type: ignore[union-attr]
    res = CliRunner().invoke(main, ["-q", "sensitivity", "-c", str(path), "--draws", "50", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert " ".join(quoted.split()) in json.loads(res.stdout)["allowed_weights"]
