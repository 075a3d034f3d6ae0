"""Content-hash cache of per-file facts, so an unchanged file is never parsed twice.

One pickle per project root, tool version and configuration under
``.signal_lint_cache/`` (which carries its own ``.gitignore``, like ruff's),
mapping each file's display path to ``(content hash, module, FileFacts)``.
Written atomically (temporary file + ``os.replace``): two concurrent runs
each leave a complete cache, the last one wins.  A corrupted or
incompatible cache file is ignored and rebuilt.  ``--no-cache`` and
``SIGNAL_LINT_CACHE_DIR`` are the escape hatches.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache

from signal_lint import __version__
from signal_lint.atomic import write_atomically
from signal_lint.extract.facts import FileFacts

CACHE_DIRECTORY = ".signal_lint_cache"
ENVIRONMENT_VARIABLE = "SIGNAL_LINT_CACHE_DIR"
# Bump when FileFacts or the extractor change shape without a version bump.
FORMAT = 1

Entry = tuple[str, str, FileFacts]  # (content hash, module, facts)
FindingRow = tuple[str, str, str, str, int, int, str, tuple[str, int, int] | None]


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


def cache_directory(root: str) -> str:
    return os.environ.get(ENVIRONMENT_VARIABLE) or os.path.join(root, CACHE_DIRECTORY)


class FactsCache:
    def __init__(self, root: str, fingerprint: str) -> None:
        key = hashlib.blake2b(
            f"{__version__}|{FORMAT}|{code_fingerprint()}|{os.path.abspath(root)}|{fingerprint}".encode(),
            digest_size=8,
        ).hexdigest()
        self.directory = cache_directory(root)
        self.path = os.path.join(self.directory, f"facts-{__version__}-{key}.pickle")
        self.entries: dict[str, Entry] = _load(self.path, dict)
        self.used: dict[str, Entry] = {}
        self.changed = False

    def get(self, display: str, digest: str, module: str) -> FileFacts | None:
        entry = self.entries.get(display)
        if entry is None or entry[0] != digest or entry[1] != module:
            return None
        self.used[display] = entry
        return entry[2]

    def put(self, display: str, digest: str, module: str, facts: FileFacts) -> None:
        self.used[display] = (digest, module, facts)
        self.changed = True

    def save(self) -> None:
        """Keep the entries of this run (files gone since are dropped)."""
        if self.changed or len(self.used) != len(self.entries):
            _dump(self.directory, self.path, self.used)


class RunCache:
    """The findings of the last run over exactly these files, contents and settings.

    When nothing changed, the run prints these without loading any facts or
    running any rule: a warm run costs reading and hashing the files.
    """

    def __init__(self, root: str, key: str) -> None:
        self.directory = cache_directory(root)
        self.key = key
        self.path = os.path.join(
            self.directory,
            f"run-{__version__}-{hashlib.blake2b(os.path.abspath(root).encode(), digest_size=8).hexdigest()}.pickle",
        )

    def findings(self) -> list[FindingRow] | None:
        data = _load(self.path, tuple)
        if (
            len(data) == 2
            and data[0] == (self.key, code_fingerprint())
            and isinstance(data[1], list)
        ):
            return data[1]
        return None

    def save(self, rows: list[FindingRow]) -> None:
        _dump(self.directory, self.path, ((self.key, code_fingerprint()), rows))


def _dump(directory: str, path: str, data: object) -> None:
    try:
        os.makedirs(directory, exist_ok=True)
        ignore = os.path.join(directory, ".gitignore")
        if not os.path.exists(ignore):
            write_atomically(ignore, b"# Automatically created by signal-lint.\n*\n")
        write_atomically(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only checkout still gets its findings; only the speed-up is lost


def _load(path: str, kind: type):  # type: ignore[no-untyped-def]
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return kind()
    except Exception:  # truncated, corrupted, or written by another version: rebuild
        return kind()
    return data if isinstance(data, kind) else kind()
