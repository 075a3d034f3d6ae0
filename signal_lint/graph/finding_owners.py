"""Which node of the graph a finding concerns, so every report can show it beside that node.

A finding belongs to the receiver connected or defined on its line (the one
its message names, when several are), else to a receiver of that file its
message names, else to the signal defined or sent on that line, else to the
receiver whose body holds the line, and last to a sender or signal its
message names.  Works on the graph's plain data (``graph_data()``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

# (kind, name): kind is "sender", "signal" or "receiver"
Owner = tuple[str, str]
_TICKS = re.compile(r"`([^`]+)`")
_BODY_LINES = 80  # a receiver's body is assumed to end at the next definition, or this far down


def attach_findings(
    data: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]
) -> tuple[dict[Owner, list[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """Each owner's findings (in the order given), and the findings no node owns."""
    index = _Index(data)
    owned: dict[Owner, list[Mapping[str, Any]]] = defaultdict(list)
    unattached = []
    for finding in findings:
        owners = index.owners(finding)
        for owner in owners:
            owned[owner].append(finding)
        if not owners:
            unattached.append(finding)
    return dict(owned), unattached


def names(qualname: str, tokens: Iterable[str]) -> bool:
    """Whether a message's backticked token names ``qualname`` (fully, or its trailing parts)."""
    for token in tokens:
        token = token.strip()
        if token and (
            qualname == token
            or qualname.endswith(("." + token, "." + token + "()"))
            or (token.endswith("()") and qualname.endswith("." + token))
        ):
            return True
    return False


class _Index:
    def __init__(self, data: Mapping[str, Any]) -> None:
        receivers = {r["name"]: dict(r) for r in data.get("receivers") or ()}
        self.connections: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for c in data.get("connections") or ():
            receivers.setdefault(
                c["receiver"], {"name": c["receiver"], "path": c.get("path"), "line": c.get("line")}
            )
            self.connections[c["receiver"]].append(c)
        self.receivers = receivers
        self.in_file: dict[Any, list[str]] = defaultdict(list)
        for name in sorted(receivers):
            info = receivers[name]
            for path in sorted(
                {str(info.get("path"))} | {str(c.get("path")) for c in self.connections[name]}
            ):
                self.in_file[path].append(name)
        self.defined_at: dict[tuple[Any, Any], set[str]] = defaultdict(set)
        self.signals = sorted(s["name"] for s in data.get("signals") or ())
        for s in data.get("signals") or ():
            if s.get("path"):
                self.defined_at[(s.get("path"), s.get("line"))].add(s["name"])
        self.sent_at: dict[tuple[Any, Any], set[str]] = defaultdict(set)
        for s in data.get("sends") or ():
            self.sent_at[(s.get("path"), s.get("line"))].add(s["signal"])
        senders = [c.get("sender") for c in data.get("connections") or ()] + [
            s.get("sender") for s in data.get("sends") or ()
        ]
        self.senders = sorted({s for s in senders if isinstance(s, str)})  # not the unresolved

    def owners(self, finding: Mapping[str, Any]) -> list[Owner]:
        path, line = finding.get("path"), finding.get("line")
        tokens = _TICKS.findall(str(finding.get("message", "")))
        in_file = self.in_file.get(path, [])
        at_line = [
            name
            for name in in_file
            if (
                self.receivers[name].get("path") == path
                and self.receivers[name].get("line") == line
            )
            or any(c.get("path") == path and c.get("line") == line for c in self.connections[name])
        ]
        named = [name for name in in_file if names(name, tokens)]
        if at_line:
            return [("receiver", n) for n in ([n for n in at_line if n in named] or at_line)]
        if named:
            return [("receiver", n) for n in named]
        for table in (self.defined_at, self.sent_at):
            if (path, line) in table:
                return [("signal", n) for n in sorted(table[(path, line)])]
        enclosing = self._enclosing(in_file, path, line)
        if enclosing is not None:
            return [("receiver", enclosing)]
        for kind, candidates in (("sender", self.senders), ("signal", self.signals)):
            for token in tokens:
                hits = [n for n in candidates if names(n, [token])]
                if hits:
                    return [(kind, n) for n in hits]
        return []

    def _enclosing(self, in_file: Sequence[str], path: Any, line: Any) -> str | None:
        """The receiver defined in ``path`` whose body holds ``line``."""
        if not isinstance(line, int):
            return None
        starts = sorted(
            (self.receivers[n]["line"], n)
            for n in in_file
            if self.receivers[n].get("path") == path
            and isinstance(self.receivers[n].get("line"), int)
        )
        for index, (start, name) in enumerate(starts):
            end = starts[index + 1][0] - 1 if index + 1 < len(starts) else start + _BODY_LINES
            if start <= line <= min(end, start + _BODY_LINES):
                return name
        return None
