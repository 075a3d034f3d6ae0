"""The graph is built in time linear in the number of connections.

Compared as growth between two sizes, in CPU time, best of several runs:
on a shared machine absolute times say little, but quadrupling the
receivers of one signal must not multiply the time by sixteen.
"""

from __future__ import annotations

import time

from signal_lint.catalog import load_catalog
from signal_lint.extract import extract_source
from signal_lint.graph import build_graph

LINEAR, QUADRATIC = 4, 16  # growth of the time when the size quadruples


def _receivers(count: int) -> bytes:
    """One module connecting ``count`` receivers to ``post_save``."""
    return (
        "from django.dispatch import receiver\n"
        "from django.db.models.signals import post_save\n"
        + "".join(
            f"@receiver(post_save)\ndef h{i}(sender, **kwargs):\n    pass\n" for i in range(count)
        )
    ).encode()


def _build_time(count: int) -> float:
    facts = [extract_source(_receivers(count), "a.py", "a")]
    catalog = load_catalog()
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        graph = build_graph(facts, catalog)
        best = min(best, time.process_time() - start)
    assert len(graph.connections) == count and {e.status for e in graph.connections} == {"live"}
    return best


def test_many_receivers_of_one_signal_cost_linear_time():
    small, large = _build_time(400), _build_time(1600)
    growth = large / max(small, 1e-6)
    # between linear (4) and quadratic (16): the geometric mean
    assert growth < (LINEAR * QUADRATIC) ** 0.5, f"4x the receivers took {growth:.1f}x the time"
