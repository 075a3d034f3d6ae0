"""SIG101: a module that connects receivers at import time, which Django never imports.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import CLASS_BODY, MODULE
from signal_lint.findings import ERROR, Finding
from signal_lint.graph import NEVER_IMPORTED, Graph
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
    `admin.py`, URLconfs, settings, management commands, migrations,
    template tags, WSGI/ASGI entry points — nor anything they import in turn.
    Imports from tests do not count: a receivers module only the test suite
    imports works in tests and is dead in production. Test modules' own
    receivers are not flagged.

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

    ## References
    - [Django: Where should this code live?](https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions)
    """

    code = "SIG101"
    name = "receivers-never-imported"
    severity = ERROR
    project = True
    example_path = "shop/signals.py"
    MESSAGE = "`{module}` connects {receivers} at import time, but nothing Django loads imports it, so they never run: import it in `AppConfig.ready()`"

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
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        assert graph.project is not None
        dead = {}
        for edge in graph.connections:
            if not graph.loading.from_settings and graph.loading.app_of(edge.module) is None:
                continue  # no settings: only apps are known; framework/library code is loaded its own way
            if edge.status == NEVER_IMPORTED and edge.context in (MODULE, CLASS_BODY):
                dead.setdefault(edge.module, []).append(edge.receiver.rsplit(".", 1)[-1])
        for module, names in sorted(dead.items()):
            facts = graph.project.modules[module]
            unique = sorted(set(names))
            receivers = (
                "receiver " + f"`{unique[0]}`"
                if len(unique) == 1
                else f"{len(unique)} receivers (" + ", ".join(f"`{n}`" for n in unique) + ")"
            )
            yield self.finding(facts, 1, 0, module=module, receivers=receivers)
