"""SIG007's fix: move ``@receiver`` above the decorators that wrap the function.

The rule knows which decorators are receivers (resolved like every name it
reads) and puts the new order in ``Fix.value``: the old positions of the
decorators, outermost first (``"1,0,2"``).  Blank lines and comments above the
first decorator stay where they are; a decorator's own trailing comment moves
with it.
"""

from __future__ import annotations

import libcst as cst

from signal_lint.findings import Fix
from signal_lint.fixes import Edit, Tree

KIND = "reorder-decorators"


def edits(tree: Tree, fix: Fix) -> list[Edit] | None:
    function = tree.at(fix.line, fix.column, cst.FunctionDef)
    if function is None or not fix.value:
        return None
    order = [int(index) for index in fix.value.split(",")]
    if sorted(order) != list(range(len(function.decorators))):
        return None  # the file changed since it was checked
    return [Edit(function, lambda updated: reordered(updated, order))]


def reordered(function: cst.FunctionDef, order: list[int]) -> cst.FunctionDef:
    old = list(function.decorators)
    new = [
        old[source].with_changes(leading_lines=old[target].leading_lines)
        for target, source in enumerate(order)
    ]
    return function.with_changes(decorators=new)
