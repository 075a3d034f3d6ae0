"""Helpers shared by the rule tests: run source through extract + per-file rules."""

from __future__ import annotations

import textwrap

from module_files import facts_of

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source
from signal_lint.findings import Finding


def findings_for(
    source: str, path: str = "app/signals.py", module: str = "app.signals", code: str | None = None
) -> list[Finding]:
    facts = extract_source(textwrap.dedent(source).lstrip("\n").encode(), path, module)
    found = check_one(facts, load_catalog())
    return [f for f in found if code is None or f.code == code]


def positions(source: str, code: str, **kwargs: str) -> list[tuple[int, int]]:
    """(line, column) of ``code``'s findings, 1-based as printed."""
    return [(f.line, f.column + 1) for f in findings_for(source, code=code, **kwargs)]


def project_findings(files: dict[str, str], code: str | None = None) -> list[Finding]:
    """Findings of a small project given as {path: source}, every rule (project rules included)."""
    from signal_lint.config import Config
    from signal_lint.engine import check_facts

    return [
        f
        for f in check_facts(facts_of(files, detailed=True), load_catalog(), Config())
        if code is None or f.code == code
    ]


def project_positions(files: dict[str, str], code: str) -> list[tuple[str, int, int]]:
    """(path, line, column) of ``code``'s findings in a project, 1-based as printed."""
    return [(f.path, f.line, f.column + 1) for f in project_findings(files, code)]


def fixed(source: str, code: str, **kwargs: str) -> str:
    """``source`` with the fixes (safe and unsafe) of ``code``'s findings applied."""
    from signal_lint.fix import fix_source

    text = textwrap.dedent(source).lstrip("\n")
    result = fix_source(text, findings_for(text, code=code, **kwargs))
    assert isinstance(result, str)
    return result


def fixes(source: str, code: str, **kwargs: str) -> list[tuple[str, str] | None]:
    """(kind, applicability) of each of ``code``'s findings' fixes, None for a finding without one."""
    return [
        (f.fix.kind, f.fix.applicability) if f.fix else None
        for f in findings_for(source, code=code, **kwargs)
    ]
