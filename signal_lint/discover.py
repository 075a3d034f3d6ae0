"""Which files a run checks: walk the given paths, skip what is never project code.

Skips what ruff skips by default (version-control and tool directories,
``build``/``dist``, ``node_modules``, ``__pycache__``, ``site-packages``),
virtualenvs (any directory holding a ``pyvenv.cfg``) and the configured
``exclude`` globs.  Directory symlinks are followed once; a link
back to one of its own ancestors is reported and skipped, never looped.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
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
    """Files to check, sorted by display path, and messages about paths skipped."""
    found: dict = {}
    messages: list[str] = []
    for given in paths or ["."]:
        if not os.path.exists(given):
            messages.append(f"{given}: no such file or directory")
            continue
        if os.path.isfile(given):
            if not _excluded(given, root, exclude):
                found.setdefault(
                    os.path.abspath(given),
                    SourceFile(os.path.abspath(given), os.path.normpath(given)),
                )
            continue
        for absolute, display in _walk(given, root, exclude, messages):
            found.setdefault(absolute, SourceFile(absolute, display))
    files = sorted(found.values(), key=lambda f: f.display)
    return files, messages


def _walk(
    top: str, root: str, exclude: Sequence[str], messages: list[str]
) -> Iterator[tuple[str, str]]:
    """Files below ``top``; a directory reached twice (through a symlink) is walked once."""
    ancestors: list[str] = []
    visited: set[str] = set()

    def visit(directory: str, display: str, real: str) -> Iterator[tuple[str, str]]:
        if real in ancestors:
            messages.append(f"{display}: skipped, symlink loop back to {os.path.relpath(real)}")
            return
        if real in visited:
            return
        visited.add(real)
        ancestors.append(real)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as error:
            messages.append(f"{display}: cannot list directory: {error.strerror or error}")
            ancestors.pop()
            return
        for entry in entries:
            shown = os.path.normpath(os.path.join(display, entry.name))
            try:
                is_dir = entry.is_dir()
            except OSError:
                continue
            if is_dir:
                if (
                    entry.name in SKIPPED_DIRECTORIES
                    or entry.name.endswith(".egg-info")
                    or _excluded(shown, root, exclude)
                ):
                    continue
                if os.path.exists(entry.path + os.sep + "pyvenv.cfg"):
                    continue  # a virtualenv
                # only a symlink can lead back to an ancestor: resolve just those
                child_real = (
                    os.path.realpath(entry.path)
                    if entry.is_symlink()
                    else real + os.sep + entry.name
                )
                yield from visit(entry.path, shown, child_real)
            elif entry.name.endswith(".py"):
                if not _excluded(shown, root, exclude):
                    yield absolute + entry.path[prefix:], shown
        ancestors.pop()

    absolute = os.path.join(os.path.abspath(top), "")
    prefix = len(os.path.join(top, ""))  # scandir paths below ``top`` all start with this
    yield from visit(top, os.path.normpath(top), os.path.realpath(top))


def _excluded(path: str, root: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    name = os.path.basename(absolute)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if (
            fnmatch.fnmatch(relative, pattern)
            or fnmatch.fnmatch(name, pattern)
            or relative.startswith(pattern + "/")
        ):
            return True
    return False


def matches(path: str, root: str, pattern: str) -> bool:
    """Glob match for per-file-ignores, against the path relative to the config root."""
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    return fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(
        os.path.basename(relative), pattern
    )
