"""What a check reports: a ``Finding``, the ``Fix`` it may offer, and severities.

Value types shared by the rules that make findings and by everything that
reads them (engine, reporters, baseline, fixer, flake8 adapter), so that no
reader depends on the rules package for a value type.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"
# ``--fail-on`` compares severities by this order.
SEVERITY_ORDER = {INFO: 0, WARNING: 1, ERROR: 2}


@dataclass(frozen=True)
class Fix:
    """An edit a fixer can make: ``kind`` names it, (line, column) finds the node."""

    kind: str  # "add-kwargs", "weak-false", "drop-providing-args"
    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    """One reported problem at one position; frozen so findings can be deduplicated."""

    code: str
    name: str
    severity: str
    path: str
    line: int
    column: int  # 0-based internally; reporters print column + 1
    message: str
    fix: Fix | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
