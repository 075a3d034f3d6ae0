"""SIG001 receiver-missing-kwargs (and, in one place, how ``# noqa`` applies to every rule)."""

from __future__ import annotations

import os
import textwrap

from conftest import findings_for, fixed, fixes, positions, project_findings

from signal_lint.config import Config
from signal_lint.engine import check_paths
from signal_lint.fix import fix_source


def sig001(source: str):
    return positions(source, "SIG001")


def test_decorated_receiver_without_kwargs_is_flagged_at_its_def_line():
    assert sig001(
        """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, instance, created):
            pass
        """
    ) == [(5, 1)]


def test_message_names_receiver_and_signal_and_says_what_to_do():
    (finding,) = findings_for(
        """
        from django.db.models.signals import post_save as ps
        from django.dispatch import receiver

        @receiver(ps)
        def on_save(sender, instance):
            pass
        """,
        code="SIG001",
    )
    assert (
        finding.message
        == "receiver `on_save` of `ps` does not accept `**kwargs`: add `**kwargs` to its parameters"
    )
    assert finding.severity == "error" and finding.name == "receiver-missing-kwargs"


def test_kwargs_under_any_name_is_enough():
    assert (
        sig001(
            """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save)
        def on_save(sender, **extra):
            pass
        """
        )
        == []
    )


def test_star_args_alone_is_not_enough():
    assert sig001(
        """
        from django.core.signals import request_finished

        def on_finished(*args):
            pass

        request_finished.connect(on_finished)
        """
    ) == [(3, 1)]


def test_keyword_only_parameters_without_kwargs_are_flagged():
    assert sig001(
        """
        from django.core.signals import request_finished

        def on_finished(*, sender):
            pass

        request_finished.connect(on_finished)
        """
    ) == [(3, 1)]


def test_receiver_connected_to_two_signals_is_reported_once():
    assert sig001(
        """
        from django.db.models.signals import post_delete, post_save

        def on_change(sender, instance):
            pass

        post_save.connect(on_change)
        post_delete.connect(on_change)
        """
    ) == [(3, 1)]


def test_receiver_list_is_reported_once():
    assert sig001(
        """
        from django.db.models.signals import post_delete, post_save
        from django.dispatch import receiver

        @receiver([post_save, post_delete])
        def on_change(sender, instance):
            pass
        """
    ) == [(5, 1)]


def test_function_that_is_only_disconnected_is_not_a_receiver():
    assert (
        sig001(
            """
        from django.db.models.signals import post_save

        def legacy(sender, instance):
            pass

        post_save.disconnect(legacy)
        """
        )
        == []
    )


def test_function_passed_to_a_connect_that_is_not_a_signal_is_not_a_receiver():
    assert (
        sig001(
            """
        import sqlite3
        from myapp import bus

        def on_open(path):
            pass

        sqlite3.connect(on_open)
        bus.connect(on_open)
        """
        )
        == []
    )


def test_receiver_decorator_of_another_library_is_not_djangos():
    assert (
        sig001(
            """
        from blinker_helpers import receiver
        from django.db.models.signals import post_save

        @receiver(post_save)
        def on_save(sender):
            pass
        """
        )
        == []
    )


def test_receiver_of_a_signal_imported_from_a_signals_module_is_checked():
    assert sig001(
        """
        from django.dispatch import receiver
        from payments.signals import payment_received

        @receiver(payment_received)
        def on_payment(sender, payment):
            pass
        """
    ) == [(5, 1)]


def test_connect_with_a_third_party_object_of_a_signals_module_is_checked():
    assert sig001(
        """
        from allauth.account import signals

        def on_signed_up(request, user):
            pass

        signals.user_signed_up.connect(on_signed_up)
        """
    ) == [(3, 1)]


def test_bound_method_connected_through_self_is_checked():
    assert sig001(
        """
        from django.db.models.signals import post_save

        class Audit:
            def __init__(self):
                post_save.connect(self.on_save, weak=False)

            def on_save(self, sender, instance):
                pass
        """
    ) == [(7, 5)]


def test_async_receiver_is_checked_too():
    assert sig001(
        """
        from django.core.signals import request_started
        from django.dispatch import receiver

        @receiver(request_started)
        async def on_started(sender):
            pass
        """
    ) == [(5, 1)]


def test_lambda_without_kwargs_is_flagged_at_the_lambda_without_a_fix():
    (finding,) = findings_for(
        """
        from django.db.models.signals import post_save

        post_save.connect(lambda sender, instance: None, weak=False)
        """,
        code="SIG001",
    )
    assert (finding.line, finding.column + 1) == (3, 19)
    assert finding.message.startswith("receiver `lambda` of `post_save` does not accept `**kwargs`")
    assert finding.fix is None


def test_lambda_with_kwargs_or_disconnected_is_fine():
    assert (
        sig001(
            """
        from django.db.models.signals import post_save

        post_save.connect(lambda sender, **kwargs: None, weak=False)
        post_save.disconnect(lambda sender: None)
        """
        )
        == []
    )


def test_fix_appends_kwargs_after_keyword_only_parameters():
    source = textwrap.dedent(
        """\
        from django.core.signals import request_finished

        def on_finished(sender, *, signal=None):
            pass

        request_finished.connect(on_finished)
        """
    )
    fixed = fix_source(source, findings_for(source, code="SIG001"))
    assert "def on_finished(sender, *, signal=None, **kwargs):" in fixed
    assert findings_for(fixed, code="SIG001") == []


def test_receiver_connected_from_another_module_is_checked_in_project_mode(tmp_path):
    """handlers.py never mentions signals (the cheap pass skips its functions); apps.py connects one."""
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "handlers.py").write_text("def on_save(sender, instance):\n    pass\n")
    (tmp_path / "shop" / "apps.py").write_text(
        "from django.apps import AppConfig\n"
        "from django.db.models.signals import post_save\n"
        "from shop.handlers import on_save\n"
        "\n"
        "class ShopConfig(AppConfig):\n"
        "    name = 'shop'\n"
        "\n"
        "    def ready(self):\n"
        "        post_save.connect(on_save)\n"
    )
    for use_cache in (True, True, False):  # cold, warm (from the cache), uncached
        found = [
            (os.path.relpath(f.path, tmp_path), f.line, f.code)
            for f in check_paths([str(tmp_path)], Config(root=str(tmp_path)), 1, use_cache).findings
        ]
        assert ("shop/handlers.py", 1, "SIG001") in found


# --- noqa: the engine's filter, shown once here for every rule ------------

NOQA_SOURCE = """
from django.db.models.signals import post_save
from django.dispatch import receiver

@receiver(post_save)
def on_save(sender, create){comment}
    pass
"""


def noqa(comment: str):
    return sorted({f.code for f in findings_for(NOQA_SOURCE.format(comment=comment))})


def test_without_noqa_the_line_has_two_findings():
    assert noqa(":") == ["SIG001", "SIG004"]


def test_bare_noqa_silences_every_code_on_the_line():
    assert noqa(":  # noqa") == []


def test_noqa_with_a_code_silences_only_that_code():
    assert noqa(":  # noqa: SIG001") == ["SIG004"]


def test_noqa_with_several_codes():
    assert noqa(":  # noqa: SIG001, SIG004") == []
    assert noqa(":  # noqa:SIG001,SIG004") == []


def test_noqa_codes_are_case_insensitive():
    assert noqa(":  # NOQA: sig004") == ["SIG001"]


def test_noqa_for_another_code_silences_nothing():
    assert noqa(":  # noqa: E501") == ["SIG001", "SIG004"]


def test_noqa_code_prefix_silences_the_codes_it_starts():
    assert noqa(":  # noqa: SIG00") == []


def test_noqa_on_another_line_of_the_statement_does_not_count():
    source = """
    from django.db.models.signals import post_save
    from django.dispatch import receiver

    @receiver(post_save)  # noqa: SIG001
    def on_save(sender, instance):
        pass
    """
    assert sig001(source) == [(5, 1)]


def test_instance_of_a_signal_subclass_of_this_file_is_a_signal():
    assert sig001(
        """
        from django.dispatch import Signal

        class DeprecatedSignal(Signal):
            def __init__(self, name, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.name = name

        move_page = DeprecatedSignal("move_page")

        def on_move(sender, page):
            pass

        move_page.connect(on_move)
        """
    ) == [(10, 1)]


# The fix (SIG001's examples show the usual layouts).


def test_fix_puts_kwargs_on_its_own_line_with_the_trailing_comma_when_parameters_are_one_per_line():
    source = """
        from django.db.models.signals import post_save

        def on_save(
            sender,
            instance,
        ):
            pass

        post_save.connect(on_save)
        """
    assert "    instance,\n    **kwargs,\n):" in fixed(source, "SIG001")


def test_fix_keeps_the_last_parameter_s_comment_on_its_line():
    source = """
        from django.db.models.signals import post_save

        def on_save(
            sender,
            instance  # the saved row
        ):
            pass

        post_save.connect(on_save)
        """
    assert "    instance,  # the saved row\n    **kwargs\n):" in fixed(source, "SIG001")


def test_fix_picks_another_name_when_kwargs_is_taken():
    source = """
        from django.db.models.signals import post_save

        def on_save(sender, kwargs):
            pass

        post_save.connect(on_save)
        """
    assert "def on_save(sender, kwargs, **extra_kwargs):" in fixed(source, "SIG001")
    assert fixes(source, "SIG001") == [("add-kwargs", "safe")]


CALLABLE = "class Audit:\n    def __call__(self, sender, instance):\n        pass\n"
DECORATORS = (
    "import functools\n\n\n"
    "def bare(func):\n    def wrapper(sender, instance):\n"
    "        return func(sender, instance)\n\n    return wrapper\n\n\n"
    "def logged(func):\n    @functools.wraps(func)\n    def wrapper(*args, **kwargs):\n"
    "        return func(*args, **kwargs)\n\n    return wrapper\n"
)


def test_a_callable_instance_of_a_class_in_another_module_is_checked_at_its_call():
    files = {
        "shop/__init__.py": "",
        "shop/audit.py": CALLABLE,
        "shop/hooks.py": "from shop.audit import Audit\n\naudit = Audit()\n",
        "shop/signals.py": (
            "from django.db.models.signals import post_save\n\nfrom shop.hooks import audit\n\n"
            "post_save.connect(audit)\n"
        ),
    }
    (finding,) = project_findings(files, "SIG001")
    assert (finding.path, finding.line) == ("shop/audit.py", 2)
    assert "`Audit.__call__`" in finding.message


def test_a_decorator_of_another_module_exposes_its_wrapper_unless_built_with_wraps():
    receivers = (
        "from django.db.models.signals import post_save\nfrom django.dispatch import receiver\n\n"
        "from shop.decorators import bare, logged\n\n\n"
        "@receiver(post_save)\n@bare\ndef exposed(sender, instance, **kwargs):\n    pass\n\n\n"
        "@receiver(post_save)\n@logged\ndef wrapped(sender, instance, **kwargs):\n    pass\n"
    )
    files = {"shop/__init__.py": "", "shop/decorators.py": DECORATORS, "shop/signals.py": receivers}
    (finding,) = project_findings(files, "SIG001")
    assert (finding.path, finding.line) == ("shop/signals.py", 9)
    assert finding.message.startswith(
        "`@bare` registers its wrapper `wrapper` for receiver `exposed`"
    )
