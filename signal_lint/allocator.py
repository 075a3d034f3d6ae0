"""The command's allocator setting: glibc's ``malloc`` keeps what the run frees, for the next file.

A check parses every file and frees its syntax tree.  By default glibc gives freed memory at the
top of its heap back to the kernel once more than 128 KiB of it is free, and the next file's
parse takes it again: each page taken again is a page fault and a page the kernel zero-fills.
On the benchmark corpus that is more than half of a cold run's page faults (70,000 -> 30,000)
and about half of its system time.  A higher trim threshold keeps the memory in the process,
where the next parse reuses it; the peak grows by what is kept (a few MB).  Only the command
sets it, for the process it owns (``cli.run``); a library caller's process is left as it is,
and so is any platform without glibc's ``mallopt``.
"""

from __future__ import annotations

import sys

M_TRIM_THRESHOLD = -1  # glibc's <malloc.h>
KEPT = 256 * 2**20  # free memory at the heap's top kept before any is given back


def keep_freed_memory() -> bool:
    """Raise glibc's trim threshold for this process (inherited by the workers it forks);
    whether it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):  # no ctypes, or a libc without mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_TRIM_THRESHOLD, KEPT))
