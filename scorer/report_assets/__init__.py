"""The report's stylesheet and script, shipped as package files.

They live in their own files so that they can be read, linted and reviewed as
CSS and JavaScript; :func:`asset` returns their text for
:func:`scorer.report.build_report` to inline (a report fetches nothing).
"""

from __future__ import annotations

from importlib import resources

ASSETS = ("report.css", "charts.css", "report.js")


def asset(name: str) -> str:
    """The text of a bundled asset (``report.css`` or ``report.js``).

    >>> "function" in asset("report.js")
    True
    """
    if name not in ASSETS:
        raise ValueError(f"unknown report asset {name!r}; expected one of {', '.join(ASSETS)}")
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
