"""unct-scorer: rank the UN Country Teams a UN agency should join, explainably.

>>> from scorer import load_criteria, read_countries, score_countries
>>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
>>> result = score_countries(read_countries(demo_spreadsheet_path()),
...                          load_criteria(default_criteria_path()))
>>> int(result.table["rank"].min())
1
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scorer.core.result import Explanation, ScoreResult
    from scorer.errors import ConfigError, DataError, ScorerError, ScoringError
    from scorer.io.criteria_file import load_criteria
    from scorer.io.spreadsheet import read_countries
    from scorer.model.criteria import Criteria
    from scorer.pipeline import score_countries

__version__ = "0.1.0"

_LAZY = {
    "ConfigError": "scorer.errors",
    "DataError": "scorer.errors",
    "ScorerError": "scorer.errors",
    "ScoringError": "scorer.errors",
    "Criteria": "scorer.model.criteria",
    "load_criteria": "scorer.io.criteria_file",
    "read_countries": "scorer.io.spreadsheet",
    "score_countries": "scorer.pipeline",
    "Explanation": "scorer.core.result",
    "ScoreResult": "scorer.core.result",
}
"""Public names loaded on first use: ``import scorer`` (and the CLI's ``--help`` and ``--version``) loads none
of them, not even the error classes."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'scorer' has no attribute {name!r}")


__all__ = [
    "ConfigError",
    "Criteria",
    "DataError",
    "Explanation",
    "ScoreResult",
    "ScorerError",
    "ScoringError",
    "__version__",
    "demo_result",
    "load_criteria",
    "read_countries",
    "score_countries",
]


def demo_result() -> ScoreResult:
    """The bundled demo scored with the default criteria (handy in notebooks and doctests).

    >>> int(demo_result().table["rank"].min())
    1
    """
    from scorer.io.criteria_file import load_criteria
    from scorer.io.spreadsheet import read_countries
    from scorer.pipeline import score_countries
    from scorer.resources import default_criteria_path, demo_spreadsheet_path

    return score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()))
