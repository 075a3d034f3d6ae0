"""Module names from file locations, the way Python's import system sees them.

A file's dotted module name comes from walking up through directories that
hold an ``__init__.py``; a directory without one inside such a package is a
namespace package of it (``shop/views/list/lists.py`` is ``shop.views.list.lists``
when ``shop/views/__init__.py`` exists: ``from .list.lists import X`` in
``shop/views/__init__.py`` imports it).  Configured ``src`` roots override that
walk (a file under a root is named relative to it, namespace packages included).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache

TEST_FILE_NAMES = ("tests.py", "test.py", "conftest.py")
TEST_DIR_NAMES = ("tests", "test", "testing")


def module_name(path: str, src_roots: Sequence[str] = ()) -> tuple[str, bool]:
    """Return ``(dotted module name, is_package)`` for the file at ``path``."""
    if not os.path.isabs(path):
        path = os.path.abspath(path)
    directory, filename = os.path.split(path)
    stem = filename[:-3] if filename.endswith(".py") else filename
    is_package = stem == "__init__"
    root = _matching_root(path, src_roots)
    if root is not None:
        rel = os.path.relpath(directory, root)
        parts = [] if rel == os.curdir else rel.split(os.sep)
    else:
        parts = list(_package_parts(directory))
    if not is_package:
        parts.append(stem)
    return ".".join(p for p in parts if p) or stem, is_package


@lru_cache(maxsize=4096)
def _package_parts(directory: str) -> tuple[str, ...]:
    """Package names from the outermost directory with an ``__init__.py`` down to ``directory``;
    a directory without one counts when its parent is a package (Python imports it as a namespace
    package inside that one), and starts nothing otherwise."""
    parent, package = os.path.split(directory)
    if not package:
        return ()
    outer = _package_parts(parent)
    if not os.path.isfile(os.path.join(directory, "__init__.py")):
        return outer + (package,) if outer and package.isidentifier() else ()
    return outer + (package,)


def _matching_root(path: str, src_roots: Sequence[str]) -> str | None:
    best = None
    for root in src_roots:
        root = os.path.abspath(root)
        if path.startswith(root + os.sep) and (best is None or len(root) > len(best)):
            best = root
    return best


def is_test_path(path: str) -> bool:
    """Test modules: their own receivers and imports do not count as production code."""
    parts = os.path.normpath(path).split(os.sep)
    name = parts[-1]
    if name in TEST_FILE_NAMES or name.startswith("test_") or name.endswith("_tests.py"):
        return True
    return any(part in TEST_DIR_NAMES for part in parts[:-1])


def resolve_relative(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Absolute module for ``from <level dots><target> import ...`` written in ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    if target:
        parts.append(target)
    return ".".join(parts)
