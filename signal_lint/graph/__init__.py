"""Graph: all files' facts + catalog + dispatcher model -> the project's signal graph.

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from signal_lint.graph.build import (
    NEVER_IMPORTED,
    TEST_ONLY,
    Edge,
    Graph,
    ReceiverNode,
    SendNode,
    SignalNode,
    build_graph,
)

__all__ = [
    "NEVER_IMPORTED",
    "TEST_ONLY",
    "Edge",
    "Graph",
    "ReceiverNode",
    "SendNode",
    "SignalNode",
    "build_graph",
]
