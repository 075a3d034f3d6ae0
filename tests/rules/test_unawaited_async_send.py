"""SIG017 unawaited-async-send."""

from __future__ import annotations

from conftest import findings_for, fixes, positions


def in_async(body: str) -> list:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    source = (
        "import asyncio\n"
        "from django.dispatch import Signal\n"
        "\n"
        "order_placed = Signal()\n"
        "\n"
        "async def checkout(order, websocket):\n"
        f"{lines}\n"
    )
    return positions(source, "SIG017")


def test_bare_asend_is_flagged_at_the_call():
    assert in_async("order_placed.asend(sender=None, order=order)") == [(7, 5)]


def test_message_says_to_await():
    (finding,) = findings_for(
        """
        from django.dispatch import Signal

        order_placed = Signal()

        async def checkout(order):
            order_placed.asend_robust(sender=None, order=order)
        """,
        code="SIG017",
    )
    assert (
        finding.message
        == "the coroutine of `order_placed.asend_robust()` is never awaited, so no receiver runs: `await` it"
    )


def test_assigned_and_never_used_is_flagged():
    assert in_async("result = order_placed.asend_robust(sender=None, order=order)") == [(7, 14)]


def test_assigned_and_awaited_later_is_fine():
    assert in_async("pending = order_placed.asend(sender=None, order=order)\nawait pending") == []


def test_awaited_is_fine():
    assert in_async("await order_placed.asend(sender=None, order=order)") == []
    assert (
        in_async(
            "results = await order_placed.asend_robust(sender=None, order=order)\nreturn results"
        )
        == []
    )


def test_handed_to_asyncio_is_fine():
    assert in_async("await asyncio.gather(order_placed.asend(sender=None, order=order))") == []
    assert (
        in_async(
            "task = asyncio.create_task(order_placed.asend(sender=None, order=order))\nreturn task"
        )
        == []
    )


def test_returned_coroutine_is_fine():
    assert in_async("return order_placed.asend(sender=None, order=order)") == []


def test_bare_asend_in_a_sync_function_is_flagged():
    assert positions(
        """
        from django.dispatch import Signal

        order_placed = Signal()

        def checkout(order):
            order_placed.asend(sender=None, order=order)
        """,
        "SIG017",
    ) == [(6, 5)]


def test_asend_of_something_that_is_not_a_signal_is_fine():
    assert in_async("websocket.asend(b'x')") == []


def test_sync_send_statement_is_not_this_rule():
    assert in_async("order_placed.send(sender=None, order=order)") == []


def test_builtin_signal_is_checked():
    assert positions(
        """
        from django.core.signals import request_finished

        async def finish():
            request_finished.asend(sender=None)
        """,
        "SIG017",
    ) == [(4, 5)]


# The fix: await it, inside async def only.


def test_fix_only_inside_async_def():
    source = """
        from django.dispatch import Signal

        order_placed = Signal()

        def sync_checkout(order):
            order_placed.asend(sender=None, order=order)
        """
    assert fixes(source, "SIG017") == [None]
