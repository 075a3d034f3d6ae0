"""SIG002 weak-temporary-receiver."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, fixes, positions, project_positions

from signal_lint.fix import fix_source


def sig002(source: str):
    return positions(source, "SIG002")


def test_inline_lambda_is_flagged_at_the_connect_call():
    assert sig002(
        """
        from django.db.models.signals import post_save

        post_save.connect(lambda sender, **kwargs: None)
        """
    ) == [(3, 1)]


def test_inline_lambda_with_weak_false_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        post_save.connect(lambda sender, **kwargs: None, weak=False)
        """
        )
        == []
    )


def test_weak_given_positionally_is_read():
    assert sig002(
        """
        from django.db.models.signals import post_save

        post_save.connect(lambda **kwargs: None, None, False)
        post_save.connect(lambda **kwargs: None, None, True)
        """
    ) == [(4, 1)]


def test_weak_that_is_not_a_literal_is_not_judged():
    assert (
        sig002(
            """
        from django.conf import settings
        from django.db.models.signals import post_save

        post_save.connect(lambda **kwargs: None, weak=settings.WEAK_SIGNALS)
        """
        )
        == []
    )


def test_partial_imported_either_way_is_flagged():
    assert sig002(
        """
        import functools
        from functools import partial as p
        from django.db.models.signals import post_save

        def log(kind, sender, **kwargs):
            pass

        post_save.connect(functools.partial(log, "a"))
        post_save.connect(p(log, "b"))
        """
    ) == [(8, 1), (9, 1)]


def test_bound_method_of_a_temporary_is_flagged():
    assert sig002(
        """
        from django.db.models.signals import post_save

        class Handler:
            def on_save(self, sender, **kwargs):
                pass

        post_save.connect(Handler().on_save)
        """
    ) == [(7, 1)]


def test_bound_method_of_a_module_level_instance_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        class Handler:
            def on_save(self, sender, **kwargs):
                pass

        handler = Handler()
        post_save.connect(handler.on_save)
        post_save.connect(handler)
        """
        )
        == []
    )


def test_temporary_callable_instance_of_a_class_of_this_file_is_flagged():
    findings = findings_for(
        """
        from django.db.models.signals import post_save

        class Handler:
            def __call__(self, sender, **kwargs):
                pass

        post_save.connect(Handler())
        """,
        code="SIG002",
    )
    assert [(f.line, f.column + 1) for f in findings] == [(7, 1)]
    assert "a temporary instance of `Handler`" in findings[0].message


def test_temporary_instance_of_a_class_that_registers_itself_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        HANDLERS = []

        class Handler:
            def __init__(self):
                HANDLERS.append(self)

            def __call__(self, sender, **kwargs):
                pass

        post_save.connect(Handler())
        """
        )
        == []
    )


def test_temporary_instance_of_an_imported_class_is_not_judged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save
        from handlers import Handler

        post_save.connect(Handler())
        """
        )
        == []
    )


def test_temporary_instance_of_a_subclass_of_an_unknown_base_is_not_judged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save
        from handlers import BaseHandler

        class Handler(BaseHandler):
            def __call__(self, sender, **kwargs):
                pass

        post_save.connect(Handler())
        """
        )
        == []
    )


def test_factory_call_is_not_judged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def make_handler():
            def handler(sender, **kwargs):
                pass
            return handler

        post_save.connect(make_handler(), weak=False)
        """
        )
        == []
    )


def test_nested_function_connected_in_ready_is_flagged():
    findings = findings_for(
        """
        from django.apps import AppConfig
        from django.db.models.signals import post_save

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                def on_save(sender, **kwargs):
                    pass

                post_save.connect(on_save)
        """,
        code="SIG002",
    )
    assert [(f.line, f.column + 1) for f in findings] == [(11, 9)]
    assert "`on_save`" in findings[0].message and "inside `ready()`" in findings[0].message
    assert "weak=False" in findings[0].message


def test_receiver_decorator_inside_a_function_is_flagged_at_the_decorator():
    assert sig002(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        def install():
            @receiver(post_save)
            def on_save(sender, **kwargs):
                pass
        """
    ) == [(5, 6)]


def test_nested_function_returned_by_its_factory_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def install():
            def on_save(sender, **kwargs):
                pass
            post_save.connect(on_save)
            return on_save
        """
        )
        == []
    )


def test_nested_function_stored_on_self_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        class Watcher:
            def __init__(self):
                def on_save(sender, **kwargs):
                    pass
                self._on_save = on_save
                post_save.connect(on_save)
        """
        )
        == []
    )


def test_nested_function_disconnected_in_the_same_frame_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def import_rows(rows):
            def on_save(sender, **kwargs):
                pass
            post_save.connect(on_save)
            try:
                for row in rows:
                    row.save()
            finally:
                post_save.disconnect(on_save)
        """
        )
        == []
    )


def test_disconnect_of_another_function_does_not_excuse_the_connection():
    assert sig002(
        """
        from django.db.models.signals import post_save

        def legacy(sender, **kwargs):
            pass

        def install():
            def on_save(sender, **kwargs):
                pass
            post_save.disconnect(legacy)
            post_save.connect(on_save)
        """
    ) == [(10, 5)]


def test_nested_function_in_a_generator_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def capture():
            seen = []
            def on_save(sender, **kwargs):
                seen.append(sender)
            post_save.connect(on_save)
            yield seen
        """
        )
        == []
    )


def test_nested_function_in_a_test_function_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def test_saves_are_seen(order):
            seen = []
            def on_save(sender, **kwargs):
                seen.append(sender)
            post_save.connect(on_save)
            order.save()
            assert seen
        """
        )
        == []
    )


def test_anything_in_a_test_module_is_trusted_to_keep_its_handlers():
    assert (
        positions(
            """
        from django.db.models.signals import post_save

        def helper():
            def on_save(sender, **kwargs):
                pass
            post_save.connect(on_save)
        """,
            "SIG002",
            path="app/tests/test_signals.py",
            module="app.tests.test_signals",
        )
        == []
    )


def test_lambda_held_by_a_local_variable_of_ready_is_flagged():
    findings = findings_for(
        """
        from django.apps import AppConfig
        from django.db.models.signals import post_save

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                handler = lambda sender, **kwargs: None
                post_save.connect(handler)
        """,
        code="SIG002",
    )
    assert [(f.line, f.column + 1) for f in findings] == [(9, 9)]
    assert "a lambda held only by a local variable of `ready()`" in findings[0].message


def test_partial_held_by_a_local_variable_is_flagged():
    assert sig002(
        """
        from functools import partial
        from django.db.models.signals import post_save

        def log(kind, sender, **kwargs):
            pass

        def install():
            handler = partial(log, "saved")
            post_save.connect(handler)
        """
    ) == [(9, 5)]


def test_local_variable_rebound_to_a_module_function_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def on_save(sender, **kwargs):
            pass

        def install():
            handler = lambda sender, **kwargs: None
            handler = on_save
            post_save.connect(handler)
        """
        )
        == []
    )


def test_local_lambda_kept_on_self_is_not_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        class Watcher:
            def __init__(self):
                handler = lambda sender, **kwargs: None
                self.handler = handler
                post_save.connect(handler)
        """
        )
        == []
    )


def test_local_parameter_is_not_judged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        def install(handler):
            post_save.connect(handler)
        """
        )
        == []
    )


def test_callable_instance_held_by_a_local_variable_is_flagged():
    findings = findings_for(
        textwrap.dedent(
            """
            from django.apps import AppConfig
            from django.core.signals import request_started

            class Audit:
                def __call__(self, sender, **kwargs):
                    pass

            class ShopConfig(AppConfig):
                def ready(self):
                    audit = Audit()
                    request_started.connect(audit)
            """
        ),
        code="SIG002",
    )
    assert [(f.line, f.column + 1) for f in findings] == [(11, 9)]
    assert (
        "a temporary instance of `Audit` held only by a local variable of `ready()`"
        in findings[0].message
    )


def test_factory_result_held_by_a_local_variable_is_flagged():
    assert sig002(
        """
        from django.core.signals import request_started

        def make_handler(tag):
            def handler(sender, **kwargs):
                return tag
            return handler

        def install():
            handler = make_handler("audit")
            request_started.connect(handler)
        """
    ) == [(10, 5)]


def test_local_instance_or_factory_result_kept_elsewhere_or_not_new_is_not_flagged():
    assert (
        sig002(
            """
        from django.core.signals import request_started
        from shop.hooks import Imported

        KEPT = []

        class Audit:
            def __call__(self, sender, **kwargs):
                pass

        def on_request(sender, **kwargs):
            pass

        def pick():
            return on_request

        def install():
            kept = Audit()
            KEPT.append(kept)
            request_started.connect(kept)
            picked = pick()  # a module-level function
            request_started.connect(picked)
            imported = Imported()  # a class we cannot see
            request_started.connect(imported)
        """
        )
        == []
    )


def test_disconnect_is_never_flagged():
    assert (
        sig002(
            """
        from django.db.models.signals import post_save

        post_save.disconnect(lambda **kwargs: None)
        """
        )
        == []
    )


def test_connect_of_something_that_is_not_a_signal_is_not_flagged():
    assert (
        sig002(
            """
        import sqlite3

        sqlite3.connect(lambda: None)
        """
        )
        == []
    )


def test_receiver_list_names_every_signal_in_the_message():
    findings = findings_for(
        """
        from django.db.models.signals import post_delete, post_save
        from django.dispatch import receiver

        def install():
            @receiver([post_save, post_delete])
            def on_change(sender, **kwargs):
                pass
        """,
        code="SIG002",
    )
    assert len(findings) == 1
    assert "`post_save, post_delete`" in findings[0].message


def test_fix_adds_weak_false_to_a_local_lambda_connection():
    source = (
        "from django.db.models.signals import post_save\n"
        "\n"
        "def install():\n"
        "    handler = lambda sender, **kwargs: None\n"
        "    post_save.connect(handler)\n"
    )
    fixed = fix_source(source, findings_for(source, code="SIG002"))
    assert "post_save.connect(handler, weak=False)" in fixed
    assert findings_for(fixed, code="SIG002") == []


# The fix: weak=False, and a dispatch_uid for a new object connected each time.


def test_fix_keeps_an_existing_dispatch_uid_of_a_temporary_s_method():
    source = """
        from django.db.models.signals import post_save

        class Audit:
            def on_save(self, sender, **kwargs):
                pass

        def install():
            post_save.connect(Audit().on_save, dispatch_uid="audit")
        """
    assert 'post_save.connect(Audit().on_save, dispatch_uid="audit", weak=False)' in fixed(
        source, "SIG002"
    )
    assert fixes(source, "SIG002") == [("weak-false", "unsafe")]


def test_fix_of_a_temporary_instance_names_it_in_the_dispatch_uid():
    source = """
        from django.db.models.signals import post_save

        class Audit:
            def __call__(self, sender, **kwargs):
                pass

        def install():
            post_save.connect(Audit())
        """
    assert 'post_save.connect(Audit(), weak=False, dispatch_uid="app.signals.Audit")' in fixed(
        source, "SIG002"
    )


def test_no_fix_through_unpacked_arguments():
    """``**options`` may hold ``weak`` already: adding one could raise ``TypeError``."""
    source = """
        from django.db.models.signals import post_save

        def install(options):
            post_save.connect(lambda sender, **kwargs: None, **options)
        """
    assert fixes(source, "SIG002") == [("weak-false", "unsafe")]
    assert fixed(source, "SIG002") == textwrap.dedent(source).lstrip("\n")


def test_a_factorys_weak_connect_of_its_own_function_is_flagged_where_a_call_gives_it_a_signal():
    hooks = (
        "def on_weak(signal):\n    def decorator(func):\n        def handler(sender, **kwargs):\n"
        "            return func(sender)\n\n        signal.connect(handler)\n        return func\n\n"
        "    return decorator\n"
    )
    receivers = (
        "from django.core.signals import request_finished\n\nfrom shop.hooks import on_weak\n\n\n"
        "@on_weak(request_finished)\ndef on_finished(sender):\n    pass\n"
    )
    files = {"shop/__init__.py": "", "shop/hooks.py": hooks, "shop/receivers.py": receivers}
    assert project_positions(files, "SIG002") == [("shop/hooks.py", 6, 9)]
    assert project_positions({**files, "shop/receivers.py": ""}, "SIG002") == []  # no signal yet
