"""SIG011 removed-providing-args."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, positions

from signal_lint.fix import fix_source


def sig011(source: str):
    return positions(source, "SIG011")


def test_keyword_providing_args_is_flagged_at_the_call():
    assert sig011(
        """
        from django.dispatch import Signal

        order_placed = Signal(providing_args=["order"])
        """
    ) == [(3, 16)]


def test_message_names_the_signal_and_the_fix():
    (finding,) = findings_for(
        """
        from django.dispatch import Signal

        order_placed = Signal(providing_args=["order"])
        """,
        code="SIG011",
    )
    assert finding.message == (
        "`order_placed` is defined with `providing_args`, removed in Django 4.0 (`TypeError` at import): "
        "drop the argument and document the names in a comment"
    )
    assert finding.fix is not None


def test_every_spelling_of_the_signal_class_is_resolved():
    assert sig011(
        """
        import django.dispatch
        from django import dispatch
        from django.core.signals import Signal as CoreSignal

        a = django.dispatch.Signal(providing_args=["x"])
        b = dispatch.Signal(providing_args=["x"])
        c = CoreSignal(providing_args=["x"])
        """
    ) == [(5, 5), (6, 5), (7, 5)]


def test_model_signal_is_flagged_too():
    assert sig011(
        """
        from django.db.models.signals import ModelSignal

        audited = ModelSignal(providing_args=["instance"], use_caching=True)
        """
    ) == [(3, 11)]


def test_annotated_definition_is_flagged():
    assert sig011(
        """
        from django.dispatch import Signal

        order_placed: Signal = Signal(providing_args=["order"])
        """
    ) == [(3, 24)]


def test_class_attribute_signal_is_flagged_with_its_dotted_name():
    (finding,) = findings_for(
        """
        from django.dispatch import Signal

        class Events:
            paid = Signal(providing_args=["invoice"])
        """,
        code="SIG011",
    )
    assert finding.message.startswith("`Events.paid` is defined with `providing_args`")


def test_positional_list_is_flagged_without_a_fix():
    (finding,) = findings_for(
        """
        from django.dispatch import Signal

        legacy = Signal(["order", "user"])
        """,
        code="SIG011",
    )
    assert (finding.line, finding.column + 1) == (3, 10)
    assert "positionally" in finding.message and "`use_caching`" in finding.message
    assert finding.fix is None


def test_empty_positional_list_is_harmless():
    assert (
        sig011(
            """
        from django.dispatch import Signal

        legacy = Signal([])
        """
        )
        == []
    )


def test_subclass_of_signal_may_take_its_own_arguments():
    assert (
        sig011(
            """
        from django.dispatch import Signal

        class CompatSignal(Signal):
            def __init__(self, providing_args=None, use_caching=False):
                super().__init__(use_caching=use_caching)

        order_placed = CompatSignal(providing_args=["order"])
        legacy = CompatSignal(["order"])
        """
        )
        == []
    )


def test_signal_without_providing_args_is_fine():
    assert (
        sig011(
            """
        from django.dispatch import Signal

        order_placed = Signal()  # sends: order
        cached = Signal(use_caching=True)
        """
        )
        == []
    )


def test_another_librarys_signal_class_is_not_judged():
    assert (
        sig011(
            """
        from blinker_compat import Signal

        order_placed = Signal(providing_args=["order"])
        """
        )
        == []
    )


def test_fix_keeps_the_names_as_a_comment():
    source = textwrap.dedent(
        """\
        from django.dispatch import Signal

        order_placed = Signal(use_caching=True, providing_args=["order", "user"])
        """
    )
    fixed = fix_source(source, findings_for(source, code="SIG011"))
    assert fixed.splitlines()[2] == "order_placed = Signal(use_caching=True)  # sends: order, user"
    assert findings_for(fixed, code="SIG011") == []


def test_fix_of_names_it_cannot_read_says_the_argument_was_removed():
    source = """
        from django.dispatch import Signal

        order_placed = Signal(providing_args=NAMES)
        """
    assert "order_placed = Signal()  # providing_args removed" in fixed(source, "SIG011")
