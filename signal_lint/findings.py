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

# Fix applicability, as ruff says it: a safe fix keeps what the code means (``--fix`` applies
# it); an unsafe one may change behaviour a user relies on (only with ``--unsafe-fixes``).
SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Fix:
    """An edit a fixer can make (``signal_lint/fixes/``): ``kind`` names the fixer, (line,
    0-based column) finds the node it starts at, ``value`` is what the fixer needs beyond the
    node (the new name, the replacement string, the model's qualified name)."""

    kind: str
    line: int
    column: int
    applicability: str = SAFE
    value: str | None = None


@dataclass(frozen=True)
class Location:
    """Another place a finding involves (the other connection of a ``dispatch_uid``
    collision, a receiver that a bulk write skips), with what it is there."""

    path: str
    line: int
    column: int  # 0-based, as in findings
    message: str


@dataclass(frozen=True)
class Finding:
    """One reported problem at one position; frozen so findings can be deduplicated.

    ``end_line``/``end_column``: where what it flags ends, when the rule knows
    better than the syntax node starting at (line, column) (see report/spans.py).
    """

    code: str
    name: str
    severity: str
    path: str
    line: int
    column: int  # 0-based internally; reporters print column + 1
    message: str
    fix: Fix | None = None
    related: tuple[Location, ...] = ()
    end_line: int | None = None
    end_column: int | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
