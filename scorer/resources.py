"""Where the bundled criteria files and demo spreadsheet live.

After ``pip install .`` they are package data under ``scorer/_bundled``; in a
source checkout (editable install, tests) they are the top-level ``criteria/``
and ``seeds/`` folders. Only paths are computed here; nothing is read.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=1024)  # a message per problem names the same file: resolve it once
def shown_path(text: str) -> str:
    """A file as messages name it: a bundled one as "the bundled demo (seeds/countries.csv)", never its install path.

    Any other path is returned as given.

    >>> shown_path(str(demo_spreadsheet_path())), shown_path(str(default_criteria_path()))
    ('the bundled demo (seeds/countries.csv)', 'the bundled criteria (criteria/default.yaml)')
    >>> shown_path("my.csv")
    'my.csv'
    """
    if not text or (not text.startswith(("/", "\\")) and ":" not in text[:3]):
        return text  # a relative path is the user's own way of naming a file
    try:
        path = Path(text).resolve()
    except (OSError, RuntimeError, ValueError):
        return text
    if path == demo_spreadsheet_path().resolve():
        return f"the bundled demo (seeds/{path.name})"
    if path.parent == criteria_dir().resolve():
        return f"the bundled criteria (criteria/{path.name})"
    if path.parent == seeds_dir().resolve():
        return f"the bundled demo folder's {path.name} (seeds/{path.name})"
    return text
