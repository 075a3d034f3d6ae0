"""Read a file that may be hostile: regular files only, never more than a set number of bytes.

A checked tree is whatever a pull request put there: a FIFO named ``x.py``
would block ``open()`` for ever, a link to ``/dev/zero`` would be read until
memory runs out.  So files are opened without blocking, must be regular
files, and are read up to a limit (one byte more, to tell a file that grew
past it).  Every refusal is an ``OSError`` whose ``strerror`` says why, so
callers report it like any unreadable file.
"""

from __future__ import annotations

import errno
import os
import stat

# Source files larger than this are reported (SIG000), not parsed: ``max-file-size``.
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(OSError):
    """A FIFO, socket, device or directory where a file's contents were expected."""


class FileTooLarge(OSError):
    """A regular file above the size limit."""


def read_regular_file(path: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit`` of them.

    Raises ``OSError`` (``NotRegularFile``, ``FileTooLarge`` or the operating
    system's own) instead of blocking or reading without end.
    """
    descriptor = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({_kind(info.st_mode)})", path)
        if info.st_size > limit:
            raise FileTooLarge(errno.EFBIG, _too_large(info.st_size, limit), path)
        chunks = []
        remaining = limit + 1
        while remaining > 0:  # a file growing while read still stops at the limit
            chunk = os.read(descriptor, min(remaining, max(info.st_size, 65536)))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise FileTooLarge(errno.EFBIG, _too_large(len(data), limit), path)
        return data
    finally:
        os.close(descriptor)


def _too_large(size: int, limit: int) -> str:
    return f"file too large ({size:,} bytes; the limit, max-file-size, is {limit:,})"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"
