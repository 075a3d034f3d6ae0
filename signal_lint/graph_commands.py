"""The ``graph`` and ``graph-diff`` subcommands of ``signal-lint`` (registered by ``cli.py``).

``graph`` builds the project's signal graph, narrows it to ``--sender``,
``--signal``, ``--receiver`` and ``--app`` and renders it; ``--format text``
with ``--sender`` answers "what runs when it sends".  ``graph-diff`` compares
two ``graph --format json`` outputs.  Exit status: 0, or 2 for a usage error
(a name the graph does not hold, a graph too big to draw, an unreadable file).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from signal_lint.cli import add_input_options, load_run_config, print_notes
from signal_lint.report.escape import printable, printable_data

if TYPE_CHECKING:
    from signal_lint.graph import Edge

EXIT_CLEAN, EXIT_USAGE = 0, 2
DEFAULT_MAX_NODES = 200  # DOT and Mermaid beyond this stop being readable pictures
DRAWN = ("dot", "mermaid")


def add_parsers(commands: Any) -> None:
    graph = commands.add_parser("graph", help="draw the sender -> signal -> receiver graph")
    graph.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    graph.add_argument(
        "--format", choices=("text", "json", "dot", "mermaid", "html"), default="text"
    )
    graph.add_argument("--output", "-o", help="write to this file instead of standard output")
    for option, what in (
        ("--sender", "a sender (model or class; `shop.Order` or `Order` will do)"),
        ("--signal", "a signal (`post_save`, `shop.signals.order_placed`)"),
        ("--receiver", "a receiver function"),
        ("--app", "an app label: its receivers, senders and signals"),
    ):
        graph.add_argument(
            option,
            action="append",
            default=[],
            metavar="NAME" if option != "--app" else "LABEL",
            help=f"only what concerns {what}; repeatable",
        )
    graph.add_argument(
        "--link-template",
        metavar="TEMPLATE",
        help="HTML: link each location, e.g. https://github.com/org/repo/blob/{rev}/{path}#L{line} "
        "or vscode://file/{abspath}:{line}",
    )
    graph.add_argument(
        "--max-nodes",
        type=int,
        default=DEFAULT_MAX_NODES,
        metavar="N",
        help=f"dot/mermaid: refuse to draw more nodes than this (default {DEFAULT_MAX_NODES}; 0: no limit)",
    )
    graph.add_argument("--jobs", "-j", type=int, default=None)
    graph.add_argument("--config", help="pyproject.toml to read instead of searching upwards")
    graph.add_argument("--no-cache", action="store_true")
    add_input_options(graph)
    graph.add_argument(
        "--include-installed",
        action="store_true",
        help="show the installed packages' signals, receivers and sends too (the HTML report "
        "has them, hidden behind a toggle; --sender's what-runs-when always lists them)",
    )
    graph.set_defaults(handler=run_graph)

    diff = commands.add_parser(
        "graph-diff", help="what changed between two `graph --format json` outputs"
    )
    diff.add_argument("old", metavar="OLD.json")
    diff.add_argument("new", metavar="NEW.json")
    diff.add_argument(
        "--output-format",
        "--format",
        dest="output_format",
        choices=("text", "markdown", "json"),
        default="text",
    )
    diff.set_defaults(handler=run_graph_diff)


def project_root(paths: list[str], config_root: str, config_path: str | None) -> str:
    """What graph paths are relative to: the directory of the pyproject.toml read, else the
    analysed directory (the common one of several paths)."""
    if config_path is not None:
        return config_root
    directories = [
        os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".") for p in paths
    ]
    return os.path.commonpath(directories) if directories else os.path.abspath(".")


def run_graph(args: argparse.Namespace) -> int:
    from signal_lint.config import ConfigError
    from signal_lint.engine import graph_paths
    from signal_lint.graph.query import Query, QueryError, apply, resolve
    from signal_lint.report.graph import (
        RenderOptions,
        graph_data,
        project_only,
        relative_to,
        render,
    )
    from signal_lint.report.links import LinkError, check_template

    try:
        config = load_run_config(args, args.paths, args.paths)
        if args.link_template is not None:
            check_template(args.link_template)
    except (ConfigError, LinkError) as error:
        print(f"signal-lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    notes: list[str] = []
    graph, findings, messages = graph_paths(
        args.paths, config, args.jobs, use_cache=not args.no_cache, notes=notes
    )
    for message in messages:
        print(f"signal-lint: {message}", file=sys.stderr)
    print_notes(args, notes)
    root = project_root(args.paths, config.root, config.path)
    data = printable_data(graph_data(graph, findings, root))  # non-UTF-8 file names: valid JSON
    try:  # names resolve against everything: what runs when a model saves lists the packages'
        query = resolve(
            Query(tuple(args.sender), tuple(args.signal), tuple(args.receiver), tuple(args.app)),
            data,
        )
    except QueryError as error:
        print(f"signal-lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    if not (args.include_installed or args.format == "html"):
        data = printable_data(graph_data(project_only(graph), findings, root))
    shown = apply(query, data)
    if args.format == "text" and query.senders:
        from signal_lint.graph.what_runs_when import what_runs_when
        from signal_lint.report.what_runs_when import as_text

        where = relative_to(root)
        kept = {(c["path"], c["line"], c["signal"], c["receiver"]) for c in shown["connections"]}
        narrowed = bool(query.signals or query.receivers or query.apps)

        def keep(edge: Edge) -> bool:
            return (where(edge.path), edge.line, edge.signal, edge.receiver) in kept

        output = "\n".join(
            as_text(what_runs_when(graph, sender, keep=keep if narrowed else None), where)
            for sender in query.senders
        )
    else:
        if args.format in DRAWN and args.max_nodes > 0:
            from signal_lint.report.graph_view import node_count

            count = node_count(shown)
            if count > args.max_nodes:
                print(_too_big(count, args.max_nodes, shown), file=sys.stderr)
                return EXIT_USAGE
        options = RenderOptions(link_template=args.link_template, root=root)
        output = render(args.format, shown, options)
    return _write(output, args.output)


def _too_big(count: int, limit: int, data: dict[str, Any]) -> str:
    apps = ", ".join(a["label"] for a in data.get("apps") or [])
    return (
        f"signal-lint: the graph has {count} nodes, more than --max-nodes {limit}: a picture that big "
        "is unreadable. Draw a part of it with --app LABEL"
        + (f" (apps: {apps})" if apps else "")
        + ", --sender NAME, --signal NAME or --receiver NAME, use --format html (made for large "
        "graphs), or raise --max-nodes"
    )


def _write(output: str, target: str | None) -> int:
    output = printable(output)  # what was drawn from the graph itself (``what runs when``)
    if not target:
        sys.stdout.write(output)
        return EXIT_CLEAN
    from signal_lint.atomic import write_atomically

    try:
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        write_atomically(target, output.encode("utf-8"))
    except OSError as error:
        print(f"signal-lint: cannot write {target}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_CLEAN


def run_graph_diff(args: argparse.Namespace) -> int:
    from signal_lint.report.graph_diff import FORMATS, GraphFileError, diff, load

    try:
        old, new = load(args.old), load(args.new)
    except GraphFileError as error:
        print(f"signal-lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    sys.stdout.write(FORMATS[args.output_format](diff(old, new)))
    return EXIT_CLEAN
