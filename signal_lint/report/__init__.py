"""Reporters: findings -> text, JSON, GitHub annotations, SARIF, GitLab code quality (one function each).

Positions are 0-based columns internally; every format here prints 1-based.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence

from signal_lint.findings import Finding
from signal_lint.report.escape import printable
from signal_lint.report.gitlab import as_gitlab
from signal_lint.report.sarif import as_sarif


def as_text(findings: Sequence[Finding]) -> str:
    return "".join(
        printable(f"{f.path}:{f.line}:{f.column + 1}: {f.code} {f.message}\n") for f in findings
    )


def as_json(findings: Sequence[Finding]) -> str:
    from signal_lint.rules import rule_by_code

    rows = [
        {
            "code": f.code,
            "name": f.name,
            "severity": f.severity,
            "path": printable(f.path),
            "line": f.line,
            "column": f.column + 1,
            "message": printable(f.message),
            "fixable": f.fix is not None,
            "fix": None
            if f.fix is None
            else {
                "applicability": f.fix.applicability,
                "message": getattr(rule_by_code(f.code), "fix_title", "") or None,
            },
        }
        for f in findings
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def as_github(findings: Sequence[Finding]) -> str:
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


FORMATS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
    "gitlab": as_gitlab,
}
