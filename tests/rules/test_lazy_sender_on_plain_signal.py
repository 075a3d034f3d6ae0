"""SIG009 lazy-sender-on-plain-signal."""

from __future__ import annotations

import textwrap

from conftest import findings_for, positions, project_findings

from signal_lint.findings import Finding
from signal_lint.fix import fix_source
from signal_lint.rules._examples import shop_app


def connect(signal: str, sender: str, module: str = "django.db.models.signals") -> str:
    return f"""
    from django.conf import settings
    from {module} import {signal}

    def handler(sender, **kwargs):
        pass

    {signal}.connect(handler, sender={sender})
    """


def sig009(source: str):
    return positions(source, "SIG009")


def messages(source: str):
    return [f.message for f in findings_for(source, code="SIG009")]


def test_lazy_string_on_a_model_signal_is_fine():
    assert sig009(connect("post_save", '"shop.Order"')) == []


def test_lazy_string_on_a_plain_signal_is_flagged_at_the_string():
    assert sig009(connect("user_logged_in", '"auth.User"', "django.contrib.auth.signals")) == [
        (7, 40)
    ]


def test_message_says_identity_comparison_and_what_to_pass():
    assert messages(connect("user_logged_in", '"auth.User"', "django.contrib.auth.signals")) == [
        "`user_logged_in` is not a model signal, so the string sender `'auth.User'` is compared by identity "
        "and never matches: receiver `handler` never runs; pass the sender object itself"
    ]


def test_module_name_string_for_user_login_failed_never_matches():
    assert sig009(
        connect("user_login_failed", '"django.contrib.auth"', "django.contrib.auth.signals")
    ) == [(7, 43)]


def test_auth_user_model_setting_is_a_lazy_string():
    assert sig009(
        connect("user_logged_in", "settings.AUTH_USER_MODEL", "django.contrib.auth.signals")
    ) == [(7, 40)]
    assert sig009(connect("post_save", "settings.AUTH_USER_MODEL")) == []


def test_other_settings_are_not_judged():
    assert (
        sig009(connect("user_logged_in", "settings.LOGIN_SENDER", "django.contrib.auth.signals"))
        == []
    )


def test_dotted_path_on_a_model_signal_raises_at_connect():
    assert messages(connect("post_save", '"shop.models.Order"')) == [
        "`'shop.models.Order'` is not an `\"app_label.ModelName\"` reference: "
        '`post_save.connect()` raises `ValueError`; use `"app_label.ModelName"`'
    ]


def test_bare_model_name_on_a_model_signal_raises_at_connect():
    assert sig009(connect("pre_delete", '"Order"')) == [(7, 36)]


def test_empty_string_on_a_model_signal_raises_at_connect():
    assert sig009(connect("pre_delete", '""')) == [(7, 36)]


def test_positional_sender_is_read():
    assert sig009(
        """
        from django.core.signals import request_finished

        def handler(sender, **kwargs):
            pass

        request_finished.connect(handler, "core.Request")
        """
    ) == [(6, 35)]


def test_project_signal_is_a_plain_signal():
    assert sig009(
        """
        from django.dispatch import Signal

        order_placed = Signal()

        def handler(sender, **kwargs):
            pass

        order_placed.connect(handler, sender="shop.Order")
        """
    ) == [(8, 38)]


def test_project_model_signal_resolves_lazy_strings():
    assert (
        sig009(
            """
        from django.db.models.signals import ModelSignal

        audited = ModelSignal(use_caching=True)

        def handler(sender, **kwargs):
            pass

        audited.connect(handler, sender="shop.Order")
        """
        )
        == []
    )


def test_signal_of_another_package_is_not_judged():
    assert (
        sig009(
            """
        from allauth.account.signals import user_signed_up

        def handler(sender, **kwargs):
            pass

        user_signed_up.connect(handler, sender="auth.User")
        """
        )
        == []
    )


def test_disconnect_is_not_flagged():
    assert (
        sig009(
            """
        from django.contrib.auth.signals import user_logged_in

        def handler(sender, **kwargs):
            pass

        user_logged_in.disconnect(handler, sender="auth.User")
        """
        )
        == []
    )


def test_receiver_list_checks_every_signal():
    source = """
    from django.core.signals import request_finished
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    @receiver([post_save, request_finished], sender="shop.Order")
    def handler(sender, **kwargs):
        pass
    """
    assert sig009(source) == [(5, 49)]
    (message,) = messages(source)
    assert message.startswith("`request_finished` is not a model signal")
    assert "never runs for `request_finished`" in message


def test_receiver_list_of_plain_signals_is_one_finding():
    (message,) = messages(
        """
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.dispatch import receiver

        @receiver([user_logged_in, user_logged_out], sender="auth.User")
        def handler(sender, **kwargs):
            pass
        """
    )
    assert message.startswith("`user_logged_in`, `user_logged_out` are not model signals")


def test_malformed_reference_in_a_receiver_list_of_model_signals_is_one_finding():
    assert sig009(
        """
        from django.db.models.signals import post_delete, pre_delete
        from django.dispatch import receiver

        @receiver((pre_delete, post_delete), sender="shop.models.Order")
        def handler(sender, **kwargs):
            pass
        """
    ) == [(4, 45)]


def test_sender_object_and_none_are_fine():
    assert sig009(connect("user_logged_in", "None", "django.contrib.auth.signals")) == []
    assert sig009(connect("user_logged_in", "settings", "django.contrib.auth.signals")) == []


# The fix (project only: the graph knows the models).


def sig009_fixes(module: str, path: str = "app/signals.py") -> list:
    files = {**shop_app("class Order(models.Model):\n    pass\n"), path: module}
    return [f.fix for f in project_findings(files, "SIG009") if f.path == path]


def test_fix_names_the_model_class_of_this_project_or_nothing():
    module = """
        from django.contrib.auth.signals import user_logged_in
        from django.dispatch import Signal

        paid = Signal()

        def on_paid(sender, **kwargs):
            pass

        paid.connect(on_paid, sender="shop.order")
        user_logged_in.connect(on_paid, sender="auth.User")
        """
    first, second = sig009_fixes(module)
    assert (first.kind, first.applicability, first.value) == (
        "model-sender",
        "unsafe",
        "shop.models.Order",
    )
    assert second is None  # Django's own model: the project does not define it


def test_no_fix_at_module_level_of_an_apps_module():
    module = """
        from django.dispatch import Signal

        paid = Signal()

        def on_paid(sender, **kwargs):
            pass

        paid.connect(on_paid, sender="shop.Order")
        """
    assert sig009_fixes(module, "shop/apps.py") == [None]


def test_fix_reuses_an_import_and_refuses_a_name_taken_by_something_else():
    module = """
        from django.dispatch import Signal
        from shop.models import Order

        paid = Signal()

        def on_paid(sender, **kwargs):
            pass

        paid.connect(on_paid, sender="shop.Order")
        """
    (fix,) = sig009_fixes(module)
    source = textwrap.dedent(module).lstrip("\n")
    finding = Finding("SIG009", "n", "error", "app/signals.py", fix.line, fix.column, "m", fix)
    assert fix_source(source, [finding]) == source.replace('sender="shop.Order"', "sender=Order")
    taken = source.replace("from shop.models import Order", "from billing.models import Order")
    assert fix_source(taken, [finding]) == taken
