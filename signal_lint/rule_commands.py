"""``signal-lint rules`` lists the rules; ``signal-lint rule CODE-OR-NAME`` explains one.

Both print text for people or, with ``--output-format json``, data for tools.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from typing import Any

from signal_lint import rule_url
from signal_lint.cli import EXIT_CLEAN, EXIT_USAGE


def add_parsers(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list the rules")
    rule = commands.add_parser("rule", help="explain one rule")
    rule.add_argument("code", metavar="CODE-OR-NAME", help="SIG004 or unknown-receiver-argument")
    for parser in (rules, rule):
        parser.add_argument("--output-format", "--format", choices=("text", "json"), default="text")
    rules.set_defaults(handler=_rules)
    rule.set_defaults(handler=_rule)


def describe(rule: Any) -> dict[str, Any]:
    """What tools read about a rule; ``fix``: the applicabilities its documented fixes have."""
    from signal_lint.docs import fix_applicabilities

    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity,
        "scope": "project" if rule.project else "file",
        "flake8": not rule.project and not rule.judges_noqa(),
        "fixable": rule.fixable(),
        "fix": sorted(fix_applicabilities(rule)),
        "summary": rule.summary,
        "url": rule_url(rule.code),
    }


def _rules(args: argparse.Namespace) -> int:
    from signal_lint.rules import all_rules

    rows = [describe(rule) for rule in all_rules()]
    if args.output_format == "json":
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    name_width = max(len(row["name"]) for row in rows)
    print(f"{'CODE':<7} {'NAME':<{name_width}}  {'SEVERITY':<8} {'SCOPE':<7} {'FIX':<11} SUMMARY")
    for row in rows:
        fix = "/".join(row["fix"])
        print(
            f"{row['code']:<7} {row['name']:<{name_width}}  {row['severity']:<8} "
            f"{row['scope']:<7} {fix:<11} {row['summary']}".rstrip()
        )
    return EXIT_CLEAN


def _rule(args: argparse.Namespace) -> int:
    from signal_lint.rules import all_rules

    wanted = args.code.strip()
    rule = next(
        (r for r in all_rules() if wanted.upper() == r.code or wanted.lower() == r.name), None
    )
    if rule is None:
        names = [r.name for r in all_rules()]
        close = difflib.get_close_matches(wanted.lower(), names, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        print(
            f"signal-lint: unknown rule {args.code!r}{hint}; `signal-lint rules` lists them",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.output_format == "json":
        document = {**describe(rule), "doc": rule.doc()}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    print(f"# {rule.code} {rule.name} ({rule.severity})\n")
    print(rule.doc())
    return EXIT_CLEAN
