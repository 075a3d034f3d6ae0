"""``--format gitlab``: a GitLab code quality report (Code Climate JSON).

https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from signal_lint.findings import Finding
from signal_lint.report.context import ReportContext
from signal_lint.report.escape import printable

# GitLab's severities: info, minor, major, critical, blocker.
SEVERITIES = {"error": "critical", "warning": "major", "info": "info"}


def as_gitlab(findings: Sequence[Finding], context: ReportContext) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": f.code,
            "description": printable(f"{f.code} {f.message}"),
            "categories": ["Bug Risk"],
            "severity": SEVERITIES[f.severity],
            "fingerprint": fingerprint,
            "location": {
                "path": printable(f.path),
                "lines": {"begin": f.line, "end": max(end_line, f.line)},
            },
        }
        for f, fingerprint, (end_line, _) in zip(
            findings, context.fingerprints(findings), context.spans(findings), strict=True
        )
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
