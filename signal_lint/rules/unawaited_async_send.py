"""SIG017: ``asend()`` whose coroutine is never awaited.

https://docs.djangoproject.com/en/stable/topics/signals/#django.dispatch.Signal.asend
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import ERROR, SAFE, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class UnawaitedAsyncSend(Rule):
    """
    ## What it does
    Flags `signal.asend(...)`/`signal.asend_robust(...)` whose coroutine is
    never awaited: a bare expression statement, or assigned to a name that is
    never used.

    ## Why is this bad?
    Calling an `async def` only creates a coroutine. Unless it is awaited (or
    handed to `asyncio.gather()`, a task, ...), no receiver runs; Python only
    prints "coroutine was never awaited" when it is garbage collected.

    ## Example
    ```python
    async def checkout(order):
        order_placed.asend(sender=Order, order=order)
    ```

    Use instead:
    ```python
    async def checkout(order):
        await order_placed.asend(sender=Order, order=order)
    ```

    ## Fix safety
    Safe. The fix adds `await` (in parentheses where needed), so the
    receivers run as the code meant. Only inside an `async def`, not in a
    generator expression or a lambda in it; in a sync function `await` is
    not allowed, and there is no fix.

    ## References
    - [Django: Signal.asend](https://docs.djangoproject.com/en/stable/topics/signals/#django.dispatch.Signal.asend)
    """

    code = "SIG017"
    name = "unawaited-async-send"
    severity = ERROR
    reads = frozenset({"sends"})
    summary = "`asend()` whose coroutine is never awaited: no receiver runs"
    MESSAGE = (
        "the coroutine of `{signal}.{method}()` is never awaited, so no receiver runs: `await` it"
    )
    fix_title = "`await` the coroutine"

    VALID = (
        Valid(
            """
            import asyncio
            from asgiref.sync import async_to_sync
            from django.dispatch import Signal

            order_placed = Signal()

            def sync_checkout(order):
                async_to_sync(order_placed.asend)(sender=None, order=order)  # driven to completion

            async def checkout(order):
                await order_placed.asend(sender=None, order=order)
                pending = order_placed.asend_robust(sender=None, order=order)
                await asyncio.gather(pending, order_placed.asend(sender=None, order=order))
                return order_placed.asend(sender=None, order=order)
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.dispatch import Signal

            order_placed = Signal()

            async def checkout(order):
                order_placed.asend(sender=None, order=order)
                result = order_placed.asend_robust(sender=None, order=order)
            """,
            [(6, 5), (7, 14)],
            fixed="""
            from django.dispatch import Signal

            order_placed = Signal()

            async def checkout(order):
                await order_placed.asend(sender=None, order=order)
                result = await order_placed.asend_robust(sender=None, order=order)
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for send in facts.sends:
            if (
                send.method in ("asend", "asend_robust")
                and send.usage in ("statement", "dropped")
                and ctx.is_signal(send.signal)
            ):
                yield self.finding(
                    facts,
                    send.line,
                    send.column,
                    fix=Fix("await-send", send.line, send.column, SAFE) if send.in_async else None,
                    signal=send.signal_text,
                    method=send.method,
                )
