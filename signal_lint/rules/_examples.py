"""Scaffolding shared by the project rules' examples: a small ``shop`` app.

Not a rule (modules starting with ``_`` are skipped when rules are collected).
"""

from __future__ import annotations

_APPS_PY = """
    from django.apps import AppConfig

    class ShopConfig(AppConfig):
        name = "shop"
    """
_READY = """
        def ready(self):
            from . import receivers  # noqa: F401
    """


def shop_app(
    models: str = "class Order(models.Model):\n    pass\n", imports_receivers: bool = False
) -> dict[str, str]:
    """``shop/__init__.py``, ``shop/apps.py`` (its ``ready()`` importing ``shop.receivers`` if
    asked) and ``shop/models.py``."""
    body = "\n".join("    " + line if line else "" for line in models.splitlines())
    return {
        "shop/__init__.py": "",
        "shop/apps.py": _APPS_PY + (_READY if imports_receivers else ""),
        "shop/models.py": "\n    from django.db import models\n\n" + body + "\n    ",
    }
