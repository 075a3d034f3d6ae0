"""SIG012 receiver-called-not-passed."""

from __future__ import annotations

from conftest import findings_for, fixed, positions

HEADER = """
from django.db.models.signals import post_save

def on_save(sender, **kwargs):
    pass

def make_handler(prefix):
    def handler(sender, **kwargs):
        pass
    return handler
"""


def sig012(body: str):
    return positions(HEADER + body, "SIG012")


def test_called_receiver_is_flagged_at_the_connect_call():
    assert sig012("post_save.connect(on_save())\n") == [(10, 1)]


def test_message_shows_the_call_and_the_name_to_pass():
    (finding,) = findings_for(HEADER + "post_save.connect(on_save())\n", code="SIG012")
    assert (
        finding.message
        == "`on_save()` calls the receiver and connects its result to `post_save`: pass `on_save` without calling it"
    )


def test_receiver_passed_as_keyword_is_checked():
    assert sig012("post_save.connect(receiver=on_save())\n") == [(10, 1)]


def test_function_passed_uncalled_is_fine():
    assert sig012("post_save.connect(on_save)\n") == []


def test_factory_returning_its_nested_function_is_fine():
    assert sig012("post_save.connect(make_handler('audit'), weak=False)\n") == []


def test_factory_taking_sender_is_still_a_factory():
    assert (
        sig012(
            "def handler_for(sender):\n"
            "    def handler(**kwargs):\n"
            "        pass\n"
            "    return handler\n"
            "post_save.connect(handler_for('shop.Order'), weak=False)\n"
        )
        == []
    )


def test_function_choosing_a_module_level_receiver_is_fine():
    assert (
        sig012("def pick(**options):\n    return on_save\npost_save.connect(pick(strict=True))\n")
        == []
    )


def test_function_returning_nothing_is_flagged_whatever_its_parameters():
    assert sig012("def setup():\n    pass\npost_save.connect(setup())\n") == [(12, 1)]


def test_method_of_a_module_level_instance_is_flagged():
    assert sig012(
        "class Audit:\n"
        "    def on_change(self, sender, **kwargs):\n"
        "        pass\n"
        "audit = Audit()\n"
        "post_save.connect(audit.on_change())\n"
    ) == [(14, 1)]


def test_method_called_through_self_is_flagged():
    assert sig012(
        "class Audit:\n"
        "    def install(self):\n"
        "        post_save.connect(self.on_change(), weak=False)\n"
        "    def on_change(self, sender, **kwargs):\n"
        "        pass\n"
    ) == [(12, 9)]


def test_method_name_defined_by_two_classes_is_not_judged():
    assert (
        sig012(
            "class A:\n"
            "    def on_change(self, sender, **kwargs):\n"
            "        pass\n"
            "class B:\n"
            "    def on_change(self, sender, **kwargs):\n"
            "        pass\n"
            "def install(obj):\n"
            "    post_save.connect(obj.on_change(), weak=False)\n"
        )
        == []
    )


def test_imported_function_is_not_judged():
    assert (
        positions(
            """
        from django.db.models.signals import post_save
        from shop.handlers import get_handler

        post_save.connect(get_handler("search"), weak=False)
        """,
            "SIG012",
        )
        == []
    )


def test_connect_of_something_that_is_not_a_signal_is_not_judged():
    assert (
        positions(
            """
        import sqlite3

        def path():
            pass

        sqlite3.connect(path())
        """,
            "SIG012",
        )
        == []
    )


def test_project_signal_is_checked():
    assert positions(
        """
        from django.dispatch import Signal

        order_placed = Signal()

        def on_order(sender, **kwargs):
            pass

        order_placed.connect(on_order())
        """,
        "SIG012",
    ) == [(8, 1)]


# The fix: pass the function.


def test_fix_passes_the_function_and_leaves_a_call_with_arguments_alone():
    source = """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        def install():
            post_save.connect(receiver=on_save())
            post_save.connect(on_save(1))
        """
    result = fixed(source, "SIG012")
    assert "post_save.connect(receiver=on_save)" in result
    assert "post_save.connect(on_save(1))" in result
