"""What runs when a sender sends: its signals' receivers in Django's call order, and what they set off.

For one sender (a model, or any class that sends), every signal it sends:
the send sites that name it, and for a model the signals Django itself sends
when an instance is created, saved or deleted (``pre_init``/``post_init``,
``pre_save``/``post_save``, ``pre_delete``/``post_delete``, ``m2m_changed`` for
its many-to-many relations).  Each signal's receivers come in the order
``Signal.send()`` calls them: the synchronous ones in connection order (the
order the ``connect()`` calls ran, which is Python's import order:
``graph/import_order.py``), then the ``async def`` ones, which ``send()``
runs together afterwards through ``async_to_sync`` (``asend()`` runs the two
groups concurrently).  Receivers connected for any sender are included.

A receiver that saves, creates or deletes a model instance makes Django send
that model's signals in turn: the *cascade*, followed to a bounded depth, a
model already being saved (or deleted) further up marked as a cycle.  Bulk
writes of the project that skip the sender's save receivers are listed too
(``update()``, ``bulk_create()``, ``bulk_update()``: SIG107).

https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from signal_lint.extract.facts import CallUse, Function
from signal_lint.graph.build import Edge, Graph
from signal_lint.graph.query import MODEL_SIGNALS

SIGNALS = "django.db.models.signals."
SAVE = (SIGNALS + "pre_save", SIGNALS + "post_save")
DELETE = (SIGNALS + "pre_delete", SIGNALS + "post_delete")
INIT = (SIGNALS + "pre_init", SIGNALS + "post_init")
M2M_CHANGED = SIGNALS + "m2m_changed"
# What Django sends for a model when an instance is built, saved and deleted: the cascade's triggers.
SENT_ON = {"creates": INIT + SAVE, "saves": SAVE, "deletes": DELETE}
WHEN = {
    SIGNALS + "pre_init": "an instance is created (also when loaded from the database)",
    SIGNALS + "post_init": "an instance is created (also when loaded from the database)",
    SIGNALS + "pre_save": "an instance is saved",
    SIGNALS + "post_save": "an instance is saved",
    SIGNALS + "pre_delete": "an instance is deleted",
    SIGNALS + "post_delete": "an instance is deleted",
    M2M_CHANGED: "a many-to-many relation changes",
}
MAX_DEPTH = 3  # cascade levels shown below the sender's own signals
MAX_TRIGGERS = 400  # receivers shown in a whole cascade: a bound on the output, whatever the graph
CREATE_METHODS = ("create", "get_or_create", "update_or_create")
SAVE_METHODS = ("save",)
DELETE_METHODS = ("delete",)
BULK_METHODS = ("update", "bulk_create", "bulk_update")


@dataclass
class Trigger:
    """A write in a receiver's body, and the signals Django sends for it."""

    action: str  # creates, saves, deletes, or "bulk" (update()/bulk_*(): no signal at all)
    model: str | None  # the model written, None when not known statically
    text: str  # the call as written (``Invoice.objects.create``)
    path: str
    line: int
    method: str = ""
    cycle: bool = False  # the model is already being written with this action further up
    cut: bool = False  # not followed: the depth or size bound
    signals: list[SignalRuns] = field(default_factory=list)


@dataclass
class Run:
    """One receiver of a signal, for this sender."""

    edge: Edge
    is_async: bool
    triggers: list[Trigger] = field(default_factory=list)


@dataclass
class SignalRuns:
    """One signal the sender sends: the receivers it calls, in order, and those it does not."""

    signal: str
    sender: str  # the sender Django passes (a model's ``...through`` for m2m_changed)
    sent_at: list[tuple[str, int, str]]  # explicit send sites: (path, line, method)
    by_django: str  # when Django sends it for a model, or ""
    runs: list[Run]  # called at every send, in call order
    later: list[Run]  # connected by code that runs later, maybe never: called after those, if so
    not_run: list[Run]  # connections for this sender that never run (dead, test-only)


@dataclass
class WhatRunsWhen:
    sender: str
    is_model: bool
    signals: list[SignalRuns]
    bulk_writes: list[
        tuple[str, int, str]
    ]  # (path, line, method) of writes skipping the save signals
    max_depth: int = MAX_DEPTH


def what_runs_when(
    graph: Graph,
    sender: str,
    max_depth: int = MAX_DEPTH,
    keep: Callable[[Edge], bool] | None = None,
) -> WhatRunsWhen:
    """The receivers ``sender``'s signals call, in call order, with their cascades.

    ``keep``: when a query narrows the graph further (``--signal``, ``--receiver``, ``--app``),
    which of the sender's own connections to show (the cascades below them are shown whole).
    """
    return _Builder(graph, max_depth, keep).build(sender)


class _Builder:
    def __init__(self, graph: Graph, max_depth: int, keep: Callable[[Edge], bool] | None) -> None:
        self.graph = graph
        self.keep = keep
        self.max_depth = max_depth
        self.shown = 0
        self.models = set(graph.models.values())
        project = graph.project
        self.functions = project.functions if project is not None else {}
        self.is_model = project.is_model if project is not None else (lambda name: False)

    def build(self, sender: str) -> WhatRunsWhen:
        is_model = sender in self.models or self.is_model(sender)
        signals = self._signals(sender, is_model, (), 0)
        if self.keep is not None:
            signals = [s for s in signals if s.runs or s.later or s.not_run]
        return WhatRunsWhen(sender, is_model, signals, self._bulk_writes(sender), self.max_depth)

    def _signals(
        self, sender: str, is_model: bool, path: tuple[tuple[str, str], ...], depth: int
    ) -> list[SignalRuns]:
        sends: dict[str, list[tuple[str, int, str]]] = {}
        for send in self.graph.sends:
            if send.sender == sender:
                sends.setdefault(send.signal, []).append((send.path, send.line, send.method))
        order = list(sends)
        if is_model:
            order = [s for s in MODEL_SIGNALS if s != M2M_CHANGED] + order
        for edge in self.graph.connections:
            if self.graph.sender_key(edge) == sender:
                order.append(edge.signal)
        result = []
        for signal in dict.fromkeys(order):
            by_django = WHEN.get(signal, "") if is_model and signal in MODEL_SIGNALS else ""
            result.append(self._runs(signal, sender, sends.get(signal, []), by_django, path, depth))
        if is_model:
            throughs = sorted(
                {
                    key
                    for edge in self.graph.connections
                    if edge.signal == M2M_CHANGED
                    and isinstance(key := self.graph.sender_key(edge), str)
                    and key.startswith(sender + ".")
                    and key.endswith(".through")
                }
            )
            for through in throughs:
                result.append(self._runs(M2M_CHANGED, through, [], WHEN[M2M_CHANGED], path, depth))
        return result

    def _runs(
        self,
        signal: str,
        sender: str,
        sent_at: list[tuple[str, int, str]],
        by_django: str,
        path: tuple[tuple[str, str], ...],
        depth: int,
    ) -> SignalRuns:
        edges = [
            e
            for e in self.graph.connections
            if e.signal == signal
            and (e.sender is None or self.graph.sender_key(e) == sender)
            and (self.keep is None or depth > 0 or self.keep(e))
        ]
        edges.sort(key=lambda e: (e.sequence, e.path, e.line, e.column))
        runs, later, not_run = [], [], []
        for edge in edges:
            run = Run(edge, self._is_async(edge.receiver))
            if edge.status != "live":
                not_run.append(run)
            elif edge.conditional:
                later.append(run)
            else:
                runs.append(run)
        # send(): the sync receivers in connection order, then the async ones (Django 5.0+)
        runs = [r for r in runs if not r.is_async] + [r for r in runs if r.is_async]
        later = [r for r in later if not r.is_async] + [r for r in later if r.is_async]
        if depth == 0 and signal in SAVE + INIT:
            path = ((sender, "saves"),)  # the sender's own save (or creation) is the first step
        elif depth == 0 and signal in DELETE:
            path = ((sender, "deletes"),)
        for run in runs + later:
            run.triggers = self._triggers(run, signal, sender, path, depth)
        return SignalRuns(signal, sender, sent_at, by_django, runs, later, not_run)

    def _is_async(self, receiver: str) -> bool:
        found = self.functions.get(receiver)
        return bool(found and found[1].is_async)

    def _triggers(
        self,
        run: Run,
        signal: str,
        sender: str,
        path: tuple[tuple[str, str], ...],
        depth: int,
    ) -> list[Trigger]:
        found = self.functions.get(run.edge.receiver)
        if found is None:
            return []
        facts, function = found
        instance_model = sender if signal in MODEL_SIGNALS and signal != M2M_CHANGED else None
        triggers = []
        for call in function.calls:
            write = _write(call, function, instance_model, sender, self._model)
            if write is None:
                continue
            action, model, method = write
            text = ".".join(call.chain).replace(".()", "()") + "()"
            trigger = Trigger(action, model, text, facts.path, call.line, method)
            triggers.append(trigger)
            if model is None or action == "bulk":
                continue
            self.shown += 1
            step = (model, "deletes" if action == "deletes" else "saves")
            if step in path:
                trigger.cycle = True
            elif depth >= self.max_depth or self.shown > MAX_TRIGGERS:
                trigger.cut = True
            else:
                trigger.signals = [
                    runs
                    for runs in self._signals(model, True, (*path, step), depth + 1)
                    if runs.signal in SENT_ON[action] and (runs.runs or runs.later)
                ]
        return triggers

    def _model(self, name: str | None) -> str | None:
        project = self.graph.project
        if name is None or project is None:
            return None
        resolved = project.resolve(name) or name
        return resolved if resolved in self.models or project.is_model(resolved) else None

    def _bulk_writes(self, sender: str) -> list[tuple[str, int, str]]:
        project = self.graph.project
        if project is None:
            return []
        found = []
        for _module, facts in sorted(project.modules.items()):
            if facts.is_test:
                continue  # tests bulk-load fixtures on purpose
            for model, method, line, _column in facts.bulk_writes:
                if project.resolve(model) == sender:
                    found.append((facts.path, line, method))
        return found


def _write(
    call: CallUse,
    function: Function,
    instance_model: str | None,
    sender: str,
    model_of: object,
) -> tuple[str, str | None, str] | None:
    """``(action, model, method)`` when ``call`` writes a model instance, else None."""
    chain = call.chain
    if len(chain) < 2 or chain[-1] not in (
        *SAVE_METHODS,
        *DELETE_METHODS,
        *CREATE_METHODS,
        *BULK_METHODS,
    ):
        return None
    method = chain[-1]
    if method in CREATE_METHODS and "objects" not in chain and chain[0] != "sender":
        return None  # ``queue.create()``: not a manager
    root = chain[0]
    if root == "instance" and len(chain) == 2:
        model = instance_model
    elif root == "sender" and instance_model is not None:
        model = sender
    else:
        model = model_of(_root_qualname(function, root))  # type: ignore[operator]
        if model is None and method in BULK_METHODS:
            return None  # ``d.update(x)``: a dict, not a queryset
    if method in BULK_METHODS:
        return ("bulk", model, method)
    if method in CREATE_METHODS:
        return ("creates", model, method)
    if model is None and root in ("self", "cls", "super"):
        return (
            None  # the receiver's own object or a parent class's method: not a write we can follow
        )
    return ("deletes" if method in DELETE_METHODS else "saves", model, method)


def _root_qualname(function: Function, root: str) -> str | None:
    """What the name ``root`` resolves to in ``function``, read off a call the extractor resolved."""
    for call in function.calls:
        chain = call.chain
        if not call.qualname or not chain or chain[0] != root or "()" in chain:
            continue
        if len(chain) == 1:
            return call.qualname
        tail = "." + ".".join(chain[1:])
        if call.qualname.endswith(tail):
            return call.qualname[: -len(tail)]
    return None


def receivers_in(result: WhatRunsWhen) -> Iterable[Run]:
    """Every run of the result, cascades included, depth first (for tests and renderers)."""

    def walk(signals: list[SignalRuns]) -> Iterable[Run]:
        for runs in signals:
            for run in runs.runs + runs.later:
                yield run
                for trigger in run.triggers:
                    yield from walk(trigger.signals)

    return walk(result.signals)
