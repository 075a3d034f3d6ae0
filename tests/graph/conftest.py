"""Fixtures of the graph tests: the graphs of fixtures/projects/ (built once per session)."""
from __future__ import annotations

import pytest
from graph_helpers import PROJECTS, graph_of_directory

from signal_lint.graph import Graph


@pytest.fixture(scope="session")
def loading_project() -> Graph:
    return graph_of_directory(PROJECTS / "loading")


@pytest.fixture(scope="session")
def ready_helpers_project() -> Graph:
    return graph_of_directory(PROJECTS / "ready_helpers")


@pytest.fixture(scope="session")
def reexports_project() -> Graph:
    return graph_of_directory(PROJECTS / "reexports")
