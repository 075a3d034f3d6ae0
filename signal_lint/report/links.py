"""``--link-template``: source links in the HTML report (off unless asked for).

The template's placeholders: ``{path}`` (relative to the project root, as
in the JSON), ``{line}``, ``{abspath}`` (the absolute path, for editor URLs
such as ``vscode://file/{abspath}:{line}``) and ``{rev}`` (the checked-out
git commit, read from ``.git`` without running git; ``HEAD`` when unknown).
The report fills them in its script, escaping each value for a URL.
"""

from __future__ import annotations

import os
import re

PLACEHOLDERS = ("{rev}", "{path}", "{line}", "{abspath}")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_UNSAFE_SCHEMES = ("javascript", "data", "vbscript", "file")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class LinkError(ValueError):
    """A template that would not make a usable, safe link."""


def check_template(template: str) -> None:
    scheme = _SCHEME.match(template)
    if scheme is None:
        raise LinkError(
            f"--link-template {template!r}: give a URL with a scheme, e.g. "
            "https://github.com/org/repo/blob/{rev}/{path}#L{line} or vscode://file/{abspath}:{line}"
        )
    if scheme.group(1).lower() in _UNSAFE_SCHEMES:
        raise LinkError(f"--link-template: `{scheme.group(1)}:` links are not allowed")
    if "{path}" not in template and "{abspath}" not in template:
        raise LinkError("--link-template: the template needs {path} or {abspath}")


def git_revision(root: str) -> str | None:
    """The commit checked out in the repository holding ``root``, read from ``.git`` (no git run)."""
    directory = os.path.abspath(root)
    for _ in range(64):
        dotgit = os.path.join(directory, ".git")
        if os.path.isdir(dotgit) or os.path.isfile(dotgit):
            return _head(_git_dir(dotgit))
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent
    return None


def _read(path: str) -> str | None:
    from signal_lint.reading import read_regular_file

    try:
        return read_regular_file(path, 1 << 20).decode("utf-8", "replace")
    except OSError:
        return None


def _git_dir(dotgit: str) -> str:
    if os.path.isdir(dotgit):
        return dotgit
    text = _read(dotgit) or ""  # a worktree or submodule: "gitdir: <path>"
    if text.startswith("gitdir:"):
        target = text[len("gitdir:") :].strip()
        return os.path.normpath(os.path.join(os.path.dirname(dotgit), target))
    return dotgit


def _head(git_dir: str) -> str | None:
    head = (_read(os.path.join(git_dir, "HEAD")) or "").strip()
    if _SHA.match(head):
        return head
    if not head.startswith("ref:"):
        return None
    ref = head[len("ref:") :].strip()
    common = (_read(os.path.join(git_dir, "commondir")) or "").strip()
    places = [git_dir] + ([os.path.normpath(os.path.join(git_dir, common))] if common else [])
    for place in places:
        value = (_read(os.path.join(place, ref)) or "").strip()
        if _SHA.match(value):
            return value
        for line in (_read(os.path.join(place, "packed-refs")) or "").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref and _SHA.match(parts[0]):
                return parts[0]
    return None
