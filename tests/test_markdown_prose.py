"""Markdown summaries escape prose, not only tables: user text cannot become live HTML or structure."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from scorer.io.results import markdown_summary
from scorer.model.criteria import Criteria
from scorer.pipeline import score_countries

PAYLOAD = "<img src=x onerror=alert(1)>"


def test_criteria_name_labels_and_provenance_are_inert_in_markdown(tmp_path: Path) -> None:
    criteria = Criteria.model_validate(
        {
            "version": 1,
            "name": f"# {PAYLOAD}",
            "criteria": {
                "a": {
                    "label": f"Label {PAYLOAD}",
                    "cites": "*para* 11",
                    "weight": 1,
                    "indicators": {"x": {"column": "x"}},
                }
            },
            "tiers": [{"name": "join", "top": 1}, {"name": "rest"}],
        }
    )
    result = score_countries(pd.DataFrame({"iso3": ["KEN", "CHN"], "x": [1, 2]}), criteria)
    text = markdown_summary(result, {"data_file": f"{PAYLOAD}`.csv"})
    assert "<img" not in text.split("## Provenance")[0]
    assert text.splitlines()[0] == "# UNCT ranking: \\# &lt;img src=x onerror=alert(1)&gt;"
    assert "Label &lt;img src=x onerror=alert(1)&gt; (\\*para\\* 11) 100%" in text
    assert "- data_file: ``<img src=x onerror=alert(1)>`.csv``" in text  # a code span: shown as typed, never HTML
