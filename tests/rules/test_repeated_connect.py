"""SIG103 repeated-connect."""

from __future__ import annotations

from conftest import project_findings, project_positions

APP = {
    "shop/__init__.py": "",
    "shop/apps.py": """
        from django.apps import AppConfig

        class ShopConfig(AppConfig):
            name = "shop"
        """,
    "shop/models.py": """
        from django.db import models

        class Order(models.Model):
            pass
        """,
}

HEADER = """
from functools import partial

from django.db.models.signals import post_save


def notify(channel, sender, **kwargs):
    pass


class Handler:
    def on_save(self, sender, **kwargs):
        pass


"""  # the code under test starts at line 15


def sig103(code: str, path: str = "shop/views.py", **files: str):
    return [
        (line, column)
        for _, line, column in project_positions({**APP, **files, path: HEADER + code}, "SIG103")
    ]


def in_view(body: str) -> str:
    return "def view(request):\n" + "".join(
        f"    {line}\n" for line in body.strip("\n").split("\n")
    )


def test_nested_function_connected_strongly_in_a_view_is_flagged_at_the_connect():
    code = in_view(
        "def on_save(sender, **kwargs):\n    pass\npost_save.connect(on_save, weak=False)"
    )
    assert sig103(code) == [(18, 5)]


def test_lambda_partial_and_temporary_method_connected_strongly_are_flagged():
    code = in_view(
        "post_save.connect(lambda sender, **kwargs: None, weak=False)\n"
        'post_save.connect(partial(notify, "a"), weak=False)\n'
        "post_save.connect(Handler().on_save, weak=False)\n"
        "post_save.connect(Handler(), weak=False)"
    )
    assert sig103(code) == [(16, 5), (17, 5), (18, 5), (19, 5)]


def test_a_local_name_bound_to_a_new_partial_is_flagged():
    assert sig103(
        in_view('handler = partial(notify, "a")\npost_save.connect(handler, weak=False)')
    ) == [(17, 5)]


def test_bound_method_connected_in_init_is_flagged():
    code = (
        "class Tracker:\n    def __init__(self):\n        post_save.connect(self.on_save, "
        "weak=False)\n\n    def on_save(self, sender, **kwargs):\n        pass\n"
    )
    assert sig103(code) == [(17, 9)]


def test_bound_method_connected_in_another_method_is_not_flagged():
    code = (
        "class Tracker:\n    def start(self):\n        post_save.connect(self.on_save, "
        "weak=False)\n\n    def on_save(self, sender, **kwargs):\n        pass\n"
    )
    assert sig103(code) == []  # the same instance again is de-duplicated


def test_weak_connection_of_a_new_object_is_sig002_not_sig103():
    code = in_view("def on_save(sender, **kwargs):\n    pass\npost_save.connect(on_save)")
    found = project_findings({**APP, "shop/views.py": HEADER + code})
    assert [f.code for f in found] == ["SIG002"]


def test_module_level_function_connected_in_a_view_is_not_flagged():
    assert sig103(in_view("post_save.connect(notify, weak=False)")) == []


def test_a_dispatch_uid_prevents_the_duplicates():
    assert (
        sig103(
            in_view(
                'post_save.connect(partial(notify, "a"), weak=False, dispatch_uid="shop.notify")'
            )
        )
        == []
    )


def test_a_falsy_dispatch_uid_does_not():
    assert sig103(
        in_view('post_save.connect(partial(notify, "a"), weak=False, dispatch_uid="")')
    ) == [(16, 5)]


def test_a_non_literal_weak_is_not_judged():
    assert sig103(in_view('post_save.connect(partial(notify, "a"), weak=settings.WEAK)')) == []


def test_disconnected_in_the_same_function_is_not_flagged():
    code = in_view(
        "def on_save(sender, **kwargs):\n    pass\npost_save.connect(on_save, weak=False)\n"
        "post_save.disconnect(on_save)"
    )
    assert sig103(code) == []


def test_connections_at_module_level_in_ready_and_in_appconfig_init_are_not_flagged():
    apps = """
        from functools import partial

        from django.apps import AppConfig
        from django.db.models.signals import post_save

        def notify(channel, sender, **kwargs):
            pass

        post_save.connect(partial(notify, "module"), weak=False)

        class ShopConfig(AppConfig):
            name = "shop"

            def __init__(self, app_name, app_module):
                super().__init__(app_name, app_module)
                post_save.connect(partial(notify, "init"), weak=False)

            def ready(self):
                post_save.connect(partial(notify, "ready"), weak=False)
        """
    assert project_positions({**APP, "shop/apps.py": apps}, "SIG103") == []


READY_CALLS = """
    from django.apps import AppConfig

    class ShopConfig(AppConfig):
        name = "shop"

        def ready(self):
            from shop.views import connect_signals
            connect_signals()
            self.connect_more()

        def connect_more(self):
            from shop.views import connect_others
            connect_others()
    """


def test_helpers_only_ready_calls_run_once_and_are_not_flagged():
    code = (
        'def connect_signals():\n    post_save.connect(partial(notify, "a"), weak=False)\n\n\n'
        'def connect_others():\n    post_save.connect(partial(notify, "b"), weak=False)\n'
    )
    assert sig103(code, **{"shop/apps.py": READY_CALLS}) == []


def test_a_helper_that_a_view_calls_too_runs_many_times():
    code = (
        'def connect_signals():\n    post_save.connect(partial(notify, "a"), weak=False)\n\n\n'
        "def connect_others():\n    pass\n\n\n"
        "def view(request):\n    connect_signals()\n"
    )
    assert sig103(code, **{"shop/apps.py": READY_CALLS}) == [(16, 5)]


def test_test_setup_paired_with_a_teardown_disconnect_is_not_flagged():
    test = """
        from unittest import TestCase

        from django.db.models.signals import post_save

        class OrderTests(TestCase):
            def setUp(self):
                self.handler = lambda sender, **kwargs: None
                post_save.connect(self.handler, weak=False)

            def tearDown(self):
                post_save.disconnect(self.handler)
        """
    assert project_positions({**APP, "shop/tests.py": test}, "SIG103") == []


def test_message_names_receiver_signal_and_function():
    code = in_view(
        "def on_save(sender, **kwargs):\n    pass\npost_save.connect(on_save, weak=False)"
    )
    (finding,) = project_findings({**APP, "shop/views.py": HEADER + code}, "SIG103")
    assert (
        "`on_save`" in finding.message
        and "`post_save`" in finding.message
        and "`view`" in finding.message
    )
    assert "`dispatch_uid`" in finding.message


# -- code that runs once per process, or never (issue 11: real projects) -------------------------

NESTED = "def on_save(sender, **kwargs):\n    pass\npost_save.connect(on_save, weak=False)"


def test_a_migration_function_runs_once_per_migrate():
    code = in_view(NESTED) + "\n\nclass Migration:\n    operations = []\n"
    assert (
        sig103(code, "shop/migrations/0002_backfill.py", **{"shop/migrations/__init__.py": ""})
        == []
    )
    assert sig103(code, "shop/helpers.py") == [(18, 5)]  # the same code elsewhere


def test_a_management_command_handle_runs_once():
    code = "class Command:\n    def handle(self, *args, **options):\n" + "".join(
        f"        {line}\n" for line in NESTED.split("\n")
    )
    commands = {"shop/management/__init__.py": "", "shop/management/commands/__init__.py": ""}
    assert sig103(code, "shop/management/commands/reindex.py", **commands) == []
    helper = code.replace("def handle(", "def process_one(")  # a helper handle() may call in a loop
    assert sig103(helper, "shop/management/commands/reindex.py", **commands) == [(19, 9)]


def test_a_module_no_import_can_name_is_never_run():
    assert sig103(in_view(NESTED), ".semgrep/django/connect.py") == []
    assert sig103(in_view(NESTED), "tools/rule-fixtures/connect.py") == []


def test_a_module_django_never_imports_is_not_flagged_once_settings_and_urlconf_are_known():
    settings = {
        "config/__init__.py": "",
        "config/settings.py": 'INSTALLED_APPS = ["shop"]\nROOT_URLCONF = "shop.urls"\n',
        "shop/urls.py": "from shop import views  # noqa: F401\nurlpatterns = []\n",
    }
    assert sig103(in_view(NESTED), "shop/views.py", **settings) == [(18, 5)]
    assert sig103(in_view(NESTED), "shop/legacy.py", **settings) == []
    no_urlconf = {**settings, "config/settings.py": 'INSTALLED_APPS = ["shop"]\n'}
    assert sig103(in_view(NESTED), "shop/legacy.py", **no_urlconf) == [(18, 5)]


def test_a_handler_that_disconnects_itself_is_a_one_shot():
    one_shot = in_view(
        "def on_save(sender, **kwargs):\n"
        "    post_save.disconnect(on_save)\n"
        "post_save.connect(on_save, weak=False)"
    )
    assert sig103(one_shot) == []
    other = in_view(
        "def on_save(sender, **kwargs):\n"
        "    post_save.disconnect(notify)\n"
        "post_save.connect(on_save, weak=False)"
    )
    assert sig103(other) == [(18, 5)]  # disconnecting something else is no one-shot
