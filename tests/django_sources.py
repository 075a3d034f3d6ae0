"""Django's source for versions other than the installed one, for tests that check against it.

Each version's sdist is fetched once with ``pip download`` (PyPI, or whatever index and
``--find-links`` pip is configured with: ``PIP_FIND_LINKS=<dir holding the .tar.gz>`` works
offline) into a cache outside the repository, and its ``django`` package unpacked there.  The
files are read or loaded as standalone modules; nothing is installed.  A version that cannot be
had fails the test that asked for it, saying why: it never skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest
from ci_cache import CACHE as CI_CACHE

# The newest release of each series the tests compare with (4.2 LTS and the newest series).
RELEASES = {(4, 2): "4.2.30", (6, 1): "6.1.3"}

CACHE = CI_CACHE / "django-sources"


def django_package(version: tuple[int, int]) -> Path:
    """The unpacked ``django`` package directory of ``version``'s release (see ``RELEASES``)."""
    release = RELEASES[version]
    target = CACHE / f"django-{release}"
    package = target / "django"
    if (package / "dispatch" / "dispatcher.py").is_file():
        return package
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as work:
        sdist = _download(release, Path(work))
        unpacked = Path(work) / "unpacked"
        _unpack_package(sdist, unpacked)
        if not (unpacked / "django" / "dispatch" / "dispatcher.py").is_file():
            pytest.fail(f"{sdist.name} holds no django/dispatch/dispatcher.py")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(unpacked, target)  # whole or not at all: an interrupted run leaves no half
    return package


def _download(release: str, directory: Path) -> Path:
    command = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--no-binary", ":all:", "--ignore-requires-python",  # 6.x needs Python 3.12 to *run*
        f"django=={release}", "--dest", str(directory),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"could not download Django {release}'s sdist ({' '.join(command)}): {error}")
    found = sorted(directory.glob("*.tar.gz"))
    if done.returncode != 0 or not found:
        pytest.fail(
            f"could not download Django {release}'s sdist ({' '.join(command)}, exit "
            f"{done.returncode}): {done.stderr.strip()[-2000:]}\n"
            f"Offline, put django-{release}.tar.gz in a directory and set PIP_FIND_LINKS to it."
        )
    return found[0]


def _unpack_package(sdist: Path, into: Path) -> None:
    """Only the ``django/`` package of the sdist (``Django-x.y.z/django/...``), as plain files."""
    with tarfile.open(sdist) as archive:
        members = []
        for member in archive.getmembers():
            parts = Path(member.name).parts
            if len(parts) < 2 or parts[1] != "django" or ".." in parts:
                continue
            if not (member.isfile() or member.isdir()):
                continue  # no links or devices from an archive
            member.name = str(Path(*parts[1:]))
            members.append(member)
        if hasattr(tarfile, "data_filter"):
            archive.extractall(into, members=members, filter="data")
        else:  # pragma: no cover - Python builds without the 2023 extraction filters
            archive.extractall(into, members=members)
