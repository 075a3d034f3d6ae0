"""SIG010 send-arguments-mismatch."""

from __future__ import annotations

from conftest import findings_for, positions

POST_SAVE_ARGS = 'instance=order, created=False, raw=False, using="default", update_fields=None'


def send(call: str, signal: str = "post_save", module: str = "django.db.models.signals") -> str:
    return f"""
    from {module} import {signal}
    from shop.models import Order

    def resend(order, request, **options):
        {call}
    """


def sig010(source: str):
    return positions(source, "SIG010")


def messages(source: str):
    return [f.message for f in findings_for(source, code="SIG010")]


def test_send_like_djangos_is_fine():
    assert sig010(send(f"post_save.send(sender=Order, {POST_SAVE_ARGS})")) == []


def test_positional_sender_is_fine():
    assert sig010(send(f"post_save.send(Order, {POST_SAVE_ARGS})")) == []


def test_missing_argument_is_flagged_at_the_send_call():
    assert sig010(
        send(
            'post_save.send(sender=Order, instance=order, raw=False, using="default", update_fields=None)'
        )
    ) == [(5, 5)]


def test_message_names_every_missing_argument():
    assert messages(send("post_save.send(sender=Order, instance=order)")) == [
        (
            "`post_save.send()` omits `created`, `raw`, `update_fields`, `using`, which Django "
            "always sends with `post_save`"
        )
    ]


def test_unknown_argument_is_flagged():
    assert messages(send(f"post_save.send(sender=Order, {POST_SAVE_ARGS}, request=request)")) == [
        "`post_save.send()` passes `request`, which Django never sends with `post_save`"
    ]


def test_one_finding_per_call_lists_every_problem():
    (message,) = messages(send("post_save.send(None, order, extra=1)"))
    assert message.startswith("`post_save.send()` passes positional arguments after `sender`")
    assert "with `sender=None`" in message
    assert "omits `created`, `instance`, `raw`, `update_fields`, `using`" in message
    assert "passes `extra`, which Django never sends" in message
    assert message.count(";") == 3


def test_missing_sender_is_flagged():
    assert messages(send("request_finished.send()", "request_finished", "django.core.signals")) == [
        "`request_finished.send()` has no `sender`: `TypeError`"
    ]


def test_plain_signal_may_be_sent_with_sender_none():
    assert (
        sig010(
            send("request_finished.send(sender=None)", "request_finished", "django.core.signals")
        )
        == []
    )


def test_model_signal_with_sender_none_or_a_string_is_flagged():
    assert "`sender=None`" in messages(send(f"post_save.send(sender=None, {POST_SAVE_ARGS})"))[0]
    assert (
        "`sender='shop.Order'`"
        in messages(send(f"post_save.send(sender='shop.Order', {POST_SAVE_ARGS})"))[0]
    )


def test_model_signal_with_the_user_model_setting_is_flagged():
    source = f"""
    from django.conf import settings
    from django.db.models.signals import post_save

    def resend(order):
        post_save.send(sender=settings.AUTH_USER_MODEL, {POST_SAVE_ARGS})
    """
    (message,) = messages(source)
    assert "`sender=settings.AUTH_USER_MODEL`, a string" in message


def test_model_signal_sent_with_self_from_a_method_is_flagged():
    source = f"""
    from django.db import models
    from django.db.models.signals import post_save

    class Order(models.Model):
        def touch(self):
            order = self
            post_save.send(sender=self, {POST_SAVE_ARGS})
    """
    (message,) = messages(source)
    assert "`sender=self`, an instance" in message and "`type(self)`" in message


def test_model_signal_sent_with_cls_from_a_classmethod_is_fine():
    assert (
        sig010(
            f"""
        from django.db import models
        from django.db.models.signals import post_save

        class Order(models.Model):
            @classmethod
            def touch(cls, order):
                post_save.send(sender=cls, {POST_SAVE_ARGS})
        """
        )
        == []
    )


def test_star_kwargs_are_trusted():
    assert sig010(send("post_save.send(sender=Order, **options)")) == []
    assert sig010(send("post_save.send(*options['args'], **options)")) == []


def test_star_args_cannot_supply_keyword_arguments():
    assert len(messages(send("post_save.send(*options['args'])"))) == 1


def test_sometimes_sent_arguments_may_be_passed_or_not():
    module = "django.core.signals"
    assert (
        sig010(send("request_started.send(sender=None, environ={})", "request_started", module))
        == []
    )
    assert (
        sig010(send("request_started.send(sender=None, scope={})", "request_started", module)) == []
    )
    assert sig010(send("request_started.send(sender=None)", "request_started", module)) == []


def test_every_send_method_is_checked():
    for method in ("send", "send_robust", "asend", "asend_robust"):
        assert sig010(send(f"post_save.{method}(sender=Order)")) == [(5, 5)], method


def test_reexported_signal_is_resolved():
    assert sig010(
        send(
            'setting_changed.send(sender=None, setting="DEBUG", value=True)',
            "setting_changed",
            "django.test.signals",
        )
    ) == [(5, 5)]


def test_project_signal_is_not_checked_here():
    assert (
        sig010(
            """
        from django.dispatch import Signal

        order_placed = Signal()

        def place(order):
            order_placed.send(order, "extra")
        """
        )
        == []
    )


def test_send_method_of_something_else_is_not_checked():
    assert (
        sig010(
            """
        def notify(socket, message):
            socket.send(b"x", 0)
            message.send()
        """
        )
        == []
    )
