"""SIG105 unused-signal."""

from __future__ import annotations

from conftest import project_findings, project_positions


def sig105(signals: str, **files: str):
    return project_positions(
        {
            "shop/__init__.py": "",
            "shop/signals.py": "from django.dispatch import Signal\n\n" + signals,
            **files,
        },
        "SIG105",
    )


SENDS = "from shop.signals import order_placed\n\ndef place(order):\n    order_placed.send(sender=None, order=order)\n"
RECEIVES = (
    "from django.dispatch import receiver\n\nfrom shop.signals import order_placed\n\n"
    "@receiver(order_placed)\ndef on_placed(sender, **kwargs):\n    pass\n"
)


def test_sent_and_received_is_not_flagged():
    assert (
        sig105(
            "order_placed = Signal()\n", **{"shop/orders.py": SENDS, "shop/handlers.py": RECEIVES}
        )
        == []
    )


SETTINGS = {"config/__init__.py": "", "config/settings.py": 'INSTALLED_APPS = ["shop"]\n'}


def test_sent_but_never_received_is_flagged_at_the_definition_in_a_project():
    assert sig105("order_placed = Signal()\n", **{"shop/orders.py": SENDS}, **SETTINGS) == [
        ("shop/signals.py", 3, 16)
    ]


def test_sent_but_never_received_is_a_reusable_apps_hook_without_settings():
    assert sig105("order_placed = Signal()\n", **{"shop/orders.py": SENDS}) == []


def test_received_but_never_sent_is_flagged_and_names_the_receivers():
    files = {
        "shop/__init__.py": "",
        "shop/signals.py": "from django.dispatch import Signal\n\norder_placed = Signal()\n",
        "shop/handlers.py": RECEIVES,
    }
    (finding,) = project_findings(files, "SIG105")
    assert (finding.path, finding.line, finding.column + 1) == ("shop/signals.py", 3, 16)
    assert "never sent" in finding.message and "`on_placed`" in finding.message


def test_neither_sent_nor_received_is_flagged():
    (finding,) = project_findings(
        {
            "shop/__init__.py": "",
            "shop/signals.py": "from django.dispatch import Signal\n\norder_placed = Signal()\n",
        },
        "SIG105",
    )
    assert (
        "never sent and has no receivers" in finding.message and "`order_placed`" in finding.message
    )


def test_severity_is_info():
    (finding,) = project_findings(
        {
            "shop/__init__.py": "",
            "shop/signals.py": "from django.dispatch import Signal\n\norder_placed = Signal()\n",
        },
        "SIG105",
    )
    assert finding.severity == "info"


def test_aliases_re_exports_and_class_attributes_count():
    signals = "order_placed = Signal()\nplaced = order_placed\n\n\nclass Events:\n    archived = Signal()\n"
    sends = (
        "from shop import signals\nfrom shop.signals import Events, placed\n\ndef place(order):\n"
        "    placed.send(sender=None)\n    Events.archived.send(sender=None)\n"
    )
    receives = (
        "from shop.signals import Events, order_placed\n\ndef on(sender, **kwargs):\n    pass\n\n"
        "order_placed.connect(on)\nEvents.archived.connect(on)\n"
    )
    assert sig105(signals, **{"shop/orders.py": sends, "shop/handlers.py": receives}) == []


def test_sends_and_receivers_in_tests_count():
    test = (
        "from django.dispatch import receiver\n\nfrom shop.signals import order_placed\n\n"
        "@receiver(order_placed)\ndef record(sender, **kwargs):\n    pass\n\ndef test_it():\n"
        "    order_placed.send(sender=None)\n"
    )
    assert sig105("order_placed = Signal()\n", **{"shop/tests.py": test}) == []


def test_a_signal_defined_in_a_test_module_is_not_reported():
    test = "from django.dispatch import Signal\n\nprobe = Signal()\n"
    assert project_positions({"shop/__init__.py": "", "shop/tests.py": test}, "SIG105") == []


def test_djangos_own_signals_are_not_reported_in_djangos_source():
    source = "from django.dispatch import Signal\n\nconnection_created = Signal()\n"
    assert (
        project_positions(
            {
                "django/__init__.py": "",
                "django/db/__init__.py": "",
                "django/db/backends/__init__.py": "",
                "django/db/backends/signals.py": source,
            },
            "SIG105",
        )
        == []
    )
