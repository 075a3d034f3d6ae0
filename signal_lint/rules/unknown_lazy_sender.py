"""SIG106: a lazy ``sender="app_label.ModelName"`` naming a model the project does not define.

https://docs.djangoproject.com/en/stable/ref/checks/#signals
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import Connection, FileFacts
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
    own) has that app's label, as Django gives it. Django's own apps are
    known exactly (`"auth.User"` exists, `"auth.Usr"` does not); labels of
    other third-party apps are trusted. A malformed reference (no dot, or
    more than one) is SIG009's.

    Also flags an abstract model as the sender of a model signal, as a lazy
    reference (Django never registers abstract models: `signals.E001`) or as
    the class itself (`sender=AbstractUser`): Django sends model signals with
    the concrete class of the instance, so such a receiver never runs.

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
    summary = 'A lazy `"app.Model"` sender naming a model the project does not define'
    project = True
    example_path = "shop/receivers.py"
    MESSAGE = (
        "lazy sender `{reference!r}` of receiver `{receiver}` {problem}, so Django never "
        "connects it (`signals.E001`): name an existing model as `app_label.ModelName`"
    )
    # a class sender that is an abstract model: connected, but never sent for
    ABSTRACT = (
        "sender `{sender}` of receiver `{receiver}` is an abstract model: Django sends `{signal}` "
        "with the concrete class of the instance, never `{sender}`, so the receiver never runs: "
        "connect it for each concrete model, or with no sender and check "
        "`issubclass(sender, {sender})`"
    )

    VALID = (
        Valid(
            """
            from django.db.models.signals import post_save, pre_delete
            from django.dispatch import receiver

            @receiver(post_save, sender="shop.order")  # model names are case-insensitive
            def on_order_saved(sender, instance, **kwargs):
                pass

            @receiver(pre_delete, sender="auth.User")  # one of Django's own models
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
        Valid(
            """
            from django.contrib.auth.models import AbstractUser
            from django.db import models
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            class Member(AbstractUser):  # concrete: a sender Django sends with
                pass

            @receiver(post_save, sender=Member)
            def on_member_saved(sender, instance, **kwargs):
                pass
            """,
            files=SHOP,
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
        Invalid(
            """
            from django.contrib.auth.models import AbstractUser
            from django.db.models.signals import post_save, pre_delete
            from django.dispatch import receiver

            from shop.models import Stamped

            @receiver(post_save, sender=AbstractUser)
            def on_user_saved(sender, instance, **kwargs):
                pass

            @receiver(post_save, sender="shop.Stamped")
            def on_stamped_saved(sender, instance, **kwargs):
                pass

            @receiver(pre_delete, sender="auth.Usr")
            def on_user_deleted(sender, instance, **kwargs):
                pass
            """,
            [(7, 29), (11, 29), (15, 30)],
            files={
                **SHOP,
                "shop/models.py": """
                    from django.db import models

                    class Stamped(models.Model):
                        class Meta:
                            abstract = True

                    class Order(Stamped):
                        pass
                    """,
            },
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
                if connection.kind == "disconnect" or sender.kind not in ("string", "name"):
                    continue
                if not sender.value:
                    continue
                if not any(self._model_signal(graph, ctx, signal) for signal in connection.signals):
                    continue  # a string sender of a plain signal is SIG009's
                if sender.kind == "name":
                    yield from self._abstract(graph, facts, connection)
                    continue
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

    def _abstract(
        self, graph: Graph, facts: FileFacts, connection: Connection
    ) -> Iterator[Finding]:
        """``sender=AbstractModel`` (a class): Django never sends model signals for it."""
        assert graph.project is not None
        model = graph.project.resolve(connection.sender.value)
        if model in graph.abstract_models:
            short = (connection.sender.value or "").rsplit(".", 1)[-1]
            message = self.ABSTRACT.format(
                sender=short,
                receiver=connection.receiver.text,
                signal=connection.signal_text[0] if connection.signal_text else "the signal",
            )
            line, column = connection.sender.line, connection.sender.column
            yield Finding(self.code, self.name, self.severity, facts.path, line, column, message)

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
        abstract = graph.abstract_labels.get(f"{label}.{name.lower()}")
        if abstract is not None:
            return f"names the abstract model `{abstract}`, which Django never registers"
        if label in graph.known_labels:
            return f"names no model of app `{label}`"
        if graph.catalog is not None and label in graph.catalog.app_labels:
            return f"names no model of Django's app `{label}`"
        near = [known for known in sorted(graph.known_labels) if known.lower() == label.lower()]
        if near:
            return f"names app label `{label}`, but Django compares labels exactly and the app's is `{near[0]}`"
        for app in graph.loading.apps:
            if app.package.rsplit(".", 1)[-1] == label:
                return f"names app label `{label}`, but app `{app.package}` has the label `{app.label}`"
        if installed_known:
            return f"names app label `{label}`, which no installed app has"
        return None  # a third-party app's label: trusted
