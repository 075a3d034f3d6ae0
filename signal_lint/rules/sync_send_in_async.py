"""SIG016: a blocking ``send()`` inside ``async def``.

https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import FileFacts
from signal_lint.findings import UNSAFE, WARNING, Finding, Fix
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext


class SyncSendInAsync(Rule):
    """
    ## What it does
    Flags `signal.send()`/`signal.send_robust()` called directly inside an
    `async def` — not inside a nested `def` or a `lambda`, which run wherever
    they are called (`run_in_executor(None, lambda: signal.send(...))`).

    ## Why is this bad?
    `send()` runs every sync receiver on the event loop's thread, blocking it,
    and runs async receivers through `async_to_sync`, which raises
    `RuntimeError` when called from a running event loop — the code works
    until the first async receiver is connected. Since Django 5.0,
    `await signal.asend()` runs sync receivers in a thread and awaits async
    ones.

    ## Example
    ```python
    async def checkout(request):
        order_placed.send(sender=Order, order=order)
    ```

    Use instead:
    ```python
    async def checkout(request):
        await order_placed.asend(sender=Order, order=order)
    ```

    ## Fix safety
    Unsafe. The fix turns `signal.send(...)`/`send_robust(...)` into `await
    signal.asend(...)`/`asend_robust(...)`, in parentheses where needed
    (`(await s.asend_robust(...))[0]`). Sync receivers then run in a thread,
    so code that relies on the event loop's thread or its transaction
    changes. Offered only for Django 5.0 and later (`django-version`), and
    not inside a generator expression or a lambda.

    ## References
    - [Django: Sending signals](https://docs.djangoproject.com/en/stable/topics/signals/#sending-signals)
    """

    code = "SIG016"
    name = "sync-send-in-async"
    severity = WARNING
    reads = frozenset({"sends"})
    summary = "`send()` inside `async def`: blocks the event loop; use `await asend()`"
    MESSAGE = (
        "`{signal}.{method}()` in async function `{function}` blocks the event loop and fails "
        "once an async receiver is connected: use `await {signal}.a{method}()`"
    )
    fix_title = "`await` the async `asend()` instead"

    VALID = (
        Valid(
            """
            from asgiref.sync import sync_to_async
            from django.dispatch import Signal

            order_placed = Signal()

            async def checkout(order):
                await order_placed.asend(sender=None, order=order)
                await sync_to_async(order_placed.send)(sender=None, order=order)  # runs in a thread

                def later():
                    order_placed.send(sender=None, order=order)

            def sync_checkout(order, socket):
                order_placed.send(sender=None, order=order)

            async def notify(socket):
                socket.send(b"x")
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.dispatch import Signal

            order_placed = Signal()

            async def checkout(order):
                order_placed.send(sender=None, order=order)
                results = order_placed.send_robust(sender=None, order=order)
            """,
            [(6, 5), (7, 15)],
            fixed="""
            from django.dispatch import Signal

            order_placed = Signal()

            async def checkout(order):
                await order_placed.asend(sender=None, order=order)
                results = await order_placed.asend_robust(sender=None, order=order)
            """,
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for send in facts.sends:
            if not (
                send.in_async
                and send.method in ("send", "send_robust")
                and ctx.is_signal(send.signal)
            ):
                continue
            if (
                send.usage == "await"
                and ctx.builtin(send.signal) is None
                and ctx.project_signal(send.signal) is None
            ):
                continue  # ``await x.send()`` on an object only guessed to be a signal: an async API, not Signal.send
            yield self.finding(
                facts,
                send.line,
                send.column,
                fix=Fix("await-asend", send.line, send.column, UNSAFE)
                if _has_asend(ctx.catalog.django_version)
                else None,
                signal=send.signal_text,
                method=send.method,
                function=send.function or "",
            )


def _has_asend(version: str) -> bool:
    """``Signal.asend()`` came with Django 5.0 (an unknown version is the newest)."""
    try:
        return tuple(int(part) for part in version.split(".")[:2]) >= (5, 0)
    except ValueError:
        return True
