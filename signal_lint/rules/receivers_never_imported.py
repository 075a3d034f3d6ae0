"""SIG101: a module that connects receivers at import time, which Django never imports.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import CLASS_BODY, MODULE
from signal_lint.findings import ERROR, Finding
from signal_lint.graph import NEVER_IMPORTED, TEST_ONLY, Edge, Graph
from signal_lint.graph.loading import is_test_suite, is_test_support
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

APPS = shop_app()


class ReceiversNeverImported(Rule):
    """
    ## What it does
    Flags a module that connects receivers when it is imported (module-level
    `@receiver` or `.connect()`) but that nothing Django loads ever imports:
    not the app's `apps.py`/`AppConfig.ready()`, its `models` module,
    `admin.py`, URLconfs, `MIDDLEWARE` classes, settings, management
    commands, migrations, template tags, WSGI/ASGI entry points — nor
    anything they import in turn.
    Imports from tests do not count: a receivers module only the test suite
    imports works in tests and is dead in production. Test modules' own
    receivers are not flagged.

    Also flags an `AppConfig` whose `ready()` (or `__init__`) connects
    receivers but which Django never uses, because it selects another one
    exactly as `AppConfig.create()` does: the class an `INSTALLED_APPS`
    entry names; for an entry naming a package, the only `AppConfig`
    subclass its `apps.py` binds (defined or imported) that does not set
    `default = False`, else the one with `default = True`; with several
    candidates and no default, the base `AppConfig`, whose `ready()` does
    nothing.

    ## Why is this bad?
    Its receivers never run, and nothing says so. This is the most common
    signals bug in practice: `signals.py` is written, but never imported.

    ## Example
    ```python
    # shop/signals.py -- nothing imports this module
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    # shop/apps.py
    class ShopConfig(AppConfig):
        name = "shop"

        def ready(self):
            from . import signals  # noqa: F401  (connects the receivers)
    ```

    Two configs in one `apps.py`, neither the default, so neither `ready()` runs:
    ```python
    # shop/apps.py, installed as "shop"
    class ShopConfig(AppConfig):
        name = "shop"

        def ready(self):
            from . import signals  # noqa: F401

    class ShopAdminConfig(ShopConfig):
        label = "shop_admin"
    ```

    Use instead: `default = True` on `ShopConfig`, or name the class in
    `INSTALLED_APPS` (`"shop.apps.ShopConfig"`).

    ## Fix safety
    There is no automatic fix: where to import the module (usually
    `AppConfig.ready()`) and whether the app has an `AppConfig` to do it are
    project decisions.

    ## References
    - [Django: Configuring applications](https://docs.djangoproject.com/en/stable/ref/applications/#configuring-applications)
    - [Django: Where should this code live?](https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions)
    """

    code = "SIG101"
    name = "receivers-never-imported"
    severity = ERROR
    summary = "Receivers in a module that nothing Django loads imports: they never run"
    project = True
    example_path = "shop/signals.py"
    MESSAGE = (
        "`{module}` connects {receivers} at import time, but nothing Django loads imports it, so "
        "they never run: import it in `AppConfig.ready()`"
    )
    # a config Django never selects: one finding per config, at line 1 of its module
    UNSELECTED = (
        "{configs} {connect} {receivers}, but Django never uses {which} ({why}), so {never}: "
        "make it the config Django uses (`default = True`, or its path in `INSTALLED_APPS`)"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass
            """,
            files={
                **APPS,
                "shop/apps.py": """
                    from django.apps import AppConfig

                    class ShopConfig(AppConfig):
                        name = "shop"

                        def ready(self):
                            from . import signals  # noqa: F401
                    """,
            },
        ),
        Valid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            def connect_later():
                post_save.connect(on_save)  # runs only if called: not an import-time connection
            """,
            files=APPS,
        ),
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass
            """,
            files={
                **APPS,
                "shop/models.py": "from django.db import models\nfrom shop import signals  # noqa: F401\n",
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass
            """,
            [(1, 1)],
            files={**APPS, "shop/tests.py": "from shop import signals  # noqa: F401\n"},
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass
            """,
            [("shop/apps.py", 1, 1)],
            files={
                "config/__init__.py": "",
                "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
                "shop/__init__.py": "",
                "shop/apps.py": """
                    from django.apps import AppConfig
                    from django.db.models.signals import post_save

                    class ShopConfig(AppConfig):
                        name = "shop"

                        def ready(self):
                            from shop.signals import on_save

                            post_save.connect(on_save)

                    class ShopAdminConfig(ShopConfig):
                        label = "shop_admin"
                    """,
            },
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        assert graph.project is not None
        dead: dict[str, list[str]] = {}
        unselected: dict[str, list[Edge]] = {}
        for edge in graph.connections:
            if not graph.loading.from_settings and graph.loading.app_of(edge.module) is None:
                continue  # no settings: only apps are known; framework/library code is loaded its own way
            if edge.context in (MODULE, CLASS_BODY) and (
                edge.status == NEVER_IMPORTED or _only_tests_import(graph, edge)
            ):
                dead.setdefault(edge.module, []).append(edge.receiver.rsplit(".", 1)[-1])
            elif edge.status == NEVER_IMPORTED and graph.loading.never_runs(
                edge.module, edge.function
            ):
                unselected.setdefault(edge.module, []).append(edge)
        for module, names in sorted(dead.items()):
            facts = graph.project.modules[module]
            # about the whole module: an empty range at its start, not its first statement
            yield self.finding(
                facts, 1, 0, end=(1, 0), module=module, receivers=_receivers(sorted(set(names)))
            )
        for module, edges in sorted(unselected.items()):
            configs = sorted({f"{module}.{(e.function or '').rsplit('.', 1)[0]}" for e in edges})
            names = sorted({e.receiver.rsplit(".", 1)[-1] for e in edges})
            message = self.UNSELECTED.format(
                receivers=_receivers(names),
                configs=", ".join(f"`{c}`" for c in configs),
                connect="connects" if len(configs) == 1 else "connect",
                which="it" if len(configs) == 1 else "them",
                never="it never runs" if len(names) == 1 else "they never run",
                why=graph.loading.inactive_configs[configs[0]],
            )
            facts = graph.project.modules[module]
            yield Finding(
                self.code,
                self.name,
                self.severity,
                facts.path,
                1,
                0,
                message,
                end_line=1,
                end_column=0,
            )


def _only_tests_import(graph: Graph, edge: Edge) -> bool:
    """Production code that only the tests import: it works in the tests and is dead in production
    (a test module, or a test-support package such as ``django.test``, is meant for the tests)."""
    if edge.status != TEST_ONLY or graph.project is None:
        return False
    return not is_test_suite(graph.project.modules[edge.module]) and not is_test_support(
        edge.module
    )


def _receivers(names: list[str]) -> str:
    """``receiver `a` `` or ``2 receivers (`a`, `b`)``."""
    if len(names) == 1:
        return f"receiver `{names[0]}`"
    return f"{len(names)} receivers (" + ", ".join(f"`{n}`" for n in names) + ")"
