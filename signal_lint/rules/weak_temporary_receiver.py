"""SIG002: a receiver only the dispatcher references, connected weakly.

https://docs.djangoproject.com/en/stable/topics/signals/#django.dispatch.Signal.connect
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import Connection, FileFacts
from signal_lint.findings import ERROR, UNSAFE, Finding, Fix
from signal_lint.graph import Graph
from signal_lint.lifetime import (
    INLINE_TEMPORARY_KINDS,
    defines_call,
    frame_keeps_alive,
    returned_temporary,
)
from signal_lint.model import COLLECTED
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

# Receivers that are new objects nothing else holds: dead as soon as connect() returns.
# What a factory's call returns, when nothing but the dispatcher would hold it (``{}``: the factory).
FACTORY_RESULTS = {
    "lambda": "the lambda `{}()` returns",
    "partial": "the `functools.partial` object `{}()` returns",
}
INLINE_TEMPORARIES = dict(
    zip(
        INLINE_TEMPORARY_KINDS,
        ("a lambda", "a `functools.partial` object", "a bound method of a temporary object"),
        strict=False,
    )
)


class WeakTemporaryReceiver(Rule):
    """
    ## What it does
    Flags a receiver that nothing but the dispatcher would reference — a
    lambda, a `functools.partial(...)`, a bound method of a temporary
    (`Handler().on_save`), a temporary instance of a callable class of this
    file (`Handler()`, its class defines `__call__`), what a factory's call
    returns when that is a function it defines, a lambda or a `partial`
    (`connect(make_handler("x"))`), or a function defined inside another
    function — connected with the default `weak=True`. Any of these that a
    function stores in a local variable and then connects (`audit = Audit()`,
    `handler = make_handler("x")`) counts as a temporary too: it dies when the
    function returns, unless the function keeps it (stores it elsewhere,
    returns it).

    A decorator factory's own `signal.connect(handler)` of a function it
    defines, on a `signal` it is given (`@on_weak(request_finished)`), is
    flagged when the project calls it with a signal (a project check).

    ## Why is this bad?
    Django keeps only a weak reference to receivers by default. An inline
    lambda, partial or temporary's method is garbage collected as soon as
    `connect()` returns; a nested `def` (in `AppConfig.ready()`, `__init__`,
    a view, a factory) when the enclosing function returns. From then on the
    receiver silently never runs.

    Not flagged: module-level functions, module-level callable instances,
    methods of long-lived objects, and a nested function the same frame
    keeps alive for the signal's whole use (it disconnects it, returns or
    stores it, is a generator/context manager, or is a test).

    ## Example
    ```python
    class ShopConfig(AppConfig):
        def ready(self):
            def on_save(sender, **kwargs):
                ...
            post_save.connect(on_save)
    ```

    Use instead:
    ```python
    class ShopConfig(AppConfig):
        def ready(self):
            def on_save(sender, **kwargs):
                ...
            post_save.connect(on_save, weak=False)
    ```
    or, better, define the receiver at module level.

    ## Fix safety
    Unsafe. The fix passes `weak=False` (replacing a positional `weak` where
    it is), so the receiver lives as long as the process: that is the
    repair, and a change of lifetime the code may not expect (a nested
    function keeps alive what it closes over). For a new object connected
    each time (a temporary's bound method or instance) it also passes a
    `dispatch_uid` naming the receiver, unless there is one, so connecting
    again adds no twin (SIG103). A factory's result gets no `dispatch_uid`:
    its calls with other arguments make other receivers.

    ## References
    - [Django: Signal.connect](https://docs.djangoproject.com/en/stable/topics/signals/#django.dispatch.Signal.connect)
    """

    code = "SIG002"
    name = "weak-temporary-receiver"
    severity = ERROR
    reads = frozenset({"connections"})
    summary = "A receiver only the dispatcher holds, connected weakly: collected, never called"
    MESSAGE = (
        "receiver `{receiver}` of `{signal}` is {what} connected with `weak=True`: it is garbage "
        "collected and never runs; pass `weak=False` or connect a module-level function"
    )
    fix_title = "connect with `weak=False`"

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save

            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save)
            post_save.connect(lambda **kwargs: None, weak=False)
            """
        ),
        Valid(
            """
            from django.apps import AppConfig
            from django.db.models.signals import post_save

            class ShopConfig(AppConfig):
                name = "shop"

                def ready(self):
                    def on_save(sender, **kwargs):
                        pass

                    post_save.connect(on_save, weak=False, dispatch_uid="shop.on_save")
            """
        ),
        Valid(
            """
            from django.core.signals import request_finished

            def test_request_finished_is_sent(client):
                def handler(sender, **kwargs):
                    calls.append(sender)

                calls = []
                request_finished.connect(handler)
                try:
                    client.get("/")
                finally:
                    request_finished.disconnect(handler)
                assert calls
            """
        ),
        Valid(
            """
            from contextlib import contextmanager
            from django.db.models.signals import post_save

            @contextmanager
            def capture_saves():
                seen = []

                def handler(sender, **kwargs):
                    seen.append(sender)

                post_save.connect(handler)
                yield seen
                post_save.disconnect(handler)
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_save

            class Audit:
                def __init__(self):
                    post_save.connect(self.on_save)

                def on_save(self, sender, **kwargs):
                    pass

            audit = Audit()
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save

            def make_handler(tag):
                def handler(sender, **kwargs):
                    print(tag)
                return handler

            post_save.connect(make_handler("audit"))
            """,
            [(8, 1)],
            fixed="""
            from django.db.models.signals import post_save

            def make_handler(tag):
                def handler(sender, **kwargs):
                    print(tag)
                return handler

            post_save.connect(make_handler("audit"), weak=False)
            """,
        ),
        Invalid(
            """
            from django.apps import AppConfig
            from django.db.models.signals import post_save

            class ShopConfig(AppConfig):
                name = "shop"

                def ready(self):
                    def on_save(sender, **kwargs):
                        pass

                    post_save.connect(on_save)
            """,
            [(11, 9)],
            fixed="""
            from django.apps import AppConfig
            from django.db.models.signals import post_save

            class ShopConfig(AppConfig):
                name = "shop"

                def ready(self):
                    def on_save(sender, **kwargs):
                        pass

                    post_save.connect(on_save, weak=False)
            """,
        ),
        Invalid(
            """
            import functools
            from django.db.models.signals import post_save, pre_save

            def log(kind, sender, **kwargs):
                pass

            post_save.connect(lambda sender, **kwargs: log("saved", sender))
            pre_save.connect(functools.partial(log, "saving"), weak=True)
            """,
            [(7, 1), (8, 1)],
            fixed="""
            import functools
            from django.db.models.signals import post_save, pre_save

            def log(kind, sender, **kwargs):
                pass

            post_save.connect(lambda sender, **kwargs: log("saved", sender), weak=False)
            pre_save.connect(functools.partial(log, "saving"), weak=False)
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_delete
            from django.dispatch import receiver

            class Cleanup:
                def on_delete(self, sender, **kwargs):
                    pass

            def install():
                post_delete.connect(Cleanup().on_delete)

                @receiver(post_delete)
                def forget(sender, **kwargs):
                    pass
            """,
            [(9, 5), (11, 6)],
            fixed="""
            from django.db.models.signals import post_delete
            from django.dispatch import receiver

            class Cleanup:
                def on_delete(self, sender, **kwargs):
                    pass

            def install():
                post_delete.connect(Cleanup().on_delete, weak=False, dispatch_uid="app.signals.Cleanup.on_delete")

                @receiver(post_delete, weak=False)
                def forget(sender, **kwargs):
                    pass
            """,
        ),
        Invalid(
            """
            from django.db.models.signals import post_save

            def install():
                def on_save(sender, **kwargs):
                    pass

                post_save.connect(
                    on_save,
                    None,
                    True,
                )
            """,
            [(7, 5)],
            fixed="""
            from django.db.models.signals import post_save

            def install():
                def on_save(sender, **kwargs):
                    pass

                post_save.connect(
                    on_save,
                    None,
                    False,
                )
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            if connection.kind == "disconnect" or connection.weak is not True:
                continue
            if connection.kind == "connect" and not any(
                ctx.is_signal(s) for s in connection.signals
            ):
                continue
            what = self._temporary(facts, connection, ctx)
            if what is None:
                continue
            yield self.finding(
                facts,
                connection.line,
                connection.column,
                fix=Fix(
                    "weak-false",
                    connection.line,
                    connection.column,
                    UNSAFE,
                    _uid(facts, connection) if connection.dispatch_uid is None else None,
                ),
                receiver=connection.receiver.text,
                signal=", ".join(connection.signal_text) or "signal",
                what=what,
            )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        """A factory's own ``signal.connect(handler)`` of a function it defines, made at a call site
        with a signal (``@on_weak(request_finished)``): the per-file check cannot tell the signal."""
        assert graph.project is not None
        seen: set[tuple[str, int, int]] = set()
        for edge in graph.connections:
            if edge.template is None or edge.status != COLLECTED or edge.template in seen:
                continue
            seen.add(edge.template)
            module, line, column = edge.template
            facts = graph.project.modules[module]
            connection = next(
                (c for c in facts.connections if (c.line, c.column) == (line, column)), None
            )
            if connection is None or connection.weak is not True:
                continue
            yield self.finding(
                facts,
                line,
                column,
                fix=Fix(
                    "weak-false",
                    line,
                    column,
                    UNSAFE,
                    _uid(facts, connection) if connection.dispatch_uid is None else None,
                ),
                receiver=connection.receiver.text,
                signal=edge.signal.rsplit(".", 1)[-1],
                what=f"a function defined inside `{(connection.function or '').rsplit('.', 1)[-1]}()`",
            )

    @staticmethod
    def _temporary(facts: FileFacts, connection: Connection, ctx: RuleContext):  # type: ignore[no-untyped-def]
        receiver = connection.receiver
        if receiver.kind in INLINE_TEMPORARIES:
            return INLINE_TEMPORARIES[receiver.kind]
        if receiver.kind == "call":
            spelled = receiver.text.removesuffix("()")
            return _call_result(facts, receiver.qualname, receiver.local, spelled, ctx)
        local_value = receiver.local_value or ""
        if receiver.kind == "nested-function":
            what = "a function defined inside `{}()`"
        elif receiver.kind == "local" and local_value in INLINE_TEMPORARIES:
            what = INLINE_TEMPORARIES[local_value] + " held only by a local variable of `{}()`"
        elif receiver.kind == "local" and local_value.startswith("call:"):
            callee = local_value[len("call:") :]
            prefix = facts.module + "."
            local = callee[len(prefix) :] if callee.startswith(prefix) else None
            made = _call_result(facts, callee, local, callee.rsplit(".", 1)[-1], ctx)
            if made is None:
                return None
            what = made.replace("{", "{{").replace("}", "}}")
            what += " held only by a local variable of `{}()`"
        else:
            return None
        if (
            connection.in_test
            or connection.function is None
            or frame_keeps_alive(facts, connection)
        ):
            return None
        frame = facts.function(connection.function)
        assert frame is not None  # frame_keeps_alive() says True for an unknown frame
        for other in facts.connections:
            if (
                other.kind == "disconnect"
                and other.function == connection.function
                and _same_receiver(other, connection)
            ):
                return None  # connected and disconnected within one frame
        return what.format(frame.name)


def _call_result(
    facts: FileFacts, callee: str | None, local: str | None, spelled: str, ctx: RuleContext
) -> str | None:
    """What a call connected as a receiver makes, when nothing but the dispatcher would hold it:
    a temporary instance of a callable class of this file, or what a factory returns when that is
    a function it defines, a lambda or a ``partial``; None otherwise."""
    if _is_temporary_instance(facts, local):
        cls = next(c for c in facts.classes if c.qualname == local)
        if defines_call(facts, cls) is False:
            return None  # an instance that is not callable: SIG012's
        return f"a temporary instance of `{local}`"
    found = ctx.function(callee) if callee else None
    if local and facts.function(local) is not None:
        found = (facts, facts.function(local))  # type: ignore[assignment]
    made = returned_temporary(found[1]) if found is not None else None
    if made is None:
        return None
    return FACTORY_RESULTS.get(made, "the function `{}()` defines and returns").format(spelled)


def _uid(facts: FileFacts, connection: Connection) -> str | None:
    """A ``dispatch_uid`` for a new object connected strongly, so connecting again adds no twin (SIG103).

    Only for a temporary's method or instance: a factory's result (``make_handler("audit")``)
    differs with its arguments, and one uid for all of them would drop all but the first."""
    receiver = connection.receiver
    if receiver.kind == "call" and not _is_temporary_instance(facts, receiver.local):
        return None
    if receiver.kind not in ("temporary-method", "call"):
        return None
    return f"{facts.module}.{receiver.text.replace('()', '')}"


def _same_receiver(one: Connection, other: Connection) -> bool:
    if one.receiver.local or other.receiver.local:
        return one.receiver.local == other.receiver.local
    return one.receiver.text == other.receiver.text


def _is_temporary_instance(facts: FileFacts, local: str | None, depth: int = 0) -> bool:
    """``connect(Handler())``: ``Handler`` a class of this file (and of its bases) that keeps no instance."""
    classes = {cls.qualname: cls for cls in facts.classes}
    cls = classes.get(local or "")
    if cls is None or depth > 8:
        return False
    if facts.function(f"{cls.qualname}.__new__") is not None:
        return False  # may hand out a shared instance
    for method in ("__init__", "__post_init__"):
        function = facts.function(f"{cls.qualname}.{method}")
        if function is not None and "self" in function.escaping_names:
            return False  # the instance may register itself somewhere
    prefix = facts.module + "."
    for base in cls.bases:
        if not (
            base
            and base.startswith(prefix)
            and _is_temporary_instance(facts, base[len(prefix) :], depth + 1)
        ):
            return False  # a base class we cannot see may keep its instances
    return True
