"""Reporters: findings -> text (concise, full), JSON, GitHub annotations, SARIF, GitLab code
quality, JUnit XML (one function each, taking the findings and a ``ReportContext``).

Positions are 0-based columns internally; every format here prints 1-based.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import import_module

from signal_lint import rule_url
from signal_lint.findings import Finding
from signal_lint.report.context import ReportContext
from signal_lint.report.escape import printable
from signal_lint.report.text import as_concise, as_full

__all__ = ["FORMATS", "MACHINE_FORMATS", "ReportContext", "statistics"]


def as_json(findings: Sequence[Finding], context: ReportContext) -> str:
    """One array; each finding also says where it ends, its doc page, its fix and its fingerprint."""
    from signal_lint.rules import rule_by_code

    ends = context.spans(findings)
    edits = context.fix_edits(findings, context.sources)
    rows = [
        {
            "code": f.code,
            "name": f.name,
            "severity": f.severity,
            "path": printable(f.path),
            "line": f.line,
            "column": f.column + 1,
            "end_line": end_line,
            "end_column": end_column + 1,
            "message": printable(f.message),
            "fixable": f.fix is not None,
            "fix": None
            if f.fix is None
            else {
                "applicability": f.fix.applicability,
                "message": getattr(rule_by_code(f.code), "fix_title", "") or None,
                "edits": [edit] if edit else [],
            },
            "url": rule_url(f.code),
            "fingerprint": fingerprint,
            "related": [
                {
                    "path": printable(r.path),
                    "line": r.line,
                    "column": r.column + 1,
                    "message": printable(r.message),
                }
                for r in f.related
            ],
        }
        for f, (end_line, end_column), edit, fingerprint in zip(
            findings, ends, edits, context.fingerprints(findings), strict=True
        )
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_github(findings: Sequence[Finding], context: ReportContext) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's diff."""
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for f in findings:
        message = printable(f.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = printable(f.path).replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        lines.append(
            f"::{levels[f.severity]} file={path},line={f.line},col={f.column + 1},title="
            f"{f.code} {f.name}::{f.code} {message}\n"
        )
    return "".join(lines)


def statistics(findings: Sequence[Finding]) -> str:
    counts = Counter((f.code, f.name) for f in findings)
    return "".join(f"{count:<5} {code} {name}\n" for (code, name), count in sorted(counts.items()))


Reporter = Callable[[Sequence[Finding], ReportContext], str]


def _imported_when_used(module: str, function: str) -> Reporter:
    """A reporter whose module is imported only when that format is asked for: every run would
    otherwise pay for XML (JUnit) and the rule metadata (SARIF) that few runs print."""

    def report(findings: Sequence[Finding], context: ReportContext) -> str:
        reporter: Reporter = getattr(import_module(module), function)
        return reporter(findings, context)

    report.__name__ = report.__qualname__ = function
    return report


FORMATS: dict[str, Reporter] = {
    "concise": as_concise,
    "full": as_full,
    "text": as_concise,  # the name before concise/full existed
    "json": as_json,
    "github": as_github,
    "sarif": _imported_when_used("signal_lint.report.sarif", "as_sarif"),
    "gitlab": _imported_when_used("signal_lint.report.gitlab", "as_gitlab"),
    "junit": _imported_when_used("signal_lint.report.junit", "as_junit"),
}
# Formats other programs read: never coloured, never followed by a summary or statistics on stdout.
MACHINE_FORMATS = frozenset(FORMATS) - {"concise", "full", "text"}
