"""Facts + catalog + dispatcher model -> the project's sender -> signal -> receiver graph.

Every connection of the project is replayed, in the order Django would run
them (module level while apps load, then ``ready()``, then code that runs
later), on one ``SignalModel`` per signal.  The model says which receivers a
send would call and why the others would not: garbage collected, ignored
because an earlier receiver holds the same ``dispatch_uid``, or sitting in a
module Django never imports.
"""

from __future__ import annotations

import ast
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace

from signal_lint.catalog import Catalog
from signal_lint.extract import facts as F
from signal_lint.graph.calls import Calls, compute_calls
from signal_lint.graph.import_order import start_up_order
from signal_lint.graph.loading import (
    LATER,
    PHASE_NAMES,
    POPULATE,
    READY_PHASE,
    App,
    Loading,
    compute_loading,
    reloaded,
)
from signal_lint.graph.project import Project
from signal_lint.graph.senders import SenderName, Unresolved
from signal_lint.installed.reading import Origin
from signal_lint.lifetime import (
    INLINE_TEMPORARY_KINDS,
    exposed_wrapper,
    frame_keeps_alive,
    returned_temporary,
)
from signal_lint.model import (
    COLLECTED,
    IGNORED,
    LIVE,
    PENDING,
    BoundMethod,
    ModelRegistry,
    SignalModel,
)

NEVER_IMPORTED = "never-imported"
TEST_ONLY = (
    "test-only"  # connected only when the tests run: by a test module, or a module only they import
)
# Where a connection runs: while apps load, in ready(), or later (a view, a task, a migration).
PHASES = {
    F.MODULE: POPULATE,
    F.CLASS_BODY: POPULATE,
    F.APPCONFIG_INIT: POPULATE,
    F.READY: READY_PHASE,
}


@dataclass(frozen=True)
class SignalNode:
    qualname: str
    name: str
    builtin: bool
    model_signal: bool
    path: str | None = None
    line: int | None = None
    package: Origin | None = None  # defined in an installed package (read, never judged)


@dataclass(frozen=True)
class ReceiverNode:
    qualname: str
    path: str
    line: int
    kind: str  # function, nested-function, method, lambda, partial, temporary-method, call, name
    package: Origin | None = None  # connected by an installed package


@dataclass(frozen=True)
class Edge:
    """One connection: ``signal`` -> ``receiver`` for ``sender``, and what became of it."""

    signal: str
    receiver: str
    sender: SenderName  # the class where it is defined, Unresolved source text, or None (any)
    weak: bool | None
    dispatch_uid: object | None
    path: str
    line: int
    column: int
    status: str  # live, collected, ignored, never-imported
    context: str
    conditional: bool  # made by code that runs later (a view, a task, a migration), maybe never
    kind: str  # decorator or connect
    reason: str = ""
    module: str = ""
    function: str | None = None
    # when it runs: "populate" (while the apps and models load: module level of a module imported
    # then, AppConfig.__init__), "ready" (AppConfig.ready() or a module/helper first run from it),
    # "later" (URLconf, commands, migrations, function bodies)
    phase: str = "populate"
    # the ``if`` tests it is made under (``settings.FEATURE_X``), as source text; None if none
    condition: str | None = None
    # rank in the order the project's connect() calls run (Python's import order; import_order.py):
    # send() calls a signal's sync receivers in this order, then its async ones
    sequence: int = 0
    package: Origin | None = None  # made by an installed package
    # made at a factory's call site: (module, line, column) of the factory's own connect()
    template: tuple[str, int, int] | None = None


@dataclass(frozen=True)
class SendNode:
    signal: str
    method: str
    sender: SenderName  # None: sent with ``sender=None`` or without a sender
    keywords: tuple[str, ...]
    path: str
    line: int
    column: int
    has_star_kwargs: bool
    module: str
    package: Origin | None = None  # a send site of an installed package


@dataclass
class Graph:
    signals: dict[str, SignalNode] = field(default_factory=dict)
    receivers: dict[str, ReceiverNode] = field(default_factory=dict)
    connections: list[Edge] = field(default_factory=list)
    sends: list[SendNode] = field(default_factory=list)
    loading: Loading = field(default_factory=Loading)
    project: Project | None = None
    calls: Calls = field(default_factory=Calls)
    # registered models: "app_label.modelname" (model name lower-cased, as Django keys them) -> class
    models: dict[str, str] = field(default_factory=dict)
    # app labels whose models the graph knows all of (apps analysed here); a lazy sender naming
    # another label belongs to a third-party app and is assumed to exist
    known_labels: set[str] = field(default_factory=set)
    # abstract models (the project's and Django's, by every name): never a sender Django sends with
    abstract_models: set[str] = field(default_factory=set)
    abstract_labels: dict[str, str] = field(default_factory=dict)  # "shop.base" -> the class
    catalog: Catalog | None = (
        None  # Django's own models (auth.User, ...) when their source is not here
    )
    _connections_by_position: dict[tuple[str, int, int, str], F.Connection] | None = field(
        default=None, repr=False, compare=False
    )

    def model_for(self, reference: str) -> str | None:
        """The class of a lazy ``"app_label.ModelName"`` reference, if the project defines it or
        it is one of Django's own models (``"auth.User"``)."""
        label, _, name = reference.partition(".")
        found = self.models.get(f"{label}.{name.lower()}")
        if found is None and self.catalog is not None and label not in self.known_labels:
            spec = self.catalog.model_by_label(reference)
            found = spec.qualname if spec is not None else None
        return found

    def model_class(self, name: SenderName) -> str | None:
        """The class a resolved dotted name stands for when it is a concrete model, by the name
        of the module that defines it (``django.contrib.auth.admin.User`` is ``...models.User``);
        ``settings.AUTH_USER_MODEL`` and other swappable settings are the models they name."""
        if not isinstance(name, str) or not name or self.project is None:
            return None  # no sender, or an unresolved one
        reference = self.project.model_refs.get(name) or (name if name[0] in "@:" else None)
        if reference is not None:  # ``User = get_user_model()``
            return self.model_reference(reference, name.rpartition(".")[0])
        setting = _setting_name(name)
        if setting is not None:
            value = self.setting_model(setting)
            return self.model_for(value) if value else None
        if name in self.abstract_models:
            return None
        if name in self.project.classes:
            return name if self.project.is_model(name) else None
        spec = self.catalog.model(name) if self.catalog is not None else None
        return spec.qualname if spec is not None and not spec.abstract else None

    def model_reference(self, reference: str, module: str) -> str | None:
        """The class a model reference of the extracted facts names (``FileFacts.model_refs``):
        ``"@AUTH_USER_MODEL"`` (the setting's model), ``":Order"`` (``self.get_model("Order")``
        in the AppConfig of ``module``'s app), ``"shop.Order"`` (a label)."""
        if reference.startswith("@"):
            value = self.setting_model(reference[1:])
            return self.model_for(value) if value else None
        if reference.startswith(":"):
            app = self.loading.app_of(module)
            return self.model_for(f"{app.label}.{reference[1:]}") if app else None
        return self.model_for(reference) if reference.count(".") == 1 else None

    def setting_model(self, setting: str) -> str | None:
        """The ``"app_label.ModelName"`` a swappable setting of the project's settings names
        (``AUTH_USER_MODEL = "accounts.User"``; Django's ``"auth.User"`` when settings are found
        and do not set it), or None when unknown."""
        values = self.loading.settings.get(setting)
        if values and len(values) == 1 and values[0].count(".") == 1:
            return values[0]
        if setting == "AUTH_USER_MODEL" and values is None and self.loading.from_settings:
            return "auth.User"  # Django's default, when the project's settings do not set it
        return None

    def third_party_label(self, label: str) -> bool:
        """Not the label of an app analysed here, nor a misspelling of one (``"Shop"`` for ``shop``,
        the package name ``catalog`` of an app labelled ``products``)."""
        if label.lower() in {known.lower() for known in self.known_labels}:
            return False
        return not any(app.package.rsplit(".", 1)[-1] == label for app in self.loading.apps)

    def sender_key(self, edge: Edge) -> SenderName:
        """The edge's sender as Django keys it (a lazy ``"shop.Order"`` is already the class it
        names; unresolved expressions are compared by their text)."""
        return edge.sender

    def is_model(self, name: SenderName) -> bool:
        """A concrete model class of the project, or one of Django's own."""
        return self.model_class(name) is not None

    def connection_of(self, edge: Edge) -> F.Connection | None:
        """The extracted connection an edge was made from."""
        if self._connections_by_position is None:
            self._connections_by_position = {}
            for module, facts in self.project.modules.items() if self.project else ():
                for connection in facts.connections:
                    self._connections_by_position[
                        (module, connection.line, connection.column, connection.kind)
                    ] = connection
        return self._connections_by_position.get((edge.module, edge.line, edge.column, edge.kind))

    def live(self) -> list[Edge]:
        return [edge for edge in self.connections if edge.status == LIVE]


def build_graph(
    all_facts: list[F.FileFacts],
    catalog: Catalog,
    modules: dict[str, F.FileFacts] | None = None,
    aliases: Mapping[str, str] | None = None,
    origins: Mapping[str, Origin] | None = None,
) -> Graph:
    """``modules``/``aliases``: ``unique_modules``/``alias_table`` of ``all_facts``, when the caller has them.

    ``origins``: the modules of ``all_facts`` read from installed packages, with the package:
    their signals, receivers and sends are in the graph, marked with it."""
    project = Project(all_facts, modules, aliases, origins)
    project.external_models = frozenset(
        name for model in catalog.models for name in (model.qualname, *model.aliases)
    )
    loading = compute_loading(project)
    calls = compute_calls(project, loading)
    if any(  # helpers start-up runs import modules: load them in that phase, then follow again
        imported.function and f"{module}.{imported.function}" in calls.reached
        for module, facts in project.modules.items()
        if module in loading.loaded
        for imported in facts.imports
        if imported.context not in (F.MODULE, F.CLASS_BODY, F.READY, F.APPCONFIG_INIT)
    ):
        loading = reloaded(project, loading, calls.reached)
        calls = compute_calls(project, loading)
    graph = Graph(loading=loading, project=project, calls=calls)
    graph.catalog = catalog
    registry = _register_models(project, graph, catalog)
    for module, facts in project.modules.items():
        for definition in facts.signal_defs:
            qualname = f"{facts.module}.{definition.qualname}"
            graph.signals[qualname] = SignalNode(
                qualname,
                definition.qualname.rsplit(".", 1)[-1],
                False,
                definition.kind == "ModelSignal",
                facts.path,
                definition.line,
                project.origins.get(module),
            )
    pending = _connections(project, graph, catalog)
    project.forget_imports()  # the import order was the last to ask
    _replay(graph, registry, pending)
    _sends(project, graph, catalog)
    return graph


@dataclass
class _Pending:
    order: tuple[int, int, int, str, int, int]
    conditional: (
        bool  # made by a function nothing runs at start-up: later, maybe never, maybe often
    )
    facts: F.FileFacts
    connection: F.Connection
    signal: str
    receiver: str
    symbol: Hashable
    sender: SenderName
    sender_symbol: Hashable  # the sender as the dispatcher model compares it
    temporary: bool  # dies right after connect (inline lambda/partial/temporary's method)
    frame_bound: bool  # a nested def that dies when its enclosing function returns
    never_runs: str | None = None  # why the code making it never runs (an unselected AppConfig)
    template: tuple[str, int, int] | None = None  # Edge.template


def _signal_name(
    project: Project, catalog: Catalog, graph: Graph, qualname: str | None
) -> str | None:
    resolved = project.resolve(qualname)
    if resolved is None:
        return None
    spec = catalog.get(resolved) or catalog.get(qualname or "")
    if spec is not None:
        graph.signals.setdefault(
            spec.qualname, SignalNode(spec.qualname, spec.name, True, spec.model_signal)
        )
        return spec.qualname
    return resolved if resolved in graph.signals else None


def _connections(project: Project, graph: Graph, catalog: Catalog) -> list[_Pending]:
    pending: list[_Pending] = []
    app_index = {app.package: index for index, app in enumerate(graph.loading.apps)}
    ranks = start_up_order(project, graph.loading)
    unranked = len(ranks)
    bound = _bound_templates(project)
    for module, facts in sorted(project.modules.items()):
        app = graph.loading.app_of(module)
        made: list[tuple[F.Connection, _Template | None]] = [(c, None) for c in facts.connections]
        for connection, template in made + bound.get(module, []):
            if connection.kind == "disconnect":
                continue
            phase, conditional = _phase(graph, facts, connection)
            order = (
                phase,
                ranks.get((module, connection.line, connection.column), unranked)
                if not conditional
                else unranked,
                app_index.get(app.package, 999) if app else 999,
                facts.path,
                connection.line,
                connection.column,
            )
            receiver, symbol, kind = _receiver(project, facts, connection)
            if template is not None and template[1].receiver.kind == "nested-function":
                receiver = f"{template[0].module}.{template[1].receiver.local}"  # the factory's def
                symbol, kind = (receiver, f"{facts.path}:{connection.line}"), "nested-function"
            for _signal_text, signal_qualname in zip(
                connection.signal_text, connection.signals, strict=False
            ):
                signal = _signal_name(project, catalog, graph, signal_qualname)
                if signal is None:
                    continue
                sender = _sender(
                    project, graph, facts, connection, graph.signals[signal].model_signal
                )
                graph.receivers.setdefault(
                    receiver,
                    ReceiverNode(
                        receiver,
                        facts.path,
                        _receiver_line(facts, connection),
                        kind,
                        project.origins.get(module),
                    ),
                )
                held_by_local = connection.receiver.kind == "local" and kind != "local"
                temporary = (
                    connection.weak is not False
                    and not held_by_local
                    and (
                        kind in INLINE_TEMPORARY_KINDS
                        or (connection.receiver.kind == "call" and kind != "call")  # a factory's
                    )
                )
                frame_bound = (
                    connection.weak is not False
                    and (kind == "nested-function" or held_by_local)
                    and not frame_keeps_alive(*(template or (facts, connection)))
                )
                pending.append(
                    _Pending(
                        order,
                        conditional,
                        facts,
                        connection,
                        signal,
                        receiver,
                        symbol,
                        sender,
                        _sender_symbol(project, facts, connection, sender),
                        temporary,
                        frame_bound,
                        _never_runs(graph, facts, connection),
                        (template[0].module, template[1].line, template[1].column)
                        if template is not None
                        else None,
                    )
                )
    pending.sort(key=lambda p: p.order)
    return pending


_Template = tuple[
    F.FileFacts, F.Connection
]  # a factory's ``signal.connect(...)`` on its parameters


def _bound_templates(project: Project) -> dict[str, list[tuple[F.Connection, _Template]]]:
    """The connections a factory's call sites make (``@on(post_save, sender=Order)`` on ``def
    f``, ``connect_all(request_started, handler)``), by the call site's module: each of the
    factory's templates (``signal.connect(func, **kwargs)`` on its parameters) with the call's
    arguments put in: the signal, the receiver (an argument, or the decorated function when the
    template's receiver is the argument of the decorator the factory returns), the sender."""
    templates: dict[str, list[_Template]] = {}  # factory function -> its templates
    for facts in project.modules.values():
        for connection in facts.connections:
            roles = dict(connection.parameters)
            if "signal" in roles:
                owner = roles["signal"].split(":", 1)[0]
                templates.setdefault(f"{facts.module}.{owner}", []).append((facts, connection))
    bound: dict[str, list[tuple[F.Connection, _Template]]] = {}
    if not templates:
        return bound
    for module, facts in sorted(project.modules.items()):
        for call in facts.factory_calls:
            factory = project.resolve(call.callee) or call.callee
            found = project.functions.get(factory)
            if found is None:
                continue
            for template in templates.get(factory, ()):
                made = _bind(facts, call, found[1], template)
                if made is not None:
                    bound.setdefault(module, []).append((made, template))
    return bound


def _bind(
    facts: F.FileFacts, call: F.FactoryCall, factory: F.Function, template: _Template
) -> F.Connection | None:
    """``template`` with the arguments of ``call`` (a call of ``factory``) put in, made where
    ``call`` is; None when the signal is not among the call's arguments."""
    arguments = dict(call.keywords)

    def argument(parameter: str) -> str | None:
        _, name, position = parameter.split(":")
        if int(position) >= 0 and int(position) < len(call.arguments):
            return call.arguments[int(position)]
        return arguments.get(name)

    roles = dict(template[1].parameters)
    signal = argument(roles["signal"])
    if signal is None or signal.startswith("'"):
        return None
    receiver = template[1].receiver
    wrapped = [r[len("nested:") :] for r in factory.returns if r.startswith("nested:")]
    if "receiver" in roles:
        owner = roles["receiver"].split(":", 1)[0]
        if owner != factory.qualname and call.decorated and owner in wrapped:
            qualname = f"{facts.module}.{call.decorated}"  # the decorated function
            receiver = F.Receiver("function", qualname, call.decorated, call.decorated)
        elif (name := argument(roles["receiver"])) and not name.startswith("'"):
            receiver = F.Receiver("name", name, None, name.rsplit(".", 1)[-1])
        else:
            return None
    elif receiver.kind != "nested-function" or not (call.decorated and wrapped):
        return None
    sender = template[1].sender
    if "sender" in roles:
        sender = _argument_sender(argument(roles["sender"]))
    elif "kwargs" in roles:
        sender = _argument_sender(arguments.get("sender"))
    return replace(
        template[1],
        signals=(signal,),
        signal_text=(signal.rsplit(".", 1)[-1],),
        receiver=receiver,
        sender=sender,
        line=call.line,
        column=call.column,
        context=call.context,
        function=call.function,
        parameters=(),
        condition=None,
    )


def _argument_sender(value: str | None) -> F.Sender:
    if value is None or value == "None":
        return F.Sender("any")
    if value.startswith("'"):
        return F.Sender("string", value[1:-1])
    return F.Sender("name", value)


def _register_models(project: Project, graph: Graph, catalog: Catalog) -> ModelRegistry:
    """Register the project's concrete models under their labels, as Django's app registry does
    (``graph.models``: ``"app_label.modelname"`` -> class), and note the abstract ones; Django's
    own models stand in when their source is not analysed."""
    for qualname, (facts, class_def) in sorted(project.classes.items()):
        if facts.is_test or not project.is_model(qualname):
            continue  # Django registers concrete models only (and test models only in tests)
        app = _containing_app(graph.loading, facts.module)
        label = project.attribute(f"{qualname}.Meta", "app_label") or (
            app.label if app else facts.module.split(".")[0]
        )
        key = f"{label}.{class_def.qualname.rsplit('.', 1)[-1].lower()}"
        if project.attribute(f"{qualname}.Meta", "abstract") == "True":
            graph.abstract_models.add(qualname)
            graph.abstract_labels.setdefault(key, qualname)
            continue
        graph.models.setdefault(key, qualname)  # two classes claiming one label: the first keeps it
    graph.known_labels = {app.label for app in graph.loading.apps}
    for spec in catalog.models:
        if spec.abstract and spec.qualname not in project.classes:
            graph.abstract_models.update((spec.qualname, *spec.aliases))
    registry = ModelRegistry()
    for key, qualname in sorted(graph.models.items()):
        registry.register_model(key, _class_symbol(qualname))
    for spec in catalog.models:  # Django's own, unless its source is here (registered above)
        if spec.key and spec.key not in graph.models and spec.qualname not in project.classes:
            if spec.key.split(".")[0] not in graph.known_labels:
                registry.register_model(spec.key, _class_symbol(spec.qualname))
    return registry


def _containing_app(loading: Loading, module: str) -> App | None:
    """The app whose label Django gives a model of ``module``: the innermost app containing it
    (``apps.get_containing_app_config()``), where a package only guessed to be an app (it has
    models, but no AppConfig and no INSTALLED_APPS entry) inside another app is part of that app:
    ``dojo/system_settings/models.py`` holds models of ``dojo``."""
    installed = set(loading.installed)
    app = loading.app_of(module)
    while app is not None and not (app.config or app.package in installed):
        parent = app.package.rpartition(".")[0]
        outer = loading.app_of(parent) if parent else None
        if outer is None:
            return app
        app = outer
    return app


def _replay(graph: Graph, registry: ModelRegistry, pending: list[_Pending]) -> None:
    for (
        item
    ) in pending:  # a lazy sender of a third-party app's model (``"auth.User"``): assume it exists
        reference = item.connection.sender.value
        if (
            item.connection.sender.kind == "string"
            and reference
            and graph.signals[item.signal].model_signal
        ):
            label, dot, name = reference.partition(".")
            if (
                dot
                and name
                and "." not in name
                and graph.third_party_label(label)
                and graph.model_for(reference) is None
            ):
                registry.register_model(reference, ("external", f"{label}.{name.lower()}"))
    models: dict[str, SignalModel] = {}
    owners: dict[str, list[str]] = {}  # per signal: the receiver of each model.connections() index
    results: list[tuple[_Pending, str, str]] = []
    sequence = {id(item): index for index, item in enumerate(pending)}
    origins = graph.project.origins if graph.project is not None else {}
    for item in pending:
        node = graph.signals[item.signal]
        model = models.setdefault(
            item.signal, SignalModel(model_signal=node.model_signal, apps=registry)
        )
        module = item.facts.module
        if module in graph.loading.test_only:
            why = graph.loading.test_only[module]
            reason = (
                f"`{module}` is {why}: it runs when the tests do"
                if why in ("a test module", "test support", "the test command")
                else f"only the tests import `{module}` ({why})"
            )
            results.append((item, TEST_ONLY, reason))
            continue
        if module not in graph.loading.loaded:
            results.append(
                (item, NEVER_IMPORTED, f"`{module}` is never imported by anything Django loads")
            )
            continue
        if item.never_runs:
            results.append((item, NEVER_IMPORTED, item.never_runs))
            continue
        try:
            model.connect(
                item.symbol,
                sender=item.sender_symbol,
                weak=item.connection.weak is not False,
                dispatch_uid=_uid(item.connection.dispatch_uid),
            )
        except ValueError as error:  # a malformed lazy sender: Django raises at connect
            results.append((item, IGNORED, str(error)))
            continue
        owners.setdefault(item.signal, []).append(item.receiver)
        if item.temporary or item.frame_bound:
            model.collect(item.symbol)
        results.append((item, "", str(len(owners[item.signal]) - 1)))
    # one snapshot per signal: a snapshot per connection made N receivers of one signal cost N²
    records = {signal: model.connections() for signal, model in models.items()}
    for item, status, detail in results:
        if status:
            graph.connections.append(_edge(origins, item, status, detail, sequence[id(item)]))
            continue
        record = records[item.signal][int(detail)]
        reason = ""
        if record.status == COLLECTED:
            reason = (
                "only the dispatcher's weak reference held it"
                if item.temporary
                else "held only by a local variable, collected when its enclosing function returns"
                if item.connection.receiver.kind == "local"
                else "a nested function, collected when its enclosing function returns"
            )
        elif record.status == IGNORED and record.duplicate_of is not None:
            reason = (
                f"`dispatch_uid` {item.connection.dispatch_uid} already taken by `"
                f"{owners[item.signal][record.duplicate_of]}`"
            )
        elif record.status == PENDING:
            reason = f"no model `{item.connection.sender.value}` is registered, so the lazy sender never resolves"
        status = record.status if record.status in (COLLECTED, IGNORED, PENDING) else LIVE
        graph.connections.append(_edge(origins, item, status, reason, sequence[id(item)]))
    graph.connections.sort(key=lambda e: (e.path, e.line, e.column, e.signal, e.receiver))


def _edge(
    origins: Mapping[str, Origin], item: _Pending, status: str, reason: str, sequence: int
) -> Edge:
    connection = item.connection
    return Edge(
        signal=item.signal,
        receiver=item.receiver,
        sender=item.sender,
        weak=connection.weak,
        dispatch_uid=_uid(connection.dispatch_uid),
        path=item.facts.path,
        line=connection.line,
        column=connection.column,
        status=status,
        context=connection.context,
        conditional=item.conditional,
        kind=connection.kind,
        reason=reason,
        module=item.facts.module,
        function=connection.function,
        condition=connection.condition,
        phase=PHASE_NAMES[item.order[0]],
        sequence=sequence,
        package=origins.get(item.facts.module),
        template=item.template,
    )


def _phase(graph: Graph, facts: F.FileFacts, connection: F.Connection) -> tuple[int, bool]:
    """When the connection runs (at the latest of its module's import and its own context), and
    whether it is conditional: in a function that nothing run at start-up calls."""
    module_phase = graph.loading.phase.get(facts.module, LATER)
    if connection.context in PHASES:
        return max(module_phase, PHASES[connection.context]), False
    reached = graph.calls.phase_of(facts.module, connection.function)
    if reached is not None:  # a helper that ready() or an import-time call runs
        return max(module_phase, reached), False
    return LATER, True


def _never_runs(graph: Graph, facts: F.FileFacts, connection: F.Connection) -> str | None:
    """Why a connection in ``ready()``/``__init__`` of an AppConfig Django never selects never runs."""
    if connection.context not in (F.READY, F.APPCONFIG_INIT):
        return None
    why = graph.loading.never_runs(facts.module, connection.function)
    return f"`{facts.module}.{connection.function}()` never runs: {why}" if why else None


def _uid(text: str | None) -> object | None:
    if text is None:
        return None
    try:
        value: object = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # "<expr>": a computed uid
    return value


def _receiver(
    project: Project, facts: F.FileFacts, connection: F.Connection
) -> tuple[str, Hashable, str]:
    """The receiver's dotted name, the symbol the model tracks, and its kind."""
    receiver = connection.receiver
    module = facts.module
    where = f"{facts.path}:{connection.line}"
    if connection.kind == "decorator" and receiver.kind == "function" and receiver.local:
        function = facts.function(receiver.local)
        found = (
            exposed_wrapper(function, connection.decorator_index, project.function)
            if function is not None and len(function.decorators) > connection.decorator_index + 1
            else None
        )
        if found is not None:  # Django holds the decorator's wrapper, and names it so
            name = f"{found[0].module}.{found[1].qualname}"
            return name, (name, where), "function"
    if receiver.kind in ("function", "name") and receiver.qualname:
        name = project.resolve(receiver.qualname) or receiver.qualname
        return name, name, "instance" if name in project.instances else "function"
    if receiver.kind == "call" and receiver.qualname:
        made = _made_by_call(project, project.resolve(receiver.qualname) or receiver.qualname)
        if made is not None:  # a factory's new function, or a new callable instance: temporaries
            name, kind = made
            return name, (name, where), kind
    if receiver.kind == "nested-function" and receiver.local:
        name = f"{module}.{receiver.local}"
        return name, (name, where), "nested-function"
    if receiver.kind == "method" and connection.kind == "decorator" and receiver.local:
        name = f"{module}.{receiver.local}"
        return name, name, "method"
    if receiver.kind == "method" and receiver.text.startswith("self.") and connection.function:
        owner = facts.function(connection.function)
        if owner is not None and owner.class_name:
            method = _defining_class_method(
                project, f"{module}.{owner.class_name}", receiver.text[5:]
            )
            return method, BoundMethod(("instance", where), method), "method"
    if receiver.kind == "temporary-method":
        return f"{module}.{receiver.text}", ("temporary", where), "temporary-method"
    if receiver.kind == "local" and receiver.local_value:  # ``audit = Audit()``, then connected
        value = receiver.local_value
        if value.startswith("call:"):
            callee = value[len("call:") :]
            made = _made_by_call(project, project.resolve(callee) or callee)
            if made is not None:
                return made[0], (made[0], where), made[1]
        elif value in INLINE_TEMPORARY_KINDS:
            name = f"{module}.{receiver.text}"
            return name, (name, where), value
    if receiver.kind == "lambda":
        return f"{module}.<lambda>", ("lambda", where), "lambda"
    if receiver.kind == "partial":
        return f"{module}.{receiver.text}", ("partial", where), "partial"
    name = f"{module}.{receiver.text}" if receiver.text else f"{module}.<receiver>"
    return name, (name, where), receiver.kind


def _defining_class_method(project: Project, cls: str, attr: str) -> str:
    """``self.attr`` of ``cls`` named as a running Django names the bound method: after the class
    that defines it (``StorageSettingsMixin._clear_cached_properties`` connected from
    ``FileSystemStorage.__init__``), looked up through the project's bases in order."""
    for candidate in (cls, *project.bases(cls)):
        found = project.classes.get(candidate)
        if found is not None and attr in found[1].methods:
            return f"{candidate}.{attr}"
    return f"{cls}.{attr}"


def _made_by_call(project: Project, callee: str) -> tuple[str, str] | None:
    """What a call connected as a receiver makes, when it is a new object only the dispatcher would
    hold: (its name, its kind). A factory's nested function (named as Python names it), lambda or
    ``partial``; an instance of a project class that defines ``__call__``."""
    found = project.functions.get(callee)
    made = returned_temporary(found[1]) if found is not None else None
    if found is not None and made is not None:
        module = found[0].module
        if made.startswith("nested:"):
            return f"{module}.{made[len('nested:') :]}", "nested-function"
        return (f"{module}.<lambda>", "lambda") if made == "lambda" else (f"{callee}()", "partial")
    if callee in project.classes and any(
        "__call__" in project.classes[cls][1].methods
        for cls in (callee, *project.bases(callee))
        if cls in project.classes
    ):
        return f"{callee}()", "temporary-instance"
    return None


def _receiver_line(facts: F.FileFacts, connection: F.Connection) -> int:
    local = connection.receiver.local
    function = facts.function(local) if local else None
    return function.line if function is not None else connection.line


def _class_symbol(qualname: str | None) -> Hashable:
    """A class (or other named object) as a sender: distinct from a lazy string reference."""
    return ("object", qualname)


def _sender_symbol(
    project: Project, facts: F.FileFacts, connection: F.Connection, sender: SenderName
) -> Hashable:
    """The sender as the dispatcher model compares it: None (any), a lazy reference (the model
    registry resolves it), a named object, or an expression (an object of its own, unless a
    literal ``dispatch_uid`` goes with it)."""
    written = connection.sender
    if written.kind == "any" or sender is None:
        return None
    if written.kind == "string":
        return (
            written.value
        )  # lazy "app_label.ModelName" on a model signal; an unmatched object otherwise
    if isinstance(sender, str):  # a class, however it was written: the model's one identity
        return _class_symbol(sender)
    if written.kind == "name":
        return _class_symbol(project.resolve(written.value) or written.value)
    if connection.dispatch_uid not in (None, "<expr>") and not connection.dispatch_uid_falsy:
        # The same uid and the same expression: taken to be the same sender, as SIG102 does
        # (``sender=registry.get_app_config("order")`` in two migrations).
        return ("expression", str(sender))
    return ("expression", str(sender), facts.path, connection.line)  # type(x)...: its own object


def _sender(
    project: Project,
    graph: Graph,
    facts: F.FileFacts,
    connection: F.Connection | F.Send,
    model_signal: bool = True,
) -> SenderName:
    """The sender's name for reports: the class where it is defined (``self`` in an AppConfig is
    that AppConfig), or its source text, unresolved. A model has one name however it is spelled:
    the class (or a re-export of it), a lazy ``"app_label.ModelName"`` of a model signal, a
    swappable setting (``settings.AUTH_USER_MODEL``), one of Django's own models."""
    sender = connection.sender
    if sender.kind in ("any", "missing") or sender.value is None:
        return None
    if sender.kind == "name":
        resolved = project.resolve(sender.value) or sender.value
        setting = _setting_name(resolved)
        model = graph.model_class(resolved) if model_signal or not setting else None
        if model is not None:
            return _known_model(graph, model)
        if setting:
            return Unresolved(sender.text or f"settings.{setting}")
        return _named(project, sender.value, sender.text)
    if sender.kind == "string":
        model = graph.model_for(sender.value) if model_signal else None
        return _known_model(graph, model) or Unresolved(sender.text or repr(sender.value))
    if sender.kind == "model":  # get_user_model(), apps.get_model("shop", "Order"), ...
        model = graph.model_reference(sender.value, facts.module)
        return _known_model(graph, model) or Unresolved(
            sender.text or _reference_text(sender.value)
        )
    if sender.kind == "expr" and sender.value == "self" and connection.function:
        owner = facts.function(connection.function)
        if owner is not None and owner.class_name:
            return f"{facts.module}.{owner.class_name}"
    return Unresolved(sender.text or sender.value)  # an expression's (or literal's) source text


def _named(project: Project, name: str, text: str) -> SenderName:
    """A resolved name: a class where it is defined (or the ``through`` model of one's field), or
    unresolved when it names something of the project that is no class (``User = get_user_model()``)."""
    resolved = project.resolve(name) or name
    if resolved in project.classes:
        return resolved
    owner, _, field = name.removesuffix(".through").rpartition(".")
    owner = project.resolve(owner) or owner
    if name.endswith(".through") and field and owner in project.classes:
        return f"{owner}.{field}.through"  # ``Order.tags.through``: the model Django makes for it
    module = project.module_of(resolved)
    if module is None:
        return resolved  # another package's object (``django.contrib.auth.models.User``)
    return Unresolved(text or resolved[len(module) + 1 :] or resolved)


def _known_model(graph: Graph, model: str | None) -> str | None:
    """``model``, listed among the graph's models when it is one of Django's own (the report names
    the models its senders are)."""
    spec = graph.catalog.model(model) if graph.catalog is not None and model else None
    if spec is not None and spec.key and spec.qualname == model:
        graph.models.setdefault(spec.key, model)
    return model


def _reference_text(reference: str) -> str:
    """A model reference as the code wrote it (for an unresolved sender)."""
    if reference == "@AUTH_USER_MODEL":
        return "get_user_model()"
    if reference.startswith(":"):
        return f"self.get_model({reference[1:]!r})"
    return f"apps.get_model({reference!r})"


def _setting_name(name: str | None) -> str | None:
    """``AUTH_USER_MODEL`` of ``django.conf.settings.AUTH_USER_MODEL``."""
    prefix = "django.conf.settings."
    if name and name.startswith(prefix) and name[len(prefix) :].isupper():
        return name[len(prefix) :]
    return None


def _sends(project: Project, graph: Graph, catalog: Catalog) -> None:
    for module, facts in sorted(project.modules.items()):
        for send in facts.sends:
            signal = _signal_name(project, catalog, graph, send.signal)
            if signal is None:
                continue
            sender = _sender(project, graph, facts, send)
            graph.sends.append(
                SendNode(
                    signal,
                    send.method,
                    sender,
                    send.keywords,
                    facts.path,
                    send.line,
                    send.column,
                    send.has_star_kwargs,
                    module,
                    project.origins.get(module),
                )
            )
