"""Fixes for fixable findings, applied with libcst so every other byte stays put.

A finding's ``Fix`` names the edit and the position of the node it applies
to (the ``def`` line, or the start of the ``connect``/``receiver``/``Signal``
call).  Files are rewritten with ``atomic.write_in_place`` (a symlink's
target in place, hard links kept), and fixing a fixed file changes nothing.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from signal_lint.atomic import write_in_place
from signal_lint.findings import Finding
from signal_lint.reading import DEFAULT_MAX_FILE_SIZE, read_regular_file

Source = str | bytes


def fix_source(source: Source, findings: Sequence[Finding]) -> Source:
    """Apply the fixes of ``findings`` (all of one file) to ``source``."""
    wanted = {(f.fix.kind, f.fix.line, f.fix.column) for f in findings if f.fix is not None}
    if not wanted:
        return source
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    fixed = wrapper.visit(_Fixer(wanted))
    return fixed.code if isinstance(source, str) else fixed.bytes


def apply_fixes(
    findings: Sequence[Finding], paths: Sequence[str], config: object
) -> tuple[int, list[Finding]]:
    """Fix files in place; return how many findings were fixed and the findings left."""
    from signal_lint.engine import check_paths

    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.fix is not None:
            by_path[finding.path].append(finding)
    limit = getattr(config, "max_file_size", DEFAULT_MAX_FILE_SIZE)
    for path, file_findings in sorted(by_path.items()):
        try:
            source = read_regular_file(path, limit)
        except OSError:  # gone or changed into something else since it was checked
            continue
        try:
            fixed = fix_source(source, file_findings)
        except Exception:  # libcst refuses what ast accepted: leave the file as it is
            continue
        if fixed != source:
            try:
                write_in_place(path, fixed)  # type: ignore[arg-type]
            except OSError as error:
                print(f"signal-lint: cannot fix {path}: {error.strerror or error}", file=sys.stderr)
    remaining = check_paths(paths, config).findings  # type: ignore[arg-type]
    return len(findings) - len(remaining), remaining


class _Fixer(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, wanted: set[tuple[str, int, int]]) -> None:
        super().__init__()
        self.wanted = wanted
        self.comments: list[str] = []  # "# sends: ..." for the statement being left

    def _wants(self, kind: str, node: cst.CSTNode) -> bool:
        start = self.get_metadata(PositionProvider, node).start
        return (kind, start.line, start.column) in self.wanted

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        start = self.get_metadata(PositionProvider, original.name).start
        lines = {line for kind, line, _ in self.wanted if kind == "add-kwargs"}
        if start.line not in lines or updated.params.star_kwarg is not None:
            return updated
        taken = {p.name.value for p in _all_params(updated.params)}
        name = next(n for n in ("kwargs", "extra_kwargs", "signal_kwargs") if n not in taken)
        return updated.with_changes(
            params=updated.params.with_changes(star_kwarg=cst.Param(cst.Name(name)))
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self._wants("weak-false", original):
            return _set_weak_false(updated)
        if self._wants("drop-providing-args", original):
            kept = [
                a for a in updated.args if not (a.keyword and a.keyword.value == "providing_args")
            ]
            dropped = [a for a in updated.args if a.keyword and a.keyword.value == "providing_args"]
            names = _string_elements(dropped[0].value) if dropped else []
            self.comments.append(
                "# sends: " + ", ".join(names) if names else "# providing_args removed"
            )
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            return updated.with_changes(args=kept)
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not self.comments:
            return updated
        comment = "  ".join(self.comments)
        self.comments = []
        trailing = updated.trailing_whitespace
        if trailing.comment is not None:
            comment = f"{trailing.comment.value}  {comment}"
        return updated.with_changes(
            trailing_whitespace=trailing.with_changes(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comment)
            )
        )


def _all_params(params: cst.Parameters) -> list[cst.Param]:
    found = list(params.posonly_params) + list(params.params) + list(params.kwonly_params)
    if isinstance(params.star_arg, cst.Param):
        found.append(params.star_arg)
    return found


def _set_weak_false(call: cst.Call) -> cst.Call:
    false = cst.Name("False")
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == "weak":
            args[index] = arg.with_changes(value=false)
            return call.with_changes(args=args)
    positional = [i for i, a in enumerate(args) if a.keyword is None and not a.star]
    is_connect = isinstance(call.func, cst.Attribute) and call.func.attr.value == "connect"
    if is_connect and len(positional) >= 3:  # connect(receiver, sender, weak, ...)
        args[positional[2]] = args[positional[2]].with_changes(value=false)
        return call.with_changes(args=args)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    args.append(
        cst.Arg(
            keyword=cst.Name("weak"),
            value=false,
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
    )
    return call.with_changes(args=args)


def _string_elements(node: cst.BaseExpression) -> list[str]:
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        values = []
        for element in node.elements:
            if isinstance(element.value, cst.SimpleString):
                values.append(str(element.value.evaluated_value))
        return values
    return []
