"""Keep freed work arrays in the process's heap instead of handing them back to the system each time.

The exact stability intervals work through country pairs a block at a time, and
each block allocates and frees a few dozen arrays of about 2 MB. glibc's malloc
then trims the top of its heap after every block (its trim threshold follows
the largest array freed, so it stays near 4 MB) and the next block faults every
page in again: on 10,000 countries that was 17 s of system time for 17 s of
work. :func:`keep_freed_memory` sets the two thresholds once per process (arrays
below 32 MB come from the heap, which keeps up to 64 MB free at its top), the
values glibc's own adaptive rule works towards, without the trimming in between.
Elsewhere (not glibc) it does nothing. Only the console command calls it
(:func:`scorer.cli.run`): a library never changes its caller's process-wide heap settings.
"""

from __future__ import annotations

import ctypes
from contextlib import suppress
from functools import cache

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_BELOW = 32 * 1024 * 1024
_KEEP_FREE = 64 * 1024 * 1024


@cache
def keep_freed_memory() -> bool:
    """Set malloc's mmap and trim thresholds once per process; whether it could (glibc only).

    >>> keep_freed_memory() in (True, False)
    True
    """
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_BELOW)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, _KEEP_FREE))
    return False
