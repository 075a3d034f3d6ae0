"""What a reporter may need besides the findings: the project root, the files' text, colour,
which fixes ``--fix`` makes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from signal_lint.findings import SAFE, Finding
from signal_lint.report.spans import Position, Spans
from signal_lint.source_lines import SourceLines


@dataclass
class ReportContext:
    root: str = "."  # the project root: fingerprints and baselines are relative to it
    sources: SourceLines = field(default_factory=SourceLines)
    color: bool = False  # text formats only
    # which findings ``--fix`` repairs in this run (safe fixes, unless unsafe fixes are on; the
    # ``fixable``/``unfixable`` settings), and which only ``--unsafe-fixes`` would
    fixable: Callable[[Finding], bool] = lambda f: f.fix is not None and f.fix.applicability == SAFE
    unsafe_only: Callable[[Finding], bool] = lambda f: False
    # each finding's fix as the one edit it makes (JSON), from the fixer (``signal_lint.fix``, a
    # later stage, so the front end hands it in); None: no edit to show
    fix_edits: Callable[[Sequence[Finding], SourceLines], list[dict[str, Any] | None]] = (
        lambda findings, sources: [None] * len(findings)
    )

    def __post_init__(self) -> None:
        self._spans = Spans(self.sources)

    def spans(self, findings: Sequence[Finding]) -> list[Position]:
        """Each finding's end (line, 0-based column)."""
        return self._spans.ends_of(findings)

    def fingerprints(self, findings: Sequence[Finding]) -> list[str]:
        """The baseline's fingerprint of each finding."""
        from signal_lint.baseline import fingerprints

        return fingerprints(findings, self.root, self.sources)
