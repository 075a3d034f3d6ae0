"""``--format mermaid``: the graph as a Mermaid flowchart, one edge per connection.

The same picture as DOT: sender -> receiver edges labelled with the signal,
statuses as ``classDef`` classes (dead dashed, test-only and connected-later
dotted, findings with a thick red border).  Labels are quoted strings with
Mermaid's entity codes for the characters it would otherwise read
(``<locals>`` is written ``#lt;locals#gt;`` and shows as ``<locals>``).

https://mermaid.js.org/syntax/flowchart.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signal_lint.report.graph_view import (
    LIVE,
    TEST_ONLY,
    GraphView,
    css_name,
    is_dead,
    status_colour,
    status_label,
)

MAX_EDGES = 500  # Mermaid's own default ``maxEdges``: beyond it, it refuses to draw
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def label(text: str) -> str:
    """A quoted Mermaid label: every character Mermaid reads specially as an entity code."""
    escaped = "".join(_ENTITIES.get(c, c) for c in " ".join(text.split()))
    return f'"{escaped}"'


def _class(status: str) -> str:
    return "status_" + css_name(status)


def as_mermaid(data: Mapping[str, Any], options: object = None) -> str:
    view = GraphView(data)
    lines = [
        "flowchart LR",
        "  classDef sender fill:#f1f5f9,stroke:#64748b,color:#1e293b",
        "  classDef anysender fill:#f8fafc,stroke:#94a3b8,stroke-dasharray:4 3,color:#1e293b",
        "  classDef receiver fill:#ffffff,stroke:#10b981,color:#1e293b",
        "  classDef signal fill:#e0e7ff,stroke:#4f46e5,color:#1e293b",
        "  classDef findings stroke:#b91c1c,stroke-width:3px",
    ]
    statuses = sorted({n.status for n in view.receivers.values() if n.status != LIVE})
    for status in statuses:
        dash = "2 2" if status == TEST_ONLY or not is_dead(status) else "6 3"
        fill = "#f8fafc" if status == TEST_ONLY else "#fef2f2" if is_dead(status) else "#eff6ff"
        lines.append(
            f"  classDef {_class(status)} fill:{fill},stroke:{status_colour(status)},stroke-dasharray:{dash}"
        )
    classes: dict[str, list[str]] = {}
    for node in view.drawn_senders():
        lines.append(f"  {node.id}[{label(node.name)}]")
        kind = "anysender" if node.key is None or node.unresolved else "sender"
        classes.setdefault(kind, []).append(node.id)
        if node.findings:
            classes.setdefault("findings", []).append(node.id)
    for node in view.receivers.values():
        text = node.name if node.status == LIVE else f"{node.name} [{status_label(node.status)}]"
        if node.findings:
            codes = ", ".join(sorted({str(f.get("code")) for f in node.findings}))
            text += f" ({len(node.findings)} finding(s): {codes})"
        lines.append(f"  {node.id}({label(text)})")
        classes.setdefault("receiver", []).append(node.id)
        if node.status != LIVE:
            classes.setdefault(_class(node.status), []).append(node.id)
        if node.findings:
            classes.setdefault("findings", []).append(node.id)
    lonely = view.unconnected_signals()
    for node in lonely:
        lines.append(f"  {node.id}([{label(node.name + ' (no receivers)')}])")
        classes.setdefault("signal", []).append(node.id)
    edges = []
    for pair in view.pairs:
        status = pair.status
        short = pair.signal.name.rsplit(".", 1)[-1]
        if status == LIVE:
            edges.append(f"  {pair.sender.id} -->|{label(short)}| {pair.receiver.id}")
        else:
            text = f"{short} ({status_label(status)})"
            edges.append(f"  {pair.sender.id} -.->|{label(text)}| {pair.receiver.id}")
    names = {n.key for n in lonely}
    for send in view.sends:
        if send["signal"] in names:
            sender = view.sender_of(send.get("sender"))
            method = f".{send.get('method', 'send')}()"
            edges.append(f"  {sender.id} ==>|{label(method)}| {view.signals[send['signal']].id}")
    lines.extend(dict.fromkeys(edges))
    order = (
        ["sender", "anysender", "receiver", "signal"] + [_class(s) for s in statuses] + ["findings"]
    )
    for name in order:
        if classes.get(name):
            lines.append(f"  class {','.join(classes[name])} {name}")
    return "\n".join(lines) + "\n"
