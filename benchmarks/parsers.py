#!/usr/bin/env python3
"""Why signal-lint reads with ``ast`` and writes with libcst: parse times of the two.

Parses a sample of the ``.py`` files under DIR with ``ast.parse``, with ``libcst.parse_module``
and with libcst plus the ``QualifiedNameProvider`` metadata (what a libcst reader would need to
resolve names), and prints the CPU times (best of ``--repeat``) and their ratios to ``ast``'s,
as the table in docs/architecture.md shows them::

    python benchmarks/parsers.py /path/to/a/django/project --files 600
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import sys
import time
from collections.abc import Callable

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider


def sample(directory: str, count: int) -> list[bytes]:
    """``count`` files spread evenly over the sorted ``.py`` files of ``directory``."""
    paths = sorted(
        os.path.join(parent, name)
        for parent, _, names in os.walk(directory)
        for name in names
        if name.endswith(".py")
    )
    step = max(1, len(paths) // count)
    sources = []
    for path in paths[::step][:count]:
        with open(path, "rb") as handle:
            sources.append(handle.read())
    return sources


def cpu_time(parse: Callable[[bytes], object], sources: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.disable()
        start = time.process_time()
        for source in sources:
            parse(source)
        best = min(best, time.process_time() - start)
        gc.enable()
    return best


def with_names(source: bytes) -> object:
    wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
    return wrapper.resolve(QualifiedNameProvider)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--files", type=int, default=600, help="files to parse (default 600)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many (default 3)")
    args = parser.parse_args(argv)
    sources = sample(args.directory, args.files)
    readable = []
    for source in sources:
        try:
            ast.parse(source)
            cst.parse_module(source)
        except (SyntaxError, ValueError, cst.ParserSyntaxError):
            continue  # both parsers must read it for the comparison to be fair
        readable.append(source)
    times = {
        "`ast.parse`": cpu_time(ast.parse, readable, args.repeat),
        "`libcst.parse_module`": cpu_time(cst.parse_module, readable, args.repeat),
        "libcst + `QualifiedNameProvider`": cpu_time(with_names, readable, args.repeat),
    }
    megabytes = sum(map(len, readable)) / 1e6
    base = times["`ast.parse`"]
    print(f"{len(readable)} files, {megabytes:.1f} MB, Python {sys.version.split()[0]}")
    print("| Parser | CPU time | vs `ast` |\n|---|---|---|")
    for name, seconds in times.items():
        print(f"| {name} | {seconds:.2f} s | {seconds / base:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
