"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning uploads.

Every rule is described in ``tool.driver.rules`` (help text from its
docstring, ``helpUri`` to its page under ``docs/rules/``); each finding is a
result with a 1-based region and the baseline fingerprint (stable across
line shifts) in ``partialFingerprints``.

https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from signal_lint import __version__
from signal_lint.baseline import fingerprints
from signal_lint.findings import Finding
from signal_lint.report.escape import path_uri, printable
from signal_lint.rules.base import Rule, all_rules

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/signal-lint/signal-lint"
RULE_DOCS_URI = INFORMATION_URI + "/blob/main/docs/rules/{code}.md"
FINGERPRINT_KEY = "signalLint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def as_sarif(findings: Sequence[Finding]) -> str:
    rules = list(all_rules())
    index = {rule.code: number for number, rule in enumerate(rules)}
    results = [
        _result(f, fingerprint, index)
        for f, fingerprint in zip(findings, fingerprints(findings), strict=False)
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
                        "informationUri": INFORMATION_URI,
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
        "shortDescription": {"text": _first_sentence(what)},
        "fullDescription": {"text": what},
        "help": {"text": doc, "markdown": doc},
        "helpUri": RULE_DOCS_URI.format(code=rule.code),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": ["django", "signals", "project" if rule.project else "per-file"],
            "precision": "high",
        },
    }


def _result(finding: Finding, fingerprint: str, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {"ruleId": finding.code}
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    result.update(
        {
            "level": LEVELS[finding.severity],
            "message": {"text": printable(finding.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(finding.path),
                        "region": {
                            "startLine": max(finding.line, 1),
                            "startColumn": finding.column + 1,
                        },
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
    )
    return result


def _artifact(path: str) -> dict[str, str]:
    if os.path.isabs(path):
        return {"uri": path_uri(path)}
    return {"uri": path_uri(path), "uriBaseId": "%SRCROOT%"}


def _section(doc: str, heading: str) -> str:
    """The text under ``## heading`` as one paragraph (the whole doc if there is no such heading)."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", doc, re.MULTILINE | re.DOTALL)
    text = match.group(1) if match else doc
    return " ".join(text.split())


def _first_sentence(text: str) -> str:
    """Up to the first full stop outside parentheses and backticks."""
    depth, code = 0, False
    for position, char in enumerate(text):
        if char == "`":
            code = not code
        elif char in "([" and not code:
            depth += 1
        elif char in ")]" and not code:
            depth -= 1
        elif (
            char == "."
            and depth <= 0
            and not code
            and (position + 1 == len(text) or text[position + 1] == " ")
        ):
            return text[: position + 1]
    return text
