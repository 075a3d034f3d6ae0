"""SIG011's fix: drop ``providing_args`` and keep its names in the statement's comment."""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree, keyword, without_args

KIND = "drop-providing-args"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    call = tree.at(
        fix.line, fix.column, cst.Call, lambda call: keyword(call, "providing_args") is not None
    )
    if call is None:
        return None
    statement = next(
        (node for node in tree.ancestors(call) if isinstance(node, cst.SimpleStatementLine)), None
    )
    if statement is None:
        return None
    argument = keyword(call, "providing_args")
    assert argument is not None
    names = _strings(argument.value)
    note = "sends: " + ", ".join(names) if names else "providing_args removed"
    return [
        Edit(call, lambda updated: without_args(updated, lambda _, arg: _is_providing(arg))),
        Edit(statement, lambda updated: with_comment(updated, note)),
    ]


def with_comment(statement: cst.SimpleStatementLine, note: str) -> cst.SimpleStatementLine:
    """``statement`` with ``# note``, or ``note`` added to its comment: one ``#`` per line."""
    trailing = statement.trailing_whitespace
    if trailing.comment is None:
        text, whitespace = f"# {note}", cst.SimpleWhitespace("  ")
    else:
        text, whitespace = f"{trailing.comment.value.rstrip()}; {note}", trailing.whitespace
    return statement.with_changes(
        trailing_whitespace=trailing.with_changes(whitespace=whitespace, comment=cst.Comment(text))
    )


def _is_providing(arg: cst.Arg) -> bool:
    return arg.keyword is not None and arg.keyword.value == "providing_args"


def _strings(node: cst.BaseExpression) -> list[str]:
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return []
    return [
        str(element.value.evaluated_value)
        for element in node.elements
        if isinstance(element.value, cst.SimpleString)
    ]
