"""SIG004 unknown-receiver-argument."""

from __future__ import annotations

import textwrap
from dataclasses import replace

from conftest import findings_for, fixed, fixes, positions, project_findings

from signal_lint.catalog import load_catalog
from signal_lint.config import Config
from signal_lint.engine import check_facts
from signal_lint.extract import extract_source
from signal_lint.findings import SAFE, Fix
from signal_lint.fix import fix_source


def sig004(source: str):
    return positions(source, "SIG004")


def messages(source: str):
    return [f.message for f in findings_for(source, code="SIG004")]


def receiver_of(signal: str, params: str, module: str = "django.db.models.signals") -> str:
    return f"""
    from {module} import {signal}
    from django.dispatch import receiver

    @receiver({signal})
    def handler({params}):
        pass
    """


def test_typo_of_a_sent_argument_gets_a_did_you_mean_hint():
    assert messages(receiver_of("post_save", "sender, instance, create, **kwargs")) == [
        (
            "parameter `create` of receiver `handler` is never sent by `post_save`: dispatch "
            "raises `TypeError` (did you mean `created`?)"
        )
    ]


def test_typo_of_app_config_gets_a_hint():
    (message,) = messages(receiver_of("post_migrate", "sender, aap_config, **kwargs"))
    assert message.endswith("(did you mean `app_config`?)")


def test_name_far_from_every_sent_argument_gets_no_hint():
    (message,) = messages(receiver_of("post_save", "sender, instance, request, **kwargs"))
    assert "did you mean" not in message
    assert (
        message
        == "parameter `request` of receiver `handler` is never sent by `post_save`: dispatch raises `TypeError`"
    )


def test_finding_points_at_the_parameter():
    assert sig004(receiver_of("post_save", "sender, instance, create, **kwargs")) == [(5, 31)]


def test_defaulted_parameter_never_sent_keeps_its_default():
    assert messages(receiver_of("pre_save", "sender, instance, created=False, **kwargs")) == [
        "parameter `created` of receiver `handler` is never sent by `pre_save`, so it always keeps its default"
    ]


def test_every_sent_argument_is_accepted_in_any_order():
    assert (
        sig004(
            receiver_of(
                "post_save",
                "update_fields, using, raw, created, instance, sender, signal, **kwargs",
            )
        )
        == []
    )


def test_sender_and_signal_are_always_sent():
    assert (
        sig004(receiver_of("request_finished", "signal, sender, **kwargs", "django.core.signals"))
        == []
    )


def test_argument_sent_by_only_some_send_sites_must_have_a_default():
    (message,) = messages(
        receiver_of("request_started", "sender, environ, **kwargs", "django.core.signals")
    )
    assert "is sent by only some of `request_started`'s send sites" in message
    assert "give it a default" in message
    assert (
        sig004(
            receiver_of("request_started", "sender, environ=None, **kwargs", "django.core.signals")
        )
        == []
    )


def test_plan_and_apps_of_post_migrate_are_sometimes_missing():
    assert sig004(receiver_of("post_migrate", "sender, app_config, plan, apps, **kwargs")) == [
        (5, 33),
        (5, 39),
    ]
    assert (
        sig004(receiver_of("post_migrate", "sender, app_config, plan=None, apps=None, **kwargs"))
        == []
    )


def test_positional_only_parameters_fail_even_when_the_name_is_sent():
    source = receiver_of("post_migrate", "app_config, /, **kwargs")
    (message,) = messages(source)
    assert "positional-only" in message and "by keyword" in message
    assert sig004(source) == [(5, 13)]


def test_positional_only_sender_is_flagged():
    assert sig004(receiver_of("post_save", "sender, /, **kwargs")) == [(5, 13)]


def test_star_args_and_kwargs_are_never_flagged():
    assert sig004(receiver_of("post_save", "*args, **kwargs")) == []


def test_keyword_only_parameter_is_checked_like_any_other():
    assert sig004(
        receiver_of("setting_changed", "*, setting, valeu, **kwargs", "django.core.signals")
    ) == [(5, 25)]


def test_one_finding_per_bad_parameter():
    assert sig004(
        receiver_of("post_save", "sender, create, request=None, usign='default', **kwargs")
    ) == [
        (5, 21),
        (5, 29),
        (5, 43),
    ]


def test_shared_receiver_needs_required_arguments_from_every_signal():
    source = """
    from django.db.models.signals import post_delete, post_save
    from django.dispatch import receiver

    @receiver([post_save, post_delete])
    def handler(sender, instance, created, **kwargs):
        pass
    """
    assert sig004(source) == [(5, 31)]


def test_shared_receiver_may_default_an_argument_one_signal_sends():
    source = """
    from django.db.models.signals import post_delete, post_save

    def handler(sender, instance, created=False, origin=None, **kwargs):
        pass

    post_save.connect(handler)
    post_delete.connect(handler)
    """
    assert sig004(source) == []


def test_receiver_of_a_project_signal_is_left_to_the_project_rule():
    assert (
        sig004(
            """
        from django.dispatch import Signal, receiver

        order_placed = Signal()

        @receiver(order_placed)
        def handler(sender, order, customer, **kwargs):
            pass
        """
        )
        == []
    )


def test_receiver_of_a_builtin_and_a_project_signal_is_not_judged():
    assert (
        sig004(
            """
        from django.db.models.signals import post_save
        from django.dispatch import Signal, receiver

        order_placed = Signal()

        @receiver([post_save, order_placed])
        def handler(sender, order=None, **kwargs):
            pass
        """
        )
        == []
    )


def test_signal_reexported_by_django_test_signals_is_resolved():
    assert sig004(
        receiver_of("setting_changed", "sender, name, **kwargs", "django.test.signals")
    ) == [(5, 21)]


def test_self_of_a_receiver_decorated_method_is_sig005_only():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    class Handlers:
        @receiver(post_save)
        def on_save(self, sender, **kwargs):
            pass
    """
    assert sig004(source) == []
    assert positions(source, "SIG005") == [(6, 5)]


def test_self_of_a_bound_method_connected_through_self_is_not_checked():
    assert (
        sig004(
            """
        from django.db.models.signals import post_save

        class Audit:
            def __init__(self):
                post_save.connect(self.on_save, weak=False)

            def on_save(self, sender, instance, **kwargs):
                pass
        """
        )
        == []
    )


def test_self_of_a_method_connected_through_the_class_is_never_sent():
    (finding,) = findings_for(
        """
        from django.db.models.signals import post_save

        class Audit:
            def on_save(self, sender, instance, **kwargs):
                pass

        post_save.connect(Audit.on_save)
        """,
        code="SIG004",
    )
    assert (finding.line, finding.column + 1) == (4, 17)
    assert finding.message.startswith(
        "parameter `self` of receiver `on_save` is never sent by `post_save`"
    )


def test_staticmethod_connected_through_self_has_every_parameter_checked():
    assert sig004(
        """
        from django.db.models.signals import post_save

        class Audit:
            def __init__(self):
                post_save.connect(self.on_save, weak=False)

            @staticmethod
            def on_save(sendr, instance, **kwargs):
                pass
        """
    ) == [(8, 17)]


def test_classmethod_connected_through_cls_or_the_class_skips_cls():
    assert (
        sig004(
            """
        from django.db.models.signals import post_delete, post_save

        class Audit:
            @classmethod
            def install(cls):
                post_save.connect(cls.on_change)

            @classmethod
            def on_change(cls, sender, instance, **kwargs):
                pass

        post_delete.connect(Audit.on_change)
        """
        )
        == []
    )


def test_default_passed_by_the_files_own_direct_calls_is_not_dead():
    assert (
        sig004(
            """
        from django.db.models.signals import post_init

        class ImageField:
            def contribute_to_class(self, cls, name):
                post_init.connect(self.update_dimensions, sender=cls)

            def update_dimensions(self, instance, force=False, **kwargs):
                pass

            def pre_save(self, instance):
                self.update_dimensions(instance, force=True)
        """
        )
        == []
    )


def test_function_that_is_not_connected_is_not_checked():
    assert (
        sig004(
            """
        def handler(sender, request):
            pass
        """
        )
        == []
    )


def test_receiver_in_another_module_is_checked_in_project_mode():
    # detailed=True: the facts the engine's detail_receiver_files() gives a connected receiver's file
    handlers = extract_source(
        b"def on_migrate(sender, app, **kwargs):\n    pass\n",
        "core/handlers.py",
        "core.handlers",
        detailed=True,
    )
    apps = extract_source(
        b"from django.apps import AppConfig\n"
        b"from django.db.models.signals import post_migrate\n"
        b"from core import handlers\n"
        b"\n"
        b"class CoreConfig(AppConfig):\n"
        b"    name = 'core'\n"
        b"\n"
        b"    def ready(self):\n"
        b"        post_migrate.connect(handlers.on_migrate, sender=self)\n",
        "core/apps.py",
        "core.apps",
    )
    found = [
        (f.path, f.line, f.column + 1, f.code)
        for f in check_facts([apps, handlers], load_catalog(), Config())
    ]
    assert found == [("core/handlers.py", 1, 24, "SIG004")]


def test_classmethod_of_another_module_connected_through_its_class_skips_cls():
    # ``pre_delete.connect(Counter.on_delete, sender=Form)`` in signals.py: ``cls`` is bound
    # to ``Counter``, the signal never passes it; ``wrong`` still is never sent
    counters = extract_source(
        b"class Counter:\n"
        b"    @classmethod\n"
        b"    def on_delete(cls, sender, instance, **kwargs):\n"
        b"        pass\n"
        b"\n"
        b"    @classmethod\n"
        b"    def on_save(cls, sender, wrong, **kwargs):\n"
        b"        pass\n",
        "logs/counters.py",
        "logs.counters",
        detailed=True,
    )
    signals = extract_source(
        b"from django.db.models.signals import post_save, pre_delete\n"
        b"from logs.counters import Counter\n"
        b"\n"
        b"pre_delete.connect(Counter.on_delete, sender='logs.Form')\n"
        b"post_save.connect(Counter.on_save, sender='logs.Form')\n",
        "logs/signals.py",
        "logs.signals",
    )
    found = [
        (f.path, f.line, f.column + 1, f.code)
        for f in check_facts([signals, counters], load_catalog(), Config())
        if f.code == "SIG004"
    ]
    assert found == [("logs/counters.py", 7, 30, "SIG004")]


# --- signals read from installed packages whose send sites expand a dict we cannot follow ----


def package_signal_findings(params: str, open_ended: bool = True) -> list[str]:
    """SIG004 messages for a receiver of an installed package's ``vendor.signals.logged_in``."""
    from signal_lint.catalog import SignalSpec
    from signal_lint.engine import check_one

    spec = SignalSpec(
        qualname="vendor.signals.logged_in",
        name="logged_in",
        module="vendor.signals",
        always=frozenset({"request", "user"}),
        sometimes=frozenset({"sociallogin"}),
        open_ended=open_ended,
        builtin=False,
        package="vendor 1.0",
    )
    source = receiver_of("logged_in", params, module="vendor.signals")
    import textwrap

    facts = extract_source(textwrap.dedent(source).lstrip("\n").encode(), "app/r.py", "app.r")
    catalog = load_catalog().with_installed([spec])
    return [f.message for f in check_one(facts, catalog) if f.code == "SIG004"]


def test_an_open_ended_signal_may_send_names_it_does_not_list():
    assert package_signal_findings("sender, request, user, whatever, **kwargs") == []
    assert package_signal_findings("sender, request, user, whatever=None, **kwargs") == []
    # without the open end, both are wrong
    assert len(package_signal_findings("sender, request, whatever, flag=1, **kwargs", False)) == 2


def test_a_close_misspelling_of_an_always_sent_argument_is_still_sig004():
    assert package_signal_findings("sender, request, usr, **kwargs") == [
        "parameter `usr` of receiver `handler` is never sent by `logged_in`: dispatch raises "
        "`TypeError` (did you mean `user`?)"
    ]
    # a required sometimes-sent argument is still only sometimes sent
    (message,) = package_signal_findings("sender, request, user, sociallogin, **kwargs")
    assert "is sent by only some of `logged_in`'s send sites" in message


def test_misspells_allows_one_edit_per_four_letters():
    from signal_lint.rules.unknown_receiver_argument import misspells

    assert misspells("usr", ["user"])
    assert misspells("reqeust", ["request"])  # a transposition: two edits in seven letters
    assert misspells("emial_adress", ["email_address"])
    assert not misspells("user", ["user"])
    assert not misspells("request_id", ["request"])
    assert not misspells("uid", ["user"])


# The fix: the one name the signal sends, in the signature and the body.


def test_fix_renames_the_uses_that_read_the_parameter_and_no_others():
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, create, **kwargs):
            if create:
                notify(instance, create=create)

            def later():
                return create

            return [lambda create: create, later, instance.create]
        """
    assert fixed(source, "SIG004") == textwrap.dedent(
        """\
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, created, **kwargs):
            if created:
                notify(instance, create=created)

            def later():
                return created

            return [lambda create: create, later, instance.create]
        """
    )


def test_no_fix_when_the_new_name_already_means_something_in_the_function():
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        created = set()

        @receiver(post_save)
        def on_save(sender, instance, create, **kwargs):
            created.add(instance.pk)
        """
    assert fixes(source, "SIG004") == [None]


def test_no_fix_when_the_function_reads_its_names_dynamically():
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, create, **kwargs):
            return locals()["create"]
        """
    assert fixes(source, "SIG004") == [None]
    (finding,) = findings_for(source, code="SIG004")  # the fixer checks the tree itself too
    forced = replace(finding, fix=Fix("rename-parameter", 5, 30, SAFE, "created"))
    text = textwrap.dedent(source).lstrip("\n")
    assert fix_source(text, [forced]) == text


def test_no_fix_for_a_positional_only_or_sometimes_sent_parameter():
    source = """
        from django.core.signals import request_started
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(request_started)
        def on_request(sender, environ, **kwargs):
            pass

        @receiver(post_save)
        def on_save(sender, instance, create, /, **kwargs):
            pass
        """
    assert fixes(source, "SIG004") == [None, None, None, None]


def test_fix_is_unsafe_when_the_receiver_is_called_directly():
    source = """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, create, **kwargs):
            pass

        def backfill(order):
            on_save(None, order, True)
        """
    assert fixes(source, "SIG004") == [("rename-parameter", "unsafe")]


def test_fix_is_unsafe_when_another_module_imports_the_receiver_but_not_to_connect_it():
    receivers = """
        from django.db.models.signals import post_save

        def on_save(sender, instance, create, **kwargs):
            pass
        """
    apps = """
        from django.db.models.signals import post_save
        from shop.receivers import on_save

        post_save.connect(on_save)
        """
    tests = """
        from shop.receivers import on_save
        """

    def applicability(files):
        (finding,) = [
            f
            for f in project_findings({"shop/__init__.py": "", **files}, "SIG004")
            if f.path == "shop/receivers.py"
        ]
        return finding.fix.applicability

    assert applicability({"shop/receivers.py": receivers, "shop/apps.py": apps}) == "safe"
    files = {"shop/receivers.py": receivers, "shop/apps.py": apps, "shop/tests.py": tests}
    assert applicability(files) == "unsafe"
