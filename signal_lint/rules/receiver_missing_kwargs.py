"""SIG001: a receiver without ``**kwargs``.

https://docs.djangoproject.com/en/stable/topics/signals/#receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import ERROR, SAFE, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext, receivers


class ReceiverMissingKwargs(Rule):
    """
    ## What it does
    Flags a function connected as a receiver (with `@receiver(...)` or
    `signal.connect(func)`) whose parameters do not end in `**kwargs`, and a
    `lambda` connected without `**kwargs` (reported at the lambda, not fixed).

    The receiver checked is what Django calls: the `__call__` of a callable
    instance (`audit = Audit()`), and, below a project decorator that returns
    a wrapper without `functools.wraps`, that wrapper (with `wraps`,
    `inspect.signature` follows `__wrapped__` to the function, as Django's
    check does).

    ## Why is this bad?
    Django checks receivers when they connect: with `DEBUG = True`,
    `Signal.connect()` raises `ValueError: Signal receivers must accept
    keyword arguments (**kwargs)`. With `DEBUG = False` the connection
    succeeds and the receiver crashes with `TypeError` the first time Django
    sends an argument it does not name, for example when a new Django version
    adds one (`origin` for `pre_delete` in 4.1).

    ## Example
    ```python
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, created):
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, created, **kwargs):
        ...
    ```

    ## Fix safety
    Safe. The fix appends `**kwargs` to the parameters (`extra_kwargs` or
    `signal_kwargs` when `kwargs` is taken), on its own line when the
    parameters are one per line. Callers pass what they passed before; the
    receiver now also accepts what the signal adds.

    ## References
    - [Django: Receiver functions](https://docs.djangoproject.com/en/stable/topics/signals/#receiver-functions)
    """

    code = "SIG001"
    name = "receiver-missing-kwargs"
    severity = ERROR
    reads = frozenset({"connections", "receivers"})
    summary = "A receiver without `**kwargs`: rejected at connect, broken by any new argument"
    MESSAGE = "receiver `{receiver}` of `{signal}` does not accept `**kwargs`: add `**kwargs` to its parameters"
    fix_title = "append `**kwargs` to the parameters"
    # a decorator below @receiver returns a wrapper without functools.wraps: Django checks the wrapper
    WRAPPER = (
        "`@{decorator}` registers its wrapper `{wrapper}` for receiver `{receiver}`, not the "
        "function, and `{wrapper}` does not accept `**kwargs`: add `**kwargs` to it, or build "
        "it with `functools.wraps`"
    )

    VALID = (
        Valid(
            """
            import functools

            from django.db.models.signals import post_save
            from django.dispatch import receiver

            def logged(func):
                @functools.wraps(func)
                def wrapper(*args, **kwargs):
                    return func(*args, **kwargs)
                return wrapper

            @receiver(post_save)
            @logged
            def on_save(sender, instance, **kwargs):  # wraps: Django inspects on_save
                pass
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, **kwargs):
                pass
            """
        ),
        Valid(
            """
            from django.core.signals import request_finished

            def close_connections(**kwargs):
                pass

            def not_a_receiver(sender):
                pass

            request_finished.connect(close_connections)
            """
        ),
        Valid(
            """
            import sqlite3

            def on_open(path):
                pass

            sqlite3.connect(on_open)  # not a signal
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save

            class Audit:
                def __call__(self, sender, instance):
                    pass

            audit = Audit()
            post_save.connect(audit)
            """,
            [(4, 5)],
            fixed="""
            from django.db.models.signals import post_save

            class Audit:
                def __call__(self, sender, instance, **kwargs):
                    pass

            audit = Audit()
            post_save.connect(audit)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            def bare(func):
                def wrapper(sender, instance):
                    return func(sender, instance)
                return wrapper

            @receiver(post_save)
            @bare
            def on_save(sender, instance, **kwargs):
                pass
            """,
            [(11, 1)],
        ),
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, created):
                pass
            """,
            [(5, 1)],
            fixed="""
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, created, **kwargs):
                pass
            """,
        ),
        Invalid(
            """
            from django.core import signals

            def on_request(sender):
                pass

            signals.request_started.connect(on_request)
            """,
            [(3, 1)],
            fixed="""
            from django.core import signals

            def on_request(sender, **kwargs):
                pass

            signals.request_started.connect(on_request)
            """,
        ),
        Invalid(
            """
            from django.dispatch import Signal, receiver

            order_placed = Signal()

            @receiver(order_placed)
            def notify(sender, order, *args):
                pass
            """,
            [(6, 1)],
            fixed="""
            from django.dispatch import Signal, receiver

            order_placed = Signal()

            @receiver(order_placed)
            def notify(sender, order, *args, **kwargs):
                pass
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in (
            facts.connections
        ):  # ``sig.connect(lambda sender: ...)``: no def to fix, the lambda itself
            receiver = connection.receiver
            if (
                receiver.kind != "lambda"
                or receiver.accepts_kwargs is not False
                or connection.kind != "connect"
            ):
                continue
            if any(ctx.is_signal(s) for s in connection.signals):
                yield self.finding(
                    facts,
                    receiver.line,
                    receiver.column,
                    receiver="lambda",
                    signal=connection.signal_text[0],
                )
        for use in receivers(facts, ctx):
            function = use.function
            exposed = use.exposed
            if exposed is not None and not any(p.kind == "varkw" for p in exposed.params):
                message = self.WRAPPER.format(
                    wrapper=exposed.name, decorator=use.decorator, receiver=function.name
                )
                yield Finding(
                    self.code,
                    self.name,
                    self.severity,
                    facts.path,
                    function.line,
                    function.column,
                    message,
                )
                continue
            if not use.forwards or any(param.kind == "varkw" for param in function.params):
                continue
            yield self.finding(
                facts,
                function.line,
                function.column,
                fix=Fix("add-kwargs", function.line, function.column, SAFE),
                receiver=use.name,
                signal=use.connections[0].signal_text[0]
                if use.connections[0].signal_text
                else "signal",
            )
