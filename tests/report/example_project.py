"""The example project as a fixture for the output-format tests (named in their ``pytest_plugins``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "example_project"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the example project as the current directory, with its own cache."""
    shutil.copytree(EXAMPLE, tmp_path / "project")
    monkeypatch.chdir(tmp_path / "project")
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "project"
