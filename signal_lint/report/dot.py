"""``--format dot``: the graph for Graphviz, one edge per connection from sender to receiver.

Each connection is an edge from the sender it listens for (a model, a
class, ``any sender``, or an expression signal-lint cannot resolve) to its
receiver, labelled with the signal; dead, connected-later and test-only
connections are dashed or dotted in their status colour, and so are
receivers none of whose connections runs.  A receiver with findings has a
thick red border and their codes under its name.  Signals sent but connected
to nothing are drawn as ellipses their senders point to.

https://graphviz.org/doc/info/lang.html
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signal_lint.report.graph_view import (
    LIVE,
    TEST_ONLY,
    GraphView,
    Node,
    is_dead,
    status_colour,
    status_label,
)

FINDING_COLOUR = "#b91c1c"


def quoted(text: str) -> str:
    """A DOT double-quoted string (``\\`` and ``"`` escaped, line breaks made ``\\n``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _attributes(**values: str | int) -> str:
    return (
        "["
        + ", ".join(
            f"{key}={quoted(value) if isinstance(value, str) else value}"
            for key, value in values.items()
        )
        + "]"
    )


def _codes(node: Node) -> str:
    return ", ".join(sorted({str(f.get("code")) for f in node.findings}))


def _receiver(node: Node) -> str:
    label = node.name
    style = ["rounded", "filled"]
    attributes: dict[str, str | int] = {"fillcolor": "#ffffff", "color": "#10b981"}
    if node.status != LIVE:
        colour = status_colour(node.status)
        attributes["color"] = colour
        label += f"\n[{status_label(node.status)}]"
        if node.status == TEST_ONLY:
            style.append("dotted")
            attributes["fillcolor"] = "#f8fafc"
        elif is_dead(node.status):
            style.append("dashed")
            attributes["fillcolor"] = "#fef2f2"
        else:
            style.append("dotted")
            attributes["fillcolor"] = "#eff6ff"
    if node.findings:  # a thick border: red on a live receiver, the status colour on others
        label += f"\n{len(node.findings)} finding(s): {_codes(node)}"
        attributes["penwidth"] = 2
        if node.status == LIVE:
            attributes["color"] = FINDING_COLOUR
    return (
        f"  {node.id} "
        + _attributes(
            label=label,
            tooltip=f"{node.path}:{node.line}" if node.path else node.name,
            style=",".join(style),
            **attributes,
        )
        + ";"
    )


def _sender(node: Node) -> str:
    attributes: dict[str, str | int] = {
        "label": node.name,
        "fillcolor": "#f1f5f9",
        "style": "filled",
    }
    if node.key is None or node.unresolved:
        attributes["style"] = "filled,dashed"
        attributes["fillcolor"] = "#f8fafc"
    if node.findings:
        attributes["label"] = f"{node.name}\n{len(node.findings)} finding(s): {_codes(node)}"
        attributes["color"] = FINDING_COLOUR
        attributes["penwidth"] = 2
    return f"  {node.id} " + _attributes(**attributes) + ";"


def as_dot(data: Mapping[str, Any], options: object = None) -> str:
    view = GraphView(data)
    lines = [
        "digraph signals {",
        "  rankdir=LR;",
        "  ranksep=1.2;",
        '  node [fontname="Helvetica", fontsize=11, shape=box];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in view.drawn_senders():
        lines.append(_sender(node))
    for node in view.receivers.values():
        lines.append(_receiver(node))
    lonely = view.unconnected_signals()
    for node in lonely:
        lines.append(
            f"  {node.id} "
            + _attributes(
                label=f"{node.name}\n(no receivers)",
                shape="ellipse",
                style="filled",
                fillcolor="#e0e7ff",
            )
            + ";"
        )
    edges = []
    for pair in view.pairs:
        status = pair.status
        short = pair.signal.name.rsplit(".", 1)[-1]
        attributes: dict[str, str | int] = {
            "label": short if status == LIVE else f"{short}\n({status_label(status)})",
            "tooltip": f"{pair.signal.name} ({pair.connection.get('path')}:{pair.connection.get('line')})",
        }
        if status != LIVE:
            attributes["color"] = status_colour(status)
            attributes["fontcolor"] = status_colour(status)
            attributes["style"] = "dashed" if is_dead(status) else "dotted"
        edges.append(f"  {pair.sender.id} -> {pair.receiver.id} " + _attributes(**attributes) + ";")
    names = {n.key for n in lonely}
    for send in view.sends:
        if send["signal"] in names:
            sender = view.sender_of(send.get("sender"))
            edges.append(
                f"  {sender.id} -> {view.signals[send['signal']].id} "
                + _attributes(label=f".{send.get('method', 'send')}()", color="#334155")
                + ";"
            )
    lines.extend(sorted(set(edges), key=edges.index))
    lines.append("}")
    return "\n".join(lines) + "\n"
