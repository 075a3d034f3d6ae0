"""The catalog (``signal_lint/catalog/django.toml``) agrees with Django's own source.

Every ``.py`` file of a Django tree is read with the project's own extractor
(``signal_lint.extract.extract_source``; Django is never imported).  From the
facts we derive, per signal: whether it is defined (and as ``ModelSignal`` or
``Signal``), the keyword sets of all its send sites (``always`` = their
intersection, ``sometimes`` = union minus intersection), the string values an
argument takes when every send site passes a literal (m2m ``action``), the
arguments some send site passes as a literal ``None``, and the other dotted
names Django binds it to.  The catalog for the tree's ``major.minor`` must say
exactly that.

The installed Django (the test dependency) is always checked, and so are the
releases ``tests/django_sources.py`` fetches (4.2 LTS and the newest series);
more trees may be named in ``SIGNAL_LINT_DJANGO_SOURCES``
(``os.pathsep``-separated directories, each either the ``django`` package
itself or a directory holding it).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_sources import RELEASES, django_package

from signal_lint.catalog import (
    MODEL_SIGNAL_CLASSES,
    RECEIVER_DECORATORS,
    SIGNAL_CLASSES,
    SUPPORTED_VERSIONS,
    load_catalog,
)
from signal_lint.catalog.inference import (
    DISPATCH_ARGS,
    SEND_METHODS,
    Derivation,
    SendSite,
    derive_send_sites,
    literals,
)
from signal_lint.extract import extract_source
from signal_lint.extract.facts import FileFacts

# --- special knowledge (keep small; each entry says why) ------------------------

# Send sites that pass **kwargs forward what the callers of their enclosing
# function pass: emit_pre/post_migrate_signal(verbosity, interactive, db, **kwargs)
# send `app_config, verbosity, interactive, using` plus whatever their callers add
# (`migrate` adds stdout/apps/plan; `flush` and TransactionTestCase add nothing).
# The derivation follows any such helper generically; this set only makes a new
# forwarding helper in a future Django a visible, reviewed change.
# Keywords that arrive only through the helper's **kwargs count as `sometimes`,
# never `always`: the helper's signature makes them optional (third-party code
# calls emit_*_migrate_signal(verbosity, interactive, db) without them, and
# Django itself reads `kwargs.get("stdout", sys.stdout)`).  So pre_migrate's
# apps/plan/stdout are `sometimes` although `migrate`, its only caller inside
# Django, passes all three.
EXPECTED_FORWARDERS = frozenset(
    {
        "django.core.management.sql.emit_pre_migrate_signal",
        "django.core.management.sql.emit_post_migrate_signal",
    }
)

# A send that the extractor does not see as a `.send()` call: Django 4.2 sends
# request_started from ASGI as `await sync_to_async(signals.request_started.send,
# thread_sensitive=True)(sender=..., scope=scope)`.  Calls of the result of
# these wrappers with `<signal>.send*` as first argument are send sites too.
SYNC_WRAPPERS = frozenset({"asgiref.sync.sync_to_async"})

# ---------------------------------------------------------------------------------


@dataclass(kw_only=True)
class Derived(Derivation):
    """The inference's send sites (``always``, ``sometimes``, ``values``, ``literal_none``) plus
    what else a Django tree defines."""

    version: str  # "5.2"
    root: Path
    defs: dict[str, str] = field(default_factory=dict)  # qualname -> "Signal" | "ModelSignal"
    aliases: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )  # canonical -> other names
    signal_classes: set[str] = field(default_factory=set)
    model_signal_classes: set[str] = field(default_factory=set)
    receiver_decorators: set[str] = field(default_factory=set)


# --- locating Django trees --------------------------------------------------------


def _installed_django() -> Path:
    spec = importlib.util.find_spec("django")  # locates the package without importing it
    assert spec is not None and spec.submodule_search_locations, (
        "django (a test dependency) is not installed"
    )
    return Path(next(iter(spec.submodule_search_locations)))


def _package_dir(path: Path) -> Path | None:
    for candidate in (path / "django", path):
        if (candidate / "__init__.py").is_file() and (
            candidate / "dispatch" / "dispatcher.py"
        ).is_file():
            return candidate
    return None


def _other_trees() -> list[Path]:
    found = []
    candidates: list[str | Path] = [django_package(version) for version in sorted(RELEASES)]
    candidates += [
        p for p in os.environ.get("SIGNAL_LINT_DJANGO_SOURCES", "").split(os.pathsep) if p
    ]
    for candidate in candidates:
        package = _package_dir(Path(candidate))
        if package is not None and package not in found:
            found.append(package)
    return found


def _tree_id(path: Path) -> str:
    return f"django-{_version_of(path)}@{path}"


def _version_of(package: Path) -> str:
    """``major.minor`` from ``VERSION = (5, 2, 0, "final", 0)`` in django/__init__.py."""
    tree = ast.parse((package / "__init__.py").read_bytes())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "VERSION" for t in node.targets
        ):
            version = ast.literal_eval(node.value)
            return f"{version[0]}.{version[1]}"
    raise AssertionError(f"no VERSION in {package / '__init__.py'}")


INSTALLED = _installed_django()
TREES = [INSTALLED] + [t for t in _other_trees() if t.resolve() != INSTALLED.resolve()]


# --- derivation ---------------------------------------------------------------------


def _module_of(package: Path, path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(package).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(["django"] + parts), is_package


def _resolve_dotted(node: ast.AST, bindings: dict[str, str]) -> str | None:
    """``signals.request_started`` -> ``django.core.signals.request_started`` via module-level bindings."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in bindings:
        return None
    return ".".join([bindings[node.id]] + parts[::-1])


@functools.cache
def derive(package: Path) -> Derived:
    derived = Derived(version=_version_of(package), root=package)
    facts: list[FileFacts] = []
    sources: dict[str, bytes] = {}
    for path in sorted(package.rglob("*.py")):
        module, is_package = _module_of(package, path)
        source = path.read_bytes()
        rel = f"django/{path.relative_to(package).as_posix()}"
        ff = extract_source(source, rel, module, is_package=is_package, is_test=False)
        if ff.parse_error is not None:  # a file we cannot read could hide a signal
            derived.problems.append(f"{rel}: {ff.parse_error.message}")
            continue
        facts.append(ff)
        sources[rel] = source

    # Definitions, dispatcher classes, module-level bindings.
    bindings: dict[str, dict[str, str]] = {}  # module -> {name: qualified target}
    alias_of: dict[str, str] = {}  # "django.test.signals.setting_changed" -> its target
    for ff in facts:
        bindings[ff.module] = dict(ff.aliases)
        for name, target in ff.aliases:
            alias_of[f"{ff.module}.{name}"] = target
        for d in ff.signal_defs:
            derived.defs[f"{ff.module}.{d.qualname}"] = d.kind
        for c in ff.classes:
            qualname = f"{ff.module}.{c.qualname}"
            if qualname == "django.dispatch.dispatcher.Signal":
                derived.signal_classes.add(qualname)
            elif (
                "django.dispatch.Signal" in c.bases
                or "django.dispatch.dispatcher.Signal" in c.bases
            ):
                derived.model_signal_classes.add(qualname)
        for fn in ff.functions:
            if ff.module == "django.dispatch.dispatcher" and fn.qualname == "receiver":
                derived.receiver_decorators.add("django.dispatch.dispatcher.receiver")

    def canonical(name: str | None) -> str | None:
        seen = set()
        while name is not None and name in alias_of and name not in seen:
            seen.add(name)
            name = alias_of[name]
        return name

    for alias in alias_of:
        target = canonical(alias)
        if target in derived.defs:
            derived.aliases[target].add(alias)
        elif target in derived.signal_classes:
            derived.signal_classes.add(alias)
        elif target in derived.model_signal_classes:
            derived.model_signal_classes.add(alias)
        elif target in derived.receiver_decorators:
            derived.receiver_decorators.add(alias)

    # Send sites, with the catalog's inference (signal_lint/catalog/inference.py): a send that
    # expands a helper's **kwargs is one site per call of the helper, plus the helper called
    # without extra keywords.
    def signal_of(send, ff):  # type: ignore[no-untyped-def]
        signal = canonical(send.signal)
        return signal if signal in derived.defs else None

    inferred = derive_send_sites(facts, lambda ff: sources[ff.path], signal_of)
    derived.sites, derived.forwarders = inferred.sites, inferred.forwarders
    derived.problems.extend(inferred.problems)
    derived.problems.extend(
        f"{site.where}: a dict we cannot follow; teach the derivation"
        for sites in inferred.sites.values()
        for site in sites
        if site.open_ended
    )
    trees: dict[str, ast.Module] = {}

    def tree_of(ff: FileFacts) -> ast.Module:
        if ff.path not in trees:
            trees[ff.path] = ast.parse(sources[ff.path])
        return trees[ff.path]

    # Sends through sync wrappers: `sync_to_async(sig.send, ...)(sender=..., x=...)`.
    for ff in facts:
        if b"sync_to_async" not in sources[ff.path]:
            continue
        names = bindings.get(ff.module, {})
        for node in ast.walk(tree_of(ff)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Call)):
                continue
            wrapper = node.func
            if _resolve_dotted(wrapper.func, names) not in SYNC_WRAPPERS or not wrapper.args:
                continue
            target = wrapper.args[0]
            if not (isinstance(target, ast.Attribute) and target.attr in SEND_METHODS):
                continue
            signal = canonical(_resolve_dotted(target.value, names))
            where = f"{ff.path}:{node.lineno}"
            if signal is None:
                derived.problems.append(f"{where}: cannot resolve {ast.unparse(target)}")
                continue
            if signal not in derived.defs:
                continue
            if any(k.arg is None for k in node.keywords) or len(node.args) > 1:
                derived.problems.append(
                    f"{where}: wrapped send with **kwargs or extra positionals; teach the derivation"
                )
                continue
            keywords = frozenset(k.arg for k in node.keywords if k.arg) - DISPATCH_ARGS
            derived.sites.setdefault(signal, []).append(
                SendSite(signal, keywords, where + " (sync_to_async)", literals(node))
            )
    return derived


# --- the checks ---------------------------------------------------------------------


@pytest.fixture(scope="module", params=TREES, ids=_tree_id)
def tree(request: pytest.FixtureRequest) -> Derived:
    return derive(request.param)


def _catalog(derived: Derived):  # type: ignore[no-untyped-def]
    return load_catalog(derived.version)


def test_installed_django_is_checked() -> None:
    # The installed Django is always part of TREES, whatever else exists.
    assert TREES[0] == INSTALLED
    assert _version_of(INSTALLED) in SUPPORTED_VERSIONS, "add this Django version to django.toml"


def test_derivation_followed_everything(tree: Derived) -> None:
    assert tree.problems == []
    assert tree.forwarders == EXPECTED_FORWARDERS, (
        "a new **kwargs-forwarding send helper: review and update EXPECTED_FORWARDERS"
    )


def test_catalog_lists_exactly_the_defined_signals(tree: Derived) -> None:
    catalog = _catalog(tree)
    listed = {spec.qualname for spec in catalog.signals}
    assert sorted(set(tree.defs) - listed) == [], (
        f"signals Django {tree.version} defines that the catalog misses"
    )
    assert sorted(listed - set(tree.defs)) == [], (
        f"catalog signals that Django {tree.version} does not define"
    )


def test_model_signal_flags(tree: Derived) -> None:
    catalog = _catalog(tree)
    derived = {name: kind == "ModelSignal" for name, kind in tree.defs.items()}
    listed = {spec.qualname: spec.model_signal for spec in catalog.signals}
    assert listed == derived


def test_send_arguments(tree: Derived) -> None:
    catalog = _catalog(tree)
    mismatches = {}
    for spec in catalog.signals:
        derived = (sorted(tree.always(spec.qualname)), sorted(tree.sometimes(spec.qualname)))
        listed = (sorted(spec.always), sorted(spec.sometimes))
        if derived != listed:
            sites = [
                f"{sorted(s.keywords)} at {s.where}" for s in tree.sites.get(spec.qualname, [])
            ]
            mismatches[spec.qualname] = {
                "catalog (always, sometimes)": listed,
                "django": derived,
                "sites": sites,
            }
    assert mismatches == {}


def test_every_signal_is_sent_somewhere(tree: Derived) -> None:
    assert sorted(name for name in tree.defs if not tree.sites.get(name)) == []


def test_enumerated_values(tree: Derived) -> None:
    # m2m_changed `action` is the one argument Django always passes as a string literal.
    catalog = _catalog(tree)
    derived = {name: tree.values(name) for name in tree.defs if tree.values(name)}
    listed = {spec.qualname: dict(spec.values) for spec in catalog.signals if spec.values}
    assert listed == derived
    assert derived["django.db.models.signals.m2m_changed"]["action"] == {
        "pre_add",
        "post_add",
        "pre_remove",
        "post_remove",
        "pre_clear",
        "post_clear",
    }


def test_arguments_sent_as_literal_none_are_nullable(tree: Derived) -> None:
    # Nullable arguments are curated (most come from variables that can be None:
    # `request` of user_login_failed, `user` of user_logged_out); at least every
    # literal `None` Django passes (m2m pk_set for clears) must be listed.
    catalog = _catalog(tree)
    missing = {
        spec.qualname: sorted(tree.literal_none(spec.qualname) - spec.nullable)
        for spec in catalog.signals
        if tree.literal_none(spec.qualname) - spec.nullable
    }
    assert missing == {}
    for spec in catalog.signals:
        assert spec.nullable <= spec.always | spec.sometimes, spec.qualname


def test_aliases(tree: Derived) -> None:
    catalog = _catalog(tree)
    derived = {name: sorted(tree.aliases.get(name, ())) for name in tree.defs}
    listed = {spec.qualname: sorted(spec.aliases) for spec in catalog.signals}
    assert listed == derived
    for canonical, aliases in derived.items():
        for alias in aliases:
            assert catalog.get(alias) is catalog.get(canonical)


def _module_exists(package: Path, module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (package / relative).with_suffix(".py").is_file() or (
        package / relative / "__init__.py"
    ).is_file()


@pytest.mark.parametrize(
    "constant, attribute",
    [
        (SIGNAL_CLASSES, "signal_classes"),
        (MODEL_SIGNAL_CLASSES, "model_signal_classes"),
        (RECEIVER_DECORATORS, "receiver_decorators"),
    ],
    ids=["SIGNAL_CLASSES", "MODEL_SIGNAL_CLASSES", "RECEIVER_DECORATORS"],
)
def test_dispatcher_names(tree: Derived, constant: frozenset[str], attribute: str) -> None:
    # The constants are the union over the supported versions: every name Django
    # binds the class/decorator to must be listed; a listed name that this
    # version lacks must belong to a module this version does not have.
    derived = getattr(tree, attribute)
    assert sorted(derived - constant) == []
    stale = [
        name for name in constant - derived if _module_exists(tree.root, name.rsplit(".", 1)[0])
    ]
    assert stale == []
