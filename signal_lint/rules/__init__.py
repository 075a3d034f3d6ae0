"""Rules: one module per rule, named by topic; found by walking this package."""

from signal_lint.rules.base import (
    ERROR,
    INFO,
    WARNING,
    Finding,
    Fix,
    Invalid,
    Rule,
    Valid,
    all_rules,
    rule_by_code,
)

__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "Finding",
    "Fix",
    "Invalid",
    "Rule",
    "Valid",
    "all_rules",
    "rule_by_code",
]
