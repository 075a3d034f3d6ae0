"""The ``signal-lint`` command: the subcommands and what they share.

Each subcommand lives in its own module: ``check`` in ``check_command.py``,
``rules`` and ``rule`` in ``rule_commands.py``, ``graph`` and ``graph-diff`` in
``graph_commands.py``.
Exit status: 0 no finding at or above ``--fail-on`` (default ``warning``),
1 such findings, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from signal_lint import __version__

if TYPE_CHECKING:
    from signal_lint.config import Config

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
COMMANDS = ("check", "graph", "graph-diff", "rules", "rule")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        args_list.insert(0, "check")  # ``signal-lint src/`` means check
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exit:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit.code or 0)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # ``signal-lint check | head``
        return EXIT_CLEAN
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """The ``signal-lint`` command: ``main()``, then leave without tearing the interpreter down.

    Once the output is flushed nothing is left to do, but a normal exit would still free every
    object of the run one by one (tens of milliseconds on a large project, as for mypy, which
    leaves the same way).
    """
    from signal_lint import teardown
    from signal_lint.allocator import keep_freed_memory

    teardown.leave_without_teardown()
    keep_freed_memory()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # ``signal-lint check | head``; a closed stream
            pass
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="signal-lint", description="Find Django signal mistakes statically."
    )
    parser.add_argument("--version", action="version", version=f"signal-lint {__version__}")
    commands = parser.add_subparsers(dest="command")

    from signal_lint.check_command import add_parser as add_check
    from signal_lint.rule_commands import add_parsers as add_rule_commands

    add_check(commands)

    from signal_lint.graph_commands import add_parsers as add_graph_commands

    add_graph_commands(commands)  # graph, graph-diff
    add_rule_commands(commands)
    return parser


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """Options of every command that reads a project: where its cache lives, which files it reads."""
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the cache in DIR (default: $SIGNAL_LINT_CACHE_DIR, else .signal_lint_cache/ "
        "at the project root)",
    )
    parser.add_argument(
        "--max-file-size",
        metavar="BYTES",
        help="larger files are reported (SIG000), not read, e.g. 10MiB "
        "(default: [tool.signal-lint] max-file-size, else 10MiB)",
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the project's interpreter or virtualenv, whose installed packages are read as "
        "files, never run (default: `python` in the config, $VIRTUAL_ENV, ./.venv, ./venv)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="say what is read, and what is not"
    )


def load_run_config(args: argparse.Namespace, paths: Sequence[str], given: Sequence[str]) -> Config:
    """The configuration for a run over ``paths``, with ``add_input_options``' options applied.

    ``given``: the paths typed on the command line; one that names no file or
    directory is a usage error (``ConfigError``), so a typo in a CI script
    fails the job instead of passing it with nothing checked.
    """
    from dataclasses import replace

    from signal_lint.config import ConfigError, load_config, parse_size

    errors = [error for error in map(_path_error, given) if error]
    if errors:
        raise ConfigError("; ".join(errors))
    config = load_config(paths, args.config)
    if args.cache_dir:
        config = replace(config, cache_dir=os.path.abspath(args.cache_dir))
    if args.max_file_size is not None:
        size = parse_size(args.max_file_size, "--max-file-size", "command line")
        config = replace(config, max_file_size=size)
    if args.python:  # relative to the current directory, like every path typed
        config = replace(config, python=os.path.abspath(args.python))
    return config


def _path_error(path: str) -> str | None:
    import stat

    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError) as error:  # ValueError: a NUL byte
        reason = getattr(error, "strerror", None) or str(error)
        return f"{path}: {reason[:1].lower()}{reason[1:]}"
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return f"{path}: not a file or directory"
    return None


def print_notes(args: argparse.Namespace, notes: Sequence[str]) -> None:
    """What ``--verbose`` adds on stderr."""
    if args.verbose:
        for note in notes:
            print(f"signal-lint: {note}", file=sys.stderr)
