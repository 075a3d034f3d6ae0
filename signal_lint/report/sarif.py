"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning uploads.

Every rule is described in ``tool.driver.rules`` (its one-line summary as
``shortDescription``, which GitHub shows as the alert's title; help text from
its docstring; ``helpUri`` to its page under ``docs/rules/``); each finding is
a result with a 1-based region (start and end), the other places it involves
as ``relatedLocations``, and the baseline fingerprint (stable across line
shifts) in ``partialFingerprints``.

https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from signal_lint import REPOSITORY_URL, __version__, rule_url
from signal_lint.findings import Finding, Location
from signal_lint.report.context import ReportContext
from signal_lint.report.escape import path_uri, printable
from signal_lint.rules.base import Rule, all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "signalLint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def as_sarif(findings: Sequence[Finding], context: ReportContext) -> str:
    rules = list(all_rules())
    index = {rule.code: number for number, rule in enumerate(rules)}
    results = [
        _result(f, fingerprint, end, index)
        for f, fingerprint, end in zip(
            findings, context.fingerprints(findings), context.spans(findings), strict=True
        )
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "signal-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": REPOSITORY_URL,
                        "rules": [_descriptor(rule) for rule in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _descriptor(rule: type[Rule]) -> dict[str, Any]:
    doc = rule.doc()
    what = _section(doc, "What it does")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": what},
        "help": {"text": doc, "markdown": doc},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["django", "signals", "project" if rule.project else "per-file"],
            "precision": "high",
        },
    }


def _result(
    finding: Finding, fingerprint: str, end: tuple[int, int], index: dict[str, int]
) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    line = max(finding.line, 1)
    region = {
        "startLine": line,
        "startColumn": finding.column + 1,
        "endLine": max(end[0], line),
        "endColumn": end[1] + 1,
    }
    result.update(
        {
            "level": LEVELS[finding.severity],
            "message": {"text": printable(finding.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.path),
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
    )
    if finding.related:
        result["relatedLocations"] = [
            _related(number, location) for number, location in enumerate(finding.related)
        ]
    return result


def _related(number: int, location: Location) -> dict[str, Any]:
    return {
        "id": number,
        "physicalLocation": {
            "artifactLocation": _artifact(location.path),
            "region": {"startLine": max(location.line, 1), "startColumn": location.column + 1},
        },
        "message": {"text": printable(location.message)},
    }


def _artifact(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": path_uri(path)}
    return {"uri": path_uri(path), "uriBaseId": "%SRCROOT%"}


def _section(doc: str, heading: str) -> str:
    """The text under ``## heading`` as one paragraph (the whole doc if there is no such heading)."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    text = match.group(1) if match else doc
    return " ".join(text.split())
