"""The order in which Django runs a project's start-up ``connect()`` calls: Python's import order.

``Signal.connect()`` appends to the signal's receivers list and ``send()``
calls the receivers in list order, so receivers run in the order their
``connect()`` (or ``@receiver``) ran.  That order is the order in which
module bodies run: settings first, then ``apps.populate()`` (every installed
app's package and ``apps`` module in ``INSTALLED_APPS`` order, then every
app's ``models``, then every ``AppConfig.ready()`` in turn, the admin's
autodiscovery of ``admin`` modules at the admin's place), each module body
top to bottom, an ``import`` running the imported module's whole body first
(depth-first, parents before children, a module already started never run
again, as ``sys.modules`` makes it).  Then what is imported later (the
URLconf at the first request, management commands, migrations).

https://docs.djangoproject.com/en/stable/ref/applications/#how-applications-are-loaded
"""

from __future__ import annotations

from collections.abc import Sequence

from signal_lint.extract.facts import Connection, FileFacts, Import
from signal_lint.graph.calls import callee_of, function_of
from signal_lint.graph.loading import Loading, imported_modules
from signal_lint.graph.project import Project

# Key of a connection: (module, line, column) of the connect() call or @receiver decorator.
Position = tuple[str, int, int]
# Bounds: deeply recursive helper chains are cut (start-up code is shallow).
_MAX_DEPTH = 40


def start_up_order(project: Project, loading: Loading) -> dict[Position, int]:
    """Each connection Django runs, by position, to its rank in the order the connections run."""
    return _Runner(project, loading).run()


class _Runner:
    def __init__(self, project: Project, loading: Loading) -> None:
        self.project = project
        self.loading = loading
        self.started: set[str] = set()
        self.order: dict[Position, int] = {}
        self.running: set[str] = set()  # functions on the simulated call stack
        self.depth = 0

    def run(self) -> dict[Position, int]:
        settings = sorted(m for m, why in self.loading.why.items() if why == "settings")
        for module in settings:
            self.load(module)
        apps = self.loading.apps
        for (
            app
        ) in apps:  # AppConfig.create(): the app package, its apps module, the config's __init__
            self.load(app.package)
            self.load(f"{app.package}.apps")
            if app.config:
                self.load(app.config.rsplit(".", 1)[0])
                self.call(self._method(app.config, "__init__"))
        for app in apps:  # import_models()
            self.load(f"{app.package}.models")
        admin_done = False
        by_entry = {app.config or app.package: app for app in apps}
        by_entry.update({app.package: app for app in apps})
        for entry in self.loading.installed:  # ready(), in INSTALLED_APPS order
            if entry.startswith("django.contrib.admin") and not admin_done:
                admin_done = True
                self._autodiscover()
            found = by_entry.get(entry)
            if found is not None and found.config:
                self.call(self._method(found.config, "ready"))
        installed = set(self.loading.installed)
        for app in apps:
            if app.config and app.config not in installed and app.package not in installed:
                self.call(self._method(app.config, "ready"))  # an app guessed without settings
        if not admin_done and not self.loading.from_settings:
            self._autodiscover()
        for module in sorted(self.loading.loaded):  # imported later: URLconf, commands, migrations
            self.load(module)
        return self.order

    def _autodiscover(self) -> None:
        for app in self.loading.apps:
            self.load(f"{app.package}.admin")

    def _method(self, config: str, name: str) -> str | None:
        for cls in [config, *self.project.bases(config)]:
            if f"{cls}.{name}" in self.project.functions:
                return f"{cls}.{name}"
        return None

    def load(self, module: str) -> None:
        """``import module``: its parent packages, then its body, unless already started."""
        self._run(self.project.loads(module))

    def _run(self, modules: Sequence[str]) -> None:
        """Run the bodies of ``modules`` (project modules) in turn, each unless already started."""
        for name in modules:
            facts = self.project.modules[name]
            if name in self.started or facts.is_test:
                continue
            self.started.add(name)
            self.body(facts, None)

    def call(self, function: str | None) -> None:
        """Run a project function: its own imports and connections by line, then what it calls."""
        found = self.project.functions.get(function) if function else None
        if found is None or function in self.running or self.depth > _MAX_DEPTH:
            return
        facts, definition = found
        self.running.add(function)  # type: ignore[arg-type]
        self.depth += 1
        self.body(facts, definition.qualname)
        for called in definition.callees:
            self.call(callee_of(self.project, facts, definition, called))
        self.depth -= 1
        self.running.discard(function)

    def body(self, facts: FileFacts, function: str | None) -> None:
        """The statements of a module body (``function`` None) or function body, in line order."""
        events: list[tuple[int, int, int, object]] = []
        for index, imported in enumerate(facts.imports):
            if imported.function == function:
                events.append((imported.line, -1, index, imported))
        for index, connection in enumerate(facts.connections):
            if connection.function == function and connection.kind != "disconnect":
                events.append((connection.line, connection.column, index, connection))
        if function is None:
            for index, (callee, line) in enumerate(facts.module_calls):
                events.append((line, 10**6, index, callee))
        for _line, _column, _index, event in sorted(events, key=lambda e: e[:3]):
            if isinstance(event, Connection):
                key = (facts.module, event.line, event.column)
                self.order.setdefault(key, len(self.order))
            elif isinstance(event, str):
                self.call(function_of(self.project, event))
            elif isinstance(event, Import):
                self._run(imported_modules(self.project, self.loading, event.module, event.names))
