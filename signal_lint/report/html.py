"""The HTML graph report: one self-contained page (inline CSS, JS and SVG; no network).

``render(data)`` takes :func:`signal_lint.report.graph.graph_data` and draws
senders, signals and receivers in three columns so the flow reads left to
right.  Python does everything that needs no browser: the nodes (as HTML
cards, readable even with scripts off), their order (crossings reduced by
barycentric sweeps), which findings belong to which node, the counts, and
escaping.  The inline script only positions the cards, draws the SVG edges
between them and filters by name; it reads ``#search=...&problems=1`` from
the URL so a filtered view can be linked (and tested).

Everything from analysed code (names, paths, messages) is escaped: HTML
through :func:`html.escape`, the script's data as JSON with ``<``, ``>``,
``&`` and the line separators escaped, and the script only ever assigns
``textContent``.  The same data gives the same bytes.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from signal_lint.graph.query import sender_text

DEAD = ("collected", "ignored", "pending", "never-imported")
STATUS_LABELS = {
    "live": "live",
    "collected": "collected",
    "ignored": "ignored",
    "pending": "pending",
    "never-imported": "never imported",
    "later": "connected later",
}
STATUS_EXPLAINED = {
    "live": "connected while Django starts; runs when its signal is sent",
    "collected": "garbage collected: the dispatcher held only a weak reference, so it never runs",
    "ignored": "a receiver with the same dispatch_uid was connected first, so this connect() was ignored",
    "pending": 'a lazy "app_label.Model" sender that names no registered model: it never resolves',
    "never-imported": "in a module nothing Django loads imports, so the connection is never made",
    "later": "connected by code that runs later (a view, a task, a migration), maybe never",
}
SEVERITIES = ("error", "warning", "info")
UNRESOLVED = "(unresolved sender)"
_CLASS_SAFE = re.compile(r"[^a-z0-9-]")
_TICKS = re.compile(r"`([^`]+)`")


def render(data: Mapping[str, Any], options: Any = None) -> str:
    """The report page for ``graph_data()``'s dict."""
    view = _View(data)
    return _page(view)


# -- the model of the page -------------------------------------------------------------------------


class _Node:
    def __init__(self, node_id: str, column: int, name: str) -> None:
        self.id = node_id
        self.column = column
        self.name = name
        self.findings: list[Mapping[str, Any]] = []
        self.related: set = set()

    @property
    def problem(self) -> bool:
        return bool(self.findings)


class _Sender(_Node):
    def __init__(self, node_id: str, name: str | None, resolved: bool = True) -> None:
        super().__init__(node_id, 0, name if name is not None else UNRESOLVED)
        self.resolved = resolved and name is not None
        self.sends: list[Mapping[str, Any]] = []
        self.connections: list[Mapping[str, Any]] = []


class _Signal(_Node):
    def __init__(self, node_id: str, info: Mapping[str, Any]) -> None:
        super().__init__(node_id, 1, str(info["name"]))
        self.info = info
        self.connections: list[Mapping[str, Any]] = []
        self.sends: list[Mapping[str, Any]] = []


class _Receiver(_Node):
    def __init__(self, node_id: str, info: Mapping[str, Any]) -> None:
        super().__init__(node_id, 2, str(info["name"]))
        self.info = info
        self.connections: list[Mapping[str, Any]] = []

    @property
    def status(self) -> str:
        """``live``, ``later`` (every live connection is conditional) or the dead status of its first connection."""
        live = [c for c in self.connections if c.get("status") == "live"]
        if any(not c.get("conditional") for c in live):
            return "live"
        if live:
            return "later"
        return str(self.connections[0].get("status")) if self.connections else "live"

    @property
    def dead_connections(self) -> list[Mapping[str, Any]]:
        return [c for c in self.connections if c.get("status") != "live"]

    @property
    def problem(self) -> bool:
        return bool(self.findings) or self.status != "live" or bool(self.dead_connections)


class _Edge:
    def __init__(self, source: _Node, target: _Node, kind: str) -> None:
        self.source = source
        self.target = target
        self.kind = (
            kind  # send (an explicit .send() site), filter (a receiver's sender=), connection
        )
        self.connections: list[Mapping[str, Any]] = []
        self.sends: list[Mapping[str, Any]] = []

    @property
    def status(self) -> str:
        if self.sends or any(c.get("status") == "live" for c in self.connections):
            return "live"
        return str(self.connections[0].get("status")) if self.connections else "live"

    @property
    def conditional(self) -> bool:
        if self.sends or not self.connections:
            return False
        live = [c for c in self.connections if c.get("status") == "live"]
        return all(c.get("conditional") for c in (live or self.connections))


class _View:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        signals = list(data.get("signals") or [])
        receivers = list(data.get("receivers") or [])
        # senders as display text: a dotted name, or ``(unresolved: <source text>)``
        unresolved = {
            _sender_name(item.get("sender"))
            for item in [*(data.get("connections") or []), *(data.get("sends") or [])]
            if isinstance(item.get("sender"), dict)
        }
        self.connections = [
            {**c, "sender": _sender_name(c.get("sender"))} for c in data.get("connections") or []
        ]
        self.sends = [
            {**s, "sender": _sender_name(s.get("sender"))} for s in data.get("sends") or []
        ]
        self.findings = sorted(
            data.get("findings") or [],
            key=lambda f: (
                str(f.get("path")),
                f.get("line") or 0,
                f.get("column") or 0,
                str(f.get("code")),
            ),
        )
        self.root = _common_root(
            [
                x.get("path")
                for group in (signals, receivers, self.connections, self.sends, self.findings)
                for x in group
            ]
        )

        known = {s["name"] for s in signals}
        for name in sorted(
            ({c["signal"] for c in self.connections} | {s["signal"] for s in self.sends}) - known
        ):
            signals.append(
                {
                    "name": name,
                    "short_name": name.rsplit(".", 1)[-1],
                    "builtin": False,
                    "model_signal": False,
                    "path": None,
                    "line": None,
                }
            )
        known = {r["name"] for r in receivers}
        for connection in self.connections:
            if connection["receiver"] not in known:
                known.add(connection["receiver"])
                receivers.append(
                    {
                        "name": connection["receiver"],
                        "kind": "name",
                        "path": connection.get("path"),
                        "line": connection.get("line"),
                    }
                )

        self.signals = {
            s["name"]: _Signal(f"g{i}", s)
            for i, s in enumerate(sorted(signals, key=lambda s: s["name"]))
        }
        self.receivers = {
            r["name"]: _Receiver(f"r{i}", r)
            for i, r in enumerate(sorted(receivers, key=lambda r: r["name"]))
        }
        sender_names = sorted(
            {c["sender"] for c in self.connections if c.get("sender") is not None}
            | {s["sender"] for s in self.sends if s.get("sender") is not None}
        )
        self.senders: dict[str | None, _Sender] = {
            name: _Sender(f"s{i}", name, name not in unresolved)
            for i, name in enumerate(sender_names)
        }
        if any(s.get("sender") is None for s in self.sends):
            self.senders[None] = _Sender(f"s{len(sender_names)}", None)

        self.edges: dict[tuple[str, str], _Edge] = {}
        for send in self.sends:
            sender, signal = self.senders[send.get("sender")], self.signals[send["signal"]]
            sender.sends.append(send)
            signal.sends.append(send)
            edge = self._edge(sender, signal, "send")
            edge.kind = "send"
            edge.sends.append(send)
        for connection in self.connections:
            signal, receiver = (
                self.signals[connection["signal"]],
                self.receivers[connection["receiver"]],
            )
            signal.connections.append(connection)
            receiver.connections.append(connection)
            self._edge(signal, receiver, "connection").connections.append(connection)
            receiver.related.add(signal.id)
            if connection.get("sender") is not None:
                sender = self.senders[connection["sender"]]
                sender.connections.append(connection)
                self._edge(sender, signal, "filter").connections.append(connection)
                receiver.related.add(sender.id)
        for edge in self.edges.values():
            edge.source.related.add(edge.target.id)
            edge.target.related.add(edge.source.id)
        # What runs when a sender sends: the receivers listening for it, or for any sender.
        for sender in self.senders.values():
            signals = {e.target.name for e in self.edges.values() if e.source is sender}
            for connection in self.connections:
                if connection["signal"] in signals and connection.get("sender") in (
                    None,
                    sender.name if sender.resolved else None,
                ):
                    sender.related.add(self.receivers[connection["receiver"]].id)
        self.unattached: list[Mapping[str, Any]] = []
        self._index()
        for finding in self.findings:
            nodes = self._concerns(finding)
            for node in nodes:
                node.findings.append(finding)
            if not nodes:
                self.unattached.append(finding)
        self.columns = self._order()

    def _edge(self, source: _Node, target: _Node, kind: str) -> _Edge:
        key = (source.id, target.id)
        if key not in self.edges:
            self.edges[key] = _Edge(source, target, kind)
        return self.edges[key]

    # Findings beside the nodes they concern: the receiver connected or defined on the finding's
    # line, a receiver of that file the message names, a signal defined or sent there, the
    # receiver whose body holds the line, and last a sender or signal the message names.
    def _concerns(self, finding: Mapping[str, Any]) -> list[_Node]:
        path, line = finding.get("path"), finding.get("line")
        tokens = _TICKS.findall(str(finding.get("message", "")))
        in_file = self._in_file.get(path, [])
        at_line = [
            r
            for r in in_file
            if (r.info.get("path") == path and r.info.get("line") == line)
            or any(c.get("path") == path and c.get("line") == line for c in r.connections)
        ]
        named = [r for r in in_file if _names(r.name, tokens)]
        if at_line:
            return [r for r in at_line if r in named] or at_line  # type: ignore[return-value]
        if named:
            return named  # type: ignore[return-value]
        for table in (self._defined_at, self._sent_at):
            if (path, line) in table:
                return sorted(table[(path, line)], key=lambda n: n.id)  # type: ignore[return-value]
        enclosing = _enclosing(in_file, path, line)
        if enclosing is not None:
            return [enclosing]
        for nodes in (
            [s for s in self.senders.values() if s.resolved],
            list(self.signals.values()),
        ):
            for token in tokens:
                hits = [n for n in nodes if _names(n.name, [token])]
                if hits:
                    return hits  # type: ignore[return-value]
        return []

    def _index(self) -> None:
        self._in_file: dict[Any, list[_Receiver]] = defaultdict(list)
        for receiver in self.receivers.values():
            for path in sorted(
                {str(receiver.info.get("path"))}
                | {str(c.get("path")) for c in receiver.connections}
            ):
                self._in_file[path].append(receiver)
        self._defined_at: dict[tuple[Any, Any], set] = defaultdict(set)
        for signal in self.signals.values():
            if signal.info.get("path"):
                self._defined_at[(signal.info.get("path"), signal.info.get("line"))].add(signal)
        self._sent_at: dict[tuple[Any, Any], set] = defaultdict(set)
        for send in self.sends:
            self._sent_at[(send.get("path"), send.get("line"))].add(self.signals[send["signal"]])

    def _order(self) -> list[list[_Node]]:
        """Column orders with few crossings: barycentric sweeps from the name order (stable, deterministic)."""
        senders: list[_Node] = sorted(
            self.senders.values(),
            key=lambda n: (not n.resolved if isinstance(n, _Sender) else 0, n.name),
        )
        signals: list[_Node] = sorted(
            self.signals.values(), key=lambda n: (n.info.get("builtin", False), n.name)
        )
        receivers: list[_Node] = list(self.receivers.values())
        out: dict[str, list[str]] = defaultdict(list)
        into: dict[str, list[str]] = defaultdict(list)
        for source, target in self.edges:
            out[source].append(target)
            into[target].append(source)

        def sweep(
            nodes: list[_Node],
            neighbours: Iterable[list[_Node]],
            links: Sequence[Mapping[str, list[str]]],
        ) -> list[_Node]:
            position = {n.id: i for column in neighbours for i, n in enumerate(column)}
            keys = {}
            for index, node in enumerate(nodes):
                near = [
                    position[other]
                    for table in links
                    for other in table.get(node.id, ())
                    if other in position
                ]
                keys[node.id] = (0, sum(near) / len(near), index) if near else (1, 0.0, index)
            return sorted(nodes, key=lambda n: keys[n.id])

        for _ in range(4):
            receivers = sweep(receivers, [signals], [into])
            signals = sweep(signals, [receivers], [out])
            senders = sweep(senders, [signals], [out])
            signals = sweep(signals, [senders, receivers], [into, out]) if senders else signals
        receivers = sweep(receivers, [signals], [into])
        senders = sweep(senders, [signals], [out])
        return [senders, signals, receivers]

    def display_path(self, path: str | None) -> str:
        if not path:
            return ""
        if self.root and path.startswith(self.root + "/"):
            return path[len(self.root) + 1 :]
        return path


def _names(qualname: str, tokens: Iterable[str]) -> bool:
    for token in tokens:
        token = token.strip()
        if token and (
            qualname == token
            or qualname.endswith(("." + token, "." + token + "()"))
            or (token.endswith("()") and qualname.endswith("." + token))
        ):
            return True
    return False


def _enclosing(receivers: Sequence[_Receiver], path: Any, line: Any) -> _Receiver | None:
    """The receiver defined in ``path`` whose body holds ``line`` (up to the next definition, 80 lines at most)."""
    if not isinstance(line, int):
        return None
    starts = sorted(
        (r.info["line"], r.id, r)
        for r in receivers
        if r.info.get("path") == path and isinstance(r.info.get("line"), int)
    )
    for index, (start, _, receiver) in enumerate(starts):
        end = starts[index + 1][0] - 1 if index + 1 < len(starts) else start + 80
        if start <= line <= min(end, start + 80):
            return receiver
    return None


def _common_root(paths: Iterable[Any]) -> str:
    directories = sorted(
        {posixpath.dirname(p.replace("\\", "/")) for p in paths if isinstance(p, str) and p}
    )
    if not directories:
        return ""
    parts = [d.split("/") for d in directories]
    common: list[str] = []
    for pieces in zip(*parts, strict=False):
        if len(set(pieces)) != 1:
            break
        common.append(pieces[0])
    return "/".join(common)


def _sender_name(sender: Any) -> str | None:
    """A JSON sender as the report names it: None for any sender, else ``sender_text``."""
    return None if sender is None else sender_text(sender)


def _split(name: str) -> tuple[str, str]:
    """``("shop.models", "Order")`` for ``shop.models.Order``: the module is everything before the first capitalised part."""
    if name.startswith("("):
        return "", name  # an unresolved sender's source text: no module to split off
    parts = name.split(".")
    for index, part in enumerate(parts[:-1]):
        if part[:1].isupper() and index > 0:
            return ".".join(parts[:index]), ".".join(parts[index:])
    if len(parts) > 1:
        return ".".join(parts[:-1]), parts[-1]
    return "", name


# -- HTML ------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _css_class(value: Any) -> str:
    return _CLASS_SAFE.sub("-", str(value).lower()) or "other"


def _message(text: Any) -> str:
    """A finding's message, `code spans` as <code>."""
    pieces = str(text).split("`")
    if len(pieces) % 2 == 0:  # an unbalanced backtick: plain text
        return _e(text)
    return "".join(f"<code>{_e(p)}</code>" if i % 2 else _e(p) for i, p in enumerate(pieces))


def _where(view: _View, path: Any, line: Any, home: Any = None) -> str:
    """``path:line`` relative to the report's root; only ``line N`` when ``path`` is the card's own file."""
    shown = view.display_path(path)
    if not shown:
        return ""
    if path == home and line is not None:
        location = f"line {line}"
    else:
        location = f"{shown}:{line}" if line is not None else shown
    return f'<span class="loc" title="{_e(path)}:{_e(line)}">{_e(location)}</span>'


def _findings(view: _View, findings: Sequence[Mapping[str, Any]], home: Any = None) -> str:
    if not findings:
        return ""
    items = []
    for f in findings:
        severity = str(f.get("severity", ""))
        css = severity if severity in SEVERITIES else "other"
        items.append(
            f'<li class="finding sev-{css}" title="{_e(f.get("message", ""))}"><span class="code">{_e(f.get("code"))}</span> '
            f'<span class="rule">{_e(f.get("name"))}</span> <span class="msg">{_message(f.get("message", ""))}</span> '
            f"{_where(view, f.get('path'), f.get('line'), home)}</li>"
        )
    return f'<ul class="findings" aria-label="findings">{"".join(items)}</ul>'


def _head(
    full: str, short: str, module: str, path: Any = None, location: str = "", mark: str = ""
) -> str:
    """Name, mark and location on one line; the module below unless the file's path already says it."""
    redundant = (
        isinstance(path, str)
        and module
        and (
            path.replace("\\", "/").endswith("/" + module.replace(".", "/") + ".py")
            or path.replace("\\", "/").endswith("/" + module.replace(".", "/") + "/__init__.py")
        )
    )
    sub = f'<div class="module">{_breakable(module)}</div>' if module and not redundant else ""
    return f'<div class="head"><span class="name" title="{_e(full)}">{_breakable(short)}</span>{mark}{location}</div>{sub}'


def _breakable(name: str) -> str:
    """Escaped, with a line-break opportunity after each dot (long qualified names wrap between parts)."""
    return ".<wbr>".join(_e(part) for part in name.split("."))


def _search_text(*values: Any) -> str:
    return " ".join(str(v) for v in values if v)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _sender_card(view: _View, node: _Sender) -> str:
    module, short = _split(node.name) if node.resolved else ("", node.name)
    by_signal: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for send in node.sends:
        by_signal[(send["signal"], str(send.get("method")))].append(send)
    sends = []
    for (signal_name, method), sites in sorted(
        by_signal.items(),
        key=lambda item: (view.signals[item[0][0]].info.get("short_name") or item[0][0], item[0]),
    ):
        signal = view.signals[signal_name]
        arguments = sorted({a for site in sites for a in site.get("arguments") or []})
        more = ""
        if len(sites) > 1:
            everywhere = "\n".join(
                f"{view.display_path(site.get('path'))}:{site.get('line')}" for site in sites
            )
            more = f' <span class="more" title="{_e(everywhere)}">+{len(sites) - 1} more</span>'
        title = (
            f"sends {', '.join(arguments)}" if arguments else "sends no arguments besides sender"
        )
        sends.append(
            f'<li title="{_e(title)}"><span class="method">.{_e(method)}()</span> <span class="sig">{_e(signal.info.get("short_name") or signal.name)}</span>'
            f" {_where(view, sites[0].get('path'), sites[0].get('line'))}{more}</li>"
        )
    listeners = len({c["receiver"] for c in node.connections})
    meta = []
    if sends:
        meta.append(f'<ul class="sends" aria-label="send sites">{"".join(sends)}</ul>')
    if listeners:
        meta.append(f'<div class="meta">listened for by {_plural(listeners, "receiver")}</div>')
    if not node.resolved:
        meta.append(
            '<div class="meta">send sites whose <code>sender=</code> is not resolved statically</div>'
        )
    classes = (
        ["node", "sender"]
        + ([] if node.resolved else ["unresolved"])
        + (["has-findings"] if node.findings else [])
    )
    body = _head(node.name, short, module) + "".join(meta) + _findings(view, node.findings)
    return _card(node, classes, body, _search_text(node.name))


def _signal_card(view: _View, node: _Signal) -> str:
    info = node.info
    short = str(info.get("short_name") or node.name.rsplit(".", 1)[-1])
    module = node.name[: -len(short) - 1] if node.name.endswith("." + short) else ""
    tags = [
        '<span class="tag">built-in</span>'
        if info.get("builtin")
        else '<span class="tag project">project</span>'
    ]
    if info.get("model_signal"):
        tags.append('<span class="tag">model signal</span>')
    receivers = {c["receiver"] for c in node.connections}
    dead = {c["receiver"] for c in node.connections if c.get("status") != "live"} - {
        c["receiver"] for c in node.connections if c.get("status") == "live"
    }
    counts = (
        _plural(len(receivers), "receiver")
        if receivers
        else '<span class="warn">no receivers</span>'
    )
    if dead:
        counts += f' <span class="dead-count">({len(dead)} dead)</span>'
    if not node.sends and not info.get("builtin"):
        counts += ' &middot; <span class="warn">never sent</span>'
    meta = f'<div class="meta">{"".join(tags)} {counts}</div>'
    classes = ["node", "signal", "builtin" if info.get("builtin") else "project"] + (
        ["has-findings"] if node.findings else []
    )
    body = (
        _head(
            node.name,
            short,
            module,
            info.get("path"),
            _where(view, info.get("path"), info.get("line")),
        )
        + meta
        + _findings(view, node.findings, info.get("path"))
    )
    return _card(node, classes, body, _search_text(node.name, info.get("path")))


def _receiver_card(view: _View, node: _Receiver) -> str:
    module, short = _split(node.name)
    home = node.info.get("path")
    status = node.status
    css = status if status in STATUS_LABELS else "other"
    mark = (
        ""
        if status == "live"
        else f'<span class="mark mark-{css}" title="{_e(STATUS_EXPLAINED.get(status, ""))}">{_e(STATUS_LABELS.get(status, status))}</span>'
    )
    rows = []
    for c in node.connections:
        signal = view.signals[c["signal"]]
        sender = c.get("sender")
        flags = []
        if c.get("weak") is False:
            flags.append("weak=False")
        uid = c.get("dispatch_uid")
        if uid is not None:
            flags.append(f"dispatch_uid={uid!r}" if isinstance(uid, str) else f"dispatch_uid={uid}")
        if c.get("conditional"):
            flags.append(f"connected later ({c.get('context') or 'function'})")
        conn_status = str(c.get("status"))
        conn_css = conn_status if conn_status in STATUS_LABELS else "other"
        reason = c.get("reason") or ""
        badge = (
            ""
            if conn_status == "live" or len(node.connections) == 1
            else f'<span class="badge badge-{conn_css}">{_e(STATUS_LABELS.get(conn_status, conn_status))}</span> '
        )
        location = _where(view, c.get("path"), c.get("line"), home) if c.get("path") != home else ""
        rows.append(
            f'<li class="conn conn-{conn_css}{" conditional" if c.get("conditional") else ""}">{badge}'
            f'<span class="sig">{_e(signal.info.get("short_name") or signal.name)}</span> '
            f'<span class="for">from</span> <span class="snd" title="{_e(sender or "any sender")}">{_e(_split(sender)[1] if sender else "any sender")}</span>'
            + (f' <span class="flags">{_e(" · ".join(flags))}</span>' if flags else "")
            + (f" {location}" if location else "")
            + (
                f'<div class="reason">{_message(reason)}</div>'
                if reason and conn_status != "live"
                else ""
            )
            + "</li>"
        )
    dead = node.dead_connections
    partial = (
        f'<div class="meta warn">{len(dead)} of {len(node.connections)} connections dead</div>'
        if status == "live" and dead
        else ""
    )
    kind = node.info.get("kind")
    if kind and kind != "function":
        module = f"{module} ({kind})" if module else f"({kind})"
    classes = (
        ["node", "receiver", f"status-{css}"]
        + (["dead"] if status in DEAD else [])
        + (["partial"] if partial else [])
        + (["has-findings"] if node.findings else [])
    )
    body = (
        '<div class="main">'
        + _head(node.name, short, module, home, _where(view, home, node.info.get("line")), mark)
        + partial
        + (f'<ul class="conns" aria-label="connections">{"".join(rows)}</ul>' if rows else "")
        + "</div>"
        + _findings(view, node.findings, home)
    )
    return _card(node, classes, body, _search_text(node.name, home), status)


def _card(node: _Node, classes: list[str], body: str, search: str, status: str = "") -> str:
    attributes = f' data-status="{_e(status)}"' if status else ""
    return f'<article class="{" ".join(classes)}" id="{node.id}" data-name="{_e(node.name)}" data-search="{_e(search.lower())}"{attributes}>{body}</article>'


def _summary(view: _View) -> str:
    statuses = Counter(str(c.get("status")) for c in view.connections)
    later = sum(1 for c in view.connections if c.get("conditional"))
    receivers = list(view.receivers.values())
    dead_receivers = sum(1 for r in receivers if r.status in DEAD)
    severities = Counter(str(f.get("severity")) for f in view.findings)
    project_signals = sum(1 for s in view.signals.values() if not s.info.get("builtin"))

    def tile(label: str, value: int, detail: str = "", css: str = "") -> str:
        return (
            f'<div class="tile {css}"><div class="value">{value}</div> <div class="label">{label}</div>'
            + (f' <div class="detail">{detail}</div>' if detail else "")
            + "</div> "
        )

    status_chips = " ".join(
        f'<span class="chip chip-{s}">{statuses[s]} {STATUS_LABELS[s]}</span>'
        for s in ("live",) + DEAD
        if statuses.get(s)
    )
    other = sum(n for s, n in statuses.items() if s not in STATUS_LABELS)
    if other:
        status_chips += f' <span class="chip">{other} other</span>'
    finding_chips = " ".join(
        f'<span class="chip sev-{s}">{severities[s]} {s}</span>'
        for s in SEVERITIES
        if severities.get(s)
    )
    return (
        '<div class="tiles" id="summary">'
        + tile("senders", len(view.senders))
        + tile(
            "signals",
            len(view.signals),
            f"{project_signals} project &middot; {len(view.signals) - project_signals} built-in",
        )
        + tile(
            "receivers",
            len(receivers),
            f'<span class="chip chip-dead">{dead_receivers} dead</span>'
            if dead_receivers
            else "all run",
            "bad" if dead_receivers else "",
        )
        + tile(
            "connections",
            len(view.connections),
            status_chips
            + (f' <span class="chip chip-later">{later} connected later</span>' if later else ""),
        )
        + tile("send sites", len(view.sends))
        + tile(
            "findings",
            len(view.findings),
            finding_chips or "none",
            "bad" if view.findings else "good",
        )
        + "</div>"
    )


def _legend_edge(style: str, label: str, explained: str) -> str:
    return (
        f'<li title="{_e(explained)}"><svg width="34" height="10" aria-hidden="true">'
        f'<path class="edge edge-{style}" d="M1 5 H27" marker-end="url(#arrow-{style})"/></svg>{_e(label)}</li>'
    )


LEGEND_EDGES = (
    ("send", "sends", "an explicit .send()/.asend() site"),
    ("filter", "listened for", "a receiver's sender=; model signals are sent by Django itself"),
    ("live", "live", STATUS_EXPLAINED["live"]),
    ("later", "connected later", STATUS_EXPLAINED["later"]),
) + tuple((s, STATUS_LABELS[s], STATUS_EXPLAINED[s]) for s in DEAD)


def _legend() -> str:
    edges = "".join(_legend_edge(*entry) for entry in LEGEND_EDGES)
    cards = (
        '<li title="it never runs; the label and the card say why"><span class="swatch swatch-dead"></span>dead receiver</li>'
        '<li title="only connected by code that runs later, maybe never"><span class="swatch swatch-later"></span>conditional receiver</li>'
        '<li title="findings are listed on the node they concern"><span class="swatch swatch-finding"></span>finding</li>'
    )
    meanings = "".join(
        f"<dt>{_e(label)}</dt><dd>{_e(explained)}</dd>" for _, label, explained in LEGEND_EDGES
    )
    return (
        f'<div class="legend"><ul aria-label="legend">{edges}{cards}</ul>'
        f"<details><summary>what they mean</summary><dl>{meanings}</dl></details></div>"
    )


def _markers() -> str:
    return "".join(
        f'<marker id="arrow-{name}" class="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 1 L9 5 L0 9 z"/></marker>'
        for name in (
            "send",
            "filter",
            "live",
            "later",
            "collected",
            "ignored",
            "pending",
            "never-imported",
            "other",
        )
    )


def _script_json(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _page(view: _View) -> str:
    columns = view.columns
    cards = [
        [_sender_card(view, n) for n in columns[0]],  # type: ignore[arg-type]
        [_signal_card(view, n) for n in columns[1]],  # type: ignore[arg-type]
        [_receiver_card(view, n) for n in columns[2]],  # type: ignore[arg-type]
    ]
    edges = []
    for (source, target), edge in sorted(
        view.edges.items(), key=lambda item: (item[1].source.column, item[0])
    ):
        if edge.kind == "connection":
            style = (
                "later"
                if edge.status == "live" and edge.conditional
                else edge.status
                if edge.status in STATUS_LABELS
                else "other"
            )
        elif edge.kind == "send":
            style = "send"
        else:
            style = (
                "filter"
                if edge.status == "live"
                else edge.status
                if edge.status in STATUS_LABELS
                else "other"
            )
        title = f"{edge.source.name} \u2192 {edge.target.name}"
        if edge.kind == "connection":
            title += f" ({STATUS_LABELS.get(style, style)})"
        elif edge.kind == "send":
            title += (
                " (sent at "
                + ", ".join(
                    f"{view.display_path(s.get('path'))}:{s.get('line')}" for s in edge.sends
                )
                + ")"
            )
        else:
            title += (
                " (listened for"
                + ("" if edge.status == "live" else f", {STATUS_LABELS.get(style, style)}")
                + ")"
            )
        edges.append({"from": source, "to": target, "style": style, "title": title})
    nodes = {
        n.id: {"related": sorted(n.related), "problem": n.problem}
        for column in columns
        for n in column
    }
    script_data = {
        "columns": [[n.id for n in column] for column in columns],
        "edges": edges,
        "nodes": nodes,
    }

    unattached = ""
    if view.unattached:
        unattached = f'<section class="other-findings"><h2>Other findings</h2>{_findings(view, view.unattached)}</section>'
    empty = (
        "" if any(columns) else '<p class="empty">No signals, receivers or send sites found.</p>'
    )
    heads = (
        ("Senders", "models and classes that send, or that receivers listen for", len(columns[0])),
        ("Signals", "the project's own and Django's built-in ones", len(columns[1])),
        ("Receivers", "what runs when the signal is sent", len(columns[2])),
    )
    column_html = []
    for index, (title, hint, count) in enumerate(heads):
        if index:
            column_html.append('<div class="gutter" aria-hidden="true"></div>')
        column_html.append(
            f'<section class="col col-{index}" aria-label="{title}"><h2>{title} <span class="count">{count}</span><small>{hint}</small></h2>'
            f'<div class="stack">{"".join(cards[index])}</div></section>'
        )
    root = (
        f'<span class="root" title="common directory of every path">{_e(view.root)}</span>'
        if view.root
        else ""
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>Signal graph{' — ' + _e(view.root) if view.root else ''}</title>"
        f"<style>{CSS}</style></head>\n"
        '<body class="no-js">'
        '<header class="top"><div class="bar">'
        f'<h1><span class="logo" aria-hidden="true">&#x25C9;</span> Signal graph {root}</h1>'
        '<div class="controls">'
        '<input type="search" id="search" placeholder="Filter by name or path…" autocomplete="off" spellcheck="false" aria-label="filter nodes by name">'
        '<label class="toggle"><input type="checkbox" id="problems"> problems only</label>'
        '<span id="match-count" class="match-count" aria-live="polite"></span>'
        "</div></div>"
        f"{_summary(view)}</header>\n"
        f"<main>{_legend()}"
        '<div id="graph" class="graph">'
        f'<svg id="edges" class="edges" aria-hidden="true"><defs>{_markers()}</defs><g id="edge-layer"></g></svg>'
        f"{''.join(column_html)}</div>{empty}"
        '<p id="no-match" class="empty" hidden>No node matches the filter.</p>'
        f"{unattached}</main>\n"
        f'<script type="application/json" id="graph-data">{_script_json(script_data)}</script>\n'
        f"<script>{SCRIPT}</script>\n"
        "</body></html>\n"
    )


CSS = """
:root{--ink:#1e293b;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff;--accent:#4f46e5;
--live:#94a3b8;--send:#334155;--filter:#b8c4d3;--later:#2563eb;--collected:#dc2626;--ignored:#d97706;--pending:#9333ea;--never-imported:#0f766e;--other:#be185d;
--error:#dc2626;--warning:#d97706;--info:#2563eb}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans","DejaVu Sans",Arial,sans-serif}
code,.name,.module,.loc,.sig,.snd,.method,.args,.code,.flags{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace}
code{font-size:.92em;background:#f1f5f9;border-radius:3px;padding:0 .2em}
.top{position:sticky;top:0;z-index:5;background:#fff;border-bottom:1px solid var(--line);box-shadow:0 1px 3px rgba(15,23,42,.05);padding:10px 20px 12px}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:12px 24px;justify-content:space-between}
h1{font-size:19px;margin:0;font-weight:650;letter-spacing:-.01em}
.logo{color:var(--accent)}
.root{font:500 13px ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color:var(--muted);margin-left:6px;background:#f1f5f9;border-radius:4px;padding:2px 7px}
.controls{display:flex;align-items:center;gap:14px}
#search{width:280px;padding:7px 11px;border:1px solid #cbd5e1;border-radius:7px;font:inherit;background:#fff}
#search:focus{outline:2px solid #c7d2fe;border-color:var(--accent)}
.toggle{color:var(--muted);user-select:none}
.match-count{color:var(--muted);font-size:13px;min-width:9em}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin-top:10px}
.tile{border:1px solid var(--line);border-radius:9px;padding:6px 12px;min-width:110px;background:var(--bg)}
.tile .value{font-size:20px;font-weight:650;line-height:1.2}
.tile .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.tile .detail{font-size:12px;color:var(--muted);margin-top:2px}
.tile.bad .value{color:var(--collected)}
.chip{display:inline-block;border-radius:10px;padding:0 7px;margin:1px 0;font-size:11.5px;background:#e2e8f0;color:#334155;white-space:nowrap}
.chip-live{background:#f1f5f9}
.chip-collected,.chip-dead{background:#fee2e2;color:#991b1b}.chip-ignored{background:#fef3c7;color:#92400e}.chip-pending{background:#f3e8ff;color:#6b21a8}.chip-never-imported{background:#ccfbf1;color:#115e59}.chip-later{background:#dbeafe;color:#1e40af}
.chip.sev-error{background:#fee2e2;color:#991b1b}.chip.sev-warning{background:#fef3c7;color:#92400e}.chip.sev-info{background:#dbeafe;color:#1e40af}
main{padding:14px 20px 40px}
.legend{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 16px;margin:0 0 16px;font-size:12.5px;color:#475569}
.legend ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}
.legend li{display:flex;align-items:center;gap:5px;white-space:nowrap;cursor:help}
.legend details{color:var(--muted)}
.legend summary{cursor:pointer;color:var(--accent)}
.legend dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0 0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px}
.legend dt{font-weight:600;color:var(--ink)}
.legend dd{margin:0}
.swatch{display:inline-block;width:22px;height:12px;border-radius:3px;border:1.5px solid #cbd5e1;background:#fff}
.swatch-dead{border:1.5px dashed var(--collected);background:#fef2f2}
.swatch-later{border:1.5px dotted var(--later);background:#eff6ff}
.swatch-finding{border:none;border-left:3px solid var(--error);background:#fef2f2}
.graph{position:relative;display:grid;grid-template-columns:minmax(160px,215px) minmax(60px,110px) minmax(200px,260px) minmax(60px,110px) minmax(330px,1fr);align-items:start;min-width:900px}
.edges{position:absolute;left:0;top:0;overflow:visible;pointer-events:none;z-index:0}
.col{position:relative;z-index:1;min-width:0}
.col h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 10px;font-weight:650}
.col h2 small{display:block;text-transform:none;letter-spacing:0;font-weight:400;font-size:11.5px;color:#94a3b8}
.count{display:inline-block;background:#e2e8f0;color:#475569;border-radius:9px;padding:0 6px;font-size:11px;margin-left:2px}
.stack{position:relative}
.node{position:relative;background:var(--card);border:1px solid #dbe3ec;border-radius:9px;padding:7px 10px 8px;margin-bottom:10px;box-shadow:0 1px 2px rgba(15,23,42,.06);overflow-wrap:break-word;transition:opacity .12s}
.laid-out .node{position:absolute;left:0;right:0;margin:0}
.head{display:flex;flex-wrap:wrap;align-items:baseline;column-gap:8px}
.head .loc{margin-left:auto}
.node .name{font-weight:650;font-size:13px;min-width:0}
.node .module{color:var(--muted);font-size:11.5px;min-width:0}
.node .meta{color:var(--muted);font-size:12px;margin-top:3px}
.node .loc{color:var(--muted);font-size:11.5px;white-space:nowrap}
.sender{border-left:4px solid #64748b}
.sender.unresolved{border-left-color:#cbd5e1;background:#f8fafc}
.signal{border-left:4px solid var(--accent);background:#fbfbff}
.signal.builtin{border-left-color:#a5b4fc}
.tag{display:inline-block;font-size:11px;border-radius:4px;padding:0 5px;background:#eef2ff;color:#4338ca;margin-right:3px}
.tag.project{background:#e0e7ff;color:#3730a3;font-weight:600}
.dead-count,.warn{color:#b91c1c}
.receiver{border-left:4px solid #10b981}
.receiver.status-later{border:1.5px dotted var(--later);border-left:4px dotted var(--later);background:#f5f9ff}
.receiver.dead{border:1.5px dashed var(--collected);border-left-width:4px;background:#fffafa}
.receiver.status-ignored{border-color:var(--ignored);background:#fffcf5}
.receiver.status-pending{border-color:var(--pending);background:#fcf8ff}
.receiver.status-never-imported{border-color:var(--never-imported);background:#f6fdfb}
.receiver.dead .name{text-decoration:line-through;text-decoration-thickness:1px;text-decoration-color:rgba(30,41,59,.45)}
.receiver.partial{border-left-color:var(--ignored)}
.mark{flex:none;font-size:10.5px;font-weight:700;text-transform:uppercase;letter-spacing:.05em;border-radius:4px;padding:1px 6px;color:#fff;background:var(--collected)}
.mark-ignored{background:var(--ignored)}.mark-pending{background:var(--pending)}.mark-never-imported{background:var(--never-imported)}.mark-later{background:var(--later)}.mark-other{background:var(--other)}
.conns,.sends,.findings{list-style:none;margin:5px 0 0;padding:0}
.receiver.has-findings{display:grid;grid-template-columns:fit-content(48%) minmax(0,1fr);column-gap:14px;align-items:start}
.receiver.has-findings .findings{margin:0}
.receiver.has-findings .finding:first-child{margin-top:0}
@media (max-width:1380px){.receiver.has-findings{display:block}.receiver.has-findings .findings{margin-top:5px}}
.conn,.sends li{font-size:12px;color:#334155;padding:2px 0;border-top:1px solid #f1f5f9}
.conn .for{color:#94a3b8}
.sig{color:#3730a3}
.method{color:#475569}
.args{color:var(--muted);font-size:11.5px}
.more{color:var(--accent);font-size:11.5px;white-space:nowrap;cursor:help}
.flags{color:var(--muted);font-size:11.5px}
.reason{font-size:12px;color:#7f1d1d;background:#fef2f2;border-radius:5px;padding:3px 7px;margin:3px 0 1px}
.conn-ignored .reason{color:#78350f;background:#fffbeb}.conn-pending .reason{color:#581c87;background:#faf5ff}.conn-never-imported .reason{color:#134e4a;background:#f0fdfa}
.status-later .reason,li.reason{color:#1e3a8a;background:#eff6ff}
.badge{font-size:10.5px;font-weight:700;text-transform:uppercase;border-radius:3px;padding:0 4px;color:#fff;background:var(--collected)}
.badge-ignored{background:var(--ignored)}.badge-pending{background:var(--pending)}.badge-never-imported{background:var(--never-imported)}.badge-other{background:var(--other)}
.finding{margin-top:5px;padding:4px 7px;border-radius:6px;background:#fef2f2;border-left:3px solid var(--error);font-size:12px}
.finding.sev-warning{background:#fffbeb;border-left-color:var(--warning)}
.finding.sev-info{background:#eff6ff;border-left-color:var(--info)}
.finding .code{font-weight:700;color:#991b1b}
.finding.sev-warning .code{color:#92400e}.finding.sev-info .code{color:#1e40af}
.finding .rule{color:#475569}
.finding .msg{color:#334155}
.signal .finding .msg,.sender .finding .msg{display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden}
.laid-out .signal:hover,.laid-out .sender:hover{z-index:3;box-shadow:0 6px 18px rgba(15,23,42,.18)}
.signal:hover .finding .msg,.sender:hover .finding .msg{display:block}
.finding .rule::after{content:" \u2014";color:#94a3b8}
.finding .msg code{background:rgba(255,255,255,.7)}
.edge{fill:none;stroke-width:1.6;stroke:var(--live)}
.edge-send{stroke:var(--send);stroke-width:1.9}
.edge-filter{stroke:var(--filter);stroke-width:1.6}
.edge-live{stroke:var(--live)}
.edge-later{stroke:var(--later);stroke-dasharray:2 4;stroke-linecap:round;stroke-width:1.9}
.edge-collected{stroke:var(--collected);stroke-dasharray:7 4}
.edge-ignored{stroke:var(--ignored);stroke-dasharray:7 4}
.edge-pending{stroke:var(--pending);stroke-dasharray:7 4}
.edge-never-imported{stroke:var(--never-imported);stroke-dasharray:7 4}
.edge-other{stroke:var(--other);stroke-dasharray:7 4}
.arrow-send{fill:var(--send)}.arrow-filter{fill:var(--filter)}.arrow-live{fill:var(--live)}.arrow-later{fill:var(--later)}.arrow-collected{fill:var(--collected)}.arrow-ignored{fill:var(--ignored)}.arrow-pending{fill:var(--pending)}.arrow-never-imported{fill:var(--never-imported)}.arrow-other{fill:var(--other)}
.graph.focusing .node:not(.focus-on){opacity:.28}
.graph.focusing .edge{opacity:.08}
.graph.focusing .edge.hl{opacity:1;stroke-width:2.6}
.node.focus-on{box-shadow:0 0 0 2px #c7d2fe,0 2px 6px rgba(15,23,42,.12)}
.node.match{box-shadow:0 0 0 2px #facc15,0 2px 6px rgba(15,23,42,.1)}
.node[hidden]{display:none}
.empty{color:var(--muted);font-style:italic}
.other-findings{margin-top:24px;max-width:900px}
.other-findings h2{font-size:14px}
@media print{.top{position:static}.controls{display:none}}
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var graph = document.getElementById("graph");
  var layer = document.getElementById("edge-layer");
  var svg = document.getElementById("edges");
  var search = document.getElementById("search");
  var problems = document.getElementById("problems");
  var count = document.getElementById("match-count");
  var noMatch = document.getElementById("no-match");
  var SVG = "http://www.w3.org/2000/svg";
  var GAP = 10;
  var els = {}, visible = {}, paths = [], pinned = null;
  Object.keys(data.nodes).forEach(function (id) { els[id] = document.getElementById(id); visible[id] = true; });
  document.body.classList.remove("no-js");

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    search.value = params.get("search") || "";
    problems.checked = params.get("problems") === "1";
  }
  function writeHash() {
    var params = new URLSearchParams();
    if (search.value) params.set("search", search.value);
    if (problems.checked) params.set("problems", "1");
    var text = params.toString();
    try { history.replaceState(null, "", text ? "#" + text : location.pathname + location.search); } catch (e) { /* file: URLs in some browsers */ }
  }

  function filter() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var onlyProblems = problems.checked;
    var active = terms.length > 0 || onlyProblems;
    var matched = {}, shown = {}, nMatched = 0, nShown = 0;
    Object.keys(data.nodes).forEach(function (id) {
      var text = els[id].getAttribute("data-search") || "";
      var ok = terms.every(function (t) { return text.indexOf(t) !== -1; }) && (!onlyProblems || data.nodes[id].problem);
      if (ok) { matched[id] = true; shown[id] = true; nMatched++; }
    });
    Object.keys(matched).forEach(function (id) {
      data.nodes[id].related.forEach(function (other) { shown[other] = true; });
    });
    Object.keys(data.nodes).forEach(function (id) {
      var on = !active || !!shown[id];
      visible[id] = on;
      els[id].hidden = !on;
      els[id].classList.toggle("match", active && terms.length > 0 && !!matched[id]);
      els[id].classList.toggle("context", active && !matched[id] && on);
      if (on) nShown++;
    });
    count.textContent = active ? nMatched + " match" + (nMatched === 1 ? "" : "es") + ", " + nShown + " shown" : Object.keys(data.nodes).length + " nodes";
    noMatch.hidden = !active || nMatched > 0;
    graph.setAttribute("data-filter", active ? "on" : "off");
    layout();
  }

  function layout() {
    graph.classList.add("laid-out");
    var cols = data.columns.map(function (ids) { return ids.filter(function (id) { return visible[id]; }); });
    var height = {}, top = {};
    cols.forEach(function (ids) { ids.forEach(function (id) { height[id] = els[id].offsetHeight; }); });
    var edges = data.edges.filter(function (e) { return visible[e.from] && visible[e.to]; });
    var near = {};
    edges.forEach(function (e) {
      (near[e.from] = near[e.from] || []).push(e.to);
      (near[e.to] = near[e.to] || []).push(e.from);
    });
    // Each card level with its first (topmost) neighbour in the reference columns, pushed down
    // only as far as the cards above it in its own column need: the flow reads left to right
    // and top to bottom, groups of receivers hang from their signal.
    function place(ids, refs) {
      var ref = {}, cursor = 0;
      refs.forEach(function (column) { cols[column].forEach(function (id) { ref[id] = true; }); });
      ids.forEach(function (id) {
        var want = cursor;
        var ys = (near[id] || []).filter(function (o) { return ref[o] && top[o] !== undefined; }).map(function (o) { return top[o]; });
        if (ys.length) want = Math.min.apply(null, ys);
        top[id] = Math.max(cursor, want);
        cursor = top[id] + height[id] + GAP;
      });
    }
    place(cols[2], []);
    for (var round = 0; round < 3; round++) {
      place(cols[1], [2]);
      place(cols[2], [1]);
    }
    place(cols[1], [2]);
    place(cols[0], [1]);
    var stackHeight = 0;
    cols.forEach(function (ids) { ids.forEach(function (id) { els[id].style.top = top[id] + "px"; stackHeight = Math.max(stackHeight, top[id] + height[id]); }); });
    Array.prototype.forEach.call(graph.querySelectorAll(".stack"), function (stack) { stack.style.height = stackHeight + "px"; });
    draw(edges);
  }

  function draw(edges) {
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    paths = [];
    var box = graph.getBoundingClientRect();
    svg.setAttribute("width", graph.scrollWidth);
    svg.setAttribute("height", graph.scrollHeight);
    var rect = {};
    function r(id) {
      if (!rect[id]) {
        var b = els[id].getBoundingClientRect();
        rect[id] = { left: b.left - box.left, right: b.right - box.left, top: b.top - box.top, height: b.height };
      }
      return rect[id];
    }
    var outs = {}, ins = {};
    edges.forEach(function (e) { (outs[e.from] = outs[e.from] || []).push(e); (ins[e.to] = ins[e.to] || []).push(e); });
    function ports(groups, other, key) {
      Object.keys(groups).forEach(function (id) {
        var list = groups[id].slice().sort(function (a, b) {
          var d = (r(a[other]).top + r(a[other]).height / 2) - (r(b[other]).top + r(b[other]).height / 2);
          return d || (a[other] < b[other] ? -1 : 1);
        });
        var g = r(id), pad = Math.min(14, g.height / 4), n = list.length;
        list.forEach(function (e, i) { e[key] = g.top + pad + (g.height - 2 * pad) * (i + 0.5) / n; });
      });
    }
    ports(outs, "to", "y1");
    ports(ins, "from", "y2");
    edges.forEach(function (e) {
      var x1 = r(e.from).right, x2 = r(e.to).left - 2, dx = Math.max(30, (x2 - x1) * 0.5);
      var p = document.createElementNS(SVG, "path");
      p.setAttribute("d", "M" + x1.toFixed(1) + " " + e.y1.toFixed(1) + " C" + (x1 + dx).toFixed(1) + " " + e.y1.toFixed(1) + " " + (x2 - dx).toFixed(1) + " " + e.y2.toFixed(1) + " " + x2.toFixed(1) + " " + e.y2.toFixed(1));
      p.setAttribute("class", "edge edge-" + e.style);
      p.setAttribute("marker-end", "url(#arrow-" + e.style + ")");
      p.setAttribute("data-from", e.from);
      p.setAttribute("data-to", e.to);
      var t = document.createElementNS(SVG, "title");
      t.textContent = e.title;
      p.appendChild(t);
      layer.appendChild(p);
      paths.push(p);
    });
    graph.setAttribute("data-edges", String(edges.length));
  }

  function focus(id) {
    var on = {};
    if (id) { on[id] = true; data.nodes[id].related.forEach(function (o) { on[o] = true; }); }
    graph.classList.toggle("focusing", !!id);
    Object.keys(els).forEach(function (k) { els[k].classList.toggle("focus-on", !!on[k]); });
    paths.forEach(function (p) {
      var f = p.getAttribute("data-from"), t = p.getAttribute("data-to");
      p.classList.toggle("hl", !!id && !!on[f] && !!on[t]);
    });
  }
  Object.keys(els).forEach(function (id) {
    els[id].addEventListener("mouseenter", function () { if (!pinned) focus(id); });
    els[id].addEventListener("mouseleave", function () { if (!pinned) focus(null); });
    els[id].addEventListener("click", function (ev) {
      if (ev.target.closest && ev.target.closest("a")) return;
      pinned = pinned === id ? null : id;
      focus(pinned);
      ev.stopPropagation();
    });
  });
  document.addEventListener("click", function () { if (pinned) { pinned = null; focus(null); } });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "/" && document.activeElement !== search) { ev.preventDefault(); search.focus(); }
    if (ev.key === "Escape") { pinned = null; focus(null); if (document.activeElement === search) { search.value = ""; writeHash(); filter(); } }
  });
  search.addEventListener("input", function () { writeHash(); filter(); });
  problems.addEventListener("change", function () { writeHash(); filter(); });
  window.addEventListener("hashchange", function () { readHash(); filter(); });
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; layout(); });
  });
  readHash();
  filter();
  document.body.setAttribute("data-ready", "1");
})();
"""
