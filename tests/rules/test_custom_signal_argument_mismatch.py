"""SIG104 custom-signal-argument-mismatch."""

from __future__ import annotations

from conftest import project_findings, project_positions

SIGNALS = """
    from django.dispatch import Signal

    order_shipped = Signal()
    """

RECEIVERS_HEADER = """
from django.dispatch import receiver

from shop.signals import order_shipped

"""  # the receiver's decorator is on line 5, its def on line 6


def project(receivers: str, sends: str) -> dict:
    body = (
        "from shop.signals import order_shipped\n\n\ndef ship(order, number, **extra):\n"
        + "".join(f"    {line}\n" for line in sends.strip().split("\n"))
    )
    return {
        "shop/__init__.py": "",
        "shop/signals.py": SIGNALS,
        "shop/receivers.py": RECEIVERS_HEADER + receivers,
        "shop/views.py": body,
    }


def sig104(receivers: str, sends: str):
    return project_positions(project(receivers, sends), "SIG104")


def receiver(params: str, name: str = "notify") -> str:
    return f"@receiver(order_shipped)\ndef {name}({params}):\n    pass\n\n\n"


def test_required_parameter_no_send_site_passes_is_flagged_at_the_parameter():
    assert sig104(
        receiver("sender, order, tracking_number, **kwargs"),
        "order_shipped.send(sender=None, order=order)",
    ) == [("shop/receivers.py", 6, 27)]


def test_hint_suggests_the_nearest_sent_argument():
    (finding,) = project_findings(
        project(
            receiver("sender, order, tracking_numbr, **kwargs"),
            "order_shipped.send(sender=None, order=order, tracking_number=number)",
        ),
        "SIG104",
    )
    assert "did you mean `tracking_number`?" in finding.message
    assert (
        "`tracking_numbr`" in finding.message
        and "`notify`" in finding.message
        and "`order_shipped" in finding.message
    )


def test_parameter_with_a_default_is_not_flagged():
    assert (
        sig104(
            receiver("sender, order, tracking_number=None, **kwargs"),
            "order_shipped.send(sender=None, order=order)",
        )
        == []
    )


def test_arguments_every_receiver_gets_are_not_flagged():
    assert sig104(receiver("sender, signal, **kwargs"), "order_shipped.send(sender=None)") == []


def test_an_argument_any_send_site_passes_satisfies_the_receiver_side():
    sends = (
        "order_shipped.send(sender=None, order=order, tracking_number=number)\n"
        "order_shipped.send_robust(sender=None, order=order)"
    )
    found = sig104(receiver("sender, order, tracking_number, **kwargs"), sends)
    assert found == [("shop/views.py", 6, 5)]  # the send site that omits it


def test_send_side_message_names_the_missing_argument_and_the_receiver():
    sends = (
        "order_shipped.send(sender=None, order=order, tracking_number=number)\n"
        "order_shipped.send(sender=None, order=order)"
    )
    (finding,) = project_findings(
        project(receiver("sender, order, tracking_number, **kwargs"), sends), "SIG104"
    )
    assert (
        "`order_shipped.send()`" in finding.message
        and "`tracking_number`" in finding.message
        and "`notify`" in finding.message
    )


def test_a_send_with_star_kwargs_may_pass_anything():
    sends = "order_shipped.send(sender=None, order=order, **extra)\norder_shipped.send(sender=None, order=order)"
    assert sig104(receiver("sender, order, tracking_number, **kwargs"), sends) == []


def test_a_signal_never_sent_is_sig105s_not_sig104s():
    assert sig104(receiver("sender, order, **kwargs"), "pass") == []


def test_positional_only_parameter_is_flagged():
    assert sig104(
        receiver("sender, order, /, **kwargs"), "order_shipped.send(sender=None, order=order)"
    ) == [("shop/receivers.py", 6, 12), ("shop/receivers.py", 6, 20)]


def test_self_of_a_bound_method_receiver_is_not_an_argument():
    receivers = """
class Mailer:
    def __init__(self):
        order_shipped.connect(self.on_shipped, weak=False)

    def on_shipped(self, sender, order, **kwargs):
        pass
"""
    assert sig104(receivers, "order_shipped.send(sender=None, order=order)") == []


def test_receiver_connected_from_another_module_and_aliases_are_followed():
    files = project("", "order_shipped.send(sender=None, order=order)")
    files["shop/signals.py"] = SIGNALS + "\n    shipped = order_shipped\n"
    files["shop/handlers.py"] = "def notify(sender, order, carrier, **kwargs):\n    pass\n"
    files["shop/apps.py"] = """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from shop import handlers, signals
                signals.shipped.connect(handlers.notify)
        """
    assert project_positions(files, "SIG104") == [("shop/handlers.py", 1, 27)]


def test_builtin_signals_are_sig004s():
    files = project("", "pass")
    files["shop/receivers.py"] = (
        "from django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n\n@receiver(post_save)\n"
        "def on_save(sender, instance, create, **kwargs):\n    pass\n"
    )
    assert project_positions(files, "SIG104") == []
    assert [f.code for f in project_findings(files)] == ["SIG004", "SIG105"]
