"""flake8 adapter: ``flake8 --select SIG`` runs signal-lint's rules on each file flake8 checks.

A thin adapter, like flake8's own ``plugins/pyflakes.py``: the analyzer
knows nothing about flake8.  Each file is re-extracted from the ``lines``
flake8 read (so an editor's unsaved buffer on stdin is checked as shown),
with the same ``extract_source`` the ``signal-lint`` command uses, so the
facts are identical.  Findings are yielded with 0-based columns (flake8
adds 1); flake8's ``noqa`` (and ``--disable-noqa``), ``--select``,
``--extend-ignore`` and ``per-file-ignores`` then apply as to any plugin.

SIG018 (unused ``noqa``) never runs here: flake8 reads the ``noqa``
comments itself, after the plugin, so the plugin cannot know which are used.

From ``[tool.signal-lint]`` in the nearest ``pyproject.toml`` the plugin
takes only what changes the analysis (``src``, ``extra-signals``,
``signal-catalogs``, ``django-version``); which codes are reported is
flake8's configuration.

``--signal-lint-project`` (opt-in) checks each file as part of its project:
the whole project (everything below the directory of that
``pyproject.toml``, or the current directory) is analysed once per process
with the ``signal-lint check`` engine and its content-hash cache, and each
file gets its findings from that run, project rules included.  The analysis
runs in ``parse_options``, before flake8 starts its worker processes, so
with ``-j N`` on a platform that forks (Linux) the workers inherit it and
it is computed once per run; where workers are spawned (macOS, Windows)
each worker computes it once, mostly from the cache.  A file whose content
differs from the file on disk (stdin) is checked alone.

https://flake8.pycqa.org/en/latest/plugin-development/
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import tokenize
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from typing import Any

from signal_lint import __version__
from signal_lint.findings import Finding

Result = tuple[int, int, str, type]
UNUSED_NOQA = "SIG018"


class Plugin:
    """The ``SIG`` checker flake8 loads through the ``flake8.extension`` entry point."""

    name = "signal-lint"
    version = __version__
    django_version: str | None = None  # --signal-lint-django-version
    project = False  # --signal-lint-project

    def __init__(self, tree: object, filename: str, lines: Sequence[str]) -> None:
        # Taking ``tree`` makes flake8 run this as an AST plugin: once per file, and never
        # on a file it could not parse (that is E999). The file is parsed once, by flake8.
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--signal-lint-django-version",
            default=None,
            type=_django_version,
            metavar="X.Y",
            parse_from_config=True,
            help=(
                "Django version whose signal arguments signal-lint checks against (default: "
                "[tool.signal-lint] django-version, else the newest)"
            ),
        )
        manager.add_option(
            "--signal-lint-project",
            default=False,
            action="store_true",
            parse_from_config=True,
            help="check each file as part of its whole project (project rules too); computed once per run",
        )

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        cls.django_version = options.signal_lint_django_version
        cls.project = bool(options.signal_lint_project)
        if cls.project:
            for filename in getattr(options, "filenames", None) or ["."]:
                with _config_errors():
                    _project(_settings(_directory_of(filename), cls.django_version)[0])

    def run(self) -> Iterator[Result]:
        with _config_errors():
            findings = self._findings()
        for finding in findings:
            yield finding.line, finding.column, f"{finding.code} {finding.message}", type(self)

    def _findings(self) -> list[Finding]:
        from signal_lint.engine import check_one
        from signal_lint.extract import extract_source, mentions_signals
        from signal_lint.extract.modules import module_name

        text = "".join(self.lines)
        config, catalog = _settings(_directory_of(self.filename), type(self).django_version)
        if type(self).project:
            project = _project(config)
            path = os.path.realpath(self.filename)
            if path in project.files and _on_disk(self.filename) == text:
                return project.findings.get(path, [])
        source = _encode(text)
        if not mentions_signals(source):
            return []  # no per-file rule can fire without a connection, send or signal: skip the walk
        module, is_package = module_name(self.filename, config.src)
        tree = self.tree if isinstance(self.tree, ast.Module) else None
        facts = extract_source(source, self.filename, module, is_package, tree=tree)
        return check_one(replace(facts, noqa=()), catalog, config)  # ``noqa`` is flake8's job


class _Project:
    """One ``signal-lint check`` run over a whole project: its files and findings by real path."""

    def __init__(self, files: frozenset[str], findings: dict[str, list[Finding]]) -> None:
        self.files = files
        self.findings = findings


_PROJECTS: dict[
    tuple[str, str], _Project
] = {}  # (root, config) -> the run; at most one per process


def _project(config: Any) -> _Project:
    key = (config.root, repr(config))
    if key not in _PROJECTS:
        from signal_lint.discover import discover
        from signal_lint.engine import check_paths

        root = config.root
        files = frozenset(
            os.path.realpath(f.path) for f in discover([root], root, config.exclude)[0]
        )
        findings: dict[str, list[Finding]] = {}
        for finding in check_paths([root], config).findings:
            findings.setdefault(os.path.realpath(finding.path), []).append(finding)
        _PROJECTS[key] = _Project(files, findings)
    return _PROJECTS[key]


@lru_cache(maxsize=256)
def _settings(directory: str, django_version: str | None) -> tuple[Any, Any]:
    """The config (every SIG code on: flake8 chooses what to report) and catalog for files in ``directory``.

    Except SIG018 (unused ``noqa``): flake8 applies ``noqa`` itself, after the plugin ran.
    """
    from signal_lint.catalog import load_catalog
    from signal_lint.config import load_config

    config = load_config([directory])
    config = replace(
        config,
        select=("SIG",),
        ignore=(UNUSED_NOQA,),
        per_file_ignores=(),
        django_version=django_version or config.django_version,
    )
    return config, load_catalog(config.django_version, config.extra_signals)


@contextmanager
def _config_errors() -> Iterator[None]:
    """A bad ``[tool.signal-lint]`` stops flake8 with its message, as flake8's own config errors do."""
    from signal_lint.config import ConfigError

    try:
        yield
    except ConfigError as error:
        from flake8.exceptions import ExecutionError

        raise ExecutionError(f"signal-lint: {error}") from None


def _directory_of(filename: str) -> str:
    absolute = os.path.abspath(filename)
    return absolute if os.path.isdir(absolute) else os.path.dirname(absolute)


def _on_disk(filename: str) -> str | None:
    """The file's text as flake8 reads it (decoded, universal newlines), or None."""
    try:
        with tokenize.open(filename) as handle:
            return handle.read()
    except (OSError, SyntaxError, UnicodeError):
        return None


def _encode(text: str) -> bytes:
    """flake8's decoded lines back to bytes, in the encoding the file declares."""
    data = text.encode("utf-8", "surrogateescape")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data if encoding in ("utf-8", "utf-8-sig") else text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeError):
        return data


def _django_version(value: str) -> str:
    from signal_lint.catalog import normalize_version

    try:
        return normalize_version(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
