"""Extract: one parse per file -> ``FileFacts`` (see ``facts.py``).

https://docs.djangoproject.com/en/stable/topics/signals/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from signal_lint.extract.facts import FileFacts, ParseError
from signal_lint.extract.modules import is_test_path, module_name
from signal_lint.extract.parse import parse_source, read_source
from signal_lint.reading import DEFAULT_MAX_FILE_SIZE

__all__ = ["FileFacts", "extract_file", "extract_source", "mentions_signals"]

# Bytes that every file holding signal facts contains.  Other files get the
# cheap walk (imports, classes, signatures) that the project graph needs.
# ``def ready(`` too: what ``AppConfig.ready()`` calls is where the graph follows connect helpers.
_PREFILTER_WORDS = (b"signal", b"Signal", b"receiver", b".connect(", b".disconnect(", b"def ready(")
_PREFILTER_SEND = re.compile(rb"\.a?send(?:_robust)?\(")
# flake8's inline noqa directive, bare or with codes (case-insensitive); the fixer reads it too
NOQA_DIRECTIVE = r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?"
_NOQA = re.compile(NOQA_DIRECTIVE.encode(), re.IGNORECASE)
_CODE = re.compile(rb"[A-Z]+[0-9]+", re.IGNORECASE)


def mentions_signals(source: bytes) -> bool:
    """Substring tests (a fast byte search each) instead of one regex alternation: 10x faster;
    a loop, not ``any()`` over a generator, which costs more than most of the searches."""
    for word in _PREFILTER_WORDS:
        if word in source:
            return True
    return b"send" in source and _PREFILTER_SEND.search(source) is not None


def extract_source(
    source: bytes,
    path: str,
    module: str,
    is_package: bool = False,
    is_test: bool | None = None,
    detailed: bool | None = None,
    tree: ast.Module | None = None,
) -> FileFacts:
    """Facts of one file's bytes.  Never raises for bad input: a parse error is a fact.

    ``tree``: the file already parsed with ``ast`` (flake8 hands its plugins one), to parse once.
    """
    from signal_lint.extract.visitor import FactsVisitor

    if is_test is None:
        is_test = is_test_path(path)
    parsed = parse_source(source, path) if tree is None else tree
    if isinstance(parsed, ParseError):
        return FileFacts(path, module, is_package, is_test, parse_error=parsed)
    if detailed is None:
        detailed = mentions_signals(source)
    try:
        facts = FactsVisitor(parsed, source, path, module, is_package, is_test, detailed).facts()
    except RecursionError:
        error = ParseError("could not parse: too deeply nested to analyse", 1, 0)
        return FileFacts(path, module, is_package, is_test, parse_error=error)
    return _with_noqa(facts, source, parsed)


def extract_file(
    path: str,
    src_roots: Sequence[str] = (),
    display_path: str | None = None,
    *,
    module: str | None = None,
    is_package: bool = False,
    detailed: bool | None = None,
    max_size: int = DEFAULT_MAX_FILE_SIZE,
) -> FileFacts:
    """Facts of the file at ``path`` (module name from its location unless given).

    A file that cannot be read, is not a regular file or is larger than ``max_size`` is a parse error.
    """
    if module is None:
        module, is_package = module_name(path, src_roots)
    shown = display_path or path
    source, error = read_source(path, max_size)
    if source is None:
        return FileFacts(shown, module, is_package, is_test_path(shown), parse_error=error)
    return extract_source(source, shown, module, is_package, detailed=detailed)


def _with_noqa(facts: FileFacts, source: bytes, tree: ast.Module) -> FileFacts:
    """Record each line's ``# noqa`` directive: its codes (None: all) and where it is.

    A directive naming a code of ours inside a string literal (a docstring that
    explains ``# noqa: SIG004``) is no directive: SIG018 must not call it unused.
    """
    if b"noqa" not in source and b"NOQA" not in source:
        return facts
    from dataclasses import replace

    markers = []
    for number, line in enumerate(source.split(b"\n"), start=1):
        match = _NOQA.search(line) if b"#" in line else None
        if match is None:
            continue
        codes = match.group("codes")
        parsed = tuple(c.decode().upper() for c in _CODE.findall(codes)) if codes else None
        start, end = (_characters(line, offset) for offset in match.span())
        markers.append((number, parsed, start, end))
    if any(codes and any(c.startswith("SIG") for c in codes) for _, codes, _, _ in markers):
        strings = _string_spans(tree)
        markers = [m for m in markers if not _inside(strings, m[0], m[2], source)]
    return replace(facts, noqa=tuple(markers))


def _characters(line: bytes, offset: int) -> int:
    """A byte offset in ``line`` as a character column."""
    return offset if line.isascii() else len(line[:offset].decode("utf-8", "replace"))


def _string_spans(tree: ast.Module) -> list[tuple[int, int, int, int]]:
    """(line, byte column, end line, end byte column) of every string literal."""
    return [
        (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        or (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)))
    ]


def _inside(spans: list[tuple[int, int, int, int]], line: int, column: int, source: bytes) -> bool:
    text = source.split(b"\n")[line - 1]
    offset = len(text.decode("utf-8", "replace")[:column].encode("utf-8"))
    return any((l1, c1) <= (line, offset) < (l2, c2) for l1, c1, l2, c2 in spans)
