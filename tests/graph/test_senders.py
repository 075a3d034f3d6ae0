"""Sender names in the graph: the class where it is defined, any sender, or unresolved source text.

PRODUCT.md: each connection's ``sender`` is the dotted name of the class where it is *defined*,
``null`` for any sender, or ``{"unresolved": "<source text>"}`` when the expression cannot be
resolved statically; never an expression dressed up as a qualified class name.
"""

from __future__ import annotations

from graph_helpers import graph_of

from signal_lint.graph.query import sender_text
from signal_lint.graph.senders import Unresolved, sender_json
from signal_lint.report.graph import as_text, graph_data

SHOP = {
    "shop/__init__.py": "",
    "shop/apps.py": """
        from django.apps import AppConfig
        from django.db.models.signals import post_migrate

        def seed(sender, **kwargs):
            pass

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                import shop.receivers  # noqa: F401

                post_migrate.connect(seed, sender=self)
        """,
    "shop/models.py": """
        from django.db import models

        class Tag(models.Model):
            pass

        class Order(models.Model):
            tags = models.ManyToManyField(Tag)
        """,
    "shop/users.py": """
        from django.contrib.auth import get_user_model

        User = get_user_model()
        """,
}


def senders(files: dict[str, str]) -> dict[str, object]:
    """receiver short name -> its connection's sender as the JSON gives it."""
    data = graph_data(graph_of({**SHOP, **files}))
    return {c["receiver"].rsplit(".", 1)[-1]: c["sender"] for c in data["connections"]}


def test_a_class_is_named_where_it_is_defined():
    found = senders(
        {
            "shop/receivers.py": """
                from django.db.models.signals import post_save
                from django.dispatch import receiver

                from shop import models
                from shop.models import Order

                @receiver(post_save, sender=Order)
                def direct(sender, **kwargs):
                    pass

                @receiver(post_save, sender=models.Order)
                def through_module(sender, **kwargs):
                    pass

                @receiver(post_save, sender="shop.order")
                def lazy(sender, **kwargs):
                    pass

                @receiver(post_save)
                def any_sender(sender, **kwargs):
                    pass
                """
        }
    )
    assert found["direct"] == found["through_module"] == found["lazy"] == "shop.models.Order"
    assert found["any_sender"] is None
    assert found["seed"] == "shop.apps.ShopConfig"  # ``sender=self`` in the AppConfig


def test_what_cannot_be_named_is_unresolved_with_its_source_text():
    found = senders(
        {
            "shop/receivers.py": """
                from django.apps import apps
                from django.db.models.signals import m2m_changed, post_save
                from django.dispatch import receiver

                from shop.models import Order
                from shop.users import User

                @receiver(post_save, sender=User)
                def user_variable(sender, **kwargs):
                    pass

                @receiver(m2m_changed, sender=Order.tags.through)
                def through_model(sender, **kwargs):
                    pass

                @receiver(post_save, sender="shop.Refund")
                def unknown_lazy(sender, **kwargs):
                    pass

                @receiver(post_save, sender=apps.get_model("shop", "Order"))
                def looked_up(sender, **kwargs):
                    pass

                @receiver(post_save, sender=apps.get_model("shop", order_model_name()))
                def computed_lookup(sender, **kwargs):
                    pass

                def connect_all(models):
                    def local_model(sender, **kwargs):
                        pass

                    for model in models:
                        post_save.connect(local_model, sender=model, weak=False)
                """
        }
    )
    assert found["user_variable"] == {"unresolved": "User"}
    assert found["through_model"] == "shop.models.Order.tags.through"  # the field's through model
    assert found["unknown_lazy"] == {"unresolved": "'shop.Refund'"}
    assert found["local_model"] == {"unresolved": "model"}
    # apps.get_model() with literal arguments returns that model's class
    assert found["looked_up"] == "shop.models.Order"
    assert found["computed_lookup"] == {"unresolved": "apps.get_model('shop', order_model_name())"}


def test_sends_name_their_sender_the_same_way():
    graph = graph_of(
        {
            **SHOP,
            "shop/tasks.py": """
                from django.db.models.signals import post_save

                from shop.models import Order

                def resave(order):
                    post_save.send(Order, instance=order, created=False)
                    post_save.send(type(order), instance=order, created=False)
                """,
        }
    )
    data = graph_data(graph)
    assert [s["sender"] for s in data["sends"]] == [
        "shop.models.Order",
        {"unresolved": "type(order)"},
    ]


def test_renderers_show_unresolved_senders_as_their_text():
    assert sender_json(Unresolved("apps.get_model()")) == {"unresolved": "apps.get_model()"}
    assert sender_json("shop.models.Order") == "shop.models.Order"
    assert sender_json(None) is None
    assert sender_text({"unresolved": "model"}) == "(unresolved: model)"
    assert sender_text("shop.models.Order") == "shop.models.Order"
    text = as_text(
        graph_data(
            graph_of(
                {
                    **SHOP,
                    "shop/receivers.py": """
                    from django.db.models.signals import post_save

                    from shop.users import User

                    def on_user(sender, **kwargs):
                        pass

                    post_save.connect(on_user, sender=User)
                    """,
                }
            )
        )
    )
    assert "  (unresolved: User) -> shop.receivers.on_user" in text


def test_a_through_model_is_named_by_the_class_that_defines_its_field():
    found = senders(
        {
            "shop/api.py": "from shop.models import Order  # noqa: F401\n",
            "shop/receivers.py": """
                from django.db.models.signals import m2m_changed
                from django.dispatch import receiver

                from shop.api import Order

                @receiver(m2m_changed, sender=Order.tags.through)
                def tags_changed(sender, **kwargs):
                    pass
                """,
        }
    )
    assert found["tags_changed"] == "shop.models.Order.tags.through"
