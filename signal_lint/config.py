"""``[tool.signal-lint]`` in ``pyproject.toml``: found by walking up from the paths checked.

https://packaging.python.org/en/latest/specifications/pyproject-toml/#arbitrary-tool-configuration-the-tool-table
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from signal_lint.reading import DEFAULT_MAX_FILE_SIZE, read_regular_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SEVERITIES = ("info", "warning", "error")
# a pyproject.toml's largest size: bounds what ``--config /dev/zero`` could cost
MAX_CONFIG_SIZE = 16 * 1024 * 1024


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
    cache_dir: str | None = None  # --cache-dir or $SIGNAL_LINT_CACHE_DIR (absolute), if given
    cache_root: str | None = None  # where the default .signal_lint_cache goes; None: ``root``
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; larger source files are SIG000, not read
    # the project's interpreter or virtual environment (``python`` key, ``--python``): absolute
    python: str | None = None
    fixable: tuple[str, ...] = ("SIG",)  # rules whose fixes --fix may apply
    unfixable: tuple[str, ...] = ()
    unsafe_fixes: bool = False  # apply unsafe fixes too (--unsafe-fixes / --no-unsafe-fixes)

    def fingerprint(self) -> str:
        """What cached facts depend on (module names come from ``src``)."""
        return repr((self.src,))


KNOWN_KEYS = {
    "select", "extend-select", "ignore", "extend-ignore", "per-file-ignores", "exclude",
    "extend-exclude", "src", "extra-signals", "signal-catalogs", "django-version", "fail-on",
    "max-file-size", "python", "fixable", "unfixable", "unsafe-fixes",
}  # fmt: skip
TABLE = "signal-lint"
ENVIRONMENT_CACHE_DIR = "SIGNAL_LINT_CACHE_DIR"


def find_pyproject(paths: Sequence[str]) -> str | None:
    """The nearest ``pyproject.toml`` with a ``[tool.signal-lint]`` table above the first path."""
    return _find_pyproject(paths)[0]


def _find_pyproject(paths: Sequence[str]) -> tuple[str | None, str | None]:
    """The nearest ``pyproject.toml`` with our table, and the nearest one at all (the project root)."""
    start = os.path.abspath(paths[0] if paths else ".")
    directory = start if os.path.isdir(start) else os.path.dirname(start)
    nearest = None
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            nearest = nearest or candidate
            if _has_table(candidate):
                return candidate, nearest
        parent = os.path.dirname(directory)
        if parent == directory:
            return None, nearest
        directory = parent


def _has_table(path: str) -> bool:
    """Whether the file is ours to read: it has the table, or mentions it and is broken (to say so)."""
    try:
        content = read_regular_file(path, MAX_CONFIG_SIZE)
    except OSError:
        return False
    if b"signal-lint" not in content:
        return False
    try:
        tool = tomllib.loads(content.decode("utf-8")).get("tool", {})
    except (ValueError, RecursionError):  # not TOML, not UTF-8: load_config says so
        return True
    return not isinstance(tool, Mapping) or TABLE in tool


def load_config(paths: Sequence[str], explicit: str | None = None) -> Config:
    """The configuration for a run over ``paths`` (``explicit``: ``--config``)."""
    path, nearest = (explicit, None) if explicit else _find_pyproject(paths)
    environment = os.environ.get(ENVIRONMENT_CACHE_DIR) or None
    cache_dir = os.path.abspath(environment) if environment else None
    if path is None:  # the project root is the nearest pyproject.toml's directory, else the cwd
        cache_root = os.path.dirname(nearest) if nearest else None
        return Config(root=os.path.abspath("."), cache_dir=cache_dir, cache_root=cache_root)
    config = parse_config(read_table(path), os.path.dirname(os.path.abspath(path)), path)
    if cache_dir is not None:
        config = replace(config, cache_dir=cache_dir)
    return config


def read_table(path: str) -> Any:
    """The ``[tool.signal-lint]`` table of the file at ``path`` (checked by ``parse_config``)."""
    try:
        content = read_regular_file(path, MAX_CONFIG_SIZE)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read configuration: {error.strerror or error}") from None
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        reason = f"not valid UTF-8 ({error.reason} at byte {error.start})"
        raise ConfigError(f"{path}: cannot read configuration: {reason}") from None
    except (tomllib.TOMLDecodeError, RecursionError) as error:
        raise ConfigError(
            f"{path}: cannot read configuration: {error or 'nested too deeply'}"
        ) from None
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise ConfigError(f"{path}: `tool` must be a table (pyproject.toml's [tool] section)")
    return tool.get(TABLE, {})


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
    unsafe_fixes = table.get("unsafe-fixes", False)
    if not isinstance(unsafe_fixes, bool):
        raise ConfigError(f"{where}: unsafe-fixes must be true or false")
    if fail_on not in SEVERITIES:
        raise ConfigError(f"{where}: fail-on must be one of {', '.join(SEVERITIES)}")
    extra = table.get("extra-signals", [])
    if not isinstance(extra, list) or not all(isinstance(entry, Mapping) for entry in extra):
        raise ConfigError(f"{where}: extra-signals must be an array of tables")
    extra = list(extra)
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
        select=_codes(table.get("select", ["SIG"]), "select", where)
        + _codes(table.get("extend-select", []), "extend-select", where),
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
        max_file_size=parse_size(
            table.get("max-file-size", DEFAULT_MAX_FILE_SIZE), "max-file-size", where
        ),
        python=_python(table.get("python"), root, where),
        fixable=_codes(table.get("fixable", ["SIG"]), "fixable", where),
        unfixable=_codes(table.get("unfixable", []), "unfixable", where),
        unsafe_fixes=unsafe_fixes,
    )
    if extra:
        from signal_lint.catalog import load_catalog

        try:
            load_catalog(version, extra)
        except ValueError as error:
            raise ConfigError(f"{where}: extra-signals: {error}") from None
    return config


def _python(value: Any, root: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: python must be the path of an interpreter or a virtualenv")
    return os.path.normpath(os.path.join(root, os.path.expanduser(value)))


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and "\0" not in v for v in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


_SIZE_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}


def parse_size(value: Any, key: str, where: str) -> int:
    """A size in bytes: an integer, or a string such as ``"20MB"`` or ``"512 KiB"``."""
    if isinstance(value, str):
        number = value.strip().upper().rstrip("BIKMG ")
        unit = value.strip().upper()[len(number) :].replace(" ", "")
        if number.isascii() and number.isdigit() and unit in _SIZE_UNITS:
            value = int(number) * _SIZE_UNITS[unit]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f'{where}: {key} must be a positive number of bytes, such as 10485760 or "10MiB"'
        )
    return value


def _codes(value: Any, key: str, where: str) -> tuple[str, ...]:
    codes = tuple(code.strip().upper() for code in _strings(value, key, where) if code.strip())
    for code in codes:
        digits = code[3:]
        if not code.startswith("SIG") or not (
            (digits.isascii() and digits.isdigit()) or code == "SIG"
        ):
            raise ConfigError(
                f"{where}: {key}: {code!r} is not a rule code or prefix such as SIG004 or SIG0"
            )
    return codes


def merged(
    config: Config,
    *,
    select: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    per_file_ignores: Sequence[str] | None = None,
    fail_on: str | None = None,
) -> Config:
    """Command-line options over the file, with the config keys' meanings: ``--select``
    replaces ``select``, ``--extend-select`` adds to it, ``--ignore``/``--extend-ignore`` add
    to ``ignore``, ``--per-file-ignores PATTERN:CODES`` (repeatable) replaces the table."""
    from dataclasses import replace

    where = "command line"
    changes: dict[str, Any] = {}
    if select:
        changes["select"] = _codes(list(select), "--select", where)
    if extend_select:
        base = changes.get("select", config.select)
        changes["select"] = base + _codes(list(extend_select), "--extend-select", where)
    if ignore:
        changes["ignore"] = config.ignore + _codes(list(ignore), "--ignore", where)
    if per_file_ignores is not None:
        table = []
        for entry in per_file_ignores:
            pattern, colon, codes = entry.rpartition(":")
            if not colon or not pattern:
                raise ConfigError(
                    f"{where}: --per-file-ignores {entry!r}: expected PATTERN:CODES, e.g. 'tests/*:SIG002,SIG013'"
                )
            table.append(
                (pattern, _codes(codes.split(","), f"--per-file-ignores {pattern}", where))
            )
        changes["per_file_ignores"] = tuple(table)
    if fail_on:
        changes["fail_on"] = fail_on
    return replace(config, **changes)
