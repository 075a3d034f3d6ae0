"""The graph's data, and its renderers: JSON, text (and DOT, Mermaid, HTML in modules of their own).

The JSON is the interface (``signals``, ``receivers``, ``connections``,
``sends``; PRODUCT.md), plus ``findings``, ``apps`` and ``models``: every
other format is drawn from the same data, after a query (``--sender``, ...)
has narrowed it.  Paths are relative to the project root and lists sorted,
so the same project gives the same bytes wherever it is checked out.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from signal_lint.findings import Finding
from signal_lint.graph import Graph
from signal_lint.graph.query import sender_text
from signal_lint.graph.senders import sender_json
from signal_lint.installed.reading import Origin


def relative_to(root: str | None) -> Callable[[str], str]:
    """Paths as the graph prints them: relative to ``root`` (the project root), ``/``-separated, so
    two checkouts of one project in different directories give the same bytes."""
    if root is None:
        return lambda path: path
    base = os.path.abspath(root)

    def relative(path: str) -> str:
        if not path:
            return path
        return os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/")

    return relative


def graph_data(
    graph: Graph, findings: Sequence[Finding] = (), root: str | None = None
) -> dict[str, Any]:
    """Plain data of the graph (sorted, deterministic), with findings attached to what they concern.

    ``root``: paths are made relative to it (the CLI passes the project root); None keeps them as given.
    """
    data = _data(graph, findings)
    where = relative_to(root)
    for group in ("signals", "receivers", "connections", "sends", "findings", "apps"):
        for item in data[group]:
            if item.get("path"):
                item["path"] = where(item["path"])
    data["connections"].sort(
        key=lambda c: (c["path"], c["line"], c["signal"], c["receiver"], json.dumps(c["sender"]))
    )
    data["sends"].sort(key=lambda s: (s["path"], s["line"], s["signal"], s["method"]))
    data["findings"].sort(key=lambda f: (f["path"], f["line"], f["column"], f["code"]))
    return data


def _apps(graph: Graph) -> list[dict[str, Any]]:
    """The installed (or guessed) apps: label, package and directory, for ``--app`` and facets."""
    project = graph.project
    apps = []
    for app in graph.loading.apps:
        directory = None
        for name in (app.package, f"{app.package}.apps", f"{app.package}.models"):
            facts = project.modules.get(name) if project is not None else None
            if facts is not None:  # the package's __init__.py, or a module (or package) inside it
                directory = os.path.dirname(facts.path)
                if facts.is_package and name != app.package:
                    directory = os.path.dirname(directory)
                break
        origin = project.origins.get(app.package) if project is not None else None
        apps.append(
            {
                "label": app.label,
                "package": app.package,
                "path": directory,
                "installed": _package(origin),
            }
        )
    return sorted(apps, key=lambda a: (a["label"], a["package"]))


def _models(graph: Graph) -> list[dict[str, str]]:
    """Registered models: lazy label (``shop.Order``) and dotted class name."""
    return sorted(
        (
            {"label": f"{key.split('.')[0]}.{name.rsplit('.', 1)[-1]}", "name": name}
            for key, name in graph.models.items()
        ),
        key=lambda m: (m["name"], m["label"]),
    )


def _data(graph: Graph, findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "signals": [
            {
                "name": node.qualname,
                "short_name": node.name,
                "builtin": node.builtin,
                "model_signal": node.model_signal,
                "path": node.path,
                "line": node.line,
                "installed": _package(node.package),
            }
            for node in sorted(graph.signals.values(), key=lambda n: n.qualname)
            if _used(graph, node.qualname)
        ],
        "receivers": [
            {
                "name": node.qualname,
                "kind": node.kind,
                "path": node.path,
                "line": node.line,
                "installed": _package(node.package),
            }
            for node in sorted(graph.receivers.values(), key=lambda n: n.qualname)
        ],
        "connections": [
            {
                "signal": edge.signal,
                "receiver": edge.receiver,
                "sender": sender_json(edge.sender),
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
                "installed": _package(edge.package),
                "condition": edge.condition,
            }
            for edge in graph.connections
        ],
        "sends": [
            {
                "signal": send.signal,
                "method": send.method,
                "sender": sender_json(send.sender),
                "arguments": sorted(set(send.keywords) - {"sender"}),
                "path": send.path,
                "line": send.line,
                "installed": _package(send.package),
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
        "apps": _apps(graph),
        "models": _models(graph),
    }


def _package(origin: Origin | None) -> dict[str, str] | None:
    """An installed package's name and version, or None for the project's own."""
    return None if origin is None else {"name": origin.name, "version": origin.version}


def project_only(graph: Graph) -> Graph:
    """The graph of the project alone: the installed packages' receivers, sends and signals
    are left out, except the packages' signals the project itself connects to or sends."""
    connections = [edge for edge in graph.connections if edge.package is None]
    sends = [send for send in graph.sends if send.package is None]
    used = {edge.signal for edge in connections} | {send.signal for send in sends}
    return dataclasses.replace(
        graph,
        signals={
            name: node
            for name, node in graph.signals.items()
            if node.package is None or name in used
        },
        receivers={name: node for name, node in graph.receivers.items() if node.package is None},
        connections=connections,
        sends=sends,
    )


def _used(graph: Graph, signal: str) -> bool:
    node = graph.signals[signal]
    return (
        not node.builtin
        or any(e.signal == signal for e in graph.connections)
        or any(s.signal == signal for s in graph.sends)
    )


@dataclass(frozen=True)
class RenderOptions:
    """What some formats take besides the data: the HTML report's source links."""

    link_template: str | None = None
    root: str | None = None  # the project root the data's paths are relative to
    rev: str | None = None  # {rev} of the link template; read from .git under root when None


def as_json(data: Mapping[str, Any], options: RenderOptions | None = None) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def as_text(data: Mapping[str, Any], options: RenderOptions | None = None) -> str:
    lines: list[str] = []
    for signal in data["signals"]:
        lines.append(signal["name"])
        senders = sorted(
            {sender_text(s["sender"]) for s in data["sends"] if s["signal"] == signal["name"]}
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
                if edge.get("reason")
                else f"  [{edge['status']}]"
            )
            later = "  (connected later, conditionally)" if edge.get("conditional") else ""
            if edge.get("condition"):  # the test of an enclosing ``if``, when recorded
                later += f"  (if {edge['condition']})"
            lines.append(
                f"  {sender_text(edge['sender'])} -> {edge['receiver']}  ({edge['path']}:{edge['line']}){status}{later}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def as_html(data: Mapping[str, Any], options: RenderOptions | None = None) -> str:
    from signal_lint.report.html import render as render_html

    return render_html(data, options or RenderOptions())


def _renderers() -> dict[str, Callable[[Mapping[str, Any], RenderOptions | None], str]]:
    from signal_lint.report.dot import as_dot
    from signal_lint.report.mermaid import as_mermaid

    return {
        "text": as_text,
        "json": as_json,
        "dot": as_dot,
        "mermaid": as_mermaid,
        "html": as_html,
    }


GRAPH_FORMATS = ("text", "json", "dot", "mermaid", "html")


def render(format: str, data: Mapping[str, Any], options: RenderOptions | None = None) -> str:
    """``data`` (``graph_data()``, maybe narrowed by a query) in ``format``."""
    return _renderers()[format](data, options)
