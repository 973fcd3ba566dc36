"""Progress bars on stderr for the commands that can run for more than a few seconds.

A bar is drawn only on a terminal and never with ``--quiet``; the hidden
environment variable ``UNCT_SCORER_PROGRESS=1`` draws it off a terminal too
(for tests; click then prints the label alone).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from scorer.cli.common import is_quiet

FORCE_ENV = "UNCT_SCORER_PROGRESS"


def bar_wanted() -> bool:
    """Whether to draw a bar: stderr is a terminal (or the bar is forced on), and no ``--quiet``."""
    return not is_quiet() and (sys.stderr.isatty() or os.environ.get(FORCE_ENV) == "1")


@contextmanager
def progress_bar(total: int, label: str, *, minimum: int = 1) -> Iterator[Callable[[int, int], None] | None]:
    """A ``progress(done, total)`` drawing a bar on stderr, or None when no bar is wanted or ``total < minimum``."""
    if total < max(minimum, 1) or not bar_wanted():
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        seen = [0]

        def progress(done: int, _total: int) -> None:
            bar.update(done - seen[0])
            seen[0] = done

        yield progress
