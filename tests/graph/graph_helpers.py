"""Helpers for the graph tests: the graph of a fixture project, or of a few modules given as text.

Not a conftest.py: tests/rules/ imports its own ``conftest`` by name, and two would clash.  The
fixture projects are in ``graph_fixtures`` (a test module names it in ``pytest_plugins``).
"""

from __future__ import annotations

from pathlib import Path

from module_files import facts_of

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.engine import graph_paths
from signal_lint.graph import Graph, build_graph

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = ROOT / "fixtures" / "projects"


def graph_of_directory(directory: Path) -> Graph:
    graph, _, _ = graph_paths(
        [str(directory)], Config(root=str(directory)), jobs=1, use_cache=False
    )
    return graph


def graph_of(files: dict[str, str]) -> Graph:
    """The graph of modules given as {path: source}, each extracted the way a run would."""
    return build_graph(facts_of(files), load_catalog())


def edges_by_receiver(graph: Graph) -> dict[str, tuple]:
    """receiver -> (status, conditional, phase) of its (only) edge."""
    return {
        edge.receiver: (edge.status, edge.conditional, edge.phase) for edge in graph.connections
    }
