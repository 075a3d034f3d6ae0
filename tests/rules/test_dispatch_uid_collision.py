"""SIG102 dispatch-uid-collision."""

from __future__ import annotations

import textwrap

from conftest import project_findings, project_positions

from signal_lint.rules.dispatch_uid_collision import DispatchUidCollision

APP = {
    "shop/__init__.py": "",
    "shop/apps.py": """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from shop import receivers  # noqa: F401
        """,
    "shop/models.py": """
        from django.db import models

        class Order(models.Model):
            pass

        class Customer(models.Model):
            pass
        """,
}

HEADER = """
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.models import Customer, Order

"""


def sig102(receivers: str, **files: str):
    return project_positions({**APP, **files, "shop/receivers.py": HEADER + receivers}, "SIG102")


def decorated(name: str, arguments: str) -> str:
    return f"@receiver({arguments})\ndef {name}(sender, instance, **kwargs):\n    pass\n\n"


def test_second_receiver_with_the_same_uid_in_one_module_is_flagged_at_its_decorator():
    code = decorated("first", 'post_save, sender=Order, dispatch_uid="x"') + decorated(
        "second", 'post_save, sender=Order, dispatch_uid="x"'
    )
    assert sig102(code) == [("shop/receivers.py", 10, 2)]


def test_every_later_receiver_is_flagged_and_names_the_first():
    code = "".join(
        decorated(name, 'post_save, sender=Order, dispatch_uid="x"')
        for name in ("first", "second", "third")
    )
    assert sig102(code) == [("shop/receivers.py", 10, 2), ("shop/receivers.py", 14, 2)]
    messages = [
        f.message for f in project_findings({**APP, "shop/receivers.py": HEADER + code}, "SIG102")
    ]
    assert all("Django keeps `first`" in message for message in messages)


def test_a_lazy_sender_is_the_same_sender_as_the_class():
    code = decorated("first", 'post_save, sender=Order, dispatch_uid="x"') + decorated(
        "second", 'post_save, sender="shop.Order", dispatch_uid="x"'
    )
    assert sig102(code) == [("shop/receivers.py", 10, 2)]


def test_an_unresolved_sender_is_named_by_its_source_text():
    code = decorated("first", 'post_save, sender=sender_of(), dispatch_uid="x"') + decorated(
        "second", 'post_save, sender=sender_of(), dispatch_uid="x"'
    )
    files = {**APP, "shop/receivers.py": "from shop.models import sender_of\n" + HEADER + code}
    [finding] = project_findings(files, "SIG102")
    assert (finding.line, finding.column + 1) == (12, 2)
    assert " for sender `sender_of()`" in finding.message


def test_other_signal_other_sender_or_any_sender_is_no_collision():
    code = (
        decorated("first", 'post_save, sender=Order, dispatch_uid="x"')
        + decorated("on_delete", 'post_delete, sender=Order, dispatch_uid="x"')
        + decorated("on_customer", 'post_save, sender=Customer, dispatch_uid="x"')
        + decorated("on_any", 'post_save, dispatch_uid="x"')
    )
    assert sig102(code) == []


def test_the_same_receiver_connected_again_with_its_uid_is_no_collision():
    code = (
        decorated("first", 'post_save, sender=Order, dispatch_uid="x"')
        + 'post_save.connect(first, sender=Order, dispatch_uid="x")\n'
    )
    assert sig102(code) == []


def test_falsy_and_computed_uids_are_not_uids():
    code = (
        decorated("first", 'post_save, sender=Order, dispatch_uid=""')
        + decorated("second", 'post_save, sender=Order, dispatch_uid=""')
        + decorated("third", "post_save, sender=Order, dispatch_uid=__name__")
        + decorated("fourth", "post_save, sender=Order, dispatch_uid=__name__")
    )
    assert sig102(code) == []


def test_a_list_of_signals_collides_on_the_shared_one():
    code = decorated("first", 'post_save, sender=Order, dispatch_uid="x"') + decorated(
        "second", '[post_save, post_delete], sender=Order, dispatch_uid="x"'
    )
    assert sig102(code) == [("shop/receivers.py", 10, 2)]


def test_across_modules_every_colliding_connection_is_flagged_and_names_the_others():
    audit = (
        HEADER
        + 'def audit(sender, **kwargs):\n    pass\n\npost_save.connect(audit, sender=Order, dispatch_uid="x")\n'
    )
    files = {
        **APP,
        "shop/audit.py": audit,
        "shop/receivers.py": HEADER
        + decorated("first", 'post_save, sender=Order, dispatch_uid="x"'),
    }
    files["shop/models.py"] = (
        textwrap.dedent(APP["shop/models.py"]) + "\nimport shop.audit  # noqa: F401\n"
    )
    found = project_findings(files, "SIG102")
    assert [(f.path, f.line, f.column + 1) for f in found] == [
        ("shop/audit.py", 9, 1),
        ("shop/receivers.py", 6, 2),
    ]
    assert "`shop.receivers.first` (shop/receivers.py:6)" in found[0].message
    assert "`shop.audit.audit` (shop/audit.py:9)" in found[1].message
    assert "which module Django imports first" in found[0].message


def test_a_connection_in_ready_after_module_level_ones_is_the_later_one():
    apps = """
        from django.apps import AppConfig
        from django.db.models.signals import post_save

        def in_ready(sender, **kwargs):
            pass

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from shop.models import Order
                post_save.connect(in_ready, sender=Order, dispatch_uid="x")

        def at_import(sender, **kwargs):
            pass

        from shop.models import Order
        post_save.connect(at_import, sender=Order, dispatch_uid="x")
        """
    assert project_positions({**APP, "shop/apps.py": apps}, "SIG102") == [("shop/apps.py", 12, 9)]


def test_conditional_connections_collide_too():
    migration = """
        from django.db import migrations
        from django.db.models.signals import post_migrate

        def create(sender, **kwargs):
            pass

        def create_again(sender, **kwargs):
            pass

        def forwards(apps, schema_editor):
            post_migrate.connect(create, dispatch_uid="defaults")
            post_migrate.connect(create_again, dispatch_uid="defaults")
        """
    files = {
        **APP,
        "shop/receivers.py": "",
        "shop/migrations/__init__.py": "",
        "shop/migrations/0002_defaults.py": migration,
    }
    assert project_positions(files, "SIG102") == [("shop/migrations/0002_defaults.py", 12, 5)]


def test_never_imported_module_collides_with_nothing():
    unused = HEADER + decorated("ghost", 'post_save, sender=Order, dispatch_uid="x"')
    files = {
        **APP,
        "shop/unused.py": unused,
        "shop/receivers.py": HEADER
        + decorated("first", 'post_save, sender=Order, dispatch_uid="x"'),
    }
    assert project_positions(files, "SIG102") == []


def test_message_names_receiver_signal_sender_and_uid():
    code = decorated("first", 'post_save, sender=Order, dispatch_uid="x"') + decorated(
        "second", 'post_save, sender=Order, dispatch_uid="x"'
    )
    (finding,) = project_findings({**APP, "shop/receivers.py": HEADER + code}, "SIG102")
    assert "`second`" in finding.message and "`post_save`" in finding.message
    assert "sender `Order`" in finding.message and "`dispatch_uid='x'`" in finding.message


def test_in_one_apps_migrations_only_the_later_one_is_reported_and_why():
    example = DispatchUidCollision.INVALID[-1]
    files = {**example.files, DispatchUidCollision.example_path: example.source()}
    findings = project_findings(files, "SIG102")
    assert [(f.path, f.line) for f in findings] == [("shop/migrations/0003_fix_totals.py", 10)]
    assert "the migration graph runs `0002_fix_lines` first" in findings[0].message
    assert "which module Django imports first" not in findings[0].message


def test_one_sender_spelled_as_class_and_as_lazy_label_collides():
    """Django's lookup key holds the resolved sender: ``Order`` and ``"shop.order"`` are one."""
    code = decorated("first", 'post_save, sender=Order, dispatch_uid="x"') + decorated(
        "second", 'post_save, sender="shop.order", dispatch_uid="x"'
    )
    assert len(project_positions({**APP, "shop/receivers.py": HEADER + code}, "SIG102")) == 1


def test_djangos_user_as_class_and_as_lazy_label_collides():
    code = (
        "from django.contrib.auth.models import User\n\n"
        + decorated("first", 'post_save, sender=User, dispatch_uid="x"')
        + decorated("second", 'post_save, sender="auth.User", dispatch_uid="x"')
    )
    assert len(project_positions({**APP, "shop/receivers.py": HEADER + code}, "SIG102")) == 1
