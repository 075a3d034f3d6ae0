"""The fixture projects' graphs, built once per session: a plugin the graph tests name in
``pytest_plugins`` (importing a fixture by name would shadow it with the test's parameter)."""

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


@pytest.fixture(scope="session")
def appconfigs_project() -> Graph:
    return graph_of_directory(PROJECTS / "appconfigs")


@pytest.fixture(scope="session")
def star_imports_project() -> Graph:
    return graph_of_directory(PROJECTS / "star_imports")
