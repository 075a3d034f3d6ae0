"""SIG103: a new receiver object connected strongly, without a uid, by code that runs many times.

https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FUNCTION, METHOD, Connection, FileFacts
from signal_lint.findings import WARNING, Finding
from signal_lint.graph import Graph
from signal_lint.graph.project import Project
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

NEW_OBJECTS = {
    "lambda": "a new lambda",
    "partial": "a new `functools.partial` object",
    "temporary-method": "a bound method of a new object",
    "nested-function": "a new function object",
    "instance": "a new instance",
    "self-method": "a bound method of the new instance",
}

APPS = shop_app()


class RepeatedConnect(Rule):
    """
    ## What it does
    Flags a `.connect()` in code that can run many times — a view, a method,
    a task — whose receiver is a new object on every call (a nested
    function, a lambda, a `functools.partial`, a bound method of a new
    instance) connected with `weak=False` and no `dispatch_uid`. Not flagged:
    code that runs once per process — `AppConfig.ready()`, module level, a
    helper that only `ready()` (or import-time code) calls, a migration
    function (`RunPython` runs it once per `migrate`), a management
    command's `handle()` — or never (a module Django never imports, such as
    a tool's fixture under a dot-directory like `.semgrep/`); a function
    that disconnects the receiver again (a test's `setUp` paired with a
    disconnect included); a receiver that disconnects itself when it first
    runs (a one-shot); and a module-level function (Django de-duplicates
    it).

    ## Why is this bad?
    Django de-duplicates receivers by identity (or by `dispatch_uid`). A new
    object is a new receiver, and `weak=False` keeps it alive forever: every
    call adds one more, so memory grows and each event runs the receiver
    once per earlier call. (The same object connected weakly dies at once:
    that is SIG002.)

    ## Example
    ```python
    def order_detail(request, pk):
        def on_change(sender, instance, **kwargs):
            ...
        post_save.connect(on_change, sender=Order, weak=False)
    ```

    Use instead:
    ```python
    def on_change(sender, instance, **kwargs):
        ...

    class ShopConfig(AppConfig):
        def ready(self):
            post_save.connect(on_change, sender=Order)
    ```
    or pass a `dispatch_uid`, or disconnect the receiver when done.

    ## Fix safety
    There is no automatic fix: the connection belongs somewhere that runs
    once, or needs a `dispatch_uid` or a disconnect, depending on intent.

    ## References
    - [Django: Preventing duplicate signals](https://docs.djangoproject.com/en/stable/topics/signals/#preventing-duplicate-signals)
    """

    code = "SIG103"
    name = "repeated-connect"
    severity = WARNING
    summary = "A new receiver connected strongly on every call: a leak, and N calls per event"
    project = True
    example_path = "shop/views.py"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` is {what} each time `{function}` runs, connected "
        "with `weak=False` and no `dispatch_uid`, so every call adds another receiver: connect "
        "once in `AppConfig.ready()`, pass a `dispatch_uid`, or disconnect it"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save

            from shop.models import Order

            def on_change(sender, instance, **kwargs):
                pass

            def order_detail(request, pk):
                post_save.connect(on_change, sender=Order, weak=False)  # the same function: de-duplicated

                def on_view(sender, **kwargs):
                    pass

                post_save.connect(on_view, sender=Order, weak=False, dispatch_uid="shop.on_view")
                post_save.connect(lambda sender, **kwargs: None, weak=False, dispatch_uid="shop.lambda")

            def watch(request):
                def on_save(sender, **kwargs):
                    pass

                post_save.connect(on_save, weak=False)
                try:
                    return None
                finally:
                    post_save.disconnect(on_save)
            """,
            files=APPS,
        ),
        Valid(
            """
            from functools import partial

            from django.db.models.signals import post_save

            def notify(channel, sender, **kwargs):
                pass

            def connect_signals():
                post_save.connect(partial(notify, "orders"), weak=False)  # only ready() calls this
            """,
            files={
                **APPS,
                "shop/apps.py": """
                    from django.apps import AppConfig

                    class ShopConfig(AppConfig):
                        name = "shop"

                        def ready(self):
                            from shop.views import connect_signals

                            connect_signals()
                    """,
            },
        ),
        Valid(
            """
            from django.db.models.signals import post_save

            from shop.models import Order

            def notify_when_paid(request, pk):
                def on_paid(sender, instance, **kwargs):
                    post_save.disconnect(on_paid, sender=Order)  # a one-shot: gone after one call
                    print(instance.pk)

                post_save.connect(on_paid, sender=Order, weak=False)
            """,
            files={
                **APPS,
                "config/__init__.py": "",
                "config/settings.py": 'INSTALLED_APPS = ["shop"]\nROOT_URLCONF = "shop.urls"\n',
                "shop/urls.py": "from shop import views  # noqa: F401\n\nurlpatterns = []\n",
                "shop/migrations/__init__.py": "",
                "shop/migrations/0002_backfill.py": """
                    from django.db import migrations
                    from django.db.models.signals import post_migrate

                    def backfill(apps, schema_editor):
                        def on_migrated(sender, **kwargs):  # runs once, after this migrate
                            pass

                        post_migrate.connect(on_migrated, weak=False)

                    class Migration(migrations.Migration):
                        operations = [migrations.RunPython(backfill)]
                    """,
                "shop/management/__init__.py": "",
                "shop/management/commands/__init__.py": "",
                "shop/management/commands/reindex.py": """
                    from django.core.management.base import BaseCommand
                    from django.db.models.signals import post_save

                    class Command(BaseCommand):
                        def handle(self, *args, **options):
                            def on_saved(sender, **kwargs):  # one command, one process
                                pass

                            post_save.connect(on_saved, weak=False)
                    """,
                "shop/legacy.py": """
                    from django.db.models.signals import post_save

                    def watch():  # nothing Django loads imports this module
                        post_save.connect(lambda sender, **kwargs: None, weak=False)
                    """,
                ".semgrep/django/repeated_connect.py": """
                    from django.db.models.signals import post_save

                    def rule_fixture():  # a linter's test data: never imported
                        post_save.connect(lambda sender, **kwargs: None, weak=False)
                    """,
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from functools import partial

            from django.db.models.signals import post_save

            from shop.models import Order

            def notify(channel, sender, **kwargs):
                pass

            def order_detail(request, pk):
                def on_change(sender, instance, **kwargs):
                    pass

                post_save.connect(on_change, sender=Order, weak=False)
                post_save.connect(partial(notify, "orders"), weak=False)

            class Tracker:
                def __init__(self):
                    post_save.connect(self.on_save, weak=False)

                def on_save(self, sender, **kwargs):
                    pass
            """,
            [(14, 5), (15, 5), (19, 9)],
            files=APPS,
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        for module, facts in sorted(project.modules.items()):
            for connection in facts.connections:
                if (
                    connection.kind != "connect"
                    or connection.weak is not False
                    or connection.context not in (FUNCTION, METHOD)
                ):
                    continue
                if connection.dispatch_uid is not None and not connection.dispatch_uid_falsy:
                    continue  # a uid de-duplicates the new objects
                if (
                    connection.function is None
                    or f"{module}.{connection.function}" in graph.calls.once
                    or _once_per_process(graph, facts, connection)
                ):
                    continue  # runs once: a helper of ready() or of an import-time call, ...
                what = _new_object(project, facts, connection)
                signals = [
                    text
                    for qualname, text in zip(
                        connection.signals, connection.signal_text, strict=False
                    )
                    if ctx.is_signal(qualname)
                ]
                if (
                    what is None
                    or not signals
                    or _disconnected_again(facts, connection)
                    or _one_shot(facts, connection)
                ):
                    continue
                yield self.finding(
                    facts,
                    connection.line,
                    connection.column,
                    receiver=connection.receiver.text,
                    signal=signals[0],
                    what=NEW_OBJECTS[what],
                    function=connection.function.replace(".<locals>", ""),
                )


def _new_object(project: Project, facts: FileFacts, connection: Connection) -> str | None:
    """What kind of new object the receiver is on every run of its function, or None."""
    receiver = connection.receiver
    function = connection.function or ""
    if receiver.kind in ("lambda", "partial", "temporary-method"):
        return receiver.kind
    if receiver.kind == "local" and receiver.local_value in (
        "lambda",
        "partial",
        "temporary-method",
    ):
        return receiver.local_value
    if receiver.kind == "nested-function" and (receiver.local or "").startswith(
        f"{function}.<locals>."
    ):
        return "nested-function"  # defined by this very function: a new object per call
    if receiver.kind == "call" and project.resolve(receiver.qualname) in project.classes:
        return "instance"
    if (
        receiver.kind == "method"
        and receiver.text.startswith("self.")
        and function.rsplit(".", 1)[-1] == "__init__"
    ):
        return "self-method"  # each new instance connects its own bound method
    return None


def _once_per_process(graph: Graph, facts: FileFacts, connection: Connection) -> bool:
    """Code that runs at most once per process, or never: a migration (``RunPython`` runs it once
    per ``migrate``), a management command's ``handle()``, or a module Django never imports (a
    tool's fixture under a dot-directory such as ``.semgrep/`` cannot even be imported)."""
    module = facts.module
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return True  # ``.semgrep/...``, ``my-tool/...``: no import statement can name it
    if len(parts) >= 2 and parts[-2] == "migrations":
        return True
    function = connection.function or ""
    if ".management.commands." in f".{module}." and function.rsplit(".", 1)[-1] == "handle":
        return True
    # Never imported by what Django loads: trusted only when the project's settings and URLconf
    # were found (without them, views would look dead too).
    loading = graph.loading
    return (
        loading.from_settings
        and "ROOT_URLCONF" in loading.why.values()
        and not facts.is_test
        and module not in loading.loaded
    )


def _one_shot(facts: FileFacts, connection: Connection) -> bool:
    """The receiver disconnects itself when it first runs: one receiver per pending event, not a
    leak (``def handler(...): ...; done.disconnect(handler)``)."""
    local = connection.receiver.local
    if local is None:
        return False
    return any(
        other.kind == "disconnect"
        and other.function == local
        and other.receiver.local == local
        and set(other.signals) & set(connection.signals)
        for other in facts.connections
    )


def _disconnected_again(facts: FileFacts, connection: Connection) -> bool:
    """The same function (or, in tests, the same test class: ``setUp``/``tearDown``) disconnects it."""
    owner = (connection.function or "").rsplit(".", 1)[0]
    for other in facts.connections:
        if other.kind != "disconnect" or not set(other.signals) & set(connection.signals):
            continue
        if (
            other.function == connection.function
            and other.receiver.text == connection.receiver.text
        ):
            return True
        if (
            connection.in_test
            and other.in_test
            and (other.function or "").rsplit(".", 1)[0] == owner
        ):
            return True
    return False
