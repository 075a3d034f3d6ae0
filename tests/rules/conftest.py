"""Helpers shared by the rule tests: run source through extract + per-file rules."""
from __future__ import annotations

import textwrap
from typing import List, Optional, Tuple

from signal_lint.catalog import load_catalog
from signal_lint.engine import check_one
from signal_lint.extract import extract_source
from signal_lint.rules.base import Finding


def findings_for(source: str, path: str = "app/signals.py", module: str = "app.signals", code: Optional[str] = None) -> List[Finding]:
    facts = extract_source(textwrap.dedent(source).lstrip("\n").encode(), path, module)
    found = check_one(facts, load_catalog())
    return [f for f in found if code is None or f.code == code]


def positions(source: str, code: str, **kwargs: str) -> List[Tuple[int, int]]:
    """(line, column) of ``code``'s findings, 1-based as printed."""
    return [(f.line, f.column + 1) for f in findings_for(source, code=code, **kwargs)]
