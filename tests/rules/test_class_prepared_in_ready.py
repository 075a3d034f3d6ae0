"""SIG003 class-prepared-in-ready."""
from __future__ import annotations

from conftest import findings_for, positions


def sig003(source: str, **kwargs: str):
    return positions(source, "SIG003", **kwargs)


CONFIG = """
from django.apps import AppConfig
from django.db.models.signals import class_prepared, post_migrate

def add_fields(sender, **kwargs):
    pass

class CoreConfig(AppConfig):
    name = "core"

    def {method}(self{params}):
        {body}
"""


def in_method(method: str, body: str, params: str = "") -> list:
    return sig003(CONFIG.format(method=method, body=body, params=params))


def test_connect_in_ready_is_flagged_at_the_connect_call():
    assert in_method("ready", "class_prepared.connect(add_fields)") == [(11, 9)]


def test_connect_in_appconfig_init_is_not_flagged():
    assert in_method("__init__", "class_prepared.connect(add_fields)", params=", app_name, app_module") == []


def test_other_signals_in_ready_are_not_flagged():
    assert in_method("ready", "post_migrate.connect(add_fields, sender=self)") == []


def test_disconnect_in_ready_is_not_flagged():
    assert in_method("ready", "class_prepared.disconnect(add_fields)") == []


def test_message_says_when_the_signal_was_sent_and_where_to_connect():
    (finding,) = findings_for(CONFIG.format(method="ready", body="class_prepared.connect(add_fields)", params=""), code="SIG003")
    assert "`add_fields`" in finding.message and "`class_prepared`" in finding.message
    assert "`AppConfig.__init__`" in finding.message


def test_module_level_connection_is_not_flagged():
    assert sig003(
        """
        from django.db.models.signals import class_prepared

        def add_fields(sender, **kwargs):
            pass

        class_prepared.connect(add_fields)
        """
    ) == []


def test_ready_of_a_class_that_is_not_an_appconfig_is_not_flagged():
    assert sig003(
        """
        from django.db.models.signals import class_prepared

        def add_fields(sender, **kwargs):
            pass

        class Plugin:
            def ready(self):
                class_prepared.connect(add_fields)
        """
    ) == []


def test_project_base_config_counts_in_an_apps_module():
    source = """
    from core.apps import BaseConfig
    from django.db.models.signals import class_prepared

    def add_fields(sender, **kwargs):
        pass

    class ShopConfig(BaseConfig):
        def ready(self):
            class_prepared.connect(add_fields)
    """
    assert sig003(source, path="shop/apps.py", module="shop.apps") == [(9, 9)]
    assert sig003(source, path="shop/plugins.py", module="shop.plugins") == []


def test_receiver_list_with_class_prepared_is_flagged_once():
    assert sig003(
        """
        from django.apps import AppConfig
        from django.db.models.signals import class_prepared, post_migrate
        from django.dispatch import receiver

        class CoreConfig(AppConfig):
            name = "core"

            def ready(self):
                @receiver([post_migrate, class_prepared], weak=False)
                def on_event(sender, **kwargs):
                    pass
        """
    ) == [(9, 10)]


def test_connection_in_a_function_nested_in_ready_is_not_flagged():
    assert in_method("ready", "def later():\n            class_prepared.connect(add_fields)\n        self.later = later") == []


def test_signals_module_and_alias_spellings_are_resolved():
    assert sig003(
        """
        from django.apps import AppConfig
        from django.db.models import signals
        from django.db.models.base import class_prepared as prepared

        def add_fields(sender, **kwargs):
            pass

        class CoreConfig(AppConfig):
            name = "core"

            def ready(self):
                signals.class_prepared.connect(add_fields)
                prepared.connect(add_fields)
        """
    ) == [(12, 9), (13, 9)]
