"""Rules: one module per rule, named by topic; found by walking this package."""

from signal_lint.rules.base import Invalid, Rule, Valid, all_rules, rule_by_code

__all__ = ["Invalid", "Rule", "Valid", "all_rules", "rule_by_code"]
