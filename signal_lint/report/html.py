"""The HTML graph report: one self-contained page (inline CSS, JS and data; no network).

The page is ``templates/graph.html`` with ``graph.css`` and ``graph.js``
inlined (package data); Python only fills a few placeholders and embeds the
graph as a JSON data island: the nodes (their status, app, findings and
connections), the edges, the column order (crossings reduced by barycentric
sweeps, receivers grouped by app) and the facets.  The script draws the cards
and edges, filters (free text, app / signal / model facets, problems only,
test-only receivers, what only installed packages contribute), collapses
apps, lists the dead receivers and keeps its state in the URL hash, so a view
can be linked.

Everything from analysed code only reaches the page as JSON inside the data
island, with ``<``, ``>``, ``&`` and the line separators escaped (no
``</script>`` can end it), and the script only ever assigns ``textContent``
and attributes.  The same data gives the same bytes.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from signal_lint.report.graph_view import (
    LATER,
    LIVE,
    TEST_ONLY,
    GraphView,
    Node,
    is_dead,
    status_colour,
    status_label,
)

EDGE_THRESHOLD = 60  # above this many receivers shown, edges are drawn for the focused node only
STATUS_EXPLAINED = {
    LIVE: "connected while Django starts; runs when its signal is sent",
    LATER: "connected by code that runs later (a view, a task, a migration), maybe never",
    "collected": "garbage collected: the dispatcher held only a weak reference, so it never runs",
    "ignored": "a receiver with the same dispatch_uid was connected first, so this connect() was ignored",
    "pending": 'a lazy "app_label.Model" sender that names no registered model: it never resolves',
    "never-imported": "in a module nothing Django loads imports, so the connection is never made",
    TEST_ONLY: "connected only when the tests run (a module only tests import)",
}
_PLACEHOLDER = re.compile(r"\{\{(TITLE|CSS|JS|DATA)\}\}")


def render(data: Mapping[str, Any], options: Any = None) -> str:
    """The report page for ``graph_data()``'s dict; ``options``: ``RenderOptions`` (links)."""
    island = page_data(data, options)
    title = "Signal graph" + (f" \u2014 {island['root']}" if island["root"] else "")
    values = {
        "TITLE": html.escape(title),
        "CSS": _template("graph.css"),
        "JS": _template("graph.js"),
        "DATA": script_json(island),
    }
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], _template("graph.html"))


@cache
def _template(name: str) -> str:
    # one name per joinpath(): Traversable takes several only from Python 3.11 on
    return (
        resources.files("signal_lint.report")
        .joinpath("templates")
        .joinpath(name)
        .read_text("utf-8")
    )


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, ``<!--`` or line separator."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def page_data(data: Mapping[str, Any], options: Any = None) -> dict[str, Any]:
    """The data island: what the page's script needs, in plain sorted data."""
    view = GraphView(data)
    connections = list(data.get("connections") or ())
    sends = list(data.get("sends") or ())
    findings = sorted(
        data.get("findings") or (),
        key=lambda f: (
            str(f.get("path")),
            f.get("line") or 0,
            f.get("column") or 0,
            str(f.get("code")),
        ),
    )
    finding_index = {id(f): i for i, f in enumerate(findings)}
    root = _common_root(
        [x.get("path") for group in (connections, sends, findings) for x in group]
        + [n.path for n in (*view.signals.values(), *view.receivers.values())]
    )

    senders: dict[str, Node] = {}  # the sender column: the senders connections name, and sends'
    for c in connections:
        if c.get("sender") is not None:  # a connection for any sender has no sender edge
            node = view.sender_of(c.get("sender"))
            senders[node.id] = node
    for s in sends:
        node = view.sender_of(s.get("sender"))  # "any sender" for sender=None
        senders[node.id] = node
    nodes: dict[str, dict[str, Any]] = {}
    related: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str], dict[str, Any]] = {}

    def edge(source: str, target: str, kind: str) -> dict[str, Any]:
        found = edges.setdefault(
            (source, target), {"from": source, "to": target, "kind": kind, "conns": [], "sends": []}
        )
        if kind == "send":
            found["kind"] = "send"
        related[source].add(target)
        related[target].add(source)
        return found

    for index, s in enumerate(sends):
        sender = view.sender_of(s.get("sender"))
        edge(sender.id, view.signals[s["signal"]].id, "send")["sends"].append(index)
    for index, c in enumerate(connections):
        signal, receiver = view.signals[c["signal"]], view.receivers[c["receiver"]]
        edge(signal.id, receiver.id, "connection")["conns"].append(index)
        related[receiver.id].add(signal.id)
        if c.get("sender") is not None:
            sender = view.sender_of(c["sender"])
            edge(sender.id, signal.id, "filter")["conns"].append(index)
            related[receiver.id].add(sender.id)
            related[sender.id].add(receiver.id)
    # what runs when a sender sends: the receivers listening for it, or for any sender
    for sender in senders.values():
        sent = {e["to"] for (source, _), e in edges.items() if source == sender.id}
        for c in connections:
            key = view.sender_of(c["sender"]).key if c.get("sender") is not None else None
            if view.signals[c["signal"]].id in sent and key in (None, sender.key):
                related[sender.id].add(view.receivers[c["receiver"]].id)

    signal_info = {s["name"]: s for s in data.get("signals") or ()}
    receiver_info = {r["name"]: r for r in data.get("receivers") or ()}

    def info_of(node: Node) -> Mapping[str, Any]:
        infos = {"signal": signal_info, "receiver": receiver_info}.get(node.kind, {})
        info: Mapping[str, Any] = infos.get(node.name, {})
        return info

    for node in (*senders.values(), *view.signals.values(), *view.receivers.values()):
        record = _node(node, findings, finding_index)
        if node.kind == "signal":
            info = signal_info.get(node.name, {})
            record["builtin"] = bool(info.get("builtin"))
            record["modelSignal"] = bool(info.get("model_signal"))
            record["short"] = str(info.get("short_name") or node.name.rsplit(".", 1)[-1])
            record["conns"] = [i for i, c in enumerate(connections) if c["signal"] == node.name]
            record["sends"] = [i for i, s in enumerate(sends) if s["signal"] == node.name]
        elif node.kind == "receiver":
            record["rkind"] = str(receiver_info.get(node.name, {}).get("kind") or "")
            record["conns"] = [i for i, c in enumerate(connections) if c["receiver"] == node.name]
        else:
            record["conns"] = [
                i
                for i, c in enumerate(connections)
                if c.get("sender") is not None and view.sender_of(c["sender"]).id == node.id
            ]
            record["sends"] = [
                i for i, s in enumerate(sends) if view.sender_of(s.get("sender")).id == node.id
            ]
        record["installed"] = _installed(record, info_of(node), connections, sends)
        record["related"] = sorted(related[node.id])
        record["problem"] = bool(record["findings"]) or (
            node.kind == "receiver"
            and (
                node.status != LIVE
                or any(connections[i]["status"] != LIVE for i in record["conns"])
            )
        )
        nodes[node.id] = record

    statuses = sorted(
        {LIVE, LATER}
        | {str(c.get("status")) for c in connections}
        | {n["status"] for n in nodes.values() if n["kind"] == "receiver"}
    )
    models = {str(m["name"]) for m in data.get("models") or ()}
    columns = _order(nodes, edges)
    owned = {i for n in nodes.values() for i in n["findings"]}
    return {
        "root": root,
        "nodes": nodes,
        "columns": columns,
        "edges": [
            {k: v for k, v in e.items() if v != []} | {"style": _style(e, connections, nodes)}
            for _, e in sorted(edges.items())
        ],
        "connections": connections,
        "sends": sends,
        "findings": findings,
        "unattached": [i for i in range(len(findings)) if i not in owned],
        "statuses": {
            s: {
                "label": status_label(s),
                "explained": STATUS_EXPLAINED.get(
                    s, f"status `{s}` reported by the analysis: it does not run"
                ),
                "colour": status_colour(s),
                "dead": is_dead(s),
            }
            for s in statuses
        },
        "facets": {
            "app": sorted({n["app"] for n in nodes.values() if n["app"]}),
            "signal": sorted(n["name"] for n in nodes.values() if n["kind"] == "signal"),
            "model": sorted(
                n["key"]
                for n in nodes.values()
                if n["kind"] == "sender" and n["key"] and (n["key"] in models or not models)
            ),
        },
        "edgeThreshold": EDGE_THRESHOLD,
        "link": _link(options),
    }


def _installed(
    record: Mapping[str, Any],
    info: Mapping[str, Any],
    connections: Sequence[Mapping[str, Any]],
    sends: Sequence[Mapping[str, Any]],
) -> str | None:
    """``"django-allauth 65.3.0"`` for a node that only installed packages account for (hidden
    until the page's "installed packages" toggle is on), else None: a package's signal that the
    project receives or sends, or a model the project connects to, stays in view."""
    uses = [connections[i] for i in record.get("conns", ())]
    uses += [sends[i] for i in record.get("sends", ())]
    marks = [u.get("installed") for u in uses] or [info.get("installed")]
    if not marks or any(not mark for mark in marks):
        return None
    names = sorted({f"{mark['name']} {mark['version']}" for mark in marks})
    return ", ".join(names)


def _node(
    node: Node, findings: Sequence[Mapping[str, Any]], index: Mapping[int, int]
) -> dict[str, Any]:
    return {
        "id": node.id,
        "kind": node.kind,
        "name": node.name,
        "key": node.key,
        "app": node.app,
        "path": node.path,
        "line": node.line,
        "status": node.status,
        "unresolved": node.unresolved,
        "findings": sorted(index[id(f)] for f in node.findings if id(f) in index),
    }


def _style(
    edge: Mapping[str, Any], connections: Sequence[Mapping[str, Any]], nodes: Mapping[str, Any]
) -> str:
    """``send``, ``filter``, ``live``, ``later``, or the status of a connection that does not run."""
    if edge["kind"] == "send":
        return "send"
    mine = [connections[i] for i in edge["conns"]]
    live = [c for c in mine if c.get("status") == LIVE]
    if edge["kind"] == "filter" and live:
        return "filter"
    if live:
        return LIVE if any(not c.get("conditional") for c in live) else LATER
    return str(mine[0].get("status")) if mine else LIVE


def _link(options: Any) -> dict[str, Any] | None:
    template = getattr(options, "link_template", None)
    if not template:
        return None
    from signal_lint.report.links import git_revision

    root = getattr(options, "root", None) or ""
    rev = getattr(options, "rev", None) or (git_revision(root) if root else None) or "HEAD"
    return {"template": template, "rev": rev, "root": root if "{abspath}" in template else ""}


def _common_root(paths: Iterable[Any]) -> str:
    directories = sorted(
        {posixpath.dirname(p.replace("\\", "/")) for p in paths if isinstance(p, str) and p}
    )
    if not directories:
        return ""
    common: list[str] = []
    for pieces in zip(*(d.split("/") for d in directories), strict=False):
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    return "/".join(common)


def _order(
    nodes: Mapping[str, dict[str, Any]], edges: Mapping[tuple[str, str], Any]
) -> list[list[str]]:
    """Column orders with few crossings: barycentric sweeps from the name order (stable), then the
    receivers grouped by app (apps in the order of their first receiver)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for node_id, node in sorted(nodes.items(), key=lambda item: (item[1]["name"], item[0])):
        by_kind[node["kind"]].append(node_id)
    senders = sorted(by_kind["sender"], key=lambda i: (nodes[i]["unresolved"], nodes[i]["name"]))
    signals = sorted(
        by_kind["signal"], key=lambda i: (nodes[i].get("builtin", False), nodes[i]["name"])
    )
    receivers = list(by_kind["receiver"])
    out: dict[str, list[str]] = defaultdict(list)
    into: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        out[source].append(target)
        into[target].append(source)

    def sweep(
        ids: list[str], neighbours: Sequence[list[str]], links: Sequence[Mapping[str, list[str]]]
    ) -> list[str]:
        position = {n: i for column in neighbours for i, n in enumerate(column)}
        keys = {}
        for index, node in enumerate(ids):
            near = [position[o] for table in links for o in table.get(node, ()) if o in position]
            keys[node] = (0, sum(near) / len(near), index) if near else (1, 0.0, index)
        return sorted(ids, key=lambda n: keys[n])

    for _ in range(4):
        receivers = sweep(receivers, [signals], [into])
        signals = sweep(signals, [receivers], [out])
        senders = sweep(senders, [signals], [out])
        signals = sweep(signals, [senders, receivers], [into, out]) if senders else signals
    receivers = sweep(receivers, [signals], [into])
    senders = sweep(senders, [signals], [out])
    first: dict[str, int] = {}
    for index, receiver in enumerate(receivers):
        first.setdefault(nodes[receiver]["app"] or "", index)
    receivers = sorted(receivers, key=lambda n: first[nodes[n]["app"] or ""])  # stable: groups
    return [senders, signals, receivers]
