"""``signal-lint graph-diff OLD.json NEW.json``: what a change did to the signal graph.

Reads two ``signal-lint graph --format json`` outputs (say of a pull
request's base and head) and says which connections were added or removed,
which changed status, sender or ``dispatch_uid``, and which findings were added
or fixed.  A connection is identified by its signal and receiver, and a
finding by its code, file and message, so code that merely moved (other
lines, another order) is no change.  Output: text, Markdown (for a job
summary or a pull-request comment) or JSON.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from signal_lint.graph.query import sender_key, sender_text

CHANGED_FIELDS = ("status", "sender", "dispatch_uid")


class GraphFileError(ValueError):
    """A graph file that cannot be read or is not ``graph --format json`` output."""


def load(path: str) -> dict[str, Any]:
    from signal_lint.reading import read_regular_file

    try:
        data = json.loads(read_regular_file(path, 1 << 30).decode("utf-8"))
    except OSError as error:
        raise GraphFileError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise GraphFileError(f"{path} is not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("connections"), list):
        raise GraphFileError(
            f"{path} is not a signal graph: make it with `signal-lint graph --format json`"
        )
    for key in ("connections", "findings"):
        rows = data.get(key) or []
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise GraphFileError(f"{path}: `{key}` must be a list of objects")
    for row in data["connections"]:
        if not isinstance(row.get("signal"), str) or not isinstance(row.get("receiver"), str):
            raise GraphFileError(f"{path}: a connection without `signal` and `receiver` names")
    return data


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The changes from ``old`` to ``new``, as plain sorted data (the JSON output)."""
    added, removed, changed = _connections(
        old.get("connections") or [], new.get("connections") or []
    )
    found, fixed = _findings(old.get("findings") or [], new.get("findings") or [])
    return {
        "summary": {
            "connections_added": len(added),
            "connections_removed": len(removed),
            "connections_changed": len(changed),
            "findings_added": len(found),
            "findings_fixed": len(fixed),
        },
        "connections": {"added": added, "removed": removed, "changed": changed},
        "findings": {"added": found, "fixed": fixed},
    }


def _identity(connection: Mapping[str, Any]) -> tuple[str, str]:
    return (connection["signal"], connection["receiver"])


def _fields(connection: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(json.dumps(connection.get(f), sort_keys=True) for f in CHANGED_FIELDS)


def _connections(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> tuple[list[Any], list[Any], list[Any]]:
    before: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    after: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for c in old:
        before[_identity(c)].append(c)
    for c in new:
        after[_identity(c)].append(c)
    added: list[Any] = []
    removed: list[Any] = []
    changed: list[Any] = []
    for key in sorted(set(before) | set(after)):
        olds, news = _sorted(before[key]), _sorted(after[key])
        for c in list(olds):  # unchanged: same status, sender and uid (maybe on other lines)
            twin = next((n for n in news if _fields(n) == _fields(c)), None)
            if twin is not None:
                olds.remove(c)
                news.remove(twin)
        for same_sender in (True, False):  # pair what is left: the same sender first
            for c in list(olds):
                twin = next(
                    (
                        n
                        for n in news
                        if not same_sender
                        or sender_key(n.get("sender")) == sender_key(c.get("sender"))
                    ),
                    None,
                )
                if twin is not None:
                    olds.remove(c)
                    news.remove(twin)
                    fields = [f for f in CHANGED_FIELDS if c.get(f) != twin.get(f)]
                    changed.append({"old": dict(c), "new": dict(twin), "changed": fields})
        removed.extend(dict(c) for c in olds)
        added.extend(dict(c) for c in news)
    return added, removed, changed


def _sorted(connections: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(
        connections,
        key=lambda c: (
            sender_text(c.get("sender")),
            str(c.get("path")),
            c.get("line") or 0,
            _fields(c),
        ),
    )


def _findings(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]
) -> tuple[list[Any], list[Any]]:
    def key(f: Mapping[str, Any]) -> tuple[str, str, str]:
        return (str(f.get("code")), str(f.get("path")), str(f.get("message")))

    def place(f: Mapping[str, Any]) -> tuple[str, str, str]:
        return (str(f.get("code")), str(f.get("path")), str(f.get("line")))

    # the same finding: same code, file and message (lines may move), or else same code and line
    # (its message may name what changed elsewhere, e.g. SIG107 listing the receivers)
    new_left = list(new)
    old_left = list(old)
    for same in (key, place):
        remaining: dict[tuple[str, str, str], list[Mapping[str, Any]]] = defaultdict(list)
        for f in old_left:
            remaining[same(f)].append(f)
        unmatched = []
        for f in new_left:
            if remaining[same(f)]:
                remaining[same(f)].pop(0)
            else:
                unmatched.append(f)
        new_left = unmatched
        old_left = [f for group in remaining.values() for f in group]
    added = [dict(f) for f in new_left]
    fixed = [dict(f) for f in old_left]

    def order(f: Mapping[str, Any]) -> tuple[str, int, str, str]:
        return (str(f.get("path")), f.get("line") or 0, str(f.get("code")), str(f.get("message")))

    return sorted(added, key=order), sorted(fixed, key=order)


# -- rendering -------------------------------------------------------------------------------------


def _summary_line(result: Mapping[str, Any]) -> str:
    s = result["summary"]
    if not any(s.values()):
        return "no change to the signal graph"
    parts = [
        f"{s['connections_added']} connection(s) added",
        f"{s['connections_removed']} removed",
        f"{s['connections_changed']} changed",
        f"{s['findings_added']} finding(s) added",
        f"{s['findings_fixed']} fixed",
    ]
    return "signal graph: " + ", ".join(parts)


def _where(item: Mapping[str, Any]) -> str:
    return f"{item.get('path')}:{item.get('line')}"


def _short(signal: str) -> str:
    return signal.rsplit(".", 1)[-1]


def _value(field: str, value: Any) -> str:
    if field == "sender":
        return sender_text(value)
    return repr(value) if isinstance(value, str) and field == "dispatch_uid" else str(value)


def _change(entry: Mapping[str, Any], arrow: str = "->") -> str:
    old, new = entry["old"], entry["new"]
    return "; ".join(
        f"{field} {_value(field, old.get(field))} {arrow} {_value(field, new.get(field))}"
        for field in entry["changed"]
    )


def as_text(result: Mapping[str, Any]) -> str:
    lines = [_summary_line(result)]
    connections, findings = result["connections"], result["findings"]
    sections = (
        ("connections added", "+", connections["added"]),
        ("connections removed", "-", connections["removed"]),
    )
    for title, mark, rows in sections:
        if rows:
            lines.append(f"{title}:")
            for c in rows:
                lines.append(
                    f"  {mark} {c['signal']}: {sender_text(c.get('sender'))} -> {c['receiver']}"
                    f"  [{c.get('status')}]  {_where(c)}"
                )
    if connections["changed"]:
        lines.append("connections changed:")
        for entry in connections["changed"]:
            new = entry["new"]
            lines.append(
                f"  ~ {new['signal']}: {sender_text(new.get('sender'))} -> {new['receiver']}:"
                f" {_change(entry)}  {_where(new)}"
            )
    for title, mark, rows in (
        ("findings added", "+", findings["added"]),
        ("findings fixed", "-", findings["fixed"]),
    ):
        if rows:
            lines.append(f"{title}:")
            for f in rows:
                lines.append(f"  {mark} {_where(f)}: {f.get('code')} {f.get('message')}")
    return "\n".join(lines) + "\n"


def _cell(text: Any, markup: bool = True) -> str:
    """Markdown table cell text: one line, pipes escaped, and (outside code spans, where
    GitHub would read it as HTML or emphasis) ``<``, ``>``, ``*`` and ``_`` made literal."""
    value = re.sub(r"\s+", " ", str(text)).replace("|", "\\|")
    if markup:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        value = value.replace("*", "\\*").replace("_", "\\_")
    return value


def _code(text: Any) -> str:
    value = _cell(text, markup=False)
    return f"`` {value} ``" if "`" in value else f"`{value}`"


def _message(text: Any) -> str:
    """A finding's message: its `code spans` kept, the text between them made literal."""
    pieces = " ".join(str(text).split()).split("`")  # one line, then code spans apart
    if len(pieces) % 2 == 0:
        return _cell(text)
    return "`".join(_cell(p, markup=i % 2 == 0) for i, p in enumerate(pieces))


def as_markdown(result: Mapping[str, Any]) -> str:
    lines = ["### Signal graph changes", "", _summary_line(result).capitalize() + "."]
    connections, findings = result["connections"], result["findings"]
    rows = (
        [("added", c, "") for c in connections["added"]]
        + [("removed", c, "") for c in connections["removed"]]
        + [("changed", e["new"], _change(e, "→")) for e in connections["changed"]]
    )
    if rows:
        lines += [
            "",
            "| change | signal | sender | receiver | status | where |",
            "|---|---|---|---|---|---|",
        ]
        for what, c, detail in rows:
            status = _cell(detail) if detail else _cell(c.get("status"))
            lines.append(
                f"| {what} | {_code(_short(c['signal']))} | {_code(sender_text(c.get('sender')))}"
                f" | {_code(c['receiver'])} | {status} | {_code(_where(c))} |"
            )
    found = [("added", f) for f in findings["added"]] + [("fixed", f) for f in findings["fixed"]]
    if found:
        lines += ["", "| finding | code | where | message |", "|---|---|---|---|"]
        for what, f in found:
            lines.append(
                f"| {what} | {_cell(f.get('code'))} | {_code(_where(f))} | {_message(f.get('message'))} |"
            )
    return "\n".join(lines) + "\n"


def as_json(result: Mapping[str, Any]) -> str:
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}
