"""Graph queries: ``--sender``, ``--signal``, ``--receiver``, ``--app`` narrow the graph's data.

A name matches exactly (dotted), or by its last component when exactly one
candidate ends so (``Order`` for ``shop.models.Order``); a model also matches
by its lazy ``"app_label.ModelName"`` spelling (``shop.Order``).  Several values
of one option are alternatives; different options must all hold.  What is kept
is every matching connection, the send sites and signals it touches, and the
findings of what is kept, so every output format draws the same subgraph.

Works on :func:`signal_lint.report.graph.graph_data`'s plain data (also read
back from JSON), never on the analysed code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MODEL_SIGNALS = (
    "django.db.models.signals.pre_init",
    "django.db.models.signals.post_init",
    "django.db.models.signals.pre_save",
    "django.db.models.signals.post_save",
    "django.db.models.signals.pre_delete",
    "django.db.models.signals.post_delete",
    "django.db.models.signals.m2m_changed",
)
ANY_SENDER = "any sender"


class QueryError(ValueError):
    """A query names nothing in the graph, or names several things: the message says which."""


@dataclass(frozen=True)
class Query:
    senders: tuple[str, ...] = ()
    signals: tuple[str, ...] = ()
    receivers: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.senders or self.signals or self.receivers or self.apps)


def sender_text(sender: Any) -> str:
    """A connection's or send's sender for people: a dotted name, ``any sender``, or the source
    text of an expression signal-lint cannot resolve (``{"unresolved": "get_model()"}``)."""
    if sender is None:
        return ANY_SENDER
    if isinstance(sender, Mapping):
        shown = ", ".join(f"{key}: {value}" for key, value in sorted(sender.items()))
        return f"({shown})"
    return str(sender)


def sender_key(sender: Any, models: Mapping[str, str] | None = None) -> str | None:
    """The sender's identity for comparisons: a lazy ``"shop.Order"`` is the model it names."""
    if sender is None:
        return None
    if isinstance(sender, Mapping):
        return sender_text(sender)
    text = str(sender)
    if models and text.count(".") == 1:
        return models.get(text.lower(), text)
    return text


def model_table(data: Mapping[str, Any]) -> dict[str, str]:
    """``"shop.order"`` (lower-cased lazy label) -> ``"shop.models.Order"``."""
    return {str(m["label"]).lower(): str(m["name"]) for m in data.get("models") or ()}


def app_of_path(path: Any, apps: Sequence[Mapping[str, Any]]) -> str | None:
    """The label of the app whose directory holds ``path`` (the innermost one)."""
    return _innermost(path, apps, "path", "/")


def app_of_name(name: Any, apps: Sequence[Mapping[str, Any]]) -> str | None:
    """The label of the app whose package holds the dotted ``name`` (or a lazy label's app)."""
    found = _innermost(name, apps, "package", ".")
    if found is None and isinstance(name, str) and name.count(".") == 1:
        label = name.split(".")[0]
        if any(app.get("label") == label for app in apps):
            return label
    return found


def _innermost(value: Any, apps: Sequence[Mapping[str, Any]], field: str, sep: str) -> str | None:
    """The label of the app whose ``field`` (a directory or a package) is the longest prefix of
    ``value`` ending at a separator."""
    if not isinstance(value, str):
        return None
    best: tuple[int, str] | None = None
    for app in apps:
        prefix = str(app.get(field) or "").rstrip(sep)
        if prefix and (value == prefix or value.startswith(prefix + sep)):
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), str(app["label"]))
    return best[1] if best else None


def match(asked: str, candidates: Iterable[str], what: str) -> str:
    """The one candidate ``asked`` names: exactly, or by a unique last component."""
    names = sorted(set(candidates))
    if asked in names:
        return asked
    by_last = [n for n in names if n.rsplit(".", 1)[-1] == asked or n.endswith("." + asked)]
    if len(by_last) == 1:
        return by_last[0]
    if by_last:
        raise QueryError(
            f"{what} `{asked}` is ambiguous: it could be {_listing(by_last)}; give the dotted name"
        )
    close = [n for n in names if asked.lower() in n.lower()]
    hint = f" (did you mean {_listing(close)}?)" if close else ""
    if not names:
        raise QueryError(f"no {what} `{asked}`: the graph has none")
    raise QueryError(f"no {what} `{asked}` in the graph{hint}")


def _listing(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def resolve(query: Query, data: Mapping[str, Any]) -> Query:
    """The query with every name replaced by the graph's own name for it (raises QueryError)."""
    models = model_table(data)
    connections = data.get("connections") or []
    sends = data.get("sends") or []
    senders = {sender_key(c.get("sender"), models) for c in connections} | {
        sender_key(s.get("sender"), models) for s in sends
    }
    senders |= set(models.values())
    sender_names = sorted(s for s in senders if s is not None)

    def one_sender(asked: str) -> str:
        lazy = models.get(asked.lower()) if asked.count(".") == 1 else None
        return lazy if lazy is not None else match(asked, sender_names, "sender")

    signals = {s["name"] for s in data.get("signals") or ()}
    receivers = {r["name"] for r in data.get("receivers") or ()}
    labels = {str(a["label"]) for a in data.get("apps") or ()}
    for asked in query.apps:
        if asked not in labels:
            raise QueryError(
                f"no app labelled `{asked}`"
                + (f": the apps are {_listing(sorted(labels))}" if labels else ": no app found")
            )
    return Query(
        senders=tuple(dict.fromkeys(one_sender(s) for s in query.senders)),
        signals=tuple(dict.fromkeys(match(s, signals, "signal") for s in query.signals)),
        receivers=tuple(dict.fromkeys(match(r, receivers, "receiver") for r in query.receivers)),
        apps=tuple(dict.fromkeys(query.apps)),
    )


def signals_sent_by(sender: str, data: Mapping[str, Any]) -> list[str]:
    """What ``sender`` sends: its send sites' signals, Django's model signals when it is a model,
    and the signals receivers listen to it on; in that order, each once."""
    models = model_table(data)
    found = [
        s["signal"]
        for s in data.get("sends") or ()
        if sender_key(s.get("sender"), models) == sender
    ]
    if sender in models.values():
        found.extend(MODEL_SIGNALS)
    for c in data.get("connections") or ():
        if sender_key(c.get("sender"), models) == sender or _through_of(c.get("sender"), sender):
            found.append(c["signal"])
    return list(dict.fromkeys(found))


def _through_of(sender: Any, model: str) -> bool:
    """``shop.models.Order.tags.through``: the m2m_changed sender of one of ``model``'s relations."""
    return (
        isinstance(sender, str) and sender.startswith(model + ".") and sender.endswith(".through")
    )


def apply(query: Query, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` narrowed to ``query`` (already resolved), in the same shape."""
    if not query:
        return dict(data)
    models = model_table(data)
    apps = list(data.get("apps") or ())
    signal_paths = {s["name"]: s.get("path") for s in data.get("signals") or ()}
    sent: set[str] = set()
    for sender in query.senders:
        sent.update(signals_sent_by(sender, data))

    def sender_ok(sender: Any, signal: str) -> bool:
        key = sender_key(sender, models)
        if key is None:
            return signal in sent  # an any-sender receiver runs whatever sends its signal
        return key in query.senders or any(_through_of(key, s) for s in query.senders)

    def in_apps(*names: Any, paths: Sequence[Any] = ()) -> bool:
        found = {app_of_name(n, apps) for n in names} | {app_of_path(p, apps) for p in paths}
        return bool(found & set(query.apps))

    kept = []
    for c in data.get("connections") or ():
        if query.senders and not sender_ok(c.get("sender"), c["signal"]):
            continue
        if query.signals and c["signal"] not in query.signals:
            continue
        if query.receivers and c["receiver"] not in query.receivers:
            continue
        if query.apps and not in_apps(
            c["receiver"],
            sender_key(c.get("sender"), models),
            c["signal"],
            paths=[c.get("path"), signal_paths.get(c["signal"])],
        ):
            continue
        kept.append(c)
    touched = {(c["signal"], sender_key(c.get("sender"), models)) for c in kept}
    any_sender = {signal for signal, sender in touched if sender is None}
    sends = []
    for s in data.get("sends") or ():
        key = sender_key(s.get("sender"), models)
        direct = (
            (not query.senders or key in query.senders)
            and (not query.signals or s["signal"] in query.signals)
            and (not query.apps or in_apps(key, s["signal"], paths=[s.get("path")]))
            and not query.receivers
        )
        related = (s["signal"], key) in touched or s["signal"] in any_sender
        if direct or (related and (not query.senders or key in query.senders)):
            sends.append(s)
    signal_names = {c["signal"] for c in kept} | {s["signal"] for s in sends}
    receiver_names = {c["receiver"] for c in kept}
    result = dict(data)
    result["connections"] = kept
    result["sends"] = sends
    result["signals"] = [s for s in data.get("signals") or () if s["name"] in signal_names]
    result["receivers"] = [r for r in data.get("receivers") or () if r["name"] in receiver_names]
    result["findings"] = _findings_of(data, result)
    return result


def _findings_of(data: Mapping[str, Any], kept: Mapping[str, Any]) -> list[Any]:
    """The findings whose node (as the reports attach them, in the whole graph) is kept."""
    from signal_lint.graph.finding_owners import attach_findings

    findings = list(data.get("findings") or ())
    owned, _ = attach_findings(data, findings)
    nodes = {("signal", s["name"]) for s in kept["signals"]}
    nodes |= {("receiver", r["name"]) for r in kept["receivers"]}
    nodes |= {
        ("sender", c["sender"]) for c in kept["connections"] if isinstance(c.get("sender"), str)
    }
    nodes |= {("sender", s["sender"]) for s in kept["sends"] if isinstance(s.get("sender"), str)}
    wanted = {id(f) for owner, group in owned.items() if owner in nodes for f in group}
    return [f for f in findings if id(f) in wanted]
