"""Which files a run checks: walk the given paths, skip what is never project code.

Skips what ruff skips by default (version-control and tool directories,
``build``/``dist``, ``node_modules``, ``__pycache__``, ``site-packages``),
virtualenvs (any directory holding a ``pyvenv.cfg``) and the configured
``exclude`` globs.  Directory symlinks are followed once, and only
within the directory being checked; a link back to one of its own ancestors
or out of the tree is reported and skipped, never looped.  A file reached
twice (a link and its target, hard links) is checked once.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".direnv", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".signal_lint_cache",
        ".eggs", "site-packages", "__pypackages__", ".hypothesis", ".git-rewrite", ".ipynb_checkpoints",
        ".pants.d", ".pyenv", ".pytype", ".vscode", "_build", "buck-out", "build", "dist",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SourceFile:
    path: str  # absolute, for reading
    display: str  # as the user will see it: relative to what they typed


def discover(
    paths: Sequence[str], root: str, exclude: Sequence[str]
) -> tuple[list[SourceFile], list[str]]:
    """Files to check, sorted by display path, and messages about paths skipped.

    A file reached several ways (a symlink and its target, two hard links) is
    checked once, under the name that is not a symlink (the first such in
    display order).
    """
    excluded = Excluder(root, exclude)
    found: dict[Hashable, tuple[bool, SourceFile]] = {}  # identity -> (is a link, file)
    messages: list[str] = []

    def add(identity: Hashable, is_link: bool, source: SourceFile) -> None:
        kept = found.get(identity)
        if kept is None or (kept[0], kept[1].display) > (is_link, source.display):
            found[identity] = (is_link, source)

    for given in paths or ["."]:
        if not os.path.exists(given):
            messages.append(f"{given}: no such file or directory")
            continue
        if os.path.isfile(given):
            if not excluded(given):
                absolute = os.path.abspath(given)
                add(
                    _identity(absolute),
                    os.path.islink(given),
                    SourceFile(absolute, os.path.normpath(given)),
                )
            continue
        for identity, is_link, absolute, display in _walk(given, excluded, messages):
            add(identity, is_link, SourceFile(absolute, display))
    files = sorted((source for _, source in found.values()), key=lambda f: f.display)
    return files, messages


def _identity(path: str) -> Hashable:
    """What names one file however it is reached: device and inode (the path when it cannot be had)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return path
    return (info.st_dev, info.st_ino) if info.st_ino else path


def _walk(
    top: str, excluded: Excluder, messages: list[str]
) -> Iterator[tuple[Hashable, bool, str, str]]:
    """(identity, is a symlink, absolute path, display path) of the files below ``top``.

    A directory reached through a symlink is walked once, and is walked again
    by its own name (``discover`` keeps one name per file); a directory
    symlink is followed only when it points inside ``top`` (a link to ``/`` or
    ``/proc/self`` would walk the whole machine, for ever); a ``*.py`` link
    that cannot be followed (dangling, looping) is kept, to be reported when
    it is read.
    """
    ancestors: list[str] = []
    visited: set[str] = set()
    top_real = os.path.realpath(top)
    inside = os.path.join(top_real, "")

    def visit(
        directory: str, display: str, real: str, linked: bool
    ) -> Iterator[tuple[Hashable, bool, str, str]]:
        """``linked``: reached through a directory symlink (its files are not the real names)."""
        if real in ancestors:
            messages.append(f"{display}: skipped, symlink loop back to {os.path.relpath(real)}")
            return
        if linked and real in visited:
            return
        visited.add(real)
        ancestors.append(real)
        try:
            device = os.stat(directory).st_dev
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            messages.append(f"{display}: cannot list directory: {error.strerror or error}")
            ancestors.pop()
            return
        for entry in entries:
            shown = os.path.normpath(os.path.join(display, entry.name))
            is_link = entry.is_symlink()
            target: os.stat_result | None = None
            try:
                if is_link:  # the only entries whose kind needs a system call
                    target = os.stat(entry.path)
                    is_dir = stat.S_ISDIR(target.st_mode)
                else:
                    is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:  # a dangling or looping link, or an entry gone meanwhile
                if entry.name.endswith(".py") and not excluded(shown):
                    yield entry.path, linked or is_link, absolute + entry.path[prefix:], shown
                continue
            if is_dir:
                if (
                    entry.name in SKIPPED_DIRECTORIES
                    or entry.name.endswith(".egg-info")
                    or excluded(shown)
                ):
                    continue
                if os.path.exists(entry.path + os.sep + "pyvenv.cfg"):
                    continue  # a virtualenv
                child_real = real + os.sep + entry.name
                if is_link:  # only a symlink can lead out of the tree, or back to an ancestor
                    child_real = os.path.realpath(entry.path)
                    if child_real != top_real and not child_real.startswith(inside):
                        messages.append(
                            f"{shown}: skipped, symlink to a directory outside {top} "
                            f"({_link_text(entry.path)})"
                        )
                        continue
                yield from visit(entry.path, shown, child_real, linked or is_link)
            elif entry.name.endswith(".py") and not excluded(shown):
                identity = (
                    (target.st_dev, target.st_ino)
                    if target is not None
                    else (device, entry.inode())
                )
                yield identity, linked or is_link, absolute + entry.path[prefix:], shown
        ancestors.pop()

    absolute = os.path.join(os.path.abspath(top), "")
    prefix = len(os.path.join(top, ""))  # scandir paths below ``top`` all start with this
    yield from visit(top, os.path.normpath(top), top_real, False)


def _link_text(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return os.path.realpath(path)


class Excluder:
    """The ``exclude`` globs, compiled once: is a path excluded?

    A pattern matches the path relative to the config root, or the file or
    directory name; a path below a directory named by a pattern (relative to
    the root) is excluded too.  Patterns without wildcards (most of a long
    generated list) are set lookups; the others are one compiled regular
    expression, so 20,000 patterns cost little more per path than one does.
    """

    def __init__(self, root: str, patterns: Sequence[str]) -> None:
        self.root = root
        stripped = [os.path.normcase(pattern.rstrip("/")) for pattern in patterns]
        self.prefixes = set(stripped)
        self.literal = {p for p in stripped if not any(char in p for char in "*?[")}
        globs = [p for p in stripped if p not in self.literal]
        self.globs = (
            re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))
            if globs
            else None
        )

    def __call__(self, path: str) -> bool:
        if not self.prefixes:
            return False
        absolute = os.path.abspath(path)
        relative = os.path.normcase(os.path.relpath(absolute, self.root).replace(os.sep, "/"))
        name = os.path.normcase(os.path.basename(absolute))
        if relative in self.literal or name in self.literal:
            return True
        if self.globs is not None and (self.globs.match(relative) or self.globs.match(name)):
            return True
        position = relative.find("/")
        while position != -1:  # below a directory a pattern names
            if relative[:position] in self.prefixes:
                return True
            position = relative.find("/", position + 1)
        return False


def matches(path: str, root: str, pattern: str) -> bool:
    """Glob match for per-file-ignores, against the path relative to the config root."""
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(
        os.path.basename(relative), pattern
    )
