"""Find the project's Python environment and its ``site-packages`` as files, never running it.

The installed packages are read as source (``signal_lint/installed/``), so
all we need is where they are.  In order: ``--python PATH`` or the
``python = "..."`` config key (an interpreter or a virtual environment's
directory, as pyright and mypy take it), else ``$VIRTUAL_ENV``, else a
``.venv`` or ``venv`` folder at the project root.  ``site-packages`` is
found from the environment's layout (``pyvenv.cfg``,
``lib/python3.X/site-packages``, Windows' ``Lib/site-packages``); the
interpreter is never started, so this works from pre-commit's isolated
environment, where signal-lint is installed and the project's packages are not.

https://docs.python.org/3/library/venv.html#how-venvs-work
https://docs.python.org/3/library/site.html
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from signal_lint.reading import read_regular_file

# pyvenv.cfg and the like are a few lines; anything larger is not what we think it is.
MAX_CONFIG_BYTES = 64 * 1024
VENV_FOLDERS = (".venv", "venv")
_PYTHON_DIRECTORY = re.compile(r"^python(\d+)\.(\d+)t?$")


@dataclass(frozen=True)
class Environment:
    """Where a Python environment keeps its installed packages."""

    prefix: str  # the environment's directory (the venv, or the installation)
    site_packages: tuple[str, ...]  # existing directories, in the order Python searches them
    found_by: str  # "python" (--python or the config key), "$VIRTUAL_ENV", ".venv", "venv"


@dataclass(frozen=True)
class Search:
    """The outcome of looking for an environment: one, or why none."""

    environment: Environment | None
    # Something the user asked for (or that we found) could not be used: always said.
    problem: str | None = None
    # Nothing was asked for and nothing was found: said with --verbose only.
    note: str | None = None


def find_environment(
    python: str | None, root: str, environ: Mapping[str, str] | None = None
) -> Search:
    """The project's environment: ``python`` (``--python``, or the ``python`` config key),
    else ``$VIRTUAL_ENV``, else ``root/.venv`` or ``root/venv``."""
    environ = os.environ if environ is None else environ
    if python:
        return _explicit(python, "python")
    virtual_env = environ.get("VIRTUAL_ENV")
    if virtual_env and not _own_hook_environment(virtual_env, environ):
        return _explicit(virtual_env, "$VIRTUAL_ENV")
    for folder in VENV_FOLDERS:
        candidate = os.path.join(root, folder)
        if os.path.isfile(os.path.join(candidate, "pyvenv.cfg")):
            return _explicit(candidate, folder)
    return Search(
        None,
        note="no Python environment found (no --python, no `python` config key, no $VIRTUAL_ENV, "
        f"no .venv or venv in {root}): installed packages are not read",
    )


def _own_hook_environment(virtual_env: str, environ: Mapping[str, str]) -> bool:
    """pre-commit runs hooks with ``$VIRTUAL_ENV`` set to the hook's own isolated environment
    (and ``PRE_COMMIT=1``): that one holds signal-lint, not the project's packages."""
    return bool(environ.get("PRE_COMMIT")) and _same_path(virtual_env, sys.prefix)


def _same_path(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return os.path.abspath(first) == os.path.abspath(second)


def _explicit(path: str, found_by: str) -> Search:
    """An interpreter or an environment directory that was named: use it, or say why not."""
    if not os.path.lexists(path):  # a venv whose base Python is gone still has its packages
        return Search(None, problem=f"{found_by} {path}: no such file or directory")
    prefixes = _prefixes(path)
    for prefix in prefixes:
        site_packages = site_packages_of(prefix)
        if site_packages:
            return Search(Environment(prefix, site_packages, found_by))
    return Search(
        None,
        problem=f"{found_by} {path}: no site-packages found in {prefixes[0]} "
        "(looked for lib/python3.*/site-packages and Lib/site-packages): "
        "installed packages are not read",
    )


def _prefixes(path: str) -> list[str]:
    """The environment directories ``path`` may stand for, most likely first.

    A directory is the environment.  An interpreter lives in ``bin/`` (``Scripts\\`` on
    Windows) of its environment, or at its top (Windows installations, conda): the path as
    given first, since a venv's ``python`` is a symlink to the base interpreter; the
    resolved path next, for ``/usr/bin/python3`` style links to an installation.
    """
    if os.path.isdir(path):
        return [os.path.abspath(path)]
    found: list[str] = []
    for candidate in (os.path.abspath(path), os.path.realpath(path)):
        directory = os.path.dirname(candidate)
        prefix = (
            os.path.dirname(directory)
            if os.path.basename(directory).lower() in ("bin", "scripts")
            else directory
        )
        if prefix not in found:
            found.append(prefix)
    return found


def site_packages_of(prefix: str) -> tuple[str, ...]:
    """The ``site-packages`` directories of the environment at ``prefix``, from its layout alone.

    A venv's ``pyvenv.cfg`` names its Python version (to pick ``lib/python3.X``
    when several exist) and whether the base installation's packages are
    visible too (``include-system-site-packages``), and where that base is (``home``).
    """
    settings = _pyvenv_cfg(prefix)
    version = _version(settings.get("version_info") or settings.get("version") or "")
    found = _layout(prefix, version)
    if settings.get("include-system-site-packages", "").lower() == "true" and settings.get("home"):
        home = settings["home"]
        base = (
            os.path.dirname(home) if os.path.basename(home).lower() in ("bin", "scripts") else home
        )
        found += [path for path in _layout(base, version) if path not in found]
    unique: list[str] = []
    seen: set[str] = set()
    for path in found:
        real = os.path.realpath(path)  # lib64 is often a symlink to lib
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return tuple(unique)


def _layout(prefix: str, version: tuple[int, int] | None) -> list[str]:
    found = []
    for lib in ("lib", "lib64"):
        directory = os.path.join(prefix, lib)
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        versions = []
        for name in names:
            match = _PYTHON_DIRECTORY.match(name)
            if match:
                versions.append(((int(match.group(1)), int(match.group(2))), name))
        # the venv's own version first; otherwise newest first
        versions.sort(key=lambda item: (item[0] != version, tuple(-n for n in item[0]), item[1]))
        for _, name in versions:
            candidate = os.path.join(directory, name, "site-packages")
            if os.path.isdir(candidate):
                found.append(candidate)
    windows = os.path.join(prefix, "Lib", "site-packages")
    if os.path.isdir(windows) and windows not in found:
        found.append(windows)
    return found


def _pyvenv_cfg(prefix: str) -> dict[str, str]:
    """``key = value`` lines of ``pyvenv.cfg`` (what ``site`` reads), or nothing."""
    text = read_small_text(os.path.join(prefix, "pyvenv.cfg"))
    settings: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            settings[key.strip().lower()] = value.strip()
    return settings


def _version(text: str) -> tuple[int, int] | None:
    parts = text.split(".")
    if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
        return int(parts[0]), int(parts[1])
    return None


def read_small_text(path: str, limit: int = MAX_CONFIG_BYTES) -> str | None:
    """The text of a small regular file, or None (missing, unreadable, a FIFO or device that
    would block, too large, not UTF-8): metadata we can do without is never an error."""
    data = read_or_none(path, limit)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_or_none(path: str, limit: int) -> bytes | None:
    """The bytes of the regular file ``path`` (at most ``limit``), or None: an environment's
    metadata we can do without is never an error (``signal_lint.reading`` refuses FIFOs,
    devices and oversized files instead of blocking or reading without end)."""
    try:
        return read_regular_file(path, limit)
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None
