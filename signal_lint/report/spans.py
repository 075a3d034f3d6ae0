"""Where a finding ends: the end of the syntax node that starts where it points.

Rules report a start (the ``def``, the call, the parameter, the string
literal); the machine formats and ``--output-format full`` also want the end.
A finding that knows its end (``end_line``/``end_column``: SIG018's comment)
keeps it.  Otherwise the file is parsed once more with ``ast``, only when
such output is asked for and only for files with findings, and the outermost
node starting at the finding's position gives the end: the whole call for a
``connect(...)``, the parameter, the literal.  A ``def`` or ``class`` ends
with its name (not its body).  A position where no node starts (a parse
error, a module-level finding at 1:1) gets an empty range.

Columns here are 0-based characters, as in findings; ``ast`` counts UTF-8 bytes.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Sequence

from signal_lint.findings import Finding
from signal_lint.source_lines import SourceLines

Position = tuple[int, int]  # (line, 0-based character column)

# The nodes a finding can point at (ast gives them start and end positions).
POSITIONED = (ast.stmt, ast.expr, ast.arg, ast.keyword, ast.excepthandler)
_DEF_NAME = re.compile(r"(?:async\s+)?(?:def|class)\s+\w+")


class Spans:
    """End positions of findings, each file parsed at most once."""

    def __init__(self, sources: SourceLines) -> None:
        self.sources = sources
        self.ends: dict[str, dict[Position, Position]] = {}

    def end(self, finding: Finding) -> Position:
        start = (finding.line, finding.column)
        if finding.end_line is not None and finding.end_column is not None:
            end = (finding.end_line, finding.end_column)
        else:
            end = self._node_ends(finding.path).get(start, start)
        return max(end, start)

    def ends_of(self, findings: Sequence[Finding]) -> list[Position]:
        return [self.end(f) for f in findings]

    def _node_ends(self, path: str) -> dict[Position, Position]:
        if path not in self.ends:
            self.ends[path] = self._index(path)
        return self.ends[path]

    def _index(self, path: str) -> dict[Position, Position]:
        source = self.sources.data(path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes
                tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
        lines = self.sources.lines(path)
        ends: dict[Position, Position] = {}
        for node in ast.walk(tree):  # breadth first: the outermost node at a position comes first
            if not isinstance(node, POSITIONED) or node.end_lineno is None:
                continue
            start = (node.lineno, _characters(lines, node.lineno, node.col_offset))
            if start in ends:
                continue
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                text = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
                match = _DEF_NAME.match(text, start[1])
                ends[start] = (node.lineno, match.end()) if match else start
            else:
                end_column = node.end_col_offset or 0
                ends[start] = (node.end_lineno, _characters(lines, node.end_lineno, end_column))
        return ends


def _characters(lines: list[str], line: int, offset: int) -> int:
    """A UTF-8 byte offset in ``line`` as a character count."""
    if not 0 < line <= len(lines):
        return offset
    text = lines[line - 1]
    if text.isascii():
        return offset
    return len(text.encode("utf-8", "surrogateescape")[:offset].decode("utf-8", "surrogateescape"))
