"""Writing files: a new file atomically, or a user's file in place.

``write_atomically`` (caches, reports, baselines): a temporary file beside
the target, then ``os.replace``, so readers see the old content or the new,
never half of either, and two writers racing each leave a complete file.

``write_in_place`` (``--fix``): a user's source file gets new content but
stays the same file: a symlink keeps pointing where it pointed (its target
is rewritten), hard links stay linked, and mode and owner are kept.
"""

from __future__ import annotations

import os
import stat
import tempfile


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` (a symlink itself, not its target) by a file holding ``data``."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    _replace(path, data, mode)


def write_in_place(path: str, data: bytes) -> None:
    """Give the existing regular file at ``path`` the content ``data``; it stays the same file.

    - A symlink is followed: the file it points to is rewritten, the link stays.
    - A file with other hard links is rewritten in place (same inode), so
      every name still shows the same content; this one write is not atomic.
    - Otherwise a temporary file beside it replaces it atomically, with the
      file's permission bits (and owner and group, where allowed).

    Raises ``OSError`` (``IsADirectoryError`` or ``OSError`` for what is not a
    regular file) and writes nothing then.
    """
    real = os.path.realpath(path)
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path}: not a regular file")
    if info.st_nlink > 1:
        with open(real, "r+b") as handle:
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        return
    _replace(real, data, stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid))


def _replace(path: str, data: bytes, mode: int, owner: tuple[int, int] | None = None) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".signal-lint-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, mode)
        if owner is not None and hasattr(os, "chown"):
            try:
                os.chown(temporary, *owner)
            except OSError:  # not ours to give away: the new file is the writer's
                pass
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
