"""The ``signal-lint`` command: the subcommands and what they share.

Each subcommand lives in its own module: ``check`` in ``check_command.py``,
``rules`` and ``rule`` in ``rule_commands.py``, ``graph`` here.
Exit status: 0 no finding at or above ``--fail-on`` (default ``warning``),
1 such findings, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from signal_lint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
COMMANDS = ("check", "graph", "rules", "rule")


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

    graph = commands.add_parser("graph", help="draw the sender -> signal -> receiver graph")
    graph.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    graph.add_argument(
        "--format", choices=("text", "json", "dot", "mermaid", "html"), default="text"
    )
    graph.add_argument("--output", "-o", help="write to this file instead of standard output")
    graph.add_argument("--jobs", "-j", type=int, default=None)
    graph.add_argument("--config", help="pyproject.toml to read instead of searching upwards")
    graph.add_argument("--no-cache", action="store_true")
    graph.set_defaults(handler=_graph)

    add_rule_commands(commands)
    return parser


def _graph(args: argparse.Namespace) -> int:
    from signal_lint.config import ConfigError, load_config
    from signal_lint.engine import graph_paths
    from signal_lint.report.graph import GRAPH_FORMATS

    try:
        config = load_config(args.paths, args.config)
    except ConfigError as error:
        print(f"signal-lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    graph, findings, messages = graph_paths(
        args.paths, config, args.jobs, use_cache=not args.no_cache
    )
    for message in messages:
        print(f"signal-lint: {message}", file=sys.stderr)
    output = GRAPH_FORMATS[args.format](graph, findings)
    if args.output:
        from signal_lint.atomic import write_atomically

        try:
            os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
            write_atomically(args.output, output.encode("utf-8"))
        except OSError as error:
            print(
                f"signal-lint: cannot write {args.output}: {error.strerror or error}",
                file=sys.stderr,
            )
            return EXIT_USAGE
    else:
        sys.stdout.write(output)
    return EXIT_CLEAN
