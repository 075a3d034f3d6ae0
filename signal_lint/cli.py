"""The ``signal-lint`` command: the subcommands and what they share.

Each subcommand lives in its own module: ``check`` in ``check_command.py``,
``rules`` and ``rule`` in ``rule_commands.py``, ``graph`` and ``graph-diff`` in
``graph_commands.py``.
Exit status: 0 no finding at or above ``--fail-on`` (default ``warning``),
1 such findings, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from signal_lint import __version__

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
