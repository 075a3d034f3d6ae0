"""fixtures/example_project is a real, runnable Django project.

Runs real Django on it in subprocesses and checks which receivers are live
after ``django.setup()`` (via ``fixtures/example_project/dump_receivers.py``),
that ``manage.py check`` reports exactly the expected ``signals.E001``, and
that ``EXPECTED.md`` agrees with the ``# expect:`` markers in the source.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import django
import pytest

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "example_project"

# Receivers that must be connected and alive after django.setup(), per signal.
LIVE = {
    "django.db.models.signals.class_prepared": [
        "shop.apps.on_class_prepared_too_late",  # SIG003: live, but too late
    ],
    "django.db.models.signals.pre_save": [
        "shop.receivers.normalize_tag_name_falsy_uid",  # SIG015
        "catalog.receivers.fill_product_slug",
    ],
    "django.db.models.signals.post_save": [
        "shop.receivers.on_order_saved_first",  # SIG102 winner
        "shop.receivers.on_order_saved_wrong_arg_create",  # SIG004
        "shop.receivers.on_customer_saved_wrapped",  # SIG007
        "shop.receivers.on_order_item_saved_resaves",  # SIG008
        "shop.receivers.on_order_saved_update_customer_unguarded",  # SIG013
        "catalog.receivers.record_product_created",
    ],
    "django.db.models.signals.pre_delete": [
        "shop.receivers.OrderAuditTrail.on_order_pre_delete_method",  # SIG005
    ],
    "django.db.models.signals.post_delete": [
        "shop.receivers.on_order_deleted_missing_kwargs",  # SIG001
        "catalog.receivers.forget_deleted_product",
    ],
    "django.db.models.signals.m2m_changed": [
        "shop.receivers.on_order_tags_changed_bad_action",  # SIG006
        "catalog.receivers.log_product_categories_changed",
    ],
    "django.db.models.signals.post_migrate": [
        "catalog.receivers.create_default_categories",
    ],
    "django.contrib.auth.signals.user_logged_in": [
        "shop.receivers.on_user_logged_in_lazy_sender",  # SIG009: connected, never matches
    ],
    "django.contrib.auth.signals.user_logged_out": [
        "shop.receivers.on_user_logged_out_nullable",  # SIG014
    ],
    "shop.signals.order_placed": ["shop.receivers.send_order_receipt"],
    "shop.signals.order_shipped": ["shop.receivers.on_order_shipped_wrong_arg"],  # SIG104
    "shop.signals.order_refunded": ["shop.receivers.on_order_refunded_never_sent"],  # SIG105
    "catalog.signals.product_published": ["catalog.receivers.announce_product_published"],
}

# Receivers that must not be connected to any signal.
DEAD = [
    "shop.handlers_unused.on_order_item_deleted_never_imported",  # SIG101
    "shop.handlers_unused.on_customer_pre_delete_never_imported",  # SIG101
    "shop.apps.ShopConfig.ready.<locals>.on_customer_saved_nested",  # SIG002: collected
    "shop.receivers.on_order_saved_dispatch_uid_loser",  # SIG102: ignored
    "shop.receivers.on_refund_saved_unknown_sender",  # SIG106: pending forever
    "shop.views.order_detail.<locals>.on_order_changed_while_viewing",  # SIG103: view never ran
    "shop.receivers.on_order_paid",  # SIG012: never connected
]

# Live post_save receivers per sender (registration order = call order).
POST_SAVE_BY_SENDER = {
    "shop.Order": [
        "shop.receivers.on_order_saved_first",
        "shop.receivers.on_order_saved_wrong_arg_create",
        "shop.receivers.on_order_saved_update_customer_unguarded",
    ],
    "shop.Customer": ["shop.receivers.on_customer_saved_wrapped"],
    "shop.OrderItem": ["shop.receivers.on_order_item_saved_resaves"],
    "catalog.Product": ["catalog.receivers.record_product_created"],
}


def run_python(code: str, settings: str = "config.settings", **env_extra: str):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        PYTHONDONTWRITEBYTECODE="1",  # keep the fixture tree free of __pycache__
        **env_extra,
    )
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def run_dump(*args: str) -> dict:
    proc = run_python(f"import sys, dump_receivers; sys.exit(dump_receivers.main({list(args)!r}))")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def dump() -> dict:
    return run_dump()


def live_for(signal: dict, sender_label: str) -> list[str]:
    by_sender = signal["live_by_sender"]
    return by_sender.get(sender_label, by_sender["*"])


def all_receivers(dump: dict) -> set[str]:
    return {r for sig in dump["signals"].values() for r in sig["receivers"]}


def test_setup_succeeds_with_debug_off(dump):
    assert dump["debug"] is False
    assert tuple(int(p) for p in dump["django_version"].split(".")[:2]) >= (4, 2)


def test_dump_covers_django_and_project_signal_modules(dump):
    names = set(dump["signals"])
    for expected in [
        "django.db.models.signals.post_save",
        "django.db.models.signals.class_prepared",
        "django.core.signals.request_started",
        "django.core.signals.setting_changed",
        "django.contrib.auth.signals.user_login_failed",
        "django.db.backends.signals.connection_created",
        "django.test.signals.template_rendered",
        "shop.signals.order_placed",
        "catalog.signals.product_published",
    ]:
        assert expected in names
    # setting_changed is re-exported by django.test.signals: dumped once, under
    # django.core.signals, before django.test.signals connected its receivers.
    assert "django.test.signals.setting_changed" not in names


def test_modules_django_loads_and_does_not_load(dump):
    loaded = set(dump["project_modules"])
    for module in [
        "shop.apps",
        "shop.models",
        "shop.receivers",
        "shop.signals",
        "shop.admin",
        "catalog.receivers",
        "catalog.admin",
    ]:
        assert module in loaded
    assert "shop.handlers_unused" not in loaded  # SIG101
    assert "shop.legacy_signals" not in loaded  # SIG011 would raise TypeError
    # the URLconf (and with it views/tasks) is only loaded by the first request
    assert "shop.views" not in loaded


@pytest.mark.parametrize("signal_name", sorted(LIVE))
def test_intended_live_receivers_are_connected(dump, signal_name):
    receivers = dump["signals"][signal_name]["receivers"]
    for name in LIVE[signal_name]:
        assert name in receivers, f"{name} not live on {signal_name}: {receivers}"


@pytest.mark.parametrize("name", DEAD)
def test_intended_dead_receivers_are_absent(dump, name):
    assert name not in all_receivers(dump)


def test_project_receivers_are_exactly_the_intended_ones(dump):
    project = {r for r in all_receivers(dump) if r.startswith(("shop.", "catalog.", "config."))}
    assert project == {r for names in LIVE.values() for r in names}


def test_post_save_receivers_per_sender(dump):
    post_save = dump["signals"]["django.db.models.signals.post_save"]
    for sender, expected in POST_SAVE_BY_SENDER.items():
        assert live_for(post_save, sender) == expected


def test_lazy_string_sender_on_plain_signal_never_matches(dump):
    # SIG009: connected, but with the string as sender key, so it is not a
    # live receiver for the user model Django really sends.
    user_logged_in = dump["signals"]["django.contrib.auth.signals.user_logged_in"]
    (conn,) = [
        c
        for c in user_logged_in["connections"]
        if c["receiver"] == "shop.receivers.on_user_logged_in_lazy_sender"
    ]
    assert conn["sender"] == "<not a model or app config>"
    assert "shop.receivers.on_user_logged_in_lazy_sender" not in live_for(
        user_logged_in, "auth.User"
    )


def test_falsy_dispatch_uid_is_ignored(dump):
    pre_save = dump["signals"]["django.db.models.signals.pre_save"]
    (conn,) = [
        c
        for c in pre_save["connections"]
        if c["receiver"] == "shop.receivers.normalize_tag_name_falsy_uid"
    ]
    assert conn["dispatch_uid"] is None  # "" fell back to the receiver's id


def test_unknown_lazy_sender_stays_pending(dump):
    assert dump["pending_lazy_models"] == ["shop.refund"]  # SIG106


def test_loading_the_urlconf_connects_nothing_more(dump):
    with_urls = run_dump("--urls")
    assert {"config.urls", "shop.views", "shop.tasks", "catalog.views"} <= set(
        with_urls["project_modules"]
    )
    assert {k: v["receivers"] for k, v in with_urls["signals"].items()} == {
        k: v["receivers"] for k, v in dump["signals"].items()
    }


def test_manage_py_check_reports_only_the_unknown_lazy_sender():
    proc = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "signals.E001" in output
    assert "on_refund_saved_unknown_sender" in output
    assert "shop.refund" in output
    assert "identified 1 issue" in output


def test_migrations_match_models():
    proc = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run", "--skip-checks"],
        cwd=PROJECT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_debug_on_rejects_the_receiver_without_kwargs():
    proc = run_python("import django; django.setup()", settings="config.settings_debug")
    assert proc.returncode != 0
    assert "ValueError: Signal receivers must accept keyword arguments" in proc.stderr
    assert "on_order_deleted_missing_kwargs" in proc.stderr or "shop/receivers.py" in proc.stderr


def test_legacy_signals_module_cannot_be_imported():
    proc = run_python("import django; django.setup(); import shop.legacy_signals")
    assert proc.returncode != 0
    assert "providing_args" in proc.stderr


def test_runtime_behaviour(tmp_path):
    """The clean app works end to end; shop's latent bugs fail at dispatch."""
    proc = run_python(
        """
        import asyncio, json, logging
        import django
        django.setup()
        from django.core.management import call_command
        from django.db.models.signals import post_delete, post_save
        from django.contrib.auth.signals import user_logged_out
        from django.contrib.auth.models import User

        messages = []
        class ListHandler(logging.Handler):
            def emit(self, record):
                messages.append(record.getMessage())
        for name in ("catalog.receivers", "shop.receivers"):
            logging.getLogger(name).addHandler(ListHandler())
            logging.getLogger(name).setLevel(logging.INFO)

        call_command("migrate", verbosity=0)
        from catalog.models import Category, Product
        from shop.models import Customer, Order, Tag

        out = {"default_category": Category.objects.filter(slug="uncategorized").exists()}
        product = Product.objects.create(name="Blue Mug")
        out["slug"] = product.slug
        product.categories.add(Category.objects.get(slug="uncategorized"))
        product.publish()
        if django.VERSION >= (5, 0):
            other = Product.objects.create(name="Red Mug")
            asyncio.run(other.apublish())
        out["history"] = sorted(Product.objects.values_list("history__event", flat=True))

        customer = Customer.objects.create(email="a@example.com", name="Ann")
        tag = Tag.objects.create(name="  Gift ")
        out["tag"] = tag.name
        try:
            Order.objects.create(customer=customer)
        except TypeError as exc:
            out["order_create_error"] = str(exc)
        order = Order.objects.get()
        errors = post_delete.send_robust(sender=Order, instance=order, using="default", origin=order)
        out["post_delete_errors"] = [str(e) for _, e in errors if isinstance(e, Exception)]
        errors = user_logged_out.send_robust(sender=User, request=None, user=None)
        out["logged_out_errors"] = [str(e) for _, e in errors if isinstance(e, Exception)]
        out["messages"] = messages
        print(json.dumps(out))
        """,
        EXAMPLE_PROJECT_DB=str(tmp_path / "db.sqlite3"),
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["default_category"] is True  # post_migrate receiver ran
    assert out["slug"] == "blue-mug"  # pre_save receiver ran
    published = 2 if django.VERSION >= (5, 0) else 1
    assert out["history"] == ["created"] * published  # post_save receiver ran
    assert sum("published" in m for m in out["messages"]) == published  # custom signal
    assert any("categories of" in m and "post_add" in m for m in out["messages"])
    assert out["tag"] == "gift"  # falsy dispatch_uid does not stop the receiver
    # SIG004: post_save never sends `create`
    assert "on_order_saved_wrong_arg_create" in out["order_create_error"]
    assert "'create'" in out["order_create_error"]
    # SIG001: Django sends `signal`, `using`, `origin` by keyword
    assert any("unexpected keyword argument" in e for e in out["post_delete_errors"])
    # SIG014: anonymous logout sends user=None
    assert any(
        "'NoneType' object has no attribute 'username'" in e for e in out["logged_out_errors"]
    )


MARKER = re.compile(r"#\s*expect:\s*(SIG\d{3}(?:\s*,\s*SIG\d{3})*)")
ROW = re.compile(r"^\|\s*([\w/.]+\.py):(\d+)\s*\|\s*(SIG\d{3})\s*\|")


def test_expected_md_matches_source_markers():
    markers = set()
    for path in sorted(PROJECT.rglob("*.py")):
        for lineno, line in enumerate(path.read_text().splitlines(), 1):
            match = MARKER.search(line)
            if match:
                rel = path.relative_to(PROJECT).as_posix()
                for code in re.split(r"\s*,\s*", match.group(1)):
                    markers.add((rel, lineno, code))
    rows = set()
    for line in (PROJECT / "EXPECTED.md").read_text().splitlines():
        match = ROW.match(line)
        if match:
            rows.add((match.group(1), int(match.group(2)), match.group(3)))
    assert rows == markers
    codes = {code for _, _, code in rows}
    expected_codes = {f"SIG{n:03d}" for n in range(1, 18)} | {f"SIG{n}" for n in range(101, 108)}
    assert codes == expected_codes
    assert all(path.startswith("shop/") for path, _, _ in rows)  # catalog/ is clean
