"""SIG012: ``sig.connect(handler())`` connects the call's result.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import Connection, FileFacts, Function
from signal_lint.findings import ERROR, UNSAFE, Finding, Fix
from signal_lint.lifetime import defines_call
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class ReceiverCalledNotPassed(Rule):
    """
    ## What it does
    Flags `signal.connect(handler())` or `signal.connect(obj.handler())`
    where `handler` is a receiver-like function of this file (it takes
    `sender` or `**kwargs`, or returns nothing): the function is called and
    its result is connected.

    ## Why is this bad?
    The receiver runs once, at connect time, with no arguments — usually a
    `TypeError` right there — and what gets connected is its return value,
    typically `None`: `TypeError: cannot create weak reference to 'NoneType'
    object`, or a receiver that never runs. Also flags an instance of a class
    that defines no `__call__` (`connect(Audit())`): it cannot be called.
    Factories that return a function (`connect(make_handler())`) are not
    flagged (SIG002 reports the ones whose result is collected at once), nor
    instances of a class with `__call__` (SIG002 too).

    ## Example
    ```python
    post_save.connect(on_order_saved(), sender=Order)
    ```

    Use instead:
    ```python
    post_save.connect(on_order_saved, sender=Order)
    ```

    ## Fix safety
    Unsafe. The fix passes the function instead of calling it, so the call
    at connect time no longer happens: whatever it did or returned is gone.
    Only a call without arguments (`handler()`) is fixed; one with arguments
    may be a factory after all.

    ## References
    - [Django: Connecting receiver functions](https://docs.djangoproject.com/en/stable/topics/signals/#connecting-receiver-functions)
    """

    code = "SIG012"
    name = "receiver-called-not-passed"
    severity = ERROR
    reads = frozenset({"connections"})
    summary = "`connect(handler())`: the call's result is connected instead of the function"
    MESSAGE = "`{call}` calls the receiver and connects its result to `{signal}`: pass `{name}` without calling it"
    fix_title = "pass the receiver instead of calling it"
    # an instance of a class with no ``__call__``: what gets connected cannot be called
    NOT_CALLABLE = (
        "`{call}` connects an instance of `{cls}`, which defines no `__call__`, so it cannot "
        "be called: connect a function or a bound method"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            def make_handler(prefix):
                def handler(sender, **kwargs):
                    print(prefix, sender)
                return handler

            post_save.connect(on_save)
            post_save.connect(make_handler("audit"), weak=False)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            class Audit:
                def on_change(self, sender, **kwargs):
                    pass

            def install(audit):
                post_save.connect(on_save())
                post_save.connect(audit.on_change())
            """,
            [(11, 5), (12, 5)],
            fixed="""
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            class Audit:
                def on_change(self, sender, **kwargs):
                    pass

            def install(audit):
                post_save.connect(on_save)
                post_save.connect(audit.on_change)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            class Audit:
                def record(self, sender, **kwargs):
                    pass

            post_save.connect(Audit())
            """,
            [(7, 1)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            receiver = connection.receiver
            if connection.kind != "connect" or receiver.kind != "call":
                continue
            if not any(ctx.is_signal(s) for s in connection.signals):
                continue
            cls = next((c for c in facts.classes if c.qualname == receiver.local), None)
            if cls is not None and defines_call(facts, cls) is False:
                message = self.NOT_CALLABLE.format(call=receiver.text, cls=receiver.local)
                yield Finding(
                    self.code,
                    self.name,
                    self.severity,
                    facts.path,
                    connection.line,
                    connection.column,
                    message,
                )
                continue
            function = self._called_function(facts, connection)
            if function is None or not _looks_like_receiver(function, facts):
                continue
            yield self.finding(
                facts,
                connection.line,
                connection.column,
                fix=Fix("pass-receiver", connection.line, connection.column, UNSAFE),
                call=receiver.text,
                signal=connection.signal_text[0],
                name=receiver.text[:-2],
            )

    @staticmethod
    def _called_function(facts: FileFacts, connection: Connection) -> Function | None:
        receiver = connection.receiver
        if receiver.local and facts.function(receiver.local) is not None:
            return facts.function(receiver.local)
        method = receiver.text[:-2].rsplit(".", 1)[
            -1
        ]  # ``obj.method()``: a method of a class of this file
        if "." not in receiver.text[:-2]:
            return None
        candidates = [f for f in facts.functions if f.name == method and f.class_name]
        return candidates[0] if len(candidates) == 1 else None


def _looks_like_receiver(function: Function, facts: FileFacts) -> bool:
    """Returns nothing to connect (or only constants), or takes the signal's arguments and returns
    no function: not a factory. (A factory whose result dies at once is SIG002's.)"""
    if not function.returns_value or set(function.returns) == {"literal"}:
        return True
    takes_signal_arguments = any(p.kind == "varkw" or p.name == "sender" for p in function.params)
    return takes_signal_arguments and not _returns_a_function(function, facts)


def _returns_a_function(function: Function, facts: FileFacts) -> bool:
    """A factory: returns (or hands on) a function it defines or a module-level function of this file."""
    for other in facts.functions:
        if other.name in function.escaping_names and (
            other.parent == function.qualname or (other.parent is None and other.class_name is None)
        ):
            return True
    return False
