"""Graph renderers: the sender -> signal -> receiver graph as JSON, text, DOT and Mermaid.

The JSON is the interface (``signals``, ``receivers``, ``connections``,
``sends``; PRODUCT.md): the other formats, the HTML report included, are
drawn from the same data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from signal_lint.findings import Finding
from signal_lint.graph import Graph


def graph_data(graph: Graph, findings: Sequence[Finding] = ()) -> dict[str, Any]:
    """Plain data of the graph (sorted, deterministic), with findings attached to what they concern."""
    return {
        "signals": [
            {
                "name": node.qualname,
                "short_name": node.name,
                "builtin": node.builtin,
                "model_signal": node.model_signal,
                "path": node.path,
                "line": node.line,
            }
            for node in sorted(graph.signals.values(), key=lambda n: n.qualname)
            if _used(graph, node.qualname)
        ],
        "receivers": [
            {"name": node.qualname, "kind": node.kind, "path": node.path, "line": node.line}
            for node in sorted(graph.receivers.values(), key=lambda n: n.qualname)
        ],
        "connections": [
            {
                "signal": edge.signal,
                "receiver": edge.receiver,
                "sender": edge.sender,
                "weak": edge.weak,
                "dispatch_uid": edge.dispatch_uid
                if isinstance(edge.dispatch_uid, (str, int, float, bool, type(None)))
                else repr(edge.dispatch_uid),
                "path": edge.path,
                "line": edge.line,
                "status": edge.status,
                "reason": edge.reason,
                "kind": edge.kind,
                "context": edge.context,
                "conditional": edge.conditional,
            }
            for edge in graph.connections
        ],
        "sends": [
            {
                "signal": send.signal,
                "method": send.method,
                "sender": send.sender,
                "arguments": sorted(set(send.keywords) - {"sender"}),
                "path": send.path,
                "line": send.line,
            }
            for send in graph.sends
        ],
        "findings": [
            {
                "code": f.code,
                "name": f.name,
                "severity": f.severity,
                "path": f.path,
                "line": f.line,
                "column": f.column + 1,
                "message": f.message,
            }
            for f in findings
        ],
    }


def _used(graph: Graph, signal: str) -> bool:
    node = graph.signals[signal]
    return (
        not node.builtin
        or any(e.signal == signal for e in graph.connections)
        or any(s.signal == signal for s in graph.sends)
    )


def as_json(graph: Graph, findings: Sequence[Finding] = ()) -> str:
    return json.dumps(graph_data(graph, findings), indent=2, ensure_ascii=False) + "\n"


def as_text(graph: Graph, findings: Sequence[Finding] = ()) -> str:
    lines: list[str] = []
    data = graph_data(graph, findings)
    for signal in data["signals"]:
        lines.append(signal["name"])
        senders = sorted(
            {s["sender"] or "any sender" for s in data["sends"] if s["signal"] == signal["name"]}
        )
        if senders:
            lines.append("  sent by: " + ", ".join(senders))
        edges = [c for c in data["connections"] if c["signal"] == signal["name"]]
        if not edges:
            lines.append("  (no receivers)")
        for edge in edges:
            status = (
                ""
                if edge["status"] == "live"
                else f"  [{edge['status']}: {edge['reason']}]"
                if edge["reason"]
                else f"  [{edge['status']}]"
            )
            later = "  (connected later, conditionally)" if edge["conditional"] else ""
            lines.append(
                f"  {edge['sender'] or 'any sender'} -> {edge['receiver']}  ({edge['path']}:{edge['line']}){status}{later}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def _dot_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _node_id(prefix: str, name: str | None) -> str:
    return prefix + "_" + "".join(c if c.isalnum() else "_" for c in (name or "any"))


def as_dot(graph: Graph, findings: Sequence[Finding] = ()) -> str:
    data = graph_data(graph, findings)
    lines = ["digraph signals {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    senders = sorted(
        {c["sender"] or "any sender" for c in data["connections"]}
        | {s["sender"] or "any sender" for s in data["sends"]}
    )
    for sender in senders:
        lines.append(f'  {_node_id("sender", sender)} [label="{_dot_label(sender)}", shape=box];')
    for signal in data["signals"]:
        lines.append(
            f'  {_node_id("signal", signal["name"])} [label="{_dot_label(signal["name"])}", shape=ellipse, style=filled, fillcolor="#dbeafe"];'
        )
    for receiver in data["receivers"]:
        statuses = {c["status"] for c in data["connections"] if c["receiver"] == receiver["name"]}
        dead = "live" not in statuses
        style = ', style="filled,dashed", fillcolor="#fee2e2"' if dead else ""
        lines.append(
            f'  {_node_id("receiver", receiver["name"])} [label="{_dot_label(receiver["name"])}", shape=box{style}];'
        )
    edges = set()
    for c in data["connections"]:
        edges.add(
            f"  {_node_id('sender', c['sender'] or 'any sender')} -> {_node_id('signal', c['signal'])};"
        )
        style = (
            "" if c["status"] == "live" else f' [style=dashed, color=red, label="{c["status"]}"]'
        )
        edges.add(
            f"  {_node_id('signal', c['signal'])} -> {_node_id('receiver', c['receiver'])}{style};"
        )
    for s in data["sends"]:
        edges.add(
            f"  {_node_id('sender', s['sender'] or 'any sender')} -> {_node_id('signal', s['signal'])};"
        )
    lines.extend(sorted(edges))
    lines.append("}")
    return "\n".join(lines) + "\n"


def as_mermaid(graph: Graph, findings: Sequence[Finding] = ()) -> str:
    data = graph_data(graph, findings)
    lines = ["flowchart LR"]
    declared = set()

    def node(prefix: str, name: str, shape: str) -> str:
        identifier = _node_id(prefix, name)
        if identifier not in declared:
            declared.add(identifier)
            label = name.replace('"', "'")
            lines.append(f'  {identifier}{shape[0]}"{label}"{shape[1]}')
        return identifier

    edges = []
    for c in data["connections"]:
        sender = node("sender", c["sender"] or "any sender", ("[", "]"))
        signal = node("signal", c["signal"], ("((", "))"))
        receiver = node("receiver", c["receiver"], ("[", "]"))
        edges.append(f"  {sender} --> {signal}")
        edges.append(
            f"  {signal} --> {receiver}"
            if c["status"] == "live"
            else f"  {signal} -. {c['status']} .-> {receiver}"
        )
    for s in data["sends"]:
        edges.append(
            f"  {node('sender', s['sender'] or 'any sender', ('[', ']'))} --> {node('signal', s['signal'], ('((', '))'))}"
        )
    seen = set()
    for edge in edges:
        if edge not in seen:
            seen.add(edge)
            lines.append(edge)
    return "\n".join(lines) + "\n"


def as_html(graph: Graph, findings: Sequence[Finding] = ()) -> str:
    from signal_lint.report.html import render

    return render(graph_data(graph, findings))


GRAPH_FORMATS = {
    "text": as_text,
    "json": as_json,
    "dot": as_dot,
    "mermaid": as_mermaid,
    "html": as_html,
}
