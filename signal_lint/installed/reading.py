"""Read the installed packages a project uses, as source, with the project's own extractor.

Only the distributions that ``INSTALLED_APPS`` names, or that the project
imports a signal from, are read; Django itself is not (its signals are the
catalog, checked against its source by the catalog's tests), nor a
distribution that provides one of the project's own packages (the project
installed into its own venv).  Each is read once per version: its facts and
send sites are cached under the ``.dist-info`` name, version and ``RECORD``
hash, so a warm run opens none of its files.

What a package gives the run: its signals (``SignalSpec``s whose arguments
come from its send sites, ``signal_lint/catalog/inference.py``), and its
files' facts, from which the graph replays the receivers it connects.  No
finding is ever reported in a package.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from signal_lint.aliases import alias_table, follow_aliases, unique_modules
from signal_lint.catalog import SignalSpec
from signal_lint.catalog.inference import Derivation, SendSite, derive_send_sites
from signal_lint.extract import extract_file
from signal_lint.extract.facts import FileFacts
from signal_lint.extract.modules import TEST_DIR_NAMES, is_test_path
from signal_lint.installed.distributions import Distribution, Index
from signal_lint.installed.environment import read_or_none

# Distributions never read: their signals are the built-in catalog.
CATALOGUED = frozenset({"django"})
MAX_FILES = 20_000  # per distribution
MAX_FILE_BYTES = 4 * 1024 * 1024
# Not production code of a package: its tests, migrations (they connect nothing Django keeps)
# and bytecode.
SKIPPED_DIRECTORIES = frozenset({*TEST_DIR_NAMES, "migrations", "__pycache__"})


@dataclass(frozen=True)
class Origin:
    """Where something read from an installed package comes from: ``django-allauth 65.3.0``."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class InstalledPackage:
    """One distribution, read: its files' facts and the send sites of the signals it defines."""

    origin: Origin
    facts: tuple[FileFacts, ...]
    sites: tuple[SendSite, ...]
    problems: tuple[str, ...] = ()  # files that could not be read


@dataclass
class Installed:
    """What the installed packages add to a run."""

    packages: list[InstalledPackage] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # always said
    notes: list[str] = field(default_factory=list)  # said with --verbose

    def facts(self) -> list[FileFacts]:
        return [facts for package in self.packages for facts in package.facts]

    def origins(self) -> dict[str, Origin]:
        """Module name -> the package it was read from."""
        return {
            facts.module: package.origin for package in self.packages for facts in package.facts
        }

    def paths(self) -> frozenset[str]:
        return frozenset(facts.path for package in self.packages for facts in package.facts)

    def specs(self) -> list[SignalSpec]:
        """A ``SignalSpec`` per signal the packages define, named also by their re-exports."""
        table = alias_table(unique_modules(self.facts()))
        aliases: dict[str, list[str]] = {}  # defining name -> the other names bound to it
        for alias in sorted(table):
            target = follow_aliases(table, alias)
            if target is not None and target != alias:
                aliases.setdefault(target, []).append(alias)
        specs = []
        for package in self.packages:
            derivation = Derivation()
            for site in package.sites:
                derivation.sites.setdefault(site.signal, []).append(site)
            for facts in package.facts:
                for definition in facts.signal_defs:
                    qualname = f"{facts.module}.{definition.qualname}"
                    specs.append(
                        _spec(qualname, definition.kind, derivation, package.origin, aliases)
                    )
        return specs


def _spec(
    qualname: str,
    kind: str,
    derivation: Derivation,
    origin: Origin,
    aliases: dict[str, list[str]],
) -> SignalSpec:
    module, name = qualname.rsplit(".", 1)
    sent = bool(derivation.sites.get(qualname))
    always = derivation.always(qualname)
    return SignalSpec(
        qualname=qualname,
        name=name,
        module=module,
        aliases=tuple(aliases.get(qualname, ())),
        model_signal=kind == "ModelSignal",
        always=always,
        sometimes=derivation.sometimes(qualname),
        nullable=derivation.literal_none(qualname),
        values=_frozen(derivation.values(qualname)),
        # never sent by the package itself: whoever sends it (the project?) may pass anything
        open_ended=derivation.open_ended(qualname) or not sent,
        builtin=False,
        package=str(origin),
    )


def _frozen(values: dict[str, frozenset[str]]):  # type: ignore[no-untyped-def]
    from signal_lint.catalog import FrozenMapping

    return FrozenMapping(values)


# --- which distributions ---------------------------------------------------------------------


def wanted_modules(project_facts: Iterable[FileFacts]) -> list[str]:
    """Module names the project needs from outside itself: ``INSTALLED_APPS`` entries, and the
    modules of the signals it connects to or sends."""
    wanted: list[str] = []
    facts_list = list(project_facts)
    modules = {facts.module for facts in facts_list}
    for facts in facts_list:
        for name, strings in facts.settings:
            if name == "INSTALLED_APPS" and not facts.is_test:
                wanted.extend(strings)
        for connection in facts.connections:
            wanted.extend(signal for signal in connection.signals if signal)
        wanted.extend(send.signal for send in facts.sends if send.signal)
    own = modules_roots(modules)
    return sorted({name for name in wanted if name.split(".")[0] not in own})


def modules_roots(modules: Iterable[str]) -> frozenset[str]:
    return frozenset(module.split(".")[0] for module in modules)


def select(
    index: Index, wanted: Iterable[str], project_modules: Iterable[str]
) -> list[Distribution]:
    """The distributions providing ``wanted``, except Django and the project's own."""
    own = modules_roots(project_modules)
    chosen: dict[str, Distribution] = {}
    for module in wanted:
        distribution = index.owner(module)
        if distribution is None or distribution.name.lower() in CATALOGUED:
            continue
        if any(root.split(".")[0] in own for root, _ in distribution.roots):
            continue  # the project itself, installed into its own environment
        chosen.setdefault(distribution.dist_info, distribution)
    return [chosen[key] for key in sorted(chosen)]


# --- reading one distribution ------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    path: str  # absolute
    relative: str  # "allauth/account/signals.py": relative to the directory holding the root
    module: str
    is_package: bool


# (path, display path, module, is_package) of each file -> their facts, in order
Extractor = Callable[[Sequence[tuple[str, str, str, bool]]], list[FileFacts]]


def extract_serially(files: Sequence[tuple[str, str, str, bool]]) -> list[FileFacts]:
    return [
        extract_file(path, display_path=display, module=module, is_package=is_package)
        for path, display, module, is_package in files
    ]


def read_distributions(
    distributions: Sequence[Distribution], extract: Extractor = extract_serially
) -> list[InstalledPackage]:
    """Extract every production file of ``distributions`` (all at once with ``extract``: the
    engine's worker processes) and infer the send sites of the signals each defines."""
    listed = [_files(distribution) for distribution in distributions]
    # a package's facts are named by the files' absolute paths: reports show them relative to
    # the project (".venv/lib/python3.12/site-packages/allauth/...") and links open them
    every = [(f.path, f.path, f.module, f.is_package) for files, _ in listed for f in files]
    extracted = iter(extract(every))
    packages = []
    for distribution, (files, problems) in zip(distributions, listed, strict=True):
        facts = []
        for facts_of_file in (next(extracted) for _ in files):
            if facts_of_file.parse_error is not None:
                problems.append(f"{facts_of_file.path}: {facts_of_file.parse_error.message}")
            else:  # production code, whatever directories the environment sits in
                facts.append(dataclasses.replace(facts_of_file, is_test=False))
        packages.append(_package(distribution, files, facts, problems))
    return packages


def _package(
    distribution: Distribution, files: list[_File], facts: list[FileFacts], problems: list[str]
) -> InstalledPackage:
    defined = {f"{ff.module}.{d.qualname}" for ff in facts for d in ff.signal_defs}
    aliases = alias_table(unique_modules(facts))

    def signal_of(send, ff):  # type: ignore[no-untyped-def]
        signal = follow_aliases(aliases, send.signal)
        return signal if signal in defined else None

    def read(ff: FileFacts) -> bytes | None:
        return read_or_none(ff.path, MAX_FILE_BYTES)

    derivation = derive_send_sites(facts, read, signal_of)
    sites = tuple(site for signal in sorted(derivation.sites) for site in derivation.sites[signal])
    origin = Origin(distribution.name, distribution.version)
    return InstalledPackage(origin, tuple(facts), sites, tuple(problems))


def source_stamp(distribution: Distribution) -> str:
    """The identity (``stat``) of every file ``read_distribution`` would read: an editable
    install's files change without its metadata changing."""
    files, _ = _files(distribution)
    stamps = []
    for file in files:
        try:
            info = os.stat(file.path)
            stamps.append(f"{file.relative}:{info.st_mtime_ns}:{info.st_size}")
        except OSError as error:
            stamps.append(f"{file.relative}:{error.errno}")
    return hashlib.blake2b("\n".join(stamps).encode(), digest_size=16).hexdigest()


def _files(distribution: Distribution) -> tuple[list[_File], list[str]]:
    found: list[_File] = []
    problems: list[str] = []
    for module, path in distribution.roots:
        depth = module.count(".") + 1
        if os.path.isfile(path):
            base = path
            for _ in range(depth):
                base = os.path.dirname(base)
            relative = os.path.relpath(path, base).replace(os.sep, "/")
            if path.endswith(".py") and not is_test_path(relative):
                found.append(_File(path, relative, module, False))
            continue
        base = path
        for _ in range(depth):
            base = os.path.dirname(base)
        for directory, names, files in os.walk(path):  # symlinks to directories are not followed
            names[:] = sorted(n for n in names if n not in SKIPPED_DIRECTORIES and n.isidentifier())
            relative = os.path.relpath(directory, path)
            parts = [] if relative == os.curdir else relative.split(os.sep)
            for name in sorted(files):
                if not name.endswith(".py") or not name[:-3].isidentifier():
                    continue
                relative = os.path.relpath(os.path.join(directory, name), base)
                if is_test_path(relative):
                    continue
                is_package = name == "__init__.py"
                dotted = ".".join([module, *parts] + ([] if is_package else [name[:-3]]))
                found.append(_File(os.path.join(directory, name), relative, dotted, is_package))
                if len(found) > MAX_FILES:
                    problems.append(
                        f"{distribution.name}: more than {MAX_FILES} files, the rest not read"
                    )
                    return found[:MAX_FILES], problems
    return found, problems
