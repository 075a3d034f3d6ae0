"""What becomes of each connection: status (live, collected, ignored, pending, never-imported),
whether it is conditional, and when it runs; helpers that ``ready()`` runs are followed."""

from __future__ import annotations

from graph_helpers import edges_by_receiver, graph_of

pytest_plugins = ["graph_fixtures"]  # the fixture projects' graphs

LIVE_READY = ("live", False, "ready")


def test_ready_helpers_project_edges(ready_helpers_project):
    assert (
        edges_by_receiver(ready_helpers_project)
        == {
            "shop.receivers.on_placed_via_alias": LIVE_READY,  # add_signal = order_placed, in a helper ready() calls
            "shop.receivers.on_placed_via_class_attribute": LIVE_READY,  # Events.placed
            "shop.receivers.on_placed_via_nested_helper": LIVE_READY,  # a nested function ready() calls
            "shop.receivers.on_shipped_via_appconfig_method": LIVE_READY,  # self.connect_more()
            "shop.receivers.on_order_saved_via_private_helper": LIVE_READY,  # a helper's helper
            "shop.receivers.on_order_saved_via_self_attribute": LIVE_READY,  # self.saved, saved = post_save
            "shop.receivers.on_order_pre_save_registered_at_import": (
                "live",
                False,
                "populate",
            ),  # register() in models.py
            "shop.receivers.on_order_saved_never_called": ("live", True, "later"),
            "shop.receivers.on_migrated": ("live", True, "later"),  # RunPython
            "shop.receivers.on_order_saved_in_view": (
                "never-imported",
                True,
                "later",
            ),  # nothing imports the views
        }
    )


def test_aliases_and_class_attributes_resolve_to_the_defining_signal(ready_helpers_project):
    signals = {
        edge.receiver.rsplit(".", 1)[-1]: edge.signal for edge in ready_helpers_project.connections
    }
    assert (
        signals["on_placed_via_alias"]
        == signals["on_placed_via_class_attribute"]
        == "shop.signals.order_placed"
    )
    assert signals["on_shipped_via_appconfig_method"] == "shop.signals.order_shipped"
    assert signals["on_order_saved_via_self_attribute"] == "django.db.models.signals.post_save"
    assert [send.signal for send in ready_helpers_project.sends] == [
        "shop.signals.order_shipped",
        "shop.signals.order_placed",
    ]


def test_the_call_analysis_knows_what_runs_once(ready_helpers_project):
    calls = ready_helpers_project.calls
    assert calls.reached == {
        "shop.apps.ShopConfig.ready": 1,
        "shop.apps.ShopConfig.connect_more": 1,
        "shop.apps.ShopConfig.ready.<locals>.connect_nested": 1,
        "shop.wiring.connect_project_signals": 1,
        "shop.wiring._connect_private": 1,
        "shop.registry.register": 0,
    }
    assert calls.once == set(calls.reached)


APP = {
    "shop/__init__.py": "",
    "shop/apps.py": (
        "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n        from shop import receivers  # noqa: F401\n"
    ),
    "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    pass\n",
}


def receivers(code: str) -> dict:
    header = (
        "from functools import partial\n\nfrom django.db.models.signals import post_save\n"
        "from django.dispatch import receiver\n\nfrom shop.models import Order\n\n"
    )
    return edges_by_receiver(graph_of({**APP, "shop/receivers.py": header + code}))


def test_module_level_receiver_of_a_module_ready_imports_is_live_at_ready():
    assert receivers(
        "@receiver(post_save, sender=Order)\ndef on_save(sender, **kwargs):\n    pass\n"
    ) == {"shop.receivers.on_save": LIVE_READY}


def test_a_weakly_connected_temporary_is_collected():
    found = receivers(
        "def h(channel, sender, **kwargs):\n    pass\n\npost_save.connect(partial(h, 'x'))\n"
    )
    assert found == {"shop.receivers.partial()": ("collected", False, "ready")}


def test_a_second_receiver_with_a_taken_dispatch_uid_is_ignored_with_its_reason():
    code = "".join(
        f"@receiver(post_save, sender=Order, dispatch_uid='x')\ndef {name}(sender, **kwargs):\n    pass\n\n"
        for name in ("first", "second")
    )
    graph = graph_of(
        {
            **APP,
            "shop/receivers.py": (
                "from django.db.models.signals import post_save\n"
                "from django.dispatch import receiver\n\nfrom shop.models import Order\n\n"
            )
            + code,
        }
    )
    (ignored,) = [edge for edge in graph.connections if edge.status == "ignored"]
    assert ignored.receiver == "shop.receivers.second"
    assert "`shop.receivers.first`" in ignored.reason


def test_a_lazy_sender_resolves_to_the_model_or_stays_pending():
    code = (
        "@receiver(post_save, sender='shop.Order')\ndef known(sender, **kwargs):\n    pass\n\n"
        "@receiver(post_save, sender='shop.Refund')\ndef unknown(sender, **kwargs):\n    pass\n"
    )
    found = receivers(code)
    assert found["shop.receivers.known"] == LIVE_READY
    assert found["shop.receivers.unknown"] == ("pending", False, "ready")


def test_the_graph_knows_the_models_by_lazy_label():
    graph = graph_of({**APP, "shop/receivers.py": ""})
    assert graph.models == {"shop.order": "shop.models.Order"}
    assert graph.model_for("shop.Order") == "shop.models.Order"
    assert graph.known_labels == {"shop"}


def test_a_connection_in_a_view_is_conditional():
    code = "def on_save(sender, **kwargs):\n    pass\n\ndef view(request):\n    post_save.connect(on_save)\n"
    assert receivers(code) == {"shop.receivers.on_save": ("live", True, "later")}


def test_a_module_level_call_of_a_helper_in_another_module_is_followed():
    files = {
        **APP,
        "shop/receivers.py": "from shop.wiring import connect_all\n\nconnect_all()\n",
        "shop/wiring.py": (
            "from django.db.models.signals import post_save\n\ndef on_save(sender, **kwargs):\n"
            "    pass\n\ndef connect_all():\n    post_save.connect(on_save)\n"
        ),
    }
    assert edges_by_receiver(graph_of(files)) == {"shop.wiring.on_save": LIVE_READY}


def test_a_call_under_if_name_main_does_not_run_on_import():
    files = {
        **APP,
        "shop/receivers.py": "from shop.wiring import connect_all\n\nif __name__ == '__main__':\n    connect_all()\n",
        "shop/wiring.py": (
            "from django.db.models.signals import post_save\n\ndef on_save(sender, **kwargs):\n"
            "    pass\n\ndef connect_all():\n    post_save.connect(on_save)\n"
        ),
    }
    assert edges_by_receiver(graph_of(files)) == {"shop.wiring.on_save": ("live", True, "later")}


def test_a_helper_that_a_view_calls_too_is_reached_but_not_run_once():
    files = {
        **APP,
        "shop/apps.py": (
            "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n"
            "    name = 'shop'\n\n    def ready(self):\n"
            "        from shop.wiring import connect_all\n        connect_all()\n"
        ),
        "shop/wiring.py": (
            "from django.db.models.signals import post_save\n\ndef on_save(sender, **kwargs):\n"
            "    pass\n\ndef connect_all():\n    post_save.connect(on_save)\n"
        ),
        # (callers are known in files that get the detailed pass: ones that mention signals)
        "shop/views.py": (
            "from shop.wiring import connect_all\n\ndef view(request):\n"
            "    connect_all()  # re-connects the signals\n"
        ),
    }
    graph = graph_of(files)
    assert edges_by_receiver(graph) == {"shop.wiring.on_save": LIVE_READY}
    assert "shop.wiring.connect_all" in graph.calls.reached
    assert "shop.wiring.connect_all" not in graph.calls.once
    assert graph.calls.callers["shop.wiring.connect_all"] == {
        "shop.apps.ShopConfig.ready",
        "shop.views.view",
    }


def test_test_modules_make_test_only_edges():
    graph = graph_of(
        {
            **APP,
            "shop/receivers.py": "",
            "shop/tests.py": (
                "from django.db.models.signals import post_save\n\ndef h(sender, **kwargs):\n"
                "    pass\n\npost_save.connect(h)\n"
            ),
        }
    )
    assert [(edge.receiver, edge.status, edge.reason) for edge in graph.connections] == [
        ("shop.tests.h", "test-only", "`shop.tests` is a test module: it runs when the tests do")
    ]


def test_a_uid_taken_by_an_earlier_migration_leaves_the_later_connection_ignored():
    """Two RunPython functions connect post_migrate receivers with one uid and the same sender
    expression: the migration graph runs 0002 first, so Django ignores 0003's (issue 11)."""
    migration = """
        from functools import partial

        from django.apps import apps as registry
        from django.db.models.signals import post_migrate

        def notify(ids, sender=None, **kwargs):
            pass

        def forward(apps, schema_editor):
            sender = registry.get_app_config("shop")
            post_migrate.connect(partial(notify, []), sender=sender, weak=False, dispatch_uid=UID)
        """
    graph = graph_of(
        {
            "shop/__init__.py": "",
            "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    pass\n",
            "shop/migrations/__init__.py": "",
            "shop/migrations/0002_lines.py": migration.replace("UID", '"notify"'),
            "shop/migrations/0003_totals.py": migration.replace("UID", '"notify"'),
            "shop/migrations/0004_other.py": migration.replace("UID", '"other"'),
        }
    )
    statuses = {edge.module.rsplit(".", 1)[-1]: edge.status for edge in graph.connections}
    assert statuses == {"0002_lines": "live", "0003_totals": "ignored", "0004_other": "live"}


def test_a_connect_in_a_loop_over_a_literal_list_of_signals_connects_to_each():
    """django-allauth's usersessions app: ``for sig in [password_set, password_changed]:
    sig.connect(receiver=signals.on_password_changed)`` in ``ready()``."""
    graph = graph_of(
        {
            "shop/__init__.py": "",
            "shop/signals.py": """
                from django.dispatch import Signal

                password_set = Signal()
                password_changed = Signal()
                other = Signal()

                def on_password_changed(sender, **kwargs):
                    pass
                """,
            "shop/apps.py": """
                from django.apps import AppConfig

                class ShopConfig(AppConfig):
                    name = "shop"

                    def ready(self):
                        from shop import signals

                        for sig in (signals.password_set, signals.password_changed):
                            sig.connect(receiver=signals.on_password_changed)
                        for number in range(3):
                            number.connect(signals.on_password_changed)  # not a signal
                        sig.connect(signals.on_password_changed)  # after the loop: unknown
                """,
        }
    )
    assert sorted((edge.signal, edge.status, edge.phase) for edge in graph.connections) == [
        ("shop.signals.password_changed", "live", "ready"),
        ("shop.signals.password_set", "live", "ready"),
    ]


def test_a_decorator_factory_connects_at_its_call_sites_what_they_give_it():
    """``signal.connect(func, **kwargs)`` on a parameter is a template: each ``@on(post_save,
    sender=Order)`` connects the decorated function to that signal, for that sender."""
    hooks = (
        "def on(signal, **kwargs):\n    def decorator(func):\n        signal.connect(func, **kwargs)\n"
        "        return func\n\n    return decorator\n\n\n"
        "def connect_all(signal, handler, sender=None):\n    signal.connect(handler, sender=sender, weak=False)\n"
    )
    receivers = (
        "from django.db.models.signals import post_save, pre_delete\n\n"
        "from shop.hooks import connect_all, on\nfrom shop.models import Order\n\n\n"
        "@on(post_save, sender=Order)\ndef on_saved(sender, **kwargs):\n    pass\n\n\n"
        "def on_deleted(sender, **kwargs):\n    pass\n\n\nconnect_all(pre_delete, on_deleted, sender='shop.Order')\n"
    )
    graph = graph_of({**APP, "shop/hooks.py": hooks, "shop/receivers.py": receivers})
    edges = {(e.signal.rsplit(".", 1)[-1], e.receiver, e.sender, e.line) for e in graph.connections}
    assert edges == {
        ("post_save", "shop.receivers.on_saved", "shop.models.Order", 7),
        ("pre_delete", "shop.receivers.on_deleted", "shop.models.Order", 16),
    }
