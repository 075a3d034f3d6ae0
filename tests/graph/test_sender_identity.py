"""One sender, however it is spelled: a model class, its lazy ``"app_label.ModelName"`` (model
name case-insensitive), one of Django's own models known from the catalog, a re-export of it."""

from __future__ import annotations

from graph_helpers import graph_of

from signal_lint.graph.senders import Unresolved

SETTINGS = {
    "config/__init__.py": "",
    "config/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "shop"]\n',
    "shop/__init__.py": "",
    "shop/apps.py": (
        "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n        from shop import receivers  # noqa: F401\n"
    ),
    "shop/models.py": "from django.db import models\n\nclass Order(models.Model):\n    pass\n",
}
HEAD = "from django.db.models.signals import post_save, pre_delete\n\ndef h(sender, **kwargs):\n    pass\n\n"


def senders(receivers: str, **files: str) -> list[str | None]:
    graph = graph_of({**SETTINGS, **files, "shop/receivers.py": HEAD + receivers})
    return [edge.sender for edge in sorted(graph.connections, key=lambda e: e.line)]


def test_a_project_model_is_one_sender_as_class_or_lazy_label():
    receivers = (
        "from shop.models import Order\n\n"
        "post_save.connect(h, sender=Order)\n"
        "post_save.connect(h, sender='shop.Order')\n"
        "post_save.connect(h, sender='shop.order')\n"
    )
    assert senders(receivers) == ["shop.models.Order"] * 3


def test_djangos_own_models_are_known_without_djangos_source():
    receivers = (
        "from django.contrib.auth.models import User\n"
        "from django.contrib.auth import admin\n\n"
        "post_save.connect(h, sender=User)\n"
        "post_save.connect(h, sender='auth.User')\n"
        "post_save.connect(h, sender='auth.user')\n"
        "post_save.connect(h, sender=admin.User)\n"  # a re-export: the class where it is defined
    )
    assert senders(receivers) == ["django.contrib.auth.models.User"] * 4


def test_a_lazy_label_of_a_plain_signal_stays_an_unresolved_string():
    receivers = "from django.core.signals import request_started\n\nrequest_started.connect(h, sender='auth.User')\n"
    assert senders(receivers) == [Unresolved("'auth.User'")]  # an object no send is made with


def test_a_swappable_setting_names_the_model_its_settings_name():
    settings = SETTINGS["config/settings.py"] + 'AUTH_USER_MODEL = "shop.Order"\n'
    receivers = "from django.conf import settings\n\npost_save.connect(h, sender=settings.AUTH_USER_MODEL)\n"
    assert senders(receivers, **{"config/settings.py": settings}) == ["shop.models.Order"]
    assert senders(receivers) == ["django.contrib.auth.models.User"]  # Django's default


def test_a_projects_own_swappable_setting_names_its_model_too():
    settings = SETTINGS["config/settings.py"] + 'SHOP_ORDER_MODEL = "shop.order"\n'
    receivers = "from django.conf import settings\n\npost_save.connect(h, sender=settings.SHOP_ORDER_MODEL)\n"
    assert senders(receivers, **{"config/settings.py": settings}) == ["shop.models.Order"]


def test_without_settings_the_user_model_is_unknown():
    files = {**SETTINGS, "config/settings.py": "DEBUG = True\n"}
    receivers = "from django.conf import settings\n\npost_save.connect(h, sender=settings.AUTH_USER_MODEL)\n"
    assert senders(receivers, **files) == [Unresolved("settings.AUTH_USER_MODEL")]


def test_a_subclass_of_djangos_abstract_user_is_a_model():
    models = (
        "from django.contrib.auth.models import AbstractUser\n\n"
        "class Member(AbstractUser):\n    pass\n"
    )
    graph = graph_of({**SETTINGS, "shop/models.py": models, "shop/receivers.py": HEAD})
    assert graph.models["shop.member"] == "shop.models.Member"
    assert "django.contrib.auth.models.AbstractUser" in graph.abstract_models


def test_djangos_models_a_sender_names_are_listed_among_the_models():
    receivers = "post_save.connect(h, sender='auth.Group')\n"
    graph = graph_of({**SETTINGS, "shop/receivers.py": HEAD + receivers})
    assert graph.models["auth.group"] == "django.contrib.auth.models.Group"
    assert "auth.user" not in graph.models  # only the ones the project's senders name


def test_an_unresolved_sender_is_no_model():
    receivers = "from shop import helpers\n\npost_save.connect(h, sender=helpers.model_of('x'))\n"
    graph = graph_of({**SETTINGS, "shop/receivers.py": HEAD + receivers})
    (edge,) = graph.connections
    assert isinstance(edge.sender, Unresolved)
    assert not graph.is_model(edge.sender) and graph.model_class(edge.sender) is None


def test_calls_that_name_a_model_are_that_model():
    receivers = (
        "from django.apps import apps\n"
        "from django.contrib.auth import get_user_model\n\n"
        "User = get_user_model()\n\n"
        "post_save.connect(h, sender=get_user_model())\n"
        "post_save.connect(h, sender=User)\n"
        "post_save.connect(h, sender=apps.get_model('auth', 'User'))\n"
        "post_save.connect(h, sender=apps.get_model('auth.user'))\n"
        "post_save.connect(h, sender=apps.get_model('shop', 'Order'))\n"
    )
    assert senders(receivers) == ["django.contrib.auth.models.User"] * 4 + ["shop.models.Order"]


def test_a_model_an_appconfig_gets_in_ready_is_its_apps_model():
    apps = (
        "from django.apps import AppConfig\nfrom django.db.models.signals import post_save\n\n"
        "def h(sender, **kwargs):\n    pass\n\n"
        "class ShopConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n"
        "        order = self.get_model('Order')\n"
        "        post_save.connect(h, sender=order)\n"
        "        post_save.connect(h, sender=self.get_model('order'))\n"
    )
    graph = graph_of({**SETTINGS, "shop/apps.py": apps, "shop/receivers.py": ""})
    assert [edge.sender for edge in graph.connections] == ["shop.models.Order"] * 2


def test_a_custom_user_model_is_what_get_user_model_returns():
    settings = SETTINGS["config/settings.py"] + 'AUTH_USER_MODEL = "shop.Order"\n'
    receivers = "from django.contrib.auth import get_user_model\n\npost_save.connect(h, sender=get_user_model())\n"
    assert senders(receivers, **{"config/settings.py": settings}) == ["shop.models.Order"]


def test_model_references_and_writes_survive_the_cache():
    import json

    from module_files import facts_of

    from signal_lint.codec import decoder, encode
    from signal_lint.extract.facts import FileFacts

    (facts,) = facts_of(
        {
            "shop/services.py": "from django.contrib.auth import get_user_model\n"
            "from shop.models import Order\n\nUser = get_user_model()\n\n"
            "def make():\n    Order.objects.create()\n"
        }
    )
    assert facts.model_refs == (("User", "@AUTH_USER_MODEL"),)
    assert facts.model_writes == (("shop.models.Order", "create", 7, 4),)
    assert decoder(FileFacts)(json.loads(encode(facts))) == facts
