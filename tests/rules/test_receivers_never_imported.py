"""SIG101 receivers-never-imported (what Django loads itself: tests/graph/test_loading.py)."""

from __future__ import annotations

from conftest import project_findings, project_positions

APP = {
    "config/__init__.py": "",
    "config/settings.py": 'INSTALLED_APPS = ["shop.apps.ShopConfig"]\n',
    "shop/__init__.py": "",
    "shop/apps.py": "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
    "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    pass\n",
}

RECEIVERS = (
    "from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n"
    "@receiver(post_save)\ndef on_save(sender, **kwargs):\n    pass\n"
)


def sig101(**files: str):
    return project_positions({**APP, "shop/receivers.py": RECEIVERS, **files}, "SIG101")


def test_a_receivers_module_nothing_imports_is_flagged_at_line_one():
    assert sig101() == [("shop/receivers.py", 1, 1)]


def test_imported_from_ready_is_not_flagged():
    apps = (
        APP["shop/apps.py"]
        + "\n    def ready(self):\n        from shop import receivers  # noqa: F401\n"
    )
    assert sig101(**{"shop/apps.py": apps}) == []


def test_imported_by_a_helper_that_ready_calls_is_not_flagged():
    apps = (
        APP["shop/apps.py"]
        + "\n    def ready(self):\n        from shop.setup import load\n        load()\n"
    )
    setup = "def load():\n    import shop.receivers  # noqa: F401\n"
    assert sig101(**{"shop/apps.py": apps, "shop/setup.py": setup}) == []


def test_imported_only_by_tests_is_flagged():
    assert sig101(**{"shop/tests.py": "import shop.receivers  # noqa: F401\n"}) == [
        ("shop/receivers.py", 1, 1)
    ]


def test_a_module_that_connects_nothing_at_import_is_not_flagged():
    later = (
        "from django.db.models.signals import post_save\n\ndef on_save(sender, **kwargs):\n"
        "    pass\n\ndef connect():\n    post_save.connect(on_save)\n"
    )
    assert sig101(**{"shop/receivers.py": later}) == []


def test_test_modules_own_receivers_are_not_flagged():
    assert sig101(**{"shop/receivers.py": "", "shop/tests.py": RECEIVERS}) == []


def test_message_names_the_module_and_its_receivers():
    (finding,) = project_findings({**APP, "shop/receivers.py": RECEIVERS}, "SIG101")
    assert (
        "`shop.receivers`" in finding.message
        and "`on_save`" in finding.message
        and "`AppConfig.ready()`" in finding.message
    )


TWO_CONFIGS = (
    "from django.apps import AppConfig\nfrom django.db.models.signals import post_save\n\n"
    "def on_save(sender, **kwargs):\n    pass\n\n"
    "class ShopConfig(AppConfig):\n    name = 'shop'\n{default}\n"
    "    def ready(self):\n        post_save.connect(on_save)\n        import shop.receivers  # noqa: F401\n\n"
    "class ShopAdminConfig(ShopConfig):\n    label = 'shop_admin'\n{admin_default}"
)


def test_a_ready_django_never_runs_is_flagged_on_its_module_and_what_it_imports():
    files = {
        "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "shop/apps.py": TWO_CONFIGS.format(default="", admin_default=""),
    }
    findings = {
        f.path: f.message
        for f in project_findings({**APP, **files, "shop/receivers.py": RECEIVERS}, "SIG101")
    }
    assert set(findings) == {"shop/apps.py", "shop/receivers.py"}
    assert findings["shop/apps.py"].startswith(
        "`shop.apps.ShopConfig` connects receiver `on_save`, but Django never uses it"
    )
    assert "none sets `default = True`" in findings["shop/apps.py"]


def test_the_default_config_runs_its_ready():
    """A subclass inherits ``default = True``: it must opt out, or Django sees two defaults."""
    files = {
        "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
        "shop/apps.py": TWO_CONFIGS.format(
            default="    default = True\n", admin_default="    default = False\n"
        ),
    }
    assert sig101(**files) == []
    files["shop/apps.py"] = TWO_CONFIGS.format(default="    default = True\n", admin_default="")
    (finding, _) = project_findings({**APP, **files, "shop/receivers.py": RECEIVERS}, "SIG101")
    assert "more than one default AppConfig (`ShopAdminConfig`, `ShopConfig`)" in finding.message
