"""SIG106 unknown-lazy-sender."""

from __future__ import annotations

from conftest import project_findings, project_positions

SETTINGS = 'INSTALLED_APPS = ["django.contrib.auth", "shop", "catalog.apps.CatalogConfig"]\n'
ONLY_OURS = 'INSTALLED_APPS = ["shop", "catalog.apps.CatalogConfig"]\n'

APPS = {
    "config/__init__.py": "",
    "shop/__init__.py": "",
    "shop/apps.py": "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
    "shop/models.py": (
        "from django.db import models\n\nclass Order(models.Model):\n    pass\n\n"
        "class Base(models.Model):\n    class Meta:\n        abstract = True\n"
    ),
    "catalog/__init__.py": "",
    "catalog/apps.py": (
        "from django.apps import AppConfig\n\nclass CatalogConfig(AppConfig):\n"
        "    name = 'catalog'\n    label = 'products'\n"
    ),
    "catalog/models.py": (
        "from django.db import models\n\nimport shop.receivers  # noqa: F401\n\n"
        "class Product(models.Model):\n    pass\n"
    ),
}


def receivers_with(sender: str, signal: str = "post_save") -> str:
    return (
        "from django.db.models.signals import m2m_changed, post_save\n"
        "from django.contrib.auth.signals import user_logged_in\n"
        "from django.dispatch import receiver\n\n"
        f"@receiver({signal}, sender={sender!r})\n"
        "def on_it(sender, **kwargs):\n    pass\n"
    )


def sig106(sender: str, settings: str = SETTINGS, signal: str = "post_save"):
    files = {
        **APPS,
        "config/settings.py": settings,
        "shop/receivers.py": receivers_with(sender, signal),
    }
    return project_positions(files, "SIG106")


def test_a_model_the_app_does_not_define_is_flagged_at_the_string():
    assert sig106("shop.Refund") == [("shop/receivers.py", 5, 29)]


def test_existing_models_in_any_case_are_not_flagged():
    assert sig106("shop.Order") == []
    assert sig106("shop.order") == []
    assert sig106("products.Product") == []


def test_an_abstract_model_is_never_registered():
    assert sig106("shop.Base") == [("shop/receivers.py", 5, 29)]


def test_app_labels_compare_exactly():
    assert sig106("Shop.Order") == [("shop/receivers.py", 5, 29)]


def test_the_package_name_of_an_app_with_a_custom_label_is_flagged():
    findings = project_findings(
        {
            **APPS,
            "config/settings.py": SETTINGS,
            "shop/receivers.py": receivers_with("catalog.Product"),
        },
        "SIG106",
    )
    assert [(f.line, f.column + 1) for f in findings] == [(5, 29)]
    assert "`products`" in findings[0].message


def test_a_third_party_apps_label_is_trusted():
    assert sig106("auth.User") == []
    assert sig106("invoicing.Invoice") == []  # some installed app we do not analyse may have it


def test_an_unknown_label_is_flagged_when_every_installed_app_is_analysed():
    assert sig106("invoicing.Invoice", settings=ONLY_OURS) == [("shop/receivers.py", 5, 29)]


def test_a_malformed_reference_is_sig009_only():
    files = {
        **APPS,
        "config/settings.py": SETTINGS,
        "shop/receivers.py": receivers_with("shop.models.Order"),
    }
    assert [f.code for f in project_findings(files)] == ["SIG009"]


def test_a_string_sender_of_a_plain_signal_is_sig009_only():
    files = {
        **APPS,
        "config/settings.py": SETTINGS,
        "shop/receivers.py": receivers_with("shop.Refund", signal="user_logged_in"),
    }
    assert [f.code for f in project_findings(files)] == ["SIG009"]


def test_every_model_signal_and_a_project_model_signal_resolve_lazily():
    assert sig106("shop.Refund", signal="m2m_changed") == [("shop/receivers.py", 5, 31)]
    files = {
        **APPS,
        "config/settings.py": SETTINGS,
        "shop/signals.py": (
            "from django.db.models.signals import ModelSignal\n\n"
            "refunded = ModelSignal(use_caching=True)\n"
        ),
        "shop/receivers.py": (
            "from shop.signals import refunded\n\ndef on_it(sender, **kwargs):\n    pass\n\n"
            "refunded.connect(on_it, sender='shop.Refund')\n"
        ),
    }
    assert project_positions(files, "SIG106") == [("shop/receivers.py", 6, 32)]


def test_message_names_the_reference_the_receiver_and_the_system_check():
    (finding,) = project_findings(
        {
            **APPS,
            "config/settings.py": SETTINGS,
            "shop/receivers.py": receivers_with("shop.Refund"),
        },
        "SIG106",
    )
    assert (
        "'shop.Refund'" in finding.message
        and "`on_it`" in finding.message
        and "signals.E001" in finding.message
    )


def test_the_graph_marks_the_connection_pending_and_a_third_party_one_live():
    from signal_lint.catalog import load_catalog
    from signal_lint.extract import extract_source
    from signal_lint.graph import build_graph

    files = {**APPS, "config/settings.py": SETTINGS}
    files["shop/receivers.py"] = (
        receivers_with("shop.Refund")
        + "\n@receiver(post_save, sender='auth.User')\ndef on_user(sender, **kwargs):\n    pass\n"
    )
    facts = [
        extract_source(
            code.encode(),
            path,
            path[:-3].replace("/", ".").replace(".__init__", ""),
            path.endswith("__init__.py"),
        )
        for path, code in files.items()
    ]
    statuses = {
        edge.receiver: edge.status for edge in build_graph(facts, load_catalog()).connections
    }
    assert statuses == {"shop.receivers.on_it": "pending", "shop.receivers.on_user": "live"}
