"""``[tool.signal-lint]`` in ``pyproject.toml``: found by walking up from the paths checked.

https://packaging.python.org/en/latest/specifications/pyproject-toml/#arbitrary-tool-configuration-the-tool-table
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("info", "warning", "error")


class ConfigError(Exception):
    """A configuration the user must fix: exit status 2 with this message."""


@dataclass(frozen=True)
class Config:
    root: str = "."  # the directory holding the pyproject.toml (or the cwd)
    path: str | None = None  # the pyproject.toml read, if any
    select: tuple[str, ...] = ("SIG",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    src: tuple[str, ...] = ()  # absolute
    extra_signals: tuple[Mapping[str, Any], ...] = ()
    django_version: str | None = None
    fail_on: str = "warning"

    def fingerprint(self) -> str:
        """What cached facts depend on (module names come from ``src``)."""
        return repr((self.src,))


KNOWN_KEYS = {
    "select", "ignore", "extend-ignore", "per-file-ignores", "exclude", "extend-exclude", "src",
    "extra-signals", "signal-catalogs", "django-version", "fail-on",
}  # fmt: skip


def find_pyproject(paths: Sequence[str]) -> str | None:
    """The nearest ``pyproject.toml`` with a ``[tool.signal-lint]`` table above the first path."""
    start = os.path.abspath(paths[0] if paths else ".")
    directory = start if os.path.isdir(start) else os.path.dirname(start)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except OSError:
        return False
    return b"tool.signal-lint" in content or b'tool."signal-lint"' in content


def load_config(paths: Sequence[str], explicit: str | None = None) -> Config:
    path = explicit or find_pyproject(paths)
    if path is None:
        return Config(root=os.path.abspath("."))
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    table = data.get("tool", {}).get("signal-lint", {})
    return parse_config(table, os.path.dirname(os.path.abspath(path)), path)


def parse_config(table: Mapping[str, Any], root: str, path: str | None = None) -> Config:
    where = path or "[tool.signal-lint]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: [tool.signal-lint] must be a table")
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown [tool.signal-lint] key(s): {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    per_file: list[tuple[str, tuple[str, ...]]] = []
    raw_per_file = table.get("per-file-ignores", {})
    if not isinstance(raw_per_file, Mapping):
        raise ConfigError(f"{where}: per-file-ignores must be a table of glob = [codes]")
    for pattern, codes in sorted(raw_per_file.items()):
        per_file.append((pattern, _codes(codes, f"per-file-ignores.{pattern}", where)))
    fail_on = table.get("fail-on", "warning")
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(SEVERITIES)}")
    extra = list(table.get("extra-signals", []))
    if not isinstance(table.get("extra-signals", []), list):
        raise ConfigError(f"{where}: extra-signals must be an array of tables")
    for catalog_path in _strings(table.get("signal-catalogs", []), "signal-catalogs", where):
        from signal_lint.catalog import read_signals_file

        try:
            extra.extend(read_signals_file(os.path.join(root, catalog_path)))
        except (OSError, ValueError) as error:
            raise ConfigError(f"{where}: signal-catalogs: {error}") from None
    version = table.get("django-version")
    if version is not None:
        from signal_lint.catalog import normalize_version

        try:
            version = normalize_version(str(version))
        except ValueError as error:
            raise ConfigError(f"{where}: django-version: {error}") from None
    config = Config(
        root=root,
        path=path,
        select=_codes(table.get("select", ["SIG"]), "select", where),
        ignore=_codes(table.get("ignore", []), "ignore", where)
        + _codes(table.get("extend-ignore", []), "extend-ignore", where),
        per_file_ignores=tuple(per_file),
        exclude=_strings(table.get("exclude", []), "exclude", where)
        + _strings(table.get("extend-exclude", []), "extend-exclude", where),
        src=tuple(
            os.path.normpath(os.path.join(root, s))
            for s in _strings(table.get("src", []), "src", where)
        ),
        extra_signals=tuple(extra),
        django_version=version,
        fail_on=fail_on,
    )
    if extra:
        from signal_lint.catalog import load_catalog

        try:
            load_catalog(version, extra)
        except ValueError as error:
            raise ConfigError(f"{where}: extra-signals: {error}") from None
    return config


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _codes(value: Any, key: str, where: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _strings(value, key, where) if code.strip())
    for code in codes:
        if not code.startswith("SIG") or (not code[3:].isdigit() and code != "SIG"):
            raise ConfigError(
                f"{where}: {key}: {code!r} is not a rule code or prefix such as SIG004 or SIG0"
            )
    return codes


def merged(
    config: Config, select: Sequence[str] | None, ignore: Sequence[str] | None, fail_on: str | None
) -> Config:
    """Command-line options override the file."""
    from dataclasses import replace

    changes: dict[str, Any] = {}
    if select:
        changes["select"] = _codes(list(select), "--select", "command line")
    if ignore:
        changes["ignore"] = config.ignore + _codes(list(ignore), "--ignore", "command line")
    if fail_on:
        changes["fail_on"] = fail_on
    return replace(config, **changes)
