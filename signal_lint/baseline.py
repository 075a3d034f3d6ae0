"""Baselines: adopt signal-lint on a legacy codebase and fail only on new findings.

A finding's fingerprint is a hash of its code, its path relative to the
project root and the whitespace-normalised text of the line it flags, plus
its index among the findings of the same file that share those three (in
line order).  So it survives lines inserted above it, edits elsewhere in the
file and re-indentation; it changes when the flagged line itself changes,
and when the file is renamed (the finding then counts as new, and the old
one as fixed).  The message is not part of it: a reworded message in a new
signal-lint version keeps the baseline valid.

https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning#providing-data-to-track-code-scanning-alerts-that-appear-in-multiple-runs
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from signal_lint.findings import Finding
from signal_lint.reading import read_regular_file
from signal_lint.report.escape import printable
from signal_lint.source_lines import SourceLines

FORMAT = 1  # the "signal-lint-baseline" value of the file


class BaselineError(Exception):
    """A baseline file that cannot be read: exit status 2 with this message."""


@dataclass(frozen=True)
class Entry:
    """One finding recorded in a baseline file."""

    fingerprint: str
    code: str
    path: str
    line: int
    message: str


def relative_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` with forward slashes (as stored in baselines and SARIF)."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return relative.replace(os.sep, "/")


def fingerprints(
    findings: Sequence[Finding], root: str = ".", sources: SourceLines | None = None
) -> list[str]:
    """One fingerprint per finding, in the order given (see the module docstring).

    ``sources``: the text of the files, when some did not come from disk (stdin).
    """
    lines = sources or SourceLines()
    keys = []
    for finding in findings:
        # A finding about a whole module (SIG101 is reported at 1:1) is named by code and path
        # alone, so editing the module's first line does not make it new.
        module_level = (finding.line, finding.column) in ((1, 0), (0, 0))
        text = "" if module_level else " ".join(lines.line(finding.path, finding.line).split())
        key = hashlib.sha256(
            f"{finding.code}\0{relative_path(finding.path, root)}\0{text}".encode(
                "utf-8", "surrogateescape"
            )
        ).hexdigest()[:20]
        keys.append(key)
    order = sorted(range(len(findings)), key=lambda index: findings[index].sort_key())
    seen: Counter[str] = Counter()
    result = [""] * len(findings)
    for index in order:
        result[index] = f"{keys[index]}:{seen[keys[index]]}"
        seen[keys[index]] += 1
    return result


def write_baseline(path: str, findings: Sequence[Finding], root: str) -> None:
    rows = [
        {
            "fingerprint": fingerprint,
            "code": f.code,
            "path": printable(relative_path(f.path, root)),
            "line": f.line,
            "message": printable(f.message),
        }
        for f, fingerprint in zip(findings, fingerprints(findings, root), strict=False)
    ]
    rows.sort(key=lambda row: (row["path"], row["line"], row["code"], row["fingerprint"]))
    content = (
        json.dumps({"signal-lint-baseline": FORMAT, "findings": rows}, indent=2, ensure_ascii=False)
        + "\n"
    )
    directory = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(directory, f".{os.path.basename(path)}.tmp{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except OSError as error:
        raise BaselineError(f"{path}: cannot write baseline: {error.strerror or error}") from None


def read_baseline(path: str) -> list[Entry]:
    try:
        data = json.loads(read_regular_file(path, 1 << 30).decode("utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read baseline: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(f"{path}: not a signal-lint baseline (invalid JSON: {error})") from None
    if (
        not isinstance(data, dict)
        or data.get("signal-lint-baseline") != FORMAT
        or not isinstance(data.get("findings"), list)
    ):
        raise BaselineError(f"{path}: not a signal-lint baseline (write one with --write-baseline)")
    entries = []
    for row in data["findings"]:
        try:
            entries.append(
                Entry(
                    str(row["fingerprint"]),
                    str(row["code"]),
                    str(row["path"]),
                    int(row["line"]),
                    str(row.get("message", "")),
                )
            )
        except (KeyError, TypeError, ValueError):
            raise BaselineError(f"{path}: malformed baseline entry {row!r}") from None
    return entries


def compare(
    findings: Sequence[Finding],
    baseline: Sequence[Entry],
    root: str,
    paths: Sequence[str] | None = None,
    sources: SourceLines | None = None,
) -> tuple[list[Finding], list[Entry]]:
    """(findings not in the baseline, baseline entries no longer found).

    ``paths`` are the files or directories whose findings were reported: an
    entry elsewhere was not looked for, so it is not "fixed".
    """
    current = fingerprints(findings, root, sources)
    known = {entry.fingerprint for entry in baseline}
    new = [
        finding
        for finding, fingerprint in zip(findings, current, strict=False)
        if fingerprint not in known
    ]
    present = set(current)
    fixed = [entry for entry in baseline if entry.fingerprint not in present]
    if paths is not None:
        targets = [os.path.realpath(path) for path in paths]
        fixed = [
            entry
            for entry in fixed
            if _within(os.path.realpath(os.path.join(root, entry.path)), targets)
        ]
    return new, fixed


def _within(path: str, targets: Sequence[str]) -> bool:
    return any(
        path == target or path.startswith(target.rstrip(os.sep) + os.sep) for target in targets
    )
