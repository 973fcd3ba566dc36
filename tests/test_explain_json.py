"""`explain --format json` prints the library's Explanation.to_dict(), nothing rebuilt in the command."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scorer import demo_result
from scorer.cli import main


def test_explain_json_is_the_explanations_dict() -> None:
    res = CliRunner().invoke(main, ["explain", "DZA", "--format", "json"])
    assert res.exit_code == 0, res.stderr
    expected = demo_result().explain("DZA").to_dict()
    assert json.loads(res.stdout) == json.loads(json.dumps(expected))
    assert expected["id"] == "DZA" and expected["of"] == len(demo_result().table)
