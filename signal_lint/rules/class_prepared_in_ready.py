"""SIG003: ``class_prepared`` connected in ``AppConfig.ready()``, after it was sent.

https://docs.djangoproject.com/en/stable/ref/signals/#class-prepared
"""
from __future__ import annotations

from typing import Iterator

from signal_lint.extract.facts import READY, FileFacts
from signal_lint.rules.base import ERROR, Finding, Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class ClassPreparedInReady(Rule):
    """
    ## What it does
    Flags a receiver of `class_prepared` (or another signal Django sends only
    while the app registry populates) connected inside `AppConfig.ready()`.
    The project check also follows modules imported only from `ready()`.

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

    ## References
    - [Django: class_prepared](https://docs.djangoproject.com/en/stable/ref/signals/#class-prepared)
    """

    code = "SIG003"
    name = "class-prepared-in-ready"
    severity = ERROR
    MESSAGE = "receiver `{receiver}` of `{signal}` is connected in `AppConfig.ready()`, after Django sent the signal for every model: connect it in `AppConfig.__init__` or in a models module"

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
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            if connection.kind == "disconnect" or connection.context != READY:
                continue
            for signal, text in zip(connection.signals, connection.signal_text):
                spec = ctx.builtin(signal)
                if spec is not None and spec.sent_before_ready:
                    yield self.finding(facts, connection.line, connection.column, receiver=connection.receiver.text, signal=text)
