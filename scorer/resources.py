"""Where the bundled criteria files and demo spreadsheet live.

After ``pip install .`` they are package data under ``scorer/_bundled``; in a
source checkout (editable install, tests) they are the top-level ``criteria/``
and ``seeds/`` folders. Only paths are computed here; nothing is read.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(kind: str) -> Path:
    installed = _PACKAGE / "_bundled" / kind
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / kind


def criteria_dir() -> Path:
    """The folder of bundled criteria profiles."""
    return _bundled("criteria")


def seeds_dir() -> Path:
    """The folder holding the demo spreadsheet and the source document."""
    return _bundled("seeds")


def default_criteria_path() -> Path:
    """``criteria/default.yaml``: the three criteria of paragraph 11."""
    return criteria_dir() / "default.yaml"


def demo_spreadsheet_path() -> Path:
    """``seeds/countries.csv``: the 162 UNCT countries, real public data."""
    return seeds_dir() / "countries.csv"
