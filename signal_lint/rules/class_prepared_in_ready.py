"""SIG003: ``class_prepared`` connected in ``AppConfig.ready()``, after it was sent.

https://docs.djangoproject.com/en/stable/ref/signals/#class-prepared
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import CLASS_BODY, MODULE, READY, Connection, FileFacts
from signal_lint.findings import ERROR, UNSAFE, Finding, Fix
from signal_lint.graph import NEVER_IMPORTED, TEST_ONLY, Edge, Graph
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

LATE_APP = {  # app/signals.py (the example) is imported only from ready()
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models

        class Article(models.Model):
            pass
        """,
}


class ClassPreparedInReady(Rule):
    """
    ## What it does
    Flags a receiver of `class_prepared` (or another signal Django sends only
    while the app registry populates) connected inside `AppConfig.ready()`.
    The project check (`signal-lint check`, not flake8) also flags one
    connected when a module is imported that Django first imports from
    `ready()` (directly, through other modules, or by the admin's
    autodiscovery) or later still, and one connected by a helper function
    that `ready()` calls.

    ## Why is this bad?
    Django sends `class_prepared` while it imports the models modules, before
    any `ready()` runs. A receiver connected in `ready()` never sees the
    models it expects: it only runs for classes prepared later, usually none.

    ## Example
    ```python
    class CoreConfig(AppConfig):
        def ready(self):
            class_prepared.connect(add_audit_fields)
    ```

    Use instead:
    ```python
    class CoreConfig(AppConfig):
        def __init__(self, app_name, app_module):
            super().__init__(app_name, app_module)
            class_prepared.connect(add_audit_fields)
    ```
    or connect at import time of a models module that is imported first.

    ## Fix safety
    Unsafe. The fix moves a plain `signal.connect(...)` statement of
    `ready()` to the end of `AppConfig.__init__`, adding an `__init__` that
    calls `super().__init__(*args, **kwargs)` when the class has none: the
    connection then runs earlier, once per `AppConfig` instance. It moves
    only a statement that names nothing `ready()` computes or imports, no
    `self`, and calls nothing in its arguments (no app registry). A receiver
    imported inside `ready()`, an `@receiver` inside it and the project
    half's findings are not fixed.

    ## References
    - [Django: class_prepared](https://docs.djangoproject.com/en/stable/ref/signals/#class-prepared)
    """

    code = "SIG003"
    name = "class-prepared-in-ready"
    severity = ERROR
    reads = frozenset({"connections"})
    summary = "A `class_prepared` receiver connected in `ready()`, after the models were prepared"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` is connected {where}, after Django sent the signal "
        "for every model: connect it in `AppConfig.__init__` or in a models module"
    )
    fix_title = "connect in `AppConfig.__init__` instead of `ready()`"

    VALID = (
        Valid(
            """
            from django.apps import AppConfig
            from django.db.models.signals import class_prepared, post_migrate

            def add_fields(sender, **kwargs):
                pass

            def create_defaults(sender, **kwargs):
                pass

            class CoreConfig(AppConfig):
                name = "core"

                def __init__(self, app_name, app_module):
                    super().__init__(app_name, app_module)
                    class_prepared.connect(add_fields)

                def ready(self):
                    post_migrate.connect(create_defaults, sender=self)
            """
        ),
        Valid(
            """
            from django.db.models.signals import class_prepared

            def add_fields(sender, **kwargs):
                pass

            class_prepared.connect(add_fields)
            """,
            files={
                **LATE_APP,
                "app/models.py": """
                    from django.db import models

                    import app.signals  # noqa: F401  (connected before the models below are prepared)

                    class Article(models.Model):
                        pass
                    """,
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.apps import AppConfig
            from django.db.models import signals

            def add_fields(sender, **kwargs):
                pass

            class CoreConfig(AppConfig):
                name = "core"

                def ready(self):
                    signals.class_prepared.connect(add_fields)
            """,
            [(11, 9)],
            fixed="""
            from django.apps import AppConfig
            from django.db.models import signals

            def add_fields(sender, **kwargs):
                pass

            class CoreConfig(AppConfig):
                name = "core"

                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    signals.class_prepared.connect(add_fields)

                def ready(self):
                    pass
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import class_prepared

            def add_fields(sender, **kwargs):
                pass

            class_prepared.connect(add_fields)
            """,
            [(6, 1)],
            files={
                **LATE_APP,
                "app/apps.py": """
                    from django.apps import AppConfig

                    class CoreConfig(AppConfig):
                        name = "app"

                        def ready(self):
                            from app import signals  # noqa: F401
                    """,
            },
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.project_mode:
            return  # the project half knows which AppConfig's ready() runs at all
        for connection in facts.connections:
            if connection.kind == "disconnect" or connection.context != READY:
                continue
            for signal, text in zip(connection.signals, connection.signal_text, strict=False):
                spec = ctx.builtin(signal)
                if spec is not None and spec.sent_before_ready:
                    yield self.finding(
                        facts,
                        connection.line,
                        connection.column,
                        fix=_move_to_init(facts, connection),
                        receiver=connection.receiver.text,
                        signal=text,
                        where="in `AppConfig.ready()`",
                    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        """Connections that run in or after ``ready()`` without being written in it."""
        assert graph.project is not None
        for edge in graph.connections:
            if (
                edge.status in (NEVER_IMPORTED, TEST_ONLY)
                or edge.conditional
                or edge.phase == "populate"
            ):
                continue  # code that never runs, or may never run, connects nothing too late
            spec = ctx.builtin(edge.signal)
            if spec is None or not spec.sent_before_ready:
                continue
            facts = graph.project.modules[edge.module]
            connection = graph.connection_of(edge) if edge.context == READY else None
            yield self.finding(
                facts,
                edge.line,
                edge.column,
                fix=_move_to_init(facts, connection) if connection is not None else None,
                receiver=edge.receiver.rsplit(".", 1)[-1],
                signal=spec.name,
                where=_where(graph, edge),
            )


def _move_to_init(facts: FileFacts, connection: Connection) -> Fix | None:
    """A plain ``connect()`` of module-level names can run in ``AppConfig.__init__`` instead (the
    fixer checks the statement itself too): not an ``@receiver``, not a receiver ``ready()``
    imports or defines, no ``self``, no computed sender."""
    receiver, sender = connection.receiver, connection.sender
    local = {
        f"{item.module}.{name}" if name else item.module
        for item in facts.imports
        if item.function == connection.function
        for name in item.names or ("",)
    }

    def imported_here(qualname: str | None) -> bool:
        return bool(qualname) and any(
            qualname == name or str(qualname).startswith(name + ".") for name in local
        )

    if (
        connection.kind != "connect"
        or receiver.kind not in ("function", "name")
        or receiver.text.startswith(("self.", "cls."))
        or sender.kind not in ("any", "name", "string")
        or imported_here(receiver.qualname)
        or (sender.kind == "name" and imported_here(sender.value))
    ):
        return None
    return Fix("connect-in-init", connection.line, connection.column, UNSAFE)


def _where(graph: Graph, edge: Edge) -> str:
    if edge.context == READY:
        return "in `AppConfig.ready()`"
    if edge.context in (MODULE, CLASS_BODY):
        when = (
            "from `AppConfig.ready()`"
            if edge.phase == "ready"
            else "after the app registry is ready"
        )
        return (
            f"when `{edge.module}` is imported, which Django first does {when} ("
            f"{graph.loading.why.get(edge.module, 'imported')})"
        )
    return (
        f"in `{(edge.function or '').replace('.<locals>', '')}()`, which runs from `AppConfig.ready()`"
        if edge.phase == "ready"
        else f"in `{edge.function}()`, after the app registry is ready"
    )
