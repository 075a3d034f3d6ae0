"""The throwaway environment holding real packages from PyPI, built once and reused.

The ``packages_venv`` fixture (``tests/conftest.py``) builds it when a test first asks.

``requirements.txt`` pins django-allauth, wagtail, django-cms and
django-registration with every dependency.  The environment is built with
the test runner's Python (``python -m venv``, then pip) into a directory
outside the repository, keyed by the requirements and the Python version, so
later test runs (and CI on the same machine) reuse it; building it from an
empty pip cache takes about a minute.  ``SIGNAL_LINT_TEST_ENVIRONMENTS``
moves that directory.  signal-lint itself is never installed there: it reads
the environment from outside, as from pre-commit's isolated environment.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "installed"
REQUIREMENTS = HERE / "requirements.txt"
ROOT = HERE.parent.parent
FIXTURE_PROJECT = ROOT / "fixtures" / "projects" / "installed_packages"
BUILD_TIMEOUT = 480  # seconds: .ci/run's whole budget is 10 minutes


def environments_directory() -> Path:
    configured = os.environ.get("SIGNAL_LINT_TEST_ENVIRONMENTS")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "signal-lint-tests"


def environment_key() -> str:
    digest = hashlib.blake2b(REQUIREMENTS.read_bytes(), digest_size=8)
    digest.update(f"{sys.version_info[0]}.{sys.version_info[1]}".encode())
    return digest.hexdigest()


def site_packages(venv: Path) -> Path:
    (found,) = (venv / "lib").glob("python3.*/site-packages")
    return found


def build_environment() -> Path:
    """The environment of ``requirements.txt``: built unless a complete one exists."""
    base = environments_directory()
    base.mkdir(parents=True, exist_ok=True)
    venv = base / f"packages-{environment_key()}"
    ready = venv / "signal-lint-test-ready"
    with open(base / f"packages-{environment_key()}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test run may be building it
        if ready.is_file():
            return venv
        if venv.exists():
            shutil.rmtree(venv)  # a build that did not finish
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        result = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-input",
                "-r",
                str(REQUIREMENTS),
            ],
            capture_output=True,
            text=True,
            timeout=BUILD_TIMEOUT,
        )
        if result.returncode != 0:
            raise RuntimeError(f"pip install -r {REQUIREMENTS} failed:\n{result.stderr[-4000:]}")
        ready.write_text(f"built in {time.monotonic() - started:.0f} s\n")
    return venv


@pytest.fixture(scope="session")
def packages_venv() -> Path:
    """A real virtual environment with django-allauth, wagtail, django-cms and
    django-registration installed from PyPI (and not signal-lint): built once, reused.
    (Import it into a test module to use it.)"""
    return build_environment()
