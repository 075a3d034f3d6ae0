"""Apply fixes with libcst so every other byte stays put: ``--fix``, ``--unsafe-fixes``, ``--diff``.

The fixes of one file are applied in one pass over its libcst tree (see
``signal_lint/fixes/``); a fix whose edits cannot share that pass with the
others waits for the next pass, on the fixed text, where the project is
checked again to find it (at most ``MAX_ROUNDS`` passes, as ruff bounds its
loop).
A file libcst cannot reproduce byte for byte is left alone, and so is a fix
whose result would not parse.  Files are written with
``atomic.write_in_place`` (atomically; a symlink's target, hard links kept);
fixing a fixed file changes nothing.
"""

from __future__ import annotations

import ast
import difflib
import io
import tokenize
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import libcst as cst

from signal_lint.atomic import write_in_place
from signal_lint.engine import fix_wanted
from signal_lint.findings import Finding
from signal_lint.fixes import Edit, Tree, edits_for, replaced
from signal_lint.reading import read_regular_file
from signal_lint.source_lines import SourceLines

if TYPE_CHECKING:
    from signal_lint.config import Config

Source = str | bytes
Recheck = Callable[[Source], Sequence[Finding]]

MAX_ROUNDS = 10  # passes over one file; a pass fixes everything that fits together, so 2 is usual


def fix_source(
    source: Source, findings: Sequence[Finding], recheck: Recheck | None = None
) -> Source:
    """Apply the fixes of ``findings`` (all of one file) to ``source``."""
    return fix_findings(source, findings, recheck)[0]


def fix_findings(
    source: Source,
    findings: Sequence[Finding],
    recheck: Recheck | None = None,
    wanted: Callable[[Finding], bool] = lambda finding: True,
) -> tuple[Source, list[Finding]]:
    """``source`` with the ``wanted`` fixes of ``findings`` applied, and the findings fixed.

    A fix left over by a pass (its edits clash with another's) is found again
    by ``recheck`` (the file's findings in the fixed text); only findings that
    were reported in the first place are fixed, so a later pass never acts on
    a finding the caller did not see.
    """
    reported = {(f.code, f.message) for f in findings}
    pending = [f for f in findings if f.fix is not None and wanted(f)]
    fixed: list[Finding] = []
    for _ in range(MAX_ROUNDS):
        if not pending:
            break
        source, applied = apply_once(source, pending)
        fixed.extend(applied)
        if not applied or len(applied) == len(pending) or recheck is None:
            break
        pending = [
            f
            for f in recheck(source)
            if f.fix is not None and wanted(f) and (f.code, f.message) in reported
        ]
    return source, fixed


def apply_once(source: Source, findings: Sequence[Finding]) -> tuple[Source, list[Finding]]:
    """One pass: every fix whose edits fit with those before it, in file order."""
    module = _parse(source)
    if module is None:
        return source, []
    tree = Tree(module)
    chosen: list[tuple[Finding, list[Edit]]] = []
    edited: set[int] = set()
    structural: set[int] = set()
    done: set[object] = set()
    for finding in sorted(findings, key=_fix_order):
        assert finding.fix is not None
        if finding.fix in done:  # one connection of two signals: the same edit, made once
            chosen.append((finding, []))
            continue
        edits = _edits(tree, finding)
        if not edits or any(
            id(e.node) in structural or (e.structural and id(e.node) in edited) for e in edits
        ):
            continue
        chosen.append((finding, edits))
        done.add(finding.fix)
        edited.update(id(e.node) for e in edits)
        structural.update(id(e.node) for e in edits if e.structural)
    result = _rendered(source, module, tree, [e for _, es in chosen for e in es])
    if result == source:  # edits that change nothing fix nothing
        return source, []
    if result is None:  # cannot happen unless a fixer is wrong: keep the first fix that works alone
        for finding, edits in chosen:
            alone = _rendered(source, module, tree, edits) if edits else None
            if alone is not None:
                return alone, [finding]
        return source, []
    return result, [finding for finding, _ in chosen]


def _fix_order(finding: Finding) -> tuple[int, int, str, str]:
    assert finding.fix is not None
    return (finding.fix.line, finding.fix.column, finding.code, finding.message)


def _edits(tree: Tree, finding: Finding) -> list[Edit] | None:
    assert finding.fix is not None
    try:
        return edits_for(tree, finding.fix)
    except Exception:  # a fixer that trips over an unusual tree fixes nothing; the finding stays
        return None


def _parse(source: Source) -> cst.Module | None:
    """The libcst module of ``source``, if libcst reads it and gives back every byte."""
    try:
        module = cst.parse_module(source)
    except Exception:  # libcst's ParserSyntaxError, and its native parser's panics
        return None
    again = module.bytes if isinstance(source, bytes) else module.code
    return module if again == source else None


def _rendered(source: Source, module: cst.Module, tree: Tree, edits: list[Edit]) -> Source | None:
    """``source`` with ``edits`` made, or None when the result would not parse."""
    try:
        new = replaced(edits, module, tree)
        result: Source = new.bytes if isinstance(source, bytes) else new.code
    except Exception:
        return None
    return result if _still_parses(source, result) else None


def _still_parses(before: Source, after: Source) -> bool:
    """Python parses ``after`` if it parsed ``before`` (libcst, for syntax newer than this Python)."""
    try:
        ast.parse(before)
    except (SyntaxError, ValueError):
        try:
            cst.parse_module(after)
        except Exception:
            return False
        return True
    try:
        ast.parse(after)
    except (SyntaxError, ValueError):
        return False
    return True


def fix_edits(findings: Sequence[Finding], sources: SourceLines) -> list[dict[str, Any] | None]:
    """Each finding's fix as the edit it makes (for JSON): the text that replaces a range.

    ``{"content": ..., "location": {"line", "column"}, "end_location": {...}}``,
    1-based, the end exclusive; None without a fix, or when the fix cannot be
    made on its own in this file.
    """
    edits: list[dict[str, Any] | None] = []
    for finding in findings:
        if finding.fix is None:
            edits.append(None)
            continue
        before = sources.data(finding.path)
        after = apply_once(before, [finding])[0]
        assert isinstance(after, bytes)
        edits.append(_edit(before, after))
    return edits


def _edit(before: bytes, after: bytes) -> dict[str, Any] | None:
    """The one range that differs between ``before`` and ``after``."""
    if before == after:
        return None
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    return {
        "content": after[start : len(after) - end].decode("utf-8", "replace"),
        "location": _position(before, start),
        "end_location": _position(before, len(before) - end),
    }


def _position(data: bytes, offset: int) -> dict[str, int]:
    """A byte offset as a 1-based line and character column."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", "replace"))
    return {"line": data.count(b"\n", 0, offset) + 1, "column": column + 1}


# The command line: which fixes run, every file's result, the diff, the write.


@dataclass
class FixPlan:
    """What ``--fix`` does: each changed file's bytes before and after, and the findings fixed."""

    files: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    hidden: int = 0  # unsafe fixes left out because unsafe fixes are off

    def contents(self) -> dict[str, bytes]:
        """Each changed file's fixed bytes, by path."""
        return {path: after for path, (_, after) in self.files.items()}

    def add(self, path: str, before: bytes, after: bytes, fixed: Sequence[Finding]) -> None:
        """Another pass over ``path``: its bytes from the first ``before`` to this ``after``."""
        first = self.files[path][0] if path in self.files else before
        self.files[path] = (first, after)
        self.fixed.extend(fixed)

    def diff(self) -> bytes:
        return b"".join(unified_diff(path, *self.files[path]) for path in sorted(self.files))

    def write(self) -> list[str]:
        """Write every changed file; the messages of those that could not be written."""
        problems = []
        for path in sorted(self.files):
            try:
                write_in_place(path, self.files[path][1])
            except OSError as error:
                problems.append(f"cannot write {path}: {error.strerror or error}")
        return problems


Check = Callable[[Mapping[str, bytes]], Sequence[Finding]]


def fix_project(
    findings: Sequence[Finding],
    config: Config,
    unsafe: bool,
    check: Check,
    contents: Mapping[str, bytes] | None = None,
) -> tuple[FixPlan, Sequence[Finding]]:
    """``--fix``/``--diff``, in memory: a pass over every file with a wanted fix, then ``check``
    (the whole project's findings, with the fixed files' bytes) and another pass, until a pass
    changes nothing, at most ``MAX_ROUNDS`` times, as ruff loops.  A fix that waited for another
    (their edits clash) and a finding a fix revealed (a function that is a receiver again once
    ``connect(f())`` is ``connect(f)``) are fixed in a later pass; a second ``--fix`` finds
    nothing more to do.  ``contents``: files not read from disk (stdin).  Returns the plan and the
    findings of the fixed project."""
    plan = FixPlan()
    given = dict(contents or {})
    for _ in range(MAX_ROUNDS):
        changed = False
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            if fix_wanted(finding, config, unsafe):
                by_path.setdefault(finding.path, []).append(finding)
        for path in sorted(by_path):
            before = given.get(path)
            if before is None:
                try:
                    before = read_regular_file(path, config.max_file_size)
                except OSError:  # gone or changed into something else since it was checked
                    continue
            after, fixed = apply_once(before, by_path[path])
            assert isinstance(after, bytes)
            if after != before:
                plan.add(path, before, after, fixed)
                given[path] = after
                changed = True
        if not changed:
            break
        findings = check(plan.contents())
    plan.hidden = sum(
        1 for f in findings if fix_wanted(f, config, True) and not fix_wanted(f, config, unsafe)
    )
    plan.fixed.sort(key=Finding.sort_key)
    return plan, findings


def unified_diff(path: str, before: bytes, after: bytes) -> bytes:
    """A unified diff of one file that ``patch -p0`` applies: its lines in the file's own encoding
    (undecodable bytes kept as they are)."""
    encoding = _encoding(before)
    encoding = "utf-8" if encoding == "utf-8-sig" else encoding  # the BOM stays in the first line
    old = before.decode(encoding, "surrogateescape").splitlines(keepends=True)
    new = after.decode(encoding, "surrogateescape").splitlines(keepends=True)
    name = path.encode("utf-8", "surrogateescape").decode(encoding, "surrogateescape")
    lines = []
    for line in difflib.unified_diff(old, new, fromfile=name, tofile=name):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines).encode(encoding, "surrogateescape")


def _encoding(source: bytes) -> str:
    try:
        return tokenize.detect_encoding(io.BytesIO(source).readline)[0]
    except SyntaxError:
        return "utf-8"
