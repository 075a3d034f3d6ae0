"""Small virtual environments written by the tests: a venv layout and a made-up package.

``shopkit`` is a reusable Django app installed as a wheel would install it
(``shopkit-1.2.dist-info`` with a RECORD): it defines ``order_paid`` and
sends it with an expanded dict, and its ``AppConfig.ready()`` connects its
own receiver to the project's ``AUTH_USER_MODEL`` and to ``order_paid``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

SHOPKIT = {
    "shopkit/__init__.py": "",
    "shopkit/signals.py": """
        from django.dispatch import Signal

        order_paid = Signal()
        refund_requested = Signal()
        """,
    "shopkit/apps.py": """
        from django.apps import AppConfig


        class ShopkitConfig(AppConfig):
            name = "shopkit"

            def ready(self):
                from shopkit import receivers  # noqa: F401
        """,
    "shopkit/receivers.py": """
        from django.dispatch import receiver

        from shopkit.signals import order_paid


        @receiver(order_paid, dispatch_uid="shopkit-audit")
        def audit_payment(sender, order, **kwargs):
            pass
        """,
    "shopkit/payments.py": """
        from shopkit.signals import order_paid, refund_requested


        def pay(request, order, extra=None):
            extra = extra or {}
            extra["amount"] = order.total
            order_paid.send(sender=order.__class__, order=order, request=request, **extra)


        def pay_by_card(request, order):
            return pay(request, order, extra={"card": order.card})


        def pay_cash(request, order):
            return pay(request, order)


        def refund(order, **options):
            refund_requested.send(sender=None, order=order, **options)
        """,
    "shopkit/tests/test_payments.py": """
        from shopkit.signals import order_paid

        order_paid.send(sender=None, bogus=1)
        """,
    "shopkit/migrations/0001_initial.py": "",
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, source in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"))


def make_environment(prefix: Path, packages: dict[str, str] | None = None) -> Path:
    """A venv at ``prefix`` (no interpreter that runs) with ``packages`` installed; its site-packages."""
    site = prefix / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    (prefix / "pyvenv.cfg").write_text("home = /nowhere/bin\nversion = 3.11.7\n")
    (prefix / "bin").mkdir()
    (prefix / "bin" / "python").symlink_to("/nowhere/python3")
    files = SHOPKIT if packages is None else packages
    write_tree(site, files)
    info = site / "shopkit-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: shopkit\nVersion: 1.2\n")
    record = [f"{path},sha256=x,1" for path in sorted(files)] + ["shopkit-1.2.dist-info/RECORD,,"]
    (info / "RECORD").write_text("\n".join(record) + "\n")
    return site


PROJECT = {
    "pyproject.toml": "[tool.signal-lint]\n",
    "config/__init__.py": "",
    "config/settings.py": """
        INSTALLED_APPS = ["django.contrib.auth", "shopkit", "shop"]
        AUTH_USER_MODEL = "shop.Customer"
        """,
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


        class Customer(models.Model):
            pass
        """,
    "shop/receivers.py": """
        from django.dispatch import receiver

        from shopkit.signals import order_paid


        @receiver(order_paid)
        def thank(sender, order, request, amount, **kwargs):
            pass


        @receiver(order_paid)
        def bill(sender, ordr, **kwargs):
            pass


        @receiver(order_paid)
        def stamp(sender, order, card, **kwargs):
            pass
        """,
}


def make_project(root: Path, files: dict[str, str] | None = None) -> Path:
    write_tree(root, PROJECT if files is None else files)
    return root


@pytest.fixture
def project(tmp_path, monkeypatch):
    """``PROJECT`` written out, the current directory, with no environment but what the test
    writes (``.venv``) and its own cache.  (Import it into a test module to use it.)"""
    root = make_project(tmp_path / "project")
    monkeypatch.chdir(root)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.setenv("SIGNAL_LINT_CACHE_DIR", str(tmp_path / "cache"))
    return root
