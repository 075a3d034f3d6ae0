"""Run a script in a subprocess the way the runtime-truth tests start Django on a fixture project."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def run(argv: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """``argv`` in ``cwd`` with ``env`` added (no bytecode written, no cache directory inherited);
    it must succeed."""
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}
    environment.pop("SIGNAL_LINT_CACHE_DIR", None)
    proc = subprocess.run(
        argv, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def run_in_project(
    project: Path, script: str, *args: str, settings: str = "config.settings"
) -> str:
    """The output of ``python -c script args`` with Django set up for ``project``'s settings."""
    import sys

    return run(
        [sys.executable, "-c", script, *args],
        project,
        DJANGO_SETTINGS_MODULE=settings,
        PYTHONPATH=str(project),
    ).stdout
