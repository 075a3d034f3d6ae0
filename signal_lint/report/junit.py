"""``--output-format junit``: a JUnit XML report, for CI systems that show test results.

One ``<testsuite>`` per file with findings, one failing ``<testcase>`` per
finding (its ``file`` and ``line`` attributes point at it); a clean run is
one passing test case, so the report is never empty.  The layout follows
what CI systems read (GitLab's ``artifacts:reports:junit``, Jenkins,
Azure Pipelines) and ruff's ``junit`` format.

https://github.com/testmoapp/junitxml
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby

from signal_lint.findings import Finding
from signal_lint.report.context import ReportContext
from signal_lint.report.escape import printable

# Characters XML 1.0 cannot hold at all (not even as references).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def as_junit(findings: Sequence[Finding], context: ReportContext) -> str:
    suites = ET.Element(
        "testsuites",
        name="signal-lint",
        tests=str(max(len(findings), 1)),
        failures=str(len(findings)),
        errors="0",
    )
    if not findings:
        suite = ET.SubElement(
            suites, "testsuite", name="signal-lint", tests="1", failures="0", errors="0"
        )
        ET.SubElement(suite, "testcase", name="No findings", classname="signal-lint")
    for path, group in groupby(findings, key=lambda f: f.path):
        in_file = list(group)
        shown = _text(path)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=shown,
            tests=str(len(in_file)),
            failures=str(len(in_file)),
            errors="0",
        )
        for f in in_file:
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{f.code} {f.name} at {f.line}:{f.column + 1}",
                classname=shown,
                file=shown,
                line=str(f.line),
            )
            failure = ET.SubElement(case, "failure", message=_text(f.message), type=f.code)
            failure.text = _text(
                f"{shown}:{f.line}:{f.column + 1}: {f.code} [{f.severity}] {f.message}"
            )
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )


def _text(value: str) -> str:
    """Undecodable bytes as ``\\xNN`` (as every format shows them), and no character XML forbids."""
    return _NOT_XML.sub("\ufffd", printable(value))
