"""Calls to the HiGHS solver (through SciPy) that never write to standard output.

HiGHS is C++ code: some of its messages (e.g. ``HighsMipSolverData::
transformNewIntegerFeasibleSolution tmpSolver.run();`` during some 0-1
programs with SciPy 1.17) go straight to file descriptor 1, whatever SciPy's
``disp`` option says. A command printing JSON or CSV would then print
something that is not JSON or CSV. So every solve runs inside
:func:`captured_stdout`, which points descriptor 1 at a temporary file for
the duration of the call (``dup2``) and hands the text back to the caller.
"""

from __future__ import annotations

import ctypes
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Captured:
    """What was written to descriptor 1 inside :func:`captured_stdout` (filled in on exit)."""

    text: str = ""


@cache
def _libc() -> Any:
    try:
        return ctypes.CDLL(None)
    except OSError:  # pragma: no cover - platforms without a C library handle
        return None


def _flush_all() -> None:
    """Flush Python's and C's buffered standard output, so nothing crosses the redirection."""
    with suppress(AttributeError, ValueError, OSError):
        sys.stdout.flush()
    libc = _libc()
    if libc is not None:
        libc.fflush(None)


@contextmanager
def captured_stdout() -> Iterator[Captured]:
    """Send whatever is written to file descriptor 1 to a temporary file, and return its text.

    >>> with captured_stdout() as out:
    ...     _ = os.write(1, b"solver chatter\\n")
    >>> out.text
    'solver chatter\\n'
    """
    captured = Captured()
    _flush_all()
    try:
        saved = os.dup(1)
    except OSError:  # descriptor 1 is closed: nothing can reach it anyway
        yield captured
        return
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        try:
            yield captured
        finally:
            _flush_all()
            os.dup2(saved, 1)
            os.close(saved)
            sink.seek(0)
            captured.text = sink.read().decode("utf-8", errors="replace")


def quietly(solve: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``solve(*args, **kwargs)`` with anything it writes to descriptor 1 captured and dropped.

    >>> quietly(lambda: os.write(1, b"noise\\n") and 7)
    7
    """
    with captured_stdout():
        return solve(*args, **kwargs)
