"""SIG107 bulk-write-skips-receivers."""

from __future__ import annotations

from conftest import project_findings, project_positions
from module_files import facts_of

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.engine import check_facts

APP = {
    "shop/__init__.py": "",
    "shop/apps.py": (
        "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n        from shop import receivers  # noqa: F401\n"
    ),
    "shop/models.py": (
        "from django.db import models\n\nclass Order(models.Model):\n    pass\n\n"
        "class Tag(models.Model):\n    pass\n"
    ),
}

RECEIVERS = """
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from shop.models import Order, Tag

{decorators}
def handler(sender, instance, **kwargs):
    pass
"""


def sig107(
    writes: str, decorators: str = "@receiver(post_save, sender=Order)", path: str = "shop/views.py"
):
    files = {
        **APP,
        "shop/receivers.py": RECEIVERS.format(decorators=decorators),
        path: "from shop.models import Order, Tag\n\n\ndef write(rows, ids):\n"
        + "".join(f"    {line}\n" for line in writes.strip().split("\n")),
    }
    return [(line, column) for _, line, column in project_positions(files, "SIG107")]


def test_queryset_update_of_a_model_with_post_save_receivers_is_flagged_at_the_call():
    assert sig107('Order.objects.filter(pk__in=ids).update(status="x")') == [(5, 5)]


def test_bulk_create_and_bulk_update_are_flagged():
    assert sig107(
        "Order.objects.bulk_create(rows)\nOrder.objects.bulk_update(rows, ['status'])"
    ) == [(5, 5), (6, 5)]


def test_pre_save_receivers_count_and_a_lazy_sender_names_the_model():
    assert sig107(
        "Order.objects.update(status='x')", decorators='@receiver(pre_save, sender="shop.Order")'
    ) == [(5, 5)]


def test_a_model_without_save_receivers_is_not_flagged():
    assert sig107("Tag.objects.update(name='x')") == []
    assert (
        sig107("Tag.objects.update(name='x')", decorators="@receiver(post_delete, sender=Tag)")
        == []
    )


def test_a_write_of_a_many_to_many_table_is_not_a_write_of_its_model():
    # ``Order.tags.through`` rows are the m2m table's, not orders: Order's receivers are not skipped
    assert sig107("Order.tags.through.objects.bulk_create(rows)") == []
    assert sig107("Order.objects.bulk_create(rows)") == [(5, 5)]


def test_an_update_of_one_row_by_primary_key_is_a_deliberate_write_without_signals():
    assert sig107("Order.objects.filter(pk=ids[0]).update(status='x')") == []
    assert sig107("Order.objects.filter(id=rows.id).update(status='x')") == []
    assert sig107("Order.objects.filter(pk__in=ids).update(status='x')") == [(5, 5)]
    # other conditions only narrow the one row to none: still the idiom (taiga-back's importers
    # back-date a row with filter(id=..., created_date__gt=...).update(...))
    assert sig107("Order.objects.filter(pk=ids[0], shop=rows).update(status='x')") == []
    assert sig107("Order.objects.filter(pk__in=ids, shop=rows).update(status='x')") == [(5, 5)]


def test_receivers_for_any_sender_do_not_make_every_bulk_write_a_finding():
    assert sig107("Order.objects.update(status='x')", decorators="@receiver(post_save)") == []


def test_delete_and_dict_update_are_not_flagged():
    assert sig107("Order.objects.filter(pk__in=ids).delete()\nrows.update({'a': 1})") == []


def test_test_modules_are_not_reported():
    assert sig107("Order.objects.bulk_create(rows)", path="shop/tests.py") == []


def test_receivers_in_a_never_imported_module_do_not_count():
    files = {
        **APP,
        "shop/apps.py": APP["shop/apps.py"].split("\n\n    def ready")[0] + "\n",
        "shop/receivers.py": RECEIVERS.format(decorators="@receiver(post_save, sender=Order)"),
    }
    files["shop/views.py"] = (
        "from shop.models import Order\n\n\ndef write(rows):\n    Order.objects.bulk_create(rows)\n"
    )
    assert project_positions(files, "SIG107") == []


def test_message_names_the_method_model_and_receivers_and_is_info():
    files = {
        **APP,
        "shop/receivers.py": RECEIVERS.format(decorators="@receiver(post_save, sender=Order)"),
        "shop/views.py": "from shop.models import Order\n\n\ndef write(rows):\n    Order.objects.bulk_create(rows)\n",
    }
    (finding,) = project_findings(files, "SIG107")
    assert (
        "`bulk_create()`" in finding.message
        and "`Order`" in finding.message
        and "`handler`" in finding.message
    )
    assert finding.severity == "info"


def test_two_receivers_of_one_name_are_named_in_full():
    files = {
        **APP,
        "shop/receivers.py": RECEIVERS.format(decorators="@receiver(post_save, sender=Order)")
        + "\nfrom shop import more_receivers  # noqa: F401\n",
        "shop/more_receivers.py": RECEIVERS.format(decorators="@receiver(pre_save, sender=Order)"),
        "shop/views.py": "from shop.models import Order\n\n\ndef write(rows):\n    Order.objects.bulk_create(rows)\n",
    }
    (finding,) = project_findings(files, "SIG107")
    assert "`shop.more_receivers.handler`, `shop.receivers.handler`" in finding.message


def test_a_write_in_a_match_case_of_a_file_without_signal_code_is_flagged():
    """Such a file gets the cheap pass, which finds bulk writes by their lines; a ``case`` has no
    line of its own (it raised AttributeError, a traceback for the whole run)."""
    files = {
        **APP,
        "shop/receivers.py": RECEIVERS.format(decorators="@receiver(post_save, sender=Order)"),
        "shop/views.py": """
            from shop.models import Order

            def write(command, ids):
                match command:
                    case "close":
                        Order.objects.filter(pk__in=ids).update(status="closed")
            """,
    }
    facts = facts_of(files)  # as a run extracts them: the prefilter decides the pass
    assert [f.detailed for f in facts if f.path == "shop/views.py"] == [False]
    findings = check_facts(facts, load_catalog(), Config())
    assert [(f.path, f.line, f.column + 1) for f in findings if f.code == "SIG107"] == [
        ("shop/views.py", 6, 13)
    ]


def test_writes_to_a_model_reached_through_star_imports_are_linked_to_its_receivers():
    """fixtures/projects/star_imports: ``Device`` comes through two star imports; its update()
    is linked to its post_save receiver only when the sender names the defining module."""
    from pathlib import Path

    from signal_lint.engine import check_paths

    project = Path(__file__).resolve().parents[2] / "fixtures" / "projects" / "star_imports"
    result = check_paths([str(project)], Config(root=str(project)), jobs=1, use_cache=False)
    found = [
        (Path(f.path).relative_to(project).as_posix(), f.line, f.code) for f in result.findings
    ]
    assert found == [("dcim/utils.py", 5, "SIG107")]


def test_a_write_of_djangos_user_skips_receivers_on_its_lazy_label():
    files = {
        **APP,
        "shop/receivers.py": RECEIVERS.format(
            decorators='@receiver(post_save, sender="auth.User")'
        ),
        "shop/views.py": (
            "from django.contrib.auth.models import User\n\n\n"
            "def deactivate(ids):\n    User.objects.filter(pk__in=ids).update(is_active=False)\n"
        ),
    }
    assert project_positions(files, "SIG107") == [("shop/views.py", 5, 5)]


def test_writes_through_get_user_model_skip_receivers_on_the_user_model_however_spelled():
    """``get_user_model()``, a name bound to it, ``User`` and ``settings.AUTH_USER_MODEL``: one model."""
    files = {
        **APP,
        "config/__init__.py": "",
        "config/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "shop"]\n',
        "shop/receivers.py": RECEIVERS.format(
            decorators="from django.conf import settings\n\n"
            "@receiver(post_save, sender=settings.AUTH_USER_MODEL)"
        ),
        "shop/views.py": (
            "from django.contrib.auth import get_user_model\n\n"
            "User = get_user_model()\n\n\n"
            "def deactivate(ids):\n"
            "    get_user_model().objects.filter(pk__in=ids).update(is_active=False)\n"
            "    User.objects.bulk_create([])\n"
        ),
    }
    assert project_positions(files, "SIG107") == [("shop/views.py", 7, 5), ("shop/views.py", 8, 5)]
