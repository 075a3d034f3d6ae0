"""SIG005: ``@receiver`` on a method defined in a class body.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import ERROR, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class ReceiverOnMethod(Rule):
    """
    ## What it does
    Flags `@receiver(...)` on a function defined in a class body (an instance
    method taking `self`).

    ## Why is this bad?
    The decorator runs while the class body executes: it registers the plain
    function, not a bound method. Django then calls it without an instance,
    so `self` receives nothing (`TypeError: missing 1 required positional
    argument`) — or, with `def handler(self, **kwargs)`, `self` is silently
    missing and the first use of it crashes.

    ## Example
    ```python
    class OrderService:
        @receiver(post_save, sender=Order)
        def on_saved(self, sender, instance, **kwargs):
            ...
    ```

    Use instead:
    ```python
    class OrderService:
        def __init__(self):
            post_save.connect(self.on_saved, sender=Order, weak=False)

        def on_saved(self, sender, instance, **kwargs):
            ...
    ```
    or make the receiver a module-level function.

    ## Fix safety
    There is no automatic fix: whether the receiver becomes a module-level
    function, a static method or a bound method connected from `__init__` is
    a design decision.

    ## References
    - [Django: Connecting receiver functions](https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions)
    """

    code = "SIG005"
    name = "receiver-on-method"
    severity = ERROR
    reads = frozenset({"connections"})
    summary = "`@receiver` on a method: Django calls it without `self`"
    MESSAGE = (
        "`@receiver` registers `{receiver}` as a plain function, so Django calls it without "
        "`self`: connect the bound method `self.{name}` from `__init__`, or move the receiver to "
        "module level"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            class Handlers:
                @receiver(post_save)
                @staticmethod
                def on_save(sender, **kwargs):
                    pass

                def __init__(self):
                    post_save.connect(self.on_other, weak=False)

                def on_other(self, sender, **kwargs):
                    pass
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            class OrderService:
                @receiver(post_save)
                def on_saved(self, sender, instance, **kwargs):
                    pass
            """,
            [(6, 5)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            if (
                connection.kind != "decorator"
                or connection.receiver.kind != "method"
                or not connection.receiver.local
            ):
                continue
            function = facts.function(connection.receiver.local)
            if function is None or function.is_staticmethod:
                continue
            yield self.finding(
                facts,
                function.line,
                function.column,
                receiver=function.qualname,
                name=function.name,
            )
