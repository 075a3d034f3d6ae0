"""SIG010: a send of a built-in signal with the wrong arguments.

https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.catalog import SignalSpec
from signal_lint.extract.facts import FileFacts, Send
from signal_lint.findings import ERROR, Finding
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext
from signal_lint.rules.lazy_sender_on_plain_signal import LAZY_SETTINGS


class SendArgumentsMismatch(Rule):
    """
    ## What it does
    Flags, one finding per call, a `.send()`/`.send_robust()`/`.asend()`/
    `.asend_robust()` of a Django signal that omits an argument Django always
    sends, passes one it never sends, passes extra positional arguments (only
    `sender` is positional), omits `sender`, or sends a model signal with
    `sender=None` or a non-class (a string, `settings.AUTH_USER_MODEL`, `self`
    in an ordinary method).

    ## Why is this bad?
    Code that sends a built-in signal by hand (tests, data imports, custom
    managers) must look like Django's own send, or receivers written for
    Django's arguments crash with `TypeError`. `send(sender, extra)` raises
    `TypeError` at once. Model signals cache receivers per sender in a
    `WeakKeyDictionary`, so `sender=None` or a string raises `TypeError`.

    ## Example
    ```python
    post_save.send(sender=Order, instance=order)
    ```

    Use instead:
    ```python
    post_save.send(sender=Order, instance=order, created=False, raw=False, using="default", update_fields=None)
    ```

    ## Fix safety
    There is no automatic fix: only the caller knows the values of the
    missing arguments.

    ## References
    - [Django: Sending signals](https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals)
    """

    code = "SIG010"
    name = "send-arguments-mismatch"
    severity = ERROR
    reads = frozenset({"sends"})
    summary = "A built-in signal sent with arguments Django never sends, or without required ones"
    MESSAGE = "`{signal}.{method}()` {problems}"

    VALID = (
        Valid(
            """
            from django.core.signals import request_finished
            from django.db.models.signals import post_save

            def resave(order, **options):
                post_save.send(
                    sender=type(order), instance=order, created=False, raw=False, using="default",
                    update_fields=None,
                )
                post_save.send(type(order), **options)
                request_finished.send(sender=None)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save, pre_delete
            from django.contrib.auth.signals import user_logged_in

            def fake(order, request):
                post_save.send(sender=type(order), instance=order, using="default", raw=False, update_fields=None)
                pre_delete.send(None, instance=order, using="default", origin=order)
                user_logged_in.send(type(request.user), request, user=request.user)
                user_logged_in.send(request=request, user=request.user, extra=1)
            """,
            [(5, 5), (6, 5), (7, 5), (8, 5)],
        ),
        Invalid(
            """
            from asgiref.sync import sync_to_async
            from django.db.models.signals import post_save

            async def fake(order):
                await sync_to_async(post_save.send)(sender=type(order), instance=order)
            """,
            [(5, 11)],
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for send in facts.sends:
            spec = ctx.builtin(send.signal)
            if spec is None:
                continue
            problems = _problems(send, spec, _sender_is_an_instance(facts, send))
            if problems:
                yield self.finding(
                    facts,
                    send.line,
                    send.column,
                    signal=send.signal_text,
                    method=send.method,
                    problems="; ".join(problems),
                )


def _sender_is_an_instance(facts: FileFacts, send: Send) -> bool:
    """``sender=self`` in an ordinary method: the instance, not its class."""
    if send.sender.kind != "expr" or not send.function:
        return False
    function = facts.function(send.function)
    if (
        function is None
        or not function.class_name
        or function.is_staticmethod
        or function.is_classmethod
    ):
        return False
    return (
        bool(function.params)
        and function.params[0].kind in ("posonly", "normal")
        and function.params[0].name == send.sender.value
    )


def _problems(send: Send, spec: SignalSpec, sender_is_instance: bool = False) -> list[str]:
    problems = []
    if send.npositional > 1:
        problems.append(
            "passes positional arguments after `sender` (only `sender` is positional): `TypeError`"
        )
    if send.sender.kind == "missing" and not send.has_star_args and not send.has_star_kwargs:
        problems.append("has no `sender`: `TypeError`")
    if spec.model_signal:
        if send.sender.kind in ("any", "string", "literal"):
            shown = (
                repr(send.sender.value)
                if send.sender.kind == "string"
                else send.sender.value or "None"
            )
            problems.append(
                f"sends model signal `{spec.name}` with `sender={shown}`, but model signals need the model class"
            )
        elif send.sender.kind == "name" and send.sender.value in LAZY_SETTINGS:
            problems.append(
                f"sends model signal `{spec.name}` with `sender="
                f"{LAZY_SETTINGS[send.sender.value]}`, a string, but model signals need the "
                "model class"
            )
        elif sender_is_instance:
            problems.append(
                f"sends model signal `{spec.name}` with `sender={send.sender.value}`, an "
                f"instance, but model signals need the model class (`type({send.sender.value}"
                ")`)"
            )
    if not send.has_star_kwargs:
        passed = set(send.keywords) - {"sender"}
        missing = sorted(spec.always - passed)
        # a signal read from a package whose own sends may pass names we cannot see: any name
        unknown = [] if spec.open_ended else sorted(passed - spec.always - spec.sometimes)
        sender = spec.package or "Django"  # the installed package whose send sites were read
        if missing:
            problems.append(
                "omits "
                + ", ".join(f"`{name}`" for name in missing)
                + f", which {sender} always sends with `{spec.name}`"
            )
        if unknown:
            problems.append(
                "passes "
                + ", ".join(f"`{name}`" for name in unknown)
                + f", which {sender} never sends with `{spec.name}`"
            )
    return problems
