"""Content-hash cache of per-file facts, so an unchanged file is never parsed twice.

It lives in ``.signal_lint_cache/`` at the project root (see
``cache_directory``), which carries its own ``.gitignore`` like ruff's.
Two files: the facts of each file (``facts-*.json``, keyed by display path,
content hash and module name) and the findings of the last run
(``run-*.json``), which a run over unchanged files prints as they are.  Plus
what was read of the installed packages (``installed-*.json``, see
``InstalledCache``).

The cache directory sits inside the checked tree, where a pull request can
put anything, so the files are data only: JSON read by ``signal_lint.codec``,
which checks every value against the type it must have.  Nothing in them is
ever executed, a damaged or hostile file is ignored, and an entry of the
wrong shape is dropped and rebuilt.  Files are written atomically (temporary
file + ``os.replace``): two concurrent runs each leave a complete cache, the
last one wins.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from signal_lint import __version__
from signal_lint.atomic import write_atomically
from signal_lint.codec import Invalid, decoder, encode, schema
from signal_lint.extract.facts import FileFacts
from signal_lint.findings import Finding
from signal_lint.reading import read_regular_file

if TYPE_CHECKING:  # imported where used: a run reads installed packages after its workers start
    from signal_lint.installed.distributions import Index
    from signal_lint.installed.reading import InstalledPackage

CACHE_DIRECTORY = ".signal_lint_cache"
ENVIRONMENT_VARIABLE = "SIGNAL_LINT_CACHE_DIR"
# Bump when the layout of the files changes (the shape of the facts is in ``schema``).
FORMAT = 2
# A cache file is regular and written by us; this only bounds what a hostile one can cost.
MAX_CACHE_FILE_SIZE = 2 * 1024 * 1024 * 1024
T = TypeVar("T")


def content_hash(source: bytes) -> str:
    return hashlib.blake2b(source, digest_size=16).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The tool's own code, so an edited checkout (an editable install) never reuses stale results."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    for directory, _, names in os.walk(package):
        for name in sorted(names):
            if name.endswith((".py", ".toml")):
                info = os.stat(os.path.join(directory, name))
                stamps.append(f"{directory}/{name}:{info.st_mtime_ns}:{info.st_size}")
    return hashlib.blake2b("|".join(sorted(stamps)).encode(), digest_size=8).hexdigest()


def cache_directory(root: str, configured: str | None = None) -> str:
    """``configured`` (``--cache-dir``, ``$SIGNAL_LINT_CACHE_DIR``), else ``.signal_lint_cache`` in ``root``."""
    return configured or os.path.join(root, CACHE_DIRECTORY)


def _header(kind: str, key: str) -> dict[str, Any]:
    return {"signal-lint": kind, "format": FORMAT, "version": __version__, "key": key}


class FactsCache:
    """Facts by display path; an entry is decoded (and checked) only when its file is unchanged."""

    def __init__(self, directory: str, root: str, fingerprint: str) -> None:
        self.key = hashlib.blake2b(
            f"{__version__}|{FORMAT}|{schema(FileFacts)}|{code_fingerprint()}|{os.path.abspath(root)}|{fingerprint}".encode(),
            digest_size=8,
        ).hexdigest()
        self.directory = directory
        self.path = os.path.join(directory, f"facts-{__version__}-{self.key}.json")
        data = _load(self.path, _header("facts", self.key))
        entries = data.get("entries") if data is not None else None
        self.entries: dict[str, Any] = entries if type(entries) is dict else {}
        self.used: dict[str, tuple[str, str, FileFacts]] = {}
        self.changed = False

    def get(self, display: str, digest: str, module: str) -> FileFacts | None:
        entry = self.entries.get(display)
        if type(entry) is not list or len(entry) != 3 or entry[0] != digest or entry[1] != module:
            return None
        try:
            facts = _decode_facts(entry[2])
        except (Invalid, TypeError, ValueError, RecursionError):
            return None  # hand-edited or hostile: rebuilt by the caller
        if facts.path != display or facts.module != module:
            return None
        self.used[display] = (digest, module, facts)
        return facts

    def put(self, display: str, digest: str, module: str, facts: FileFacts) -> None:
        self.used[display] = (digest, module, facts)
        self.changed = True

    def save(self) -> None:
        """Keep the entries of this run (files gone since are dropped)."""
        if self.changed or len(self.used) != len(self.entries):
            _dump(self.directory, self.path, {**_header("facts", self.key), "entries": self.used})


class RunCache:
    """The findings of the last run over exactly these files, contents and settings.

    When nothing changed, the run prints these without loading any facts or
    running any rule: a warm run costs reading and hashing the files.
    """

    def __init__(self, directory: str, root: str, key: str) -> None:
        self.directory = directory
        self.key = f"{key}|{code_fingerprint()}|{schema(Finding)}"
        self.path = os.path.join(
            directory,
            f"run-{__version__}-{hashlib.blake2b(os.path.abspath(root).encode(), digest_size=8).hexdigest()}.json",
        )

    def findings(self) -> list[Finding] | None:
        data = _load(self.path, _header("run", self.key))
        if data is None:
            return None
        try:
            return list(_decode_findings(data.get("findings")))
        except (Invalid, TypeError, ValueError, RecursionError):
            return None

    def save(self, findings: Sequence[Finding]) -> None:
        _dump(self.directory, self.path, {**_header("run", self.key), "findings": findings})


class InstalledCache:
    """What was read of the environment's installed packages, so a warm run opens none of them.

    One file for the index of an environment's distributions, keyed by the
    ``stat`` signature of its ``site-packages``, and one per distribution
    version read (its files' facts and its send sites), keyed by its
    ``.dist-info`` name, version, ``RECORD`` hash and location: upgrading a
    package makes a new key, and the files of versions no longer installed are
    left for ``signal-lint`` to ignore (delete the directory to drop them).
    """

    def __init__(self, directory: str) -> None:
        self.directory = directory

    def index(self, signature: str) -> Index | None:
        from signal_lint.installed.distributions import Index

        return self._get("index", signature, Index)

    def save_index(self, signature: str, index: Index) -> None:
        from signal_lint.installed.distributions import Index

        self._put("index", signature, index, Index)

    def package(self, key: str) -> InstalledPackage | None:
        from signal_lint.installed.reading import InstalledPackage

        return self._get("package", key, InstalledPackage)

    def save_package(self, key: str, package: InstalledPackage) -> None:
        from signal_lint.installed.reading import InstalledPackage

        self._put("package", key, package, InstalledPackage)

    def _file(self, kind: str, key: str, shape: type) -> tuple[str, dict[str, Any]]:
        full = f"{key}|{code_fingerprint()}|{schema(shape)}"
        name = hashlib.blake2b(full.encode(), digest_size=12).hexdigest()
        path = os.path.join(self.directory, f"installed-{kind}-{__version__}-{name}.json")
        return path, _header(f"installed-{kind}", full)

    def _get(self, kind: str, key: str, shape: type[T]) -> T | None:
        path, header = self._file(kind, key, shape)
        data = _load(path, header)
        if data is None:
            return None
        try:
            return decoder(shape)(data.get("value"))
        except (Invalid, TypeError, ValueError, RecursionError):
            return None  # damaged or hostile: read the package again

    def _put(self, kind: str, key: str, value: object, shape: type) -> None:
        path, header = self._file(kind, key, shape)
        _dump(self.directory, path, {**header, "value": value})


def installed_cache(directory: str | None) -> InstalledCache | None:
    return InstalledCache(directory) if directory is not None else None


def _decode_facts(data: Any) -> FileFacts:
    return decoder(FileFacts)(data)


def _decode_findings(data: Any) -> tuple[Finding, ...]:
    return decoder(tuple[Finding, ...])(data)


def _dump(directory: str, path: str, data: dict[str, Any]) -> None:
    try:
        os.makedirs(directory, exist_ok=True)
        ignore = os.path.join(directory, ".gitignore")
        if not os.path.lexists(ignore):
            write_atomically(ignore, b"# Automatically created by signal-lint.\n*\n")
        write_atomically(path, encode(data).encode("ascii"))
    except OSError:
        pass  # a read-only checkout still gets its findings; only the speed-up is lost


def _load(path: str, header: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON object in ``path`` when its header is ``header``; None when missing, damaged or stale."""
    try:
        data = json.loads(read_regular_file(path, MAX_CACHE_FILE_SIZE))
    except (OSError, ValueError, RecursionError):  # missing, not a file, not JSON, too deep
        return None
    if type(data) is not dict or any(data.get(name) != value for name, value in header.items()):
        return None
    return data
