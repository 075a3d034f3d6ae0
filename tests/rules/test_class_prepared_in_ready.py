"""SIG003 class-prepared-in-ready."""

from __future__ import annotations

import textwrap

from conftest import findings_for, fixed, fixes, positions, project_findings, project_positions


def sig003(source: str, **kwargs: str):
    return positions(source, "SIG003", **kwargs)


CONFIG = """
from django.apps import AppConfig
from django.db.models.signals import class_prepared, post_migrate

def add_fields(sender, **kwargs):
    pass

class CoreConfig(AppConfig):
    name = "core"

    def {method}(self{params}):
        {body}
"""


def in_method(method: str, body: str, params: str = "") -> list:
    return sig003(CONFIG.format(method=method, body=body, params=params))


def test_connect_in_ready_is_flagged_at_the_connect_call():
    assert in_method("ready", "class_prepared.connect(add_fields)") == [(11, 9)]


def test_connect_in_appconfig_init_is_not_flagged():
    assert (
        in_method("__init__", "class_prepared.connect(add_fields)", params=", app_name, app_module")
        == []
    )


def test_other_signals_in_ready_are_not_flagged():
    assert in_method("ready", "post_migrate.connect(add_fields, sender=self)") == []


def test_disconnect_in_ready_is_not_flagged():
    assert in_method("ready", "class_prepared.disconnect(add_fields)") == []


def test_message_says_when_the_signal_was_sent_and_where_to_connect():
    (finding,) = findings_for(
        CONFIG.format(method="ready", body="class_prepared.connect(add_fields)", params=""),
        code="SIG003",
    )
    assert "`add_fields`" in finding.message and "`class_prepared`" in finding.message
    assert "`AppConfig.__init__`" in finding.message


def test_module_level_connection_is_not_flagged():
    assert (
        sig003(
            """
        from django.db.models.signals import class_prepared

        def add_fields(sender, **kwargs):
            pass

        class_prepared.connect(add_fields)
        """
        )
        == []
    )


def test_ready_of_a_class_that_is_not_an_appconfig_is_not_flagged():
    assert (
        sig003(
            """
        from django.db.models.signals import class_prepared

        def add_fields(sender, **kwargs):
            pass

        class Plugin:
            def ready(self):
                class_prepared.connect(add_fields)
        """
        )
        == []
    )


def test_project_base_config_counts_in_an_apps_module():
    source = """
    from core.apps import BaseConfig
    from django.db.models.signals import class_prepared

    def add_fields(sender, **kwargs):
        pass

    class ShopConfig(BaseConfig):
        def ready(self):
            class_prepared.connect(add_fields)
    """
    assert sig003(source, path="shop/apps.py", module="shop.apps") == [(9, 9)]
    assert sig003(source, path="shop/plugins.py", module="shop.plugins") == []


def test_receiver_list_with_class_prepared_is_flagged_once():
    assert sig003(
        """
        from django.apps import AppConfig
        from django.db.models.signals import class_prepared, post_migrate
        from django.dispatch import receiver

        class CoreConfig(AppConfig):
            name = "core"

            def ready(self):
                @receiver([post_migrate, class_prepared], weak=False)
                def on_event(sender, **kwargs):
                    pass
        """
    ) == [(9, 10)]


def test_connection_in_a_function_nested_in_ready_is_not_flagged():
    assert (
        in_method(
            "ready",
            "def later():\n            class_prepared.connect(add_fields)\n        self.later = later",
        )
        == []
    )


def test_signals_module_and_alias_spellings_are_resolved():
    assert sig003(
        """
        from django.apps import AppConfig
        from django.db.models import signals
        from django.db.models.base import class_prepared as prepared

        def add_fields(sender, **kwargs):
            pass

        class CoreConfig(AppConfig):
            name = "core"

            def ready(self):
                signals.class_prepared.connect(add_fields)
                prepared.connect(add_fields)
        """
    ) == [(12, 9), (13, 9)]


# --- the project check: modules imported only from ready(), helpers ready() calls ----------


PROJECT = {
    "config/__init__.py": "",
    "config/settings.py": 'INSTALLED_APPS = ["core.apps.CoreConfig"]\n',
    "core/__init__.py": "",
    "core/models.py": "from django.db import models\n\nclass Article(models.Model):\n    pass\n",
}
HOOKS = (
    "from django.db.models.signals import class_prepared\n\ndef add_fields(sender, **kwargs):\n"
    "    pass\n\nclass_prepared.connect(add_fields)\n"
)


def apps_with_ready(body: str) -> str:
    return (
        "from django.apps import AppConfig\n\nclass CoreConfig(AppConfig):\n    name = 'core'\n\n    def ready(self):\n"
        + "".join(f"        {line}\n" for line in body.split("\n"))
    )


def project_sig003(**files: str):
    return project_positions({**PROJECT, **files}, "SIG003")


def test_module_imported_only_from_ready_is_flagged_at_its_connect():
    assert project_sig003(
        **{
            "core/apps.py": apps_with_ready("from core import hooks  # noqa: F401"),
            "core/hooks.py": HOOKS,
        }
    ) == [("core/hooks.py", 6, 1)]


def test_module_imported_by_a_module_ready_imports_is_flagged_too():
    files = {
        "core/apps.py": apps_with_ready("import core.wiring  # noqa: F401"),
        "core/wiring.py": "import core.hooks  # noqa: F401\n",
        "core/hooks.py": HOOKS,
    }
    assert project_sig003(**files) == [("core/hooks.py", 6, 1)]


def test_module_a_models_module_imports_as_well_is_not_flagged():
    files = {
        "core/apps.py": apps_with_ready("from core import hooks  # noqa: F401"),
        "core/hooks.py": HOOKS,
        "core/models.py": PROJECT["core/models.py"] + "\nimport core.hooks  # noqa: F401\n",
    }
    assert project_sig003(**files) == []


def test_admin_modules_are_imported_from_admins_ready():
    settings = 'INSTALLED_APPS = ["django.contrib.admin", "core.apps.CoreConfig"]\n'
    assert project_sig003(
        **{
            "config/settings.py": settings,
            "core/apps.py": apps_with_ready("pass"),
            "core/admin.py": HOOKS,
        }
    ) == [("core/admin.py", 6, 1)]


def test_helper_function_that_ready_calls_is_flagged_at_its_connect():
    helper = (
        "from django.db.models.signals import class_prepared\n\n"
        "def add_fields(sender, **kwargs):\n    pass\n\ndef connect_project_signals():\n"
        "    class_prepared.connect(add_fields)\n"
    )
    files = {
        "core/apps.py": apps_with_ready(
            "from core.wiring import connect_project_signals\nconnect_project_signals()"
        ),
        "core/wiring.py": helper,
    }
    (finding,) = project_findings({**PROJECT, **files}, "SIG003")
    assert (finding.path, finding.line, finding.column + 1) == ("core/wiring.py", 7, 5)
    assert (
        "`connect_project_signals()`" in finding.message
        and "`AppConfig.ready()`" in finding.message
    )


def test_helper_called_from_appconfig_init_is_not_flagged():
    helper = (
        "from django.db.models.signals import class_prepared\n\n"
        "def add_fields(sender, **kwargs):\n    pass\n\ndef connect_early():\n"
        "    class_prepared.connect(add_fields)\n"
    )
    apps = (
        "from django.apps import AppConfig\n\nfrom core.wiring import connect_early\n\n"
        "class CoreConfig(AppConfig):\n    name = 'core'\n\n"
        "    def __init__(self, app_name, app_module):\n"
        "        super().__init__(app_name, app_module)\n        connect_early()\n"
    )
    assert project_sig003(**{"core/apps.py": apps, "core/wiring.py": helper}) == []


def test_a_function_nothing_calls_at_start_up_is_not_judged():
    later = (
        "from django.db.models.signals import class_prepared\n\n"
        "def add_fields(sender, **kwargs):\n    pass\n\ndef connect_later():\n"
        "    class_prepared.connect(add_fields)\n"
    )
    assert (
        project_sig003(
            **{
                "core/apps.py": apps_with_ready("from core import wiring  # noqa: F401"),
                "core/wiring.py": later,
            }
        )
        == []
    )


def test_message_says_which_module_and_why_it_loads_late():
    (finding,) = project_findings(
        {
            **PROJECT,
            "core/apps.py": apps_with_ready("from core import hooks  # noqa: F401"),
            "core/hooks.py": HOOKS,
        },
        "SIG003",
    )
    assert (
        "`core.hooks`" in finding.message
        and "`AppConfig.ready()`" in finding.message
        and "core.apps" in finding.message
    )


def test_the_findings_are_exactly_the_receivers_that_never_see_a_model_at_runtime():
    """fixtures/projects/class_prepared under real Django: receivers flagged by SIG003 saw no model."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from signal_lint.config import Config
    from signal_lint.engine import check_paths

    project = Path(__file__).resolve().parents[2] / "fixtures" / "projects" / "class_prepared"
    result = check_paths([str(project)], Config(root=str(project)), jobs=1, use_cache=False)
    flagged = {
        Path(f.path).resolve().relative_to(project).as_posix()
        for f in result.findings
        if f.code == "SIG003"
    }
    assert {(Path(f.path).name, f.code) for f in result.findings} == {
        ("late_hooks.py", "SIG003"),
        ("wiring.py", "SIG003"),
    }
    script = (
        "import django, json; django.setup(); import core.early_hooks as e, core.late_hooks as "
        "l, core.wiring as w; print(json.dumps({'core/early_hooks.py': e.SEEN, "
        "'core/late_hooks.py': l.SEEN, 'core/wiring.py': w.SEEN}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(project),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["core/early_hooks.py"] == ["Article"]
    assert {path for path, models in seen.items() if not models} == flagged


def test_a_class_prepared_receiver_in_a_ready_django_never_runs_is_not_sig003():
    """Only the AppConfig Django selects runs ``ready()``; an unselected one's is SIG101's."""
    apps = (
        "from django.apps import AppConfig\n"
        "from django.db.models.signals import class_prepared\n\n"
        "def add_fields(sender, **kwargs):\n    pass\n\n"
        "class ShopConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n        class_prepared.connect(add_fields)\n\n"
        "class OtherConfig(AppConfig):\n    name = 'shop'\n\n"
        "    def ready(self):\n        class_prepared.connect(add_fields)\n"
    )
    files = {
        "config/__init__.py": "",
        "config/settings.py": 'INSTALLED_APPS = ["shop.apps.ShopConfig"]\n',
        "shop/__init__.py": "",
        "shop/apps.py": apps,
    }
    assert project_positions(files, "SIG003") == [("shop/apps.py", 11, 9)]
    assert [(f.path, f.line) for f in project_findings(files, "SIG101")] == [("shop/apps.py", 1)]


# The fix: the connect() moves to AppConfig.__init__.


CORE = """\
from django.apps import AppConfig{extra}
from django.db.models.signals import class_prepared

def add_fields(sender, **kwargs):
    pass

class CoreConfig(AppConfig):
    name = "core"

{methods}"""


def core_config(methods: str, extra: str = "") -> str:
    """An apps module with ``add_fields`` and a ``CoreConfig`` holding ``methods`` (dedented)."""
    return CORE.format(extra=extra, methods=textwrap.indent(textwrap.dedent(methods), "    "))


def test_fix_appends_to_an_existing_init_and_keeps_ready_s_other_statements():
    init = """
        def __init__(self, app_name, app_module):
            super().__init__(app_name, app_module)
            self.ready_count = 0
        """
    source = core_config(
        init
        + """
        def ready(self):
            # fields for every model
            class_prepared.connect(add_fields, weak=False)
            self.ready_count += 1
        """
    )
    assert fixed(source, "SIG003") == core_config(
        init.rstrip()
        + """
            # fields for every model
            class_prepared.connect(add_fields, weak=False)

        def ready(self):
            self.ready_count += 1
        """
    )


def test_fix_moves_a_connection_past_ready_s_other_imports():
    source = core_config(
        """
        def ready(self):
            from . import checks  # noqa: F401
            class_prepared.connect(add_fields)
        """
    )
    assert fixes(source, "SIG003") == [("connect-in-init", "unsafe")]
    assert "super().__init__(*args, **kwargs)\n        class_prepared.connect(add_fields)\n" in (
        fixed(source, "SIG003")
    )


def test_no_fix_for_what_ready_imports_or_computes():
    source = core_config(
        """
        def ready(self):
            from .handlers import on_prepared
            class_prepared.connect(on_prepared)
            class_prepared.connect(self.on_prepared)
            class_prepared.connect(add_fields, sender=apps.get_model("core", "Item"))
        """,
        extra=", apps",
    )
    assert fixes(source, "SIG003") == [None, None, None]
    assert fixed(source, "SIG003") == source


def test_the_fixer_itself_refuses_a_statement_that_is_not_plain():
    """Each check the rule makes, the fixer makes on the tree again: two statements on a line."""
    source = core_config(
        """
        def ready(self):
            print("ready"); class_prepared.connect(add_fields)
        """
    )
    assert fixes(source, "SIG003") == [("connect-in-init", "unsafe")]
    assert fixed(source, "SIG003") == source


def test_checking_the_project_offers_the_same_fix():
    """In a project run the project half reports ready()'s connections: with the fix."""
    apps = core_config("def ready(self):\n    class_prepared.connect(add_fields)\n")
    files = {"shop/__init__.py": "", "shop/apps.py": apps}
    (finding,) = project_findings(files, "SIG003")
    assert (finding.line, finding.fix.kind, finding.fix.applicability) == (
        11,
        "connect-in-init",
        "unsafe",
    )
