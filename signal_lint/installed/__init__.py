"""Installed packages: the signals and receivers of what the project's environment holds, read statically.

``environment.py`` finds the environment and its ``site-packages`` from the
layout alone; ``distributions.py`` indexes the distributions there from their
metadata; ``reading.py`` reads the ones the project uses with the project's
own extractor.  Nothing is imported or run.

A run first *locates* (cheap: the environment, and a signature of its
``site-packages`` made of directory listings and ``stat`` calls, which the
run's findings cache is keyed by), then, unless those cached findings are
still good, *reads* the packages, each from the cache when that version was
read before: a warm run opens no file of ``site-packages``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from signal_lint.extract.facts import FileFacts
from signal_lint.installed.distributions import (
    Distribution,
    Index,
    index_distributions,
    site_packages_signature,
)
from signal_lint.installed.environment import Environment, find_environment
from signal_lint.installed.reading import (
    Extractor,
    Installed,
    InstalledPackage,
    Origin,
    extract_serially,
    read_distributions,
    select,
    source_stamp,
    wanted_modules,
)

__all__ = [
    "Environment",
    "Installed",
    "InstalledCache",
    "InstalledPackage",
    "Located",
    "Origin",
    "find_environment",
    "load_installed",
    "locate",
    "read_installed",
]


class InstalledCache(Protocol):
    """Where what was read is kept between runs (``signal_lint.cache``)."""

    def index(self, signature: str) -> Index | None: ...

    def save_index(self, signature: str, index: Index) -> None: ...

    def package(self, key: str) -> InstalledPackage | None: ...

    def save_package(self, key: str, package: InstalledPackage) -> None: ...


@dataclass
class Located:
    """The project's environment and its distributions, found without reading any package."""

    environment: Environment | None = None
    index: Index | None = None
    state: str = "none"  # changes whenever what a run would read changes
    messages: list[str] = field(default_factory=list)  # always said
    notes: list[str] = field(default_factory=list)  # said with --verbose


def locate(
    root: str,
    python: str | None = None,
    cache: InstalledCache | None = None,
    environ: Mapping[str, str] | None = None,
) -> Located:
    """Find the environment and index its distributions (from ``cache`` when unchanged)."""
    search = find_environment(python, root, environ)
    located = Located(search.environment)
    located.messages.extend([search.problem] if search.problem else [])
    located.notes.extend([search.note] if search.note else [])
    environment = search.environment
    if environment is None:
        return located
    signature = site_packages_signature(environment.site_packages)
    index = cache.index(signature) if cache is not None else None
    if index is None:
        index = index_distributions(environment.site_packages)
        if cache is not None:
            cache.save_index(signature, index)
    located.index = index
    located.messages.extend(index.messages)
    located.notes.append(
        f"installed packages: {', '.join(environment.site_packages)} "
        f"(found by {environment.found_by}; {len(index.distributions)} distributions)"
    )
    # an editable install's files live outside site-packages: their stamps count too
    editable = [_key(d) for d in index.distributions if d.editable]
    located.state = "|".join([environment.prefix, signature, *editable])
    return located


def read_installed(
    located: Located,
    project_facts: Sequence[FileFacts],
    cache: InstalledCache | None = None,
    extract: Extractor = extract_serially,
) -> Installed:
    """The distributions ``project_facts`` need, read (from ``cache`` when read before;
    with ``extract``, the engine's worker processes, when not)."""
    installed = Installed(messages=list(located.messages), notes=list(located.notes))
    if located.index is None:
        return installed
    modules = [facts.module for facts in project_facts]
    chosen = select(located.index, wanted_modules(project_facts), modules)
    found: dict[str, InstalledPackage] = {}
    for distribution in chosen if cache is not None else ():
        cached = cache.package(_key(distribution)) if cache is not None else None
        if cached is not None:
            found[distribution.dist_info] = cached
    unread = [d for d in chosen if d.dist_info not in found]
    for distribution, package in zip(unread, read_distributions(unread, extract), strict=True):
        found[distribution.dist_info] = package
        if cache is not None:
            cache.save_package(_key(distribution), package)
    for distribution in chosen:
        package = found[distribution.dist_info]
        installed.packages.append(package)
        how = "read" if distribution in unread else "from the cache"
        installed.notes.append(
            f"{package.origin}: {len(package.facts)} files, {len(package.sites)} send sites ({how})"
        )
        installed.messages.extend(f"{package.origin}: {problem}" for problem in package.problems)
    return installed


def load_installed(
    project_facts: Sequence[FileFacts],
    root: str,
    python: str | None = None,
    environ: Mapping[str, str] | None = None,
    cache: InstalledCache | None = None,
) -> Installed:
    """What the project's installed packages add to a run (nothing when no environment is found)."""
    return read_installed(locate(root, python, cache, environ), project_facts, cache)


def _key(distribution: Distribution) -> str:
    """A distribution's cache key: its metadata, and for an editable install its files' stamps."""
    # the files' absolute paths are in the facts: the same version elsewhere is read again
    where = "|".join(path for _, path in distribution.roots)
    if not distribution.editable:
        return f"{distribution.key}|{where}"
    return f"{distribution.key}|{where}|{source_stamp(distribution)}"
