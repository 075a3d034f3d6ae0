"""SIG004: a receiver parameter the signal never sends (or only sometimes sends).

https://docs.djangoproject.com/en/stable/ref/signals/
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence

from signal_lint.catalog import SignalSpec
from signal_lint.extract.facts import FileFacts, Function, Param
from signal_lint.findings import ERROR, SAFE, UNSAFE, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import ReceiverUse, RuleContext, receivers

DISPATCH_ARGUMENTS = ("signal", "sender")  # every receiver gets these from Signal.send()
DYNAMIC = frozenset({"locals", "vars", "eval", "exec"})  # read names no rename can follow


def did_you_mean(name: str, valid: Iterable[str]) -> str:
    """`` (did you mean `created`?)`` for the nearest valid name, or ""; SIG104 says it the same way."""
    match = nearest(name, valid)
    return f" (did you mean `{match}`?)" if match else ""


def nearest(name: str, valid: Iterable[str]) -> str | None:
    names = sorted(set(valid))
    if name in names:
        return None
    match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return match[0] if match else None


def misspells(name: str, arguments: Iterable[str]) -> bool:
    """``name`` is a typo of one of ``arguments`` (``usr`` for ``user``): at most one edit per
    four letters, at least one (an adjacent transposition is one edit).  A signal whose send
    sites expand a dict we cannot follow may send any name, but not one that close to a name
    it always sends."""
    return any(
        name != argument and _edits(name, argument) <= max(1, len(argument) // 4)
        for argument in arguments
    )


def _edits(first: str, second: str) -> int:
    """Edit distance counting an adjacent transposition (``reqeust``) as one edit (optimal
    string alignment)."""
    rows = [list(range(len(second) + 1))]
    for i, a in enumerate(first, 1):
        row = [i]
        for j, b in enumerate(second, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


def _direct_call_arguments(facts: FileFacts, name: str) -> tuple[set[str], int]:
    """Keywords and the most positional arguments this file passes calling ``name`` directly.

    Django's own ``ImageField.update_dimension_fields(instance, force=False)``
    is a ``post_init`` receiver that ``pre_save`` code also calls with
    ``force=True``: that default is not dead.
    """
    for callee, keywords, positional in facts.call_arguments:
        if callee == name:
            return set(keywords), positional
    return set(), 0


def _called_or_imported(facts: FileFacts, function: Function, ctx: RuleContext) -> bool:
    """Something besides the signal may call ``function``: a direct call by its name in this file or
    (checking the project) any other, or an import of it by a module that does not connect it."""
    if any(callee == function.name for callee, _, _ in facts.call_arguments):
        return True
    qualname = f"{facts.module}.{function.qualname}"
    connecting = {source.path for source, _ in ctx.remote_connections.get(qualname, ())}
    return function.name in ctx.project_callees() or any(
        other.path not in connecting for other in ctx.importers(qualname)
    )


def first_parameter_is_sig005s(use: ReceiverUse) -> bool:
    """``self`` of a ``@receiver`` method is SIG005's; ``sig.connect(Handler.method)`` passes no ``self``."""
    function = use.function
    if not function.class_name or function.is_staticmethod:
        return False
    return any(connection.kind == "decorator" for connection in use.connections)


class UnknownReceiverArgument(Rule):
    """
    ## What it does
    Flags a receiver parameter whose name the signal never sends — required
    (`TypeError` at dispatch) or with a default (silently always the
    default) — and a required parameter only *some* send sites provide
    (`environ` of `request_started`: the ASGI handler sends `scope`;
    `plan`/`apps` of `post_migrate`: `flush` and test cases omit them).
    Django passes every argument by keyword, so a positional-only parameter
    fails too. A defaulted parameter is fine when at least one of the signals
    the receiver is connected to sends it.

    ## Why is this bad?
    Django calls `receiver(signal=..., sender=..., **arguments)`. A typo such
    as `create` for `post_save`'s `created`, or `aap_config` for
    `post_migrate`'s `app_config`, crashes every dispatch, or — with a
    default — makes the receiver act on a value that never changes.

    ## Example
    ```python
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, create, **kwargs):
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender=Order)
    def on_order_saved(sender, instance, created, **kwargs):
        ...
    ```

    ## Fix safety
    Renames the parameter to the one name the signal sends that is close to
    it (the "did you mean") and renames its uses in the body, following
    libcst's scope analysis: uses in nested functions follow, a nested
    function's own parameter of that name does not. No fix when the new name
    already means something in the function, the function reads its names
    dynamically (`locals()`, `eval`), the parameter is positional-only, or
    only some send sites provide the name. Safe for a required parameter of
    a function that nothing but the signal calls: dispatch raised
    `TypeError` before. Unsafe when something may call it by keyword (a
    direct call anywhere in the project, or an import of it by a module that
    does not connect it: those callers still pass the old name), and for a
    parameter with a default, which starts receiving the values the signal
    sends.

    ## References
    - [Django: Built-in signals](https://docs.djangoproject.com/en/stable/ref/signals/)
    """

    code = "SIG004"
    name = "unknown-receiver-argument"
    severity = ERROR
    reads = frozenset({"receivers"})
    summary = "A receiver parameter the signal never sends: `TypeError`, or always its default"
    MESSAGE = "parameter `{param}` of receiver `{receiver}` {problem}{hint}"
    fix_title = "rename the parameter (and its uses) to the name the signal sends"

    # a decorator below @receiver returns a wrapper without functools.wraps: Django calls the wrapper
    WRAPPER = (
        "parameter `{param}` of `{wrapper}`, the wrapper `@{decorator}` registers for receiver "
        "`{receiver}`, {problem}"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_migrate, post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(instance, created, sender=None, raw=False, **kwargs):
                pass

            @receiver(post_migrate)
            def on_migrate(app_config, verbosity=2, plan=None, **kwargs):
                pass
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_delete, post_save
            from django.dispatch import receiver

            @receiver([post_save, post_delete])
            def invalidate(sender, instance, created=False, *args, **kwargs):
                pass
            """
        ),
        Valid(
            """
            from django.core.signals import request_started
            from django.dispatch import Signal, receiver

            order_placed = Signal()

            @receiver(order_placed)
            def on_order(sender, order, **kwargs):
                pass

            @receiver(request_started)
            def on_request(sender, environ=None, scope=None, **kwargs):
                pass
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_save

            class Audit:
                def __init__(self):
                    post_save.connect(self.on_save, weak=False)

                def on_save(self, sender, instance, **kwargs):
                    pass
            """
        ),
        Valid(
            """
            from django.db.models.signals import post_init

            class ImageField:
                def contribute_to_class(self, cls, name):
                    post_init.connect(self.update_dimensions, sender=cls)

                def update_dimensions(self, instance, force=False, **kwargs):
                    pass

                def pre_save(self, instance):
                    self.update_dimensions(instance, force=True)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, create, **kwargs):
                pass
            """,
            [(5, 31)],
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
            from django.db.models import signals

            def on_migrate(sender, aap_config, request=None, **kwargs):
                pass

            signals.post_migrate.connect(on_migrate)
            """,
            [(3, 24), (3, 36)],
            fixed="""
            from django.db.models import signals

            def on_migrate(sender, app_config, request=None, **kwargs):
                pass

            signals.post_migrate.connect(on_migrate)
            """,
        ),
        Invalid(
            """
            from django.core.signals import request_started
            from django.db.models.signals import post_migrate
            from django.dispatch import receiver

            @receiver(request_started)
            def on_request(sender, environ, **kwargs):
                pass

            @receiver(post_migrate)
            def on_migrate(sender, app_config, plan, /, **kwargs):
                pass
            """,
            [(6, 24), (10, 16), (10, 24), (10, 36)],
        ),
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, create=False, **kwargs):
                if create:
                    notify(instance)

            @receiver(post_save)
            def on_update(sender, instance, craeted, **kwargs):
                def later():
                    return craeted
                return later

            def backfill(order):
                on_update(None, order, craeted=True)
            """,
            [(5, 31), (10, 33)],
            fixed="""
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save)
            def on_save(sender, instance, created=False, **kwargs):
                if created:
                    notify(instance)

            @receiver(post_save)
            def on_update(sender, instance, created, **kwargs):
                def later():
                    return created
                return later

            def backfill(order):
                on_update(None, order, craeted=True)
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for use in receivers(facts, ctx):
            specs = self._specs(use, ctx)
            if specs is None:
                continue
            if use.exposed is not None:  # Django calls the decorator's wrapper with what it sends
                for param in use.exposed.params:
                    problem = self._problem(param, specs)
                    if problem is not None:
                        message = self.WRAPPER.format(
                            param=param.name,
                            wrapper=use.exposed.name,
                            decorator=use.decorator,
                            receiver=use.function.name,
                            problem=problem,
                        )
                        line, column = use.function.line, use.function.column
                        yield Finding(
                            self.code, self.name, self.severity, facts.path, line, column, message
                        )
                if not use.forwards:
                    continue  # the function gets what the wrapper passes, which we do not follow
            params = list(use.function.params)
            if use.bound or first_parameter_is_sig005s(use):
                params = params[1:]  # self/cls: bound, or SIG005's business
            direct = _direct_call_arguments(facts, use.function.name)
            for position, param in enumerate(params):
                problem = self._problem(param, specs)
                if problem is None or (
                    param.has_default and (param.name in direct[0] or position < direct[1])
                ):
                    continue  # a default the code's own direct calls override: not a dead parameter
                yield self.finding(
                    facts,
                    param.line,
                    param.column,
                    fix=self._rename(facts, use, param, specs, ctx),
                    param=param.name,
                    receiver=use.name,
                    problem=problem,
                    hint=did_you_mean(param.name, self._names(specs)),
                )

    @staticmethod
    def _specs(use: ReceiverUse, ctx: RuleContext) -> list[SignalSpec] | None:
        """The catalog entries of every connected signal, or None when one is unknown."""
        specs = []
        for connection in use.connections:
            for signal in connection.signals:
                spec = ctx.builtin(signal)
                if spec is None:
                    return None  # a project or third-party signal: SIG104 knows its arguments
                if spec not in specs:
                    specs.append(spec)
        return specs or None

    @staticmethod
    def _problem(param: Param, specs: Sequence[SignalSpec]) -> str | None:
        names = ", ".join(f"`{spec.name}`" for spec in specs)
        if param.kind in ("varargs", "varkw"):
            return None
        if param.kind == "posonly":
            return "is positional-only, but Django passes every signal argument by keyword"
        if param.name in DISPATCH_ARGUMENTS:
            return None
        if param.has_default:
            if any(spec.sends(param.name) or spec.open_ended for spec in specs):
                return None
            return f"is never sent by {names}, so it always keeps its default"
        if all(param.name in spec.always for spec in specs):
            return None
        if any(spec.sends(param.name) for spec in specs):
            return (
                f"is sent by only some of {names}'s send sites: dispatch raises `TypeError` "
                "without it; give it a default"
            )
        if any(spec.open_ended for spec in specs) and not any(
            misspells(param.name, spec.always) for spec in specs if spec.open_ended
        ):
            return None  # a send site expands a dict we cannot follow: it may pass this name
        return f"is never sent by {names}: dispatch raises `TypeError`"

    @staticmethod
    def _names(specs: Sequence[SignalSpec]) -> set[str]:
        return {arg for spec in specs for arg in spec.always | spec.sometimes} | set(
            DISPATCH_ARGUMENTS
        )

    def _rename(
        self,
        facts: FileFacts,
        use: ReceiverUse,
        param: Param,
        specs: Sequence[SignalSpec],
        ctx: RuleContext,
    ) -> Fix | None:
        """Rename a misspelt name to the one the signals send: safe for a required parameter of a
        function nothing but the signal calls (dispatch raised ``TypeError``); unsafe when something
        may call it by keyword, or the parameter had a default (the receiver then sees new values)."""
        new = nearest(param.name, self._names(specs))
        if (
            new is None
            or param.kind not in ("normal", "kwonly")
            or any(spec.sends(param.name) for spec in specs)
            or any(other.name == new for other in use.function.params)
            or new in use.function.names_read  # the new name already means something there
            or DYNAMIC & use.function.names_read
        ):
            return None
        unsafe = param.has_default or _called_or_imported(facts, use.function, ctx)
        return Fix("rename-parameter", param.line, param.column, UNSAFE if unsafe else SAFE, new)
