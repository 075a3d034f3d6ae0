#!/usr/bin/env python3
"""Check the sender names of ``signal-lint graph --format json`` against the code (issue 11).

Every sender the graph gives as a dotted name (connections and sends) must name a class where
it is *defined*: ``dcim.models.devices.Device``, not the package that star-imports it
(``dcim.models.Device``) nor a module that happens to import it (``dcim.models.cables.Device``);
``<Model>.<field>.through`` counts as defined where ``Model`` is.
A sender is *in-repo* when its module part names a file of the checked tree; this script
checks that the file defines ``class <Name>`` (nested classes too: ``Outer.Inner``).  Senders
of other packages (``django.contrib.auth.models.User``) are counted apart; unresolved senders
(``{"unresolved": "<source text>"}``) and ``null`` are counted, not checked.

Usage (the graph is built by ``python -m signal_lint`` of this checkout unless ``--graph`` is
given)::

    python benchmarks/sender_names.py PROJECT_DIR [PROJECT_DIR ...]
    python benchmarks/sender_names.py PROJECT_DIR --graph FILE.json --paths-from DIR
    python benchmarks/sender_names.py CORPUS/* --graph-dir GRAPHS   # graph JSONs made already
    python benchmarks/sender_names.py /work/scratch/corpus/*      # one line per project + total

Exit status: 0 when every in-repo sender names a defining module, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SKIP_DIRS = frozenset({".git", ".hg", ".tox", ".venv", "venv", "node_modules", "__pycache__"})


@dataclass
class Tally:
    """Counts for one project (or the total)."""

    in_repo: int = 0
    defined: int = 0
    external: int = 0
    unresolved: int = 0
    any_sender: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.in_repo += other.in_repo
        self.defined += other.defined
        self.external += other.external
        self.unresolved += other.unresolved
        self.any_sender += other.any_sender
        self.wrong.extend(other.wrong)


class Tree:
    """The ``.py`` files of one directory, indexed by module name relative to the source roots
    the analyser used (learnt from the graph: a receiver's dotted name against its path)."""

    def __init__(self, root: str, roots: set[str]) -> None:
        self.files: dict[str, list[str]] = {}
        for directory, subdirs, names in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
            for name in sorted(names):
                if not name.endswith(".py"):
                    continue
                path = os.path.abspath(os.path.join(directory, name))
                for source_root in roots:
                    if not path.startswith(source_root + os.sep):
                        continue
                    parts = os.path.relpath(path, source_root)[:-3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts = parts[:-1]
                    if parts:
                        self.files.setdefault(".".join(parts), []).append(path)
        self._classes: dict[str, set[str]] = {}

    def classes(self, path: str) -> set[str]:
        """Dotted names of the classes a file defines (``Outer.Inner`` for nested ones)."""
        found = self._classes.get(path)
        if found is None:
            found = set()
            try:
                with open(path, "rb") as handle:
                    source = handle.read()
            except OSError:
                source = b""
            tree = _parse(source, path)
            if tree is not None:
                found.update(_class_names(tree.body, ""))
            self._classes[path] = found
        return found

    def check(self, sender: str) -> bool | None:
        """True: defined there; False: in-repo but not defined there; None: not in this tree."""
        parts = sender.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            paths = self.files.get(".".join(parts[:cut]))
            if paths:
                name = ".".join(parts[cut:])
                if name.endswith(".through") and name.count(".") >= 2:
                    name = name.rsplit(".", 2)[0]  # ``Order.tags.through``: Order's field's model
                return any(name in self.classes(path) for path in paths)
        return None


def _parse(source: bytes, path: str) -> ast.Module | None:
    """The file's tree as signal-lint reads it: syntax newer than this Python (``except A, B:``
    of 3.14) is read too, as the analyser does."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        pass
    if REPO not in sys.path:
        sys.path.insert(0, REPO)
    from signal_lint.extract.parse import parse_source

    parsed = parse_source(source, path)
    return parsed if isinstance(parsed, ast.Module) else None


def _class_names(body: list[ast.stmt], prefix: str) -> Iterator[str]:
    for node in body:
        if isinstance(node, ast.ClassDef):
            name = f"{prefix}{node.name}"
            yield name
            yield from _class_names(node.body, f"{name}.")
        elif isinstance(node, (ast.If, ast.Try)):  # ``if TYPE_CHECKING:``/``try:`` definitions
            for block in (node.body, getattr(node, "orelse", []), getattr(node, "finalbody", [])):
                yield from _class_names(block, prefix)
            for handler in getattr(node, "handlers", []):
                yield from _class_names(handler.body, prefix)


def graph_of(project: str) -> dict:
    """The graph JSON of ``project``, made from inside it (its paths are then relative to it)."""
    command = [sys.executable, "-m", "signal_lint", "graph", ".", "--format", "json", "--no-cache"]
    environment = {**os.environ, "PYTHONPATH": REPO + os.pathsep + os.environ.get("PYTHONPATH", "")}
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=project, env=environment, check=False
    )
    if result.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return json.loads(result.stdout)


def source_roots(graph: dict, base: str) -> set[str]:
    """Directories module names are relative to: ``/x/src`` for receiver ``shop.receivers.f`` in
    ``/x/src/shop/receivers.py``."""
    roots = set()
    for receiver in graph.get("receivers", ()):
        path = os.path.abspath(os.path.join(base, receiver["path"]))
        parts = path[: -len(".py")].split(os.sep)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names = receiver["name"].split(".")
        for end in range(len(names), 0, -1):
            if len(parts) > end and parts[-end:] == names[:end]:
                roots.add(os.sep.join(parts[:-end]))
                break
    return roots


def tally(project: str, graph: dict, base: str = ".") -> Tally:
    """``base``: the directory the graph's relative paths are relative to."""
    tree = Tree(project, source_roots(graph, base))
    counts = Tally()
    for kind in ("connections", "sends"):
        for item in graph.get(kind, ()):
            sender = item.get("sender")
            if sender is None:
                counts.any_sender += 1
            elif isinstance(sender, dict):
                counts.unresolved += 1
            else:
                verdict = tree.check(sender)
                if verdict is None:
                    counts.external += 1
                    continue
                counts.in_repo += 1
                if verdict:
                    counts.defined += 1
                else:
                    counts.wrong.append(f"{item['path']}:{item['line']}: {sender}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="+", help="project directories")
    parser.add_argument("--graph", help="a graph JSON of the (single) project, instead of running")
    parser.add_argument(
        "--graph-dir",
        help="a directory of graph JSONs named <project>.graph.json, one per project, instead of running",
    )
    parser.add_argument(
        "--paths-from", default=".", help="where --graph was made (its paths are relative to it)"
    )
    parser.add_argument("--show", type=int, default=20, help="wrong names listed per project")
    args = parser.parse_args(argv)
    if args.graph and len(args.projects) != 1:
        parser.error("--graph takes one project")
    total = Tally()
    print("| project | in-repo senders | defined there | other packages | unresolved | any |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for project in args.projects:
        name = os.path.basename(os.path.normpath(project))
        if args.graph or args.graph_dir:
            path = args.graph or os.path.join(args.graph_dir, f"{name}.graph.json")
            with open(path, encoding="utf-8") as handle:
                graph = json.load(handle)
            base = args.paths_from if args.graph else project  # graph paths: from its root
        else:
            graph, base = graph_of(project), project
        counts = tally(project, graph, base)
        total.add(counts)
        print(
            f"| {name} | {counts.in_repo} | {counts.defined} | {counts.external} "
            f"| {counts.unresolved} | {counts.any_sender} |"
        )
        for wrong in counts.wrong[: args.show]:
            print(f"  not defined there: {wrong}", file=sys.stderr)
    share = 100.0 * total.defined / total.in_repo if total.in_repo else 100.0
    print(
        f"| **total** | {total.in_repo} | {total.defined} ({share:.1f} %) | {total.external} "
        f"| {total.unresolved} | {total.any_sender} |"
    )
    return 0 if total.defined == total.in_repo else 1


if __name__ == "__main__":
    sys.exit(main())
