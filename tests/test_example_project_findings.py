"""``signal-lint check fixtures/example_project`` finds exactly the rows of its EXPECTED.md.

Every intended mistake, per-file and project rules alike, is found at its
line, and nothing else is (``catalog/``, ``config/`` and the correct parts of
``shop/`` stay clean).
"""

from __future__ import annotations

import re
from pathlib import Path

from signal_lint.config import Config
from signal_lint.engine import check_paths

PROJECT = Path(__file__).resolve().parent.parent / "fixtures" / "example_project"
ROW = re.compile(r"^\|\s*([\w/.]+\.py):(\d+)\s*\|\s*(SIG\d{3})\s*\|")


def expected_rows():
    rows = set()
    for line in (PROJECT / "EXPECTED.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.add((match.group(1), int(match.group(2)), match.group(3)))
    return rows


def findings():
    result = check_paths([str(PROJECT)], Config(root=str(PROJECT)), jobs=1, use_cache=False)
    return [
        (Path(f.path).resolve().relative_to(PROJECT).as_posix(), f.line, f.code, f)
        for f in result.findings
    ]


def test_findings_are_exactly_the_expected_rows():
    assert {(path, line, code) for path, line, code, _ in findings()} == expected_rows()


def test_one_finding_per_expected_row():
    found = [(path, line, code) for path, line, code, _ in findings()]
    assert len(found) == len(set(found)) == 25


def test_project_rule_messages_name_what_they_concern():
    messages = {
        code: finding.message for _, _, code, finding in findings() if code.startswith("SIG1")
    }
    assert "`on_order_saved_first`" in messages["SIG102"]
    assert "`order_detail`" in messages["SIG103"]
    assert "`tracking_number`" in messages["SIG104"]
    assert "'shop.Refund'" in messages["SIG106"]
    assert "`Order`" in messages["SIG107"] and "`on_order_saved_first`" in messages["SIG107"]
