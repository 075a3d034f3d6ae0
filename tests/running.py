"""Run ``signal-lint`` in a child process with a deadline, so a hang fails its test instead of the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_signal_lint(
    *args: str, cwd: str | Path, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """``python -m signal_lint ARGS`` in ``cwd``; a run that outlives ``timeout`` seconds fails the test."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "signal_lint", *args],
            cwd=cwd,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"signal-lint {' '.join(args)} still running after {timeout} s"
        ) from None
