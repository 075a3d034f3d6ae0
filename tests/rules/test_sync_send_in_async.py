"""SIG016 sync-send-in-async."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, fixes, positions

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source


def in_async(body: str, path: str = "app/views.py", module: str = "app.views") -> list:
    lines = "\n".join("    " + line for line in body.strip("\n").splitlines())
    source = (
        "import asyncio\n"
        "from django.dispatch import Signal\n"
        "\n"
        "order_placed = Signal()\n"
        "\n"
        "async def checkout(order, socket):\n"
        f"{lines}\n"
    )
    return positions(source, "SIG016", path=path, module=module)


def test_send_in_async_def_is_flagged_at_the_call():
    assert in_async("order_placed.send(sender=None, order=order)") == [(7, 5)]


def test_send_robust_is_flagged_too():
    assert in_async("results = order_placed.send_robust(sender=None, order=order)") == [(7, 15)]


def test_message_suggests_the_async_method():
    (finding,) = findings_for(
        """
        from django.dispatch import Signal

        order_placed = Signal()

        async def checkout(order):
            order_placed.send_robust(sender=None, order=order)
        """,
        code="SIG016",
    )
    assert finding.message == (
        "`order_placed.send_robust()` in async function `checkout` blocks the event loop and fails once an async "
        "receiver is connected: use `await order_placed.asend_robust()`"
    )


def test_asend_is_fine():
    assert in_async("await order_placed.asend(sender=None, order=order)") == []


def test_send_in_a_nested_sync_function_is_fine():
    assert (
        in_async("def later():\n    order_placed.send(sender=None, order=order)\nreturn later")
        == []
    )


def test_send_in_a_lambda_run_in_a_thread_is_fine():
    assert (
        in_async(
            "loop = asyncio.get_running_loop()\n"
            "await loop.run_in_executor(None, lambda: order_placed.send(sender=None, order=order))"
        )
        == []
    )


def test_send_passed_uncalled_to_a_thread_helper_is_fine():
    assert in_async("await asyncio.to_thread(order_placed.send, sender=None, order=order)") == []


def test_send_in_a_comprehension_runs_on_the_loop():
    assert in_async("[order_placed.send(sender=None, order=o) for o in order.items]") == [(7, 6)]


def test_send_of_something_that_is_not_a_signal_is_fine():
    assert in_async("socket.send(b'x')") == []


def test_awaited_send_of_a_module_level_object_in_a_signals_module_is_not_a_signal():
    source = (
        "import httpx\n"
        "\n"
        "client = httpx.AsyncClient()\n"
        "\n"
        "async def notify(request):\n"
        "    await client.send(request)\n"
    )
    assert positions(source, "SIG016", path="app/signals.py", module="app.signals") == []


def test_awaiting_a_known_signals_sync_send_is_flagged():
    assert in_async("await order_placed.send(sender=None, order=order)") == [(7, 11)]


def test_builtin_signal_is_checked():
    assert positions(
        """
        from django.core.signals import request_finished

        async def finish():
            request_finished.send(sender=None)
        """,
        "SIG016",
    ) == [(4, 5)]


def test_signal_imported_from_a_signals_module_is_checked():
    assert positions(
        """
        from shop.signals import order_shipped

        async def ship(order):
            order_shipped.send(sender=None, order=order)
        """,
        "SIG016",
    ) == [(4, 5)]


def test_sync_function_is_fine():
    assert (
        positions(
            """
        from django.dispatch import Signal

        order_placed = Signal()

        def checkout(order):
            order_placed.send(sender=None, order=order)
        """,
            "SIG016",
        )
        == []
    )


# The fix: await asend().


def test_fix_parenthesises_where_the_context_binds_tighter():
    source = """
        from django.dispatch import Signal

        order_placed = Signal()

        async def checkout(order):
            first = order_placed.send_robust(sender=None)[0]
            return order_placed.send(sender=None).copy()
        """
    result = fixed(source, "SIG016")
    assert "first = (await order_placed.asend_robust(sender=None))[0]" in result
    assert "return (await order_placed.asend(sender=None)).copy()" in result


def test_no_fix_before_django_5_or_in_a_generator_expression():
    source = """
        from django.dispatch import Signal

        order_placed = Signal()

        async def checkout(orders):
            return list(order_placed.send(sender=None, order=o) for o in orders)
        """
    assert fixes(source, "SIG016") == [("await-asend", "unsafe")]
    assert fixed(source, "SIG016") == textwrap.dedent(source).lstrip("\n")
    facts = extract_source(textwrap.dedent(source).encode(), "app/signals.py", "app.signals")
    old = check_one(facts, load_catalog("4.2"))
    assert [f.fix for f in old if f.code == "SIG016"] == [None]
