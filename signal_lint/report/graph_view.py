"""The graph as the drawn reports see it: nodes, their status and findings, one edge per connection.

DOT, Mermaid and the HTML report draw the same picture from the graph's
plain data (``graph_data()``, maybe narrowed by a query): a node per sender
(a dotted name, ``any sender``, or an unresolved expression), per signal and
per receiver, each with an id that depends only on the data, its app, its
findings and, for a receiver, one status summing up its connections.  The
statuses are data: a status this module has never heard of (a later
analysis may add one) is shown with its own name, styled as a dead one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from signal_lint.graph.finding_owners import attach_findings
from signal_lint.graph.query import app_of_name, app_of_path, model_table, sender_key, sender_text

LIVE = "live"
LATER = "later"  # live, but only connected by code that runs later (maybe never)
TEST_ONLY = "test-only"
RUNS = (LIVE, LATER)
# Colours of the statuses the analysis knows; any other status gets OTHER.
STATUS_COLOURS = {
    LIVE: "#94a3b8",
    LATER: "#2563eb",
    "collected": "#dc2626",
    "ignored": "#d97706",
    "pending": "#9333ea",
    "never-imported": "#0f766e",
    TEST_ONLY: "#64748b",
}
OTHER = "#be185d"
STATUS_LABELS = {LATER: "connected later", "never-imported": "never imported"}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, OTHER)


def is_dead(status: str) -> bool:
    """Never runs in production (test-only receivers are a kind of their own)."""
    return status not in RUNS and status != TEST_ONLY


@dataclass
class Node:
    id: str
    kind: str  # sender, signal, receiver
    name: str  # shown name (an unresolved sender's source text in brackets)
    key: str | None  # identity: dotted name, or None for "any sender"
    app: str | None = None
    path: str | None = None
    line: int | None = None
    status: str = LIVE
    unresolved: bool = False
    findings: list[Mapping[str, Any]] = field(default_factory=list)


@dataclass
class Pair:
    """One connection: the sender it listens for -> the receiver, labelled with the signal."""

    sender: Node
    receiver: Node
    signal: Node
    connection: Mapping[str, Any]

    @property
    def status(self) -> str:
        status = str(self.connection.get("status"))
        return LATER if status == LIVE and self.connection.get("conditional") else status


class GraphView:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.models = model_table(data)
        apps = list(data.get("apps") or ())
        connections = list(data.get("connections") or ())
        sends = list(data.get("sends") or ())
        signal_info = {s["name"]: s for s in data.get("signals") or ()}
        receiver_info = {r["name"]: r for r in data.get("receivers") or ()}
        for c in connections:
            receiver_info.setdefault(
                c["receiver"], {"name": c["receiver"], "path": c.get("path"), "line": c.get("line")}
            )
        for name in {c["signal"] for c in connections} | {s["signal"] for s in sends}:
            signal_info.setdefault(name, {"name": name})

        senders: dict[str, Any] = {}  # identity text -> a sender value of that identity
        for item in connections + sends:
            senders.setdefault(self._sender_id_key(item.get("sender")), item.get("sender"))
        self.senders: dict[str, Node] = {}
        for index, text in enumerate(sorted(senders)):
            value = senders[text]
            key = sender_key(value, self.models)
            self.senders[text] = Node(
                f"sender_{index}",
                "sender",
                text if isinstance(value, Mapping) or key is None else key,
                key,
                app=app_of_name(key, apps) if isinstance(value, str) else None,
                unresolved=isinstance(value, Mapping),
            )
        by_receiver: dict[str, list[Mapping[str, Any]]] = {}
        for c in connections:
            by_receiver.setdefault(c["receiver"], []).append(c)
        self.signals = _nodes("signal", signal_info, apps)
        self.receivers = _nodes("receiver", receiver_info, apps, by_receiver)
        self.pairs = [
            Pair(
                self.senders[self._sender_id_key(c.get("sender"))],
                self.receivers[c["receiver"]],
                self.signals[c["signal"]],
                c,
            )
            for c in connections
        ]
        self.sends = sends
        owned, self.unattached = attach_findings(data, list(data.get("findings") or ()))
        tables = {"sender": self.senders, "signal": self.signals, "receiver": self.receivers}
        for (kind, name), findings in owned.items():
            node = tables[kind].get(name)
            if node is not None:
                node.findings.extend(findings)
            else:
                self.unattached.extend(findings)

    def _sender_id_key(self, sender: Any) -> str:
        """One node per sender identity: a lazy ``"shop.Order"`` is the model's node."""
        key = sender_key(sender, self.models)
        return sender_text(sender) if key is None or isinstance(sender, Mapping) else key

    def sender_of(self, value: Any) -> Node:
        return self.senders[self._sender_id_key(value)]

    def unconnected_signals(self) -> list[Node]:
        """Signals connected to no receiver (sent, or never used at all): drawn as nodes of their own."""
        connected = {p.signal.key for p in self.pairs}
        return [node for name, node in self.signals.items() if name not in connected]

    def drawn_senders(self) -> list[Node]:
        """Senders a picture needs: those of connections, and those sending unconnected signals."""
        lonely = {n.key for n in self.unconnected_signals()}
        wanted = {p.sender.id for p in self.pairs} | {
            self.sender_of(s.get("sender")).id for s in self.sends if s["signal"] in lonely
        }
        return [n for n in self.senders.values() if n.id in wanted]


def _nodes(
    kind: str,
    table: Mapping[str, Mapping[str, Any]],
    apps: list[Any],
    connections: Mapping[str, list[Mapping[str, Any]]] | None = None,
) -> dict[str, Node]:
    """Signal or receiver nodes by name, numbered in name order; a receiver's status from its
    connections."""
    nodes = {}
    for index, name in enumerate(sorted(table)):
        info = table[name]
        nodes[name] = Node(
            f"{kind}_{index}",
            kind,
            name,
            name,
            app=app_of_path(info.get("path"), apps) or app_of_name(name, apps),
            path=info.get("path"),
            line=info.get("line"),
            status=receiver_status(connections.get(name, [])) if connections is not None else LIVE,
        )
    return nodes


def receiver_status(connections: list[Mapping[str, Any]]) -> str:
    """``live`` when a connection made at start-up is live, ``later`` when only conditional ones
    are, else the status of the first connection (``test-only``, or why it is dead)."""
    live = [c for c in connections if c.get("status") == LIVE]
    if any(not c.get("conditional") for c in live):
        return LIVE
    if live:
        return LATER
    return str(connections[0].get("status")) if connections else LIVE


def node_count(data: Mapping[str, Any]) -> int:
    """How many nodes DOT and Mermaid draw for ``data``."""
    view = GraphView(data)
    return len(view.drawn_senders()) + len(view.receivers) + len(view.unconnected_signals())


def css_name(text: str) -> str:
    """An identifier-safe form of a status or kind (``never-imported`` -> ``never_imported``)."""
    return "".join(c if c.isalnum() else "_" for c in text.lower()) or "other"


def stable_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
