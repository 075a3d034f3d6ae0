"""The distributions installed in a ``site-packages``, and which of them provides a module.

Read from the packaging metadata alone (never by importing): each
``*.dist-info`` directory's ``METADATA`` (name, version), ``RECORD`` (the
files it installed, hence the modules it provides: namespace packages such as
``google/`` shared by several distributions are told apart by the files each
one owns) and ``top_level.txt`` (when ``RECORD`` lists no module).  Editable
installs put a ``.pth`` file (a directory to add to ``sys.path``) or a
setuptools finder (a ``MAPPING`` of package to directory) in
``site-packages`` instead of the modules: both are read as text.  Python's
``site`` processes ``.pth`` files of ``site-packages`` only, never of the
directories they add, so neither do we: no chain of ``.pth`` files can loop.

https://packaging.python.org/en/latest/specifications/recording-installed-packages/
https://setuptools.pypa.io/en/latest/userguide/development_mode.html
"""

from __future__ import annotations

import ast
import hashlib
import os
from dataclasses import dataclass
from functools import cached_property

from signal_lint.installed.environment import read_or_none, read_small_text

MAX_RECORD_BYTES = 16 * 1024 * 1024  # wagtail's RECORD is 0.6 MB
MAX_METADATA_BYTES = 4 * 1024 * 1024
MAX_PTH_FILES = 500
MAX_PTH_LINES = 1000  # per file
MAX_LISTED_ENTRIES = 5000  # entries of a directory an editable install adds
NAMESPACE_DEPTH = 4  # namespace package levels followed down to regular packages


@dataclass(frozen=True)
class Distribution:
    """One installed distribution and the top-level modules it provides."""

    name: str  # as its METADATA spells it: "django-allauth"
    version: str  # "65.3.0"
    dist_info: str  # the .dist-info directory's name: "django_allauth-65.3.0.dist-info"
    record_hash: str  # blake2b of RECORD ("" when it has none)
    # (module name, file or directory) of each importable root: ("allauth", ".../allauth")
    roots: tuple[tuple[str, str], ...]
    editable: bool = False

    @property
    def key(self) -> str:
        """What the cache keys its facts by: the same files give the same key."""
        return f"{self.dist_info}|{self.name}|{self.version}|{self.record_hash}"


@dataclass(frozen=True)
class Index:
    """Every distribution of an environment, and which one provides a module name."""

    distributions: tuple[Distribution, ...]
    messages: tuple[str, ...] = ()

    @cached_property
    def _owners(self) -> dict[str, Distribution]:
        owners: dict[str, Distribution] = {}
        for distribution in sorted(self.distributions, key=lambda d: d.dist_info):
            for module, _ in distribution.roots:
                owners.setdefault(module, distribution)
        return owners

    def owner(self, module: str) -> Distribution | None:
        """The distribution that provides ``module`` (``allauth.account.signals``), if any."""
        name = module
        while name:
            found = self._owners.get(name)
            if found is not None:
                return found
            name = name.rpartition(".")[0]
        return None


def index_distributions(site_packages: tuple[str, ...]) -> Index:
    """The distributions of every ``site-packages`` directory (the first one wins a name)."""
    distributions: dict[str, Distribution] = {}  # by normalized name: the first one wins
    messages: list[str] = []
    for directory in site_packages:
        try:
            names = sorted(os.listdir(directory))
        except OSError as error:
            messages.append(f"{directory}: cannot list installed packages: {error.strerror}")
            continue
        claimed_pth: set[str] = set()
        found: list[Distribution] = []
        for name in names:
            if not name.endswith(".dist-info"):
                continue
            distribution = _read_dist_info(directory, name, claimed_pth)
            if distribution is None:
                messages.append(f"{os.path.join(directory, name)}: unreadable metadata, skipped")
            else:
                found.append(distribution)
        found += _unclaimed_pth_installs(directory, names, claimed_pth, messages)
        for distribution in found:
            distributions.setdefault(_normalize(distribution.name), distribution)
    return Index(tuple(distributions.values()), tuple(messages))


def site_packages_signature(site_packages: tuple[str, ...]) -> str:
    """What changes when anything is installed, upgraded or removed, from directory listings and
    ``stat`` alone (no file is opened): each ``RECORD``'s and ``.pth`` file's identity."""
    parts: list[str] = []
    for directory in site_packages:
        try:
            names = sorted(os.listdir(directory))
        except OSError as error:
            parts.append(f"{directory}:{error.errno}")
            continue
        parts.append(directory)
        for name in names:
            if name.endswith(".dist-info"):
                path = os.path.join(directory, name, "RECORD")
            elif name.endswith(".pth"):
                path = os.path.join(directory, name)
            else:
                continue
            try:
                info = os.stat(path)
                parts.append(f"{name}:{info.st_mtime_ns}:{info.st_size}:{info.st_ino}")
            except OSError as error:
                parts.append(f"{name}:{error.errno}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _normalize(name: str) -> str:
    return "-".join(name.replace("_", "-").replace(".", "-").lower().split("-"))


def _read_dist_info(directory: str, name: str, claimed_pth: set[str]) -> Distribution | None:
    path = os.path.join(directory, name)
    metadata = read_small_text(os.path.join(path, "METADATA"), MAX_METADATA_BYTES)
    dist_name, version = _name_and_version(metadata or "", name)
    if not dist_name:
        return None
    record = read_or_none(os.path.join(path, "RECORD"), MAX_RECORD_BYTES)
    record_hash = hashlib.blake2b(record or b"", digest_size=16).hexdigest() if record else ""
    files = _record_paths(record)
    roots = _roots_from_files(directory, files)
    editable = False
    for file in files:
        added: list[tuple[str, str]] = []
        if file.endswith(".pth") and "/" not in file:
            claimed_pth.add(file)
            added = _pth_roots(directory, file, os.path.join(path, "top_level.txt"))
        elif file.startswith("__editable__") and file.endswith("_finder.py") and "/" not in file:
            added = _finder_roots(os.path.join(directory, file))
        editable = editable or bool(added)
        roots += added
    if not roots:  # no RECORD (or one listing no module): top_level.txt names what it installed
        roots = _top_level_roots(directory, os.path.join(path, "top_level.txt"))
    return Distribution(dist_name, version, name, record_hash, _unique(roots), editable)


def _name_and_version(metadata: str, dist_info: str) -> tuple[str, str]:
    """``Name:`` and ``Version:`` of the METADATA headers, else from ``name-version.dist-info``."""
    name = version = ""
    for line in metadata.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line; the description follows
        key, sep, value = line.partition(":")
        if sep and key.lower() == "name" and not name:
            name = value.strip()
        elif sep and key.lower() == "version" and not version:
            version = value.strip()
    if not name or not version:
        stem = dist_info[: -len(".dist-info")]
        guessed_name, _, guessed_version = stem.partition("-")
        name = name or guessed_name
        version = version or guessed_version
    return name, version


def _record_paths(record: bytes | None) -> list[str]:
    """The installed files' paths (relative to site-packages, ``/``-separated) of a RECORD."""
    if not record:
        return []
    try:
        text = record.decode("utf-8")
    except UnicodeDecodeError:
        return []
    paths = []
    for line in text.splitlines():
        # path,hash,size; a path with a comma is quoted (csv); only file names matter here
        path = line.rsplit(",", 2)[0] if line.count(",") >= 2 else line
        if path.startswith('"') and path.endswith('"'):
            path = path[1:-1].replace('""', '"')
        path = path.replace("\\", "/")
        if path and not path.startswith(("../", "/")):
            paths.append(path)
    return paths


def _roots_from_files(directory: str, files: list[str]) -> list[tuple[str, str]]:
    """Top-level modules and regular packages among ``files``; below a namespace package
    (a directory without ``__init__.py``, such as ``google/``) its regular subpackages."""
    python = [f for f in files if f.endswith(".py") and ".dist-info/" not in f]
    packages = {f.rsplit("/", 1)[0] for f in python if f.endswith("/__init__.py")}
    roots: dict[str, str] = {}
    for file in python:
        parts = file[: -len(".py")].split("/")
        if not all(part.isidentifier() for part in parts[:-1]) or parts[0] == "__pycache__":
            continue
        for depth in range(1, min(len(parts), NAMESPACE_DEPTH) + 1):
            head = "/".join(parts[:depth])
            if depth == len(parts):  # a module directly in site-packages or a namespace package
                if parts[-1].isidentifier() and parts[-1] != "__init__":
                    roots.setdefault(".".join(parts), os.path.join(directory, file))
                break
            if head in packages:
                roots.setdefault(".".join(parts[:depth]), os.path.join(directory, head))
                break
    return sorted(roots.items())


def _pth_lines(path: str) -> list[str]:
    """The directories a ``.pth`` file adds (``import`` lines are code: never run, skipped)."""
    text = read_small_text(path)
    lines = []
    for line in (text or "").splitlines()[:MAX_PTH_LINES]:
        line = line.strip()
        if line and not line.startswith(("#", "import ", "import\t")):
            lines.append(line)
    return lines


def _pth_roots(directory: str, pth: str, top_level: str) -> list[tuple[str, str]]:
    """Roots an editable install's ``.pth`` file makes importable: the packages named in
    ``top_level.txt`` found in the directories it adds, else every package there."""
    names = _top_level_names(top_level)
    roots: list[tuple[str, str]] = []
    for line in _pth_lines(os.path.join(directory, pth)):
        added = os.path.normpath(os.path.join(directory, line))
        if os.path.realpath(added) == os.path.realpath(directory) or not os.path.isdir(added):
            continue  # a .pth naming site-packages itself adds nothing new
        roots += _modules_in(added, names)
    return roots


def _modules_in(directory: str, names: list[str] | None) -> list[tuple[str, str]]:
    """Packages and modules directly in ``directory`` (only ``names`` when given)."""
    try:
        entries = sorted(os.listdir(directory))[:MAX_LISTED_ENTRIES]
    except OSError:
        return []
    found = []
    for entry in entries:
        path = os.path.join(directory, entry)
        if entry.endswith(".py") and entry[:-3].isidentifier():
            module = entry[:-3]
        elif entry.isidentifier() and os.path.isfile(os.path.join(path, "__init__.py")):
            module = entry
        else:
            continue
        if module != "setup" and (names is None or module in names):
            found.append((module, path))
    return found


def _finder_roots(path: str) -> list[tuple[str, str]]:
    """``MAPPING = {"pkg": "/src/pkg"}`` of a setuptools editable finder, read as data."""
    text = read_small_text(path, MAX_METADATA_BYTES)
    if text is None:
        return []
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    for node in tree.body:
        target = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == "MAPPING":
            try:
                mapping = ast.literal_eval(value)
            except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
                return []
            if isinstance(mapping, dict):
                return sorted(
                    (name, location)
                    for name, location in mapping.items()
                    if isinstance(name, str) and isinstance(location, str)
                )
    return []


def _top_level_names(path: str) -> list[str] | None:
    text = read_small_text(path)
    if text is None:
        return None
    return [line.strip().replace("/", ".") for line in text.splitlines() if line.strip()]


def _top_level_roots(directory: str, top_level: str) -> list[tuple[str, str]]:
    roots = []
    for name in _top_level_names(top_level) or ():
        relative = os.path.join(directory, *name.split("."))
        if os.path.isdir(relative):
            roots.append((name, relative))
        elif os.path.isfile(relative + ".py"):
            roots.append((name, relative + ".py"))
    return roots


def _unclaimed_pth_installs(
    directory: str, names: list[str], claimed: set[str], messages: list[str]
) -> list[Distribution]:
    """Older editable installs (``setup.py develop``, ``easy-install.pth``): a ``.pth`` no RECORD
    lists adds a directory holding a ``*.egg-info`` or ``*.dist-info`` that names the project."""
    found = []
    pth_files = [n for n in names if n.endswith(".pth") and n not in claimed]
    if len(pth_files) > MAX_PTH_FILES:
        messages.append(f"{directory}: more than {MAX_PTH_FILES} .pth files, the rest skipped")
    seen: set[str] = {os.path.realpath(directory)}
    for pth in pth_files[:MAX_PTH_FILES]:
        for line in _pth_lines(os.path.join(directory, pth)):
            added = os.path.normpath(os.path.join(directory, line))
            real = os.path.realpath(added)
            if real in seen or not os.path.isdir(added):
                continue  # each directory once, site-packages itself never again
            seen.add(real)
            found.extend(_egg_info_distributions(added))
    return found


def _egg_info_distributions(directory: str) -> list[Distribution]:
    try:
        entries = sorted(os.listdir(directory))[:MAX_LISTED_ENTRIES]
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.endswith((".egg-info", ".dist-info")):
            continue
        metadata_dir = os.path.join(directory, entry)
        metadata = read_small_text(
            os.path.join(metadata_dir, "PKG-INFO"), MAX_METADATA_BYTES
        ) or read_small_text(os.path.join(metadata_dir, "METADATA"), MAX_METADATA_BYTES)
        name, version = _name_and_version(metadata or "", entry.rsplit(".", 1)[0] + ".dist-info")
        names = _top_level_names(os.path.join(metadata_dir, "top_level.txt"))
        roots = _modules_in(directory, names)
        if name and roots:
            digest = hashlib.blake2b((metadata or "").encode(), digest_size=16).hexdigest()
            found.append(Distribution(name, version, entry, digest, tuple(roots), editable=True))
    return found


def _unique(roots: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for module, path in roots:
        seen.setdefault(module, path)
    return tuple(sorted(seen.items()))
