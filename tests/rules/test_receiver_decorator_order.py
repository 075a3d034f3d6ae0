"""SIG007 receiver-decorator-order."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, positions


def decorated(*decorators: str) -> str:
    lines = "\n".join(decorators)
    return (
        "from django.db import transaction\n"
        "from django.db.models.signals import post_delete, post_save\n"
        "from django.dispatch import receiver\n"
        "from audit import log_calls\n"
        "\n"
        f"{lines}\n"
        "def on_change(sender, **kwargs):\n"
        "    pass\n"
    )


def sig007(*decorators: str):
    return positions(decorated(*decorators), "SIG007")


def test_receiver_below_another_decorator_is_flagged_at_the_receiver():
    assert sig007("@transaction.atomic", "@receiver(post_save)") == [(7, 2)]


def test_receiver_on_top_is_fine():
    assert sig007("@receiver(post_save)", "@transaction.atomic") == []


def test_stacked_receivers_on_top_are_fine():
    assert sig007("@receiver(post_save)", "@receiver(post_delete)", "@log_calls") == []


def test_every_receiver_below_a_wrapper_is_flagged():
    assert sig007("@log_calls", "@receiver(post_save)", "@receiver(post_delete)") == [
        (7, 2),
        (8, 2),
    ]


def test_receiver_below_a_wrapper_below_a_receiver_is_flagged():
    assert sig007("@receiver(post_save)", "@log_calls", "@receiver(post_delete)") == [(8, 2)]


def test_unresolvable_decorator_above_counts_as_a_wrapper():
    assert sig007("@registry.register('x')", "@receiver(post_save)") == [(7, 2)]


def test_message_names_the_receiver_and_says_to_move_it():
    (finding,) = findings_for(
        decorated("@transaction.atomic", "@receiver(post_save)"), code="SIG007"
    )
    assert "`on_change`" in finding.message
    assert finding.message.endswith("move `@receiver` to the top")
    assert finding.severity == "warning"


def test_staticmethod_above_receiver_is_fine():
    assert (
        positions(
            """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Handlers:
            @staticmethod
            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass
        """,
            "SIG007",
        )
        == []
    )


def test_classmethod_above_receiver_is_flagged():
    assert positions(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        class Handlers:
            @classmethod
            @receiver(post_save)
            def on_save(cls, sender, **kwargs):
                pass
        """,
        "SIG007",
    ) == [(6, 6)]


def test_another_librarys_receiver_is_not_judged():
    assert (
        positions(
            """
        from django.db import transaction
        from events import receiver

        @transaction.atomic
        @receiver("order")
        def on_order(sender, **kwargs):
            pass
        """,
            "SIG007",
        )
        == []
    )


def test_receiver_reached_through_the_dispatch_module():
    assert positions(
        """
        import django.dispatch
        from django.core.signals import request_finished
        from django.db import transaction

        @transaction.atomic
        @django.dispatch.receiver(request_finished)
        def on_finished(sender, **kwargs):
            pass
        """,
        "SIG007",
    ) == [(6, 2)]


# The fix: every @receiver above the decorators that wrap the function.


def test_fix_moves_every_receiver_up_keeps_staticmethod_on_top_and_comments_with_decorators():
    source = """
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save
        from django.dispatch import receiver

        class Handlers:
            # the handlers
            @staticmethod
            @transaction.atomic  # one transaction
            @receiver(post_save)
            @log_calls
            @receiver(post_delete)  # and deletes
            def on_change(sender, **kwargs):
                pass
        """
    assert fixed(source, "SIG007") == textwrap.dedent(
        """\
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save
        from django.dispatch import receiver

        class Handlers:
            # the handlers
            @staticmethod
            @receiver(post_save)
            @receiver(post_delete)  # and deletes
            @transaction.atomic  # one transaction
            @log_calls
            def on_change(sender, **kwargs):
                pass
        """
    )
