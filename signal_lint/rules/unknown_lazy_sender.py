"""SIG106: a lazy ``sender="app_label.ModelName"`` naming a model the project does not define.

https://docs.djangoproject.com/en/stable/ref/checks/#signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.findings import ERROR, Finding
from signal_lint.graph import Graph
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

SHOP = {
    "config/__init__.py": "",
    "config/settings.py": """
        INSTALLED_APPS = [
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "shop",
        ]
        """,
    **shop_app(imports_receivers=True),
}


class UnknownLazySender(Rule):
    """
    ## What it does
    Flags a lazy `sender="app_label.ModelName"` of a model signal (`pre_save`,
    `post_save`, `m2m_changed`, a project `ModelSignal`, ...) whose model the
    project does not define: the app label is one of the project's apps and
    it has no model of that name (model names compare case-insensitively,
    app labels exactly), or — when every installed app is part of the
    analysed code — no installed app has that label. A model defined in a
    sub-package of an app (`shop/preferences/models.py`, no AppConfig of its
    own) has that app's label, as Django gives it. Labels of third-party
    apps (`"auth.User"` with `django.contrib.auth` installed) are trusted.
    A malformed reference (no dot, or more than one) is SIG009's.

    ## Why is this bad?
    Django resolves a lazy sender once the model is registered. If it never
    is, the receiver stays in the app registry's pending operations forever:
    it is never connected, and only `manage.py check` says so
    (`signals.E001`) — if anyone runs it.

    ## Example
    ```python
    @receiver(post_save, sender="shop.Refund")  # there is no shop.Refund
    def on_refund_saved(sender, instance, **kwargs):
        ...
    ```

    Use instead:
    ```python
    @receiver(post_save, sender="shop.OrderRefund")
    def on_refund_saved(sender, instance, **kwargs):
        ...
    ```

    ## Fix safety
    There is no automatic fix: the model meant cannot be told from a name
    the project does not define.

    ## References
    - [Django: System check framework, signals](https://docs.djangoproject.com/en/stable/ref/checks/#signals)
    """

    code = "SIG106"
    name = "unknown-lazy-sender"
    severity = ERROR
    project = True
    example_path = "shop/receivers.py"
    MESSAGE = (
        "lazy sender `{reference!r}` of receiver `{receiver}` {problem}, so Django never "
        "connects it (`signals.E001`): name an existing model as `app_label.ModelName`"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save, pre_delete
            from django.dispatch import receiver

            @receiver(post_save, sender="shop.order")  # model names are case-insensitive
            def on_order_saved(sender, instance, **kwargs):
                pass

            @receiver(pre_delete, sender="auth.User")  # a third-party app's model
            def on_user_deleted(sender, instance, **kwargs):
                pass
            """,
            files=SHOP,
        ),
        Valid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save, sender="shop.shop_settings")  # defined in shop/preferences/
            def on_settings_saved(sender, instance, **kwargs):
                pass
            """,
            files={
                **SHOP,
                "shop/models.py": """
                    from django.db import models

                    from shop.preferences.models import Shop_Settings  # noqa: F401

                    class Order(models.Model):
                        pass
                    """,
                "shop/preferences/__init__.py": "",
                "shop/preferences/models.py": """
                    from django.db import models

                    class Shop_Settings(models.Model):  # Django labels it `shop`: no app of its own
                        pass
                    """,
            },
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            @receiver(post_save, sender="shop.Refund")
            def on_refund_saved(sender, instance, **kwargs):
                pass

            def on_invoice_saved(sender, instance, **kwargs):
                pass

            post_save.connect(on_invoice_saved, sender="Shop.Order")
            """,
            [(4, 29), (11, 44)],
            files=SHOP,
        ),
    )

    def check_project(self, graph: Graph, ctx: RuleContext) -> Iterator[Finding]:
        project = graph.project
        assert project is not None
        installed_known = graph.loading.from_settings and all(
            any(app.package == entry or (app.config or "") == entry for app in graph.loading.apps)
            for entry in graph.loading.installed
        )
        for _module, facts in sorted(project.modules.items()):
            for connection in facts.connections:
                sender = connection.sender
                if connection.kind == "disconnect" or sender.kind != "string" or not sender.value:
                    continue
                if not any(self._model_signal(graph, ctx, signal) for signal in connection.signals):
                    continue  # a string sender of a plain signal is SIG009's
                problem = self._problem(graph, sender.value, installed_known)
                if problem is not None:
                    yield self.finding(
                        facts,
                        sender.line,
                        sender.column,
                        reference=sender.value,
                        receiver=connection.receiver.text,
                        problem=problem,
                    )

    @staticmethod
    def _model_signal(graph: Graph, ctx: RuleContext, signal: str | None) -> bool:
        if ctx.is_model_signal(signal):
            return True
        node = graph.signals.get(graph.project.resolve(signal) or "") if graph.project else None
        return node is not None and node.model_signal

    @staticmethod
    def _problem(graph: Graph, reference: str, installed_known: bool) -> str | None:
        label, dot, name = reference.partition(".")
        if not dot or not label or not name or "." in name:
            return None  # malformed: SIG009
        if graph.model_for(reference) is not None:
            return None
        if label in graph.known_labels:
            return f"names no model of app `{label}`"
        near = [known for known in sorted(graph.known_labels) if known.lower() == label.lower()]
        if near:
            return f"names app label `{label}`, but Django compares labels exactly and the app's is `{near[0]}`"
        for app in graph.loading.apps:
            if app.package.rsplit(".", 1)[-1] == label:
                return f"names app label `{label}`, but app `{app.package}` has the label `{app.label}`"
        if installed_known:
            return f"names app label `{label}`, which no installed app has"
        return None  # a third-party app's label: trusted
