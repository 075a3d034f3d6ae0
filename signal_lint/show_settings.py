"""``signal-lint check --show-settings``: the settings a run would use, and where each comes from.

A value comes from the command line, from the configuration file's
``[tool.signal-lint]`` (naming the key), from both (``--extend-select`` on
top of ``select``), or is the default.  Printed as TOML-like lines with the
origin as a comment, or as JSON (``--output-format json``).
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Mapping
from typing import Any

from signal_lint import __version__
from signal_lint.cache import cache_directory
from signal_lint.config import ENVIRONMENT_CACHE_DIR, Config, read_table

DEFAULT = "default"


def settings(config: Config, args: argparse.Namespace) -> list[tuple[str, Any, str]]:
    """(key, value, origin) for every setting of a check run."""
    from signal_lint.catalog import normalize_version

    table: Mapping[str, Any] = read_table(config.path) if config.path else {}
    name = os.path.basename(config.path) if config.path else ""

    def origin(*parts: tuple[str | None, bool]) -> str:
        found = [where for where, present in parts if present and where]
        return " + ".join(found) or DEFAULT

    def in_file(*keys: str) -> tuple[str | None, bool]:
        present = [key for key in keys if key in table]
        return (f"{name}: {', '.join(present)}" if present else None), bool(present)

    def given(option: str, value: object) -> tuple[str, bool]:
        return f"command line: {option}", value is not None and value != []

    select_origin = (
        origin(given("--select", args.select), given("--extend-select", args.extend_select))
        if args.select
        else origin(
            in_file("select", "extend-select"), given("--extend-select", args.extend_select)
        )
    )
    per_file = {pattern: list(codes) for pattern, codes in config.per_file_ignores}
    return [
        (
            "configuration",
            config.path,
            "command line: --config"
            if args.config
            else "searched upwards"
            if config.path
            else "none found: defaults",
        ),
        (
            "root",
            config.root,
            "the configuration's directory" if config.path else "the current directory",
        ),
        ("select", list(config.select), select_origin),
        (
            "ignore",
            list(config.ignore),
            origin(
                in_file("ignore", "extend-ignore"), given("--ignore/--extend-ignore", args.ignore)
            ),
        ),
        (
            "per-file-ignores",
            per_file,
            origin(given("--per-file-ignores", args.per_file_ignores))
            if args.per_file_ignores is not None
            else origin(in_file("per-file-ignores")),
        ),
        ("exclude", list(config.exclude), origin(in_file("exclude", "extend-exclude"))),
        ("src", list(config.src), origin(in_file("src"))),
        (
            "extra-signals",
            sorted(str(s.get("qualname")) for s in config.extra_signals),
            origin(in_file("extra-signals", "signal-catalogs")),
        ),
        (
            "django-version",
            normalize_version(config.django_version),
            origin(in_file("django-version")),
        ),
        (
            "fail-on",
            config.fail_on,
            origin(given("--fail-on", args.fail_on))
            if args.fail_on
            else origin(in_file("fail-on")),
        ),
        ("fixable", list(config.fixable), origin(in_file("fixable"))),
        ("unfixable", list(config.unfixable), origin(in_file("unfixable"))),
        (
            "unsafe-fixes",
            config.unsafe_fixes if args.unsafe_fixes is None else args.unsafe_fixes,
            origin(in_file("unsafe-fixes"))
            if args.unsafe_fixes is None
            else "command line: --unsafe-fixes"
            if args.unsafe_fixes
            else "command line: --no-unsafe-fixes",
        ),
        (
            "python",
            config.python,
            origin(given("--python", args.python))
            if args.python
            else origin(in_file("python"))
            if config.python
            else "default: $VIRTUAL_ENV, else .venv or venv at the project root",
        ),
        (
            "max-file-size",
            config.max_file_size,
            origin(given("--max-file-size", args.max_file_size))
            if args.max_file_size is not None
            else origin(in_file("max-file-size")),
        ),
        (
            "cache-dir",
            None
            if args.no_cache
            else cache_directory(config.cache_root or config.root, config.cache_dir),
            "command line: --no-cache"
            if args.no_cache
            else "command line: --cache-dir"
            if args.cache_dir
            else f"environment: {ENVIRONMENT_CACHE_DIR}"
            if config.cache_dir
            else "default: the project root",
        ),
        ("output-format", args.output_format, _option(args, "output_format", "--output-format")),
        ("color", args.color, _option(args, "color", "--color")),
        (
            "jobs",
            args.jobs or os.cpu_count() or 1,
            "command line: --jobs" if args.jobs else DEFAULT,
        ),
    ]


def _option(args: argparse.Namespace, dest: str, option: str) -> str:
    return f"command line: {option}" if dest in getattr(args, "given", ()) else DEFAULT


def render(rows: list[tuple[str, Any, str]], as_json: bool) -> str:
    if as_json:
        document = {key: {"value": value, "origin": where} for key, value, where in rows}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    width = max(len(f"{key} = {_toml(value)}") for key, value, _ in rows)
    lines = [f"# signal-lint {__version__}: the settings of this run"]
    for key, value, where in rows:
        lines.append(f"{f'{key} = {_toml(value)}':<{width}}  # {where}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
            if value
            else "{}"
        )
    return json.dumps(value, ensure_ascii=False)
