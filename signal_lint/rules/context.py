"""What a rule may know besides one file's facts: the catalog and the signals.

Run inside flake8 a rule sees one file at a time, so it knows Django's
signals, the file's own ``Signal()``s and the configured third-party ones.
Run by ``signal-lint check`` it also knows every signal the project defines
and every connection the project makes, so a receiver in ``handlers.py``
connected from ``apps.py`` is checked too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from signal_lint.aliases import follow_aliases
from signal_lint.catalog import Catalog, SignalSpec
from signal_lint.extract.facts import Connection, FileFacts, Function, SignalDef
from signal_lint.lifetime import exposed_wrapper


@dataclass(frozen=True)
class ProjectSignal:
    qualname: str
    kind: str  # "Signal" or "ModelSignal"
    path: str
    definition: SignalDef


@dataclass
class RuleContext:
    catalog: Catalog
    signals: dict[str, ProjectSignal] = field(
        default_factory=dict
    )  # project-defined, by qualified name
    aliases: Mapping[str, str] = field(default_factory=dict)  # re-exported name -> qualified name
    # connections anywhere in the project whose receiver is a function of another file, by qualname
    remote_connections: dict[str, list[tuple[FileFacts, Connection]]] = field(default_factory=dict)
    project_mode: bool = False
    files: tuple[FileFacts, ...] = ()  # every file of the project, in project mode
    # the project's models, when the graph is built: "app_label.modelname" -> qualified class name
    models: dict[str, str] = field(default_factory=dict)
    # every module's facts, by module name (project mode): the functions a receiver calls
    modules: dict[str, FileFacts] = field(default_factory=dict)
    _remote_by_module: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _remote_indexed: int = -1
    _callees: frozenset[str] | None = field(default=None, repr=False)
    _importers: dict[str, list[FileFacts]] | None = field(default=None, repr=False)

    @classmethod
    def for_file(cls, catalog: Catalog, facts: FileFacts) -> RuleContext:
        """The flake8 view: one file, nothing else of the project."""
        ctx = cls(catalog)
        ctx.add_signals(facts)
        return ctx

    def add_signals(self, facts: FileFacts) -> None:
        for definition in facts.signal_defs:
            qualname = f"{facts.module}.{definition.qualname}"
            self.signals[qualname] = ProjectSignal(
                qualname, definition.kind, facts.path, definition
            )

    def canonical(self, qualname: str | None) -> str | None:
        return follow_aliases(self.aliases, qualname)

    def builtin(self, qualname: str | None) -> SignalSpec | None:
        if qualname is None:
            return None
        return self.catalog.get(self.canonical(qualname) or qualname)

    def project_signal(self, qualname: str | None) -> ProjectSignal | None:
        return self.signals.get(self.canonical(qualname) or "") if qualname else None

    def is_signal(self, qualname: str | None) -> bool:
        """Known to be a signal, or imported from a ``signals`` module we cannot see."""
        if qualname is None:
            return False
        if self.builtin(qualname) is not None or self.project_signal(qualname) is not None:
            return True
        module = (self.canonical(qualname) or qualname).rsplit(".", 1)[0]
        if module.startswith("django."):
            return False  # Django's own signals are all in the catalog
        return any(part.endswith("signals") for part in module.split("."))

    def callee(self, qualname: str | None) -> Function | None:
        """A function (or method, inherited ones too) of the project by qualified name, re-exports
        followed; None outside the project, or in the flake8 view, which sees one file."""
        if not qualname or not self.modules:
            return None
        found = self.function(qualname)
        return (
            found[1]
            if found is not None
            else self._function(self.canonical(qualname) or qualname, 0)
        )

    def _function(self, target: str, depth: int) -> Function | None:
        module, _, local = target.rpartition(".")
        while module:
            facts = self.modules.get(module)
            if facts is not None:
                found = facts.function(local)
                if found is None and "." in local and depth < 8:  # ``Job.enqueue``: inherited?
                    owner, _, method = local.rpartition(".")
                    for class_def in facts.classes:
                        if class_def.qualname == owner:
                            for base in class_def.bases:
                                found = found or (
                                    self._function(
                                        f"{self.canonical(base) or base}.{method}", depth + 1
                                    )
                                    if base
                                    else None
                                )
                return found
            module, _, head = module.rpartition(".")
            local = f"{head}.{local}"
        return None

    def is_model_signal(self, qualname: str | None) -> bool:
        spec = self.builtin(qualname)
        if spec is not None:
            return spec.model_signal
        project = self.project_signal(qualname)
        return project is not None and project.kind == "ModelSignal"

    def project_callees(self) -> frozenset[str]:
        """Names called directly in any function of the project (by their last part), built once."""
        if self._callees is None:
            self._callees = frozenset(
                callee for facts in self.files for callee, _, _ in facts.call_arguments
            )
        return self._callees

    def importers(self, qualname: str) -> list[FileFacts]:
        """Files that import ``qualname`` by name (``from shop.handlers import on_saved``)."""
        if self._importers is None:
            self._importers = {}
            for facts in self.files:
                for item in facts.imports:
                    for name in item.names:
                        self._importers.setdefault(f"{item.module}.{name}", []).append(facts)
        return self._importers.get(qualname, [])

    def function(self, qualname: str | None) -> tuple[FileFacts, Function] | None:
        """A function of the project by its qualified name (project mode; the file's own otherwise)."""
        name = self.canonical(qualname) or qualname
        head, tail = name or "", ""
        while head:
            facts = self.modules.get(head)
            function = facts.function(tail) if facts is not None and tail else None
            if function is not None:
                return facts, function  # type: ignore[return-value]
            head, _, last = head.rpartition(".")
            tail = f"{last}.{tail}" if tail else last
        return None

    def connected_to(self, facts: FileFacts) -> bool:
        """Whether another file connects a function of ``facts`` as a receiver."""
        return next(iter(self.connections_to(facts)), None) is not None

    def connections_to(self, facts: FileFacts) -> Iterable[tuple[FileFacts, Connection, str]]:
        """Connections made in other files whose receiver is a function of ``facts``, with that
        function's qualified name (a callable instance's is its class's ``__call__``)."""
        if self._remote_indexed != len(
            self.remote_connections
        ):  # index by module once, not a scan per file
            self._remote_by_module = {}
            for qualname in sorted(self.remote_connections):
                parts = qualname.split(".")
                for end in range(1, len(parts)):
                    self._remote_by_module.setdefault(".".join(parts[:end]), []).append(qualname)
            self._remote_indexed = len(self.remote_connections)
        prefix = facts.module + "."
        for qualname in self._remote_by_module.get(facts.module, ()):
            if facts.function(qualname[len(prefix) :]) is not None:
                for source, connection in self.remote_connections[qualname]:
                    yield source, connection, qualname


@dataclass
class ReceiverUse:
    """A function of this file and the connections that make it a receiver."""

    function: Function
    connections: list[Connection]
    bound: bool  # connected as a bound method: its first parameter is not passed by the signal
    # the wrapper a decorator below ``@receiver`` returns without ``functools.wraps``: Django inspects
    # (``func_accepts_kwargs``) and calls it, not ``function``; and the decorator's name
    exposed: Function | None = None
    decorator: str = ""

    @property
    def forwards(self) -> bool:
        """The exposed wrapper hands its ``**kwargs`` on (to the decorated function, presumably),
        so the function itself receives what the signal sends too."""
        if self.exposed is None:
            return True
        var_kw = next((p.name for p in self.exposed.params if p.kind == "varkw"), None)
        return var_kw is not None and var_kw in self.exposed.escaping_names

    @property
    def name(self) -> str:
        """The receiver as messages name it: ``on_save``, or ``Audit.__call__`` for a callable instance."""
        return self.function.qualname if self.function.name == "__call__" else self.function.name

    def signals(self) -> list[str]:
        names: list[str] = []
        for connection in self.connections:
            names.extend(s for s in connection.signals if s)
        return names


def receivers(facts: FileFacts, ctx: RuleContext) -> list[ReceiverUse]:
    """Functions of ``facts`` connected (not disconnected) as receivers, in file order."""
    remote = list(ctx.connections_to(facts))
    if not remote and not facts.connections:
        return []  # most files: seven rules ask
    found: dict[str, ReceiverUse] = {}
    candidates = [(facts, c, "") for c in facts.connections] + remote
    for source, connection, key in candidates:
        if connection.kind == "disconnect":
            continue
        if source is not facts:  # connected in another file
            local: str | None = key[len(facts.module) + 1 :]
            bound = (local or "").endswith(".__call__")
        else:
            local, bound = _local_target(facts, connection)
        if local is None:
            continue
        function = facts.function(local)
        if function is None:
            continue
        bound = bound or (source is not facts and function.is_classmethod)  # ``Counter.on_delete``
        if connection.kind != "decorator" and not any(ctx.is_signal(s) for s in connection.signals):
            continue
        use = found.setdefault(local, ReceiverUse(function, [], bound))
        use.connections.append(connection)
        if connection.kind == "decorator" and use.exposed is None:
            use.exposed, use.decorator = _exposed(facts, ctx, function, connection)
    return sorted(found.values(), key=lambda use: use.function.line)


def function_in(
    facts: FileFacts, ctx: RuleContext, name: str | None
) -> tuple[FileFacts, Function] | None:
    """A function named from ``facts`` (a decorator, a helper): the project's, or this file's own
    when the run has no project (per-file checks, the flake8 plugin)."""
    if not name:
        return None
    found = ctx.function(name)
    if found is None and name.startswith(facts.module + "."):
        local = facts.function(name[len(facts.module) + 1 :])
        found = (facts, local) if local is not None else None
    return found


def _exposed(
    facts: FileFacts, ctx: RuleContext, function: Function, connection: Connection
) -> tuple[Function | None, str]:
    """What ``@receiver`` registers (see ``lifetime.exposed_wrapper``), in this file or the project."""

    exposed = exposed_wrapper(
        function, connection.decorator_index, lambda name: function_in(facts, ctx, name)
    )
    return (exposed[1], exposed[2]) if exposed is not None else (None, "")


def _local_target(facts: FileFacts, connection: Connection) -> tuple[str | None, bool]:
    receiver = connection.receiver
    instance = (
        dict(facts.instances).get(receiver.local or "") if receiver.kind == "function" else None
    )
    if instance is not None:  # ``audit = Audit()`` connected: Django calls ``Audit.__call__``
        return _call_method(facts, instance)
    if receiver.kind == "call" and receiver.local and facts.function(receiver.local) is None:
        return _call_method(facts, f"{facts.module}.{receiver.local}")  # ``connect(Audit())``
    if receiver.kind in ("function", "nested-function") and receiver.local:
        function = facts.function(
            receiver.local
        )  # ``Handler.on_save`` is a plain function, unless a classmethod
        return receiver.local, bool(function and function.is_classmethod)
    if connection.kind == "decorator" and receiver.kind == "method":
        return receiver.local, False
    if (
        receiver.kind == "method"
        and receiver.text.startswith(("self.", "cls."))
        and connection.function
    ):
        owner = facts.function(connection.function)
        if owner is not None and owner.class_name:
            base, attr = receiver.text.split(".", 1)
            function = facts.function(f"{owner.class_name}.{attr}")
            if function is None or function.is_staticmethod:
                return (
                    f"{owner.class_name}.{attr}",
                    False,
                )  # a staticmethod is not bound, even through self
            if base == "cls" and not function.is_classmethod:
                return f"{owner.class_name}.{attr}", False  # ``cls.f`` is the plain function
            return f"{owner.class_name}.{attr}", True
    return None, False


def _call_method(facts: FileFacts, cls: str | None) -> tuple[str | None, bool]:
    """``Cls.__call__`` of a class of this file (or of a base here), bound: Django calls it on the
    instance, so its first parameter is not one the signal sends."""
    prefix = facts.module + "."
    seen = 0
    while cls and cls.startswith(prefix) and seen < 8:
        seen += 1
        local = cls[len(prefix) :]
        if facts.function(f"{local}.__call__") is not None:
            return f"{local}.__call__", True
        class_def = next((c for c in facts.classes if c.qualname == local), None)
        if class_def is None or not class_def.bases:
            break
        cls = class_def.bases[0]
    return None, False
