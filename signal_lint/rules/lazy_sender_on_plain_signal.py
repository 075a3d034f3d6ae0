"""SIG009: a string sender where Django compares senders by identity.

https://docs.djangoproject.com/en/stable/topics/signals/#connecting-to-signals-sent-by-specific-senders
"""

from __future__ import annotations

from collections.abc import Iterator

from signal_lint.extract.facts import MODULE, Connection, FileFacts
from signal_lint.findings import ERROR, UNSAFE, Finding, Fix
from signal_lint.rules._examples import shop_app
from signal_lint.rules.base import Invalid, Rule, Valid
from signal_lint.rules.context import RuleContext

# Settings that hold an "app_label.ModelName" string: a lazy sender as much as the literal.
LAZY_SETTINGS = {"django.conf.settings.AUTH_USER_MODEL": "settings.AUTH_USER_MODEL"}
APP_CONFIGS = frozenset({"django.apps.AppConfig", "django.apps.config.AppConfig"})


class LazySenderOnPlainSignal(Rule):
    """
    ## What it does
    Flags `sender="app_label.ModelName"` (a string, or
    `settings.AUTH_USER_MODEL`, which holds one) given to a signal that is not
    a model signal, and a malformed lazy reference on a model signal (no dot,
    or more than one: `"shop.models.Order"`). Every signal of a
    `@receiver([...])` list is checked.

    ## Why is this bad?
    Only model signals (`pre_init`, `post_init`, `pre_save`, `post_save`,
    `pre_delete`, `post_delete`, `m2m_changed` and custom `ModelSignal`s)
    resolve a lazy `"app_label.ModelName"` string to the model class. A plain
    signal compares senders by identity (`id()`), so a string literal never
    matches and the receiver never runs — not even for `user_login_failed`,
    which Django sends with `sender=__name__` of `django.contrib.auth`: the
    user's `"django.contrib.auth"` literal is a different object. A model
    signal given `"shop.models.Order"` raises `ValueError` at connect time.

    ## Example
    ```python
    user_logged_in.connect(on_login, sender="auth.User")
    post_save.connect(on_save, sender="shop.models.Order")
    ```

    Use instead:
    ```python
    user_logged_in.connect(on_login, sender=get_user_model())
    post_save.connect(on_save, sender="shop.Order")
    ```

    ## Fix safety
    Unsafe. The fix passes the model class the string names, which only the
    project graph knows (so `signal-lint check` fixes it, flake8 does not),
    and imports it where the connection is made: at the top of the function
    that connects, else after the module's imports. A new import may create
    an import cycle. No fix for a model the project does not define
    (Django's `auth.User`, a third-party app's), when the name is taken in
    the module, for a connection that runs before its own module defines the
    class, at module level of an apps module (models must not be imported
    there), or for a malformed reference.

    ## References
    - [Django: Connecting to signals sent by specific senders](https://docs.djangoproject.com/en/stable/topics/signals/#connecting-to-signals-sent-by-specific-senders)
    """

    code = "SIG009"
    name = "lazy-sender-on-plain-signal"
    severity = ERROR
    reads = frozenset({"connections"})
    summary = 'A lazy `"app.Model"` sender where Django does not resolve it: it never matches'
    MESSAGE = "{problem}"
    needs_models = True  # the fix names the model class, which only the project graph knows
    fix_title = "pass the model class instead of the string"

    VALID = (
        Valid(
            """
            from django.contrib.auth import get_user_model
            from django.contrib.auth.signals import user_logged_in
            from django.db.models.signals import ModelSignal, post_save

            audit = ModelSignal(use_caching=True)

            def on_save(sender, **kwargs):
                pass

            post_save.connect(on_save, sender="shop.Order")
            audit.connect(on_save, sender="shop.Order")
            user_logged_in.connect(on_save, sender=get_user_model())
            """
        ),
    )
    INVALID = (
        Invalid(
            """
            from django.contrib.auth.signals import user_logged_in, user_login_failed
            from django.db.models.signals import post_save
            from django.dispatch import receiver

            def on_event(sender, **kwargs):
                pass

            user_logged_in.connect(on_event, sender="auth.User")
            post_save.connect(on_event, sender="shop.models.Order")

            @receiver(user_login_failed, sender="django.contrib.auth")
            def on_failure(sender, **kwargs):
                pass
            """,
            [(8, 41), (9, 36), (11, 37)],
        ),
        Invalid(
            """
            from django.dispatch import Signal

            order_paid = Signal()

            def on_paid(sender, **kwargs):
                pass

            order_paid.connect(on_paid, sender="shop.Order")
            """,
            [(8, 36)],
            fixed="""
            from django.dispatch import Signal
            from shop.models import Order

            order_paid = Signal()

            def on_paid(sender, **kwargs):
                pass

            order_paid.connect(on_paid, sender=Order)
            """,
            files=shop_app(),
        ),
        Invalid(
            """
            from django.contrib.auth.signals import user_logged_in

            def on_login(sender, **kwargs):
                pass

            def connect_receivers():
                # called from ShopConfig.ready()
                user_logged_in.connect(on_login, sender="shop.Customer")
            """,
            [(8, 45)],
            fixed="""
            from django.contrib.auth.signals import user_logged_in

            def on_login(sender, **kwargs):
                pass

            def connect_receivers():
                from shop.models import Customer
                # called from ShopConfig.ready()
                user_logged_in.connect(on_login, sender=Customer)
            """,
            files=shop_app("class Customer(models.Model):\n    pass\n"),
        ),
    )

    def check(self, facts: FileFacts, ctx: RuleContext) -> Iterator[Finding]:
        for connection in facts.connections:
            sender = connection.sender
            if connection.kind == "disconnect":
                continue
            if sender.kind == "string":
                spelling, well_formed = repr(sender.value), (sender.value or "").count(".") == 1
            elif sender.kind == "name" and sender.value in LAZY_SETTINGS:
                spelling, well_formed = (
                    LAZY_SETTINGS[sender.value],
                    True,
                )  # Django validates the setting
            else:
                continue
            model, plain = [], []
            for signal, text in zip(connection.signals, connection.signal_text, strict=False):
                if ctx.is_model_signal(signal):
                    model.append(text)
                elif ctx.builtin(signal) is not None or ctx.project_signal(signal) is not None:
                    plain.append(text)
            if model and not well_formed:
                problem = (
                    f'`{spelling}` is not an `"app_label.ModelName"` reference: `{model[0]}'
                    '.connect()` raises `ValueError`; use `"app_label.ModelName"`'
                )
                yield self.finding(
                    facts,
                    sender.line,
                    sender.column,
                    fix=_model_class(facts, connection, ctx),
                    problem=problem,
                )
            if plain:
                names = ", ".join(f"`{text}`" for text in plain)
                verb = "is not a model signal" if len(plain) == 1 else "are not model signals"
                problem = (
                    f"{names} {verb}, so the string sender `{spelling}` is compared by identity "
                    f"and never matches: receiver `{connection.receiver.text}` never runs"
                    f"{' for ' + names if model else ''}; pass the sender object itself"
                )
                yield self.finding(
                    facts,
                    sender.line,
                    sender.column,
                    fix=_model_class(facts, connection, ctx),
                    problem=problem,
                )


def _model_class(facts: FileFacts, connection: Connection, ctx: RuleContext) -> Fix | None:
    """The project's model the string names, passed as the class (imported where needed).

    Not at module level of an apps module: importing models there breaks Django's start-up.
    """
    sender = connection.sender
    model = ctx.models.get(_model_key(sender.value or "")) if sender.kind == "string" else None
    if model is None:
        return None
    if connection.context == MODULE and (
        facts.module.rsplit(".", 1)[-1] == "apps"
        or any(base in APP_CONFIGS for cls in facts.classes for base in cls.bases)
    ):
        return None
    module, _, name = model.rpartition(".")
    value = name if module == facts.module else _imported_as(facts, ctx, name, model)
    return Fix("model-sender", sender.line, sender.column, UNSAFE, value)


def _imported_as(facts: FileFacts, ctx: RuleContext, name: str, model: str) -> str:
    """The model's name as this module already imports it, through a re-export
    (``from shop.models import Order`` of ``shop.models.orders.Order``), else its own name:
    the fix then uses the import that is there instead of finding the name taken."""
    imported = dict(facts.aliases).get(name)
    if imported is not None and ctx.canonical(imported) == model:
        return imported
    return model


def _model_key(reference: str) -> str:
    """Django's registry key of ``"app_label.ModelName"``: the model name lower-cased."""
    label, _, name = reference.partition(".")
    return f"{label}.{name.lower()}"
