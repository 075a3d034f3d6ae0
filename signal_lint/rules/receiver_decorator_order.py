"""SIG007: ``@receiver`` below another decorator.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.catalog import RECEIVER_DECORATORS
from signal_lint.extract.facts import FileFacts, Function
from signal_lint.findings import SAFE, WARNING, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

STATICMETHOD = "builtins.staticmethod"


class ReceiverDecoratorOrder(Rule):
    """
    ## What it does
    Flags `@receiver(...)` that is not the outermost decorator (other
    `@receiver`s above it are fine, and so is `@staticmethod`, which only
    changes how the class exposes the function — and is the order Python
    < 3.10 needs, since it cannot call a staticmethod object). Otherwise the
    same as ruff's / flake8-django's DJ013.

    ## Why is this bad?
    Decorators apply bottom-up. `@receiver` registers the function it is
    given and returns it unchanged, so decorators *above* it wrap a function
    that is already registered: the signal calls the unwrapped function, and
    the wrapping (a transaction, logging, a feature flag) never happens.

    ## Example
    ```python
    @transaction.atomic
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, **kwargs):
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    @transaction.atomic
    def on_order_saved(sender, **kwargs):
        ...
    ```

    ## Fix safety
    Safe. The fix moves every `@receiver` above the other decorators (an
    `@staticmethod` above them stays on top); each decorator keeps its own
    comment, and the blank lines and comments above the first stay in place.
    The signal then calls the wrapped function, as the decorators say.

    ## References
    - [ruff DJ013](https://docs.astral.sh/ruff/rules/django-non-leading-receiver-decorator/)
    """

    code = "SIG007"
    name = "receiver-decorator-order"
    severity = WARNING
    reads = frozenset({"connections"})
    summary = "`@receiver` below another decorator: the unwrapped function is registered"
    MESSAGE = (
        "`@receiver` is not the outermost decorator of `{receiver}`: the decorators above it "
        "wrap a function that is already registered, so the signal calls the unwrapped one; move "
        "`@receiver` to the top"
    )
    fix_title = "move `@receiver` to the outermost position"

    VALID = (
        Valid(
            """
            from django.db import transaction
            from django.db.models.signals import post_delete, post_save
            from django.dispatch import receiver

            @receiver(post_save)
            @receiver(post_delete)
            @transaction.atomic
            def on_change(sender, **kwargs):
                pass
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db import transaction
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @transaction.atomic
            @receiver(post_save)
            def on_change(sender, **kwargs):
                pass
            """,
            [(6, 2)],
            fixed="""
            from django.db import transaction
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            @transaction.atomic
            def on_change(sender, **kwargs):
                pass
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            if (
                connection.kind != "decorator"
                or connection.decorator_index == 0
                or not connection.receiver.local
            ):
                continue
            function = facts.function(connection.receiver.local)
            if function is None:
                continue
            above = function.decorators[: connection.decorator_index]
            if all(name in RECEIVER_DECORATORS or name == STATICMETHOD for name in above):
                # other receivers; ``staticmethod`` only changes class attribute access (and
                # Python < 3.10 cannot call a staticmethod object)
                continue
            yield self.finding(
                facts,
                connection.line,
                connection.column,
                fix=Fix(
                    "reorder-decorators", function.line, function.column, SAFE, _order(function)
                ),
                receiver=function.name,
            )


def _order(function: Function) -> str:
    """The decorators' old positions in the fixed order: ``@staticmethod``s above the first
    ``@receiver`` stay on top, then every ``@receiver``, then the rest, each in its old order."""
    names = function.decorators
    receivers = [i for i, name in enumerate(names) if name in RECEIVER_DECORATORS]
    top = [i for i in range(receivers[0]) if names[i] == STATICMETHOD]
    rest = [i for i in range(len(names)) if i not in receivers and i not in top]
    return ",".join(str(i) for i in top + receivers + rest)
