"""``signal-lint rules`` lists the rules; ``signal-lint rule CODE`` explains one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from signal_lint.cli import EXIT_CLEAN, EXIT_USAGE


def add_parsers(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list the rules")
    rules.set_defaults(handler=_rules)
    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code")
    rule.set_defaults(handler=_rule)


def _rules(args: argparse.Namespace) -> int:
    from signal_lint.rules import all_rules

    for rule in all_rules():
        scope = "project" if rule.project else "file"
        fix = "fixable" if rule.fixable() else ""
        print(f"{rule.code}  {rule.name:<34} {rule.severity:<8} {scope:<8} {fix}".rstrip())
    return EXIT_CLEAN


def _rule(args: argparse.Namespace) -> int:
    from signal_lint.rules import rule_by_code

    rule = rule_by_code(args.code)
    if rule is None:
        print(
            f"signal-lint: unknown rule {args.code!r}; `signal-lint rules` lists them",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(f"# {rule.code} {rule.name} ({rule.severity})\n")
    print(rule.doc())
    return EXIT_CLEAN
