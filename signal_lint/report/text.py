"""Text output for people: ``concise`` (one line per finding, flake8 style), ``full``
(the same line, then the source line with carets under the finding), the summary
line, and when to colour it.

Each line is ``path:line:column: CODE [severity] message``; ``[*]`` after the
severity marks a finding ``--fix`` repairs, as in ruff.  Colour is for a
terminal only: ``--color auto`` (the default) colours when the output is a
TTY, unless ``NO_COLOR`` is set (https://no-color.org), or when
``FORCE_COLOR`` is set (https://force-color.org); ``--color always|never``
overrides both.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TextIO

from signal_lint.findings import Finding
from signal_lint.report.context import ReportContext
from signal_lint.report.escape import printable

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
CYAN = "\033[36m"
GREEN = "\033[32m"
SEVERITY_COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;34m"}


def use_color(choice: str, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """``--color auto|always|never`` for ``stream``; ``auto`` asks the environment, then the stream."""
    if choice != "auto":
        return choice == "always"
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and environ.get("TERM") != "dumb"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, style: str) -> str:
        return f"{style}{text}{RESET}" if self.color and text else text


def _header(finding: Finding, paint: _Painter, context: ReportContext) -> str:
    severity = paint(f"[{finding.severity}]", SEVERITY_COLORS[finding.severity])
    fixable = " " + paint("[*]", CYAN) if context.fixable(finding) else ""
    return (
        f"{paint(printable(finding.path), BOLD)}{paint(f':{finding.line}:{finding.column + 1}:', DIM)} "
        f"{paint(finding.code, SEVERITY_COLORS[finding.severity])} {severity}{fixable} "
        f"{printable(finding.message)}\n"
    )


def as_concise(findings: Sequence[Finding], context: ReportContext) -> str:
    paint = _Painter(context.color)
    return "".join(_header(f, paint, context) for f in findings)


def as_full(findings: Sequence[Finding], context: ReportContext) -> str:
    """Each finding's line, then its source line with carets under what it flags, as ruff shows it."""
    paint = _Painter(context.color)
    spans = context.spans(findings)
    blocks = []
    for finding, (end_line, end_column) in zip(findings, spans, strict=True):
        block = _header(finding, paint, context)
        source = context.sources.line(finding.path, finding.line)
        if source.strip():
            gutter = str(finding.line)
            start = min(finding.column, len(source))
            stop = end_column if end_line == finding.line else len(source.rstrip())
            stop = max(min(stop, len(source)), start + 1)
            carets = paint("^" * _width(source[start:stop]), SEVERITY_COLORS[finding.severity])
            bar = paint("|", CYAN)
            block += (
                f"{' ' * len(gutter)} {bar}\n"
                f"{paint(gutter, CYAN)} {bar} {printable(source)}\n"
                f"{' ' * len(gutter)} {bar} {_indent(source[:start])}{carets}\n"
                f"{' ' * len(gutter)} {bar}\n"
            )
        blocks.append(block)
    return "\n".join(blocks)


def summary(findings: Sequence[Finding], context: ReportContext, fixed: int | None = None) -> str:
    """``Found 25 findings (3 fixable with --fix).``, or ``All checks passed!``.

    ``fixed``: how many findings ``--fix`` repaired in this run (``findings`` are those left).
    Fixes only ``--unsafe-fixes`` makes are counted apart, as ruff counts its hidden fixes.
    """
    paint = _Painter(context.color)
    total = len(findings) + (fixed or 0)
    if total == 0:
        return paint("All checks passed!", GREEN + BOLD) + "\n"
    found = paint(f"Found {total} finding{'' if total == 1 else 's'}", BOLD)
    if fixed:
        return f"{found} ({fixed} fixed, {len(findings)} remaining).\n"
    fixable = sum(1 for f in findings if context.fixable(f))
    hidden = sum(1 for f in findings if context.unsafe_only(f))
    notes = [f"{fixable} fixable with --fix"] if fixable else []
    if hidden:
        notes.append(
            f"{hidden} more with --unsafe-fixes"
            if fixable
            else f"{hidden} fixable with --unsafe-fixes"
        )
    return f"{found} ({'; '.join(notes)}).\n" if notes else f"{found}.\n"


def _indent(prefix: str) -> str:
    """Blank space as wide as ``prefix`` on a terminal: tabs kept, wide characters counted twice."""
    return "".join(c if c == "\t" else " " * _width(c) for c in prefix)


def _width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )
