"""Which modules Django imports by itself, and what they import in turn.

Django imports, for every installed app: the app package, its ``apps.py``,
its ``models`` module (``apps.populate()``), and then runs ``ready()``; the
admin autodiscovers ``admin.py``; the template engine imports every
``templatetags`` module; the first request imports ``ROOT_URLCONF``, and the
handler the modules of ``MIDDLEWARE``; ``manage.py`` imports management commands, ``migrate`` the migrations; the
WSGI/ASGI entry points and settings are imported first of all.  Everything
those import (at module level, in ``ready()``, or in any function of theirs)
is loaded too.  Imports made only by test modules do not count: a receivers
module that only the tests import is dead in production.

https://docs.djangoproject.com/en/stable/ref/applications/#how-applications-are-loaded
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from signal_lint.extract.bindings import SELF_NAME
from signal_lint.extract.facts import APPCONFIG_INIT, CLASS_BODY, MODULE, READY, FileFacts, Import
from signal_lint.graph.project import Project

SETTINGS_NAMES = ("settings",)
# Packages whose settings are not this code's project (module names are relative to the source root).
_NOT_THE_PROJECT = re.compile(
    r"(tests?|testing|examples?|sandbox|docs?|demo|samples?)$"
    r"|(tests?|examples?|demo|sample)[_-]?(project|site|app|proj)s?$",
    re.IGNORECASE,
)
ENTRY_POINT_NAMES = ("manage", "wsgi", "asgi")
AUTODISCOVERED = ("admin",)  # django.contrib.admin's autodiscover()
SUBPACKAGES = ("management.commands", "migrations", "templatetags")
MIGRATION_BASES = ("django.db.migrations.Migration", "django.db.migrations.migration.Migration")
_SUBPACKAGE_ENDINGS = tuple("." + sub for sub in SUBPACKAGES)
# Running these commands is running the tests: what they import is loaded for the tests only.
TEST_COMMANDS = (".management.commands.test", ".management.commands.testserver")
# Packages (or modules) that support tests without being a test suite: ``django/test/``, an app's
# ``testing/`` or ``testing.py``. Only the tests import them, so their receivers are test-only.
TEST_SUPPORT_NAMES = ("test", "testing")

# When a module is first imported, relative to ``apps.populate()``: while the apps and their models
# load (``class_prepared`` is sent then), from ``AppConfig.ready()`` (admin's autodiscover
# included), or later (URLconf at the first request, management commands, migrations, template
# tags, imports inside functions).
POPULATE, READY_PHASE, LATER = 0, 1, 2
PHASE_NAMES = ("populate", "ready", "later")
# The phase an import runs in, by where the import statement is (at least its module's phase).
IMPORT_PHASE = {
    MODULE: POPULATE,
    CLASS_BODY: POPULATE,
    APPCONFIG_INIT: POPULATE,
    READY: READY_PHASE,
}


@dataclass
class App:
    """An installed app of the project: its package, label and AppConfig (if any)."""

    package: str
    label: str
    config: str | None = None  # qualified name of its AppConfig class; None: the base AppConfig
    why_base: str = ""  # when ``config`` is None: why Django falls back to the base AppConfig


@dataclass
class Loading:
    apps: list[App] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)  # modules Django ends up importing
    phase: dict[str, int] = field(
        default_factory=dict
    )  # loaded module -> POPULATE, READY_PHASE or LATER
    # module -> the module whose import brought it in (for explanations); roots map to a reason string
    why: dict[str, str] = field(default_factory=dict)
    installed: tuple[str, ...] = ()  # INSTALLED_APPS as written
    # the other settings the settings modules assign strings to (AUTH_USER_MODEL, ...): the last value
    settings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    from_settings: bool = False  # False: no INSTALLED_APPS found, every app-like package counted
    # modules imported only when the tests run (the test suites, test-support packages such as
    # ``django.test`` and what only they import) -> why; never in ``loaded``
    test_only: dict[str, str] = field(default_factory=dict)
    # AppConfig classes of installed apps that Django does not select (nor inherit from): their
    # ``ready()`` and ``__init__`` never run -> why
    inactive_configs: dict[str, str] = field(default_factory=dict)
    _by_package: dict[str, App] = field(default_factory=dict, repr=False)
    # what Django imports by itself -> (why, phase); None when no app was found (everything loads)
    _roots: dict[str, tuple[str, int]] | None = field(default=None, repr=False, compare=False)
    # module -> what each of its imports runs (``_targets``), computed once for both passes
    _targets: dict[str, list[tuple[str, ...] | None]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def never_runs(self, module: str, function: str | None) -> str | None:
        """Why ``function`` (a qualname in ``module``) never runs, when it is the ``ready()`` or
        ``__init__`` of an AppConfig Django does not select; None otherwise."""
        if not self.inactive_configs or not function or "." not in function:
            return None
        return self.inactive_configs.get(f"{module}.{function.rsplit('.', 1)[0]}")

    def app_of(self, module: str) -> App | None:
        """The app whose package holds ``module`` (the innermost one): a lookup per parent package."""
        if len(self._by_package) != len(self.apps):
            self._by_package = {}
            for app in self.apps:
                self._by_package.setdefault(app.package, app)
        name = module
        while name:
            found = self._by_package.get(name)
            if found is not None:
                return found
            name = name.rpartition(".")[0]
        return None


def compute_loading(project: Project, reached: dict[str, int] | None = None) -> Loading:
    """``reached``: the functions run at start-up, with their phase (``Calls.reached``): imports
    in them load with that phase (``ready()`` calling a helper that imports the receivers)."""
    loading = Loading()
    settings_modules = _settings_modules(project)
    installed: list[str] = []
    urlconfs: list[str] = []
    middleware: list[str] = []  # the handler imports each entry's module (load_middleware())
    for module in settings_modules:
        values = dict(project.modules[module].settings)
        for name, strings in project.modules[module].settings:
            if name not in ("INSTALLED_APPS", "DJANGO_SETTINGS_MODULE"):
                loading.settings[name] = strings
            if name == "INSTALLED_APPS":
                installed.extend(s for s in strings if s not in installed)
            if name == "MIDDLEWARE":
                middleware.extend(entry.rpartition(".")[0] for entry in strings)
        urlconfs.extend(values.get("ROOT_URLCONF", ()))
    loading.installed = tuple(installed)
    loading.from_settings = bool(installed)
    # Apps from INSTALLED_APPS, plus every other app-like package (apps.py or models): a tree may hold
    # several projects, a project template's settings, or reusable apps whose INSTALLED_APPS live in
    # the user's project. SIG101 is about modules an app never imports, not about uninstalled apps.
    loading.apps = _apps(project, installed)
    loading.inactive_configs = _inactive_configs(project, loading.apps)
    known = {app.package for app in loading.apps}
    loading.apps += [app for app in _guessed_apps(project) if app.package not in known]
    if not loading.apps:
        # Not a Django project (or not enough of one to tell): nothing is known to be dead.
        loading.loaded = set(project.modules)
        loading.phase = dict.fromkeys(project.modules, POPULATE)
        loading.why = dict.fromkeys(
            project.modules, "no Django app found: every module counts as loaded"
        )
        return loading
    roots: dict[str, tuple[str, int]] = {}

    def root(module: str, reason: str, phase: int) -> None:
        if module not in roots or phase < roots[module][1]:
            roots[module] = (reason, phase)

    for module in settings_modules:
        root(module, "settings", POPULATE)
    for module, facts in project.modules.items():
        if (
            module.rsplit(".", 1)[-1] in ENTRY_POINT_NAMES
            and not facts.is_test
            and not project.installed(module)
        ):
            root(module, "entry point", POPULATE)
    for urlconf in urlconfs:
        root(urlconf, "ROOT_URLCONF", LATER)
    for module in middleware:
        if module:
            root(module, "MIDDLEWARE", LATER)
    admin_installed = not loading.from_settings or any(
        a.startswith("django.contrib.admin") for a in installed
    )
    subpackage_modules: dict[
        str, list[str]
    ] = {}  # "shop.migrations" -> it and the modules below it
    for module in project.modules:
        parts = module.split(".")
        for end in range(1, len(parts) + 1):
            prefix = ".".join(parts[:end])
            if prefix.endswith(_SUBPACKAGE_ENDINGS):
                subpackage_modules.setdefault(prefix, []).append(module)
    for app in loading.apps:
        for suffix in ("", ".apps", ".models"):
            root(app.package + suffix, f"app {app.label}", POPULATE)
        if app.config:
            root(app.config.rsplit(".", 1)[0], f"app {app.label}", POPULATE)
        if admin_installed:
            for name in AUTODISCOVERED:
                root(
                    f"{app.package}.{name}", "admin autodiscover", READY_PHASE
                )  # admin's ready() imports them
        for sub in SUBPACKAGES:
            for module in subpackage_modules.get(f"{app.package}.{sub}", ()):
                if not module.endswith(TEST_COMMANDS):
                    root(module, sub.split(".")[-1], LATER)
    loading._roots = roots
    _close(project, loading, roots, reached or {})
    _close_tests(project, loading)
    return loading


def reloaded(project: Project, loading: Loading, reached: dict[str, int]) -> Loading:
    """``compute_loading(project, reached)``, given ``loading = compute_loading(project)``: the
    settings, apps and roots do not depend on ``reached``, so only the imports are followed again."""
    if loading._roots is None:
        return loading  # no app: every module counts as loaded, whatever runs
    again = replace(loading, loaded=set(), phase={}, why={}, test_only={})
    _close(project, again, loading._roots, reached)
    # Imports in functions are followed either way (as made later, without ``reached``): the same
    # modules load, some earlier, so what only the tests import is the same.
    if again.loaded == loading.loaded:
        again.test_only = loading.test_only
    else:
        _close_tests(project, again)
    return again


def is_test_suite(facts: FileFacts) -> bool:
    """A test module proper (``tests.py``, ``test_*.py``, ``tests/``), not test support."""
    return facts.is_test and not is_test_support(facts.module)


def is_test_support(module: str) -> bool:
    """A module of a test-support package (``django.test``, ``shop.testing``) or ``testing.py``."""
    parts = module.split(".")
    return any(part in TEST_SUPPORT_NAMES for part in parts[:-1]) or parts[-1] == "testing"


def _close_tests(project: Project, loading: Loading) -> None:
    """What the tests import that nothing Django loads in production does: from the test suites,
    the test-support packages and the ``test`` command, every import, wherever it is made."""
    queue: list[str] = []

    def load(modules: Sequence[str], reason: str) -> None:
        for candidate in modules:
            if candidate not in loading.loaded and candidate not in loading.test_only:
                loading.test_only[candidate] = reason
                queue.append(candidate)

    for module, facts in sorted(project.modules.items()):
        if module.endswith(TEST_COMMANDS):
            load(project.loads(module), "the test command")
        elif is_test_suite(facts):
            load(project.loads(module), "a test module")
        elif is_test_support(module):
            load(project.loads(module), "test support")
    while queue:
        module = queue.pop()
        for imported in project.modules[module].imports:
            load(
                imported_modules(project, loading, imported.module, imported.names),
                f"imported by {module} (tests)",
            )


def _settings_modules(project: Project) -> list[str]:
    named: set[str] = set()
    for facts in project.modules.values():
        for name, strings in facts.settings:
            if name == "DJANGO_SETTINGS_MODULE":
                named.update(strings)
    # Settings of a test suite describe the tests' project, not this code's: a reusable app's
    # test settings must not make its other apps look uninstalled.
    found = [m for m in named if m in project.modules and not _template_or_test(project.modules[m])]
    for module, facts in project.modules.items():
        parts = module.split(".")
        if parts[-1] not in SETTINGS_NAMES and (len(parts) < 2 or parts[-2] not in SETTINGS_NAMES):
            continue  # the name first: it rules out nearly every module, and costs least
        if _template_or_test(facts) or project.installed(module):
            continue  # an installed package's settings are for its own tests or templates
        if any(name == "INSTALLED_APPS" for name, _ in facts.settings) or module in named:
            found.append(module)
    return sorted(set(found))


def _template_or_test(facts: FileFacts) -> bool:
    """Settings of a test suite, an example, a sandbox, the docs or a ``startproject`` template
    describe some other project: a tree whose only settings are such is a reusable library."""
    directories = facts.path.replace("\\", "/").split("/")[:-1]
    return (
        facts.is_test
        or any(part.endswith("_template") or part == "templates" for part in directories)
        or any(_NOT_THE_PROJECT.match(part) for part in facts.module.split(".")[:-1])
    )


def _apps(project: Project, installed: list[str]) -> list[App]:
    """The apps of INSTALLED_APPS whose code is here, configured as ``AppConfig.create()`` does."""
    apps: list[App] = []
    for entry in installed:
        if project.is_module(entry) or any(m.startswith(entry + ".") for m in project.modules):
            apps.append(_app(project, entry))  # a module: import_module(entry) succeeds first
            continue
        config = project.resolve(entry)
        if config in project.classes:  # "shop.apps.ShopConfig": import_string(entry)
            package = _inherited(project, config, "name") or entry.rsplit(".", 2)[0]
            label = _inherited(project, config, "label") or package.rsplit(".", 1)[-1]
            apps.append(App(package, label, config))
        # else a third-party app (django.contrib.auth, ...): not ours to analyse
    return apps


def _app(project: Project, package: str) -> App:
    config, why = _select_config(project, package)
    label = (_inherited(project, config, "label") if config else None) or package.rsplit(".", 1)[-1]
    return App(package, label, config, why)


def _inactive_configs(project: Project, apps: list[App]) -> dict[str, str]:
    """The AppConfig classes in installed apps' packages that Django does not use for any entry
    (nor as a base of one it uses): Django never instantiates them, so their ``ready()`` never runs."""
    active: set[str] = set()
    for installed in apps:
        if installed.config:
            active.add(installed.config)
            active.update(project.bases(installed.config))
    by_package = {app.package: app for app in apps}
    inactive: dict[str, str] = {}
    for qualname, (facts, _) in sorted(project.classes.items()):
        if qualname in active or facts.is_test:
            continue
        package = facts.module
        while package and package not in by_package:
            package = package.rpartition(".")[0]
        app = by_package.get(package)
        if app is None or not project.is_appconfig(qualname):
            continue  # the class's bases last: the dearest question
        if app.config:
            inactive[qualname] = f"Django uses `{app.config}` for the app `{app.package}`"
        else:
            inactive[qualname] = (
                f"Django uses the base `AppConfig` for `{app.package}`: {app.why_base}"
            )
    return inactive


def _guessed_apps(project: Project) -> list[App]:
    """Packages that look like apps: an ``apps.py`` defining an ``AppConfig``, a ``models``
    module (or package) defining a model, or a ``migrations`` package holding a ``Migration``.

    The names alone are not enough: ``django/apps/`` is the app registry and
    ``django/forms/models.py`` holds model forms, and neither makes a package an app.
    """
    packages = set()
    for module, facts in project.modules.items():
        if facts.is_test or project.installed(module):
            continue  # an installed package's apps are the INSTALLED_APPS entries naming them
        parts = module.split(".")
        for index in range(1, len(parts)):
            name, head = parts[index], ".".join(parts[:index])
            if name == "migrations" and index == len(parts) - 2 and _holds_migration(facts):
                packages.add(head)
            elif name == "models" and _defines(project, module, facts, project.is_model):
                packages.add(head)
            elif (
                name == "apps"
                and index == len(parts) - 1
                and not facts.is_package
                and _defines(project, module, facts, project.is_appconfig)
            ):
                packages.add(head)
    return [_app(project, package) for package in sorted(packages)]


def _holds_migration(facts: FileFacts) -> bool:
    """``class Migration(migrations.Migration)``: an app's migration (not the framework's own class)."""
    return any(
        c.qualname == "Migration" and any(b and b.endswith(MIGRATION_BASES) for b in c.bases)
        for c in facts.classes
    )


def _defines(project: Project, module: str, facts: FileFacts, kind: Callable[[str], bool]) -> bool:
    return any(kind(f"{module}.{c.qualname}") for c in facts.classes)


def _select_config(project: Project, package: str) -> tuple[str | None, str]:
    """The AppConfig class Django's ``AppConfig.create()`` picks for the INSTALLED_APPS entry
    ``package``, or None for the base ``AppConfig`` (no project ``ready()`` runs), with why.

    Like Django: the candidates are the classes ``apps.py`` binds (defined or imported) that
    subclass AppConfig and do not set ``default = False`` (inherited); the only candidate wins,
    else the one that sets ``default = True``; else the base AppConfig.
    """
    apps_module = f"{package}.apps"
    facts = project.modules.get(apps_module)
    if facts is None:
        return None, f"`{package}` has no `apps.py`"
    members = {c.qualname: f"{apps_module}.{c.qualname}" for c in facts.classes}
    members.update(facts.aliases)
    candidates = []
    for name, target in sorted(members.items()):
        resolved = project.resolve(target) or target
        if "." in name or resolved not in project.classes or not project.is_appconfig(resolved):
            continue
        if _inherited(project, resolved, "default") != "False":
            candidates.append(resolved)
    if len(candidates) == 1:
        return candidates[0], ""
    defaults = [c for c in candidates if _inherited(project, c, "default") == "True"]
    if len(defaults) == 1:
        return defaults[0], ""
    names = ", ".join(f"`{c.rsplit('.', 1)[-1]}`" for c in (defaults or candidates))
    if len(defaults) > 1:
        return None, f"`{apps_module}` declares more than one default AppConfig ({names})"
    if candidates:
        named = (
            dict(project.modules[package].settings).get("default_app_config")
            if package in project.modules
            else None
        )
        ignored = f"; Django ignores `default_app_config` (`{named[0]}`) since 4.1" if named else ""
        return None, (
            f"`{apps_module}` holds {len(candidates)} AppConfig subclasses ({names}) "
            f"and none sets `default = True`{ignored}"
        )
    return None, f"`{apps_module}` holds no AppConfig subclass without `default = False`"


def _inherited(project: Project, qualname: str, name: str) -> str | None:
    """A class attribute as the class has it: its own, or the first base's (in the order Python
    looks it up, approximated depth-first)."""
    for cls in [qualname, *project.bases(qualname)]:
        value = project.attribute(cls, name)
        if value is not None:
            return value
    return None


def _close(
    project: Project, loading: Loading, roots: dict[str, tuple[str, int]], reached: dict[str, int]
) -> None:
    """Everything the roots import, transitively (parent packages included), each module with
    the earliest phase it is imported in: one pass per phase, so a module reached both from a
    models module and from ``ready()`` counts as loaded with the models."""
    phases: dict[str, list[int]] = {}  # module -> the phase each of its imports runs in
    for phase in (POPULATE, READY_PHASE, LATER):
        queue: list[str] = []

        def load(modules: Sequence[str], reason: str) -> None:
            for candidate in modules:
                if candidate not in loading.loaded:
                    loading.loaded.add(candidate)
                    loading.phase[candidate] = phase  # noqa: B023  (load() runs in this iteration only)
                    loading.why[candidate] = reason
                    queue.append(candidate)  # noqa: B023  (as above)

        for module, (reason, root_phase) in sorted(roots.items()):
            if root_phase == phase:
                load(project.loads(module), reason)
        # modules loaded in earlier phases import more now (in ready(), in functions): those
        # with an import of this phase (a test module has none: its imports are not followed)
        queue.extend(
            sorted(m for m, p in loading.phase.items() if p < phase and phase in phases.get(m, ()))
        )
        while queue:
            module = queue.pop()
            facts = project.modules[module]
            if facts.is_test:
                continue
            own = loading.phase[module]
            wheres = phases.get(module)
            if wheres is None:
                wheres = phases[module] = [_phase_of(i, module, reached) for i in facts.imports]
            for index, where in enumerate(wheres):
                if max(own, where) != phase:
                    continue
                imported = facts.imports[index]
                if imported.context in (READY, APPCONFIG_INIT) and loading.never_runs(
                    module, imported.function
                ):
                    continue  # the ready() of an AppConfig Django does not select
                load(_targets(project, loading, module, index), f"imported by {module}")


def _phase_of(imported: Import, module: str, reached: dict[str, int]) -> int:
    """The phase an import runs in: its place's, or for one in a function, the phase start-up
    runs the function in, else later."""
    where = IMPORT_PHASE.get(imported.context)
    if where is None:
        return reached.get(f"{module}.{imported.function}", LATER)
    return where


def _targets(project: Project, loading: Loading, module: str, index: int) -> tuple[str, ...]:
    """The project modules the ``index``-th import of ``module`` runs (memoised: the second
    pass follows the same imports, see ``reloaded``)."""
    known = loading._targets.get(module)
    if known is None:
        known = loading._targets[module] = [None] * len(project.modules[module].imports)
    found = known[index]
    if found is None:
        imported = project.modules[module].imports[index]
        found = known[index] = tuple(
            target
            for name in _module_names(project, loading, module, imported)
            for target in imported_modules(project, loading, name, imported.names)
        )
    return found


def _module_names(project: Project, loading: Loading, module: str, imported: Import) -> list[str]:
    """The module an import names; built from an AppConfig's ``self.name``, the ``name`` of each
    selected config that is (or derives from) the class whose method makes it."""
    if SELF_NAME not in imported.module:
        return [imported.module]
    function = imported.function or ""
    owner = f"{module}.{function.rsplit('.', 1)[0]}" if "." in function else None
    names = []
    for app in loading.apps:
        config = app.config
        if owner and config and (config == owner or owner in project.bases(config)):
            name = _inherited(project, config, "name") or app.package
            names.append(imported.module.replace(SELF_NAME, name))
    return names


def imported_modules(
    project: Project, loading: Loading, module: str, names: tuple[str, ...]
) -> Sequence[str]:
    """The project modules ``from module import names`` runs, in order (``Project.imports``);
    ``*.signals`` (``autodiscover_modules("signals")``) stands for that module of every app."""
    if module.startswith("*."):
        return [m for app in loading.apps for m in project.loads(f"{app.package}.{module[2:]}")]
    return project.imports(module, names)
