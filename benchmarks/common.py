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
