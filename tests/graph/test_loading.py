"""What Django loads by itself, and when: ``signal_lint.graph.loading`` on fixtures/projects/loading
and on small projects given inline."""

from __future__ import annotations

import pytest
from graph_helpers import graph_of

from signal_lint.graph.loading import LATER, POPULATE, READY_PHASE

pytest_plugins = ["graph_fixtures"]  # the fixture projects' graphs

# fixtures/projects/loading: module -> the phase Django first imports it in
EXPECTED_PHASES = {
    "config": POPULATE,
    "config.settings": POPULATE,  # settings
    "config.wsgi": POPULATE,  # entry points
    "manage": POPULATE,
    "shop": POPULATE,  # "shop.apps.ShopConfig" in INSTALLED_APPS
    "shop.apps": POPULATE,
    "shop.models": POPULATE,  # a models package
    "shop.models.order": POPULATE,
    "shop.model_hooks": POPULATE,  # imported by a models module
    "blog": POPULATE,  # "blog": a plain package with apps.py
    "blog.apps": POPULATE,
    "blog.models": POPULATE,
    "blog.hooks.namespace_hooks": POPULATE,  # blog/hooks/ has no __init__.py: a namespace package
    "reports": POPULATE,  # an app without apps.py
    "reports.models": POPULATE,
    "reports.receivers": POPULATE,
    "shop.signals_ready": READY_PHASE,  # imported in ready()
    "shop.handlers": READY_PHASE,  # autodiscover_modules("handlers") in ready()
    "shop.admin": READY_PHASE,  # the admin's autodiscover(), in its ready()
    "shop.admin_hooks": READY_PHASE,
    "config.urls": LATER,  # ROOT_URLCONF: the first request
    "blog.views": LATER,
    "blog.view_hooks": LATER,
    "shop.management": LATER,  # management commands
    "shop.management.commands": LATER,
    "shop.management.commands.rebuild": LATER,
    "shop.command_hooks": LATER,
    "shop.migrations": LATER,  # migrations
    "shop.migrations.0001_initial": LATER,
    "shop.migration_hooks": LATER,
    "shop.templatetags": LATER,  # template tag libraries
    "shop.templatetags.shop_tags": LATER,
    "shop.tag_hooks": LATER,
}


def test_every_module_django_loads_has_its_phase(loading_project):
    assert loading_project.loading.phase == EXPECTED_PHASES


def test_modules_only_tests_import_and_orphans_are_not_loaded(loading_project):
    loaded = loading_project.loading.loaded
    assert {
        "shop.only_tests_import",
        "shop.orphan",
        "shop.tests",
        "shop.tests.test_orders",
    }.isdisjoint(loaded)
    assert loaded == set(EXPECTED_PHASES)


def test_apps_come_from_installed_apps_with_their_configs_and_labels(loading_project):
    apps = {(app.package, app.label, app.config) for app in loading_project.loading.apps}
    assert apps == {
        ("shop", "store", "shop.apps.ShopConfig"),
        ("blog", "blog", "blog.apps.BlogConfig"),
        ("reports", "reports", None),
    }
    assert loading_project.loading.from_settings
    assert loading_project.loading.installed[-3:] == ("shop.apps.ShopConfig", "blog", "reports")


@pytest.mark.parametrize(
    "module, reason",
    [
        ("config.settings", "settings"),
        ("shop.apps", "app store"),
        ("shop.model_hooks", "imported by shop.models.order"),
        ("shop.handlers", "imported by shop.apps"),
        ("shop.admin", "admin autodiscover"),
        ("config.urls", "ROOT_URLCONF"),
        ("shop.management.commands.rebuild", "commands"),
        ("shop.migrations.0001_initial", "migrations"),
        ("shop.templatetags.shop_tags", "templatetags"),
    ],
)
def test_why_a_module_is_loaded(loading_project, module, reason):
    assert loading_project.loading.why[module] == reason


def test_connections_in_modules_nothing_loads_are_never_imported_or_test_only(loading_project):
    statuses = {
        edge.receiver.rsplit(".", 1)[-1]: edge.status for edge in loading_project.connections
    }
    assert statuses["on_order_saved_orphan"] == "never-imported"
    assert statuses["on_order_saved_only_tests_import"] == "test-only"
    assert {name for name, status in statuses.items() if status == "live"} == {
        "on_order_saved_model_hooks",
        "on_report_saved",
        "on_order_pre_save_ready",
        "on_order_deleted_autodiscovered",
        "on_order_pre_delete_admin",
        "on_post_saved_view_hooks",
        "on_post_saved_namespace_hooks",
        "on_order_saved_command_hooks",
        "on_order_saved_migration_hooks",
        "on_order_saved_tag_hooks",
    }


SETTINGS = {
    "config/__init__.py": "",
    "config/settings.py": 'INSTALLED_APPS = ["shop"]\n',
    "shop/__init__.py": "",
}


def test_a_module_reached_from_a_models_module_and_from_ready_loads_with_the_models():
    files = {
        **SETTINGS,
        "shop/models.py": "import shop.common  # noqa: F401\n",
        "shop/apps.py": (
            "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n"
            "    name = 'shop'\n\n    def ready(self):\n"
            "        import shop.common  # noqa: F401\n"
        ),
        "shop/common.py": "",
    }
    assert graph_of(files).loading.phase["shop.common"] == POPULATE


def test_imports_inside_functions_of_loaded_modules_load_later():
    files = {
        **SETTINGS,
        "shop/models.py": "def helper():\n    import shop.lazy  # noqa: F401\n",
        "shop/lazy.py": "",
    }
    assert graph_of(files).loading.phase["shop.lazy"] == LATER


def test_middleware_modules_load_with_the_handler():
    # django.core.handlers.base.BaseHandler.load_middleware() imports each MIDDLEWARE entry
    files = {
        **SETTINGS,
        "config/settings.py": (
            'INSTALLED_APPS = ["shop"]\n'
            'MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]\n'
            'MIDDLEWARE += ["shop.middleware.CartMiddleware"]\n'
        ),
        "shop/models.py": "",
        "shop/middleware.py": "",
        "shop/unused.py": "",
    }
    graph = graph_of(files)
    assert graph.loading.phase["shop.middleware"] == LATER
    assert graph.loading.why["shop.middleware"] == "MIDDLEWARE"
    assert "shop.unused" not in graph.loading.loaded


def test_admin_modules_are_not_autodiscovered_when_the_admin_is_not_installed():
    files = {**SETTINGS, "shop/models.py": "", "shop/admin.py": ""}
    assert "shop.admin" not in graph_of(files).loading.loaded
    files["config/settings.py"] = 'INSTALLED_APPS = ["django.contrib.admin", "shop"]\n'
    assert graph_of(files).loading.phase["shop.admin"] == READY_PHASE


def test_settings_named_by_manage_py_are_the_settings():
    files = {
        "manage.py": "import os\n\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'project.conf')\n",
        "project/__init__.py": "",
        "project/conf.py": 'INSTALLED_APPS = ["shop.apps.ShopConfig"]\n',
        "shop/__init__.py": "",
        "shop/apps.py": "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
    }
    graph = graph_of(files)
    assert graph.loading.installed == ("shop.apps.ShopConfig",)
    assert graph.loading.why["project.conf"] == "settings"


def test_without_any_app_every_module_counts_as_loaded():
    graph = graph_of(
        {
            "lib/__init__.py": "",
            "lib/hooks.py": (
                "from django.db.models.signals import post_save\n\ndef h(sender, **kwargs):\n"
                "    pass\n\npost_save.connect(h)\n"
            ),
        }
    )
    assert graph.loading.loaded == {"lib", "lib.hooks"}
    assert [edge.status for edge in graph.connections] == ["live"]


def test_without_settings_apps_are_packages_that_define_an_appconfig_a_model_or_a_migration():
    files = {
        # app-like: what each defines, not only what its modules are called
        "shop/__init__.py": "",
        "shop/apps.py": "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
        "blog/__init__.py": "",
        "blog/models/__init__.py": "from .post import Post\n",
        "blog/models/post.py": "from django.db import models\n\nclass Post(models.Model):\n    pass\n",
        "legacy/__init__.py": "",
        "legacy/migrations/__init__.py": "",
        "legacy/migrations/0001_initial.py": (
            "from django.db import migrations\n\nclass Migration(migrations.Migration):\n    pass\n"
        ),
        # not apps: an app registry package, model forms, the migration framework itself
        "framework/__init__.py": "",
        "framework/apps/__init__.py": "class Registry:\n    pass\n",
        "framework/forms/__init__.py": "",
        "framework/forms/models.py": "class ModelForm:\n    pass\n",
        "framework/migrations/__init__.py": "",
        "framework/migrations/migration.py": "class Migration:\n    pass\n",
    }
    graph = graph_of(files)
    assert not graph.loading.from_settings
    assert [app.package for app in graph.loading.apps] == ["blog", "legacy", "shop"]


def test_without_settings_receivers_of_a_library_package_are_not_reported_as_never_imported():
    # Django 6.x's django/tasks: the package imports its signals module; nothing Django loads
    # imports the package, but whoever uses it does (SIG101 is about apps, which Django loads)
    files = {
        "framework/__init__.py": "",
        "framework/apps/__init__.py": "class Registry:\n    pass\n",
        "framework/tasks/__init__.py": "from . import signals  # noqa: F401\n",
        "framework/tasks/signals.py": (
            "from django.core.signals import setting_changed\nfrom django.dispatch import receiver\n\n"
            "@receiver(setting_changed)\ndef reset(*, setting, **kwargs):\n    pass\n"
        ),
        "shop/__init__.py": "",
        "shop/apps.py": "from django.apps import AppConfig\n\nclass ShopConfig(AppConfig):\n    name = 'shop'\n",
    }
    graph = graph_of(files)
    assert graph.loading.app_of("framework.tasks.signals") is None
    from signal_lint.catalog import load_catalog
    from signal_lint.rules.context import RuleContext
    from signal_lint.rules.receivers_never_imported import ReceiversNeverImported

    assert (
        list(ReceiversNeverImported().check_project(graph, RuleContext(load_catalog(None)))) == []
    )


# --- which AppConfig Django selects (django/apps/config.py, AppConfig.create) -----------------


def test_each_entry_gets_the_config_django_selects(appconfigs_project):
    apps = {app.package: (app.config, app.label) for app in appconfigs_project.loading.apps}
    assert apps == {
        "explicit": ("explicit.apps.SecondConfig", "explicit_second"),  # named by the entry
        "defaulted": ("defaulted.apps.MainConfig", "defaulted"),  # default = True
        "single": ("single.apps.SingleConfig", "single"),  # the only subclass
        "ambiguous": (None, "ambiguous"),  # two, no default: the base AppConfig
        "optedout": (None, "optedout"),  # default = False
        "inherited": ("inherited.apps.InheritedConfig", "inherited"),  # imported base opts out
        "twice": (None, "twice"),  # an imported subclass makes two candidates
    }


def test_configs_django_does_not_select_never_run(appconfigs_project):
    inactive = appconfigs_project.loading.inactive_configs
    assert set(inactive) == {
        "explicit.apps.FirstConfig",
        "defaulted.apps.PlainConfig",
        "ambiguous.apps.LeftConfig",
        "ambiguous.apps.RightConfig",
        "optedout.apps.OptedOutConfig",
        "twice.base.TwiceBaseConfig",
        "twice.apps.TwiceConfig",
    }  # inherited.base.SharedConfig runs: InheritedConfig's ready() is its
    assert "none sets `default = True`" in inactive["ambiguous.apps.LeftConfig"]
    assert "`explicit.apps.SecondConfig`" in inactive["explicit.apps.FirstConfig"]


def test_modules_only_an_unselected_ready_imports_are_never_imported(appconfigs_project):
    loaded = appconfigs_project.loading.loaded
    assert "explicit.second_receivers" in loaded and "single.receivers" in loaded
    assert {"explicit.first_receivers", "ambiguous.handlers"}.isdisjoint(loaded)


def test_connections_in_an_unselected_ready_never_run(appconfigs_project):
    statuses = {
        edge.receiver.rsplit(".", 1)[-1]: (edge.status, edge.reason)
        for edge in appconfigs_project.connections
    }
    live = {name for name, (status, _) in statuses.items() if status == "live"}
    assert live == {
        "second_config_ready",
        "on_request_started_second",
        "main_config_ready",
        "single_config_ready",
        "on_request_started_single",
        "shared_config_ready",
    }
    status, reason = statuses["left_config_ready"]
    assert status == "never-imported"
    assert reason.startswith("`ambiguous.apps.LeftConfig.ready()` never runs: Django uses the base")


def test_two_defaults_make_django_fail_and_no_config_is_selected():
    files = {
        **SETTINGS,
        "shop/apps.py": (
            "from django.apps import AppConfig\n\n"
            "class A(AppConfig):\n    name = 'shop'\n    default = True\n\n"
            "class B(AppConfig):\n    name = 'shop'\n    default = True\n"
        ),
    }
    (app,) = graph_of(files).loading.apps
    assert app.config is None
    assert "more than one default AppConfig" in app.why_base


def test_an_app_without_apps_py_uses_the_base_config():
    (app,) = graph_of({**SETTINGS, "shop/models.py": ""}).loading.apps
    assert (app.config, app.why_base) == (None, "`shop` has no `apps.py`")


def test_without_settings_no_config_is_judged_inactive():
    files = {
        "shop/__init__.py": "",
        "shop/apps.py": (
            "from django.apps import AppConfig\n\n"
            "class A(AppConfig):\n    name = 'shop'\n\n"
            "class B(AppConfig):\n    name = 'shop'\n"
        ),
    }
    graph = graph_of(files)
    assert graph.loading.inactive_configs == {}  # INSTALLED_APPS may name either class


# --- what only the tests load -------------------------------------------------------------


def test_modules_only_the_tests_import_are_test_only(loading_project):
    assert loading_project.loading.test_only == {
        "shop.tests": "a test module",
        "shop.tests.test_orders": "a test module",
        "shop.only_tests_import": "imported by shop.tests.test_orders (tests)",
    }


def test_test_support_packages_and_the_test_command_load_for_the_tests_only():
    files = {
        **SETTINGS,
        "shop/models.py": "",
        "shop/testing/__init__.py": "from shop.testing import factories  # noqa: F401\n",
        "shop/testing/factories.py": "import shop.fakes  # noqa: F401\n",
        "shop/fakes.py": "",
        "shop/management/__init__.py": "",
        "shop/management/commands/__init__.py": "",
        "shop/management/commands/test.py": "import shop.runner  # noqa: F401\n",
        "shop/management/commands/rebuild.py": "",
        "shop/runner.py": "",
    }
    loading = graph_of(files).loading
    assert loading.test_only == {
        "shop.testing": "test support",
        "shop.testing.factories": "test support",
        "shop.fakes": "imported by shop.testing.factories (tests)",
        "shop.management.commands.test": "the test command",
        "shop.runner": "imported by shop.management.commands.test (tests)",
    }
    assert "shop.management.commands.rebuild" in loading.loaded
    assert set(loading.test_only).isdisjoint(loading.loaded)


# --- modules ready() imports by computed name ------------------------------------------------


def test_modules_ready_imports_by_a_name_built_from_self_name_load_in_ready():
    from graph_helpers import PROJECTS, graph_of_directory

    loading = graph_of_directory(PROJECTS / "dynamic_imports").loading
    expected = {
        "fstring.handlers",  # import_module(f"{self.name}.handlers")
        "concat.signals",  # self.name + ".signals"
        "percent.receivers",  # "%s.receivers" % self.name
        "formatted.hooks",  # "{}.hooks".format(self.name)
        "dunder.wiring",  # __import__("dunder.wiring")
        "dunder.tasks",  # import_string("dunder.tasks.run")
        "helper.handlers",  # in a method ready() calls
        "helper.late",  # in a module function that method calls
        "shared.handlers",  # in a base config's ready(), with the subclass's name
    } | {f"{app}.listeners" for app in ("fstring", "concat", "shared")}  # autodiscover_modules
    assert {module: loading.phase.get(module) for module in expected} == dict.fromkeys(
        expected, READY_PHASE
    )
    assert not any(module.endswith(".unused") for module in loading.loaded)


@pytest.mark.parametrize(("name", "earlier"), [("dynamic_imports", True), ("loading", False)])
def test_following_again_with_the_start_up_functions_is_a_full_computation(name, earlier):
    """``reloaded()`` redoes only the import closure: it must give what computing everything
    again with the functions start-up runs gives, in the same order."""
    from graph_helpers import PROJECTS, graph_of_directory

    from signal_lint.graph.calls import compute_calls
    from signal_lint.graph.loading import compute_loading, reloaded

    project = graph_of_directory(PROJECTS / name).project
    first = compute_loading(project)
    reached = compute_calls(project, first).reached
    assert reached
    again, full = reloaded(project, first, reached), compute_loading(project, reached)
    for part in ("loaded", "phase", "why", "test_only", "apps", "settings", "inactive_configs"):
        assert list(getattr(again, part)) == list(getattr(full, part))
        assert getattr(again, part) == getattr(full, part)
    assert (again.phase != first.phase) == earlier  # helpers' imports load at start-up


def test_what_an_import_runs_is_remembered_per_import_and_in_python_s_order():
    """``Project.imports`` is memoised: asking twice, or for a name it saw inside another import,
    must give what the import runs, parent packages first, submodules and re-exports included."""
    project = graph_of(
        {
            "shop/__init__.py": "from shop.core.signals import order_placed\n",
            "shop/core/__init__.py": "",
            "shop/core/signals.py": "order_placed = object()\n",
            "shop/handlers/__init__.py": "",
            "shop/handlers/mail.py": "",
        }
    ).project
    assert project.loads("shop.handlers.mail.send") == (
        "shop",
        "shop.handlers",
        "shop.handlers.mail",
    )
    assert project.imports("shop.handlers", ("mail", "missing")) == (
        "shop",
        "shop.handlers",
        "shop.handlers.mail",
    )
    assert project.imports("shop", ("order_placed",)) == ("shop", "shop.core", "shop.core.signals")
    assert project.imports("shop", ("order_placed",)) == ("shop", "shop.core", "shop.core.signals")
    assert project.imports("shop.core", ()) == ("shop", "shop.core")
    assert project.imports("elsewhere", ("x",)) == ()
