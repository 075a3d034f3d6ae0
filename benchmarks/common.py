"""What every part of the benchmark shares: where it lives, how it logs, how it prints numbers."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fmt_seconds(value: float) -> str:
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def mib(kib: float) -> str:
    return f"{kib / 1024:.0f}"


def write_section(page: str, mark: str, section: str) -> None:
    """Put ``section`` in ``page`` between ``<!-- BEGIN mark -->`` and its END marker.

    ``benchmarks/run.py`` keeps such sections when it rewrites docs/performance.md.
    """
    with open(page, encoding="utf-8") as handle:
        text = handle.read()
    begin, end = f"<!-- BEGIN {mark} -->\n", f"<!-- END {mark} -->\n"
    if begin in text:
        text = text[: text.index(begin)] + text[text.index(end) + len(end) :]
    with open(page, "w", encoding="utf-8") as handle:
        handle.write(text.rstrip("\n") + "\n\n" + begin + section + end)
