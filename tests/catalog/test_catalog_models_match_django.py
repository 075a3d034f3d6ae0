"""The catalog's Django models (``[[model]]`` in ``signal_lint/catalog/django.toml``) agree with
Django's own source, and with the app registry of a running Django.

From every Django tree that ``test_catalog_matches_django.py`` checks, the model classes are
derived with the project's own reading (``extract_source`` + ``Project``; Django is never
imported): each ``django.db.models.Model`` subclass outside Django's tests, its registry label
(``Meta.app_label``, else the label of the app whose package holds it), whether it is abstract
or a proxy, its ``Meta.swappable`` setting, and every other dotted name Django binds it to at
module level.  The catalog for the tree's ``major.minor`` must say exactly that.  The installed
Django is also started with every contrib app: each model its registry holds is in the catalog
under the same label and class.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_catalog_matches_django import TREES, _module_of, _tree_id, _version_of

from signal_lint.catalog import load_catalog
from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts
from signal_lint.graph.project import Project


@dataclass(frozen=True)
class DerivedModel:
    qualname: str
    label: str | None  # None for abstract models: the registry never holds them
    abstract: bool
    proxy: bool
    swappable: str | None
    aliases: frozenset[str] = field(default_factory=frozenset)


@functools.cache
def derive_models(package: Path) -> dict[str, DerivedModel]:
    facts: list[FileFacts] = []
    for path in sorted(package.rglob("*.py")):
        module, is_package = _module_of(package, path)
        rel = f"django/{path.relative_to(package).as_posix()}"
        found = extract_source(path.read_bytes(), rel, module, is_package, is_test=False)
        if found.parse_error is None and not module.startswith("django.test."):
            facts.append(found)
    project = Project(facts)
    labels: dict[str, str] = {}  # app package -> label, from each apps.py's AppConfig
    for qualname in project.classes:
        if project.is_appconfig(qualname) and qualname.rsplit(".", 2)[-2] == "apps":
            name = project.attribute(qualname, "name")
            if name:
                labels[name] = project.attribute(qualname, "label") or name.rsplit(".", 1)[-1]
    aliases: dict[str, set[str]] = {}
    for module, module_facts in project.modules.items():
        for name, target in module_facts.aliases:
            if "." in name:
                continue  # a class attribute (``Meta.model = User``), not a module-level name
            aliases.setdefault(project.resolve(target) or target, set()).add(f"{module}.{name}")
    models = {}
    for qualname, (module_facts, class_def) in sorted(project.classes.items()):
        if not project.is_model(qualname):
            continue
        meta = f"{qualname}.Meta"
        abstract = project.attribute(meta, "abstract") == "True"
        app = module_facts.module
        while app and app not in labels:
            app = app.rpartition(".")[0]
        app_label = project.attribute(meta, "app_label") or labels.get(app)
        assert abstract or app_label, f"no app label for {qualname}"
        models[qualname] = DerivedModel(
            qualname,
            None if abstract else f"{app_label}.{class_def.qualname.rsplit('.', 1)[-1]}",
            abstract,
            project.attribute(meta, "proxy") == "True",
            project.attribute(meta, "swappable"),
            frozenset(aliases.get(qualname, ())),
        )
    return models


@pytest.fixture(scope="module", params=TREES, ids=_tree_id)
def tree(request: pytest.FixtureRequest) -> tuple[str, dict[str, DerivedModel]]:
    return _version_of(request.param), derive_models(request.param)


def test_the_catalog_lists_exactly_the_models_django_defines(tree) -> None:
    version, derived = tree
    listed = {
        spec.qualname: DerivedModel(
            spec.qualname,
            spec.label,
            spec.abstract,
            spec.proxy,
            spec.swappable,
            frozenset(spec.aliases),
        )
        for spec in load_catalog(version).models
    }
    assert listed == derived


def test_contrib_models_are_known_by_label_whatever_the_model_name_case() -> None:
    catalog = load_catalog()
    assert catalog.model_by_label("auth.User").qualname == "django.contrib.auth.models.User"
    assert catalog.model_by_label("auth.user").qualname == "django.contrib.auth.models.User"
    assert catalog.model_by_label("Auth.User") is None  # app labels compare exactly
    assert catalog.model("django.contrib.auth.models.AbstractBaseUser").abstract
    assert catalog.model("django.contrib.auth.base_user.AbstractBaseUser").abstract


REGISTRY_SCRIPT = textwrap.dedent(
    """
    import json
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
            "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
            "django.contrib.sites", "django.contrib.flatpages", "django.contrib.redirects",
            "django.contrib.sitemaps", "django.contrib.humanize",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    )
    django.setup()
    from django.apps import apps

    print(json.dumps(sorted(
        (m._meta.label, f"{m.__module__}.{m.__qualname__}") for m in apps.get_models()
    )))
    """
)


def test_every_model_a_running_django_registers_is_in_the_catalog() -> None:
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, "-c", REGISTRY_SCRIPT],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    registered = [tuple(pair) for pair in json.loads(proc.stdout)]
    assert len(registered) >= 9  # auth.User, Group, Permission, contenttypes, sessions, ...
    catalog = load_catalog(_version_of(TREES[0]))
    known = {(spec.label, spec.qualname) for spec in catalog.models if spec.label}
    assert set(registered) <= known
